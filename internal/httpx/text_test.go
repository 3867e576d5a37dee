package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zhiyuan"
)

func TestTextProblem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field, value string
		ok           bool
	}{
		{"name", "张小红 Zhang-Xiaohong (2)", true},
		{"name", "替换符 \ufffd 是用户打的字", true},
		{"name", "emoji 🙂", true},
		{"name", "", true},
		{"name", "a\x00b", false},
		{"name", "\xff", false},
		{"name", "\xed\xa0\x80", false}, // a surrogate encoded in UTF-8
		{"name", "a\nb", false},
		{"name", "a\tb", false},
		{"name", "a\x7fb", false},   // DEL
		{"name", "a\u0085b", false}, // C1: next line
		{"name", "a\u009bb", false}, // C1: CSI
		{"name", "a\x1b[31m", false},
		{"description", "第一行\n第二行\r\n\t缩进", true},
		{"description", "a\x00b", false},
		{"description", "a\rb", false}, // a lone CR is not a line break any browser sends
		{"description", "a\r", false},
		{"description", "\xff", false},
		{"sessions[0].description", "a\nb", true},
		{"sessions[0].title", "a\nb", false},
		{"reason", "原因：\r\n1. 迟到", true},
		{"comment", "很好\n谢谢", true},
	} {
		if got := TextProblem(tc.field, tc.value) == ""; got != tc.ok {
			t.Errorf("TextProblem(%q, %q) ok = %v, want %v", tc.field, tc.value, got, tc.ok)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body  string
		field string // "" when the body passes
	}{
		{`{"title":"敬老院探访","sessions":[{"address":"天河路 1 号"}],"n":3,"ok":true,"x":null}`, ""},
		{`{"description":"第一行\n第二行\t\r\n"}`, ""},
		{`{"title":"a\nb"}`, "title"},
		{`{"title":"a\u0000b"}`, "title"},
		{"{\"title\":\"a\xffb\"}", "title"},
		{`{"title":"\ud800"}`, "title"},
		{`{"title":"\udc00x"}`, "title"},
		{`{"title":"\ud800\u0041"}`, "title"},
		{`{"title":"\ud83d\ude42"}`, ""}, // a pair: 🙂
		{`{"title":"\\ud800"}`, ""},      // an escaped backslash, then text
		{`{"title":"\u00ef\u00bf\u00bd"}`, ""},
		{`{"title":"\u007f"}`, "title"},
		{`{"title":"\u0085"}`, "title"},
		{`{"sessions":[{"title":"ok"},{"title":"a\u0000"}]}`, "sessions[1].title"},
		{`{"sessions":[{"description":"a\nb"},{"address":"a\nb"}]}`, "sessions[1].address"},
		{`{"tags":["x","y","\u0000"]}`, "tags[2]"},
		{`{"a":{"b":{"c":"\u0001"}},"d":"ok"}`, "a.b.c"},
		{`{"a\u0000":"x"}`, "a?"},
		{`["x","\u0000"]`, "[1]"},
		{`"\u0000"`, "body"},
		{`{"title":`, ""}, // not JSON: decoding says so
	} {
		err := CheckJSON([]byte(tc.body))
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.body, err)
			}
			continue
		}
		f := zhiyuan.ErrorFields(err)
		if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || len(f) != 1 || f[tc.field] == "" || zhiyuan.ErrorReason(err) != "text.fields_invalid" {
			t.Errorf("%s: %v, want one naming %s", tc.body, err, tc.field)
		}
		if !strings.Contains(zhiyuan.ErrorMessage(err), "「"+tc.field+"」") {
			t.Errorf("%s: message %q does not name %s", tc.body, zhiyuan.ErrorMessage(err), tc.field)
		}
	}
}

func TestCheckTextMiddleware(t *testing.T) {
	t.Parallel()
	var reached bool
	var pageErr error
	h := CheckText(func(w http.ResponseWriter, r *http.Request, err error) {
		pageErr = err
		w.WriteHeader(Status(zhiyuan.ErrorCode(err)))
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		// The middleware's parse is the one handlers see.
		if r.Method == "POST" && r.PostFormValue("name") != "张三" {
			t.Errorf("form value %q", r.PostFormValue("name"))
		}
	}))
	for _, tc := range []struct {
		method, target, form string
		status               int
		field                string
	}{
		{"GET", "/api/v1/organizations?q=%E6%95%AC%E8%80%81", "", 200, ""},
		{"GET", "/api/v1/organizations?q=%FF", "", 422, "q"},
		{"GET", "/api/v1/organizations?q=a%00b", "", 422, "q"},
		{"GET", "/api/v1/organizations?q=%ED%A0%80", "", 422, "q"},
		{"GET", "/api/v1/organizations?q=a%0Ab", "", 422, "q"},
		{"GET", "/api/v1/organizations?q=ok&cursor=%C2%85", "", 422, "cursor"},
		{"GET", "/activities?q=%00", "", 422, "q"},
		{"GET", "/activities?q=%zz&region=440100", "", 200, ""}, // a pair that does not parse is dropped, as handlers drop it
		{"GET", "/verify/proof/%00", "", 404, ""},
		{"GET", "/verify/proof/%FF", "", 404, ""},
		{"POST", "/register", "name=%E5%BC%A0%E4%B8%89", 200, ""},
		{"POST", "/register", "name=%E5%BC%A0%E4%B8%89&phone=%FF", 422, "phone"},
		{"POST", "/orgs/1/activities", "name=%E5%BC%A0%E4%B8%89&description=a%0D%0Ab%09", 200, ""},
		{"POST", "/orgs/1/activities", "name=%E5%BC%A0%E4%B8%89&title=a%0D%0Ab", 422, "title"},
		{"POST", "/api/v1/x", "name=%E5%BC%A0%E4%B8%89&title=%00", 422, "title"},
	} {
		reached, pageErr = false, nil
		var body *strings.Reader
		if tc.form != "" {
			body = strings.NewReader(tc.form)
		} else {
			body = strings.NewReader("")
		}
		r := httptest.NewRequest(tc.method, tc.target, body)
		if tc.form != "" {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		what := tc.method + " " + tc.target + " " + tc.form
		if w.Code != tc.status || reached != (tc.status == 200) {
			t.Errorf("%s: %d, handler reached %v; want %d", what, w.Code, reached, tc.status)
			continue
		}
		if tc.field == "" {
			continue
		}
		var err error
		if strings.HasPrefix(tc.target, "/api/") {
			d := decodeError(t, w)
			err = &zhiyuan.Error{Code: d.Code, Message: d.Message, Fields: d.Fields}
		} else {
			err = pageErr
		}
		if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorFields(err)[tc.field] == "" ||
			!strings.Contains(zhiyuan.ErrorMessage(err), "「"+tc.field+"」") {
			t.Errorf("%s: %v, want invalid naming %s", what, err, tc.field)
		}
	}
}

func TestCheckValuesNames(t *testing.T) {
	t.Parallel()
	err := CheckValues(url.Values{"ok": {"x"}, "a\x00": {"x"}, "delivery_address": {"x", "y\x00"}})
	f := zhiyuan.ErrorFields(err)
	if len(f) != 2 || f["a?"] == "" || f["delivery_address"] == "" {
		t.Errorf("fields %v", f)
	}
}

func TestCleanHeaderText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"Mozilla/5.0", 200, "Mozilla/5.0"},
		{"a\xffb", 200, "ab"},
		{"a\u0085b\tc", 200, "abc"},
		{strings.Repeat("中", 5), 7, "中中"}, // 15 bytes cut to 7: two whole characters
		{"ab" + strings.Repeat("中", 5), 8, "ab中中"},
		{strings.Repeat("a", 10) + "\xff", 8, "aaaaaaaa"},
	} {
		if got := cleanHeaderText(tc.in, tc.max); got != tc.want {
			t.Errorf("cleanHeaderText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

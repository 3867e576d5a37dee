package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhiyuan"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	for code, want := range map[zhiyuan.Code]int{
		zhiyuan.EInvalid: 422, zhiyuan.EUnauthorized: 401, zhiyuan.EForbidden: 403, zhiyuan.ENotFound: 404,
		zhiyuan.EConflict: 409, zhiyuan.EFull: 409, zhiyuan.ERateLimited: 429, zhiyuan.EInternal: 500,
		"": 200, "something-new": 500,
	} {
		if got := Status(code); got != want {
			t.Errorf("Status(%q) = %d, want %d", code, got, want)
		}
	}
}

func decodeError(t *testing.T, w *httptest.ResponseRecorder) ErrorDetail {
	t.Helper()
	var b ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("not JSON: %s", w.Body)
	}
	return b.Error
}

func TestWriteJSONError(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	WriteJSONError(w, zhiyuan.FieldFail(zhiyuan.EInvalid, "phone", "phone.format"))
	d := decodeError(t, w)
	if w.Code != 422 || d.Code != zhiyuan.EInvalid || d.Reason != "phone.format" || d.FieldReasons["phone"] != "phone.format" ||
		d.Message != "手机号码格式不正确" || d.Fields["phone"] != "手机号码格式不正确" {
		t.Errorf("invalid: %d %s", w.Code, w.Body)
	}
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("Content-Type %q", w.Header().Get("Content-Type"))
	}
	if strings.Contains(w.Body.String(), `\u`) {
		t.Errorf("Chinese is escaped: %s", w.Body)
	}

	// Errors that are not ours say nothing about the system.
	w = httptest.NewRecorder()
	WriteJSONError(w, errors.New(`pq: relation "accounts" does not exist at 10.0.0.5`))
	d = decodeError(t, w)
	if w.Code != 500 || d.Code != zhiyuan.EInternal || strings.Contains(w.Body.String(), "accounts") || d.Message == "" || d.Reason != "internal" {
		t.Errorf("internal: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	WriteJSONError(w, nil)
	if w.Code != 500 {
		t.Errorf("nil error written as %d", w.Code)
	}

	w = httptest.NewRecorder()
	WriteJSONError(w, zhiyuan.Errorf(zhiyuan.EUnauthorized, "请先登录"))
	if w.Code != 401 || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("unauthorized: %d, challenge %q", w.Code, w.Header().Get("WWW-Authenticate"))
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]string{
		"Bearer abc":    "abc",
		"bearer abc":    "abc",
		"BEARER  abc  ": "abc",
		"Basic abc":     "",
		"Bearer":        "",
		"Bearer ":       "",
		"":              "",
		"Bearerabc":     "",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		got, ok := BearerToken(r)
		if got != want || ok != (want != "") {
			t.Errorf("BearerToken(%q) = %q %v, want %q", header, got, ok, want)
		}
	}
}

func TestClientInfo(t *testing.T) {
	t.Parallel()
	var got zhiyuan.Client
	h := func(trust bool) http.Handler {
		return ClientInfo(trust)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = zhiyuan.ClientFrom(r.Context())
		}))
	}
	req := func(id, xff string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.10:51234"
		r.Header.Set("User-Agent", "Mozilla/5.0")
		if id != "" {
			r.Header.Set("X-Request-ID", id)
		}
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		return r
	}

	w := httptest.NewRecorder()
	h(false).ServeHTTP(w, req("abc-123_X", "203.0.113.1"))
	if got.IP != "192.0.2.10" || got.UserAgent != "Mozilla/5.0" || got.RequestID != "abc-123_X" || w.Header().Get("X-Request-ID") != "abc-123_X" {
		t.Errorf("direct client: %+v, echoed %q", got, w.Header().Get("X-Request-ID"))
	}
	// Without a proxy to trust, X-Forwarded-For is the client's say-so and ignored.
	h(true).ServeHTTP(httptest.NewRecorder(), req("", "198.51.100.1, 203.0.113.1"))
	if got.IP != "203.0.113.1" {
		t.Errorf("behind a proxy: IP %q, want the last hop 203.0.113.1", got.IP)
	}
	if len(got.RequestID) != 16 {
		t.Errorf("generated request id %q", got.RequestID)
	}
	h(true).ServeHTTP(httptest.NewRecorder(), req("", "198.51.100.1, \xff<x>"))
	if got.IP != "192.0.2.10" {
		t.Errorf("behind a proxy, a last hop that is no address: IP %q, want the peer's", got.IP)
	}
	// Request ids that could forge log lines or grow without bound are replaced.
	for _, bad := range []string{"a b", "x\nlevel=ERROR", "<script>", strings.Repeat("a", 65)} {
		w := httptest.NewRecorder()
		h(false).ServeHTTP(w, req(bad, ""))
		if got.RequestID == bad || w.Header().Get("X-Request-ID") == bad || len(got.RequestID) != 16 {
			t.Errorf("request id %q kept as %q", bad, got.RequestID)
		}
	}
}

func TestRecover(t *testing.T) {
	t.Parallel()
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, nil))
	var paged error
	page := func(w http.ResponseWriter, r *http.Request, err error) {
		paged = err
		w.WriteHeader(Status(zhiyuan.ErrorCode(err)))
	}
	boom := Recover(log, page)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") }))

	w := httptest.NewRecorder()
	boom.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/me", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret detail") || decodeError(t, w).Code != zhiyuan.EInternal {
		t.Errorf("API panic: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	boom.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 || zhiyuan.ErrorCode(paged) != zhiyuan.EInternal {
		t.Errorf("page panic: %d, page got %v", w.Code, paged)
	}
	if !strings.Contains(logBuf.String(), "panic") {
		t.Errorf("panic not logged: %s", logBuf.String())
	}

	// http.ErrAbortHandler is net/http's own way to abort; it must pass through.
	abort := Recover(log, page)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("ErrAbortHandler was swallowed (recovered %v)", v)
		}
	}()
	abort.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

func TestSecurityHeadersFraming(t *testing.T) {
	t.Parallel()
	h := SecurityHeaders(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://example.cn/", nil))
	if w.Header().Get("X-Frame-Options") != "DENY" || !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("framing allowed: %v", w.Header())
	}
}

// TestHTTPSCookiesAndHSTS: the session cookie is Secure and HSTS is sent exactly when the
// platform is reached over HTTPS: its public base URL is https, the connection is TLS, or
// a trusted proxy says so. X-Forwarded-Proto from anyone else changes nothing.
func TestHTTPSCookiesAndHSTS(t *testing.T) {
	t.Parallel()
	forwarded := func() *http.Request {
		r := httptest.NewRequest("POST", "http://example.cn/login", nil)
		r.Header.Set("X-Forwarded-Proto", "https")
		return r
	}
	plain := func() *http.Request { return httptest.NewRequest("POST", "http://example.cn/login", nil) }
	for _, tc := range []struct {
		name                  string
		httpsBase, trustProxy bool
		req                   *http.Request
		secure                bool
	}{
		{"plain", false, false, plain(), false},
		{"tls", false, false, httptest.NewRequest("POST", "https://example.cn/login", nil), true},
		{"X-Forwarded-Proto without --trust-proxy", false, false, forwarded(), false},
		{"X-Forwarded-Proto from a trusted proxy", false, true, forwarded(), true},
		{"https base URL", true, false, plain(), true},
		{"https base URL behind a trusted proxy", true, true, plain(), true},
	} {
		h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			SetSessionCookie(w, r, "tok", time.Now().Add(time.Hour))
			ClearSessionCookie(w, r)
		}), HTTPS(tc.httpsBase, tc.trustProxy), SecurityHeaders)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, tc.req)
		cookies := (&http.Response{Header: w.Header()}).Cookies()
		if len(cookies) != 2 {
			t.Fatalf("%s: cookies %v", tc.name, cookies)
		}
		for _, c := range cookies {
			if c.Secure != tc.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("%s: %s Secure %v HttpOnly %v SameSite %v Path %q", tc.name, c.Raw, c.Secure, c.HttpOnly, c.SameSite, c.Path)
			}
		}
		hsts := w.Header().Get("Strict-Transport-Security")
		if want := map[bool]string{true: "max-age=31536000; includeSubDomains"}[tc.secure]; hsts != want {
			t.Errorf("%s: Strict-Transport-Security %q, want %q", tc.name, hsts, want)
		}
	}
}

// fakeAuth answers Authenticate from a table of tokens.
type fakeAuth map[string]error

func (f fakeAuth) Authenticate(_ context.Context, token string, kind zhiyuan.SessionKind) (*zhiyuan.Principal, error) {
	if err, ok := f[string(kind)+":"+token]; ok {
		if err != nil {
			return nil, err
		}
		return &zhiyuan.Principal{AccountID: 7, Name: "小李"}, nil
	}
	return nil, zhiyuan.Errorf(zhiyuan.EUnauthorized, "登录已失效")
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	auth := fakeAuth{"api:good": nil, "web:good": nil, "web:down": errors.New("database is down")}
	var seen *zhiyuan.Principal
	reached := false
	h := Authenticate(auth)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached, seen = true, zhiyuan.PrincipalFrom(r.Context())
	}))
	serve := func(path, bearer, cookie string) *httptest.ResponseRecorder {
		reached, seen = false, nil
		r := httptest.NewRequest("GET", path, nil)
		if bearer != "" {
			r.Header.Set("Authorization", "Bearer "+bearer)
		}
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: SessionCookie, Value: cookie})
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	if serve("/api/v1/me", "good", ""); !reached || seen == nil || seen.AccountID != 7 {
		t.Errorf("good bearer token: reached %v as %v", reached, seen)
	}
	// A dead token is refused at once, not served as anonymous.
	if w := serve("/api/v1/me", "dead", ""); reached || w.Code != 401 {
		t.Errorf("dead bearer token: %d, handler reached %v", w.Code, reached)
	}
	// Cookies are for pages, bearer tokens for the API.
	if serve("/api/v1/me", "", "good"); !reached || seen != nil {
		t.Errorf("cookie on the API made %v the caller", seen)
	}
	if serve("/", "good", ""); !reached || seen != nil {
		t.Errorf("bearer token on a page made %v the caller", seen)
	}
	if serve("/", "", "good"); seen == nil {
		t.Errorf("good cookie: anonymous")
	}
	// A dead cookie is cleared and the visitor goes on anonymously.
	w := serve("/", "", "dead")
	if !reached || seen != nil || !strings.Contains(w.Header().Get("Set-Cookie"), SessionCookie+"=;") {
		t.Errorf("dead cookie: reached %v as %v, Set-Cookie %q", reached, seen, w.Header().Get("Set-Cookie"))
	}
	// An outage does not log anyone out.
	w = serve("/", "", "down")
	if !reached || seen != nil || w.Header().Get("Set-Cookie") != "" {
		t.Errorf("outage: reached %v as %v, Set-Cookie %q", reached, seen, w.Header().Get("Set-Cookie"))
	}
}

// A client that hangs up while its request fails is not a server error: the access log,
// the error log and /metrics record 499 "client closed request", never a 500. A 500 for a
// client still there is counted as one, so the rule cannot hide real failures.
func TestClientClosedIsNotAServerError(t *testing.T) {
	t.Parallel()
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, nil))
	m := NewMetrics(nil)
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("hangup") {
			r.Context().Value(cancelKey{}).(context.CancelFunc)()
		}
		err := zhiyuan.Fail(zhiyuan.EInternal, zhiyuan.MsgInternal)
		LogError(r, log, err)
		WriteJSONError(w, err)
	}), m.Middleware, AccessLog(log))

	serve := func(target string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ctx = context.WithValue(ctx, cancelKey{}, cancel)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", target, nil).WithContext(ctx))
	}
	serve("/api/v1/me?hangup")
	logged := logBuf.String()
	if !strings.Contains(logged, "client closed request") || !strings.Contains(logged, "status=499") ||
		strings.Contains(logged, "status=500") || strings.Contains(logged, "request failed") {
		t.Errorf("hang-up logged as:\n%s", logged)
	}
	serve("/api/v1/me")
	if !strings.Contains(logBuf.String(), "status=500") || !strings.Contains(logBuf.String(), "request failed") {
		t.Errorf("a real failure was not logged as one:\n%s", logBuf.String())
	}

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`status="499"} 1`, `status="500"} 1`, "zhiyuan_password_hash_limit ", "zhiyuan_password_hash_wait_seconds_total "} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(w.Body.String(), "zhiyuan_http_requests_total"))
		}
	}
}

type cancelKey struct{}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

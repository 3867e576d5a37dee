package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"zhiyuan/internal/demo"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/server/servertest"
)

// textMarker starts every bad value, so the database can be searched for it afterwards.
const textMarker = "探针"

// badText is one kind of text the platform must refuse, as sent in a query string or a
// form (plain, raw bytes) and as a JSON string literal (quotes included).
type badText struct {
	name, plain, json string
}

var badTexts = []badText{
	{"NUL", textMarker + "\x00值", `"` + textMarker + `\u0000值"`},
	{"0xFF", textMarker + "\xff值", "\"" + textMarker + "\xff值\""},
	// A lone surrogate arrives in a URL or form as its (invalid) UTF-8 encoding, in
	// JSON as an escape that encoding/json would silently turn into U+FFFD.
	{"lone surrogate", textMarker + "\xed\xa0\x80值", `"` + textMarker + `\ud800值"`},
}

// TestBadTextRefused sends NUL, 0xFF and a lone surrogate in every text field and query
// parameter of every API route (as the OpenAPI document lists them) and of every form and
// query a visitor reaches on the pages, on the demo data: each is a 422 naming the field,
// never a 5xx, and none of it is stored.
func TestBadTextRefused(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		if _, err := demo.Fill(t.Context(), e.App, e.Store, demo.Options{Volunteers: 300, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		api := sweepAPIText(t, e)
		pages := sweepPageText(t, e)
		t.Logf("API: %d calls; pages: %d calls", api, pages)
		if n := markerRows(t, e); n > 0 {
			t.Errorf("%d database values hold the refused text", n)
		}
	})
}

// apiField is a text input of an API operation: a query parameter, a JSON path, or a
// multipart form field.
type apiField struct {
	where string // "query", "json" or "multipart"
	path  []any  // JSON: object keys (string) and array indexes (int); else one name
}

func (f apiField) name() string {
	var b strings.Builder
	for _, s := range f.path {
		switch s := s.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		}
	}
	return b.String()
}

// sweepAPIText probes every documented text input of every API route as a platform
// admin, an organisation admin, a city admin, a volunteer who holds a card (张小红) and
// one who has never applied (李小明), since a card application is refused before its body
// is read when the caller already has one. Query strings are checked
// before any route runs, so one caller is enough for them; a body is checked where the
// handler decodes it, which some callers never reach (a volunteer's card route refuses an
// admin first). So each bad body must be a 422 naming the field for at least one caller,
// and for every other caller the same refusal the clean value gets.
func sweepAPIText(t *testing.T, e *servertest.Env) int {
	t.Helper()
	var tokens []string
	for _, login := range []string{"13900000000", "13900000203", "13900000100", "13800000001", "13800000002"} {
		tokens = append(tokens, e.Token(login, demo.Password))
	}
	res := e.Do("GET", "/api/v1/openapi.json", "", nil)
	var doc map[string]any
	res.Decode(&doc)
	schemas := dig(doc, "components", "schemas")
	calls := 0
	send := func(method, path, token, contentType string, body []byte) *servertest.Response {
		calls++
		req, _ := http.NewRequest(method, e.HTTP.URL+path, bytes.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		return e.Send(req)
	}
	fieldsSeen := 0
	for _, route := range e.Server.API.Routes() {
		op, _ := dig(doc, "paths", route.Path, strings.ToLower(route.Method)).(map[string]any)
		if op == nil {
			t.Errorf("%s %s is not in the OpenAPI document", route.Method, route.Path)
			continue
		}
		var fields []apiField
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			if p, _ := p.(map[string]any); p["in"] == "query" {
				fields = append(fields, apiField{"query", []any{p["name"].(string)}})
			}
		}
		for _, path := range stringPaths(schemas, dig(op, "requestBody", "content", "application/json", "schema"), nil) {
			fields = append(fields, apiField{"json", path})
		}
		for _, path := range stringPaths(schemas, dig(op, "requestBody", "content", "multipart/form-data", "schema"), nil) {
			fields = append(fields, apiField{"multipart", path})
		}
		fieldsSeen += len(fields)
		path := "/api/v1" + fillParams(route.Path, "1")
		for _, f := range fields {
			for _, bad := range badTexts {
				what := fmt.Sprintf("%s %s %s %s with %s", route.Method, path, f.where, f.name(), bad.name)
				request := func(token string, clean bool) *servertest.Response {
					switch f.where {
					case "query":
						v := bad.plain
						if clean {
							v = "1"
						}
						return send(route.Method, path+"?"+url.Values{f.name(): {v}}.Encode(), token, "", nil)
					case "json":
						lit := []byte(bad.json)
						if clean {
							lit = []byte(`"正常"`)
						}
						return send(route.Method, path, token, "application/json", jsonWith(f.path, lit))
					default:
						v := bad.plain
						if clean {
							v = "正常"
						}
						var body bytes.Buffer
						mw := multipart.NewWriter(&body)
						mw.WriteField(f.name(), v)
						mw.Close()
						return send(route.Method, path, token, mw.FormDataContentType(), body.Bytes())
					}
				}
				refused := false
				for i, token := range tokens {
					if f.where == "query" && i > 0 {
						break
					}
					res := request(token, false)
					switch {
					case res.Status >= 500 || res.Status == 0:
						t.Errorf("%s: %d %s", what, res.Status, res.Body)
					case res.Status == http.StatusUnprocessableEntity:
						code, msg, fields := res.Error()
						if code != "invalid" || fields[f.name()] == "" || !strings.Contains(msg, "「"+f.name()+"」") {
							t.Errorf("%s: 422 not naming the field: %s", what, res.Body)
						}
						refused = true
					default:
						// Refused before the body was read: the clean value must get the same.
						if clean := request(token, true); clean.Status != res.Status {
							t.Errorf("%s: %d %s, but %d with clean text", what, res.Status, res.Body, clean.Status)
						}
					}
				}
				if !refused {
					t.Errorf("%s: no caller got the 422 naming the field", what)
				}
			}
		}
	}
	if fieldsSeen < 50 {
		t.Errorf("only %d text inputs found in the OpenAPI document", fieldsSeen)
	}
	t.Logf("API: %d text inputs", fieldsSeen)
	return calls
}

// dig walks nested JSON objects by key.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// stringPaths lists the JSON paths of the string properties of a schema (following
// $ref, allOf and arrays, whose first element stands for all), binary uploads left out.
func stringPaths(schemas, schema any, at []any) [][]any {
	s, _ := schema.(map[string]any)
	if s == nil || len(at) > 6 {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		return stringPaths(schemas, dig(schemas, strings.TrimPrefix(ref, "#/components/schemas/")), at)
	}
	var out [][]any
	if all, ok := s["allOf"].([]any); ok {
		for _, part := range all {
			out = append(out, stringPaths(schemas, part, at)...)
		}
	}
	switch s["type"] {
	case "string":
		if s["format"] != "binary" && len(at) > 0 {
			out = append(out, append([]any(nil), at...))
		}
	case "array":
		out = append(out, stringPaths(schemas, s["items"], append(at, 0))...)
	}
	props, _ := s["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out = append(out, stringPaths(schemas, props[name], append(append([]any(nil), at...), name))...)
	}
	return out
}

// jsonWith returns a JSON document holding lit (a string literal, sent as is) at path.
func jsonWith(path []any, lit []byte) []byte {
	const hole = "\x01hole\x01"
	var v any = hole
	for i := len(path) - 1; i >= 0; i-- {
		switch seg := path[i].(type) {
		case string:
			v = map[string]any{seg: v}
		case int:
			v = []any{v}
		}
	}
	b, _ := json.Marshal(v)
	return bytes.Replace(b, []byte(`"\u0001hole\u0001"`), lit, 1)
}

// pageForm is a form a visitor can submit, with the values it shows.
type pageForm struct {
	method, action string
	multipart      bool
	values         url.Values
}

// sweepPageText crawls the pages as each kind of visitor, then submits every form found
// (and every query seen) with one field at a time set to each bad value: a 422 page
// naming the field. It returns the number of requests.
func sweepPageText(t *testing.T, e *servertest.Env) int {
	t.Helper()
	calls := 0
	fieldsSeen := 0
	for _, v := range crawlVisitors {
		b := e.Browser()
		if v.login != "" {
			b.Login(v.login, demo.Password)
		}
		forms, n := collectForms(t, b, 120)
		calls += n
		for _, f := range forms {
			names := make([]string, 0, len(f.values))
			for name := range f.values {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				fieldsSeen++
				for _, bad := range badTexts {
					values := url.Values{}
					for k, vs := range f.values {
						values[k] = vs
					}
					values.Set(name, bad.plain)
					res := submitForm(b, e, f, values)
					calls++
					what := fmt.Sprintf("%s %s %s %s with %s", v.name, f.method, f.action, name, bad.name)
					switch {
					case res.Status != http.StatusUnprocessableEntity:
						t.Errorf("%s: %d, want 422: %.300s", what, res.Status, res.Body)
					case !strings.Contains(string(res.Body), "「"+name+"」"):
						t.Errorf("%s: the page does not name the field: %.2000s", what, res.Body)
					default:
						checkCrawledPage(t, what, res.Body)
					}
				}
			}
		}
	}
	if fieldsSeen < 50 {
		t.Errorf("only %d form and query fields found on the pages", fieldsSeen)
	}
	t.Logf("pages: %d form and query fields", fieldsSeen)
	return calls
}

func submitForm(b *servertest.Browser, e *servertest.Env, f pageForm, values url.Values) *servertest.Response {
	switch {
	case f.method == "GET":
		return b.Get(f.action + "?" + values.Encode())
	case f.multipart:
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, vs := range values {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		mw.Close()
		req, _ := http.NewRequest("POST", e.HTTP.URL+f.action, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", e.HTTP.URL)
		return b.Send(req)
	}
	return b.Post(f.action, values)
}

// collectForms walks the site from "/" (as the crawl does) and returns one form of each
// kind (method, action shape, field names) and one query of each path, as a GET form.
func collectForms(t *testing.T, b *servertest.Browser, limit int) ([]pageForm, int) {
	t.Helper()
	seen := map[string]bool{"/": true}
	shapes := map[string]int{}
	kinds := map[string]bool{}
	var forms []pageForm
	add := func(f pageForm) {
		names := make([]string, 0, len(f.values))
		for k := range f.values {
			names = append(names, k)
		}
		sort.Strings(names)
		kind := f.method + " " + pathShape(&url.URL{Path: f.action}) + " " + strings.Join(names, ",")
		if len(names) > 0 && !kinds[kind] && !strings.Contains(f.action, "logout") {
			kinds[kind] = true
			forms = append(forms, f)
		}
	}
	queue := []string{"/"}
	fetched := 0
	for len(queue) > 0 && fetched < limit {
		target := queue[0]
		queue = queue[1:]
		res := b.Get(target)
		fetched++
		if path, query, ok := strings.Cut(target, "?"); ok && res.Status < 400 {
			values, _ := url.ParseQuery(query)
			add(pageForm{method: "GET", action: path, values: values})
		}
		if res.Status >= 300 && res.Status < 400 {
			if loc := res.Header.Get("Location"); loc != "" {
				queue = enqueue(queue, seen, shapes, target, loc)
			}
			continue
		}
		if res.Status >= 400 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, f := range postForms(res.Body, target) {
			add(f)
		}
		for _, link := range pageLinks(res.Body) {
			queue = enqueue(queue, seen, shapes, target, link)
		}
	}
	return forms, fetched
}

// postForms returns a page's POST forms with the values they show.
func postForms(body []byte, from string) []pageForm {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	var out []pageForm
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" {
			if method, _ := attr(n, "method"); strings.EqualFold(method, "post") {
				action, ok := attr(n, "action")
				if !ok || action == "" {
					action, _, _ = strings.Cut(from, "?")
				}
				enctype, _ := attr(n, "enctype")
				out = append(out, pageForm{method: "POST", action: action, multipart: enctype == "multipart/form-data", values: formValues(n)})
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// formValues are the named fields of a form with the values a browser would send
// (a select's chosen option, a textarea's text, every box whether ticked or not).
func formValues(form *html.Node) url.Values {
	values := url.Values{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, _ := attr(n, "name")
			switch n.Data {
			case "input":
				typ, _ := attr(n, "type")
				if name != "" && typ != "submit" && typ != "file" && typ != "button" {
					value, _ := attr(n, "value")
					values.Add(name, value)
				}
			case "textarea":
				if name != "" {
					var text strings.Builder
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						text.WriteString(c.Data)
					}
					values.Add(name, text.String())
				}
				return
			case "select":
				if options, chosen := selectOptions(n); name != "" && len(options) > 0 {
					values.Add(name, options[chosen])
				}
				return
			case "button":
				if value, _ := attr(n, "value"); name != "" {
					values.Add(name, value)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return values
}

// markerRows counts the values in the whole database that hold textMarker, in any
// spelling it may have been stored in.
func markerRows(t *testing.T, e *servertest.Env) int {
	t.Helper()
	db := e.Store.DB()
	list := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if e.Engine == "postgres" {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.Query(list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables found", len(tables))
	}
	found, values := 0, 0
	for _, table := range tables {
		r, err := db.Query(fmt.Sprintf(`SELECT * FROM %q`, table))
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			cells := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range cells {
				ptrs[i] = &cells[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			for i, c := range cells {
				var b []byte
				switch c := c.(type) {
				case string:
					b = []byte(c)
				case []byte:
					b = c
				default:
					continue
				}
				values++
				if bytes.Contains(b, []byte(textMarker)) {
					found++
					t.Errorf("%s.%s holds %q", table, cols[i], b)
				}
			}
		}
		r.Close()
	}
	if values < 1000 {
		t.Errorf("searched only %d text values", values)
	}
	return found
}

// TestOddUserAgentLogsIn: the User-Agent is kept with each session; one with bytes that
// are not UTF-8, or long enough that the stored prefix would cut a character in half, is
// stored cleaned and the login works on both engines.
func TestOddUserAgentLogsIn(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := newVolunteer(t, e)
		for _, ua := range []string{"Mozilla/5.0 \xff\xfe", "浏览器" + strings.Repeat("中", 100), "a\u0085b\u009bc"} {
			req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/auth/token", strings.NewReader(`{"login":"`+v.Phone+`","password":"`+testPassword+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("User-Agent", ua)
			if res := e.Send(req); res.Status != http.StatusOK {
				t.Errorf("login with User-Agent %q: %d %s", ua, res.Status, res.Body)
			}
		}
		rows, err := e.Store.DB().Query(`SELECT user_agent FROM sessions`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var ua string
			rows.Scan(&ua)
			if httpx.TextProblem("user_agent", ua) != "" || len(ua) > 200 {
				t.Errorf("session keeps the User-Agent %q", ua)
			}
		}
	})
}

package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"zhiyuan/internal/demo"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/server/servertest"
)

// crawlVisitor is one kind of person who uses the site; login "" is anonymous.
type crawlVisitor struct {
	name, login string
}

var crawlVisitors = []crawlVisitor{
	{"anonymous", ""},
	{"volunteer", "13800000001"},
	{"minor", "13800000002"},
	{"org admin", "13900000200"},
	{"org admin with activities", "13900000203"}, // 广州市义工联合会: sign-up lists and exports
	{"广州 city admin", "13900000100"},
	{"platform admin", "13900000000"},
	{"partner admin", "13900000300"}, // 广州博物馆: its benefits, staff and the gate
	{"partner staff", "13900000301"},
}

// crawlTrace logs every page fetched, for looking at what the crawl reaches.
var crawlTrace = os.Getenv("ZHIYUAN_CRAWL_TRACE") != ""

// crawlLimit bounds the pages fetched per visitor.
const crawlLimit = 300

var (
	// idNumberText is an 18-character identity number standing alone (not part of a
	// longer run of letters or digits); matches are kept only when the check character
	// is right, so card numbers, counters and codes that happen to be 18 long do not count.
	idNumberText = regexp.MustCompile(`(?:^|[^0-9A-Za-z*])([1-9][0-9]{16}[0-9X])(?:[^0-9A-Za-z*]|$)`)
	// phoneText is a mainland mobile number in clear (masked ones read 138****0001).
	phoneText      = regexp.MustCompile(`(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)`)
	numericSegment = regexp.MustCompile(`^[0-9]+$`)
)

// TestCrawl fills the platform with the demo data and, as each kind of visitor, follows
// every link a person can reach from the home page (and submits the GET forms as they
// stand): no page may fail with a 5xx, render half a page or a template's complaint, or
// show an identity number or a phone number in clear. Then it calls every GET route of
// the API with each visitor's token, with real, missing and garbage ids.
func TestCrawl(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		started := time.Now()
		accounts, err := demo.Fill(t.Context(), e.App, e.Store, demo.Options{Volunteers: 300, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range crawlVisitors[1:] {
			found := false
			for _, acc := range accounts {
				found = found || acc.Login == v.login
			}
			if !found {
				t.Fatalf("demo accounts do not include the %s %s", v.name, v.login)
			}
		}
		t.Logf("demo data in %s", time.Since(started).Round(time.Millisecond))

		for _, v := range crawlVisitors {
			started := time.Now()
			b := e.Browser()
			if v.login != "" {
				b.Login(v.login, demo.Password)
			}
			n, idPaths, queries := crawlSite(t, b, v.name)
			probes := probeMissing(t, b, v.name, idPaths) + probeQueries(t, b, v.name, queries)
			t.Logf("%s: %d pages and %d with missing or garbage ids and query values in %s", v.name, n, probes, time.Since(started).Round(time.Millisecond))
		}

		started = time.Now()
		n := crawlAPI(t, e)
		t.Logf("API: %d calls in %s", n, time.Since(started).Round(time.Millisecond))
	})
}

// crawlSite walks the site breadth-first from "/" and returns the number of pages fetched,
// one path reached of each shape that holds a numeric id, and one address with a query
// of each path.
func crawlSite(t *testing.T, b *servertest.Browser, who string) (fetched int, idPaths, queryAddrs []string) {
	t.Helper()
	withIDs := map[string]string{}   // path shape → a path of that shape
	withQuery := map[string]string{} // path → an address of it with a query
	seen := map[string]bool{}
	shapes := map[string]int{}
	queue := []string{"/"}
	seen["/"] = true
	for len(queue) > 0 && fetched < crawlLimit {
		target := queue[0]
		queue = queue[1:]
		res := b.Get(target)
		fetched++
		if crawlTrace {
			t.Logf("%s %d %s", who, res.Status, target)
		}
		if path, query, _ := strings.Cut(target, "?"); res.Status < 400 {
			if shape := pathShape(&url.URL{Path: path}); strings.Contains(shape, "#") && withIDs[shape] == "" {
				withIDs[shape] = path
			}
			if query != "" && withQuery[path] == "" {
				withQuery[path] = target
			}
		}
		what := who + " GET " + target
		if res.Status >= 500 {
			t.Errorf("%s: status %d: %.300s", what, res.Status, res.Body)
			continue
		}
		if res.Status >= 300 && res.Status < 400 {
			if loc := res.Header.Get("Location"); loc != "" {
				queue = enqueue(queue, seen, shapes, target, loc)
			}
			continue
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue // downloads: spreadsheets, PDFs, photos, JSON
		}
		checkCrawledPage(t, what, res.Body)
		for _, link := range pageLinks(res.Body) {
			queue = enqueue(queue, seen, shapes, target, link)
		}
	}
	paths := make([]string, 0, len(withIDs))
	for _, p := range withIDs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	queries := make([]string, 0, len(withQuery))
	for _, q := range withQuery {
		queries = append(queries, q)
	}
	sort.Strings(queries)
	return fetched, paths, queries
}

// probeQueries fetches each address with one query value at a time changed to garbage,
// as a visitor editing a cursor or a filter in the address bar would: never a 5xx, and
// an HTML answer is a whole page. It returns the number of requests.
func probeQueries(t *testing.T, b *servertest.Browser, who string, addresses []string) int {
	t.Helper()
	n := 0
	for _, a := range addresses {
		u, _ := url.Parse(a)
		q := u.Query()
		for key := range q {
			for _, bad := range []string{`x'"<`, "99999999999999999999", "-1", "%zz"} {
				v := url.Values{}
				for k, vs := range q {
					v[k] = vs
				}
				v.Set(key, bad)
				target := u.Path + "?" + v.Encode()
				res := b.Get(target)
				n++
				what := who + " GET " + target
				if res.Status >= 500 {
					t.Errorf("%s: status %d: %.300s", what, res.Status, res.Body)
				} else if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					checkCrawledPage(t, what, res.Body)
				}
			}
		}
	}
	return n
}

// probeMissing fetches each path with its ids replaced by a missing one and by garbage,
// as a visitor editing the address bar would: a refusal or "not found" in the layout,
// never a 5xx. It returns the number of requests.
func probeMissing(t *testing.T, b *servertest.Browser, who string, paths []string) int {
	t.Helper()
	n := 0
	for _, p := range paths {
		segs := strings.Split(p, "/")
		for i, seg := range segs {
			if !numericSegment.MatchString(seg) {
				continue
			}
			for _, bad := range []string{"999999999", "abc", "0", "-1", "99999999999999999999"} {
				probe := slices.Clone(segs)
				probe[i] = bad
				target := strings.Join(probe, "/")
				res := b.Get(target)
				n++
				what := who + " GET " + target
				switch {
				case res.Status >= 500:
					t.Errorf("%s: status %d: %.300s", what, res.Status, res.Body)
				case res.Status < 300:
					t.Errorf("%s: status %d for a record that does not exist", what, res.Status)
				case res.Status >= 400 && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html"):
					checkCrawledPage(t, what, res.Body)
				}
			}
		}
	}
	return n
}

// enqueue adds link (relative to from) to the queue when it is a same-site GET target not
// yet seen, and at most three of its shape (numbers replaced) have been taken.
func enqueue(queue []string, seen map[string]bool, shapes map[string]int, from, link string) []string {
	base, _ := url.Parse("http://site" + from)
	u, err := base.Parse(strings.TrimSpace(link))
	if err != nil || u.Host != "site" || (u.Scheme != "http" && u.Scheme != "") {
		return queue
	}
	if strings.Contains(u.Path, "logout") || strings.HasPrefix(u.Path, "/static/") {
		return queue
	}
	u.Fragment = ""
	key := u.Path
	if u.RawQuery != "" {
		key += "?" + u.Query().Encode()
	}
	if seen[key] {
		return queue
	}
	seen[key] = true
	// Three of each shape from each shape of page: the activities a search lists and
	// those an organisation's own list links to are counted apart.
	shape := pathShape(base) + " → " + pathShape(u)
	if shapes[shape] >= 3 {
		return queue
	}
	// Filters multiply (category × region × sort …): a few dozen of one page's
	// variants are enough to try each choice.
	variants := "?" + pathShape(&url.URL{Path: u.Path})
	if u.RawQuery != "" && shapes[variants] >= 25 {
		return queue
	}
	shapes[shape]++
	if u.RawQuery != "" {
		shapes[variants]++
	}
	return append(queue, key)
}

// pathShape is a URL with its numeric path segments and its query values that hold a
// digit (ids, codes, cursors, dates) replaced, so /activities/1 and /activities/2 are one
// shape.
func pathShape(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if numericSegment.MatchString(s) {
			segs[i] = "#"
		}
	}
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k, vs := range q {
		v := strings.Join(vs, ",")
		if strings.ContainsAny(v, "0123456789") {
			v = "#"
		}
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return strings.Join(segs, "/") + "?" + strings.Join(keys, "&")
}

// pageLinks returns the targets of a page's <a href> links and of its GET forms. A form
// is submitted with the values it shows (a select's selected option, else its first),
// and once more for each other option of each select, as a visitor choosing a filter.
func pageLinks(body []byte) []string {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	var links []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "a":
				if href, ok := attr(n, "href"); ok && !strings.HasPrefix(href, "mailto:") && !strings.HasPrefix(href, "tel:") {
					links = append(links, href)
				}
			case "form":
				if method, _ := attr(n, "method"); method == "" || strings.EqualFold(method, "get") {
					links = append(links, formTargets(n)...)
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return links
}

// formTargets returns the URLs a GET form submits to: as it stands, and with each option
// of each select chosen in turn.
func formTargets(form *html.Node) []string {
	action, _ := attr(form, "action")
	values := url.Values{}
	type choice struct {
		name    string
		options []string
	}
	var selects []choice
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, _ := attr(n, "name")
			switch n.Data {
			case "input":
				typ, _ := attr(n, "type")
				_, checked := attr(n, "checked")
				if name != "" && typ != "submit" && typ != "file" && ((typ != "checkbox" && typ != "radio") || checked) {
					value, _ := attr(n, "value")
					values.Add(name, value)
				}
			case "select":
				if options, chosen := selectOptions(n); name != "" && len(options) > 0 {
					values.Add(name, options[chosen])
					selects = append(selects, choice{name, options})
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	target := func(v url.Values) string {
		if q := v.Encode(); q != "" {
			return action + "?" + q
		}
		return action
	}
	out := []string{target(values)}
	// What a visitor might type into every box: words, quotes, a number too big.
	for _, typed := range []string{`x'"<`, "99999999999999999999", "-1"} {
		v := url.Values{}
		for k, vs := range values {
			v[k] = slices.Repeat([]string{typed}, len(vs))
		}
		out = append(out, target(v))
	}
	for _, sel := range selects {
		for _, o := range sel.options {
			v := url.Values{}
			for k, vs := range values {
				v[k] = vs
			}
			v.Set(sel.name, o)
			out = append(out, target(v))
		}
	}
	return out
}

// selectOptions returns a select's option values and the index of the one a browser
// submits: the selected option, else the first.
func selectOptions(sel *html.Node) (options []string, chosen int) {
	chosen = -1
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "option" {
			v, ok := attr(n, "value")
			if !ok {
				var text strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.TextNode {
						text.WriteString(c.Data)
					}
				}
				v = strings.TrimSpace(text.String())
			}
			if _, ok := attr(n, "selected"); ok && chosen < 0 {
				chosen = len(options)
			}
			options = append(options, v)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(sel)
	return options, max(chosen, 0)
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// checkCrawledPage reports what is wrong with one HTML page.
func checkCrawledPage(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, p := range pageProblems(body) {
		t.Errorf("%s: %s", what, p)
	}
}

// pageProblems checks one HTML page: whole, in the layout, no template failure, no
// personal numbers in clear.
func pageProblems(body []byte) []string {
	var out []string
	page := string(body)
	if !strings.Contains(page, "</html>") {
		out = append(out, fmt.Sprintf("page cut short (no </html>): …%s", page[max(0, len(page)-300):]))
	}
	if !strings.Contains(page, `<header class="top">`) || !strings.Contains(page, `class="brand"`) {
		out = append(out, "page without the layout's header")
	}
	for _, bad := range []string{"template:", "<no value>"} {
		if i := strings.Index(page, bad); i >= 0 {
			out = append(out, fmt.Sprintf("page shows %q: %s", bad, page[max(0, i-100):min(len(page), i+200)]))
		}
	}
	for _, m := range idNumberText.FindAllStringSubmatch(page, -1) {
		if id := m[1]; idcard.CheckChar(id[:17]) == id[17] {
			out = append(out, "identity number in clear: "+id)
		}
	}
	for _, m := range phoneText.FindAllStringSubmatch(page, -1) {
		out = append(out, "phone number in clear: "+m[1])
	}
	return out
}

// TestCrawlPageChecks: the page checks catch what they look for and pass what the
// platform shows on purpose (masked numbers, card and volunteer numbers).
func TestCrawlPageChecks(t *testing.T) {
	t.Parallel()
	layout := func(content string) []byte {
		return []byte(`<!doctype html><html><body><header class="top"><a class="brand" href="/">志愿</a></header>` + content + `</body></html>`)
	}
	id := idcard.Generate("440106", time.Date(2001, 5, 4, 0, 0, 0, 0, time.UTC), 12, idcard.Female)
	for _, content := range []string{
		"<p>身份证号 " + id + "</p>", "<td>" + id + "</td>", "<p>电话 13800000001</p>", "<p>tel:13900000200</p>",
		"<p>template: page.html:3: nil pointer</p>", "<p><no value></p>",
	} {
		if len(pageProblems(layout(content))) == 0 {
			t.Errorf("no problem found in %s", content)
		}
	}
	if len(pageProblems([]byte(`<html><body><header class="top"><a class="brand">`))) == 0 {
		t.Errorf("a page cut short passes")
	}
	if len(pageProblems([]byte(`<html><body><p>无布局</p></body></html>`))) == 0 {
		t.Errorf("a page without the layout passes")
	}
	masked := "<p>" + pii.MaskIDNumber(id) + " 138****0001 卡号 44010620260000017 志愿者编号 44010600000019 " +
		"统一社会信用代码 91440101MA59XXXX1A 签名 AXE3PIBY8BE0NDAxMDYyMDI2MDAwMDAxNw</p>"
	if p := pageProblems(layout(masked)); len(p) != 0 {
		t.Errorf("problems found in a clean page: %v", p)
	}
}

// crawlAPI calls every GET route of the API as each visitor: routes without parameters
// first (collecting the ids their answers hold), then routes with parameters with the
// ids found, a missing id and a garbage one. It returns the number of calls.
func crawlAPI(t *testing.T, e *servertest.Env) int {
	t.Helper()
	tokens := make([]string, len(crawlVisitors))
	for i, v := range crawlVisitors {
		if v.login != "" {
			tokens[i] = e.Token(v.login, demo.Password)
		}
	}
	ids := map[string][]string{} // collection → ids (or codes) seen in answers
	calls := 0
	guardians := guardianPhones(t, e)
	maskedSeen := 0
	call := func(who, path, token string) *servertest.Response {
		calls++
		res := e.Do("GET", path, token, nil)
		what := who + " GET " + path
		if res.Status >= 500 {
			t.Errorf("%s: status %d: %.300s", what, res.Status, res.Body)
		}
		if res.Status >= 400 {
			checkAPIErrorShape(t, what, res)
		}
		// A guardian's phone is shown masked, to the minor and to the admins who may see
		// the minor's record; only the minor's own data export carries it whole.
		for _, m := range phoneText.FindAllStringSubmatch(string(res.Body), -1) {
			if guardians[m[1]] != "" && !(who == "minor" && path == "/api/v1/me/export") {
				t.Errorf("%s: guardian phone in clear: %s", what, m[1])
			}
		}
		for _, masked := range guardians {
			if strings.Contains(string(res.Body), masked) {
				maskedSeen++
				break
			}
		}
		return res
	}
	defer func() {
		if maskedSeen == 0 {
			t.Error("no API answer showed a guardian's phone, even masked: the check above looked nowhere")
		}
	}()

	var withParams []string
	for _, r := range e.Server.API.Routes() {
		if r.Method != "GET" {
			continue
		}
		if strings.Contains(r.Path, "{") {
			withParams = append(withParams, r.Path)
			continue
		}
		for i, v := range crawlVisitors {
			res := call(v.name, "/api/v1"+r.Path, tokens[i])
			if res.Status == http.StatusOK && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				harvestIDs(ids, collectionOf(r.Path), res.Body)
			}
		}
	}
	// Activities name their sessions only in their detail.
	for _, id := range first(ids["activities"], 3) {
		res := call("anonymous", "/api/v1/activities/"+id, "")
		if res.Status == http.StatusOK {
			harvestIDs(ids, "activities", res.Body)
		}
	}
	for _, want := range []string{"activities", "sessions", "organizations"} {
		if len(ids[want]) == 0 {
			t.Errorf("no %s ids found in the API's lists", want)
		}
	}

	found := make([]string, 0, len(ids))
	for c, list := range ids {
		found = append(found, fmt.Sprintf("%s %d", c, len(list)))
	}
	sort.Strings(found)
	t.Logf("ids found in the API's answers: %s", strings.Join(found, ", "))

	for _, path := range withParams {
		param := regexp.MustCompile(`\{[^}]+\}`)
		coll := collectionOf(path[:strings.Index(path, "{")])
		values := append(first(ids[coll], 3), "999999999", "abc")
		for _, value := range values {
			p := "/api/v1" + param.ReplaceAllString(path, url.PathEscape(value))
			for i, v := range crawlVisitors {
				res := call(v.name, p, tokens[i])
				if value == "999999999" || value == "abc" {
					// Verification answers every code, telling whether it is genuine.
					if strings.HasPrefix(path, "/verify/") && res.Status == http.StatusOK {
						var check struct{ Valid *bool }
						if json.Unmarshal(res.Body, &check) != nil || check.Valid == nil || *check.Valid {
							t.Errorf("%s GET %s: %s, want valid false", v.name, p, res.Body)
						}
						continue
					}
					if res.Status < 400 {
						t.Errorf("%s GET %s: status %d for a missing record", v.name, p, res.Status)
					}
					// Whoever may see such records is told it is missing or malformed.
					if v.name == "platform admin" && res.Status != http.StatusNotFound && res.Status != http.StatusUnprocessableEntity {
						t.Errorf("%s GET %s: status %d, want 404 or 422", v.name, p, res.Status)
					}
				}
			}
		}
	}
	return calls
}

// guardianPhones returns the phone numbers of the demo minors' guardians, opened from the
// database, each with its masked form.
func guardianPhones(t *testing.T, e *servertest.Env) map[string]string {
	t.Helper()
	rows, err := e.Store.DB().QueryContext(t.Context(), "SELECT guardian_phone_sealed FROM volunteers WHERE guardian_phone_sealed IS NOT NULL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var sealed []byte
		if err := rows.Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		phone, err := e.App.Keys.Open(sealed, "guardian_phone")
		if err != nil {
			t.Fatal(err)
		}
		out[phone] = pii.MaskPhone(phone)
	}
	if len(out) == 0 {
		t.Fatal("the demo data has no guardian phone to look for")
	}
	return out
}

// collectionOf names the collection a route lists: /activities → activities,
// /me/signups → signups, /me/card → cards, /verify/proof → proofs,
// /organizations/{id}/children → organizations.
func collectionOf(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(segs) == 1:
		return segs[0]
	case segs[0] == "verify":
		return segs[1] + "s"
	case segs[0] == "me":
		if plural, ok := map[string]string{"volunteer": "volunteers", "card": "cards"}[segs[1]]; ok {
			return plural
		}
		return segs[1]
	case segs[len(segs)-1] == "children":
		return segs[0]
	}
	return segs[len(segs)-1]
}

// idKey is the field that names a record of a collection in URLs.
func idKey(coll string) string {
	switch coll {
	case "cards":
		return "number"
	case "proofs", "regions":
		return "code"
	}
	return "id"
}

// harvestIDs records the ids in a JSON answer of collection coll: the id (or code, or
// number) of each item, and the ids that items name of other collections.
func harvestIDs(ids map[string][]string, coll string, body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	add := func(c, id string) {
		for _, have := range ids[c] {
			if have == id {
				return
			}
		}
		ids[c] = append(ids[c], id)
	}
	refs := map[string]string{"activity_id": "activities", "org_id": "organizations", "organization_id": "organizations",
		"session_id": "sessions", "volunteer_id": "volunteers", "signup_id": "signups", "batch_id": "card-batches"}
	var walk func(v any, coll string)
	walk = func(v any, coll string) {
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				walk(x, coll)
			}
		case map[string]any:
			for k, x := range v {
				switch k {
				case idKey(coll):
					if coll != "" && x != nil {
						add(coll, fmt.Sprint(jsonScalar(x)))
					}
				case "items":
					walk(x, coll)
				case "sessions":
					walk(x, "sessions")
				default:
					if c, ok := refs[k]; ok && x != nil {
						add(c, fmt.Sprint(jsonScalar(x)))
					} else {
						walk(x, "")
					}
				}
			}
		}
	}
	walk(v, coll)
}

// jsonScalar prints JSON numbers as integers.
func jsonScalar(x any) any {
	if f, ok := x.(float64); ok {
		return int64(f)
	}
	return x
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// checkAPIErrorShape checks an API error answer is {"error": {"code", "message"}} in JSON.
func checkAPIErrorShape(t *testing.T, what string, res *servertest.Response) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: error answer %d with Content-Type %q: %.200s", what, res.Status, ct, res.Body)
		return
	}
	var b struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(res.Body, &b); err != nil || b.Error == nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Errorf("%s: error answer %d is not the error shape: %.200s", what, res.Status, res.Body)
	}
}

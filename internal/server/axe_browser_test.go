package server_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/demo"
	"zhiyuan/internal/server/servertest"
)

// axeVisitors are the people whose pages the accessibility crawl looks at: logged out
// and each role of the demo data (demo.Fill makes these accounts).
var axeVisitors = []crawlVisitor{
	{"anonymous", ""},
	{"volunteer", "13800000001"},
	{"org-admin", "13900000203"}, // 广州市义工联合会: activities, sign-up lists, attendance
	{"city-admin", "13900000100"},
	{"platform-admin", "13900000000"},
	{"partner-admin", "13900000300"}, // 广州博物馆: its benefits, staff, the gate
	{"partner-staff", "13900000301"},
}

// axeFlow is a form a visitor submits during the crawl, so that the pages it leads to
// (errors beside their fields, results) are checked too. Fields are filled with the
// given values; the form is submitted without the browser's own checks, as a server
// must expect.
type axeFlow struct {
	who    string
	page   string
	form   string            // CSS of the form
	values map[string]string // CSS of a field → value typed into it
}

var axeFlows = []axeFlow{
	{"anonymous", "/login", `form[action="/login"]`, map[string]string{"#login": "13800000001", "#password": "wrong-password"}},
	{"anonymous", "/register", `form[method=post][action="/register"]`, map[string]string{"#name": "张"}},
	{"anonymous", "/forgot", `form[action="/forgot"]`, nil},
	{"anonymous", "/claim", `form[action="/claim"]`, map[string]string{"#phone": "13800000001", "#id_last6": "12", "#password": "short"}},
	{"anonymous", "/verify", `main form`, map[string]string{`input[name=code]`: "XXXX"}},
	{"anonymous", "/figures", `form[action="/figures"]`, nil}, // 数据看板 (linked from the home page too)
	{"volunteer", "/checkin", `form[action="/checkin"]`, nil},
	{"volunteer", "/me", `form[action="/me/password"]`, map[string]string{`input[name=old_password]`: "not-my-password"}},
	{"org-admin", "/orgs/new", `form[action="/orgs/new"]`, nil},
	// 名单导入: {org} is the organisation the org-admin manages; submitted without a file,
	// the form shows its error.
	{"org-admin", "/orgs/{org}/imports", `form[action="/orgs/{org}/imports"]`, nil},
	// 保险保单 (credit.go): submitted empty, the form names each missing field.
	{"org-admin", "/orgs/{org}/insurance", `form[action="/orgs/{org}/insurance"]`, nil},
	// The decision on 张小红's appealed mark ({mark}, demo credit.go), which 广州市 finds
	// on 信用申诉: submitted, it asks first (the confirmation page).
	{"city-admin", "/credit-marks/{mark}", `form[action="/credit-marks/{mark}/decision"]`, nil},
	{"city-admin", "/admin/exchange", `form[action="/admin/exchange/download"]`, nil},
	{"city-admin", "/admin/league", `form.filters`, nil}, // 落后单位: the League registration rate's list
	// Recognition and care (honours): the organisation's 表彰与培训 and the region's 表彰管理,
	// submitted empty so their errors show beside the fields.
	{"org-admin", "/orgs/{org}/honours", `form[action="/orgs/{org}/awards"]`, nil},
	{"city-admin", "/admin/honours", `form[action="/admin/honours"]`, nil},
	// 团员总数导入: a regional admin's and a unit's; submitted without a file, the form shows its error.
	{"city-admin", "/admin/league/import", `form[action="/admin/league/import"]`, nil},
	{"org-admin", "/orgs/{org}/league-import", `form[action="/orgs/{org}/league-import"]`, nil},
	// Partners and benefits: the list with a bad filter, a benefit form left empty, and
	// the gate submitted empty (its refusal beside the field).
	{"volunteer", "/benefits", `form.filters`, map[string]string{"#near": "abc"}},
	// 为你推荐 (recommend.go) with a position that is not one: the error beside the field.
	{"volunteer", "/me/recommendations", `form[action="/me/recommendations"]`, map[string]string{"#rec-lat": "abc", "#rec-lng": "113.26"}},
	{"partner-admin", "/partner", `form[action="/partner/benefits"]`, nil},
	{"partner-staff", "/partner/scan", `form[action="/partner/scan"]`, nil},
	// Needs (点单/接单): the posting form submitted empty (errors beside the fields) and
	// the list with a bad place; the need pages themselves are reached through the menu.
	{"city-admin", "/needs/new", `form[action="/needs"]`, nil},
	{"org-admin", "/needs", `form.filters`, map[string]string{"#near": "abc"}},
	// Pairing (结对): the form submitted without a recipient or dates (errors beside the
	// fields); the lists, the demo pairing's page and its end confirmation are seeds.
	{"org-admin", "/pairings/new", `form[action="/pairings"]`, nil},
	// Campaigns (主题活动, 大比拼): the creation form submitted empty (errors beside the
	// fields), and the demo campaign's page ({campaign}) searched, with its figures, the
	// contest and the activities, for the public and for the organisation that enters.
	{"city-admin", "/campaigns/new", `form[action="/campaigns"]`, nil},
	{"anonymous", "/campaigns/{campaign}", `form[action="/campaigns/{campaign}#activities"]`, map[string]string{"#q": "敬老"}},
	{"org-admin", "/campaigns/{campaign}", `form[action="/campaigns/{campaign}#contest"]`, nil},
}

// axePagesPerVisitor bounds the crawl of one visitor, which takes one page of each shape
// (numbers in the path and query values ignored): one page checks a template.
const axePagesPerVisitor = 50

// axeOwnActivity is a link the organisation admin's crawl takes first, found by
// following links from the home page: an activity of the admin's own organisation, whose
// page shows the management links (sign-up lists, attendance, the check-in screen) that
// an activity found through the search does not.
var axeOwnActivity = []*regexp.Regexp{regexp.MustCompile(`^/orgs/[0-9]+/activities$`), regexp.MustCompile(`^/activities/[0-9]+$`)}

// axeEachRole are the public pages that show each role something else (sign-up and
// management buttons, joining an organisation, the home page of the role): every role's
// crawl checks them.
var axeEachRole = map[string]bool{"/?": true, "/activities/#?": true, "/orgs/#?": true}

var sessionSignups = regexp.MustCompile(`^/sessions/([0-9]+)/signups$`)

// notHTML are links that download a file rather than show a page.
var notHTML = regexp.MustCompile(`\.(xlsx|zip|pdf|png|jpe?g|svg|ico)$|/photo$|/pdf$|/export$`)

// TestBrowserAxe runs axe-core in every page reachable from the home page by following
// links, as each role of the demo data, at a phone's size (390×844) and at a desktop's,
// plus the pages that submitting the main forms leads to: no page may break a critical
// or serious rule. Each page is saved as a screenshot at both sizes
// (artifacts/screenshots/axe-*) and every finding, blocking or not, is listed in
// artifacts/axe/report.txt. One engine: the pages are the same HTML on both, and
// TestCrawl fetches every page on both.
func TestBrowserAxe(t *testing.T) {
	browsertest.Require(t)
	script := browsertest.AxeScript(t)
	e := servertest.New(t, "sqlite")
	accounts, err := demo.Fill(t.Context(), e.App, e.Store, demo.Options{Volunteers: 300, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range axeVisitors[1:] {
		found := false
		for _, acc := range accounts {
			found = found || acc.Login == v.login
		}
		if !found {
			t.Fatalf("demo accounts do not include the %s %s", v.name, v.login)
		}
	}
	root, err := browsertest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}

	br := browsertest.NewBrowser(t, 30*time.Minute)
	c := &axeCrawl{script: script, base: e.HTTP.URL, public: map[string]bool{}, shots: map[string]bool{}}
	visit := func(t *testing.T, v crawlVisitor) {
		started := time.Now()
		r := &axeRun{axeCrawl: c, t: t, who: v.name, tab: br.Tab(t)}
		browsertest.PreloadAxe(t, r.tab, script)
		if v.login != "" {
			browsertest.Login(t, r.tab, c.base, v.login, demo.Password)
		}
		var seeds []string
		if v.name == "org-admin" {
			own := r.follow(axeOwnActivity)
			if own == "" {
				t.Fatal("org-admin: no activity of the organisation reached from the home page")
			}
			seeds = append(seeds, own)
			// The organiser's day at a session: its attendance page and the check-in
			// screen, which no page links to before the day.
			browsertest.Open(t, r.tab, c.base+own)
			for _, l := range r.links() {
				if m := sessionSignups.FindStringSubmatch(l); m != nil {
					seeds = append(seeds, "/sessions/"+m[1]+"/attendance", "/sessions/"+m[1]+"/checkin")
					break
				}
			}
			if len(seeds) != 3 {
				t.Fatalf("org-admin: no session with a sign-up list on %s", own)
			}
		}
		// 结对探访: the list (only the needs page links to it) and the demo pairing's page
		// are seeds of their own, so the crawl's bound does not leave them out.
		if v.name == "org-admin" || v.name == "city-admin" {
			var pairing int64
			if err := e.Store.DB().QueryRow(`SELECT MIN(id) FROM pairings`).Scan(&pairing); err != nil {
				t.Fatalf("%s: the demo pairing: %v", v.name, err)
			}
			seeds = append(seeds, "/pairings", fmt.Sprintf("/pairings/%d", pairing))
			if v.name == "city-admin" {
				// Ending it early asks first: the confirmation page (its button opens it in a
				// dialog where JavaScript runs, so it is not a flow).
				seeds = append(seeds, fmt.Sprintf("/pairings/%d/end", pairing))
			}
		}
		n := r.crawl(seeds)
		for _, f := range axeFlows {
			if f.who == v.name {
				if strings.Contains(f.page, "{org}") {
					var org string
					if err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT r.org_id FROM account_roles r JOIN accounts a
						ON a.id = r.account_id WHERE a.phone = ? AND r.role = 'org_admin' ORDER BY r.org_id LIMIT 1`), v.login).
						Scan(&org); err != nil {
						t.Fatalf("%s: the organisation they manage: %v", v.name, err)
					}
					f.page, f.form = strings.ReplaceAll(f.page, "{org}", org), strings.ReplaceAll(f.form, "{org}", org)
				}
				if strings.Contains(f.page, "{mark}") {
					var mark string
					if err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT m.id FROM credit_marks m JOIN volunteers v ON v.id = m.volunteer_id
						JOIN accounts a ON a.id = v.account_id WHERE a.phone = ? ORDER BY m.id LIMIT 1`), axeVisitors[1].login).Scan(&mark); err != nil {
						t.Fatalf("%s: the demo volunteer's credit mark: %v", v.name, err)
					}
					f.page, f.form = strings.ReplaceAll(f.page, "{mark}", mark), strings.ReplaceAll(f.form, "{mark}", mark)
				}
				if strings.Contains(f.page, "{campaign}") {
					var campaign string
					if err := e.Store.DB().QueryRow(`SELECT CAST(MIN(id) AS TEXT) FROM campaigns`).Scan(&campaign); err != nil {
						t.Fatalf("%s: the demo campaign: %v", v.name, err)
					}
					f.page, f.form = strings.ReplaceAll(f.page, "{campaign}", campaign), strings.ReplaceAll(f.form, "{campaign}", campaign)
				}
				r.flow(f)
				n++
			}
		}
		t.Logf("%s: %d pages in %s (loading pages %s, axe-core %s, screenshots %s; %d links led to a page already checked)", v.name, n,
			time.Since(started).Round(time.Millisecond), r.navigating.Round(time.Second), r.axing.Round(time.Second), r.shooting.Round(time.Second), r.same)
	}
	// Logged out first: the roles' crawls leave out the public pages it checked. Then the
	// roles side by side, a tab each: axe-core keeps one processor busy per tab.
	t.Run(axeVisitors[0].name, func(t *testing.T) { visit(t, axeVisitors[0]) })
	t.Run("roles", func(t *testing.T) {
		for _, v := range axeVisitors[1:] {
			t.Run(v.name, func(t *testing.T) {
				t.Parallel()
				visit(t, v)
			})
		}
	})

	report := filepath.Join(root, "artifacts", "axe", "report.txt")
	if err := os.MkdirAll(filepath.Dir(report), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(report, []byte(strings.Join(c.report, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("axe-core: %d checks, %d screenshots, %d findings (critical or serious: %d); all of them in %s", c.checks, len(c.shots), len(c.report), len(c.blocking), report)
	if len(c.shots) != c.checks {
		t.Errorf("%d pages checked at a size, %d screenshots", c.checks, len(c.shots))
	}
	sort.Strings(c.blocking)
	for _, b := range c.blocking {
		t.Error(b)
	}
}

// axeCrawl is the state of the accessibility crawl across visitors.
type axeCrawl struct {
	script string
	base   string
	// public are the shapes of the pages checked logged out, which the roles' crawls
	// leave out (but for axeEachRole): the same template, only the header differs, and
	// the header is checked on every other page of the role. Written by the logged-out
	// crawl alone, before the roles' start.
	public map[string]bool

	mu       sync.Mutex // the roles' crawls run side by side
	checks   int
	shots    map[string]bool // the screenshots taken, by file
	report   []string        // every finding, one line each
	blocking []string        // critical and serious findings, one per page, rule and size
}

// axeRun is one visitor's crawl, in a tab of its own.
type axeRun struct {
	*axeCrawl
	t   *testing.T
	who string
	tab context.Context
	// Where the time goes, for the log.
	navigating, axing, shooting time.Duration
	same                        int // links that led to a page already checked
}

// crawl visits every page reachable by links from the home page (one of each shape) and
// checks each; it returns the number of pages.
func (c *axeRun) crawl(seeds []string) int {
	t, tab, who := c.t, c.tab, c.who
	seen := map[string]bool{}    // shapes of the links queued
	checked := map[string]bool{} // shapes of the pages checked
	queue := append([]string{"/"}, seeds...)
	for _, q := range queue {
		seen[axeShape(q)] = true
	}
	for shape := range c.public {
		seen[shape] = true
	}
	n := 0
	for len(queue) > 0 && n < axePagesPerVisitor {
		target := queue[0]
		queue = queue[1:]
		c.phone()
		started := time.Now()
		res, err := chromedp.Run(tab, chromedp.NavigateResponse(c.base+target))
		c.navigating += time.Since(started)
		if err != nil {
			t.Errorf("%s: open %s: %v", who, target, err)
			continue
		}
		if !strings.HasPrefix(res.MimeType, "text/html") {
			continue
		}
		// A link that was redirected (to the login page, to a list after an action) may
		// land on a page already checked: the same page, checked and shot once.
		landed := strings.TrimPrefix(browsertest.Location(t, tab), c.base)
		if shape := axeShape(landed); landed != target && (checked[shape] || who != "anonymous" && c.public[shape] && !axeEachRole[shape]) {
			c.same++
			continue
		}
		checked[axeShape(landed)] = true
		n++
		if who == "anonymous" {
			if shape := axeShape(target); !axeEachRole[shape] {
				c.public[shape] = true
			}
		}
		for _, link := range c.links() {
			if shape := axeShape(link); !seen[shape] {
				seen[shape] = true
				queue = append(queue, link)
			}
		}
		c.check(target)
	}
	return n
}

// links returns the same-site links of the page the tab shows that lead to pages (not
// downloads — a link marked download or a file's path — and not static files), as paths
// with their queries.
func (c *axeRun) links() []string {
	tab := c.tab
	hrefs, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]:not([download])")].map(a => a.href)`))
	if err != nil {
		c.t.Errorf("links of %s: %v", browsertest.Location(c.t, tab), err)
	}
	var out []string
	for _, l := range hrefs {
		if !strings.HasPrefix(l, c.base+"/") {
			continue
		}
		u, err := url.Parse(strings.TrimPrefix(l, c.base))
		if err != nil || strings.HasPrefix(u.Path, "/static/") || notHTML.MatchString(u.Path) {
			continue
		}
		u.Fragment = ""
		out = append(out, u.String())
	}
	return out
}

// follow goes from the home page through the first link matching each pattern in turn and
// returns where it arrives, or "" when a link is missing.
func (c *axeRun) follow(patterns []*regexp.Regexp) string {
	at := "/"
	for _, re := range patterns {
		browsertest.Open(c.t, c.tab, c.base+at)
		next := ""
		for _, l := range c.links() {
			if u, _ := url.Parse(l); u != nil && re.MatchString(u.Path) {
				next = l
				break
			}
		}
		if next == "" {
			return ""
		}
		at = next
	}
	return at
}

// phone sets the tab to the phone's size, at one device pixel per CSS pixel: the crawl's
// screenshots are for looking the pages over, and twice the pixels would double the
// time they take.
func (c *axeRun) phone() {
	if err := chromedp.Do(c.tab, chromedp.EmulateViewport(browsertest.Width, browsertest.Height, chromedp.EmulateMobile, chromedp.EmulateScale(1))); err != nil {
		c.t.Fatalf("phone size: %v", err)
	}
}

// flow opens f's page, fills and submits its form, and checks the page it leads to.
func (c *axeRun) flow(f axeFlow) {
	t, tab := c.t, c.tab
	c.phone()
	browsertest.Open(t, tab, c.base+f.page)
	for css, v := range f.values {
		browsertest.Fill(t, tab, css, v)
	}
	submit := fmt.Sprintf(`(() => { const f = document.querySelector(%q); f.noValidate = true; f.requestSubmit(); return true })()`, f.form)
	if _, err := chromedp.Run(tab, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Evaluate[bool](submit))); err != nil {
		t.Errorf("%s: submit %s on %s: %v", f.who, f.form, f.page, err)
		return
	}
	c.check(f.page + " (submitted)")
}

// check runs axe-core on the page the tab shows at the phone's size and at a desktop's,
// once at each, and saves a screenshot of each.
func (c *axeRun) check(page string) {
	t, tab, who := c.t, c.tab, c.who
	for _, size := range []string{"phone", "desktop"} {
		if size == "desktop" {
			browsertest.Desktop(t, tab)
		}
		started := time.Now()
		found := browsertest.Axe(t, tab, c.script)
		c.axing += time.Since(started)
		c.mu.Lock()
		c.checks++
		for _, v := range found {
			line := fmt.Sprintf("%s %s [%s] %s: %s (%s): %s", who, page, size, v.Impact, v.ID, v.Help, strings.Join(v.Targets(), " · "))
			c.report = append(c.report, line)
			if v.Blocking() {
				c.blocking = append(c.blocking, line)
			}
		}
		c.mu.Unlock()
		started = time.Now()
		shot := browsertest.ScreenshotJPEG(t, tab, "axe-"+who+"-"+page+"-"+size)
		c.shooting += time.Since(started)
		// Every page at both sizes has a screenshot of its own: two pages whose names
		// come out the same would leave one of them without.
		c.mu.Lock()
		if c.shots[shot] {
			t.Errorf("%s %s [%s]: screenshot %s already holds another page", who, page, size, shot)
		}
		c.shots[shot] = true
		c.mu.Unlock()
	}
}

var axeNumber = regexp.MustCompile(`/[0-9]+(/|$)`)

// axeShape is a link with its numeric path segments, its query values and its cursor
// dropped, so /activities/1 and /activities/2?cursor=x are one page to check.
func axeShape(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	p := u.Path
	for axeNumber.MatchString(p) {
		p = axeNumber.ReplaceAllString(p, "/#$1")
	}
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		if k != "cursor" && k != "next" { // the next page of a list, the page after login
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return p + "?" + strings.Join(keys, "&")
}

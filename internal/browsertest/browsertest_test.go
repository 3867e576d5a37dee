package browsertest

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// recorder is a testing.TB that keeps the errors reported to it instead of failing, so the
// harness's own complaints can be checked.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs, "\n")
}

const csp = "default-src 'self'; script-src 'self'; style-src 'self'"

func site() *httptest.Server {
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="zh-CN"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>测试</title></head><body>`+body+`</body></html>`)
		}
	}
	mux.HandleFunc("/clean", page(`<h1 id="t">干净的页面</h1><form method="get" action="/next"><input id="q" name="q"><button type="submit">去</button></form>`))
	mux.HandleFunc("/next", page(`<p id="got">收到</p>`))
	mux.HandleFunc("/inline", page(`<h1>内联脚本</h1><script>document.title = "x"</script>`))
	mux.HandleFunc("/throws", page(`<h1>出错的脚本</h1><script src="/boom.js"></script>`))
	mux.HandleFunc("/boom.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `throw new Error("boom from the page")`)
	})
	return httptest.NewServer(mux)
}

// TestDrivesPages: the harness opens pages, fills and submits a form, reads text, and
// reports nothing for a clean page.
func TestDrivesPages(t *testing.T) {
	t.Parallel()
	Require(t)
	srv := site()
	defer srv.Close()
	r := &recorder{}
	t.Run("browse", func(t *testing.T) {
		r.TB = t
		ctx := New(r)
		if status := Open(r, ctx, srv.URL+"/clean"); status != 200 {
			t.Fatalf("status %d", status)
		}
		if got := Text(r, ctx, "#t"); got != "干净的页面" {
			t.Errorf("text %q", got)
		}
		Fill(r, ctx, "#q", "志愿")
		Click(r, ctx, "button[type=submit]")
		if loc := Location(r, ctx); !strings.HasPrefix(loc, srv.URL+"/next?q=") {
			t.Errorf("form went to %s", loc)
		}
		if !Exists(r, ctx, "#got") || Exists(r, ctx, "#t") {
			t.Errorf("not on the next page")
		}
		if status := Open(r, ctx, srv.URL+"/missing"); status != 404 {
			t.Errorf("missing page: %d", status)
		}
	})
	if errs := r.all(); errs != "" {
		t.Errorf("a clean page was reported:\n%s", errs)
	}
}

// TestReportsBrokenPages: an inline script refused by the CSP and a script error fail the
// test that opened the page.
func TestReportsBrokenPages(t *testing.T) {
	t.Parallel()
	Require(t)
	srv := site()
	defer srv.Close()
	for path, want := range map[string]string{"/inline": "Content Security Policy", "/throws": "boom from the page"} {
		r := &recorder{}
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			r.TB = t
			ctx := New(r)
			Open(r, ctx, srv.URL+path)
			Text(r, ctx, "h1") // the page has loaded and run its scripts
		})
		if errs := r.all(); !strings.Contains(errs, want) {
			t.Errorf("%s: the harness reported %q, want a report mentioning %q", path, errs, want)
		}
	}
}

// TestScreenshot: a full-page PNG at the phone's width lands in artifacts/screenshots.
func TestScreenshot(t *testing.T) {
	t.Parallel()
	srv := site()
	defer srv.Close()
	ctx := New(t)
	Open(t, ctx, srv.URL+"/clean")
	path := Screenshot(t, ctx, "browsertest/self test")
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "artifacts", "screenshots", "browsertest-self-test.png"); path != want {
		t.Errorf("saved as %s, want %s", path, want)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if w := img.Bounds().Dx(); w != Width*Scale {
		t.Errorf("screenshot is %d pixels wide, want %d", w, Width*Scale)
	}
	os.Remove(path)
}

func TestRepoRoot(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !bytes.HasPrefix(b, []byte("module zhiyuan\n")) {
		t.Errorf("root %s has no zhiyuan go.mod", root)
	}
}

// TestAxe: axe-core, loaded into a page under a strict content security policy, reports
// what the platform's pages once had (a timed meta refresh, faint amber text) at their
// impact, and nothing on a clean page.
// Two tabs of one browser keep their cookies apart.
func TestAxe(t *testing.T) {
	t.Parallel()
	Require(t)
	script := AxeScript(t)
	mux := http.NewServeMux()
	serve := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试</title>`+body)
		}
	}
	mux.HandleFunc("/bad", serve(`<meta http-equiv="refresh" content="60"></head><body><main><h1>志愿者证</h1>
		<p><font color="#ad6800">待确认</font></p></main></body></html>`))
	mux.HandleFunc("/good", serve(`</head><body><main><h1>志愿者证</h1><p>已确认</p></main></body></html>`))
	mux.HandleFunc("/cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "who", Value: r.URL.Query().Get("v")})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	b := NewBrowser(t, Timeout)
	tab, other := b.Tab(t), b.Tab(t)
	Open(t, tab, srv.URL+"/bad")
	got := map[string]string{}
	for _, v := range Axe(t, tab, script) {
		got[v.ID] = v.Impact
	}
	for rule, impact := range map[string]string{"meta-refresh": "critical", "color-contrast": "serious"} {
		if got[rule] != impact {
			t.Errorf("axe-core on the bad page: %s is %q, want %q (all: %v)", rule, got[rule], impact, got)
		}
	}
	Open(t, tab, srv.URL+"/good")
	if v := Axe(t, tab, script); len(v) != 0 {
		t.Errorf("axe-core on a clean page: %v", v)
	}

	Open(t, tab, srv.URL+"/cookie?v=tab")
	Open(t, other, srv.URL+"/good")
	if c, err := chromedp.Run(other, chromedp.Evaluate[string]("document.cookie")); err != nil || c != "" {
		t.Errorf("the other tab sees cookies %q (%v)", c, err)
	}
}

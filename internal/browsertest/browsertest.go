// Package browsertest drives a real browser (Debian's headless Chromium, through chromedp)
// against the platform in tests: it opens pages at a phone's size, fills and submits
// forms as a person would, and saves full-page screenshots into artifacts/screenshots/ for
// people to look at. A test fails when a page breaks its content security policy or
// throws a script error, because that is a page a user would see broken.
//
// Without Chromium the tests are skipped with the reason, unless
// ZHIYUAN_TEST_REQUIRE_BROWSER=1 (make test and CI set it), where a missing browser fails
// (testneed.Browser).
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/testneed"
)

// The phone the pages are looked at on: the CSS size of a common phone, at twice the
// pixels so screenshots are sharp.
const (
	Width  = 390
	Height = 844
	Scale  = 2
)

// Timeout bounds one browser session, so a hung page fails the test instead of the run.
var Timeout = 2 * time.Minute

// Executable returns the Chromium to run: /usr/bin/chromium (Debian's), or another
// Chromium or Chrome on the PATH, or "" when there is none.
func Executable() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Require skips t, or fails it when ZHIYUAN_TEST_REQUIRE_BROWSER=1, unless there is a
// Chromium to run. New calls it; a test that hands New something else than its own t
// calls it first, so that the skip is its own.
func Require(t testing.TB) string {
	t.Helper()
	bin := Executable()
	if bin == "" {
		testneed.Browser.Missing(t, "neither /usr/bin/chromium nor chromium or chrome on the PATH")
	}
	return bin
}

// A desktop screen, for the pages' wide layout.
const (
	DesktopWidth  = 1366
	DesktopHeight = 900
)

// A Browser is one headless Chromium that several tabs share, each with cookies and
// storage of its own (one per person a test plays), so a test starts Chromium once.
type Browser struct {
	ctx context.Context // the browser's first tab; tabs are opened beside it
	bin string
}

// NewBrowser starts a headless Chromium with a fresh profile that stops when t ends, or
// when timeout has passed (so a hung page fails the test instead of the run).
func NewBrowser(t testing.TB, timeout time.Duration) *Browser {
	t.Helper()
	return NewBrowserFlags(t, timeout, nil)
}

// NewBrowserFlags is NewBrowser with more of Chromium's command-line flags (name without
// the dashes → value, true for a plain switch), for a test that needs a browser set up
// otherwise: a fake camera that films a file, say.
func NewBrowserFlags(t testing.TB, timeout time.Duration, flags map[string]any) *Browser {
	t.Helper()
	bin := Require(t)
	// Made before the browser starts, so it is removed after the browser has stopped.
	profile := t.TempDir()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(Width, Height),
	)
	for name, value := range flags {
		opts = append(opts, chromedp.Flag(name, value))
	}
	deadline, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	ctx, cancelFirst := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelFirst()
		cancelAlloc()
		cancelTimeout()
	})
	// Start the browser now, so a broken installation fails here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	return &Browser{ctx: ctx, bin: bin}
}

// Tab opens a tab with cookies and storage of its own (a browser context of its own), at a
// phone's size, and returns its context for chromedp calls and the helpers here. It
// closes when t ends; script errors and security-policy violations on any of its pages
// fail t then.
func (b *Browser) Tab(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return b.watch(t, ctx)
}

// watch makes ctx's tab phone-sized and fails t, when it ends, with the tab's script
// errors and security-policy violations.
func (b *Browser) watch(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	p := &problems{}
	if err := chromedp.Listen(ctx, p.record); err != nil {
		t.Fatalf("open a tab in %s: %v", b.bin, err)
	}
	// Registered after the tab's cancel, so it runs before it.
	t.Cleanup(func() {
		for _, msg := range p.list() {
			t.Errorf("browser: %s", msg)
		}
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(Width, Height, chromedp.EmulateScale(Scale), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("open a tab in %s: %v", b.bin, err)
	}
	return ctx
}

// New starts a headless Chromium with a fresh profile and a phone-sized screen and returns
// the context of its one tab, for chromedp calls and the helpers here. The browser stops
// when t ends, or after Timeout. Script errors and security-policy violations on any page
// fail t then. The tab is the browser's first, in its default browser context, so
// browser-wide settings (browser.SetPermission without a context) apply to it.
func New(t testing.TB) context.Context {
	t.Helper()
	b := NewBrowser(t, Timeout)
	return b.watch(t, b.ctx)
}

// Phone sets the tab's screen to the phone's (Width × Height, touch, twice the pixels).
func Phone(t testing.TB, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(Width, Height, chromedp.EmulateScale(Scale), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("phone size: %v", err)
	}
}

// Desktop sets the tab's screen to a desktop's (DesktopWidth × DesktopHeight, a mouse).
func Desktop(t testing.TB, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(DesktopWidth, DesktopHeight, chromedp.EmulateScale(1))); err != nil {
		t.Fatalf("desktop size: %v", err)
	}
}

// problems collects what pages did wrong, from the tab's event loop.
type problems struct {
	mu   sync.Mutex
	msgs []string
}

func (p *problems) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "script error: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil && ev.ExceptionDetails.Exception.Description != "" {
			msg += ": " + ev.ExceptionDetails.Exception.Description
		}
	case *log.EventEntryAdded:
		// Security entries are content-security-policy violations: an inline script or
		// style the page relies on and the browser refused.
		if ev.Entry.Source == log.EntrySourceSecurity || ev.Entry.Source == log.EntrySourceJavascript && ev.Entry.Level == log.EntryLevelError {
			msg = string(ev.Entry.Source) + ": " + ev.Entry.Text
		}
	}
	if msg != "" {
		p.mu.Lock()
		p.msgs = append(p.msgs, msg)
		p.mu.Unlock()
	}
}

func (p *problems) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.msgs...)
}

// Open loads url in the tab and returns the HTTP status of the page.
func Open(t testing.TB, ctx context.Context, url string) int {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return int(res.Status)
}

// Fill types value into the form field that css selects, replacing what was there.
func Fill(t testing.TB, ctx context.Context, css, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), value)); err != nil {
		t.Fatalf("fill %s: %v", css, err)
	}
}

// Click clicks what css selects and waits for the page it leads to (a form submission or
// a link) to load.
func Click(t testing.TB, ctx context.Context, css string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))); err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
}

// Text returns the visible text of the first element css selects.
func Text(t testing.TB, ctx context.Context, css string) string {
	t.Helper()
	s, err := retryContext(func() (string, error) {
		return chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
	})
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// Exists reports whether css selects anything on the current page, without waiting.
func Exists(t testing.TB, ctx context.Context, css string) bool {
	t.Helper()
	n, err := retryContext(func() (int, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", css)))
	})
	if err != nil {
		t.Fatalf("look for %s: %v", css, err)
	}
	return n > 0
}

// Location returns the URL of the current page.
func Location(t testing.TB, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Login logs in through the platform's login form at baseURL and fails t unless it
// lands on a page with the logout button.
func Login(t testing.TB, ctx context.Context, baseURL, login, password string) {
	t.Helper()
	Open(t, ctx, baseURL+"/login")
	Fill(t, ctx, "#login", login)
	Fill(t, ctx, "#password", password)
	Click(t, ctx, "form.form button[type=submit]")
	if !Exists(t, ctx, `form[action="/logout"]`) {
		t.Fatalf("login as %s did not log in; now at %s", maskLogin(login), Location(t, ctx))
	}
}

func maskLogin(s string) string {
	if len(s) > 7 {
		return s[:3] + "****" + s[len(s)-4:]
	}
	return "***"
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot saves a full-page PNG of the current page as
// <repository>/artifacts/screenshots/<name>.png and returns its path. Characters other
// than letters, digits, dot, dash and underscore in name become dashes.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	return screenshot(t, ctx, name, 100, ".png")
}

// ScreenshotJPEG saves a full-page JPEG of the current page as
// <repository>/artifacts/screenshots/<name>.jpg, for tests that take many: it is made and
// written several times faster than a PNG.
func ScreenshotJPEG(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	return screenshot(t, ctx, name, 80, ".jpg")
}

func screenshot(t testing.TB, ctx context.Context, name string, quality int, ext string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(quality))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, strings.Trim(unsafeName.ReplaceAllString(name, "-"), "-")+ext)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// RepoRoot finds the repository by walking up from the working directory to go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("browsertest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// retryContext runs f again when Chromium swapped the page's script context under it
// ("Cannot find context with specified id"), which happens right after a page loads and
// says nothing about the page itself.
func retryContext[T any](f func() (T, error)) (T, error) {
	var v T
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if v, err = f(); err == nil || !strings.Contains(err.Error(), "Cannot find context") {
			return v, err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return v, err
}

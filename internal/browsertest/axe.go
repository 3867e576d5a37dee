package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/testneed"
)

// AxeViolation is one rule of axe-core that a page breaks, with the elements that break it.
type AxeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"` // minor, moderate, serious or critical
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// Targets returns the CSS selectors of the elements that break the rule.
func (v AxeViolation) Targets() []string {
	var out []string
	for _, n := range v.Nodes {
		out = append(out, fmt.Sprint(n.Target...))
	}
	return out
}

// Blocking reports whether the violation keeps people out (critical or serious), which
// the platform's pages must not have.
func (v AxeViolation) Blocking() bool { return v.Impact == "critical" || v.Impact == "serious" }

// AxeScript returns the browser build of axe-core, which `make assets` installs from npm
// (package.json) into node_modules; without it t ends through testneed.Axe.
func AxeScript(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		testneed.Axe.Missing(t, err.Error())
	}
	return string(b)
}

// PreloadAxe has the tab load axe-core (script, from AxeScript) into every page it opens
// from now on, as the page starts, for a test that checks many pages in one tab: the
// script crosses the DevTools connection once, not once per page, and Axe finds it there.
// Measured on 8 pages: 7.3–7.6 s to open them with axe-core loaded, against 8.9–9.4 s
// loading it into each page after it opened.
func PreloadAxe(t testing.TB, ctx context.Context, script string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return err
	}))
	if err != nil {
		t.Fatalf("preload axe-core: %v", err)
	}
}

// Axe runs axe-core (script, from AxeScript) on the page the tab shows and returns every
// rule the page breaks, whatever its impact.
func Axe(t testing.TB, ctx context.Context, script string) []AxeViolation {
	t.Helper()
	// Loaded through the DevTools protocol, which the page's content security policy
	// does not govern, so pages need not allow it.
	// Once per page: a second run on the same page (at another screen size) reuses it.
	if _, err := retryContext(func() (bool, error) {
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "object"`))
		if err != nil || loaded {
			return loaded, err
		}
		return chromedp.Run(ctx, chromedp.Evaluate[bool](script+";true"))
	}); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	type result struct {
		Violations []AxeViolation `json:"violations"`
	}
	// Violations alone: building the passes' results costs as much again.
	run := `axe.run(document, {resultTypes: ["violations"], reporter: "no-passes", iframes: false}).then(r => ({violations: r.violations}))`
	res, err := retryContext(func() (result, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[result](run, chromedp.EvalAwaitPromise))
	})
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return res.Violations
}

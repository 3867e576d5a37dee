package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/roster"
	"zhiyuan/internal/server/servertest"
)

// TestBrowserImport walks an import in Chromium at a phone's size: from the
// organisation's page to the import page, the template download, the upload, the
// preview with the broken rows (the page updates itself when the check is done), the
// confirmation dialog, the run with its progress bar, and the final counts, and then the
// unit's League registration rate moved by the imported League members. Each step passes
// axe-core and is kept as a screenshot (artifacts/screenshots/import-*).
func TestBrowserImport(t *testing.T) {
	browsertest.Require(t)
	script := browsertest.AxeScript(t)
	e := servertest.New(t, "sqlite")
	org, phone := importOrg(t, e)
	base := e.HTTP.URL
	tab := browsertest.New(t)
	browsertest.Phone(t, tab)
	browsertest.Login(t, tab, base, phone, "secret123")
	axe := func(step string) {
		t.Helper()
		for _, v := range browsertest.Axe(t, tab, script) {
			if v.Blocking() {
				t.Errorf("%s: axe %s %s: %s", step, v.Impact, v.ID, strings.Join(v.Targets(), " · "))
			}
		}
	}
	wait := func(css string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(css))); err != nil {
			t.Fatalf("waiting for %s: %v", css, err)
		}
	}
	// runJobs works the queue until stop is called, so each state can be seen.
	runJobs := func() (stop func()) {
		r, err := e.App.RunBackground(context.Background(), jobs.Options{PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return func() { r.Stop(context.Background()) }
	}

	// The unit's roster: 600 League members, none registered yet.
	ownRate := `#league tbody tr:first-child td[data-label="注册率"]`
	browsertest.Open(t, tab, fmt.Sprintf("%s/orgs/%d", base, org))
	if err := chromedp.Do(tab, chromedp.SetValue(chromedp.CSS("#count"), "600")); err != nil {
		t.Fatal(err)
	}
	browsertest.Click(t, tab, fmt.Sprintf(`form[action="/orgs/%d/league-roster"] button[type=submit]`, org))
	if got := browsertest.Text(t, tab, ownRate); got != "0.0%" {
		t.Fatalf("before the import the unit's rate is %q, want 0.0%%", got)
	}
	browsertest.Click(t, tab, fmt.Sprintf(`a[href="/orgs/%d/imports"]`, org))
	axe("import page")
	browsertest.Screenshot(t, tab, "import-page")

	// The template the page links to is the .xlsx with the Chinese headers.
	href, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('a[download][href$="template.xlsx"]').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(base + href)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := io.ReadAll(res.Body)
	res.Body.Close()
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	head, _ := f.GetRows(roster.TemplateSheet)
	f.Close()
	if len(head) == 0 || head[0][0] != roster.ColName {
		t.Fatalf("template header %v", head)
	}

	// Upload a list with two broken rows; the page says it is checking, and shows the
	// preview by itself once the check is done.
	list := filepath.Join(t.TempDir(), "名单.csv")
	if err := os.WriteFile(list, memberList(300, 3, 17), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list})); err != nil {
		t.Fatal(err)
	}
	browsertest.Click(t, tab, `form[enctype="multipart/form-data"] button[type=submit]`)
	if !strings.Contains(browsertest.Text(t, tab, "#import-live"), "正在校验") {
		t.Fatal("the import is not shown being checked")
	}
	at := browsertest.Location(t, tab)
	stop := runJobs()
	wait("#count-new")
	stop()
	if got := browsertest.Text(t, tab, "#count-errors"); got != "2" {
		t.Fatalf("preview shows %s errors, want 2", got)
	}
	if !strings.Contains(browsertest.Text(t, tab, "table.list"), "第 5 行") {
		t.Fatal("the preview does not name row 5")
	}
	axe("preview")
	browsertest.Screenshot(t, tab, "import-preview")

	// Confirm in the dialog; with no job running yet, the page shows the progress bar.
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`form[action$="/run"] button`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	wait("dialog.confirm-dialog button[type=submit]")
	axe("confirmation")
	browsertest.Screenshot(t, tab, "import-confirm")
	browsertest.Click(t, tab, "dialog.confirm-dialog button[type=submit]")
	wait("#import-progress")
	axe("running")
	browsertest.Screenshot(t, tab, "import-running")
	if browsertest.Location(t, tab) != at {
		t.Fatalf("after the run the page is %s, want %s", browsertest.Location(t, tab), at)
	}
	stop = runJobs()
	defer stop()
	wait("#done-created")
	if got := browsertest.Text(t, tab, "#done-created"); got != "298" {
		t.Fatalf("created %s, want 298", got)
	}
	axe("done")
	browsertest.Screenshot(t, tab, "import-done")

	// The 298 students are League members of the unit now: 298 of 600 is 49.7 %.
	browsertest.Open(t, tab, fmt.Sprintf("%s/orgs/%d#league", base, org))
	if got := browsertest.Text(t, tab, ownRate); got != "49.7%" {
		t.Fatalf("after the import the unit's rate is %q, want 49.7%%", got)
	}
	browsertest.Screenshot(t, tab, "import-league-rate")
}

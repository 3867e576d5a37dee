package web_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/roster"
	"zhiyuan/internal/server/servertest"
)

// TestBrowserLeagueImport walks a regional admin's League roster import in Chromium at a
// phone's size: from 团员注册率 to the import page, the template of 天河's units filled in
// (one count changed, one unit that is not 天河's added), the preview naming the bad row,
// the confirmation dialog, the applied import, and the unit's rate moved by the new
// count. Each step passes axe-core and is kept as a screenshot
// (artifacts/screenshots/league-import-*).
func TestBrowserLeagueImport(t *testing.T) {
	browsertest.Require(t)
	script := browsertest.AxeScript(t)
	e := servertest.New(t, "sqlite")
	ids := e.LeagueTree()
	phone := orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
	base := e.HTTP.URL
	tab := browsertest.New(t)
	browsertest.Phone(t, tab)
	browsertest.Login(t, tab, base, phone, "test1234")
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
	ownRate := `#league tbody tr:first-child td[data-label="注册率"]`
	orgB := base + "/orgs/" + strconv.FormatInt(ids["B"], 10)
	browsertest.Open(t, tab, orgB)
	if got := browsertest.Text(t, tab, ownRate); got != "5.0%" {
		t.Fatalf("before the import B's rate is %q, want 5.0%%", got)
	}

	browsertest.Open(t, tab, base+"/admin/league")
	browsertest.Click(t, tab, `a[href="/admin/league/import"]`)
	wait(`form[action="/admin/league/import"]`)
	axe("import page")
	browsertest.Screenshot(t, tab, "league-import-page")

	// The template the page links to lists 天河's units with their counts: B's 20 becomes
	// 25, and 越秀's C is added, which 天河's admin may not set.
	tpl := browserAs(t, e, phone).Get("/league-rosters/template.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(tpl.Body))
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	rows, _ := f.GetRows(roster.LeagueSheet)
	bLine := 0
	for i, r := range rows {
		if len(r) > 3 && r[1] == "测试B团委" && r[3] == "20" {
			bLine = i + 1
		}
	}
	if bLine == 0 {
		t.Fatalf("B is not in the template: %q", rows)
	}
	f.SetCellInt(roster.LeagueSheet, "D"+strconv.Itoa(bLine), 25)
	next := strconv.Itoa(len(rows) + 1)
	f.SetCellStr(roster.LeagueSheet, "B"+next, "测试C团委")
	f.SetCellInt(roster.LeagueSheet, "D"+next, 40)
	list := filepath.Join(t.TempDir(), "团员总数.xlsx")
	if err := f.SaveAs(list); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list})); err != nil {
		t.Fatal(err)
	}
	browsertest.Click(t, tab, `form[enctype="multipart/form-data"] button[type=submit]`)
	wait("#li-errors")
	if got := browsertest.Text(t, tab, "#li-changes"); got != "1 个单位" {
		t.Fatalf("preview shows %q changes, want 1", got)
	}
	if bad := browsertest.Text(t, tab, "table.league-import-bad"); !strings.Contains(bad, "第 "+next+" 行") || !strings.Contains(bad, "不在您的管理范围内") {
		t.Fatalf("the preview does not name the bad row: %s", bad)
	}
	axe("preview")
	browsertest.Screenshot(t, tab, "league-import-preview")
	if err := os.Remove(list); err != nil {
		t.Fatal(err)
	}

	// Confirm in the dialog: it says that counts are overwritten.
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`form[action$="/apply"] button`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	wait("dialog.confirm-dialog button[type=submit]")
	if !strings.Contains(browsertest.Text(t, tab, "dialog.confirm-dialog"), "覆盖现有数字") {
		t.Fatal("the confirmation does not say counts are overwritten")
	}
	axe("confirmation")
	browsertest.Screenshot(t, tab, "league-import-confirm")
	browsertest.Click(t, tab, "dialog.confirm-dialog button[type=submit]")
	wait("#li-applied")
	axe("applied")
	browsertest.Screenshot(t, tab, "league-import-applied")

	// B's one registered League member over 25 now: 4.0 %.
	browsertest.Open(t, tab, orgB+"#league")
	if got := browsertest.Text(t, tab, ownRate); got != "4.0%" {
		t.Fatalf("after the import B's rate is %q, want 4.0%%", got)
	}
	browsertest.Screenshot(t, tab, "league-import-rate")
}

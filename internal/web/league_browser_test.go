package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/server/servertest"
)

// leagueExport is what the page's export link answers when the browser fetches it.
type leagueExport struct {
	Status int
	Type   string
	Size   int
}

// TestBrowserLeagueUnits: on a 390×844 phone, 广州's admin finds 团员注册率 in the 管理
// menu, sees the units behind lowest rate first as cards (no sideways scrolling), narrows
// them to 天河, downloads the list as .xlsx from the page's export link and opens the
// first unit's page with its League section.
func TestBrowserLeagueUnits(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		e.LeagueTree()
		phone := orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		base := e.HTTP.URL
		ctx := browsertest.New(t)
		browsertest.Phone(t, ctx)
		browsertest.Login(t, ctx, base, phone, "test1234")

		browsertest.Open(t, ctx, base+"/manage")
		browsertest.Click(t, ctx, `main a[href="/admin/league"]`)
		if !strings.HasSuffix(browsertest.Location(t, ctx), "/admin/league") {
			t.Fatalf("the 管理 menu's link leads to %s", browsertest.Location(t, ctx))
		}
		first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("table.league-units tbody tr td.name").textContent.trim()`))
		if err != nil || first != "测试C团委" {
			t.Errorf("first unit %q (%v), want the lowest rate, 测试C团委", first, err)
		}
		n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.league-units tbody tr").length`))
		width, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
		if n != 5 || width > browsertest.Width {
			t.Errorf("%d units, page %v px wide at %d", n, width, browsertest.Width)
		}
		if text := browsertest.Text(t, ctx, "table.league-units"); !strings.Contains(text, zhiyuan.LeagueNoRoster) {
			t.Errorf("the unit without a roster does not say %s: %s", zhiyuan.LeagueNoRoster, text)
		}
		browsertest.Screenshot(t, ctx, "phone-league-units-"+e.Engine)

		// Narrow to 天河 with the region filter.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('select[name="region"]').value = "440106"`)); err != nil {
			t.Fatal(err)
		}
		browsertest.Click(t, ctx, "form.filters button[type=submit]")
		n, _ = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.league-units tbody tr").length`))
		if n != 3 || !strings.Contains(browsertest.Location(t, ctx), "region=440106") {
			t.Errorf("天河: %d units at %s", n, browsertest.Location(t, ctx))
		}
		browsertest.Screenshot(t, ctx, "phone-league-units-tianhe-"+e.Engine)

		// The export link, fetched as the browser would download it.
		got, err := chromedp.Run(ctx, chromedp.Evaluate[leagueExport](`fetch(document.querySelector("a[download]").href).then(async r =>
			({Status: r.status, Type: r.headers.get("content-type"), Size: (await r.arrayBuffer()).byteLength}))`, chromedp.EvalAwaitPromise))
		if err != nil || got.Status != 200 || !strings.Contains(got.Type, "spreadsheetml") || got.Size < 1000 {
			t.Errorf("export: %+v %v", got, err)
		}

		// A unit's page: its own figure, with its sub-units, each child, the roster form.
		browsertest.Click(t, ctx, "table.league-units tbody tr td.name a")
		if text := browsertest.Text(t, ctx, "#league"); !strings.Contains(text, "含下级单位") || !strings.Contains(text, "保存团员总数") {
			t.Errorf("the unit's League section: %s", text)
		}
		browsertest.Screenshot(t, ctx, "phone-league-org-"+e.Engine)
	})
}

package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

// TestBrowserFigures: the showcase draws its charts (a canvas in each chart that has
// data, no script errors or refused scripts), a region and a range are chosen with the
// form, and with JavaScript off the same figures are in the tables.
func TestBrowserFigures(t *testing.T) {
	hourstest.Each(t, 3, func(t *testing.T, e *hourstest.Env) {
		for _, v := range e.Volunteers {
			en := &zhiyuan.HourEntry{VolunteerID: v.ID, Kind: zhiyuan.HourMakeup, Minutes: 150, SessionID: e.Session.ID, OrgID: e.Org.ID,
				Reason: "补录", RecordedBy: e.OrgAdmin}
			if err := e.Store.AppendHourEntry(t.Context(), en, sqlstore.EntryPlace{RegionCode: "440106"}, &zhiyuan.HourConfirmation{ConfirmedBy: e.OrgAdmin}); err != nil {
				t.Fatal(err)
			}
		}
		year := zhiyuan.MonthOf(e.App.Now())[:4]
		base := e.HTTP.URL
		ctx := browsertest.New(t)
		browsertest.Phone(t, ctx)
		browsertest.Open(t, ctx, base+"/figures")
		wait, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(`#chart-months canvas`))); err != nil {
			t.Fatalf("no chart drawn: %v", err)
		}
		canvases, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.chart canvas').length`))
		if err != nil || canvases < 4 {
			t.Errorf("%d charts drawn (%v), want the months, cities, categories and organisations", canvases, err)
		}
		if got := browsertest.Text(t, ctx, "main"); !strings.Contains(got, "广州市") || !strings.Contains(got, "7.5 小时") || !strings.Contains(got, "敬老服务") ||
			!strings.Contains(got, e.Org.Name) {
			t.Errorf("province page: %s", got)
		}
		browsertest.Screenshot(t, ctx, "figures-province-"+e.Engine)
		axe := browsertest.AxeScript(t)
		checkAxe := func(ctx context.Context, page string) {
			t.Helper()
			for _, v := range browsertest.Axe(t, ctx, axe) {
				if v.Blocking() {
					t.Errorf("%s: axe %s (%s): %v", page, v.ID, v.Impact, v.Targets())
				}
			}
		}
		checkAxe(ctx, "province")

		// Choose 广州 and a range: the page shows 广州's districts, 天河区 with its hours.
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#fig-region`), "440100"),
			chromedp.SetValue(chromedp.CSS(`#fig-from`), year+"-01"), chromedp.SetValue(chromedp.CSS(`#fig-to`), year+"-06")); err != nil {
			t.Fatal(err)
		}
		browsertest.Click(t, ctx, `form[action="/figures"] button`)
		if loc := browsertest.Location(t, ctx); !strings.Contains(loc, "region=440100") || !strings.Contains(loc, "from="+year+"-01") || !strings.Contains(loc, "to="+year+"-06") {
			t.Fatalf("after choosing: %s", loc)
		}
		if got := browsertest.Text(t, ctx, "main"); !strings.Contains(got, "广东省广州市 · "+year+"-01 至 "+year+"-06") || !strings.Contains(got, "天河区") {
			t.Errorf("广州 page: %s", got)
		}
		browsertest.Screenshot(t, ctx, "figures-city-"+e.Engine)

		// A month that does not exist: 422, the message tied to its field.
		if st := browsertest.Open(t, ctx, base+"/figures?region=440100&from=2026-13"); st != 422 {
			t.Errorf("bad month: status %d", st)
		}
		if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#fig-from').getAttribute('aria-invalid') + " " + document.getElementById(document.querySelector('#fig-from').getAttribute('aria-describedby')).textContent`)); err != nil || !strings.Contains(got, "true 月份格式") {
			t.Errorf("bad month's field: %q %v", got, err)
		}
		checkAxe(ctx, "bad month")

		// Without JavaScript: no chart, the tables hold the figures.
		nojs := browsertest.New(t)
		browsertest.Phone(t, nojs)
		if err := chromedp.Do(nojs, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		browsertest.Open(t, nojs, base+"/figures?region=440100")
		rows, err := chromedp.Run(nojs, chromedp.Evaluate[int](`document.querySelectorAll('table.list tbody tr').length`))
		if err != nil || rows < 3+10 { // this year so far (the clock is in March), 广州's 11 districts
			t.Errorf("without JS: %d table rows (%v)", rows, err)
		}
		if browsertest.Exists(t, nojs, ".chart canvas") {
			t.Errorf("without JS a chart was drawn")
		}
		if got := browsertest.Text(t, nojs, "main"); !strings.Contains(got, "7.5 小时") || !strings.Contains(got, "天河区") {
			t.Errorf("without JS: %s", got)
		}
		browsertest.Screenshot(t, nojs, "figures-nojs-"+e.Engine)
	})
}

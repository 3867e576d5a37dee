package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/server/servertest"
)

// searchFacts is what a phone shows of the search page's first screen.
type searchFacts struct {
	FirstTop  float64 `json:"firstTop"`
	Count     string  `json:"count"`
	PanelOpen bool    `json:"panelOpen"`
	NearMe    bool    `json:"nearMe"`
	MinTap    float64 `json:"minTap"`
}

const measureSearch = `(() => {
	const first = document.querySelector('.activity-card');
	const count = document.querySelector('.result-count [data-count]');
	const panel = document.querySelector('details.filter-panel');
	const near = document.querySelector('.near-me');
	let minTap = Infinity;
	for (const el of document.querySelectorAll('.search-box input, .search-box button, details.filter-panel > summary, .activity-card h2 a')) {
		minTap = Math.min(minTap, el.getBoundingClientRect().height);
	}
	return {
		firstTop: first ? first.getBoundingClientRect().top : 1e9,
		count: count ? count.dataset.count : '',
		panelOpen: panel.open,
		nearMe: !!near && !near.hidden,
		minTap: minTap,
	};
})()`

// geolocation grants or refuses the page the device's position; granted, the device
// stands at 23.13,113.32 (天河区, about 4 km from the activities).
func geolocation(setting browser.PermissionSetting) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: setting}); err != nil {
			return chromedp.Void{}, err
		}
		lat, lng, acc := 23.13, 113.32, 10.0
		_, err := cdp.Call(ctx, t, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
			Latitude: &lat, Longitude: &lng, Accuracy: &acc})
		return chromedp.Void{}, err
	}
}

// waitText waits up to five seconds for the element's text to contain want.
func waitText(t *testing.T, ctx context.Context, css, want string) string {
	t.Helper()
	var got string
	for i := 0; i < 50; i++ {
		if got = browsertest.Text(t, ctx, css); strings.Contains(got, want) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return got
}

// TestBrowserSearchPhone opens the search page on a 390×844 phone: the first result's
// top is on the first screen (it was at 925 px under the nine-field form), the count
// shown is the database's count of activities open for search, the filter panel is
// folded, 使用我的位置 is offered where JavaScript runs, and the box, the panel's summary
// and the cards' links are at least 44 px tall to tap. Searching with a filter keeps the
// panel open. 使用我的位置 refused says so and leaves the form as it was; granted, it
// fills 我的位置 and sorts by distance.
func TestBrowserSearchPhone(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		f := newActPages(t, e)
		for i, region := range []string{"440106", "440104", "440703"} {
			form := f.form(fmt.Sprintf("社区活动%d", i+1))
			form.Set("region_code", region)
			f.create(form)
		}
		var want int
		if err := e.Store.DB().QueryRowContext(t.Context(),
			e.Store.Rebind("SELECT COUNT(*) FROM activities WHERE status = 'published' AND ends_at >= ?"), e.Store.Now()).Scan(&want); err != nil {
			t.Fatal(err)
		}
		b := browsertest.New(t)
		if status := browsertest.Open(t, b, e.HTTP.URL+"/activities"); status != http.StatusOK {
			t.Fatalf("search page: %d", status)
		}
		got, err := chromedp.Run(b, chromedp.Evaluate[searchFacts](measureSearch))
		if err != nil {
			t.Fatal(err)
		}
		browsertest.Screenshot(t, b, "search-phone-"+e.Engine)
		if got.FirstTop >= browsertest.Height {
			t.Errorf("first result at %.0f px, below the %d px screen", got.FirstTop, browsertest.Height)
		}
		if got.Count != strconv.Itoa(want) {
			t.Errorf("count shown %q, database has %d", got.Count, want)
		}
		if got.PanelOpen || !got.NearMe {
			t.Errorf("panel open %v (want folded), 使用我的位置 offered %v", got.PanelOpen, got.NearMe)
		}
		if got.MinTap < 44 {
			t.Errorf("a touch target is %.0f px tall, under 44", got.MinTap)
		}

		// A filter set keeps the panel open and counts it.
		browsertest.Open(t, b, e.HTTP.URL+"/activities?region=440100")
		got, err = chromedp.Run(b, chromedp.Evaluate[searchFacts](measureSearch))
		if err != nil {
			t.Fatal(err)
		}
		if !got.PanelOpen || got.Count != "2" {
			t.Errorf("广州 asked: panel open %v, count %q (want open, 2)", got.PanelOpen, got.Count)
		}
		if s := browsertest.Text(t, b, "details.filter-panel > summary"); s != "筛选（已选 1 项）" {
			t.Errorf("panel summary %q", s)
		}

		browsertest.Open(t, b, e.HTTP.URL+"/activities")
		if err := chromedp.Do(b, geolocation(browser.PermissionSettingDenied)); err != nil {
			t.Fatal(err)
		}
		// Neither click loads a page: the panel opens in place and the refusal is shown.
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS("details.filter-panel > summary"), chromedp.NodeVisible),
			chromedp.Click(chromedp.CSS("[data-near-me]"), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		if msg := waitText(t, b, ".near-status", "未获得定位权限"); !strings.Contains(msg, "未获得定位权限") {
			t.Errorf("refused location: message %q", msg)
		}
		browsertest.Screenshot(t, b, "search-location-refused-"+e.Engine)
		if loc := browsertest.Location(t, b); strings.Contains(loc, "near=") {
			t.Errorf("refused location sent the form: %s", loc)
		}
		if err := chromedp.Do(b, geolocation(browser.PermissionSettingGranted)); err != nil {
			t.Fatal(err)
		}
		browsertest.Click(t, b, "[data-near-me]")
		if count := waitText(t, b, ".result-count", "找到"); !strings.Contains(browsertest.Location(t, b), "sort=distance") {
			t.Errorf("granted location: at %s, %q", browsertest.Location(t, b), count)
		}
		if near := browsertest.Text(t, b, ".activity-card .muted"); !strings.Contains(near, "公里") {
			t.Errorf("sorted by distance, the first card shows no distance: %q", near)
		}
	})
}

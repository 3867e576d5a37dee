package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// tableCheck is what the page says about its card-table on a phone.
type tableCheck struct {
	Names     int       // name cells
	MaxLines  int       // most lines a name cell takes
	Boxes     int       // checkboxes
	MinTarget float64   // smallest side of a checkbox's hit target (its label), px
	Covered   int       // hit targets whose corner is covered by something else
	PageWidth float64   // document width: no sideways scrolling
	First     []float64 // first name cell's width and height, for the log
}

const measureTable = `(() => {
  const sel = %q;
  const lines = el => {
    const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size;
  };
  const names = [...document.querySelectorAll(sel + " td.name")];
  const boxes = [...document.querySelectorAll(sel + " input[type=checkbox]")];
  let min = 1e9, covered = 0;
  for (const b of boxes) {
    const t = b.closest("label") || b, r = t.getBoundingClientRect();
    min = Math.min(min, r.width, r.height);
    b.scrollIntoView({block: "center"});
    const q = t.getBoundingClientRect(), at = document.elementFromPoint(q.left + 2, q.top + 2);
    if (!at || !t.contains(at)) covered++;
  }
  window.scrollTo(0, 0);
  const f = names[0] ? names[0].getBoundingClientRect() : {width: 0, height: 0};
  return {Names: names.length, MaxLines: Math.max(0, ...names.map(lines)), Boxes: boxes.length,
    MinTarget: boxes.length ? min : 0, Covered: covered, PageWidth: document.documentElement.scrollWidth, First: [f.width, f.height]};
})()`

// TestBrowserTablesOnPhone: at 390×844 the organiser's sign-up list and attendance page
// show their tables as cards: every volunteer's name on one or two lines (not a character
// per line), checkboxes with hit targets of at least 44 px that nothing covers, no sideways
// scrolling; the attendance page links to 时长确认 from its first screen.
func TestBrowserTablesOnPhone(t *testing.T) {
	hourstest.Each(t, 6, func(t *testing.T, e *hourstest.Env) {
		// Everyone checks in and out, so the attendance page has rows and hours to confirm.
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		path := fmt.Sprintf("/sessions/%d/attendance", e.Session.ID)
		e.Clock.Set(hourstest.Day("09:10"))
		for _, v := range e.Volunteers {
			if res := org.Post(path, url.Values{"volunteer_no": {v.No}, "action": {"in"}, "method": {"manual"}, "at": {"09:00"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("check-in: %d %s", res.Status, res.Body)
			}
		}
		e.Clock.Set(hourstest.Day("12:30"))
		for _, v := range e.Volunteers {
			if res := org.Post(path, url.Values{"volunteer_no": {v.No}, "action": {"out"}, "method": {"manual"}, "at": {"11:30"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("check-out: %d %s", res.Status, res.Body)
			}
		}
		ctx := browsertest.New(t)
		browsertest.Phone(t, ctx)
		base := e.HTTP.URL
		browsertest.Login(t, ctx, base, e.OrgPhone, hourstest.Password)
		check := func(page, table string, wantBoxes bool) {
			t.Helper()
			browsertest.Open(t, ctx, fmt.Sprintf("%s/sessions/%d/%s", base, e.Session.ID, page))
			browsertest.Screenshot(t, ctx, "phone-table-"+page+"-"+e.Engine)
			got, err := chromedp.Run(ctx, chromedp.Evaluate[tableCheck](fmt.Sprintf(measureTable, table)))
			if err != nil {
				t.Fatalf("%s: %v", page, err)
			}
			t.Logf("%s at 390 px: %+v", page, got)
			if got.Names < len(e.Volunteers) {
				t.Errorf("%s lists %d names, want %d", page, got.Names, len(e.Volunteers))
			}
			if got.MaxLines > 2 {
				t.Errorf("%s: a name takes %d lines on a phone", page, got.MaxLines)
			}
			if wantBoxes && got.Boxes == 0 {
				t.Errorf("%s: no checkboxes to choose volunteers", page)
			}
			if got.Boxes > 0 && got.MinTarget < 44 {
				t.Errorf("%s: a checkbox's hit target is %.0f px, want at least 44", page, got.MinTarget)
			}
			if got.Covered > 0 {
				t.Errorf("%s: %d checkboxes are covered by other content", page, got.Covered)
			}
			if got.PageWidth > browsertest.Width {
				t.Errorf("%s is %.0f px wide on a %d px screen", page, got.PageWidth, browsertest.Width)
			}
		}
		check("signups", "table.signups", true)
		check("attendance", "table.attendance", false)
		check("attendance", "table.hours-entries", true)
		// 时长确认 is one tap from the top of the attendance page.
		top, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('nav.jump a[href="#confirm"]').getBoundingClientRect().top`))
		if err != nil || top <= 0 || top > 844 {
			t.Errorf("the link to 时长确认 is at %.0f px (%v), want on the first screen", top, err)
		}
	})
}

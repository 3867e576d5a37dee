package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// TestBrowserNeedPostAndTake: at a phone's size, a street's admin posts a need through
// the form; an organisation's admin finds it in 服务需求, taps 接单, confirms in the
// dialog and lands on the draft activity made from it; the street then sees who took it.
// Screenshots of each step go to artifacts/screenshots/.
func TestBrowserNeedPostAndTake(t *testing.T) {
	browsertest.Require(t)
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		base := h.HTTP.URL
		phone := h.NewPhone()
		if _, err := h.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "五山街道", Password: hourstest.Password,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"}}); err != nil {
			t.Fatal(err)
		}
		street := browsertest.New(t)
		browsertest.Login(t, street, base, phone, hourstest.Password)
		browsertest.Open(t, street, base+"/needs/new")
		set := func(css, v string) {
			t.Helper()
			if err := chromedp.Do(street, chromedp.SetValue(chromedp.CSS(css), v)); err != nil {
				t.Fatalf("set %s: %v", css, err)
			}
		}
		set("#title", "独居长者上门陪伴")
		set("#category", "elderly_care")
		set("#target_group", "社区独居老人")
		set("#address", "天河区五山街道华工社区")
		set("#lat", "23.15")
		set("#lng", "113.35")
		set("#starts_at", "2037-03-07T14:00")
		set("#ends_at", "2037-03-07T17:00")
		set("#volunteers_wanted", "3")
		browsertest.Screenshot(t, street, "need-post-form-"+h.Engine)
		browsertest.Click(t, street, `form[action="/needs"] button[type=submit]`)
		if got := browsertest.Text(t, street, "h1"); got != "独居长者上门陪伴" {
			t.Fatalf("after posting: %q at %s", got, browsertest.Location(t, street))
		}
		needURL := browsertest.Location(t, street)
		browsertest.Screenshot(t, street, "need-posted-"+h.Engine)

		org := browsertest.New(t)
		browsertest.Login(t, org, base, h.OrgPhone, hourstest.Password)
		browsertest.Open(t, org, base+"/needs")
		browsertest.Screenshot(t, org, "need-list-"+h.Engine)
		browsertest.Click(t, org, `a[href^="/needs/"]:not([href="/needs/new"])`)
		// 接单 asks first, in a dialog; nothing is taken until confirmed.
		tap(t, org, `form[action$="/take"] button[type=submit]`)
		waitJS(t, org, "the confirmation dialog", `!!document.querySelector('dialog[open] [data-confirmation] button[type=submit]')`)
		browsertest.Screenshot(t, org, "need-take-confirm-"+h.Engine)
		browsertest.Click(t, org, `dialog[open] [data-confirmation] button[type=submit]`)
		if loc := browsertest.Location(t, org); !strings.Contains(loc, "/activities/") {
			t.Fatalf("after taking: at %s", loc)
		}
		if got := browsertest.Text(t, org, "h1"); !strings.Contains(got, "独居长者上门陪伴") {
			t.Fatalf("the draft activity: %q", got)
		}
		browsertest.Screenshot(t, org, "need-taken-activity-"+h.Engine)

		browsertest.Open(t, street, needURL)
		if body := browsertest.Text(t, street, "main"); !strings.Contains(body, "已接单") || !strings.Contains(body, h.Org.Name) {
			t.Fatalf("the street's need page: %q", body)
		}
		browsertest.Screenshot(t, street, "need-taken-"+h.Engine)
	})
}

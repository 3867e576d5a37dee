package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// TestBrowserPairingVisits: at a phone's size, an organisation's admin pairs with a
// household through the form (weekly visits from hourstest's day); the first visit is
// held (a volunteer checks in and out, the hours are confirmed), the second is not. Once
// its grace has passed the street (the community) finds the warning among its messages,
// opens the pairing, sees one visit held and one missed, and ends the pairing early after
// confirming in the dialog. Screenshots of each step go to artifacts/screenshots/.
func TestBrowserPairingVisits(t *testing.T) {
	browsertest.Require(t)
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		base := h.HTTP.URL
		phone := h.NewPhone()
		if _, err := h.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "五山街道", Password: hourstest.Password,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"}}); err != nil {
			t.Fatal(err)
		}
		org := browsertest.New(t)
		browsertest.Login(t, org, base, h.OrgPhone, hourstest.Password)
		browsertest.Open(t, org, base+"/pairings/new")
		set := func(css, v string) {
			t.Helper()
			if err := chromedp.Do(org, chromedp.SetValue(chromedp.CSS(css), v)); err != nil {
				t.Fatalf("set %s: %v", css, err)
			}
		}
		set("#recipient", "五山街道独居长者A户")
		set("#target_group", "独居老人")
		set("#region_code", "440106")
		set("#address", "天河区五山街道华工社区")
		set("#contact", "居委会 李主任 020-87110000")
		set("#starts_on", "2037-03-07")
		set("#ends_on", "2037-03-28")
		browsertest.Screenshot(t, org, "pairing-form-"+h.Engine)
		browsertest.Click(t, org, `form[action="/pairings"] button[type=submit]`)
		if got := browsertest.Text(t, org, "h1"); got != "结对：五山街道独居长者A户" {
			t.Fatalf("after pairing: %q at %s", got, browsertest.Location(t, org))
		}
		loc := browsertest.Location(t, org)
		var id int64
		if _, err := fmt.Sscanf(loc[strings.Index(loc, "/pairings/"):], "/pairings/%d", &id); err != nil {
			t.Fatalf("pairing at %s: %v", loc, err)
		}
		browsertest.Screenshot(t, org, "pairing-created-"+h.Engine)

		// The organisation publishes the visits; a volunteer comes to the first one.
		pg, err := h.Store.FindPairing(t.Context(), id)
		if err != nil || len(pg.Visits) != 4 {
			t.Fatalf("the pairing: %+v %v", pg, err)
		}
		if res := h.Do("POST", fmt.Sprintf("/api/v1/activities/%d/publish", pg.ActivityID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("publish: %d %s", res.Status, res.Body)
		}
		first := pg.Visits[0].SessionID
		v := h.AddVolunteers(1, false)[0]
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", first), v.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("sign up: %d %s", res.Status, res.Body)
		}
		h.Clock.Set(hourstest.Day("09:30"))
		h.Scan(v, h.Code(first), "in", nil)
		h.Clock.Set(hourstest.Day("11:30"))
		h.Scan(v, h.Code(first), "out", nil)
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", first), h.OrgToken, map[string]any{}); res.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		// Nobody came a week later; the check runs once the grace is over.
		h.Clock.Set(hourstest.Day("11:30").AddDate(0, 0, 7).Add(zhiyuan.PairingVisitGrace + time.Hour))
		if n, err := h.App.WarnMissedVisits(t.Context()); err != nil || n != 1 {
			t.Fatalf("warnings: %d %v", n, err)
		}

		street := browsertest.New(t)
		browsertest.Login(t, street, base, phone, hourstest.Password)
		browsertest.Open(t, street, base+"/me/notifications")
		if body := browsertest.Text(t, street, "main"); !strings.Contains(body, "结对探访未按时开展：五山街道独居长者A户") {
			t.Fatalf("the street's messages: %q", body)
		}
		browsertest.Screenshot(t, street, "pairing-missed-notice-"+h.Engine)
		browsertest.Open(t, street, fmt.Sprintf("%s/pairings/%d", base, id))
		body := browsertest.Text(t, street, "main")
		for _, want := range []string{"已探访 1 次", "未探访 1 次", "已提醒社区", "有 1 次探访未按时开展"} {
			if !strings.Contains(body, want) {
				t.Fatalf("the street's pairing page lacks %q: %q", want, body)
			}
		}
		browsertest.Screenshot(t, street, "pairing-visits-"+h.Engine)
		tap(t, street, `form[action$="/end"] button[type=submit]`)
		waitJS(t, street, "the confirmation dialog", `!!document.querySelector('dialog[open] [data-confirmation] button[type=submit]')`)
		browsertest.Screenshot(t, street, "pairing-end-confirm-"+h.Engine)
		browsertest.Click(t, street, `dialog[open] [data-confirmation] button[type=submit]`)
		if body := browsertest.Text(t, street, "main"); !strings.Contains(body, "已提前结束") {
			t.Fatalf("after ending: %q", body)
		}
	})
}

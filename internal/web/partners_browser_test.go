package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// TestBrowserPartnerGate: at a phone's size, partner staff open /partner/scan, type what a
// volunteer's digital card QR code holds, choose the benefit, see eligibility, the one-star
// price and a masked name (never the full name or phone), and record the use; the
// volunteer then sees the use on 我的权益. Screenshots of each step go to
// artifacts/screenshots/.
func TestBrowserPartnerGate(t *testing.T) {
	browsertest.Require(t)
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		f := newGate(t, h)
		base := h.HTTP.URL

		staff := browsertest.New(t)
		browsertest.Login(t, staff, base, f.StaffPhone, hourstest.Password)
		browsertest.Open(t, staff, base+"/partner/scan")
		if !strings.Contains(browsertest.Text(t, staff, "[data-scan-status]"), "二维码") {
			t.Error("the camera box says nothing")
		}
		if err := chromedp.Do(staff, chromedp.SetValue(chromedp.CSS("#benefit_id"), fmt.Sprint(f.BenefitID))); err != nil {
			t.Fatal(err)
		}
		// Typed (or pasted) into the empty box, as without a camera.
		if err := chromedp.Do(staff, chromedp.SendKeys(chromedp.CSS("#payload"), f.CardQR)); err != nil {
			t.Fatal(err)
		}
		browsertest.Screenshot(t, staff, "partner-scan-typed-"+h.Engine)
		browsertest.Click(t, staff, `form[action="/partner/scan"] button[type=submit]`)
		answer := browsertest.Text(t, staff, "#answer")
		for _, want := range []string{"符合条件", "原价的80%", "1星", "观光门票优惠"} {
			if !strings.Contains(answer, want) {
				t.Errorf("the answer lacks %q: %q", want, answer)
			}
		}
		for _, secret := range []string{f.Name, f.Volunteer.Phone, f.Volunteer.No} {
			if strings.Contains(answer, secret) {
				t.Errorf("the answer shows %q", secret)
			}
		}
		browsertest.Screenshot(t, staff, "partner-scan-eligible-"+h.Engine)
		browsertest.Click(t, staff, `form[action="/partner/uses"] button[type=submit]`)
		if got := browsertest.Text(t, staff, "#answer h2"); got != "已记录使用" {
			t.Fatalf("after recording: %q", got)
		}
		browsertest.Screenshot(t, staff, "partner-scan-recorded-"+h.Engine)

		vol := browsertest.New(t)
		browsertest.Login(t, vol, base, f.Volunteer.Phone, hourstest.Password)
		browsertest.Open(t, vol, base+"/me/benefits")
		if uses := browsertest.Text(t, vol, "table tbody"); !strings.Contains(uses, "观光门票优惠") || !strings.Contains(uses, "广州塔") {
			t.Fatalf("the volunteer's uses: %q", uses)
		}
		browsertest.Screenshot(t, vol, "partner-my-benefits-"+h.Engine)
	})
}

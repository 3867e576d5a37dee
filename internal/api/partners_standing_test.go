package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhiyuan/internal/hourstest"
)

// TestBenefitGoodStanding: a benefit for volunteers in good standing (the credit record's
// 信用良好) is refused without a star, granted at one star with no mark, and refused again,
// naming the mark, once the organiser records a no-show.
func TestBenefitGoodStanding(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		f := newPartner(t, h, 7)
		id := publishBenefit(t, h, f, map[string]any{"title": "守信乘车优惠", "eligibility": "good_standing"})
		v := h.Volunteers[0]
		reason := func() (bool, string) {
			t.Helper()
			var list struct {
				Items []struct {
					ID       int64
					Eligible bool
					Reason   string
					Rule     string
				}
			}
			h.Do("GET", "/api/v1/benefits", v.Token, nil).Decode(&list)
			for _, b := range list.Items {
				if b.ID == id {
					return b.Eligible, b.Reason
				}
			}
			t.Fatalf("benefit %d not listed", id)
			return false, ""
		}
		if ok, why := reason(); ok || !strings.Contains(why, "至少1星") {
			t.Fatalf("no star: eligible %v, %q", ok, why)
		}
		setStars(t, h, v.ID, 120*60)
		if ok, why := reason(); !ok || why != "" {
			t.Fatalf("one star, no mark: eligible %v, %q", ok, why)
		}
		h.Clock.Set(hourstest.Day("09:30"))
		if res := h.Do("POST", fmt.Sprintf("/api/v1/signups/%d/no-show", mySignupID(t, h, v, h.Session.ID)), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("no-show: %d %s", res.Status, res.Body)
		}
		if ok, why := reason(); ok || !strings.Contains(why, "1条失信记录") {
			t.Fatalf("after a no-show: eligible %v, %q", ok, why)
		}
		wantRefusal(t, "claim with a mark", h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", id), v.Token, nil), "benefit", "失信记录")
	})
}

package web_test

import (
	"fmt"
	"strings"
	"testing"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// TestBrowserRecommendations: in Chromium at a phone's size, a volunteer opens 为你推荐
// from the home page, sees the session with why, taps 去报名 and signs up on the
// activity's page; the session then leaves the recommendations. Screenshots of each step.
func TestBrowserRecommendations(t *testing.T) {
	hourstest.Each(t, 0, func(t *testing.T, e *hourstest.Env) {
		ctx := browsertest.New(t)
		v := e.AddVolunteers(1, false)[0]
		base := e.HTTP.URL
		shot := func(name string) { browsertest.Screenshot(t, ctx, "recommend-"+name+"-"+e.Engine) }
		browsertest.Login(t, ctx, base, v.Phone, hourstest.Password)
		browsertest.Open(t, ctx, base+"/")
		browsertest.Click(t, ctx, `a[href="/me/recommendations"]`)
		sel := fmt.Sprintf(`a.button[href="/activities/%d#session-%d"]`, e.Activity.ID, e.Afternoon.ID)
		if !browsertest.Exists(t, ctx, sel) {
			t.Fatal("the afternoon session is not recommended")
		}
		if got := browsertest.Text(t, ctx, ".recommendation .rec-reason"); !strings.Contains(got, "就在你所在的区县") {
			t.Errorf("reason %q", got)
		}
		shot("list")
		browsertest.Click(t, ctx, sel)
		browsertest.Click(t, ctx, fmt.Sprintf(`form[action="/sessions/%d/signup"] button`, e.Afternoon.ID))
		shot("signed-up")
		if !browsertest.Exists(t, ctx, fmt.Sprintf(`#session-%d`, e.Afternoon.ID)) {
			t.Fatal("activity page not shown after signing up")
		}
		browsertest.Open(t, ctx, base+"/me/recommendations")
		if browsertest.Exists(t, ctx, sel) {
			t.Error("the session signed up for is still recommended")
		}
		shot("after")
	})
}

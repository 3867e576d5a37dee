package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhiyuan/internal/hourstest"
)

// 为你推荐 lists what the volunteer can sign up for, with why and a link to the session;
// a position that is not one is shown at its field with the input kept.
func TestRecommendationsPage(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, e *hourstest.Env) {
		v := e.AddVolunteers(1, false)[0]
		b := e.Browser()
		b.Login(v.Phone, hourstest.Password)
		res := b.Get("/me/recommendations")
		body := string(res.Body)
		if res.Status != http.StatusOK {
			t.Fatalf("status %d", res.Status)
		}
		// The hourstest activity in 天河, the volunteer's district, both sessions still to come.
		for _, want := range []string{e.Activity.Title, "就在你所在的区县",
			fmt.Sprintf(`href="/activities/%d#session-%d"`, e.Activity.ID, e.Session.ID), "去报名"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		// Signed up for the morning session, it is no longer recommended.
		if r := e.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", e.Session.ID), v.Token, nil); r.Status != http.StatusCreated {
			t.Fatalf("sign-up: %d %s", r.Status, r.Body)
		}
		body = string(b.Get("/me/recommendations").Body)
		if strings.Contains(body, fmt.Sprintf("#session-%d\"", e.Session.ID)) || !strings.Contains(body, fmt.Sprintf("#session-%d\"", e.Afternoon.ID)) {
			t.Errorf("after signing up for the morning: %s", body)
		}
		res = b.Get("/me/recommendations?lat=abc&lng=113.3")
		body = string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, "纬度应为") || !strings.Contains(body, `value="abc"`) {
			t.Fatalf("bad lat: %d %s", res.Status, body)
		}
		// The home page leads there.
		if !strings.Contains(string(b.Get("/").Body), `href="/me/recommendations"`) {
			t.Error("home page has no link to 为你推荐")
		}
	})
}

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhiyuan/internal/hourstest"
)

// TestSignupSeveralSessionsPage: a volunteer ticks both sessions of the activity and
// signs up once; the afternoon's last seat went to someone else in between, so the page
// comes back with the morning signed up and the afternoon's refusal beside it. Each
// session then shows its one state.
func TestSignupSeveralSessionsPage(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, e *hourstest.Env) {
		e.Clock.Set(hourstest.Day("08:00").AddDate(0, 0, -2))
		e.Store.DB().Exec(e.Store.Rebind(`UPDATE activity_sessions SET capacity = 1 WHERE id = ?`), e.Afternoon.ID)
		vols := e.AddVolunteers(2, false)
		b := e.Browser()
		b.Login(vols[0].Phone, hourstest.Password)
		page := fmt.Sprintf("/activities/%d", e.Activity.ID)
		res := b.Get(page)
		for _, id := range []int64{e.Session.ID, e.Afternoon.ID} {
			if !strings.Contains(string(res.Body), fmt.Sprintf(`name="session_id" value="%d" form="signup-several"`, id)) {
				t.Fatalf("no checkbox for session %d:\n%s", id, res.Body)
			}
		}
		// Someone else takes the afternoon's only seat meanwhile.
		if r := e.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", e.Afternoon.ID), vols[1].Token, nil); r.Status != http.StatusCreated {
			t.Fatalf("the other sign-up: %d %s", r.Status, r.Body)
		}
		res = b.Post(page+"/signups", url.Values{"session_id": {strconv.FormatInt(e.Session.ID, 10), strconv.FormatInt(e.Afternoon.ID, 10)}})
		hoursPage(t, "several", res.Status, res.Body, http.StatusOK, "已报名 1 个场次，1 个场次未能报名", "报名结果：已录用", "未报名：")
		body := string(res.Body)
		morning := body[strings.Index(body, fmt.Sprintf(`id="session-%d"`, e.Session.ID)):strings.Index(body, fmt.Sprintf(`id="session-%d"`, e.Afternoon.ID))]
		afternoon := body[strings.Index(body, fmt.Sprintf(`id="session-%d"`, e.Afternoon.ID)):]
		if !strings.Contains(morning, `data-state="signed_up"`) || !strings.Contains(morning, "报名结果：已录用") {
			t.Errorf("the morning does not show the sign-up:\n%s", morning)
		}
		if !strings.Contains(afternoon, `data-state="full"`) || !strings.Contains(afternoon, "未报名：") {
			t.Errorf("the afternoon does not show full and the refusal:\n%s", afternoon)
		}
		rows := dbValue[int](t, e, `SELECT COUNT(*) FROM signups WHERE volunteer_id = ? AND status = 'confirmed'`, vols[0].ID)
		if rows != 1 {
			t.Fatalf("%d confirmed sign-ups, want the morning's", rows)
		}
	})
}

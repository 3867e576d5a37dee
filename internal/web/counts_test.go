package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"zhiyuan/internal/hourstest"
)

// TestSessionCountsOneDefinition follows one session through admissions, a no-show
// marked by the organiser, no-shows marked automatically after the session and late
// check-ins that take no-shows back, and checks after each step that the sign-up list,
// the attendance page, the activity page and the API show the same 已录用 as the rows
// say (confirmed and no-show sign-ups). The issue saw 19 on the sign-up list and 20 on
// the attendance page: the automatic no-shows gave the seat back, the organiser's did not.
func TestSessionCountsOneDefinition(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 4, func(t *testing.T, e *hourstest.Env) {
		ctx := context.Background()
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		sid := e.Session.ID
		check := func(step string, want int) {
			t.Helper()
			var rows int
			e.Store.DB().QueryRow(e.Store.Rebind(`SELECT COUNT(*) FROM signups WHERE session_id = ? AND status IN ('confirmed', 'no_show')`), sid).Scan(&rows)
			if rows != want {
				t.Fatalf("%s: %d admitted rows, want %d", step, rows, want)
			}
			shown := map[string]string{}
			res := org.Get(fmt.Sprintf("/sessions/%d/signups", sid))
			if m := regexp.MustCompile(`已录用 (\d+)`).FindSubmatch(res.Body); m != nil {
				shown["sign-up list"] = string(m[1])
			}
			res = org.Get(fmt.Sprintf("/sessions/%d/attendance", sid))
			if m := regexp.MustCompile(`<strong>(\d+)</strong><span>已录用</span>`).FindSubmatch(res.Body); m != nil {
				shown["attendance page"] = string(m[1])
			}
			res = org.Get(fmt.Sprintf("/sessions/%d/checkin", sid))
			if m := regexp.MustCompile(`<strong>(\d+)</strong><span>已录用</span>`).FindSubmatch(res.Body); m != nil {
				shown["check-in screen"] = string(m[1])
			}
			res = org.Get(fmt.Sprintf("/activities/%d", e.Activity.ID))
			if m := regexp.MustCompile(`名额 ` + strconv.Itoa(e.Session.Capacity) + ` · (?:<[^>]+>)?(?:剩余 (\d+)|已满)`).FindSubmatch(res.Body); m != nil {
				left, _ := strconv.Atoi(string(m[1]))
				shown["activity page"] = strconv.Itoa(e.Session.Capacity - left)
			}
			var api struct {
				SeatsTaken int `json:"seats_taken"`
			}
			e.Do("GET", fmt.Sprintf("/api/v1/sessions/%d", sid), "", nil).Decode(&api)
			shown["API"] = strconv.Itoa(api.SeatsTaken)
			for _, where := range []string{"sign-up list", "attendance page", "check-in screen", "activity page", "API"} {
				if shown[where] != strconv.Itoa(want) {
					t.Errorf("%s: %s shows 已录用 %q, want %d (all shown: %v)", step, where, shown[where], want, shown)
				}
			}
		}
		check("four seats", 4)

		// Admissions: the activity takes applications; two apply, one is admitted.
		e.Store.DB().Exec(e.Store.Rebind(`UPDATE activities SET signup_mode = 'admission' WHERE id = ?`), e.Activity.ID)
		var applied []int64
		for _, v := range e.AddVolunteers(2, false) {
			var sg struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			}
			res := e.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", sid), v.Token, nil)
			res.Decode(&sg)
			if res.Status != http.StatusCreated || sg.Status != "pending" {
				t.Fatalf("application: %d %s", res.Status, res.Body)
			}
			applied = append(applied, sg.ID)
		}
		res := org.Post(fmt.Sprintf("/sessions/%d/signups/decide", sid), url.Values{"ids": {strconv.FormatInt(applied[0], 10)}, "action": {"admit"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("admit: %d %s", res.Status, res.Body)
		}
		check("after an admission", 5)

		// The session begins; the organiser marks the first volunteer absent by hand.
		e.Clock.Set(hourstest.Day("09:20"))
		var first int64
		e.Store.DB().QueryRow(e.Store.Rebind(`SELECT id FROM signups WHERE session_id = ? AND volunteer_id = ?`), sid, e.Volunteers[0].ID).Scan(&first)
		res = org.Post(fmt.Sprintf("/sessions/%d/signups/decide", sid), url.Values{"ids": {strconv.FormatInt(first, 10)}, "action": {"no_show"}, "confirm": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("no-show: %d %s", res.Status, res.Body)
		}
		check("after a no-show marked by hand", 5)
		mark := func(v hourstest.Volunteer, at string) {
			t.Helper()
			res := org.Post(fmt.Sprintf("/sessions/%d/attendance", sid), url.Values{"volunteer_no": {v.No}, "action": {"in"}, "at": {at}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("check-in of %s: %d %s", v.No, res.Status, res.Body)
			}
		}
		mark(e.Volunteers[1], "09:10")
		check("after a check-in", 5)

		// After the session the rest are marked no-shows automatically.
		e.Clock.Set(hourstest.Day("12:30"))
		n, err := e.Store.MarkNoShows(ctx, e.Clock.Now(), 100)
		if err != nil || n != 3 {
			t.Fatalf("automatic no-shows: %d %v", n, err)
		}
		check("after automatic no-shows", 5)

		// Late check-ins recorded by the organiser take no-shows back, of both kinds.
		mark(e.Volunteers[0], "09:40")
		mark(e.Volunteers[2], "09:45")
		check("after late check-ins", 5)
	})
}

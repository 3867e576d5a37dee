package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

type pairingResp struct {
	ID                 int64  `json:"id"`
	OrgID              int64  `json:"org_id"`
	ActivityID         int64  `json:"activity_id"`
	Recipient          string `json:"recipient"`
	Status             string `json:"status"`
	CommunityAccountID int64  `json:"community_account_id"`
	Held               int    `json:"visits_held"`
	Missed             int    `json:"visits_missed"`
	Scheduled          int    `json:"visits_scheduled"`
	Visits             []struct {
		SessionID int64  `json:"session_id"`
		State     string `json:"state"`
		Warned    bool   `json:"warned"`
	} `json:"visits"`
}

// pairingBody is a weekly pairing in 天河区 from 2037-03-07 (hourstest's day) to 03-21:
// three visits at 09:30 for two hours.
func pairingBody(extra map[string]any) map[string]any {
	b := map[string]any{
		"recipient": "五山街道独居长者A户", "target_group": "独居老人", "category": "elderly_care", "region_code": "440106",
		"address": "天河区五山街道华工社区", "contact": "社区居委会 李主任 020-87110000",
		"starts_on": "2037-03-07", "ends_on": "2037-03-21", "every_days": 7, "visit_time": "09:30", "visit_minutes": 120,
		"volunteers_per_visit": 2,
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func getPairing(t *testing.T, e *servertest.Env, token string, id int64) pairingResp {
	t.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/pairings/%d", id), token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("get pairing: %d %s", res.Status, res.Body)
	}
	var p pairingResp
	res.Decode(&p)
	return p
}

// TestPairingCreateAndScope: bad input names each field; a region without a street or
// district admin has no community to report to; a pairing is read by its organisation,
// its community and the regional admins above it, and by no other district or organisation.
func TestPairingCreateAndScope(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		// No regional admin for 天河 yet: nobody to warn of missed visits.
		res := h.Do("POST", "/api/v1/pairings", h.OrgToken, pairingBody(nil))
		wantError(t, "no community", res, http.StatusUnprocessableEntity, zhiyuan.EInvalid, "region_code")

		city, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		street, streetID := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
		haizhu, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440105"})
		_, otherOrg := approvedOrg(t, h.Env, city, "海珠区助老服务社")

		res = h.Do("POST", "/api/v1/pairings", h.OrgToken, pairingBody(map[string]any{
			"recipient": "", "every_days": 0, "starts_on": "3月7日", "visit_minutes": 5, "volunteers_per_visit": 0, "category": "x"}))
		_, _, fields := res.Error()
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad pairing: %d %s", res.Status, res.Body)
		}
		for _, f := range []string{"recipient", "every_days", "starts_on", "visit_minutes", "volunteers_per_visit", "category"} {
			if fields[f] == "" {
				t.Errorf("bad pairing does not name %s: %v", f, fields)
			}
		}
		wantError(t, "identity number", h.Do("POST", "/api/v1/pairings", h.OrgToken, pairingBody(map[string]any{"recipient": "44010619400101123X"})),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "recipient")
		wantError(t, "ends first", h.Do("POST", "/api/v1/pairings", h.OrgToken, pairingBody(map[string]any{"ends_on": "2037-03-01"})),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "ends_on")
		wantError(t, "daily for a year", h.Do("POST", "/api/v1/pairings", h.OrgToken, pairingBody(map[string]any{"every_days": 1, "ends_on": "2038-03-01"})),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "every_days")
		wantError(t, "in the past", h.Do("POST", "/api/v1/pairings", h.OrgToken, pairingBody(map[string]any{"starts_on": "2037-03-01"})),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "starts_on")
		wantError(t, "another organisation's admin pairs for this one", h.Do("POST", "/api/v1/pairings", otherOrg, pairingBody(map[string]any{"org_id": h.Org.ID})),
			http.StatusForbidden, zhiyuan.EForbidden, "")
		if n, err := h.Store.FindPairings(t.Context(), sqlstore.PairingFilter{RegionPrefix: "*"}); err != nil || len(n) != 0 {
			t.Fatalf("refused pairings were written: %v %v", n, err)
		}

		res = h.Do("POST", "/api/v1/pairings", h.OrgToken, pairingBody(nil))
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var pg pairingResp
		res.Decode(&pg)
		if pg.Status != "active" || pg.OrgID != h.Org.ID || pg.CommunityAccountID != streetID || len(pg.Visits) != 3 || pg.Scheduled != 3 {
			t.Fatalf("created: %+v", pg)
		}
		act, err := h.Store.FindActivityByID(t.Context(), pg.ActivityID)
		if err != nil || act.Status != zhiyuan.ActivityDraft || len(act.Sessions) != 3 || act.Sessions[0].Capacity != 2 ||
			!act.Sessions[1].StartsAt.Equal(hourstest.Day("09:30").AddDate(0, 0, 7)) {
			t.Fatalf("the pairing's activity: %+v %v", act, err)
		}

		path := fmt.Sprintf("/api/v1/pairings/%d", pg.ID)
		for _, who := range []struct {
			name, token string
			want        int
		}{{"organisation", h.OrgToken, 200}, {"community", street, 200}, {"city", city, 200},
			{"another district", haizhu, 404}, {"another organisation", otherOrg, 404}, {"anonymous", "", 401}} {
			if res := h.Do("GET", path, who.token, nil); res.Status != who.want {
				t.Errorf("%s reads the pairing: %d, want %d", who.name, res.Status, who.want)
			}
		}
		for _, who := range []struct {
			name, token string
			want        int
		}{{"organisation", h.OrgToken, 1}, {"community", street, 1}, {"another district", haizhu, 0}, {"another organisation", otherOrg, 0}} {
			var page struct{ Items []pairingResp }
			h.Do("GET", "/api/v1/pairings", who.token, nil).Decode(&page)
			if len(page.Items) != who.want {
				t.Errorf("%s lists %d pairings, want %d", who.name, len(page.Items), who.want)
			}
		}
		wantError(t, "another district ends it", h.Do("POST", path+"/end", haizhu, nil), http.StatusNotFound, zhiyuan.ENotFound, "")
	})
}

// TestPairingVisitHeldAndMissed: the first visit is held (checked in and out, hours
// confirmed), the second is not: it is awaiting within the grace, then missed, and the
// community is warned of it once however often (and however concurrently) the check
// runs, the server's periodic River job included. Ending early leaves the last visit
// cancelled, never missed.
func TestPairingVisitHeldAndMissed(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		street, streetID := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
		res := h.Do("POST", "/api/v1/pairings", h.OrgToken, pairingBody(map[string]any{"ends_on": "2037-03-28"}))
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var pg pairingResp
		res.Decode(&pg)
		if res := h.Do("POST", fmt.Sprintf("/api/v1/activities/%d/publish", pg.ActivityID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("publish: %d %s", res.Status, res.Body)
		}
		first, second := pg.Visits[0].SessionID, pg.Visits[1].SessionID
		v := h.AddVolunteers(1, false)[0]
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", first), v.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("sign up: %d %s", res.Status, res.Body)
		}
		h.Clock.Set(hourstest.Day("09:30"))
		h.Scan(v, h.Code(first), "in", nil)
		h.Clock.Set(hourstest.Day("11:30"))
		if res := h.Scan(v, h.Code(first), "out", nil); res.Status != http.StatusOK {
			t.Fatalf("out: %d %s", res.Status, res.Body)
		}
		// Checked out but not confirmed: awaiting, not held.
		h.Clock.Set(hourstest.Day("12:00"))
		if got := getPairing(t, h.Env, street, pg.ID); got.Visits[0].State != "awaiting" || got.Held != 0 {
			t.Fatalf("before confirmation: %+v", got)
		}
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", first), h.OrgToken, map[string]any{}); res.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}

		// The second visit (03-14, ending 11:30) is within its grace until 03-16 11:30.
		due := hourstest.Day("11:30").AddDate(0, 0, 7).Add(zhiyuan.PairingVisitGrace)
		h.Clock.Set(due.Add(-time.Minute))
		if n, err := h.App.WarnMissedVisits(t.Context()); err != nil || n != 0 {
			t.Fatalf("warned within the grace: %d %v", n, err)
		}
		if got := getPairing(t, h.Env, street, pg.ID); got.Visits[0].State != "held" || got.Visits[1].State != "awaiting" || got.Missed != 0 {
			t.Fatalf("within the grace: %+v", got)
		}
		h.Clock.Set(due.Add(time.Minute))
		got := getPairing(t, h.Env, street, pg.ID)
		if got.Held != 1 || got.Missed != 1 || got.Scheduled != 2 || got.Visits[1].State != "missed" || got.Visits[1].Warned ||
			got.Visits[2].State != "scheduled" {
			t.Fatalf("after the grace: %+v", got)
		}
		// The check looks back only over its window (zhiyuan.PairingWarnWindow): a visit
		// that ended before the window's start is not listed.
		secondEnd := hourstest.Day("11:30").AddDate(0, 0, 7)
		if list, err := h.Store.MissedVisits(t.Context(), due, secondEnd, 10); err != nil || len(list) != 0 {
			t.Fatalf("a visit before the window listed: %+v %v", list, err)
		}
		if list, err := h.Store.MissedVisits(t.Context(), due, secondEnd.Add(-time.Minute), 10); err != nil || len(list) != 1 || list[0].SessionID != second {
			t.Fatalf("the visit in the window: %+v %v", list, err)
		}

		// Four checks at once, then another: one warning.
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := h.App.WarnMissedVisits(t.Context())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if n, err := h.App.WarnMissedVisits(t.Context()); err != nil || n != 0 {
			t.Fatalf("warned again: %d %v", n, err)
		}
		if total != 1 {
			t.Fatalf("concurrent checks warned %d times", total)
		}
		notes, err := h.Store.FindNotifications(t.Context(), sqlstore.NotificationFilter{AccountID: streetID})
		if err != nil {
			t.Fatal(err)
		}
		warnings := 0
		for _, n := range notes {
			if n.Kind == zhiyuan.NoticePairingMissed {
				warnings++
				if n.Link != fmt.Sprintf("/pairings/%d", pg.ID) {
					t.Errorf("warning links to %q", n.Link)
				}
			}
		}
		if warnings != 1 {
			t.Fatalf("the community got %d warnings: %+v", warnings, notes)
		}
		if got := getPairing(t, h.Env, h.OrgToken, pg.ID); !got.Visits[1].Warned || got.Visits[1].SessionID != second {
			t.Fatalf("the organisation does not see the warning: %+v", got)
		}

		// The third visit is missed too: the periodic check, run as the server runs it (a
		// River job at start), warns of it, and of nothing else.
		h.Clock.Set(hourstest.Day("11:30").AddDate(0, 0, 14).Add(zhiyuan.PairingVisitGrace + time.Minute))
		h.WorkJobs()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if got := getPairing(t, h.Env, street, pg.ID); got.Visits[2].Warned {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the periodic job did not warn of the third visit")
			}
		}
		if notes, err := h.Store.FindNotifications(t.Context(), sqlstore.NotificationFilter{AccountID: streetID}); err != nil || len(notes) != 2 {
			t.Fatalf("the community's notifications after the job: %+v %v", notes, err)
		}

		// The community ends it early: the last visit is cancelled, and it ends once.
		path := fmt.Sprintf("/api/v1/pairings/%d/end", pg.ID)
		if res := h.Do("POST", path, street, nil); res.Status != http.StatusOK {
			t.Fatalf("end: %d %s", res.Status, res.Body)
		}
		wantError(t, "ended twice", h.Do("POST", path, h.OrgToken, nil), http.StatusConflict, zhiyuan.EConflict, "status")
		h.Clock.Set(hourstest.Day("11:30").AddDate(0, 0, 21).Add(zhiyuan.PairingVisitGrace + time.Minute))
		if got := getPairing(t, h.Env, street, pg.ID); got.Status != "ended" || got.Visits[3].State != "cancelled" || got.Missed != 2 {
			t.Fatalf("after ending: %+v", got)
		}
		if n, err := h.App.WarnMissedVisits(t.Context()); err != nil || n != 0 {
			t.Fatalf("a visit after the end warned of: %d %v", n, err)
		}
	})
}

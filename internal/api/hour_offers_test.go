package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan/internal/hourstest"
)

type hourOffer struct {
	ID            int64     `json:"id"`
	VolunteerID   int64     `json:"volunteer_id"`
	Kind          string    `json:"kind"`
	Hours         float64   `json:"hours"`
	Status        string    `json:"status"`
	DisputeReason string    `json:"dispute_reason"`
	EntryID       int64     `json:"entry_id"`
	ActivityTitle string    `json:"activity_title"`
	ExpiresAt     time.Time `json:"expires_at"`
}

func myOffers(h *hourstest.Env, v hourstest.Volunteer, status string) []hourOffer {
	h.T.Helper()
	res := h.Do("GET", "/api/v1/me/hour-offers?status="+status, v.Token, nil)
	if res.Status != http.StatusOK {
		h.T.Fatalf("me/hour-offers: %d %s", res.Status, res.Body)
	}
	var page struct{ Items []hourOffer }
	res.Decode(&page)
	return page.Items
}

// TestWalkInStrangerHoursWaitForAcceptance: an organiser checks in and out a volunteer
// who never signed up (a walk-in) and records a make-up for another: neither counts in
// the volunteer's totals, star level or chain until they accept; the accepted one then
// counts like any entry, the disputed one never does, and a volunteer who did sign up
// gets a make-up counted at once as before.
func TestWalkInStrangerHoursWaitForAcceptance(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		seated := h.Volunteers[0]
		strangers := h.AddVolunteers(2, false)
		walkIn, other := strangers[0], strangers[1]
		path := fmt.Sprintf("/api/v1/sessions/%d/attendance", h.Session.ID)
		h.Clock.Set(hourstest.Day("09:00"))
		if res := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_no": walkIn.No, "action": "in", "walk_in": true}); res.Status != http.StatusCreated {
			t.Fatalf("walk-in: %d %s", res.Status, res.Body)
		}
		h.Clock.Set(hourstest.Day("12:00"))
		res := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_no": walkIn.No, "action": "out"})
		var out struct {
			Attendance struct {
				EntryID int64 `json:"entry_id"`
				OfferID int64 `json:"offer_id"`
			}
			Entry *hourEntry
			Offer *hourOffer
		}
		res.Decode(&out)
		if res.Status != http.StatusOK || out.Entry != nil || out.Offer == nil || out.Offer.Status != "pending" ||
			out.Offer.Hours != 3 || out.Attendance.EntryID != 0 || out.Attendance.OfferID != out.Offer.ID {
			t.Fatalf("walk-in check-out: %d %s", res.Status, res.Body)
		}
		m := myHoursOf(h, walkIn)
		if m.Confirmed != 0 || m.Pending != 0 || len(m.Entries) != 0 || m.ChainHead != strings.Repeat("0", 64) {
			t.Fatalf("a pending offer counted: %+v", m)
		}
		// The volunteer was told, in the app, and sees it in their list; nobody else does.
		if res := h.Do("GET", "/api/v1/me/notifications", walkIn.Token, nil); !strings.Contains(string(res.Body), "待您确认的服务时长") {
			t.Errorf("no notification: %s", res.Body)
		}
		if l := myOffers(h, walkIn, "pending"); len(l) != 1 || l[0].ID != out.Offer.ID || l[0].Kind != "attended" || l[0].ActivityTitle == "" {
			t.Fatalf("my offers: %+v", l)
		}
		if l := myOffers(h, other, "pending"); len(l) != 0 {
			t.Fatalf("someone else's offers: %+v", l)
		}
		accept := fmt.Sprintf("/api/v1/hour-offers/%d/accept", out.Offer.ID)
		if res := h.Do("POST", accept, other.Token, nil); res.Status != http.StatusNotFound {
			t.Errorf("another volunteer accepting: %d %s", res.Status, res.Body)
		}
		if res := h.Do("POST", accept, h.OrgToken, nil); res.Status == http.StatusCreated {
			t.Errorf("the organiser accepting for the volunteer: %d %s", res.Status, res.Body)
		}
		res = h.Do("POST", accept, walkIn.Token, nil)
		var e hourEntry
		res.Decode(&e)
		if res.Status != http.StatusCreated || e.Kind != "attended" || e.Hours != 3 || e.Status != "pending" {
			t.Fatalf("accept: %d %s", res.Status, res.Body)
		}
		if m := myHoursOf(h, walkIn); m.Pending != 3 || len(m.Entries) != 1 {
			t.Fatalf("accepted, not counted: %+v", m)
		}
		if res := h.Do("POST", accept, walkIn.Token, nil); res.Status != http.StatusConflict {
			t.Errorf("accepting twice: %d %s", res.Status, res.Body)
		}
		// The organisation confirms it like any entry; the attendance names it now.
		h.Do("POST", "/api/v1/hours/confirm", h.OrgToken, map[string]any{"entry_ids": []int64{e.ID}})
		if m := myHoursOf(h, walkIn); m.Confirmed != 3 {
			t.Fatalf("confirmed after acceptance: %+v", m)
		}
		res = h.Do("GET", path, h.OrgToken, nil)
		if !strings.Contains(string(res.Body), fmt.Sprintf(`"entry_id":%d`, e.ID)) || !strings.Contains(string(res.Body), `"status":"accepted"`) {
			t.Errorf("session attendance after acceptance: %s", res.Body)
		}

		// A make-up for a stranger: 202, an offer; disputed, it never counts.
		makeup := fmt.Sprintf("/api/v1/sessions/%d/hour-entries", h.Session.ID)
		res = h.Do("POST", makeup, h.OrgToken, map[string]any{"volunteer_id": other.ID, "hours": 2, "reason": "现场帮忙"})
		var o hourOffer
		res.Decode(&o)
		if res.Status != http.StatusAccepted || o.Status != "pending" || o.Kind != "makeup" || o.Hours != 2 {
			t.Fatalf("make-up for a stranger: %d %s", res.Status, res.Body)
		}
		dispute := fmt.Sprintf("/api/v1/hour-offers/%d/dispute", o.ID)
		wantRefusal(t, "dispute without a reason", h.Do("POST", dispute, other.Token, map[string]any{"reason": " "}), "reason", "原因")
		res = h.Do("POST", dispute, other.Token, map[string]any{"reason": "我没有参加这个活动"})
		res.Decode(&o)
		if res.Status != http.StatusOK || o.Status != "disputed" || o.DisputeReason != "我没有参加这个活动" {
			t.Fatalf("dispute: %d %s", res.Status, res.Body)
		}
		if res := h.Do("POST", fmt.Sprintf("/api/v1/hour-offers/%d/accept", o.ID), other.Token, nil); res.Status != http.StatusConflict {
			t.Errorf("accepting a disputed offer: %d %s", res.Status, res.Body)
		}
		if m := myHoursOf(h, other); m.Confirmed != 0 || m.Pending != 0 || len(m.Entries) != 0 {
			t.Fatalf("a disputed offer counted: %+v", m)
		}
		if l := myOffers(h, other, "pending"); len(l) != 0 {
			t.Errorf("disputed still pending: %+v", l)
		}
		if l := myOffers(h, other, "all"); len(l) != 1 || l[0].Status != "disputed" {
			t.Errorf("all my offers: %+v", l)
		}
		// The organiser who recorded it hears why.
		if res := h.Do("GET", "/api/v1/me/notifications", h.OrgToken, nil); !strings.Contains(string(res.Body), "我没有参加这个活动") {
			t.Errorf("recorder not told of the dispute: %s", res.Body)
		}

		// A volunteer who signed up: counted at once, as before.
		res = h.Do("POST", makeup, h.OrgToken, map[string]any{"volunteer_id": seated.ID, "hours": 1, "reason": "忘记签到"})
		if res.Status != http.StatusCreated {
			t.Fatalf("make-up for a signed-up volunteer: %d %s", res.Status, res.Body)
		}
		if m := myHoursOf(h, seated); m.Pending != 1 {
			t.Errorf("signed-up volunteer's make-up: %+v", m)
		}
		if r, err := h.App.VerifyLedger(context.Background(), 10); err != nil || !r.OK() {
			t.Fatalf("ledger: %+v %v", r, err)
		}
	})
}

// TestHourOfferExpiresWithTheRecordingWindow: an offer left unanswered stops counting
// for anything at the end of the 10th working day after the session (2037-03-07 is a
// Saturday: the 10th working day is Friday 03-20), and the sweep marks it once.
func TestHourOfferExpiresWithTheRecordingWindow(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		v := h.AddVolunteers(1, false)[0]
		h.Clock.Set(hourstest.Day("13:00"))
		res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hour-entries", h.Session.ID), h.OrgToken,
			map[string]any{"volunteer_id": v.ID, "hours": 2, "reason": "现场帮忙"})
		var o hourOffer
		res.Decode(&o)
		deadline := time.Date(2037, 3, 21, 0, 0, 0, 0, hourstest.CST)
		if res.Status != http.StatusAccepted || !o.ExpiresAt.Equal(deadline) {
			t.Fatalf("offer: %d %s, want expiry %v", res.Status, res.Body, deadline)
		}
		ctx := context.Background()
		h.Clock.Set(deadline.Add(-time.Minute))
		if n, err := h.App.ExpireHourOffers(ctx); err != nil || n != 0 {
			t.Fatalf("expired before the deadline: %d %v", n, err)
		}
		if l := myOffers(h, v, "pending"); len(l) != 1 {
			t.Fatalf("pending before the deadline: %+v", l)
		}
		h.Clock.Set(deadline)
		// Before any sweep, the deadline alone refuses an answer.
		if res := h.Do("POST", fmt.Sprintf("/api/v1/hour-offers/%d/accept", o.ID), v.Token, nil); res.Status != http.StatusConflict ||
			!strings.Contains(string(res.Body), "期限") {
			t.Errorf("accept after the deadline: %d %s", res.Status, res.Body)
		}
		if l := myOffers(h, v, "pending"); len(l) != 0 {
			t.Errorf("still listed as pending: %+v", l)
		}
		for i, want := range []int{1, 0} {
			if n, err := h.App.ExpireHourOffers(ctx); err != nil || n != want {
				t.Fatalf("sweep %d: %d %v, want %d", i, n, err, want)
			}
		}
		if l := myOffers(h, v, "all"); len(l) != 1 || l[0].Status != "expired" {
			t.Errorf("after the sweep: %+v", l)
		}
		if m := myHoursOf(h, v); m.Confirmed != 0 || m.Pending != 0 || len(m.Entries) != 0 {
			t.Errorf("an expired offer counted: %+v", m)
		}
	})
}

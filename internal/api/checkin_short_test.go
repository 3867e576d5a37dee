package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
)

// shortCode fetches the session's six-digit code as the organiser, at the clock's time.
func shortCode(t *testing.T, h *hourstest.Env, sessionID int64) string {
	t.Helper()
	res := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/checkin-code", sessionID), h.OrgToken, nil)
	var c struct {
		Short string `json:"short_code"`
	}
	res.Decode(&c)
	if res.Status != http.StatusOK || len(c.Short) != 6 {
		t.Fatalf("checkin-code: %d %s", res.Status, res.Body)
	}
	return c.Short
}

// wrongOf returns six digits that are not code.
func wrongOf(code string, k int) string {
	n, _ := strconv.Atoi(code)
	return fmt.Sprintf("%06d", (n+k)%1_000_000)
}

// TestCheckinShortCode: the six digits on the projector check a volunteer in with the long
// code's windows (the previous window's code still works, the one before is expired and
// not counted); a wrong code is counted in the database, a right one is not; after
// zhiyuan.MaxCheckinCodeFailures wrong codes the session refuses the account's short codes,
// also the right one, while the QR's long code still works.
func TestCheckinShortCode(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 3, func(t *testing.T, h *hourstest.Env) {
		ctx := context.Background()
		v, w, x := h.Volunteers[0], h.Volunteers[1], h.Volunteers[2]
		failures := func(vol hourstest.Volunteer) int {
			t.Helper()
			n, err := h.Store.ShortCodeFailures(ctx, vol.AccountID, h.Session.ID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		start := hourstest.Day("08:30")
		h.Clock.Set(start)
		code := shortCode(t, h, h.Session.ID)

		wantRefusal(t, "a wrong short code", h.Scan(v, wrongOf(code, 1), "in", nil), "code", "不正确")
		if n := failures(v); n != 1 {
			t.Errorf("after one wrong code: %d failures, want 1", n)
		}
		// Typed with a space between the groups, as the screen shows it.
		if res := h.Scan(v, code[:3]+" "+code[3:], "in", nil); res.Status != http.StatusCreated {
			t.Fatalf("right short code: %d %s", res.Status, res.Body)
		}
		if a, err := h.Store.FindAttendance(ctx, h.Session.ID, v.ID); err != nil || a.CheckinMethod != zhiyuan.MethodCode {
			t.Errorf("attendance after the short code: %+v %v", a, err)
		}
		if n := failures(v); n != 1 {
			t.Errorf("a right code counted: %d failures, want 1", n)
		}

		// The next window: the screen shows another code, the previous one still works.
		h.Clock.Set(start.Add(45 * time.Second))
		if res := h.Scan(w, code, "in", nil); res.Status != http.StatusCreated {
			t.Fatalf("previous window's short code: %d %s", res.Status, res.Body)
		}
		// Two windows on it is expired, like the long code, and not counted as a guess.
		h.Clock.Set(start.Add(60 * time.Second))
		wantRefusal(t, "a short code two windows old", h.Scan(x, code, "in", nil), "code", "过期")
		if n := failures(x); n != 0 {
			t.Errorf("an expired code counted: %d failures", n)
		}

		// 50 concurrent wrong guesses: exactly the limit is counted, the rest refused unread.
		code = shortCode(t, h, h.Session.ID)
		var wg sync.WaitGroup
		statuses := make([]int, 50)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = h.Scan(x, wrongOf(code, i+1), "in", nil).Status
			}()
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusUnprocessableEntity {
				t.Errorf("guess %d: %d, want 422", i, s)
			}
		}
		if n := failures(x); n != zhiyuan.MaxCheckinCodeFailures {
			t.Errorf("after 50 concurrent wrong codes: %d failures, want %d", n, zhiyuan.MaxCheckinCodeFailures)
		}
		wantRefusal(t, "the right short code after the limit", h.Scan(x, code, "in", nil), "code", "已输错"+strconv.Itoa(zhiyuan.MaxCheckinCodeFailures)+"次")
		if _, err := h.Store.FindAttendance(ctx, h.Session.ID, x.ID); err == nil {
			t.Error("checked in with a short code after the limit")
		}
		if res := h.Scan(x, h.Code(h.Session.ID), "in", nil); res.Status != http.StatusCreated {
			t.Errorf("the long code after the short code's limit: %d %s", res.Status, res.Body)
		}

		// Naming the session: a short code of another session is a wrong code for this one.
		stranger := h.AddVolunteers(1, false)[0]
		wantRefusal(t, "no session to check in to", h.Scan(stranger, code, "in", nil), "code", "没有您可以签到")
		other := shortCode(t, h, h.Afternoon.ID)
		if other != code {
			wantRefusal(t, "the afternoon's code for the morning", h.Scan(stranger, other, "in", map[string]any{"session_id": h.Session.ID}), "code", "不正确")
		}
	})
}

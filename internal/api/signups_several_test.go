package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

type sessionResultResp struct {
	SessionID int64       `json:"session_id"`
	Signup    *signupResp `json:"signup"`
	Error     *struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

type severalResp struct {
	Results  []sessionResultResp `json:"results"`
	SignedUp int                 `json:"signed_up"`
	Refused  int                 `json:"refused"`
}

type stateResp struct {
	Sessions []struct {
		ID          int64 `json:"id"`
		SignupState struct {
			Code   string `json:"code"`
			Label  string `json:"label"`
			Reason string `json:"reason"`
		} `json:"signup_state"`
	} `json:"sessions"`
}

// states returns each session's signup_state code as the caller sees the activity.
func states(t *testing.T, e *servertest.Env, activityID int64, token string) map[int64]string {
	t.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/activities/%d", activityID), token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("activity: %d %s", res.Status, res.Body)
	}
	var a stateResp
	res.Decode(&a)
	out := map[int64]string{}
	for _, s := range a.Sessions {
		if s.SignupState.Code == "" || s.SignupState.Label == "" {
			t.Fatalf("session %d without a sign-up state: %s", s.ID, res.Body)
		}
		out[s.ID] = s.SignupState.Code
	}
	return out
}

// TestSignupSeveralSessions: one request signs a volunteer up for three sessions of a
// weekly activity; the middle one is full (no waitlist), so the answer reports two
// sign-ups and one refusal, and the two seats stand. The per-session states follow:
// full before, signed up after; a session of another activity is refused on its own.
func TestSignupSeveralSessions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		body := a.activityBody("每周社区探访", 5)
		body["waitlist"] = false
		body["sessions"] = []map[string]any{
			{"starts_at": a.at(72 * time.Hour), "ends_at": a.at(75 * time.Hour), "capacity": 5},
			{"starts_at": a.at(240 * time.Hour), "ends_at": a.at(243 * time.Hour), "capacity": 1},
			{"starts_at": a.at(408 * time.Hour), "ends_at": a.at(411 * time.Hour), "capacity": 5},
		}
		act := a.published(body)
		other := a.published(a.activityBody("另一个活动", 5))
		s := []int64{act.Sessions[0].ID, act.Sessions[1].ID, act.Sessions[2].ID}
		tokens, _ := a.volunteers(2, nil)
		// The first volunteer takes the middle session's only seat.
		if res := e.Do("POST", signupPath(s[1]), tokens[0], nil); res.Status != http.StatusCreated {
			t.Fatalf("first sign-up: %d %s", res.Status, res.Body)
		}
		before := states(t, e, act.ID, tokens[1])
		if before[s[0]] != "open" || before[s[1]] != "full" || before[s[2]] != "open" {
			t.Fatalf("states before: %v", before)
		}
		if st := states(t, e, act.ID, tokens[0]); st[s[1]] != "signed_up" {
			t.Fatalf("the first volunteer's states: %v", st)
		}

		path := fmt.Sprintf("/api/v1/activities/%d/signups", act.ID)
		res := e.Do("POST", path, tokens[1], map[string]any{"session_ids": []int64{s[0], s[1], s[2], s[0], other.Sessions[0].ID}})
		if res.Status != http.StatusOK {
			t.Fatalf("several: %d %s", res.Status, res.Body)
		}
		var out severalResp
		res.Decode(&out)
		if out.SignedUp != 2 || out.Refused != 2 || len(out.Results) != 4 {
			t.Fatalf("results: %s", res.Body)
		}
		for i, want := range []struct {
			session int64
			status  string
			code    string
		}{{s[0], "confirmed", ""}, {s[1], "", string(zhiyuan.EFull)}, {s[2], "confirmed", ""}, {other.Sessions[0].ID, "", string(zhiyuan.ENotFound)}} {
			r := out.Results[i]
			got := ""
			if r.Signup != nil {
				got = r.Signup.Status
			}
			code := ""
			if r.Error != nil {
				code = r.Error.Code
				if r.Error.Message == "" {
					t.Errorf("session %d: an error without a message", r.SessionID)
				}
			}
			if r.SessionID != want.session || got != want.status || code != want.code {
				t.Errorf("result %d: %+v, want session %d %q %q", i, r, want.session, want.status, want.code)
			}
		}
		// The seats stand: each session's counter agrees with its rows.
		for i, want := range []int{1, 1, 1} {
			if seats, _ := seatCheck(t, e, s[i]); seats != want {
				t.Errorf("session %d: %d seats taken, want %d", i, seats, want)
			}
		}
		after := states(t, e, act.ID, tokens[1])
		if after[s[0]] != "signed_up" || after[s[1]] != "full" || after[s[2]] != "signed_up" {
			t.Fatalf("states after: %v", after)
		}
		// Again: every session answers, none is signed up twice.
		res = e.Do("POST", path, tokens[1], map[string]any{"session_ids": []int64{s[0], s[2]}})
		res.Decode(&out)
		if res.Status != http.StatusOK || out.SignedUp != 0 || out.Results[0].Error == nil || out.Results[0].Error.Code != string(zhiyuan.EConflict) {
			t.Fatalf("again: %d %s", res.Status, res.Body)
		}

		// Refusals of the request as a whole.
		wantError(t, "no sessions", e.Do("POST", path, tokens[1], map[string]any{"session_ids": []int64{}}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "session_ids")
		wantError(t, "anonymous", e.Do("POST", path, "", map[string]any{"session_ids": []int64{s[0]}}), http.StatusUnauthorized, zhiyuan.EUnauthorized, "")
		wantError(t, "no such activity", e.Do("POST", "/api/v1/activities/999999/signups", tokens[1], map[string]any{"session_ids": []int64{s[0]}}), http.StatusNotFound, zhiyuan.ENotFound, "")
		wantError(t, "an admin", e.Do("POST", path, a.admin, map[string]any{"session_ids": []int64{s[0]}}), http.StatusForbidden, zhiyuan.EForbidden, "")
	})
}

// TestSignupStatesInAPI: the states that depend on the activity and the visitor, as
// GET /activities/{id} gives them: not open yet (with the opening in the label),
// ineligible (with the reason), and closed once the activity stops taking sign-ups.
func TestSignupStatesInAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		later := a.activityBody("下周开放报名", 5)
		later["signup_opens_at"] = a.at(24 * time.Hour)
		act := a.published(later)
		res := e.Do("GET", fmt.Sprintf("/api/v1/activities/%d", act.ID), "", nil)
		var got stateResp
		res.Decode(&got)
		opens := e.Store.Now().Add(24 * time.Hour).Truncate(time.Minute).In(zhiyuan.Beijing)
		want := fmt.Sprintf("未开始（%d月%d日 %s 开放）", opens.Month(), opens.Day(), opens.Format("15:04"))
		if st := got.Sessions[0].SignupState; st.Code != "not_open" || st.Label != want {
			t.Fatalf("not open yet: %+v, want %s", st, want)
		}

		adults := a.activityBody("仅限成年人", 5)
		adults["min_age"] = 18
		act = a.published(adults)
		tokens, _ := a.volunteers(1, func(i int, v *zhiyuan.Volunteer) {
			v.BirthDate = e.Store.Now().AddDate(-16, 0, 0)
			v.Minor = true
		})
		st := states(t, e, act.ID, tokens[0])
		if st[act.Sessions[0].ID] != "ineligible" {
			t.Fatalf("a minor sees %v", st)
		}
		if st := states(t, e, act.ID, ""); st[act.Sessions[0].ID] != "open" {
			t.Fatalf("the public sees %v", st)
		}
		if res := e.Do("POST", fmt.Sprintf("/api/v1/activities/%d/close", act.ID), a.admin, nil); res.Status != http.StatusOK {
			t.Fatalf("close: %d %s", res.Status, res.Body)
		}
		if st := states(t, e, act.ID, ""); st[act.Sessions[0].ID] != "closed" {
			t.Fatalf("after closing: %v", st)
		}
	})
}

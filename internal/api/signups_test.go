package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

type signupResp struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	SessionID int64  `json:"session_id"`
	Position  int    `json:"position"`
	StartsAt  string `json:"starts_at"`
	Late      bool   `json:"late_cancellation"`
}

func signupPath(sessionID int64) string { return fmt.Sprintf("/api/v1/sessions/%d/signups", sessionID) }

// rush sends one sign-up per token at once and returns the answers.
func rush(e *servertest.Env, path string, tokens []string) []*servertest.Response {
	out := make([]*servertest.Response, len(tokens))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = e.Do("POST", path, tok, nil)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// seatCheck compares the session's seats_taken with the confirmed rows.
func seatCheck(t *testing.T, e *servertest.Env, sessionID int64) (seats, confirmed int) {
	t.Helper()
	se, _, err := e.Store.FindSessionByID(t.Context(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := e.Store.SessionCounts(t.Context(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if se.SeatsTaken != counts[zhiyuan.SignupConfirmed] {
		t.Fatalf("seats_taken %d but %d confirmed rows", se.SeatsTaken, counts[zhiyuan.SignupConfirmed])
	}
	return se.SeatsTaken, counts[zhiyuan.SignupConfirmed]
}

func TestSignupRush500For100Seats(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		for _, waitlist := range []bool{false, true} {
			body := a.activityBody(fmt.Sprintf("马拉松志愿者招募（候补%v）", waitlist), 100)
			body["waitlist"] = waitlist
			act := a.published(body)
			tokens, _ := a.volunteers(500, nil)
			n := map[string]int{}
			for _, res := range rush(e, signupPath(act.Sessions[0].ID), tokens) {
				switch {
				case res.Status == http.StatusCreated:
					var sg signupResp
					res.Decode(&sg)
					n[sg.Status]++
				case res.Status >= 500 || res.Status == 0:
					t.Fatalf("server error %d %s", res.Status, res.Body)
				default:
					code, _, _ := res.Error()
					n[fmt.Sprint(res.Status, code)]++
				}
			}
			want := map[string]int{"confirmed": 100, "409full": 400}
			if waitlist {
				want = map[string]int{"confirmed": 100, "waitlisted": 400}
			}
			if fmt.Sprint(n) != fmt.Sprint(want) {
				t.Fatalf("waitlist %v: outcomes %v, want %v", waitlist, n, want)
			}
			if seats, _ := seatCheck(t, e, act.Sessions[0].ID); seats != 100 {
				t.Fatalf("seats %d", seats)
			}
			res := e.Do("GET", fmt.Sprintf("/api/v1/sessions/%d", act.Sessions[0].ID), "", nil)
			var se sessionResp
			res.Decode(&se)
			if se.SeatsTaken != 100 || se.SeatsLeft != 0 {
				t.Fatalf("session after the rush: %s", res.Body)
			}
		}
	})
}

func TestSignupSameVolunteerTwentyTimes(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		act := a.published(a.activityBody("社区长者探访", 10))
		tokens, _ := a.volunteers(1, nil)
		same := make([]string, 20)
		for i := range same {
			same[i] = tokens[0]
		}
		n := map[string]int{}
		for _, res := range rush(e, signupPath(act.Sessions[0].ID), same) {
			code, _, fields := res.Error()
			if res.Status == http.StatusConflict && fields["session_id"] == "" {
				t.Fatalf("conflict without field: %s", res.Body)
			}
			n[fmt.Sprint(res.Status, code)]++
		}
		if n["201"] != 1 || n["409conflict"] != 19 {
			t.Fatalf("outcomes %v", n)
		}
		if seats, _ := seatCheck(t, e, act.Sessions[0].ID); seats != 1 {
			t.Fatalf("seats %d", seats)
		}
	})
}

func TestCancelGivesSeatToFirstWaitlistedOnce(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		drain := e.WorkJobs()
		a := newActivityEnv(t, e)
		body := a.activityBody("音乐节志愿服务", 100)
		body["waitlist"] = true
		act := a.published(body)
		sessionID := act.Sessions[0].ID
		tokens, _ := a.volunteers(105, nil)
		ids := make([]int64, len(tokens))
		for i, tok := range tokens {
			res := e.Do("POST", signupPath(sessionID), tok, nil)
			var sg signupResp
			res.Decode(&sg)
			want := "confirmed"
			if i >= 100 {
				want = "waitlisted"
			}
			if res.Status != http.StatusCreated || sg.Status != want {
				t.Fatalf("volunteer %d: %d %s", i, res.Status, res.Body)
			}
			if i >= 100 && sg.Position != i-99 {
				t.Fatalf("waitlist position %d for volunteer %d", sg.Position, i)
			}
			ids[i] = sg.ID
		}
		// The same seat cancelled twice at once (a double tap): one 200, one 409, and the
		// first on the waitlist gets the seat exactly once.
		path := fmt.Sprintf("/api/v1/signups/%d", ids[7])
		n := map[int]int{}
		for _, res := range rushMethod(e, "DELETE", []string{path, path}, []string{tokens[7], tokens[7]}) {
			n[res.Status]++
		}
		if n[http.StatusOK] != 1 || n[http.StatusConflict] != 1 {
			t.Fatalf("double cancel: %v", n)
		}
		// Two different seats cancelled at once: the next two in line, once each.
		paths := []string{fmt.Sprintf("/api/v1/signups/%d", ids[8]), fmt.Sprintf("/api/v1/signups/%d", ids[9])}
		for _, res := range rushMethod(e, "DELETE", paths, []string{tokens[8], tokens[9]}) {
			wantStatus(t, "cancel", res, http.StatusOK)
		}
		status := func(i int) signupResp {
			res := e.Do("GET", fmt.Sprintf("/api/v1/signups/%d", ids[i]), tokens[i], nil)
			var sg signupResp
			res.Decode(&sg)
			return sg
		}
		for i := 100; i < 103; i++ {
			if sg := status(i); sg.Status != "confirmed" {
				t.Fatalf("waitlisted %d: %+v", i-99, sg)
			}
		}
		if sg := status(103); sg.Status != "waitlisted" || sg.Position != 1 {
			t.Fatalf("fourth in line: %+v", sg)
		}
		if seats, _ := seatCheck(t, e, sessionID); seats != 100 {
			t.Fatalf("seats %d", seats)
		}
		var confirmedRows int
		e.Store.DB().QueryRow(e.Store.Rebind("SELECT COUNT(*) FROM signups WHERE session_id = ? AND status = 'confirmed'"), sessionID).Scan(&confirmedRows)
		if confirmedRows != 100 {
			t.Fatalf("%d confirmed rows", confirmedRows)
		}
		// The promoted volunteer is told, in-app and through the sender (log: no phone),
		// by the delivery job queued with the promotion.
		drain()
		res := e.Do("GET", "/api/v1/me/notifications", tokens[100], nil)
		if !strings.Contains(string(res.Body), "signup.promoted") || !strings.Contains(string(res.Body), "候补成功") {
			t.Fatalf("notifications of the promoted: %s", res.Body)
		}
		res = e.Do("GET", "/api/v1/me/notifications", tokens[103], nil)
		if strings.Contains(string(res.Body), "signup.promoted") {
			t.Fatalf("the still waitlisted was told: %s", res.Body)
		}
		if !strings.Contains(e.Log.String(), "template=signup.promoted") {
			t.Fatalf("sender not called")
		}
		// Someone else's sign-up cannot be cancelled.
		wantStatus(t, "cancel another's", e.Do("DELETE", fmt.Sprintf("/api/v1/signups/%d", ids[20]), tokens[21], nil), http.StatusNotFound)
	})
}

// rushMethod sends requests with body-less method at once.
func rushMethod(e *servertest.Env, method string, paths, tokens []string) []*servertest.Response {
	out := make([]*servertest.Response, len(paths))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = e.Do(method, paths[i], tokens[i], nil)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func TestSignupConditions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		now := a.Store.Now()
		tokens, ids := a.volunteers(4, func(i int, v *zhiyuan.Volunteer) {
			switch i {
			case 0: // fifteen, no guardian consent
				v.BirthDate = time.Date(now.Year()-15, 1, 1, 0, 0, 0, 0, time.UTC)
				v.Minor = true
			case 1:
				v.Skills = []string{"急救"}
			}
		})
		open := a.published(a.activityBody("社区长者探访", 10))
		res := e.Do("POST", signupPath(open.Sessions[0].ID), tokens[0], nil)
		wantError(t, "15 without consent", res, http.StatusUnprocessableEntity, zhiyuan.EInvalid, "guardian_consent")

		members := a.activityBody("协会会员专场", 10)
		members["members_only"] = true
		mo := a.published(members)
		wantError(t, "non-member", e.Do("POST", signupPath(mo.Sessions[0].ID), tokens[1], nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "membership")
		if _, err := e.Store.ApplyMembership(t.Context(), a.org.ID, ids[1]); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, "approve member", e.Do("POST", memberPath(a.org.ID, ids[1], "approve"), a.admin, nil), http.StatusOK)
		wantStatus(t, "member", e.Do("POST", signupPath(mo.Sessions[0].ID), tokens[1], nil), http.StatusCreated)

		// Volunteer 1 now has a seat 72–75 h from now: an activity at 74 h overlaps.
		overlap := a.activityBody("河涌清洁", 10)
		overlap["sessions"] = []map[string]any{{"starts_at": a.at(74 * time.Hour), "ends_at": a.at(76 * time.Hour), "capacity": 10}}
		ov := a.published(overlap)
		wantError(t, "overlap", e.Do("POST", signupPath(ov.Sessions[0].ID), tokens[1], nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "overlap")
		wantStatus(t, "no overlap for another", e.Do("POST", signupPath(ov.Sessions[0].ID), tokens[2], nil), http.StatusCreated)

		later := a.activityBody("九点开抢的活动", 10)
		later["signup_opens_at"] = a.at(2 * time.Hour)
		la := a.published(later)
		wantError(t, "before opening", e.Do("POST", signupPath(la.Sessions[0].ID), tokens[3], nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "signup_window")

		aged := a.activityBody("长者陪护（需年满40岁）", 10)
		aged["min_age"] = 40
		ag := a.published(aged)
		wantError(t, "too young", e.Do("POST", signupPath(ag.Sessions[0].ID), tokens[3], nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "age")

		skilled := a.activityBody("急救保障", 10)
		skilled["skills"] = []string{"急救", "心肺复苏"}
		sk := a.published(skilled)
		wantError(t, "missing skill", e.Do("POST", signupPath(sk.Sessions[0].ID), tokens[3], nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "skills")

		draft := a.create(a.activityBody("草稿", 10))
		wantStatus(t, "draft", e.Do("POST", signupPath(draft.Sessions[0].ID), tokens[3], nil), http.StatusNotFound)
		wantStatus(t, "anonymous", e.Do("POST", signupPath(open.Sessions[0].ID), "", nil), http.StatusUnauthorized)
		wantStatus(t, "not a volunteer", e.Do("POST", signupPath(open.Sessions[0].ID), a.admin, nil), http.StatusForbidden)

		// Nothing of the refused ones was written.
		for _, sid := range []int64{open.Sessions[0].ID, la.Sessions[0].ID, ag.Sessions[0].ID, sk.Sessions[0].ID} {
			if seats, _ := seatCheck(t, e, sid); seats != 0 {
				t.Fatalf("session %d has %d seats taken", sid, seats)
			}
		}
	})
}

func TestAdmissionAndBatchDecisions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		body := a.activityBody("支教选拔", 2)
		body["signup_mode"] = "admission"
		act := a.published(body)
		sessionID := act.Sessions[0].ID
		tokens, _ := a.volunteers(4, nil)
		var ids []int64
		for _, tok := range tokens {
			res := e.Do("POST", signupPath(sessionID), tok, nil)
			var sg signupResp
			res.Decode(&sg)
			if res.Status != http.StatusCreated || sg.Status != "pending" {
				t.Fatalf("apply: %d %s", res.Status, res.Body)
			}
			ids = append(ids, sg.ID)
		}
		// Admit three of four with two seats: two admitted, one full.
		res := e.Do("POST", signupPath(sessionID)+"/admit", a.admin, map[string]any{"ids": ids[:3]})
		wantStatus(t, "admit", res, http.StatusOK)
		var out struct {
			Done   []signupResp `json:"done"`
			Failed map[string]struct {
				Code string `json:"code"`
			} `json:"failed"`
		}
		res.Decode(&out)
		if len(out.Done) != 2 || len(out.Failed) != 1 || out.Failed[fmt.Sprint(ids[2])].Code != "full" {
			t.Fatalf("admit: %s", res.Body)
		}
		wantError(t, "admit one more", e.Do("POST", fmt.Sprintf("/api/v1/signups/%d/admit", ids[3]), a.admin, nil), http.StatusConflict, zhiyuan.EFull, "")
		// Reject an admitted one; its seat is free to admit another.
		res = e.Do("POST", fmt.Sprintf("/api/v1/signups/%d/reject", ids[0]), a.admin, nil)
		wantStatus(t, "reject", res, http.StatusOK)
		wantStatus(t, "admit after reject", e.Do("POST", fmt.Sprintf("/api/v1/signups/%d/admit", ids[3]), a.admin, nil), http.StatusOK)
		if seats, _ := seatCheck(t, e, sessionID); seats != 2 {
			t.Fatalf("seats %d", seats)
		}
		res = e.Do("GET", "/api/v1/me/notifications?unread=true", tokens[0], nil)
		if !strings.Contains(string(res.Body), "signup.rejected") || !strings.Contains(string(res.Body), "signup.admitted") {
			t.Fatalf("notifications: %s", res.Body)
		}
		// The list for the admin, and not for a volunteer.
		res = e.Do("GET", signupPath(sessionID)+"?status=confirmed", a.admin, nil)
		var page struct{ Items []signupResp }
		res.Decode(&page)
		if len(page.Items) != 2 {
			t.Fatalf("confirmed list: %s", res.Body)
		}
		wantStatus(t, "list as volunteer", e.Do("GET", signupPath(sessionID), tokens[0], nil), http.StatusForbidden)
		wantStatus(t, "admit as volunteer", e.Do("POST", fmt.Sprintf("/api/v1/signups/%d/admit", ids[2]), tokens[2], nil), http.StatusForbidden)
		wantError(t, "no-show before the session", e.Do("POST", fmt.Sprintf("/api/v1/signups/%d/no-show", ids[1]), a.admin, nil),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "status")
	})
}

func TestCloseAndCancelNotifyEveryone(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		drain := e.WorkJobs()
		a := newActivityEnv(t, e)
		body := a.activityBody("台风天取消的活动", 2)
		body["waitlist"] = true
		act := a.published(body)
		tokens, _ := a.volunteers(3, nil)
		for _, tok := range tokens {
			wantStatus(t, "sign up", e.Do("POST", signupPath(act.Sessions[0].ID), tok, nil), http.StatusCreated)
		}
		path := fmt.Sprintf("/api/v1/activities/%d", act.ID)
		wantStatus(t, "close", e.Do("POST", path+"/close", a.admin, nil), http.StatusOK)
		tok4, _ := a.volunteers(1, nil)
		wantError(t, "sign up after close", e.Do("POST", signupPath(act.Sessions[0].ID), tok4[0], nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "signup_window")
		wantStatus(t, "cancel", e.Do("POST", path+"/cancel", a.admin, nil), http.StatusOK)
		drain() // the notices are written and sent by the jobs queued with the change
		for i, tok := range tokens {
			res := e.Do("GET", "/api/v1/me/notifications", tok, nil)
			if !strings.Contains(string(res.Body), "activity.closed") || !strings.Contains(string(res.Body), "activity.cancelled") {
				t.Fatalf("volunteer %d: %s", i, res.Body)
			}
			res = e.Do("GET", "/api/v1/me/signups?view=past", tok, nil)
			if !strings.Contains(string(res.Body), `"status":"cancelled"`) {
				t.Fatalf("volunteer %d past sign-ups: %s", i, res.Body)
			}
			var list struct{ Items []struct{ ID int64 } }
			e.Do("GET", "/api/v1/me/notifications", tok, nil).Decode(&list)
			wantStatus(t, "mark read", e.Do("POST", fmt.Sprintf("/api/v1/me/notifications/%d/read", list.Items[0].ID), tok, nil), http.StatusNoContent)
			wantStatus(t, "mark another's read", e.Do("POST", fmt.Sprintf("/api/v1/me/notifications/%d/read", list.Items[0].ID), tok4[0], nil), http.StatusNotFound)
		}
		if seats, _ := seatCheck(t, e, act.Sessions[0].ID); seats != 0 {
			t.Fatalf("seats after cancel %d", seats)
		}
		logged := e.Log.String()
		if strings.Count(logged, "template=activity.cancelled") != 3 {
			t.Fatalf("sender called %d times for the cancellation", strings.Count(logged, "template=activity.cancelled"))
		}
		// The development sender logs ids and templates, never phone numbers.
		if strings.Contains(logged, "13700000") {
			t.Fatalf("a phone number reached the log")
		}
	})
}

func TestMySignupsViewsAndLateCancel(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		soon := a.activityBody("明早的活动", 1)
		soon["cancel_before_hours"] = 100 // the deadline has passed already
		soon["waitlist"] = true
		s1 := a.published(soon)
		later := a.activityBody("下周的活动", 5)
		later["sessions"] = []map[string]any{{"starts_at": a.at(200 * time.Hour), "ends_at": a.at(202 * time.Hour), "capacity": 5}}
		s2 := a.published(later)
		tokens, ids := a.volunteers(2, nil)
		var first signupResp
		e.Do("POST", signupPath(s1.Sessions[0].ID), tokens[0], nil).Decode(&first)
		wantStatus(t, "second", e.Do("POST", signupPath(s2.Sessions[0].ID), tokens[0], nil), http.StatusCreated)
		wantStatus(t, "waitlisted", e.Do("POST", signupPath(s1.Sessions[0].ID), tokens[1], nil), http.StatusCreated)

		view := func(tok, v string) []signupResp {
			var page struct{ Items []signupResp }
			e.Do("GET", "/api/v1/me/signups?view="+v, tok, nil).Decode(&page)
			return page.Items
		}
		if up := view(tokens[0], "upcoming"); len(up) != 2 || up[0].SessionID != s1.Sessions[0].ID {
			t.Fatalf("upcoming %+v", up)
		}
		if wl := view(tokens[1], "waitlisted"); len(wl) != 1 || wl[0].Position != 1 {
			t.Fatalf("waitlisted %+v", wl)
		}
		res := e.Do("DELETE", fmt.Sprintf("/api/v1/signups/%d", first.ID), tokens[0], nil)
		var cancelled signupResp
		res.Decode(&cancelled)
		if res.Status != http.StatusOK || cancelled.Status != "cancelled" || !cancelled.Late {
			t.Fatalf("late cancel: %d %s", res.Status, res.Body)
		}
		rec, err := e.Store.FindVolunteerRecord(t.Context(), ids[0])
		if err != nil || rec.LateCancellations != 1 {
			t.Fatalf("record %+v %v", rec, err)
		}
		if past := view(tokens[0], "past"); len(past) != 1 || past[0].Status != "cancelled" {
			t.Fatalf("past %+v", past)
		}
		if up := view(tokens[1], "upcoming"); len(up) != 1 || up[0].Status != "confirmed" {
			t.Fatalf("promoted volunteer's upcoming %+v", up)
		}
		wantError(t, "bad view", e.Do("GET", "/api/v1/me/signups?view=all", tokens[0], nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "view")
	})
}

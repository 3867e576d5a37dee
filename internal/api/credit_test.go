package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
)

// creditActivity creates and publishes an activity of the hourstest organisation with one
// session per start (two hours each) and returns the session ids.
func creditActivity(t *testing.T, h *hourstest.Env, required bool, starts ...time.Time) (int64, []int64) {
	t.Helper()
	ctx := context.Background()
	act := &zhiyuan.Activity{OrgID: h.Org.ID, Title: "社区环境清洁", Category: zhiyuan.CatEnvironment, RegionCode: "440106",
		Address: "天河区五山街道", InsuranceRequired: required}
	for _, st := range starts {
		act.Sessions = append(act.Sessions, zhiyuan.ActivitySession{StartsAt: st.UTC(), EndsAt: st.Add(2 * time.Hour).UTC(), Capacity: 20})
	}
	if err := act.Validate(h.Store.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.CreateActivity(ctx, act, h.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	if !required {
		if err := h.Store.PublishActivity(ctx, act.ID); err != nil {
			t.Fatal(err)
		}
	}
	ids := make([]int64, len(act.Sessions))
	for i, se := range act.Sessions {
		ids[i] = se.ID
	}
	return act.ID, ids
}

// signUp signs v up for a session through the API and returns the sign-up id.
func creditSignUp(t *testing.T, h *hourstest.Env, v hourstest.Volunteer, sessionID int64) int64 {
	t.Helper()
	res := h.Do("POST", signupPath(sessionID), v.Token, nil)
	if res.Status != http.StatusCreated {
		t.Fatalf("sign up for %d: %d %s", sessionID, res.Status, res.Body)
	}
	var sg struct{ ID int64 }
	res.Decode(&sg)
	return sg.ID
}

type creditJSON struct {
	Standing       string     `json:"standing"`
	SuspendedUntil *time.Time `json:"suspended_until"`
	Marks          []struct {
		ID     int64  `json:"id"`
		Kind   string `json:"kind"`
		Status string `json:"status"`
		Counts bool   `json:"counts"`
		Appeal string `json:"appeal"`
	} `json:"marks"`
}

func myCredit(t *testing.T, h *hourstest.Env, v hourstest.Volunteer) creditJSON {
	t.Helper()
	res := h.Do("GET", "/api/v1/me/credit", v.Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("me/credit: %d %s", res.Status, res.Body)
	}
	var c creditJSON
	res.Decode(&c)
	return c
}

// threeNoShows gives the first volunteer three no-shows on Day: the morning seat they
// hold (09:00), a sign-up for the afternoon session (14:00) and one for an evening one
// (19:00), each marked by the organiser once begun. The clock ends at 19:30.
func threeNoShows(t *testing.T, h *hourstest.Env) (v hourstest.Volunteer, later []int64) {
	t.Helper()
	v = h.Volunteers[0]
	_, evening := creditActivity(t, h, false, hourstest.Day("19:00"))
	// Sessions after the suspension would have ended, and one the next day.
	_, later = creditActivity(t, h, false, hourstest.Day("10:00").Add(24*time.Hour), hourstest.Day("10:00").Add(40*24*time.Hour))
	afternoon := creditSignUp(t, h, v, h.Afternoon.ID)
	night := creditSignUp(t, h, v, evening[0])
	morning := mySignupID(t, h, v, h.Session.ID)
	for _, step := range []struct {
		at     string
		signup int64
	}{{"09:30", morning}, {"14:30", afternoon}, {"19:30", night}} {
		h.Clock.Set(hourstest.Day(step.at))
		if res := h.Do("POST", fmt.Sprintf("/api/v1/signups/%d/no-show", step.signup), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("no-show at %s: %d %s", step.at, res.Status, res.Body)
		}
	}
	return v, later
}

func mySignupID(t *testing.T, h *hourstest.Env, v hourstest.Volunteer, sessionID int64) int64 {
	t.Helper()
	list, err := h.Store.FindVolunteerActivitySignups(context.Background(), v.ID, h.Activity.ID)
	if err != nil || list[sessionID] == nil {
		t.Fatalf("my sign-up for %d: %v", sessionID, err)
	}
	return list[sessionID].ID
}

func TestCreditThreeNoShowsSuspendAndWaiveLifts(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v, later := threeNoShows(t, h)
		c := myCredit(t, h, v)
		if c.Standing != "suspended" || c.SuspendedUntil == nil || len(c.Marks) != 3 {
			t.Fatalf("after three no-shows: %+v", c)
		}
		wantUntil := hourstest.Day("19:30").Add(zhiyuan.CreditSuspension)
		if !c.SuspendedUntil.Equal(wantUntil) {
			t.Fatalf("suspended until %v, want %v", c.SuspendedUntil, wantUntil)
		}
		res := h.Do("POST", signupPath(later[0]), v.Token, nil)
		wantError(t, "suspended sign-up", res, http.StatusUnprocessableEntity, zhiyuan.EInvalid, zhiyuan.ReasonCredit)
		if _, _, fields := res.Error(); !strings.Contains(fields[zhiyuan.ReasonCredit], zhiyuan.CreditDate(wantUntil)) {
			t.Fatalf("refusal does not name the end %s: %s", zhiyuan.CreditDate(wantUntil), res.Body)
		}

		// Another organisation's admin cannot waive; the recording one must give a reason.
		other, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		waive := fmt.Sprintf("/api/v1/credit-marks/%d/waive", c.Marks[0].ID)
		wantStatus(t, "waive by another region", h.Do("POST", waive, other, map[string]string{"reason": "x"}), http.StatusNotFound)
		wantError(t, "waive without reason", h.Do("POST", waive, h.OrgToken, map[string]string{"reason": " "}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "reason")
		if res := h.Do("POST", waive, h.OrgToken, map[string]string{"reason": "志愿者因突发疾病未能到场，已提供就诊证明"}); res.Status != http.StatusOK {
			t.Fatalf("waive: %d %s", res.Status, res.Body)
		}
		wantStatus(t, "waive twice", h.Do("POST", waive, h.OrgToken, map[string]string{"reason": "再次撤销"}), http.StatusConflict)
		c = myCredit(t, h, v)
		if c.Standing == "suspended" || c.SuspendedUntil != nil || c.Marks[0].Status != "waived" || c.Marks[0].Counts {
			t.Fatalf("after waiving one: %+v", c)
		}
		creditSignUp(t, h, v, later[0])
		entries, err := h.Store.FindAudit(context.Background(), auditFilterAction("credit.waive"))
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit of the waiver: %d %v", len(entries), err)
		}
	})
}

func TestCreditSuspensionEndsOnItsDate(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v, later := threeNoShows(t, h)
		until := hourstest.Day("19:30").Add(zhiyuan.CreditSuspension)
		h.Clock.Set(until.Add(-time.Minute))
		v.Token = h.Token(v.Phone, hourstest.Password) // a month on, the first token has expired
		wantError(t, "a minute before the end", h.Do("POST", signupPath(later[1]), v.Token, nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, zhiyuan.ReasonCredit)
		h.Clock.Set(until)
		creditSignUp(t, h, v, later[1])
		if c := myCredit(t, h, v); c.SuspendedUntil != nil || c.Standing == "suspended" || len(c.Marks) != 3 {
			t.Fatalf("after the end: %+v", c)
		}
	})
}

// TestCreditConcurrentNoShows marks three no-shows of one volunteer at once (three
// sessions, three organiser requests): the suspension is not lost.
func TestCreditConcurrentNoShows(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		_, sessions := creditActivity(t, h, false, hourstest.Day("18:00"), hourstest.Day("20:30"))
		_, later := creditActivity(t, h, false, hourstest.Day("10:00").Add(24*time.Hour))
		ids := []int64{mySignupID(t, h, v, h.Session.ID), creditSignUp(t, h, v, sessions[0]), creditSignUp(t, h, v, sessions[1])}
		h.Clock.Set(hourstest.Day("21:00"))
		var wg sync.WaitGroup
		statuses := make([]int, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = h.Do("POST", fmt.Sprintf("/api/v1/signups/%d/no-show", id), h.OrgToken, nil).Status
			}()
		}
		wg.Wait()
		for i, st := range statuses {
			if st != http.StatusOK {
				t.Fatalf("no-show %d: %d", i, st)
			}
		}
		c := myCredit(t, h, v)
		if c.Standing != "suspended" || len(c.Marks) != 3 {
			t.Fatalf("after three no-shows at once: %+v", c)
		}
		wantError(t, "sign-up", h.Do("POST", signupPath(later[0]), v.Token, nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, zhiyuan.ReasonCredit)
	})
}

func TestCreditAppealDecidedByTheRegion(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v, later := threeNoShows(t, h)
		c := myCredit(t, h, v)
		mark := c.Marks[1].ID
		appeal := fmt.Sprintf("/api/v1/credit-marks/%d/appeal", mark)
		decide := fmt.Sprintf("/api/v1/credit-marks/%d/decision", mark)
		wantStatus(t, "someone else's mark", h.Do("POST", appeal, h.Volunteers[1].Token, map[string]string{"reason": "不是我"}), http.StatusNotFound)
		wantError(t, "appeal without reason", h.Do("POST", appeal, v.Token, map[string]string{}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "reason")
		if res := h.Do("POST", appeal, v.Token, map[string]string{"reason": "当天活动临时改期，组织方未通知"}); res.Status != http.StatusOK {
			t.Fatalf("appeal: %d %s", res.Status, res.Body)
		}
		wantError(t, "appeal twice", h.Do("POST", appeal, v.Token, map[string]string{"reason": "再次申诉"}), http.StatusConflict, zhiyuan.EConflict, "appeal")

		city, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		shenzhen, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		var queue struct{ Items []struct{ ID int64 } }
		h.Do("GET", "/api/v1/credit-appeals", city, nil).Decode(&queue)
		if len(queue.Items) != 1 || queue.Items[0].ID != mark {
			t.Fatalf("Guangzhou's queue: %+v", queue)
		}
		queue.Items = nil
		h.Do("GET", "/api/v1/credit-appeals", shenzhen, nil).Decode(&queue)
		if len(queue.Items) != 0 {
			t.Fatalf("Shenzhen sees Guangzhou's appeal: %+v", queue)
		}
		body := map[string]string{"decision": "waived", "reason": "核实组织方未通知改期"}
		wantStatus(t, "another region decides", h.Do("POST", decide, shenzhen, body), http.StatusForbidden)
		wantStatus(t, "the organisation decides", h.Do("POST", decide, h.OrgToken, body), http.StatusForbidden)
		wantError(t, "unknown decision", h.Do("POST", decide, city, map[string]string{"decision": "maybe", "reason": "x"}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "decision")
		if c := myCredit(t, h, v); c.Standing != "suspended" {
			t.Fatalf("still suspended while the appeal waits: %+v", c)
		}
		if res := h.Do("POST", decide, city, body); res.Status != http.StatusOK {
			t.Fatalf("decide: %d %s", res.Status, res.Body)
		}
		wantStatus(t, "decide twice", h.Do("POST", decide, city, map[string]string{"decision": "upheld", "reason": "维持"}), http.StatusConflict)
		c = myCredit(t, h, v)
		if c.Standing == "suspended" || c.Marks[1].Status != "waived" || c.Marks[1].Appeal != "waived" {
			t.Fatalf("after the appeal was granted: %+v", c)
		}
		creditSignUp(t, h, v, later[0])
		entries, err := h.Store.FindAudit(context.Background(), auditFilterAction("credit.appeal.waived"))
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit of the decision: %d %v", len(entries), err)
		}
	})
}

func TestInsuranceRequiredToPublish(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		day := hourstest.Day("09:00").Add(10 * 24 * time.Hour)
		actID, _ := creditActivity(t, h, true, day, day.Add(24*time.Hour))
		publish := fmt.Sprintf("/api/v1/activities/%d/publish", actID)
		wantError(t, "no policy", h.Do("POST", publish, h.OrgToken, nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, zhiyuan.ReasonInsurance)

		policies := fmt.Sprintf("/api/v1/organizations/%d/insurance-policies", h.Org.ID)
		d := func(t time.Time) string { return t.In(hourstest.CST).Format("2006-01-02") }
		wantError(t, "bad policy", h.Do("POST", policies, h.OrgToken, map[string]any{"insurer": "", "policy_no": "P 1",
			"cover_start": d(day), "cover_end": d(day.Add(-48 * time.Hour))}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "cover_end")
		// Cover that ends on the first session's day leaves the second uncovered.
		res := h.Do("POST", policies, h.OrgToken, map[string]any{"insurer": "中国人寿", "policy_no": "PICC-2037-001",
			"cover_start": d(day), "cover_end": d(day), "all_activities": true})
		if res.Status != http.StatusCreated {
			t.Fatalf("policy: %d %s", res.Status, res.Body)
		}
		wantError(t, "one session uncovered", h.Do("POST", publish, h.OrgToken, nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, zhiyuan.ReasonInsurance)
		wantStatus(t, "same policy twice", h.Do("POST", policies, h.OrgToken, map[string]any{"insurer": "中国人寿", "policy_no": "PICC-2037-001",
			"cover_start": d(day), "cover_end": d(day), "all_activities": true}), http.StatusConflict)
		res = h.Do("POST", policies, h.OrgToken, map[string]any{"insurer": "平安保险", "policy_no": "PA-88",
			"cover_start": d(day), "cover_end": d(day.Add(30 * 24 * time.Hour)), "activity_ids": []int64{actID}})
		if res.Status != http.StatusCreated {
			t.Fatalf("policy listing the activity: %d %s", res.Status, res.Body)
		}
		if res := h.Do("POST", publish, h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("publish when covered: %d %s", res.Status, res.Body)
		}
		// Published, it stays covered: a session after the cover ends is refused, and so is
		// requiring insurance of a published activity that has none.
		late := day.Add(40 * 24 * time.Hour).In(hourstest.CST)
		wantError(t, "a session past the cover", h.Do("POST", fmt.Sprintf("/api/v1/activities/%d/sessions", actID), h.OrgToken, map[string]any{
			"recurrence": map[string]any{"first_date": late.Format("2006-01-02"), "start_time": "09:00", "end_time": "11:00", "weeks": 1, "capacity": 5}}),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, zhiyuan.ReasonInsurance)
		bare, _ := creditActivity(t, h, false, late)
		wantError(t, "requiring insurance once published", h.Do("PATCH", fmt.Sprintf("/api/v1/activities/%d", bare), h.OrgToken, map[string]any{"insurance_required": true}),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, zhiyuan.ReasonInsurance)
		if got, err := h.Store.FindActivityByID(t.Context(), bare); err != nil || got.InsuranceRequired {
			t.Fatalf("the refused edit was kept: %v %+v", err, got)
		}

		var ins struct {
			Required bool
			Insured  bool
			Policies []struct {
				Insurer  string `json:"insurer"`
				PolicyNo string `json:"policy_no"`
			}
		}
		path := fmt.Sprintf("/api/v1/activities/%d/insurance", actID)
		h.Do("GET", path, h.Volunteers[0].Token, nil).Decode(&ins)
		if !ins.Required || !ins.Insured || len(ins.Policies) != 2 || ins.Policies[0].Insurer == "" || ins.Policies[0].PolicyNo != "" {
			t.Fatalf("a volunteer's view: %+v", ins)
		}
		ins.Policies = nil
		h.Do("GET", path, h.OrgToken, nil).Decode(&ins)
		if len(ins.Policies) != 2 || ins.Policies[1].PolicyNo != "PA-88" {
			t.Fatalf("the organisation's view: %+v", ins)
		}
	})
}

func auditFilterAction(action string) zhiyuan.AuditFilter {
	return zhiyuan.AuditFilter{RegionPrefix: "*", Action: action, Limit: 10}
}

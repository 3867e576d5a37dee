package api

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// The credit record and accident insurance (openapi/credit.json).

type creditMarkJSON struct {
	ID             int64      `json:"id"`
	Kind           string     `json:"kind"`
	Status         string     `json:"status"`
	Counts         bool       `json:"counts"`
	OccurredAt     time.Time  `json:"occurred_at"`
	ExpiresAt      time.Time  `json:"expires_at"`
	SignupID       int64      `json:"signup_id"`
	ActivityID     int64      `json:"activity_id"`
	ActivityTitle  string     `json:"activity_title"`
	SessionStarts  time.Time  `json:"session_starts_at"`
	OrgID          int64      `json:"org_id"`
	OrgName        string     `json:"org_name"`
	VolunteerID    int64      `json:"volunteer_id"`
	VolunteerName  string     `json:"volunteer_name,omitempty"`
	WaiveReason    string     `json:"waive_reason,omitempty"`
	Appeal         string     `json:"appeal,omitempty"`
	AppealReason   string     `json:"appeal_reason,omitempty"`
	AppealedAt     *time.Time `json:"appealed_at,omitempty"`
	DecisionReason string     `json:"decision_reason,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
}

func creditTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toMarkJSON(m *zhiyuan.CreditMark, now time.Time) creditMarkJSON {
	loc := zhiyuan.LoadZone(m.TimeZone)
	return creditMarkJSON{ID: m.ID, Kind: string(m.Kind), Status: string(m.Status), Counts: m.Counts(now),
		OccurredAt: m.OccurredAt, ExpiresAt: m.ExpiresAt, SignupID: m.SignupID, ActivityID: m.ActivityID,
		ActivityTitle: m.ActivityTitle, SessionStarts: m.SessionStart.In(loc), OrgID: m.OrgID, OrgName: m.OrgName,
		VolunteerID: m.VolunteerID, VolunteerName: m.VolunteerName, WaiveReason: m.WaiveReason, Appeal: string(m.Appeal),
		AppealReason: m.AppealReason, AppealedAt: creditTime(m.AppealedAt), DecisionReason: m.DecisionReason, DecidedAt: creditTime(m.DecidedAt)}
}

func (x *API) myCredit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	rec, err := x.app.MyCredit(r.Context(), p)
	if err != nil {
		return err
	}
	marks := make([]creditMarkJSON, len(rec.Marks))
	for i, m := range rec.Marks {
		marks[i] = toMarkJSON(m, rec.Now)
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Standing       string           `json:"standing"`
		Good           bool             `json:"good_standing"`
		Stars          int              `json:"stars"`
		RecentMarks    int              `json:"recent_marks"`
		SuspendedUntil *time.Time       `json:"suspended_until"`
		Marks          []creditMarkJSON `json:"marks"`
		Rules          []string         `json:"rules"`
	}{rec.Standing.Code(), rec.Standing.Good, rec.Standing.Stars, rec.Standing.RecentMarks,
		creditTime(rec.Standing.SuspendedUntil), marks, zhiyuan.CreditRules()})
	return nil
}

// markAction runs one of the actions on a mark that take a reason.
func (x *API) markAction(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal,
	do func(id int64, decision zhiyuan.AppealStatus, reason string) (*zhiyuan.CreditMark, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason   string `json:"reason"`
		Decision string `json:"decision"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	m, err := do(id, zhiyuan.AppealStatus(req.Decision), req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toMarkJSON(m, x.app.Now()))
	return nil
}

func (x *API) waiveMark(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.markAction(w, r, p, func(id int64, _ zhiyuan.AppealStatus, reason string) (*zhiyuan.CreditMark, error) {
		return x.app.WaiveMark(r.Context(), p, id, reason)
	})
}

func (x *API) appealMark(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.markAction(w, r, p, func(id int64, _ zhiyuan.AppealStatus, reason string) (*zhiyuan.CreditMark, error) {
		return x.app.AppealMark(r.Context(), p, id, reason)
	})
}

func (x *API) decideAppeal(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.markAction(w, r, p, func(id int64, d zhiyuan.AppealStatus, reason string) (*zhiyuan.CreditMark, error) {
		return x.app.DecideAppeal(r.Context(), p, id, d, reason)
	})
}

func (x *API) getCreditMark(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := x.app.CreditMark(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toMarkJSON(m, x.app.Now()))
	return nil
}

func (x *API) creditAppeals(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	after, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	list, err := x.app.CreditAppeals(r.Context(), p, after)
	if err != nil {
		return err
	}
	now := x.app.Now()
	out := struct {
		Items      []creditMarkJSON `json:"items"`
		NextCursor string           `json:"next_cursor,omitempty"`
	}{Items: make([]creditMarkJSON, len(list))}
	for i, m := range list {
		out.Items[i] = toMarkJSON(m, now)
	}
	if len(list) == zhiyuan.CreditAppealsPage {
		out.NextCursor = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (x *API) sessionCreditMarks(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	marks, err := x.app.SessionCreditMarks(r.Context(), p, id)
	if err != nil {
		return err
	}
	now := x.app.Now()
	out := struct {
		Items []creditMarkJSON `json:"items"`
	}{Items: []creditMarkJSON{}}
	for _, m := range marks {
		out.Items = append(out.Items, toMarkJSON(m, now))
	}
	sortMarks(out.Items)
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func sortMarks(ms []creditMarkJSON) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
}

type policyJSON struct {
	ID                int64   `json:"id"`
	OrgID             int64   `json:"org_id"`
	Insurer           string  `json:"insurer"`
	PolicyNo          string  `json:"policy_no,omitempty"`
	CoverStart        string  `json:"cover_start"`
	CoverEnd          string  `json:"cover_end"`
	AllActivities     bool    `json:"all_activities"`
	ActivityIDs       []int64 `json:"activity_ids,omitempty"`
	NamedOnly         bool    `json:"named_only"`
	InsuredVolunteers []int64 `json:"volunteer_ids,omitempty"`
}

func toPolicyJSON(p *zhiyuan.InsurancePolicy) policyJSON {
	return policyJSON{ID: p.ID, OrgID: p.OrgID, Insurer: p.Insurer, PolicyNo: p.PolicyNo,
		CoverStart: p.CoverStart.Format("2006-01-02"), CoverEnd: p.CoverEnd.Format("2006-01-02"), AllActivities: p.AllActivities,
		ActivityIDs: p.ActivityIDs, NamedOnly: p.NamedOnly, InsuredVolunteers: p.InsuredVolunteers}
}

// policyDate reads a cover date; a bad one is left zero, which Validate names.
func policyDate(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

func (x *API) createPolicy(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req policyJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	pol := &zhiyuan.InsurancePolicy{Insurer: req.Insurer, PolicyNo: req.PolicyNo, CoverStart: policyDate(req.CoverStart),
		CoverEnd: policyDate(req.CoverEnd), AllActivities: req.AllActivities, ActivityIDs: req.ActivityIDs, InsuredVolunteers: req.InsuredVolunteers}
	if err := x.app.CreatePolicy(r.Context(), p, id, pol); err != nil {
		return err
	}
	pol.NamedOnly = len(pol.InsuredVolunteers) > 0
	httpx.WriteJSON(w, http.StatusCreated, toPolicyJSON(pol))
	return nil
}

func (x *API) listPolicies(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, list, err := x.app.OrgPolicies(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := struct {
		Items []policyJSON `json:"items"`
	}{Items: make([]policyJSON, len(list))}
	for i, pol := range list {
		out.Items[i] = toPolicyJSON(pol)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (x *API) activityInsurance(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	act, err := x.app.Activity(r.Context(), p, id)
	if err != nil {
		return err
	}
	ins, err := x.app.ActivityInsurance(r.Context(), p, act)
	if err != nil {
		return err
	}
	out := struct {
		Required bool         `json:"required"`
		Insured  bool         `json:"insured"`
		Policies []policyJSON `json:"policies"`
	}{Required: ins.Required, Insured: ins.Insured, Policies: make([]policyJSON, len(ins.Policies))}
	for i, pol := range ins.Policies {
		out.Policies[i] = toPolicyJSON(pol)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

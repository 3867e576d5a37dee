package api

import (
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// memberJSON is one membership with the volunteer's data masked: admins of the
// organisation see name, volunteer number and a masked phone, never more.
type memberJSON struct {
	ID          int64      `json:"id"`
	OrgID       int64      `json:"org_id"`
	OrgName     string     `json:"org_name"`
	VolunteerID int64      `json:"volunteer_id"`
	Name        string     `json:"name"`
	VolunteerNo string     `json:"volunteer_no"`
	PhoneMasked string     `json:"phone_masked"`
	Status      string     `json:"status"`
	Role        string     `json:"role"`
	AppliedAt   time.Time  `json:"applied_at"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	JoinedAt    *time.Time `json:"joined_at,omitempty"`
}

func toMemberJSON(m *zhiyuan.Membership) memberJSON {
	j := memberJSON{
		ID: m.ID, OrgID: m.OrgID, OrgName: m.OrgName, VolunteerID: m.VolunteerID, Name: m.VolunteerName,
		VolunteerNo: m.VolunteerNo, PhoneMasked: m.Phone, Status: string(m.Status), Role: m.Role, AppliedAt: m.AppliedAt,
	}
	if !m.DecidedAt.IsZero() {
		t := m.DecidedAt
		j.DecidedAt = &t
		if m.Status == zhiyuan.MemberApproved {
			j.JoinedAt = &t
		}
	}
	return j
}

func (x *API) joinOrganization(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := x.app.JoinOrganization(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toMemberJSON(m))
	return nil
}

func (x *API) leaveOrganization(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := x.app.LeaveOrganization(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) listMembers(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	after, limit, err := pageParams(r, 50, 200)
	if err != nil {
		return err
	}
	n := int(limit)
	q := r.URL.Query()
	list, err := x.app.Members(r.Context(), p, app.MemberQuery{OrgID: id, Status: q.Get("status"), Query: q.Get("q"), After: after, Limit: n})
	if err != nil {
		return err
	}
	page := Page[memberJSON]{Items: []memberJSON{}}
	for _, m := range list {
		page.Items = append(page.Items, toMemberJSON(m))
	}
	if len(list) == n {
		page.NextCursor = strconv.FormatInt(list[n-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) decideMember(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, approve bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vid, err := pathID(r, "volunteer_id")
	if err != nil {
		return err
	}
	decide := x.app.RejectMember
	if approve {
		decide = x.app.ApproveMember
	}
	m, err := decide(r.Context(), p, id, vid)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toMemberJSON(m))
	return nil
}

func (x *API) approveMember(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.decideMember(w, r, p, true)
}

func (x *API) rejectMember(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.decideMember(w, r, p, false)
}

type myOrgsJSON struct {
	Items       []memberJSON `json:"items"`
	Administers []orgJSON    `json:"administers"`
	NextCursor  string       `json:"next_cursor"`
}

func (x *API) myOrganizations(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	mine, err := x.app.MyOrgs(r.Context(), p)
	if err != nil {
		return err
	}
	out := myOrgsJSON{Items: []memberJSON{}, Administers: []orgJSON{}}
	for _, m := range mine.Memberships {
		out.Items = append(out.Items, toMemberJSON(m))
	}
	for _, o := range mine.Administers {
		out.Administers = append(out.Administers, x.toOrgJSON(p, o))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

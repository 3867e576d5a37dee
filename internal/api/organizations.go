package api

import (
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/pii"
)

// orgJSON is an organisation as the API shows it. Contact phone and rejection reason are
// only for those who manage or approve the organisation.
type orgJSON struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	Type         string     `json:"type"`
	RegionCode   string     `json:"region_code"`
	RegionName   string     `json:"region_name"`
	ParentID     int64      `json:"parent_id,omitempty"`
	ParentName   string     `json:"parent_name,omitempty"`
	Ancestors    []int64    `json:"ancestors"`
	CreditCode   string     `json:"credit_code,omitempty"`
	ContactName  string     `json:"contact_name"`
	ContactPhone string     `json:"contact_phone,omitempty"`
	Description  string     `json:"description"`
	Status       string     `json:"status"`
	RejectReason string     `json:"reject_reason,omitempty"`
	MemberCount  int        `json:"member_count"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	CanManage    bool       `json:"can_manage"`
	CanApprove   bool       `json:"can_approve"`
}

func (x *API) toOrgJSON(p *zhiyuan.Principal, o *zhiyuan.Organization) orgJSON {
	j := orgJSON{
		ID: o.ID, Name: o.Name, Type: o.Type, RegionCode: o.RegionCode, RegionName: x.app.RegionName(o.RegionCode),
		ParentID: o.ParentID, ParentName: o.ParentName, Ancestors: o.Ancestors, CreditCode: o.CreditCode,
		ContactName: o.ContactName, Description: o.Description, Status: string(o.Status), MemberCount: o.MemberCount,
		CreatedAt: o.CreatedAt, CanManage: x.app.CanManageOrg(p, o), CanApprove: x.app.CanApproveOrg(p, o),
	}
	if j.Ancestors == nil {
		j.Ancestors = []int64{}
	}
	if !o.DecidedAt.IsZero() {
		t := o.DecidedAt
		j.DecidedAt = &t
	}
	if j.CanManage || j.CanApprove {
		j.ContactPhone = pii.MaskPhone(o.ContactPhone)
		j.RejectReason = o.RejectReason
	}
	return j
}

type orgRequest struct {
	Name         string `json:"name"`
	Type         string `json:"type"`
	RegionCode   string `json:"region_code"`
	ParentID     int64  `json:"parent_id"`
	CreditCode   string `json:"credit_code"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
	Description  string `json:"description"`
}

func (x *API) createOrganization(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req orgRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	o, err := x.app.RegisterOrganization(r.Context(), p, app.OrgInput(req))
	if err != nil {
		return err
	}
	// The registrant is an admin from now on; the principal of this request predates it.
	p2 := *p
	p2.Roles = append(append([]zhiyuan.Role{}, p.Roles...), zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: o.ID})
	w.Header().Set("Location", Prefix+"/organizations/"+strconv.FormatInt(o.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, x.toOrgJSON(&p2, o))
	return nil
}

func (x *API) listOrganizations(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	after, limit, err := pageParams(r, 50, 200)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := x.app.Organizations(r.Context(), p, app.OrgQuery{
		Status: q.Get("status"), Region: q.Get("region"), Type: q.Get("type"), Query: q.Get("q"),
		After: after, Limit: int(limit),
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.orgPage(p, list, int(limit)))
	return nil
}

func (x *API) orgPage(p *zhiyuan.Principal, list []*zhiyuan.Organization, limit int) Page[orgJSON] {
	page := Page[orgJSON]{Items: []orgJSON{}}
	for _, o := range list {
		page.Items = append(page.Items, x.toOrgJSON(p, o))
	}
	if len(list) == limit {
		page.NextCursor = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	return page
}

type orgDetail struct {
	orgJSON
	SubOrgCount int       `json:"sub_org_count"`
	Children    []orgJSON `json:"children"`
}

func (x *API) getOrganization(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := x.app.Organization(r.Context(), id)
	if err != nil {
		return err
	}
	children, err := x.app.Children(r.Context(), p, id, 0, 200)
	if err != nil {
		return err
	}
	subs, err := x.app.SubOrgCount(r.Context(), id)
	if err != nil {
		return err
	}
	d := orgDetail{orgJSON: x.toOrgJSON(p, o), SubOrgCount: subs, Children: []orgJSON{}}
	for _, c := range children {
		d.Children = append(d.Children, x.toOrgJSON(p, c))
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (x *API) listChildren(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	after, limit, err := pageParams(r, 50, 200)
	if err != nil {
		return err
	}
	list, err := x.app.Children(r.Context(), p, id, after, int(limit))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.orgPage(p, list, int(limit)))
	return nil
}

func (x *API) approveOrganization(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := x.app.ApproveOrganization(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.toOrgJSON(p, o))
	return nil
}

type rejectRequest struct {
	Reason string `json:"reason"`
}

func (x *API) rejectOrganization(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req rejectRequest
	// No body at all is a missing reason, reported on the field like an empty one.
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	o, err := x.app.RejectOrganization(r.Context(), p, id, req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.toOrgJSON(p, o))
	return nil
}

type orgAdminJSON struct {
	AccountID   int64     `json:"account_id"`
	Name        string    `json:"name"`
	PhoneMasked string    `json:"phone_masked"`
	Since       time.Time `json:"since"`
}

func (x *API) listOrgAdmins(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	admins, err := x.app.OrgAdmins(r.Context(), p, id)
	if err != nil {
		return err
	}
	page := Page[orgAdminJSON]{Items: []orgAdminJSON{}}
	for _, a := range admins {
		page.Items = append(page.Items, orgAdminJSON(a))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type addAdminRequest struct {
	Phone string `json:"phone"`
}

func (x *API) addOrgAdmin(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req addAdminRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	acc, err := x.app.AddOrgAdmin(r.Context(), p, id, req.Phone)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, orgAdminJSON{AccountID: acc.ID, Name: acc.Name, PhoneMasked: pii.MaskPhone(acc.Phone), Since: time.Now().UTC()})
	return nil
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/region"
)

// orgView is an organisation with what its page shows besides the record.
type orgView struct {
	*zhiyuan.Organization
	RegionName string
	CanManage  bool
	CanApprove bool
}

func (x *Web) orgViews(p *zhiyuan.Principal, list []*zhiyuan.Organization) []orgView {
	out := make([]orgView, 0, len(list))
	for _, o := range list {
		out = append(out, x.orgView(p, o))
	}
	return out
}

func (x *Web) orgView(p *zhiyuan.Principal, o *zhiyuan.Organization) orgView {
	return orgView{Organization: o, RegionName: x.app.RegionName(o.RegionCode),
		CanManage: x.app.CanManageOrg(p, o), CanApprove: x.app.CanApproveOrg(p, o)}
}

// orgRegionGroup is a city with the codes an organisation may register in: the city
// itself and its counties.
type orgRegionGroup struct {
	Label   string
	Options []region.Region
}

// orgRegionGroups lists the province, then each city with its counties, for the
// registration form's region select.
func orgRegionGroups(t *region.Tree, province string) []orgRegionGroup {
	prov, ok := t.Lookup(province)
	if !ok {
		return nil
	}
	out := []orgRegionGroup{{Label: prov.Name, Options: []region.Region{prov}}}
	for _, city := range t.Children(prov.Code) {
		g := orgRegionGroup{Label: city.Name, Options: []region.Region{city}}
		if !t.IsCounty(city.Code) {
			for _, c := range t.Children(city.Code) {
				if t.IsCounty(c.Code) {
					g.Options = append(g.Options, c)
				}
			}
		}
		out = append(out, g)
	}
	return out
}

const orgPageSize = 30

func (x *Web) orgDirectory(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("cursor"), 10, 64)
	query := app.OrgQuery{Region: q.Get("region"), Type: q.Get("type"), Query: q.Get("q"), After: after, Limit: orgPageSize}
	list, err := x.app.Organizations(r.Context(), p, query)
	if err != nil && zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
		return err
	}
	data := map[string]any{
		"Title": "志愿服务组织", "Orgs": x.orgViews(p, list), "Types": zhiyuan.OrgTypes,
		"Cities": x.app.Regions.Children("440000"), "Region": query.Region, "Type": query.Type, "Q": query.Query,
	}
	if err != nil {
		data["Error"] = zhiyuan.ErrorMessage(err)
	}
	if len(list) == orgPageSize {
		v := url.Values{"region": {query.Region}, "type": {query.Type}, "q": {query.Query},
			"cursor": {strconv.FormatInt(list[len(list)-1].ID, 10)}}
		data["Next"] = "/orgs?" + v.Encode()
	}
	x.render(w, r, http.StatusOK, "org_list.html", data)
	return nil
}

// orgNotices are the confirmations shown after a redirect.
var orgNotices = map[string]zhiyuan.Msg{
	"registered": "notice.org.registered",
	"approved":   "notice.org.approved",
	"rejected":   "notice.org.rejected",
	"applied":    "notice.org.applied",
	"left":       "notice.org.left",
	"admin":      "notice.org.admin",
	"member":     "notice.org.member",
	"league":     "notice.league.roster",
}

func (x *Web) orgShow(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.org")
	}
	return x.renderOrgShow(w, r, p, id, nil, http.StatusOK)
}

// renderOrgShow shows an organisation's page; league, when not nil, changes its League
// section (a roster count to show again with its error) and status is the answer's.
func (x *Web) renderOrgShow(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, id int64, league func(*leagueSection), status int) error {
	o, err := x.app.Organization(r.Context(), id)
	if err != nil {
		return err
	}
	children, err := x.app.Children(r.Context(), p, id, 0, 200)
	if err != nil {
		return err
	}
	mine, err := x.app.MyMembership(r.Context(), p, id)
	if err != nil {
		return err
	}
	subs, err := x.app.SubOrgCount(r.Context(), id)
	if err != nil {
		return err
	}
	data := map[string]any{
		"Title": o.Name, "Org": x.orgView(p, o), "Children": x.orgViews(p, children), "Mine": mine, "SubOrgs": subs,
		"IsVolunteer": p.Has(zhiyuan.RoleVolunteer), "Notice": zhiyuan.Text(orgNotices[r.URL.Query().Get("done")]),
	}
	// Honours the organisation received (优秀志愿服务组织), public like the page (honours.go).
	if awards, err := x.app.OrgHonoursAwards(r.Context(), o.ID); err == nil && len(awards) > 0 {
		data["Honours"] = awards
	}
	// Ratings communities gave the needs it took (needs.go).
	if rt, err := x.app.OrgNeedRatings(r.Context(), o.ID); err == nil && rt.Count > 0 {
		data["NeedRatings"] = rt
	}
	// Its pairings (结对), for those who run it (pairings.go).
	if list, err := x.app.OrgPairings(r.Context(), p, o.ID); err == nil {
		data["Pairings"], data["PairingsShown"] = list, true
	}
	if sec := x.orgLeague(r, p, o); sec != nil {
		if league != nil {
			league(sec)
		}
		data["League"] = sec
	}
	x.render(w, r, status, "org_show.html", data)
	return nil
}

// orgFormData is the registration form of an organisation under parent (0 for none),
// with the region chosen so far (code; "" for the parent's, or none).
func (x *Web) orgFormData(ctx context.Context, parent int64, code string) map[string]any {
	data := map[string]any{
		"Title": "登记组织", "Types": zhiyuan.OrgTypes, "Form": app.OrgInput{ParentID: parent, RegionCode: code},
	}
	if parent > 0 {
		if o, err := x.app.Organization(ctx, parent); err == nil && o.Status == zhiyuan.OrgApproved {
			data["Parent"] = o
			if code == "" {
				code = o.RegionCode
				data["Form"] = app.OrgInput{ParentID: parent, RegionCode: code}
			}
		}
	}
	// An organisation may be of a province, a city or a district: the deepest level chosen.
	data["Picker"] = newRegionPicker(x.app.Regions, "region_code", "所在地区", code, region.County)
	return data
}

func (x *Web) orgNewForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	parent, _ := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64)
	x.render(w, r, http.StatusOK, "org_new.html", x.orgFormData(r.Context(), parent, ""))
	return nil
}

func (x *Web) orgCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_unreadable")
	}
	parent, _ := strconv.ParseInt(trim(r, "parent_id"), 10, 64)
	in := app.OrgInput{
		Name: trim(r, "name"), Type: trim(r, "type"), RegionCode: pickedRegion(x.app.Regions, r, "region_code"), ParentID: parent,
		CreditCode: trim(r, "credit_code"), ContactName: trim(r, "contact_name"), ContactPhone: trim(r, "contact_phone"),
		Description: trim(r, "description"),
	}
	if picking(r) {
		data := x.orgFormData(r.Context(), parent, in.RegionCode)
		data["Form"] = in
		x.render(w, r, http.StatusOK, "org_new.html", data)
		return nil
	}
	o, err := x.app.RegisterOrganization(r.Context(), p, in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		data := x.orgFormData(r.Context(), parent, in.RegionCode)
		data["Form"], data["Error"], data["Fields"] = in, msg, fields
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "org_new.html", data)
		return nil
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10)+"?done=registered", http.StatusSeeOther)
	return nil
}

// orgBack is where a decision form returns to: the page it came from (a same-site path
// in the form's "back" field), or fallback; done names the notice to show there.
func orgBack(r *http.Request, fallback, done string) string {
	back := safeNext(r.PostFormValue("back"))
	if back == "/" {
		back = fallback
	}
	u, err := url.Parse(back)
	if err != nil {
		u = &url.URL{Path: fallback}
	}
	q := u.Query()
	q.Set("done", done)
	u.RawQuery = q.Encode()
	return u.String()
}

func (x *Web) orgApprove(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.org")
	}
	if _, err := x.app.ApproveOrganization(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, orgBack(r, "/admin/orgs", "approved"), http.StatusSeeOther)
	return nil
}

func (x *Web) orgReject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.org")
	}
	if _, err := x.app.RejectOrganization(r.Context(), p, id, r.PostFormValue("reason")); err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.EInvalid {
			// Show the admin list again with the message beside the organisation.
			return x.renderOrgAdmin(w, r, p, id, err)
		}
		return err
	}
	http.Redirect(w, r, orgBack(r, "/admin/orgs", "rejected"), http.StatusSeeOther)
	return nil
}

func (x *Web) orgAdminList(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderOrgAdmin(w, r, p, 0, nil)
}

// renderOrgAdmin shows the pending organisations in the caller's scope; failedID and
// failure name a rejection that needs fixing.
func (x *Web) renderOrgAdmin(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, failedID int64, failure error) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("cursor"), 10, 64)
	query := app.OrgQuery{Status: "pending", Region: q.Get("region"), After: after, Limit: orgPageSize}
	list, err := x.app.Organizations(r.Context(), p, query)
	if err != nil {
		return err
	}
	data := map[string]any{
		"Title": "组织审核", "Orgs": x.orgViews(p, list), "Region": query.Region,
		"Notice": zhiyuan.Text(orgNotices[q.Get("done")]), "FailedID": failedID,
		"Regions": scopeRegionGroups(x.app.Regions, p.RegionScopes()),
	}
	status := http.StatusOK
	if failure != nil {
		data["Error"] = zhiyuan.ErrorMessage(failure)
		status = httpx.Status(zhiyuan.ErrorCode(failure))
	}
	if len(list) == orgPageSize {
		data["Next"] = "/admin/orgs?" + url.Values{"region": {query.Region}, "cursor": {strconv.FormatInt(list[len(list)-1].ID, 10)}}.Encode()
	}
	x.render(w, r, status, "org_admin.html", data)
	return nil
}

func (x *Web) orgMine(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	mine, err := x.app.MyOrgs(r.Context(), p)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "org_mine.html", map[string]any{
		"Title": "我的组织", "Memberships": mine.Memberships, "Administers": x.orgViews(p, mine.Administers),
		"IsVolunteer": p.Has(zhiyuan.RoleVolunteer),
	})
	return nil
}

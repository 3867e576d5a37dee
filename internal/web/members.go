package web

import (
	"net/http"
	"net/url"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

const memberPageSize = 50

func pathInt(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.page")
	}
	return id, nil
}

func (x *Web) memberList(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderMembers(w, r, p, nil, "")
}

// renderMembers shows one page of an organisation's members to those who manage it;
// failure and phone redisplay the add-admin form after a mistake.
func (x *Web) renderMembers(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, failure error, phone string) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("cursor"), 10, 64)
	query := app.MemberQuery{OrgID: id, Status: q.Get("status"), Query: q.Get("q"), After: after, Limit: memberPageSize}
	list, err := x.app.Members(r.Context(), p, query)
	if zhiyuan.ErrorCode(err) == zhiyuan.EInvalid {
		query.Status = ""
		list, err = x.app.Members(r.Context(), p, query)
	}
	if err != nil {
		return err
	}
	o, err := x.app.Organization(r.Context(), id)
	if err != nil {
		return err
	}
	admins, err := x.app.OrgAdmins(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := map[string]any{
		"Title": o.Name + " · 成员", "Org": x.orgView(p, o), "Members": list, "Admins": admins,
		"Status": query.Status, "Q": query.Query, "Notice": zhiyuan.Text(orgNotices[q.Get("done")]), "Phone": phone,
		"Statuses": []zhiyuan.MemberStatus{zhiyuan.MemberPending, zhiyuan.MemberApproved, zhiyuan.MemberRejected, zhiyuan.MemberLeft},
		"Back":     r.URL.RequestURI(),
	}
	status := http.StatusOK
	if failure != nil {
		data["Fields"], data["Error"] = formProblems(failure)
		status = httpx.Status(zhiyuan.ErrorCode(failure))
	}
	if len(list) == memberPageSize {
		v := url.Values{"status": {query.Status}, "q": {query.Query}, "cursor": {strconv.FormatInt(list[len(list)-1].ID, 10)}}
		data["Next"] = "/orgs/" + strconv.FormatInt(id, 10) + "/members?" + v.Encode()
	}
	x.render(w, r, status, "org_members.html", data)
	return nil
}

func (x *Web) memberDecide(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, approve bool) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	vid, err := pathInt(r, "volunteer_id")
	if err != nil {
		return err
	}
	decide := x.app.RejectMember
	if approve {
		decide = x.app.ApproveMember
	}
	if _, err := decide(r.Context(), p, id, vid); err != nil {
		return err
	}
	http.Redirect(w, r, orgBack(r, "/orgs/"+strconv.FormatInt(id, 10)+"/members", "member"), http.StatusSeeOther)
	return nil
}

func (x *Web) memberApprove(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.memberDecide(w, r, p, true)
}

func (x *Web) memberReject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.memberDecide(w, r, p, false)
}

func (x *Web) memberJoin(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.JoinOrganization(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(id, 10)+"?done=applied", http.StatusSeeOther)
	return nil
}

func (x *Web) memberLeave(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	if err := x.app.LeaveOrganization(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(id, 10)+"?done=left", http.StatusSeeOther)
	return nil
}

func (x *Web) orgAddAdmin(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	phone := trim(r, "phone")
	if _, err := x.app.AddOrgAdmin(r.Context(), p, id, phone); err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.EInvalid {
			return x.renderMembers(w, r, p, err, phone)
		}
		return err
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(id, 10)+"/members?done=admin", http.StatusSeeOther)
	return nil
}

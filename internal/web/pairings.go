package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// Pages of pairings (结对, issue 15): the caller's pairings (an organisation's and a
// community's), the form an organisation pairs with a recipient by (from a need or not),
// and a pairing's page with its visits held, awaiting and missed; ending early asks first.

// pairingForm is the pairing form as entered, kept to show again with its problems.
type pairingForm struct {
	OrgID, NeedID, Recipient, TargetGroup, Category, RegionCode, Address, Contact string
	StartsOn, EndsOn, EveryDays, VisitTime, VisitMinutes, Volunteers              string
}

// pairingOrgs are the approved organisations the caller may pair for: those they are an
// admin of, and also, when they manage it (a regional admin from its page), the one named
// by chosen (the org_id of the form or its link).
func (x *Web) pairingOrgs(r *http.Request, p *zhiyuan.Principal, chosen string) []*zhiyuan.Organization {
	var out []*zhiyuan.Organization
	seen := map[int64]bool{}
	if id, err := strconv.ParseInt(chosen, 10, 64); err == nil && id > 0 {
		if o, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, id); err == nil && o.Status == zhiyuan.OrgApproved {
			seen[id] = true
			out = append(out, o)
		}
	}
	for _, role := range p.Roles {
		if role.Kind == zhiyuan.RoleOrgAdmin && role.OrgID != 0 && !seen[role.OrgID] {
			seen[role.OrgID] = true
			if o, err := x.app.Organization(r.Context(), role.OrgID); err == nil && o.Status == zhiyuan.OrgApproved {
				out = append(out, o)
			}
		}
	}
	return out
}

func (x *Web) pairingsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.Pairings(r.Context(), p)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "pairings.html", map[string]any{"Title": "结对探访", "Pairings": list,
		"CanCreate": len(x.pairingOrgs(r, p, "")) > 0})
	return nil
}

func (x *Web) pairingNewPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	f := pairingForm{OrgID: r.URL.Query().Get("org_id"), EveryDays: "7", VisitTime: "09:30", VisitMinutes: "120", Volunteers: "2",
		Category: string(zhiyuan.CatElderly)}
	if id, err := strconv.ParseInt(r.URL.Query().Get("need_id"), 10, 64); err == nil && id > 0 {
		n, err := x.app.Need(r.Context(), p, id)
		if err != nil {
			return err
		}
		f.NeedID = strconv.FormatInt(n.ID, 10)
		f.TargetGroup, f.Category, f.RegionCode, f.Address = n.TargetGroup, string(n.Category), n.RegionCode, n.Address
		f.StartsOn = n.StartsAt.In(zhiyuan.Beijing).Format("2006-01-02")
	}
	return x.renderPairingNew(w, r, p, http.StatusOK, f, nil)
}

func (x *Web) renderPairingNew(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, f pairingForm, formErr error) error {
	orgs := x.pairingOrgs(r, p, f.OrgID)
	if len(orgs) == 0 {
		return zhiyuan.Fail(zhiyuan.EForbidden, "pairing.org_required")
	}
	data := map[string]any{"Title": "建立结对", "Form": f, "Orgs": orgs, "Categories": zhiyuan.Categories,
		"Grace": int(zhiyuan.PairingVisitGrace.Hours())}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "pairing_new.html", data)
	return nil
}

func (x *Web) pairingCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	f := pairingForm{OrgID: trim(r, "org_id"), NeedID: trim(r, "need_id"), Recipient: trim(r, "recipient"), TargetGroup: trim(r, "target_group"),
		Category: trim(r, "category"), RegionCode: trim(r, "region_code"), Address: trim(r, "address"), Contact: trim(r, "contact"),
		StartsOn: trim(r, "starts_on"), EndsOn: trim(r, "ends_on"), EveryDays: trim(r, "every_days"), VisitTime: trim(r, "visit_time"),
		VisitMinutes: trim(r, "visit_minutes"), Volunteers: trim(r, "volunteers_per_visit")}
	pr := zhiyuan.Problems{}
	in := zhiyuan.Pairing{Recipient: f.Recipient, TargetGroup: f.TargetGroup, Category: zhiyuan.Category(f.Category),
		RegionCode: f.RegionCode, Address: f.Address, Contact: f.Contact, StartsOn: f.StartsOn, EndsOn: f.EndsOn, VisitTime: f.VisitTime}
	in.OrgID = int64(integerField(pr, "org_id", f.OrgID))
	in.NeedID = int64(integerField(pr, "need_id", f.NeedID))
	in.EveryDays = integerField(pr, "every_days", f.EveryDays)
	in.VisitMinutes = integerField(pr, "visit_minutes", f.VisitMinutes)
	in.VolunteersPerVisit = integerField(pr, "volunteers_per_visit", f.Volunteers)
	if err := pr.Err(); err != nil {
		return x.renderPairingNew(w, r, p, http.StatusUnprocessableEntity, f, err)
	}
	pg, err := x.app.CreatePairing(r.Context(), p, in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderPairingNew(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/pairings/%d?ok=%s", pg.ID, url.QueryEscape(zhiyuan.Text("notice.pairing_created"))), http.StatusSeeOther)
	return nil
}

func (x *Web) pairingPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderPairing(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderPairing(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pg, err := x.app.Pairing(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "结对：" + pg.Recipient, "P": pg, "OK": r.URL.Query().Get("ok"),
		"CanManage": x.app.CanManagePairing(r.Context(), p, pg), "CanEnd": x.app.CanEndPairing(r.Context(), p, pg),
		"Grace": int(zhiyuan.PairingVisitGrace.Hours())}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "pairing_show.html", data)
	return nil
}

func (x *Web) askEndPairing(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	pg, err := x.app.Pairing(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	if pg.Status != zhiyuan.PairingActive {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "pairing.ended")
	}
	return &confirmation{Title: zhiyuan.Text("confirm.end_pairing_title"), Subject: pg.Recipient + "（" + pg.OrgName + "）",
		Consequence: []string{zhiyuan.Text("confirm.end_pairing"), zhiyuan.Text("confirm.end_pairing_activity")}, Danger: true,
		Action: fmt.Sprintf("/pairings/%d/end", pg.ID), Button: "提前结束结对", Back: fmt.Sprintf("/pairings/%d", pg.ID)}, nil
}

func (x *Web) endPairingForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := x.app.EndPairing(r.Context(), p, id); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderPairing(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/pairings/%d?ok=%s", id, url.QueryEscape(zhiyuan.Text("notice.pairing_ended"))), http.StatusSeeOther)
	return nil
}

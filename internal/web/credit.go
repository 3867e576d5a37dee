package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// Pages of the credit record: 我的信用 (rules, standing, marks), one mark's page (the
// volunteer's appeal, the organisation's waiver, the region's decision, each asking
// first as it cannot be undone), the region's queue of appeals; and the organisation's
// accident insurance policies.

func (x *Web) myCreditPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	rec, err := x.app.MyCredit(r.Context(), p)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "credit_mine.html", map[string]any{
		"Title": "我的信用", "Rec": rec, "Rules": zhiyuan.CreditRules(), "Now": rec.Now, "Notice": r.URL.Query().Get("ok"),
	})
	return nil
}

func (x *Web) creditMarkPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderCreditMark(w, r, p, http.StatusOK, nil, "")
}

// renderCreditMark draws one mark's page with the forms the caller may use; formErr and
// form name the form that failed ("appeal", "waive", "decide"), which keeps its input.
func (x *Web) renderCreditMark(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error, form string) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	m, err := x.app.CreditMark(r.Context(), p, id)
	if err != nil {
		return err
	}
	now := x.app.Now()
	mine := m.AccountID == p.AccountIDOrZero()
	data := map[string]any{
		"Title": "信用记录", "M": m, "Now": now, "Notice": r.URL.Query().Get("ok"),
		"When":      zhiyuan.SessionLabel(m.SessionStart, m.SessionEnd, m.TimeZone),
		"CanAppeal": mine && m.CanAppeal(now),
		"CanWaive":  !mine && m.Counts(now) && x.canManageOrgID(r, p, m.OrgID),
		"CanDecide": m.Appeal == zhiyuan.AppealPending && x.app.CanDecideAppeal(p, m.OrgRegion),
		"Form":      form, "Reason": r.PostFormValue("reason"), "Decision": r.PostFormValue("decision"),
	}
	if mine {
		data["Back"] = "/me/credit"
	}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "credit_mark.html", data)
	return nil
}

// canManageOrgID reports whether p manages organisation id, for showing the waiver form
// (the waiver itself is authorised by App.WaiveMark).
func (x *Web) canManageOrgID(r *http.Request, p *zhiyuan.Principal, id int64) bool {
	_, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, id)
	return err == nil
}

// markForm runs one of a mark's actions and goes back to the mark's page, or shows the
// page again with the form's errors.
func (x *Web) markForm(form string, do func(r *http.Request, p *zhiyuan.Principal, id int64) error, notice zhiyuan.Msg) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		id, err := hrID(r, "id")
		if err != nil {
			return err
		}
		if err := do(r, p, id); err != nil {
			if !isFormError(err) {
				return err
			}
			return x.renderCreditMark(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err, form)
		}
		http.Redirect(w, r, fmt.Sprintf("/credit-marks/%d?ok=%s", id, url.QueryEscape(zhiyuan.Text(notice))), http.StatusSeeOther)
		return nil
	}
}

func (x *Web) appealMarkForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.markForm("appeal", func(r *http.Request, p *zhiyuan.Principal, id int64) error {
		_, err := x.app.AppealMark(r.Context(), p, id, trim(r, "reason"))
		return err
	}, "credit.appealed_notice")(w, r, p)
}

func (x *Web) waiveMarkForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.markForm("waive", func(r *http.Request, p *zhiyuan.Principal, id int64) error {
		_, err := x.app.WaiveMark(r.Context(), p, id, trim(r, "reason"))
		return err
	}, "credit.waived_notice")(w, r, p)
}

func (x *Web) decideAppealForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.markForm("decide", func(r *http.Request, p *zhiyuan.Principal, id int64) error {
		_, err := x.app.DecideAppeal(r.Context(), p, id, zhiyuan.AppealStatus(r.PostFormValue("decision")), trim(r, "reason"))
		return err
	}, "credit.decided_notice")(w, r, p)
}

// askMark is the confirmation of one of a mark's actions.
func (x *Web) askMark(action string) askFunc {
	return func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		id, err := hrID(r, "id")
		if err != nil {
			return nil, err
		}
		m, err := x.app.CreditMark(r.Context(), p, id)
		if err != nil {
			return nil, err
		}
		c := &confirmation{Subject: m.Kind.Chinese() + " · " + m.ActivityTitle + " · " + zhiyuan.SessionLabel(m.SessionStart, m.SessionEnd, m.TimeZone),
			Action: fmt.Sprintf("/credit-marks/%d/%s", id, action), Back: fmt.Sprintf("/credit-marks/%d", id)}
		switch action {
		case "appeal":
			c.Title, c.Button = zhiyuan.Text("confirm.credit_appeal_title"), "提交申诉"
			c.Consequence = []string{zhiyuan.Text("confirm.credit_appeal")}
		case "waive":
			c.Title, c.Button = zhiyuan.Text("confirm.credit_waive_title"), "撤销记录"
			c.Consequence = []string{zhiyuan.Text("confirm.credit_waive", "name", m.VolunteerName)}
		default:
			c.Title, c.Button = zhiyuan.Text("confirm.credit_decide_title"), "提交裁定"
			if zhiyuan.AppealStatus(r.FormValue("decision")) == zhiyuan.AppealWaived {
				c.Consequence = []string{zhiyuan.Text("confirm.credit_decide_waive", "name", m.VolunteerName)}
			} else {
				c.Danger = true
				c.Consequence = []string{zhiyuan.Text("confirm.credit_decide_uphold", "name", m.VolunteerName)}
			}
		}
		return c, nil
	}
}

func (x *Web) creditAppealsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	after, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
	list, err := x.app.CreditAppeals(r.Context(), p, after)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "信用申诉", "Appeals": list}
	if len(list) == zhiyuan.CreditAppealsPage {
		data["Next"] = fmt.Sprintf("/admin/credit-appeals?cursor=%d", list[len(list)-1].ID)
	}
	x.render(w, r, http.StatusOK, "credit_appeals.html", data)
	return nil
}

// Insurance.

func (x *Web) orgInsurancePage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderOrgInsurance(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderOrgInsurance(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, list, err := x.app.OrgPolicies(r.Context(), p, id)
	if err != nil {
		return err
	}
	acts, _, err := x.app.OrgActivities(r.Context(), p, id, "", 0, 200)
	if err != nil {
		return err
	}
	titles := map[int64]string{}
	for _, a := range acts {
		titles[a.ID] = a.Title
	}
	picked := map[string]bool{}
	for _, v := range r.PostForm["activity_ids"] {
		picked[v] = true
	}
	data := map[string]any{
		"Title": o.Name + " · 保险保单", "Org": o, "Policies": list, "Activities": acts, "Titles": titles, "Picked": picked,
		"MaxInsurer": zhiyuan.MaxInsurerRunes, "MaxPolicyNo": zhiyuan.MaxPolicyNoLen, "Notice": r.URL.Query().Get("ok"),
		"F": map[string]string{"insurer": r.PostFormValue("insurer"), "policy_no": r.PostFormValue("policy_no"),
			"cover_start": r.PostFormValue("cover_start"), "cover_end": r.PostFormValue("cover_end"), "all": r.PostFormValue("all_activities"),
			"insured_nos": r.PostFormValue("insured_nos")},
	}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "org_insurance.html", data)
	return nil
}

func (x *Web) orgInsuranceCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_bad")
	}
	pol := &zhiyuan.InsurancePolicy{Insurer: trim(r, "insurer"), PolicyNo: trim(r, "policy_no"),
		AllActivities: r.PostFormValue("all_activities") != "", ActivityIDs: formIDs(r, "activity_ids")}
	pol.CoverStart, _ = time.Parse("2006-01-02", strings.TrimSpace(r.PostFormValue("cover_start")))
	pol.CoverEnd, _ = time.Parse("2006-01-02", strings.TrimSpace(r.PostFormValue("cover_end")))
	pol.InsuredVolunteers, err = x.app.InsuredByNos(r.Context(), p, id, r.PostFormValue("insured_nos"))
	pol.NamedOnly = len(pol.InsuredVolunteers) > 0
	if err == nil {
		err = x.app.CreatePolicy(r.Context(), p, id, pol)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderOrgInsurance(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/orgs/%d/insurance?ok=%s", id, url.QueryEscape(zhiyuan.Text("insurance.saved_notice"))), http.StatusSeeOther)
	return nil
}

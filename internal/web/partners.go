package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Partners (联合激励单位) and benefits (权益): the volunteers' list and their claims, the
// partner's page (staff, benefits), the gate (/partner/scan) and the regional approvals.

// benefitsPage lists open benefits, with why the caller does (not) qualify.
func (x *Web) benefitsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderBenefits(w, r, p, http.StatusOK, "")
}

func (x *Web) renderBenefits(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, message string) error {
	q := r.URL.Query()
	data := map[string]any{"Title": "志愿者权益", "Categories": zhiyuan.BenefitCategories, "Q": q, "Error": message,
		"Notice": q.Get("notice")}
	isVolunteer := p.Has(zhiyuan.RoleVolunteer)
	data["IsVolunteer"] = isVolunteer
	list, err := x.app.Benefits(r.Context(), p, app.BenefitQuery{Near: q.Get("near"), Category: q.Get("category"),
		Region: q.Get("region"), Eligible: q.Get("eligible") == "1" && isVolunteer})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		data["Fields"], data["Error"], status = fields, msg, httpx.Status(zhiyuan.ErrorCode(err))
	}
	data["Items"] = list
	x.render(w, r, status, "benefits.html", data)
	return nil
}

// benefitClaim claims a benefit and shows the code on 我的权益.
func (x *Web) benefitClaim(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := x.app.ClaimBenefit(r.Context(), p, id); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderBenefits(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), zhiyuan.ErrorMessage(err))
	}
	http.Redirect(w, r, "/me/benefits?notice="+url.QueryEscape(zhiyuan.Text("notice.benefit_claimed")), http.StatusSeeOther)
	return nil
}

// claimView is a claim with its QR code drawn.
type claimView struct {
	app.MyClaim
	QR template.URL
}

// myBenefitsPage shows the caller's claims (a QR code for each usable one) and the uses
// partners recorded.
func (x *Web) myBenefitsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	data := map[string]any{"Title": "我的权益", "Notice": r.URL.Query().Get("notice")}
	claims, err := x.app.MyClaims(r.Context(), p)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		data["NotVolunteer"] = true
		x.render(w, r, http.StatusOK, "benefits_mine.html", data)
		return nil
	}
	if err != nil {
		return err
	}
	views := make([]claimView, 0, len(claims))
	for _, c := range claims {
		v := claimView{MyClaim: c}
		if c.Code != "" {
			if v.QR, err = qrDataURL(x.publicBase(r) + "/partner/scan?code=" + c.Code); err != nil {
				return err
			}
		}
		views = append(views, v)
	}
	uses, err := x.app.MyBenefitUses(r.Context(), p)
	if err != nil {
		return err
	}
	data["Claims"], data["Uses"] = views, uses
	x.render(w, r, http.StatusOK, "benefits_mine.html", data)
	return nil
}

// partnerScanForm is the gate: a camera (scan.js with jsQR) and a text box for what was
// scanned, and the benefit to check a card against.
func (x *Web) partnerScanForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	form := url.Values{}
	// A redemption QR opened by a phone's own camera app lands here with ?code=.
	if c := r.URL.Query().Get("code"); c != "" {
		form.Set("payload", c)
	}
	return x.renderScan(w, r, p, http.StatusOK, form, nil, nil)
}

func (x *Web) renderScan(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, form url.Values, ans *app.GateAnswer, formErr error) error {
	pt, err := x.app.MyPartner(r.Context(), p)
	if err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			return zhiyuan.Fail(zhiyuan.EForbidden, "partner.none")
		}
		return err
	}
	benefits, err := x.app.PartnerBenefits(r.Context(), p, pt.ID)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "权益核验", "Partner": pt, "Benefits": benefits, "Form": form, "Answer": ans}
	if ans != nil {
		data["Stars"] = stars(ans.StarLevel)
	}
	if formErr != nil {
		fields, msg := formProblems(formErr)
		data["Fields"], data["Error"] = fields, msg
	}
	x.render(w, r, status, "partner_scan.html", data)
	return nil
}

func gateInput(r *http.Request) (app.GateInput, url.Values) {
	form := url.Values{"payload": {trim(r, "payload")}, "benefit_id": {trim(r, "benefit_id")}}
	id, _ := strconv.ParseInt(form.Get("benefit_id"), 10, 64)
	return app.GateInput{Payload: form.Get("payload"), BenefitID: id}, form
}

// partnerScan checks what was scanned and shows the answer, with the button that records
// the use when the volunteer qualifies.
func (x *Web) partnerScan(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	in, form := gateInput(r)
	ans, err := x.app.CheckAtGate(r.Context(), p, in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderScan(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), form, nil, err)
	}
	return x.renderScan(w, r, p, http.StatusOK, form, ans, nil)
}

// askUse is the confirmation of recording a use: the check's answer itself.
func (x *Web) askUse(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	in, form := gateInput(r)
	ans, err := x.app.CheckAtGate(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	if !ans.Eligible {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "payload", "benefit.not_eligible", "reason", ans.Reason)
	}
	return &confirmation{
		Title: zhiyuan.Text("confirm.benefit_use_title"), Subject: ans.Benefit,
		Consequence: []string{zhiyuan.Text("confirm.benefit_use", "name", ans.MaskedName, "price", ans.PriceRule)},
		Action:      "/partner/uses", Button: "记录使用", Back: "/partner/scan",
		Hidden: []hiddenField{{"payload", form.Get("payload")}, {"benefit_id", form.Get("benefit_id")}},
	}, nil
}

// partnerUse records the use and shows it.
func (x *Web) partnerUse(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	in, form := gateInput(r)
	ans, err := x.app.RecordUse(r.Context(), p, in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderScan(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), form, nil, err)
	}
	return x.renderScan(w, r, p, http.StatusOK, url.Values{}, ans, nil)
}

// partnerHome is the partner's own page: its status, benefits and (for admins) staff and
// the forms to add staff and publish a benefit.
func (x *Web) partnerHome(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderPartnerHome(w, r, p, http.StatusOK, "", nil, nil)
}

func (x *Web) renderPartnerHome(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, which string, form url.Values, formErr error) error {
	pt, err := x.app.MyPartner(r.Context(), p)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		http.Redirect(w, r, "/partners/new", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	data := map[string]any{"Title": pt.Name, "Partner": pt, "RegionName": x.app.RegionName(pt.RegionCode),
		"Notice": r.URL.Query().Get("notice"), "Form": form, "Which": which, "Categories": zhiyuan.BenefitCategories,
		"Kinds": zhiyuan.EligibilityKinds, "Periods": zhiyuan.LimitPeriods, "DefaultPrice": zhiyuan.DefaultPriceRule.String()}
	if form == nil {
		data["Form"] = url.Values{"price_rule": {zhiyuan.DefaultPriceRule.String()}}
	}
	if pt.Status == zhiyuan.OrgApproved {
		if data["Benefits"], err = x.app.PartnerBenefits(r.Context(), p, pt.ID); err != nil {
			return err
		}
	}
	if x.app.CanManagePartner(p, pt) {
		data["Admin"] = true
		if data["Staff"], err = x.app.PartnerStaff(r.Context(), p, pt.ID); err != nil {
			return err
		}
	}
	if formErr != nil {
		fields, msg := formProblems(formErr)
		data["Fields"], data["Error"] = fields, msg
	}
	x.render(w, r, status, "partner_home.html", data)
	return nil
}

// partnerAddStaff adds an account to the caller's partner.
func (x *Web) partnerAddStaff(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	pt, err := x.app.MyPartner(r.Context(), p)
	if err != nil {
		return err
	}
	form := url.Values{"phone": {trim(r, "phone")}, "admin": {trim(r, "admin")}}
	if err := x.app.AddPartnerStaff(r.Context(), p, pt.ID, form.Get("phone"), form.Get("admin") == "1"); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderPartnerHome(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), "staff", form, err)
	}
	http.Redirect(w, r, "/partner?notice="+url.QueryEscape(zhiyuan.Text("notice.partner_staff_added")), http.StatusSeeOther)
	return nil
}

// partnerRemoveStaff takes an account off the caller's partner (asked first).
func (x *Web) partnerRemoveStaff(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	pt, err := x.app.MyPartner(r.Context(), p)
	if err != nil {
		return err
	}
	account, err := strconv.ParseInt(r.PathValue("account"), 10, 64)
	if err != nil {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.partner_staff")
	}
	if err := x.app.RemovePartnerStaff(r.Context(), p, pt.ID, account); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderPartnerHome(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), "", nil, err)
	}
	http.Redirect(w, r, "/partner?notice="+url.QueryEscape(zhiyuan.Text("notice.partner_staff_removed")), http.StatusSeeOther)
	return nil
}

// partnerPublish publishes a benefit of the caller's partner.
func (x *Web) partnerPublish(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	pt, err := x.app.MyPartner(r.Context(), p)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_bad")
	}
	form := r.PostForm
	// A box that is not a number is named, never read as 0 (a stock of 0 is "no limit").
	pr := zhiyuan.Problems{}
	in := app.BenefitInput{Title: form.Get("title"), Description: form.Get("description"), Category: form.Get("category"),
		Address: form.Get("address"), Lat: decimalField(pr, "lat", form.Get("lat")), Lng: decimalField(pr, "lng", form.Get("lng")),
		ValidFrom: form.Get("valid_from"), ValidUntil: form.Get("valid_until"), Eligibility: form.Get("eligibility"),
		MinStars: integerField(pr, "min_stars", form.Get("min_stars")), MinHours: decimalField(pr, "min_hours", form.Get("min_hours")),
		PriceRule: form.Get("price_rule"), LimitCount: integerField(pr, "limit_count", form.Get("limit_count")),
		LimitPeriod: form.Get("limit_period"), Stock: integerField(pr, "stock", form.Get("stock"))}
	err = pr.Err()
	if err == nil {
		_, err = x.app.PublishBenefit(r.Context(), p, pt.ID, in)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderPartnerHome(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), "benefit", form, err)
	}
	http.Redirect(w, r, "/partner?notice="+url.QueryEscape(zhiyuan.Text("notice.benefit_published")), http.StatusSeeOther)
	return nil
}

// partnerNewForm is the application form of a partner.
func (x *Web) partnerNewForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	x.render(w, r, http.StatusOK, "partner_new.html", map[string]any{"Title": "申请成为合作单位", "Form": url.Values{}})
	return nil
}

// partnerApply records the application; the applicant becomes its admin.
func (x *Web) partnerApply(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	in := app.PartnerInput{Name: trim(r, "name"), CreditCode: trim(r, "credit_code"), RegionCode: trim(r, "region_code"),
		ContactName: trim(r, "contact_name"), ContactPhone: trim(r, "contact_phone")}
	if _, err := x.app.ApplyPartner(r.Context(), p, in); err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "partner_new.html", map[string]any{"Title": "申请成为合作单位",
			"Form": r.PostForm, "Fields": fields, "Error": msg})
		return nil
	}
	http.Redirect(w, r, "/partner?notice="+url.QueryEscape(zhiyuan.Text("notice.partner_applied")), http.StatusSeeOther)
	return nil
}

// partnerAdminList lists the partners waiting for the caller's decision.
func (x *Web) partnerAdminList(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	all := r.URL.Query().Get("status") == "all"
	list, err := x.app.PendingPartners(r.Context(), p, all)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, pt := range list {
		names[pt.RegionCode] = x.app.RegionName(pt.RegionCode)
	}
	x.render(w, r, http.StatusOK, "partner_admin.html", map[string]any{"Title": "合作单位审核", "Partners": list, "All": all,
		"RegionNames": names, "Notice": r.URL.Query().Get("notice")})
	return nil
}

// askPartnerDecide is the confirmation of approving or rejecting a partner.
func (x *Web) askPartnerDecide(approve bool) askFunc {
	return func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		id, err := pathID(r)
		if err != nil {
			return nil, err
		}
		pt, err := x.app.Partner(r.Context(), p, id)
		if err != nil {
			return nil, err
		}
		if !x.app.CanApprovePartner(p, pt) {
			return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
		}
		if pt.Status != zhiyuan.OrgPending {
			return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "partner.decided", "status", pt.Status.Chinese())
		}
		c := &confirmation{Subject: pt.Name, Back: "/admin/partners"}
		if approve {
			c.Title, c.Button, c.Action = zhiyuan.Text("confirm.partner_approve_title"), "审核通过", fmt.Sprintf("/admin/partners/%d/approve", id)
			c.Consequence = []string{zhiyuan.Text("confirm.partner_approve", "partner", pt.Name)}
		} else {
			c.Title, c.Button, c.Danger, c.Action = zhiyuan.Text("confirm.org_reject_title"), "驳回", true, fmt.Sprintf("/admin/partners/%d/reject", id)
			c.Consequence = []string{zhiyuan.Text("confirm.org_reject")}
			if reason := trim(r, "reason"); reason != "" {
				c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.reject_reason", "reason", reason))
				c.Hidden = []hiddenField{{"reason", reason}}
			}
		}
		return c, nil
	}
}

func (x *Web) partnerApprove(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := x.app.ApprovePartner(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/partners?notice="+url.QueryEscape(zhiyuan.Text("notice.partner_approved")), http.StatusSeeOther)
	return nil
}

func (x *Web) partnerReject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := x.app.RejectPartner(r.Context(), p, id, trim(r, "reason")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/partners?notice="+url.QueryEscape(zhiyuan.Text("notice.partner_rejected")), http.StatusSeeOther)
	return nil
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Pages of recognition and care (docs/honours.md): the volunteer's 我的荣誉 (awards,
// training, evaluation summary, the activities to rate, care visits), an organisation's
// 表彰与培训 (grant an award, record training and care visits), a region's 表彰管理, a
// session's 服务评价, and revoking an award (asks first). Each form posts and redirects;
// errors re-render the page with the form's input kept and tied to its fields.

// honourFormError reports whether err belongs on the form: the usual form errors, and a
// refusal that names a field (a level above the grantor's, a recipient out of scope).
func honourFormError(err error) bool {
	return isFormError(err) || len(zhiyuan.ErrorFields(err)) > 0
}

// today is the platform's date in Beijing, the default of the forms' date inputs.
func (x *Web) today() string { return x.app.Now().In(zhiyuan.Beijing).Format(time.DateOnly) }

// formHours reads an hours box ("2.5") as minutes; -1 when it is not a number.
func formHours(r *http.Request, name string) int64 {
	f, err := strconv.ParseFloat(trim(r, name), 64)
	if err != nil || f != f {
		return -1
	}
	return zhiyuan.HoursToMinutes(f)
}

func formInt(r *http.Request, name string) int {
	n, err := strconv.Atoi(trim(r, name))
	if err != nil {
		return 0
	}
	return n
}

// --- 我的荣誉 ---

func (x *Web) myHonoursPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderMyHonours(w, r, p, http.StatusOK, nil, 0)
}

func (x *Web) renderMyHonours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error, sessionID int64) error {
	h, err := x.app.MyHonours(r.Context(), p)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		x.render(w, r, http.StatusOK, "honours_mine.html", map[string]any{"Title": "我的荣誉", "NotVolunteer": true})
		return nil
	}
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "我的荣誉", "H": h, "Notice": r.URL.Query().Get("ok"), "ErrSession": sessionID,
		"Ratings": ratingChoices(), "CareKinds": zhiyuan.CareKinds}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
		data["Posted"] = r.PostForm
	}
	x.render(w, r, status, "honours_mine.html", data)
	return nil
}

// ratingChoices are the options of a rating select, best first.
func ratingChoices() []int {
	var out []int
	for i := zhiyuan.RatingMax; i >= zhiyuan.RatingMin; i-- {
		out = append(out, i)
	}
	return out
}

func (x *Web) myEvaluationForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.EvaluateActivity(r.Context(), p, id, formInt(r, "rating"), r.PostFormValue("comment")); err != nil {
		if !honourFormError(err) {
			return err
		}
		return x.renderMyHonours(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err, id)
	}
	http.Redirect(w, r, "/me/honours?ok="+url.QueryEscape(zhiyuan.Text("evaluation.saved"))+"#rate", http.StatusSeeOther)
	return nil
}

// --- an organisation's 表彰与培训 ---

func (x *Web) orgHonoursPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderOrgHonours(w, r, p, http.StatusOK, "", nil)
}

func (x *Web) renderOrgHonours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, form string, formErr error) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	o, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, id)
	if err != nil {
		return err
	}
	awards, err := x.app.OrgAwards(r.Context(), p, id)
	if err != nil {
		return err
	}
	trainings, err := x.app.OrgTrainings(r.Context(), p, id)
	if err != nil {
		return err
	}
	visits, err := x.app.OrgCareVisits(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "表彰与培训", "Org": o, "Awards": awards, "Trainings": trainings, "Visits": visits,
		"Notice": r.URL.Query().Get("ok"), "Today": x.today(), "Form": form, "Posted": url.Values{},
		"Suggestions": zhiyuan.AwardTitleSuggestions, "CareKinds": zhiyuan.CareKinds, "Back": r.URL.Path}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
		data["Posted"] = r.PostForm
	}
	x.render(w, r, status, "honours_org.html", data)
	return nil
}

// orgHonourDone answers a form of the organisation's page: back to the page with the
// notice, or the page again with the error on the form.
func (x *Web) orgHonourDone(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, form string, err error, notice string) error {
	if err != nil {
		if !honourFormError(err) {
			return err
		}
		return x.renderOrgHonours(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), form, err)
	}
	http.Redirect(w, r, r.URL.Path[:len(r.URL.Path)-len(form)-1]+"/honours?ok="+url.QueryEscape(notice)+"#"+form, http.StatusSeeOther)
	return nil
}

func (x *Web) orgAwardForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	a, err := x.app.GrantOrgAward(r.Context(), p, id, app.AwardGrant{VolunteerNo: trim(r, "volunteer_no"),
		AwardInput: zhiyuan.AwardInput{Title: trim(r, "title"), Level: zhiyuan.LevelOrg, AwardedOn: trim(r, "awarded_on"), CertificateNo: trim(r, "certificate_no")}})
	notice := ""
	if err == nil {
		notice = zhiyuan.Text("award.granted", "name", a.VolunteerName, "title", a.Title)
	}
	return x.orgHonourDone(w, r, p, "awards", err, notice)
}

func (x *Web) orgTrainingForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	t, err := x.app.RecordTraining(r.Context(), p, id, app.TrainingGrant{VolunteerNo: trim(r, "volunteer_no"),
		TrainingInput: zhiyuan.TrainingInput{Course: trim(r, "course"), Minutes: formHours(r, "hours"), Organiser: trim(r, "organiser"), TrainedOn: trim(r, "trained_on")}})
	notice := ""
	if err == nil {
		notice = zhiyuan.Text("training.recorded", "name", t.VolunteerName, "course", t.Course)
	}
	return x.orgHonourDone(w, r, p, "trainings", err, notice)
}

func (x *Web) orgCareForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	c, err := x.app.RecordCareVisit(r.Context(), p, id, app.CareGrant{VolunteerNo: trim(r, "volunteer_no"),
		CareInput: zhiyuan.CareInput{VisitedOn: trim(r, "visited_on"), Kind: trim(r, "kind"), Note: r.PostFormValue("note")}})
	notice := ""
	if err == nil {
		notice = zhiyuan.Text("care.recorded", "name", c.VolunteerName)
	}
	return x.orgHonourDone(w, r, p, "care-visits", err, notice)
}

// --- a region's 表彰管理 ---

// grantorChoice is a region an administrator may grant in the name of.
type grantorChoice struct {
	Code, Name string
	Top        zhiyuan.AwardLevel
}

// grantorChoices are the regions p administers that grant awards; the platform grants
// national awards in its own name ("").
func (x *Web) grantorChoices(p *zhiyuan.Principal) []grantorChoice {
	var out []grantorChoice
	for _, code := range p.RegionScopes() {
		if code == "*" {
			out = append(out, grantorChoice{"", app.PlatformName, zhiyuan.LevelNational})
			continue
		}
		if top := zhiyuan.RegionAwardLevel(code); top != "" {
			out = append(out, grantorChoice{code, x.app.RegionName(code), top})
		}
	}
	return out
}

func (x *Web) regionHonoursPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderRegionHonours(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderRegionHonours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	choices := x.grantorChoices(p)
	if len(choices) == 0 {
		return zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	region := r.FormValue("region")
	chosen := choices[0]
	for _, c := range choices {
		if c.Code == region {
			chosen = c
		}
	}
	awards, err := x.app.RegionAwards(r.Context(), p, chosen.Code)
	if err != nil {
		return err
	}
	var levels []zhiyuan.AwardLevel
	for _, l := range zhiyuan.AwardLevels {
		if l != zhiyuan.LevelOrg && l.Rank() <= chosen.Top.Rank() {
			levels = append(levels, l)
		}
	}
	data := map[string]any{"Title": "表彰管理", "Choices": choices, "Chosen": chosen, "Levels": levels, "Awards": awards,
		"Notice": r.URL.Query().Get("ok"), "Today": x.today(), "Posted": url.Values{}, "Suggestions": zhiyuan.AwardTitleSuggestions,
		"Back": "/admin/honours?region=" + url.QueryEscape(chosen.Code)}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
		data["Posted"] = r.PostForm
	}
	x.render(w, r, status, "honours_region.html", data)
	return nil
}

func (x *Web) regionAwardForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	in := app.AwardGrant{VolunteerNo: trim(r, "volunteer_no"),
		AwardInput: zhiyuan.AwardInput{Title: trim(r, "title"), Level: zhiyuan.AwardLevel(trim(r, "level")), AwardedOn: trim(r, "awarded_on"), CertificateNo: trim(r, "certificate_no")}}
	if s := trim(r, "org_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return x.renderRegionHonours(w, r, p, http.StatusUnprocessableEntity, zhiyuan.FieldFail(zhiyuan.EInvalid, "org_id", "web.integer"))
		}
		in.RecipientOrgID = n
	}
	region := trim(r, "region")
	a, err := x.app.GrantRegionAward(r.Context(), p, region, in)
	if err != nil {
		if !honourFormError(err) {
			return err
		}
		return x.renderRegionHonours(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	notice := zhiyuan.Text("award.granted", "name", a.RecipientName(), "title", a.Title)
	http.Redirect(w, r, "/admin/honours?region="+url.QueryEscape(region)+"&ok="+url.QueryEscape(notice), http.StatusSeeOther)
	return nil
}

// --- revoking an award (asks first) ---

func (x *Web) askRevokeAward(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := hrID(r, "id")
	if err != nil {
		return nil, err
	}
	a, err := x.app.ManagedAward(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	if a.Revoked() {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "award.revoked_already")
	}
	if trim(r, "reason") == "" && r.FormValue("reason") == "" {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "reason.required")
	}
	return &confirmation{Title: zhiyuan.Text("award.revoke_title"), Subject: a.Title + " · " + a.RecipientName() + " · " + a.AwardedOn,
		Consequence: []string{zhiyuan.Text("award.revoke_consequence", "name", a.RecipientName(), "title", a.Title)},
		Action:      fmt.Sprintf("/awards/%d/revoke", id), Button: "撤销表彰", Danger: true, Back: backTo(r, "/")}, nil
}

func (x *Web) revokeAwardForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	a, err := x.app.RevokeAward(r.Context(), p, id, r.PostFormValue("reason"))
	if err != nil {
		return err
	}
	back := backTo(r, "/")
	sep := "?"
	if u, err := url.Parse(back); err == nil && u.RawQuery != "" {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"ok="+url.QueryEscape(zhiyuan.Text("award.revoked", "title", a.Title)), http.StatusSeeOther)
	return nil
}

// --- a session's 服务评价 ---

func (x *Web) sessionEvaluationsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderSessionEvaluations(w, r, p, http.StatusOK, nil, 0)
}

func (x *Web) renderSessionEvaluations(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error, volunteerID int64) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	ev, err := x.app.SessionEvaluationsFor(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "服务评价", "E": ev, "Ratings": ratingChoices(), "Notice": r.URL.Query().Get("ok"),
		"ErrVolunteer": volunteerID, "Label": zhiyuan.SessionLabel(ev.Session.StartsAt, ev.Session.EndsAt, ev.Activity.TimeZone)}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
		data["Posted"] = r.PostForm
	}
	x.render(w, r, status, "session_evaluations.html", data)
	return nil
}

func (x *Web) evaluateVolunteerForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	vid, err := hrID(r, "volunteer_id")
	if err != nil {
		return err
	}
	if _, err := x.app.EvaluateVolunteer(r.Context(), p, id, vid, formInt(r, "rating"), r.PostFormValue("comment")); err != nil {
		if !honourFormError(err) {
			return err
		}
		return x.renderSessionEvaluations(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err, vid)
	}
	http.Redirect(w, r, fmt.Sprintf("/sessions/%d/evaluations?ok=%s#v%d", id, url.QueryEscape(zhiyuan.Text("evaluation.saved")), vid), http.StatusSeeOther)
	return nil
}

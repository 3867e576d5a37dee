package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/region"
)

// Pages of needs (点单) and taking them (接单, issue 15): the list of open needs near a
// place, the form a street, district or organisation posts one with, and a need's page
// with its review, taking and rating, each asking first.

// needForm is the posting form as entered, kept to show again with its problems.
type needForm struct {
	OrgID, Title, Description, Category, TargetGroup, RegionCode, Address, Lat, Lng string
	StartsAt, EndsAt, Volunteers, Skills, Urgency, MaxTakers                        string
}

// postingAs is one identity the caller may post a need as: 0 for their region, else an
// organisation.
type postingAs struct {
	OrgID int64
	Label string
}

func (x *Web) postingChoices(r *http.Request, p *zhiyuan.Principal) []postingAs {
	var out []postingAs
	if scopes := p.RegionScopes(); len(scopes) > 0 {
		out = append(out, postingAs{0, "以街道/区县名义（直接发布）"})
	}
	for _, role := range p.Roles {
		if role.Kind == zhiyuan.RoleOrgAdmin && role.OrgID != 0 {
			if o, err := x.app.Organization(r.Context(), role.OrgID); err == nil && o.Status == zhiyuan.OrgApproved {
				out = append(out, postingAs{o.ID, o.Name + "（代服务对象发布，经街道/区县审核）"})
			}
		}
	}
	return out
}

func (x *Web) needsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	nq := app.NeedQuery{Near: strings.TrimSpace(q.Get("near")), WithinKm: strings.TrimSpace(q.Get("within_km")),
		Category: q.Get("category"), Status: q.Get("status"), Mine: q.Get("mine") == "1"}
	list, err := x.app.Needs(r.Context(), p, nq)
	data := map[string]any{"Title": "服务需求", "Q": nq, "Categories": zhiyuan.Categories, "Needs": list,
		"CanPost": len(x.postingChoices(r, p)) > 0, "CanReview": len(p.RegionScopes()) > 0, "OK": q.Get("ok")}
	status := http.StatusOK
	if err != nil {
		if !isFormError(err) {
			return err
		}
		status = httpx.Status(zhiyuan.ErrorCode(err))
		data["Fields"], data["Error"] = formProblems(err)
	}
	x.render(w, r, status, "needs.html", data)
	return nil
}

func (x *Web) needNewPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	f := needForm{Volunteers: "2", MaxTakers: "1", Urgency: "normal"}
	if s := p.RegionScopes(); len(s) > 0 && s[0] != "*" {
		f.RegionCode = s[0]
	}
	return x.renderNeedNew(w, r, p, http.StatusOK, f, nil)
}

func (x *Web) renderNeedNew(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, f needForm, formErr error) error {
	choices := x.postingChoices(r, p)
	if len(choices) == 0 {
		return zhiyuan.Fail(zhiyuan.EForbidden, "need.poster_required")
	}
	data := map[string]any{"Title": "发布服务需求", "Form": f, "Choices": choices, "Categories": zhiyuan.Categories,
		"Picker": newRegionPicker(x.app.Regions, "region_code", "所在地（区县或街道）", f.RegionCode, region.Street)}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "need_new.html", data)
	return nil
}

func (x *Web) needCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	f := needForm{OrgID: trim(r, "org_id"), Title: trim(r, "title"), Description: trim(r, "description"), Category: trim(r, "category"),
		TargetGroup: trim(r, "target_group"), RegionCode: pickedRegion(x.app.Regions, r, "region_code"), Address: trim(r, "address"), Lat: trim(r, "lat"),
		Lng: trim(r, "lng"), StartsAt: trim(r, "starts_at"), EndsAt: trim(r, "ends_at"), Volunteers: trim(r, "volunteers_wanted"),
		Skills: trim(r, "skills"), Urgency: trim(r, "urgency"), MaxTakers: trim(r, "max_takers")}
	// The region picker's 选择 (without JS) shows the form again with the next level to
	// choose and everything typed kept; nothing is posted.
	if picking(r) {
		return x.renderNeedNew(w, r, p, http.StatusOK, f, nil)
	}
	pr := zhiyuan.Problems{}
	orgID, _ := strconv.ParseInt(f.OrgID, 10, 64)
	in := app.NeedInput{OrgID: orgID, Need: zhiyuan.Need{Title: f.Title, Description: f.Description, Category: zhiyuan.Category(f.Category),
		TargetGroup: f.TargetGroup, RegionCode: f.RegionCode, Address: f.Address, Urgency: zhiyuan.NeedUrgency(f.Urgency)}}
	// One place on the form shows the coordinates' problem (the need's rules put it on lat).
	in.Lat = decimalField(pr, "lat", f.Lat)
	in.Lng = decimalField(pr, "lat", f.Lng)
	in.VolunteersWanted = integerField(pr, "volunteers_wanted", f.Volunteers)
	in.MaxTakers = integerField(pr, "max_takers", f.MaxTakers)
	for _, t := range []struct {
		field, s string
		dst      *time.Time
	}{{"starts_at", f.StartsAt, &in.StartsAt}, {"ends_at", f.EndsAt, &in.EndsAt}} {
		if t.s == "" {
			continue
		}
		v, err := time.ParseInLocation("2006-01-02T15:04", t.s, zhiyuan.Beijing)
		if err != nil {
			pr.Add(t.field, "api.time_format")
		}
		*t.dst = v
	}
	for _, s := range strings.FieldsFunc(f.Skills, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if s = strings.TrimSpace(s); s != "" {
			in.Skills = append(in.Skills, s)
		}
	}
	if err := pr.Err(); err != nil {
		return x.renderNeedNew(w, r, p, http.StatusUnprocessableEntity, f, err)
	}
	n, err := x.app.PostNeed(r.Context(), p, in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderNeedNew(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/needs/%d", n.ID), http.StatusSeeOther)
	return nil
}

func (x *Web) needPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderNeed(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderNeed(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := x.app.Need(r.Context(), p, id)
	if err != nil {
		return err
	}
	takingOrg := int64(0)
	if p != nil {
		takingOrg = app.DefaultTakingOrg(p)
	}
	tookIt := false
	for _, t := range n.TakenBy {
		if t.OrgID == takingOrg {
			tookIt = true
		}
	}
	data := map[string]any{"Title": n.Title, "N": n, "OK": r.URL.Query().Get("ok"),
		"CanTake":   n.Status == zhiyuan.NeedOpen && takingOrg != 0 && !tookIt,
		"CanPair":   takingOrg != 0 && (n.Status == zhiyuan.NeedOpen || n.Status == zhiyuan.NeedTaken || n.Status == zhiyuan.NeedServed),
		"CanReview": n.Status == zhiyuan.NeedPending && x.app.CanReviewNeed(p, n),
		"CanRate":   (n.Status == zhiyuan.NeedOpen || n.Status == zhiyuan.NeedTaken) && n.Takers > 0 && n.SessionsHeld > 0 && x.app.CanActForNeed(r.Context(), p, n),
		"CanClose":  (n.Status == zhiyuan.NeedOpen || n.Status == zhiyuan.NeedTaken || n.Status == zhiyuan.NeedServed) && x.app.CanActForNeed(r.Context(), p, n),
		"Rating":    r.PostFormValue("rating"), "Comment": r.PostFormValue("comment")}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "need_show.html", data)
	return nil
}

// needToAsk reads the need a confirmation is about, refused when the caller may not act
// on it (may returns false), so nobody confirms what the action would refuse.
func (x *Web) needToAsk(r *http.Request, p *zhiyuan.Principal, may func(*zhiyuan.Need) bool) (*zhiyuan.Need, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	n, err := x.app.Need(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	if may != nil && !may(n) {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	return n, nil
}

// needAction runs a confirmed action on the need in the path: its refusal is shown on the
// need's page, its success leads back there with notice.
func (x *Web) needAction(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, notice zhiyuan.Msg, do func(id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderNeed(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/needs/%d?ok=%s", id, url.QueryEscape(zhiyuan.Text(notice))), http.StatusSeeOther)
	return nil
}

func (x *Web) askTakeNeed(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	n, err := x.needToAsk(r, p, nil)
	if err != nil {
		return nil, err
	}
	if app.DefaultTakingOrg(p) == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "org_id", "need.org_required")
	}
	if n.Status != zhiyuan.NeedOpen {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "need.not_open", "status", n.Status.Chinese())
	}
	return &confirmation{Title: zhiyuan.Text("confirm.take_need_title"), Subject: n.Title,
		Consequence: []string{zhiyuan.Text("confirm.take_need"), zhiyuan.Text("confirm.take_need_draft")},
		Action:      fmt.Sprintf("/needs/%d/take", n.ID), Button: "确认接单", Back: fmt.Sprintf("/needs/%d", n.ID)}, nil
}

// takeNeedForm takes the need and leads to the draft activity it started.
func (x *Web) takeNeedForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	act, err := x.app.TakeNeed(r.Context(), p, id, app.DefaultTakingOrg(p))
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderNeed(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/activities/%d?ok=%s", act.ID, url.QueryEscape(zhiyuan.Text("notice.need_taken"))), http.StatusSeeOther)
	return nil
}

func (x *Web) askReviewNeed(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	n, err := x.needToAsk(r, p, func(n *zhiyuan.Need) bool { return x.app.CanReviewNeed(p, n) })
	if err != nil {
		return nil, err
	}
	c := &confirmation{Subject: n.Title, Action: fmt.Sprintf("/needs/%d/review", n.ID), Back: fmt.Sprintf("/needs/%d", n.ID)}
	if zhiyuan.NeedDecision(r.FormValue("decision")) == zhiyuan.NeedReject {
		c.Title, c.Button, c.Danger = zhiyuan.Text("confirm.reject_need_title"), "不予发布", true
		c.Consequence = []string{zhiyuan.Text("confirm.reject_need")}
	} else {
		c.Title, c.Button = zhiyuan.Text("confirm.approve_need_title"), "通过并发布"
		c.Consequence = []string{zhiyuan.Text("confirm.approve_need")}
	}
	return c, nil
}

func (x *Web) reviewNeedForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.needAction(w, r, p, "notice.need_reviewed", func(id int64) error {
		_, err := x.app.ReviewNeed(r.Context(), p, id, r.PostFormValue("decision"))
		return err
	})
}

func (x *Web) askRateNeed(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	n, err := x.needToAsk(r, p, func(n *zhiyuan.Need) bool { return x.app.CanActForNeed(r.Context(), p, n) })
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.rate_need_title"), Subject: n.Title,
		Consequence: []string{zhiyuan.Text("confirm.rate_need", "rating", r.FormValue("rating"))},
		Action:      fmt.Sprintf("/needs/%d/rating", n.ID), Button: "确认服务并提交评价", Back: fmt.Sprintf("/needs/%d", n.ID)}, nil
}

func (x *Web) rateNeedForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.needAction(w, r, p, "notice.need_rated", func(id int64) error {
		rating, _ := strconv.Atoi(r.PostFormValue("rating"))
		_, err := x.app.RateNeed(r.Context(), p, id, rating, r.PostFormValue("comment"))
		return err
	})
}

func (x *Web) askCloseNeed(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	n, err := x.needToAsk(r, p, func(n *zhiyuan.Need) bool { return x.app.CanActForNeed(r.Context(), p, n) })
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.close_need_title"), Subject: n.Title,
		Consequence: []string{zhiyuan.Text("confirm.close_need")}, Danger: true,
		Action: fmt.Sprintf("/needs/%d/close", n.ID), Button: "结束需求", Back: fmt.Sprintf("/needs/%d", n.ID)}, nil
}

func (x *Web) closeNeedForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.needAction(w, r, p, "notice.need_closed", func(id int64) error {
		_, err := x.app.CloseNeed(r.Context(), p, id)
		return err
	})
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

// Pages of campaigns and the contest (大比拼, issue 16): the list, the form a province or
// city starts one with, and the campaign's public page (figures by city and by day, the
// rankings with their definitions and export, the activities searchable), where an
// organisation enters its activities and the campaign's admins refuse one, each asking
// first (neither can be undone).

// campaignForm is the creation form as entered, kept to show again with its problems.
type campaignForm struct {
	Name, Theme, Description, StartsOn, EndsOn, RegionCode, Keywords string
	Categories                                                       []string
}

// Has reports whether the form ticked the category.
func (f campaignForm) Has(c zhiyuan.Category) bool {
	for _, s := range f.Categories {
		if s == string(c) {
			return true
		}
	}
	return false
}

func (x *Web) campaignsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.Campaigns(r.Context())
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "campaigns.html", map[string]any{"Title": "主题活动", "Campaigns": list,
		"CanCreate": x.app.CanCreateCampaign(p, "")})
	return nil
}

func (x *Web) campaignNewPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderCampaignNew(w, r, p, http.StatusOK, campaignForm{}, nil)
}

func (x *Web) renderCampaignNew(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, f campaignForm, formErr error) error {
	choices := x.app.CampaignRegionChoices(p)
	if len(choices) == 0 {
		return zhiyuan.Fail(zhiyuan.EForbidden, "campaign.creator_required")
	}
	data := map[string]any{"Title": "发起主题活动", "Form": f, "Regions": choices, "Categories": zhiyuan.Categories,
		"NameMax": zhiyuan.CampaignNameMax, "ThemeMax": zhiyuan.CampaignThemeMax, "TextMax": zhiyuan.CampaignTextMax,
		"CoverMaxMB": proof.MaxPhotoBytes >> 20, "CoverW": zhiyuan.CampaignCoverWidth, "CoverH": zhiyuan.CampaignCoverHeight}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "campaign_new.html", data)
	return nil
}

func (x *Web) campaignCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var cover []byte
	if isMultipart(r) {
		var err error
		if cover, err = readCover(w, r); err != nil {
			return x.renderCampaignNew(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), campaignForm{}, err)
		}
	} else if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_bad")
	}
	f := campaignForm{Name: trim(r, "name"), Theme: trim(r, "theme"), Description: trim(r, "description"),
		StartsOn: trim(r, "starts_on"), EndsOn: trim(r, "ends_on"), RegionCode: trim(r, "region_code"),
		Keywords: trim(r, "keywords"), Categories: r.PostForm["categories"]}
	in := zhiyuan.Campaign{Name: f.Name, Theme: f.Theme, Description: f.Description, StartsOn: f.StartsOn, EndsOn: f.EndsOn,
		RegionCode: f.RegionCode}
	for _, c := range f.Categories {
		in.Categories = append(in.Categories, zhiyuan.Category(c))
	}
	in.Keywords = strings.FieldsFunc(f.Keywords, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' })
	c, err := x.app.CreateCampaignWithCover(r.Context(), p, in, cover)
	if err != nil {
		if !isFormError(err) && zhiyuan.ErrorCode(err) != zhiyuan.EForbidden {
			return err
		}
		return x.renderCampaignNew(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d", c.ID), http.StatusSeeOther)
	return nil
}

// rankChoice is one option of the ranking's selects.
type rankChoice struct {
	Value, Label string
	Selected     bool
}

func (x *Web) campaignPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderCampaign(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderCampaign(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := x.app.Campaign(ctx, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pr := zhiyuan.Problems{}
	level, err := zhiyuan.ParseRankLevel(q.Get("level"))
	pr.Merge("", err)
	by, err := zhiyuan.ParseRankBy(q.Get("by"))
	pr.Merge("", err)
	if level == "" {
		level = zhiyuan.RankCity
	}
	if by == "" {
		by = zhiyuan.RankHours
	}
	figs, err := x.app.CampaignFigures(ctx, c.ID)
	if err != nil {
		return err
	}
	ranking, err := x.app.CampaignRanking(ctx, c.ID, level, by)
	if err != nil {
		return err
	}
	aq := app.CampaignActivityQuery{Q: strings.TrimSpace(q.Get("q")), Category: q.Get("category")}
	acts, err := x.app.CampaignActivities(ctx, c.ID, aq)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		pr.Merge("", err)
	}
	var levels, bys []rankChoice
	for _, l := range zhiyuan.RankLevels {
		levels = append(levels, rankChoice{string(l), l.Chinese(), l == level})
	}
	var defs []zhiyuan.RankDefinition
	for _, b := range zhiyuan.RankBys {
		d := zhiyuan.RankDefinitions[b]
		bys = append(bys, rankChoice{string(b), d.Name, b == by})
		defs = append(defs, d)
	}
	canRun := x.app.CanRunCampaign(p, c)
	var refused []zhiyuan.CampaignEntry
	if canRun {
		if refused, err = x.app.CampaignActivities(ctx, c.ID, app.CampaignActivityQuery{Refused: true}); err != nil {
			return err
		}
	}
	enterable, err := x.app.EnterableActivities(ctx, p, c)
	if err != nil {
		return err
	}
	// The campaign's selection of exemplary people (身边雷锋), when it holds one.
	sel, err := x.app.Selection(ctx, c.ID)
	if err != nil && zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
		return err
	}
	data := map[string]any{"Title": c.Name, "C": c, "RegionName": x.app.RegionName(c.RegionCode), "Figures": figs,
		"Ranking": ranking, "Level": level, "By": by, "Def": zhiyuan.RankDefinitions[by], "Definitions": defs,
		"Levels": levels, "Bys": bys, "Activities": acts, "AQ": aq, "Categories": zhiyuan.Categories,
		"CanRun": canRun, "Refused": refused, "Selection": sel, "Enterable": enterable, "OK": q.Get("ok"),
		"ActivityID": r.PostFormValue("activity_id"), "Reason": r.PostFormValue("reason"),
		"CoverMaxMB": proof.MaxPhotoBytes >> 20, "CoverW": zhiyuan.CampaignCoverWidth, "CoverH": zhiyuan.CampaignCoverHeight}
	if formErr == nil {
		formErr = pr.Err()
		if formErr != nil && status == http.StatusOK {
			status = http.StatusUnprocessableEntity
		}
	}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "campaign_show.html", data)
	return nil
}

// campaignAction runs a confirmed action on the campaign in the path: a refusal shows on
// the campaign's page, success leads back there with notice.
func (x *Web) campaignAction(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, notice zhiyuan.Msg, do func(id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		if !isFormError(err) && zhiyuan.ErrorCode(err) != zhiyuan.EForbidden {
			return err
		}
		return x.renderCampaign(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?ok=%s#activities", id, url.QueryEscape(zhiyuan.Text(notice))), http.StatusSeeOther)
	return nil
}

// formActivity reads the activity_id of the form, 0 when missing or not a number.
func formActivity(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.FormValue("activity_id"), 10, 64)
	return id
}

func (x *Web) askEnterCampaign(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	c, err := x.app.Campaign(r.Context(), id)
	if err != nil {
		return nil, err
	}
	actID := formActivity(r)
	if actID == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "activity_id", "campaign.id_required")
	}
	act, err := x.app.Activity(r.Context(), p, actID)
	if err != nil {
		return nil, err
	}
	if !x.app.CanManageActivity(r.Context(), p, act) {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	return &confirmation{Title: zhiyuan.Text("confirm.enter_campaign_title"), Subject: act.Title,
		Consequence: []string{zhiyuan.Text("confirm.enter_campaign", "campaign", c.Name)},
		Action:      fmt.Sprintf("/campaigns/%d/enter", c.ID), Button: "确认参加", Back: fmt.Sprintf("/campaigns/%d", c.ID)}, nil
}

func (x *Web) enterCampaignForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.campaignAction(w, r, p, "campaign.entered_notice", func(id int64) error {
		_, err := x.app.EnterCampaign(r.Context(), p, formActivity(r), id)
		if zhiyuan.ErrorCode(err) == zhiyuan.EInvalid && zhiyuan.ErrorFields(err)["campaign_id"] != "" {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "activity_id", "campaign.id_required")
		}
		return err
	})
}

func (x *Web) askRefuseCampaignEntry(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	c, err := x.app.Campaign(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !x.app.CanRunCampaign(p, c) {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	if strings.TrimSpace(r.FormValue("reason")) == "" {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "campaign.reason_required")
	}
	act, err := x.app.Activity(r.Context(), p, formActivity(r))
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.refuse_campaign_title"), Subject: act.Title, Danger: true,
		Consequence: []string{zhiyuan.Text("confirm.refuse_campaign", "reason", strings.TrimSpace(r.FormValue("reason")))},
		Action:      fmt.Sprintf("/campaigns/%d/refuse", c.ID), Button: "确认退回", Back: fmt.Sprintf("/campaigns/%d#activities", c.ID)}, nil
}

func (x *Web) refuseCampaignForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.campaignAction(w, r, p, "campaign.refused_notice", func(id int64) error {
		_, err := x.app.RefuseCampaignEntry(r.Context(), p, id, formActivity(r), r.PostFormValue("reason"))
		return err
	})
}

package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

// Pages of exemplary people (身边雷锋, issue 16): setting up a campaign's selection, the
// nomination form, the nominee's consent on their own page, the review queue and a
// nomination's page with its review form, the public candidate list and page with a like
// button (a plain form), the organiser's report of unusual likes with voiding (asks
// first), and the results with the jury's decisions.

// selectionForm is the setup form as entered.
type selectionForm struct {
	Categories                                       []string
	Levels                                           []string
	NominateFrom, NominateUntil, VoteFrom, VoteUntil string
}

func (x *Web) selectionNewPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderSelectionNew(w, r, p, http.StatusOK, selectionForm{
		Categories: []string{"volunteer", "org", "project", "community"}, Levels: []string{"district", "city", "province"}}, nil)
}

func (x *Web) renderSelectionNew(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, f selectionForm, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := x.app.Campaign(r.Context(), id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "设置身边雷锋评选", "C": c, "Form": f, "Categories": zhiyuan.SelectionCategories,
		"Levels": []struct{ Code, Label string }{{"district", "区县"}, {"city", "地市"}, {"province", "省"}}}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "selection_new.html", data)
	return nil
}

// localTime reads a datetime-local field as Beijing time.
func localTime(pr zhiyuan.Problems, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, zhiyuan.Beijing)
	if err != nil {
		pr.Add(field, "api.time_format")
	}
	return t
}

func (x *Web) selectionCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	f := selectionForm{Categories: r.PostForm["categories"], Levels: r.PostForm["review_levels"],
		NominateFrom: trim(r, "nominate_from"), NominateUntil: trim(r, "nominate_until"), VoteFrom: trim(r, "vote_from"), VoteUntil: trim(r, "vote_until")}
	pr := zhiyuan.Problems{}
	in := app.SelectionInput{ReviewLevels: f.Levels, NominateFrom: localTime(pr, "nominate_from", f.NominateFrom),
		NominateUntil: localTime(pr, "nominate_until", f.NominateUntil), VoteFrom: localTime(pr, "vote_from", f.VoteFrom),
		VoteUntil: localTime(pr, "vote_until", f.VoteUntil)}
	for _, c := range f.Categories {
		in.Categories = append(in.Categories, zhiyuan.SelectionCategory(c))
	}
	if err := pr.Err(); err != nil {
		return x.renderSelectionNew(w, r, p, http.StatusUnprocessableEntity, f, err)
	}
	if _, err := x.app.CreateSelection(r.Context(), p, id, in); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderSelectionNew(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/candidates?ok=%s", id, url.QueryEscape(zhiyuan.Text("selection.created"))), http.StatusSeeOther)
	return nil
}

// candidatesPage is the public list of a campaign's candidates with a like button each.
func (x *Web) candidatesPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	category, sort := q.Get("category"), q.Get("sort")
	sel, list, err := x.app.Candidates(r.Context(), id, category, sort != "newest")
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, n := range list {
		ids[i] = n.ID
	}
	liked, err := x.app.LikedToday(r.Context(), p, ids)
	if err != nil {
		return err
	}
	now := x.app.Now()
	x.render(w, r, http.StatusOK, "candidates.html", map[string]any{"Title": sel.CampaignName + " · 身边雷锋", "Sel": sel,
		"List": list, "Liked": liked, "Category": category, "Sort": sort, "Categories": sel.Categories,
		"Voting": sel.Voting(now), "Nominating": sel.Nominating(now), "Organiser": x.app.CanRunSelection(p, sel),
		"LoggedIn": p != nil, "PerDay": x.app.LikesPerDay(), "OK": q.Get("ok"), "Err": q.Get("err")})
	return nil
}

// candidatePage is a nomination's page: public once published, with the like button;
// before that, to its nominator, nominee and reviewers, with the review form.
func (x *Web) candidatePage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderCandidate(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderCandidate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := x.app.Nomination(r.Context(), p, id)
	if err != nil {
		return err
	}
	sel, err := x.app.Selection(r.Context(), n.CampaignID)
	if err != nil {
		return err
	}
	liked, err := x.app.LikedToday(r.Context(), p, []int64{n.ID})
	if err != nil {
		return err
	}
	photos := make([]int, n.Photos)
	for i := range photos {
		photos[i] = i + 1
	}
	data := map[string]any{"Title": n.NomineeName, "N": n, "Sel": sel, "Liked": liked[n.ID], "Photos": photos,
		"Voting": n.Status == zhiyuan.NomPublished && sel.Voting(x.app.Now()), "CanReview": x.app.CanReview(p, n),
		"LoggedIn": p != nil, "PerDay": x.app.LikesPerDay(), "OK": r.URL.Query().Get("ok"),
		"Decision": r.PostFormValue("decision"), "Comment": r.PostFormValue("comment"),
		"CanResubmit": n.Status == zhiyuan.NomReturned && p != nil && n.NominatedBy == p.AccountID}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "candidate.html", data)
	return nil
}

// likeForm is the like button's POST: back to the page it came from with the count, or
// the refusal shown on the candidate's page.
func (x *Web) likeForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := x.app.Like(r.Context(), p, id)
	if err != nil {
		if !isFormError(err) && zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			return err
		}
		return x.renderCandidate(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	notice := url.QueryEscape(zhiyuan.Text("like.done", "likes", n))
	if back := r.PostFormValue("back"); strings.HasPrefix(back, "/campaigns/") && !strings.Contains(back, "//") {
		sep := "?"
		if strings.Contains(back, "?") {
			sep = "&"
		}
		http.Redirect(w, r, back+sep+"ok="+notice, http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/candidates/%d?ok=%s", id, notice), http.StatusSeeOther)
	return nil
}

func (x *Web) nominationPhoto(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	i, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || i < 1 {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.photo")
	}
	photo, err := x.app.NominationPhoto(r.Context(), p, id, i)
	if err != nil {
		return err
	}
	writePhoto(w, photo)
	return nil
}

// nominateForm is the nomination form as entered.
type nominateForm struct {
	Category, VolunteerNo, OrgID, ProjectID, CommunityName, CommunityRegion, Story, NominatorOrgID string
}

// nominatingAs lists who the caller may nominate as: its organisations, and its region.
func (x *Web) nominatingAs(r *http.Request, p *zhiyuan.Principal) []postingAs {
	var out []postingAs
	for _, role := range p.Roles {
		if role.Kind == zhiyuan.RoleOrgAdmin && role.OrgID != 0 {
			if o, err := x.app.Organization(r.Context(), role.OrgID); err == nil && o.Status == zhiyuan.OrgApproved {
				out = append(out, postingAs{o.ID, o.Name})
			}
		}
	}
	if len(p.RegionScopes()) > 0 {
		out = append(out, postingAs{0, "以区域管理员身份"})
	}
	return out
}

func (x *Web) nominatePage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderNominate(w, r, p, http.StatusOK, nominateForm{Category: string(zhiyuan.SelVolunteer)}, nil)
}

func (x *Web) renderNominate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, f nominateForm, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sel, err := x.app.Selection(r.Context(), id)
	if err != nil {
		return err
	}
	choices := x.nominatingAs(r, p)
	if len(choices) == 0 {
		return zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	data := map[string]any{"Title": "提名身边雷锋", "Sel": sel, "Form": f, "Choices": choices, "StoryMax": zhiyuan.NominationStoryMax,
		"PhotosMax": zhiyuan.NominationPhotosMax, "Nominating": sel.Nominating(x.app.Now())}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "nominate.html", data)
	return nil
}

func (x *Web) nominateCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, zhiyuan.NominationPhotosMax*(proof.MaxPhotoBytes+64<<10)+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		bad := zhiyuan.FieldFail(zhiyuan.EInvalid, "photos", "card.photo_incomplete")
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			bad = zhiyuan.FieldFail(zhiyuan.EInvalid, "photos", "card.photo_too_large", "max_mb", proof.MaxPhotoBytes>>20)
		}
		return x.renderNominate(w, r, p, http.StatusUnprocessableEntity, nominateForm{}, bad)
	}
	defer r.MultipartForm.RemoveAll()
	if err := httpx.CheckValues(r.MultipartForm.Value); err != nil {
		return x.renderNominate(w, r, p, http.StatusUnprocessableEntity, nominateForm{}, err)
	}
	v := func(k string) string { return strings.TrimSpace(r.FormValue(k)) }
	f := nominateForm{Category: v("category"), VolunteerNo: v("volunteer_no"), OrgID: v("org_id"), ProjectID: v("project_id"),
		CommunityName: v("community_name"), CommunityRegion: v("community_region"), Story: v("story"), NominatorOrgID: v("nominator_org_id")}
	in := app.NominationInput{Category: zhiyuan.SelectionCategory(f.Category), VolunteerNo: f.VolunteerNo, CommunityName: f.CommunityName,
		CommunityRegion: f.CommunityRegion, Story: f.Story}
	in.OrgID, _ = strconv.ParseInt(f.OrgID, 10, 64)
	in.ProjectID, _ = strconv.ParseInt(f.ProjectID, 10, 64)
	in.NominatorOrgID, _ = strconv.ParseInt(f.NominatorOrgID, 10, 64)
	for _, fh := range r.MultipartForm.File["photos"] {
		if fh.Size == 0 {
			continue
		}
		file, err := fh.Open()
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(io.LimitReader(file, proof.MaxPhotoBytes+1))
		file.Close()
		in.Photos = append(in.Photos, b)
	}
	n, err := x.app.Nominate(r.Context(), p, id, in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderNominate(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/nominations/%d?ok=%s", n.ID, url.QueryEscape(zhiyuan.Text("nomination.created"))), http.StatusSeeOther)
	return nil
}

// myNominationsPage shows the caller's nominations: those of them, to consent to (a
// minor's with the guardian's fields), and those they made.
func (x *Web) myNominationsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderMyNominations(w, r, p, http.StatusOK, 0, nil)
}

func (x *Web) renderMyNominations(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, failed int64, formErr error) error {
	nominee, nominator, err := x.app.MyNominations(r.Context(), p)
	if err != nil {
		return err
	}
	minor := false
	if v, err := x.app.MyVolunteer(r.Context(), p); err == nil {
		minor = v.Minor && v.AgeOn(x.app.Now().In(zhiyuan.Beijing)) < 18
	}
	data := map[string]any{"Title": "我的提名", "Nominee": nominee, "Nominator": nominator, "Minor": minor,
		"Relations": zhiyuan.GuardianRelations, "OK": r.URL.Query().Get("ok"), "Failed": failed,
		"G": map[string]string{"Name": r.PostFormValue("guardian_name"), "Phone": r.PostFormValue("guardian_phone"), "Relation": r.PostFormValue("guardian_relation")}}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "nominations_mine.html", data)
	return nil
}

func (x *Web) askDeclineNomination(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	n, err := x.app.Nomination(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.decline_nomination_title"), Subject: n.NomineeName,
		Consequence: []string{zhiyuan.Text("confirm.decline_nomination")}, Danger: true, Button: "不同意提名",
		Action: fmt.Sprintf("/nominations/%d/consent", n.ID), Back: "/me/nominations",
		Hidden: []hiddenField{{"agree", "no"}}}, nil
}

func (x *Web) consentForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	agree := r.PostFormValue("agree") == "yes"
	if !agree {
		if asked, err := x.askFirst(w, r, p, x.askDeclineNomination); asked || err != nil {
			return err
		}
	}
	in := app.ConsentInput{Agree: agree, Guardian: app.GuardianInput{Name: trim(r, "guardian_name"), Phone: trim(r, "guardian_phone"),
		Relation: trim(r, "guardian_relation"), Consent: r.PostFormValue("guardian_consent") == "yes"}}
	if err := x.app.ConsentToNomination(r.Context(), p, id, in); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderMyNominations(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), id, err)
	}
	notice := "nomination.consented"
	if !agree {
		notice = "nomination.declined"
	}
	http.Redirect(w, r, "/me/nominations?ok="+url.QueryEscape(zhiyuan.Text(zhiyuan.Msg(notice))), http.StatusSeeOther)
	return nil
}

func (x *Web) reviewQueuePage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.ReviewQueue(r.Context(), p)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "nominations_review.html", map[string]any{"Title": "提名审核", "List": list, "OK": r.URL.Query().Get("ok")})
	return nil
}

func (x *Web) askRejectNomination(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	n, err := x.app.Nomination(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	if !x.app.CanReview(p, n) {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	return &confirmation{Title: zhiyuan.Text("confirm.reject_nomination_title"), Subject: n.NomineeName,
		Consequence: []string{zhiyuan.Text("confirm.reject_nomination")}, Danger: true, Button: "不通过",
		Action: fmt.Sprintf("/nominations/%d/review", n.ID), Back: fmt.Sprintf("/nominations/%d", n.ID),
		Hidden: []hiddenField{{"decision", "reject"}, {"comment", r.FormValue("comment")}}}, nil
}

func (x *Web) reviewForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d := zhiyuan.ReviewDecision(r.PostFormValue("decision"))
	if d == zhiyuan.ReviewReject && strings.TrimSpace(r.PostFormValue("comment")) != "" {
		if asked, err := x.askFirst(w, r, p, x.askRejectNomination); asked || err != nil {
			return err
		}
	}
	if _, err := x.app.ReviewNomination(r.Context(), p, id, d, r.PostFormValue("comment")); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderCandidate(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, "/nominations/review?ok="+url.QueryEscape(zhiyuan.Text("nomination.reviewed", "decision", d.Chinese())), http.StatusSeeOther)
	return nil
}

func (x *Web) resubmitForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := x.app.ResubmitNomination(r.Context(), p, id, r.PostFormValue("story")); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderCandidate(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/nominations/%d?ok=%s", id, url.QueryEscape(zhiyuan.Text("nomination.resubmitted"))), http.StatusSeeOther)
	return nil
}

// likeReportPage is the organiser's report of unusual likes, with a void button on each
// row; client addresses appear here and nowhere else.
func (x *Web) likeReportPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sel, rep, err := x.app.LikeReport(r.Context(), p, id)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "likes_report.html", map[string]any{"Title": "点赞异常报告", "Sel": sel, "R": rep,
		"OK": r.URL.Query().Get("ok"), "AddressMin": zhiyuan.ReportAddressMin, "BatchMin": zhiyuan.ReportBatchMin,
		"BatchMinutes": int(zhiyuan.ReportBatchWindow / time.Minute)})
	return nil
}

// voidInput reads the void form: a candidate and an address, or a registration range
// written as RFC 3339 (the report's own values, carried as hidden fields).
func voidInput(r *http.Request) app.VoidInput {
	in := app.VoidInput{IP: r.FormValue("ip")}
	in.NominationID, _ = strconv.ParseInt(r.FormValue("nomination_id"), 10, 64)
	in.RegisteredFrom, _ = time.Parse(time.RFC3339Nano, r.FormValue("registered_from"))
	in.RegisteredUntil, _ = time.Parse(time.RFC3339Nano, r.FormValue("registered_until"))
	return in
}

func (x *Web) askVoidLikes(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	sel, _, err := x.app.LikeReport(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	in := voidInput(r)
	what := zhiyuan.Text("confirm.void_likes_ip", "ip", in.IP)
	if in.IP == "" {
		what = zhiyuan.Text("confirm.void_likes_batch", "from", zhiyuan.CreditDate(in.RegisteredFrom), "until", zhiyuan.CreditDate(in.RegisteredUntil))
	}
	return &confirmation{Title: zhiyuan.Text("confirm.void_likes_title"), Subject: sel.CampaignName,
		Consequence: []string{what, zhiyuan.Text("confirm.void_likes")}, Danger: true, Button: "作废这些赞",
		Action: fmt.Sprintf("/campaigns/%d/likes/void", id), Back: fmt.Sprintf("/campaigns/%d/likes/report", id),
		Hidden: []hiddenField{{"nomination_id", r.FormValue("nomination_id")}, {"ip", in.IP},
			{"registered_from", r.FormValue("registered_from")}, {"registered_until", r.FormValue("registered_until")}}}, nil
}

func (x *Web) voidLikesForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := x.app.VoidLikes(r.Context(), p, id, voidInput(r))
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/likes/report?ok=%s", id, url.QueryEscape(zhiyuan.Text("like.voided", "n", n))), http.StatusSeeOther)
	return nil
}

// resultsPage shows the published results; to the organiser before publication, the
// jury's form and the publish button.
func (x *Web) resultsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sel, res, err := x.app.Results(r.Context(), id)
	data := map[string]any{"Title": "评选结果", "OK": r.URL.Query().Get("ok")}
	switch {
	case err == nil:
		data["Sel"], data["Results"] = sel, res
	case sel != nil && x.app.CanRunSelection(p, sel):
		_, list, err := x.app.Candidates(r.Context(), id, "", true)
		if err != nil {
			return err
		}
		data["Sel"], data["Jury"], data["Ended"] = sel, list, !x.app.Now().Before(sel.VoteUntil)
	default:
		return err
	}
	x.render(w, r, http.StatusOK, "selection_results.html", data)
	return nil
}

func (x *Web) juryForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	var ds []app.JuryInput
	winners := map[string]bool{}
	for _, v := range r.PostForm["winner"] {
		winners[v] = true
	}
	for _, sid := range r.PostForm["candidate"] {
		nid, err := strconv.ParseInt(sid, 10, 64)
		if err != nil {
			continue
		}
		rank, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("rank_" + sid)))
		ds = append(ds, app.JuryInput{NominationID: nid, Rank: rank, Winner: winners[sid]})
	}
	if err := x.app.SetJury(r.Context(), p, id, ds); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/results?ok=%s", id, url.QueryEscape(zhiyuan.Text("selection.jury_saved"))), http.StatusSeeOther)
	return nil
}

func (x *Web) askPublishResults(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	sel, _, err := x.app.LikeReport(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.publish_results_title"), Subject: sel.CampaignName,
		Consequence: []string{zhiyuan.Text("confirm.publish_results")}, Button: "公布结果",
		Action: fmt.Sprintf("/campaigns/%d/results/publish", id), Back: fmt.Sprintf("/campaigns/%d/results", id)}, nil
}

func (x *Web) publishResultsForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := x.app.PublishResults(r.Context(), p, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/results?ok=%s", id, url.QueryEscape(zhiyuan.Text("selection.results_done", "n", n))), http.StatusSeeOther)
	return nil
}

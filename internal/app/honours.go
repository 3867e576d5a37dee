package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore"
)

// Recognition and care (docs/honours.md): awards (表彰) granted by an organisation to its
// members or in the name of a region within its scope, training records kept apart from
// service hours, evaluations after a session, care visits seen only by the organisation,
// its region and the volunteer, and the volunteer's honour page (我的荣誉). The rules
// (levels, rating range, lengths) are in the root honours.go.

// AwardGrant is a request to grant an award: to a volunteer (VolunteerID, or VolunteerNo
// as typed on a page) or, by a region only, to an organisation (RecipientOrgID).
type AwardGrant struct {
	VolunteerID    int64
	VolunteerNo    string
	RecipientOrgID int64
	zhiyuan.AwardInput
}

// resolveVolunteer finds the volunteer a form or request names by id or by number.
func (a *App) resolveVolunteer(ctx context.Context, id int64, no string) (*zhiyuan.Volunteer, error) {
	var v *zhiyuan.Volunteer
	var err error
	no = strings.ToUpper(strings.TrimSpace(no))
	switch {
	case id != 0:
		v, err = a.store.FindVolunteerByID(ctx, id)
	case no != "":
		v, err = a.store.FindVolunteerByNo(ctx, no)
	default:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_no", "honour.volunteer_required")
	}
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound || (err == nil && v.Status != zhiyuan.VolunteerActive) {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_no", "honour.volunteer_unknown")
	}
	return v, err
}

// GrantOrgAward grants an organisation's own award (level org) to one of its approved
// members, for those who manage the organisation. Audited.
func (a *App) GrantOrgAward(ctx context.Context, p *zhiyuan.Principal, orgID int64, in AwardGrant) (*zhiyuan.Award, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	if in.Level == "" {
		in.Level = zhiyuan.LevelOrg
	}
	pr := zhiyuan.Problems{}
	in.AwardInput = in.AwardInput.Check(pr, a.Now())
	if in.RecipientOrgID != 0 {
		pr.Add("org_id", "award.org_grants_volunteers")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if in.Level != zhiyuan.LevelOrg {
		return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "level", "award.level_org_only")
	}
	v, err := a.resolveVolunteer(ctx, in.VolunteerID, in.VolunteerNo)
	if err != nil {
		return nil, err
	}
	aw := &zhiyuan.Award{VolunteerID: v.ID, Title: in.Title, Level: in.Level, AwardedOn: in.AwardedOn, CertificateNo: in.CertificateNo,
		GrantorOrgID: o.ID, GrantorName: o.Name, GrantedBy: p.AccountID}
	entry := a.auditEntry(ctx, p, "award.grant", "award", "", o.RegionCode, o.ID, v.VolunteerNo+"："+in.Title)
	if err := a.store.InsertAward(ctx, aw, o.ID, entry); err != nil {
		return nil, err
	}
	return a.store.FindAward(ctx, aw.ID)
}

// grantorName is a region's name as a grantor: the platform's for "".
func (a *App) grantorName(region string) string {
	if region == "" {
		return PlatformName
	}
	return a.regionName(region)
}

// GrantRegionAward grants an award in the name of a region (region "" is the platform,
// for national awards) to a volunteer living in it or to an organisation registered in
// it. The caller must administer the region; the level may not exceed the region's own
// (zhiyuan.RegionAwardLevel) and is never org (organisations grant those). Audited.
func (a *App) GrantRegionAward(ctx context.Context, p *zhiyuan.Principal, region string, in AwardGrant) (*zhiyuan.Award, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	region = strings.TrimSpace(region)
	pr := zhiyuan.Problems{}
	in.AwardInput = in.AwardInput.Check(pr, a.Now())
	if (in.RecipientOrgID != 0) == (in.VolunteerID != 0 || strings.TrimSpace(in.VolunteerNo) != "") {
		pr.Add("volunteer_no", "honour.recipient_one")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: region}); err != nil {
		return nil, err
	}
	top := zhiyuan.RegionAwardLevel(region)
	name := a.grantorName(region)
	switch {
	case top == "":
		return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "level", "award.region_grants_none")
	case in.Level == zhiyuan.LevelOrg:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "level", "award.level_not_org")
	case in.Level.Rank() > top.Rank():
		return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "level", "award.level_above_scope", "grantor", name, "max", top.Chinese())
	}
	aw := &zhiyuan.Award{Title: in.Title, Level: in.Level, AwardedOn: in.AwardedOn, CertificateNo: in.CertificateNo,
		GrantorRegion: region, GrantorName: name, GrantedBy: p.AccountID}
	inScope := func(code string) bool { return region == "" || zhiyuan.RegionContains(region, code) }
	var detail string
	if in.RecipientOrgID != 0 {
		o, err := a.store.FindOrganizationByID(ctx, in.RecipientOrgID)
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound || (err == nil && o.Status != zhiyuan.OrgApproved) {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "org_id", "honour.org_unknown")
		}
		if err != nil {
			return nil, err
		}
		if !inScope(o.RegionCode) {
			return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "org_id", "honour.out_of_scope", "grantor", name)
		}
		aw.RecipientOrgID, detail = o.ID, o.Name+"："+in.Title
	} else {
		v, err := a.resolveVolunteer(ctx, in.VolunteerID, in.VolunteerNo)
		if err != nil {
			return nil, err
		}
		if !inScope(v.RegionCode) {
			return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "volunteer_no", "honour.out_of_scope", "grantor", name)
		}
		aw.VolunteerID, detail = v.ID, v.VolunteerNo+"："+in.Title
	}
	entry := a.auditEntry(ctx, p, "award.grant", "award", "", region, aw.RecipientOrgID, detail)
	if err := a.store.InsertAward(ctx, aw, 0, entry); err != nil {
		return nil, err
	}
	return a.store.FindAward(ctx, aw.ID)
}

// ManagedAward returns an award to someone who may revoke it: a manager of the granting
// organisation, or an administrator of the granting region (the platform for national
// awards). Anyone else gets ENotFound, so award ids cannot be probed.
func (a *App) ManagedAward(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Award, error) {
	aw, err := a.store.FindAward(ctx, id)
	if err != nil {
		return nil, err
	}
	if aw.GrantorOrgID != 0 {
		_, err = a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, aw.GrantorOrgID)
	} else {
		err = a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: aw.GrantorRegion})
	}
	switch zhiyuan.ErrorCode(err) {
	case "":
		return aw, nil
	case zhiyuan.EForbidden:
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.award")
	}
	return nil, err
}

// RevokeAward withdraws an award with a reason, for whoever may manage it (ManagedAward).
// It cannot be undone; a second revocation is 409. Audited.
func (a *App) RevokeAward(ctx context.Context, p *zhiyuan.Principal, id int64, reason string) (*zhiyuan.Award, error) {
	aw, err := a.ManagedAward(ctx, p, id)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	reason = checkReason(pr, reason)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if aw.Revoked() {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "award.revoked_already")
	}
	region := aw.GrantorRegion
	if aw.GrantorOrgID != 0 {
		if o, err := a.store.FindOrganizationByID(ctx, aw.GrantorOrgID); err == nil {
			region = o.RegionCode
		}
	}
	entry := a.auditEntry(ctx, p, "award.revoke", "award", strconv.FormatInt(aw.ID, 10), region, aw.GrantorOrgID, aw.Title+"："+reason)
	if err := a.store.RevokeAward(ctx, aw.ID, p.AccountID, reason, entry); err != nil {
		return nil, err
	}
	return a.store.FindAward(ctx, aw.ID)
}

// OrgAwards lists the awards an organisation granted (revoked ones too), for its managers.
func (a *App) OrgAwards(ctx context.Context, p *zhiyuan.Principal, orgID int64) ([]zhiyuan.Award, error) {
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
		return nil, err
	}
	return a.store.Awards(ctx, sqlstore.AwardFilter{GrantorOrgID: orgID, WithRevoked: true})
}

// RegionAwards lists the awards granted in the name of a region ("" the platform),
// revoked ones too, for its administrators.
func (a *App) RegionAwards(ctx context.Context, p *zhiyuan.Principal, region string) ([]zhiyuan.Award, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: region}); err != nil {
		return nil, err
	}
	return a.store.Awards(ctx, sqlstore.AwardFilter{ByRegion: true, Region: region, WithRevoked: true})
}

// OrgHonoursAwards lists the awards an organisation received (not revoked), for anyone:
// an honour is public.
func (a *App) OrgHonoursAwards(ctx context.Context, orgID int64) ([]zhiyuan.Award, error) {
	return a.store.Awards(ctx, sqlstore.AwardFilter{RecipientOrgID: orgID})
}

// TrainingGrant is a request to record a training for a volunteer (by id or number).
type TrainingGrant struct {
	VolunteerID int64
	VolunteerNo string
	zhiyuan.TrainingInput
}

// RecordTraining records a training course an approved member of the organisation
// attended. The organiser defaults to the organisation. Its hours are training, never
// service hours: they do not enter the ledger. Audited.
func (a *App) RecordTraining(ctx context.Context, p *zhiyuan.Principal, orgID int64, in TrainingGrant) (*zhiyuan.Training, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	in.TrainingInput = in.TrainingInput.Check(pr, a.Now())
	if err := pr.Err(); err != nil {
		return nil, err
	}
	v, err := a.resolveVolunteer(ctx, in.VolunteerID, in.VolunteerNo)
	if err != nil {
		return nil, err
	}
	if in.Organiser == "" {
		in.Organiser = o.Name
	}
	t := &zhiyuan.Training{OrgID: o.ID, VolunteerID: v.ID, Course: in.Course, Minutes: in.Minutes, Organiser: in.Organiser,
		TrainedOn: in.TrainedOn, RecordedBy: p.AccountID}
	entry := a.auditEntry(ctx, p, "training.record", "training", "", o.RegionCode, o.ID, v.VolunteerNo+"："+in.Course)
	if err := a.store.InsertTraining(ctx, t, entry); err != nil {
		return nil, err
	}
	t.OrgName, t.VolunteerName, t.VolunteerNo = o.Name, v.Name, v.VolunteerNo
	return t, nil
}

// OrgTrainings lists the training records an organisation made, for its managers.
func (a *App) OrgTrainings(ctx context.Context, p *zhiyuan.Principal, orgID int64) ([]zhiyuan.Training, error) {
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
		return nil, err
	}
	return a.store.Trainings(ctx, 0, orgID)
}

// EvaluateVolunteer records (or changes) the organiser's evaluation of a volunteer who
// attended a session, for those who manage the activity's organisation. One per volunteer
// and session, settled by the database.
func (a *App) EvaluateVolunteer(ctx context.Context, p *zhiyuan.Principal, sessionID, volunteerID int64, rating int, comment string) (*zhiyuan.Evaluation, error) {
	_, act, _, err := a.sessionForOrg(ctx, p, sessionID)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	comment = zhiyuan.CheckRating(pr, rating, comment)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	e := &zhiyuan.Evaluation{SessionID: sessionID, ActivityID: act.ID, OrgID: act.OrgID, VolunteerID: volunteerID, Rating: rating,
		Comment: comment, RatedBy: p.AccountID}
	if err := a.store.SaveEvaluation(ctx, sqlstore.OfVolunteer, e); err != nil {
		return nil, err
	}
	return e, nil
}

// EvaluateActivity records (or changes) the caller's evaluation of the activity of a
// session they attended. One per volunteer and session, settled by the database.
func (a *App) EvaluateActivity(ctx context.Context, p *zhiyuan.Principal, sessionID int64, rating int, comment string) (*zhiyuan.Evaluation, error) {
	vid, err := a.myVolunteerID(ctx, p)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	comment = zhiyuan.CheckRating(pr, rating, comment)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	_, act, err := a.store.FindSessionByID(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	e := &zhiyuan.Evaluation{SessionID: sessionID, ActivityID: act.ID, OrgID: act.OrgID, VolunteerID: vid, Rating: rating,
		Comment: comment, RatedBy: p.AccountID}
	if err := a.store.SaveEvaluation(ctx, sqlstore.OfActivity, e); err != nil {
		return nil, err
	}
	return e, nil
}

// SessionEvaluations is what a session's organiser sees of its evaluations.
type SessionEvaluations struct {
	Session   *zhiyuan.ActivitySession
	Activity  *zhiyuan.Activity
	Attendees []zhiyuan.Evaluation // who attended, with the organiser's evaluation (Rating 0: none yet)
	Feedback  []zhiyuan.Evaluation // the volunteers' evaluations of the activity, comments included
	Summary   zhiyuan.RatingSummary
}

// SessionEvaluationsFor returns a session's evaluations to those who manage its
// organisation.
func (a *App) SessionEvaluationsFor(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (*SessionEvaluations, error) {
	se, act, _, err := a.sessionForOrg(ctx, p, sessionID)
	if err != nil {
		return nil, err
	}
	out := &SessionEvaluations{Session: se, Activity: act}
	if out.Attendees, err = a.store.SessionAttendees(ctx, sessionID); err != nil {
		return nil, err
	}
	if out.Feedback, err = a.store.SessionEvaluations(ctx, sqlstore.OfActivity, sessionID); err != nil {
		return nil, err
	}
	for _, f := range out.Feedback {
		out.Summary.Average = (out.Summary.Average*float64(out.Summary.Count) + float64(f.Rating)) / float64(out.Summary.Count+1)
		out.Summary.Count++
	}
	return out, nil
}

// ActivityRating is the count and average of the volunteers' evaluations of an activity
// over all its sessions: public, shown on the activity's page. Comments are not.
func (a *App) ActivityRating(ctx context.Context, activityID int64) (zhiyuan.RatingSummary, error) {
	return a.store.RatingSummary(ctx, sqlstore.OfActivity, 0, activityID)
}

// CareGrant is a request to record a care visit to a volunteer (by id or number).
type CareGrant struct {
	VolunteerID int64
	VolunteerNo string
	zhiyuan.CareInput
}

// RecordCareVisit records a care visit an organisation paid one of its approved members.
// Audited (without the note, which may be about health or family).
func (a *App) RecordCareVisit(ctx context.Context, p *zhiyuan.Principal, orgID int64, in CareGrant) (*zhiyuan.CareVisit, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	in.CareInput = in.CareInput.Check(pr, a.Now())
	if err := pr.Err(); err != nil {
		return nil, err
	}
	v, err := a.resolveVolunteer(ctx, in.VolunteerID, in.VolunteerNo)
	if err != nil {
		return nil, err
	}
	c := &zhiyuan.CareVisit{OrgID: o.ID, VolunteerID: v.ID, RegionCode: o.RegionCode, VisitedOn: in.VisitedOn, Kind: in.Kind,
		Note: in.Note, RecordedBy: p.AccountID}
	entry := a.auditEntry(ctx, p, "care.record", "care_visit", "", o.RegionCode, o.ID, v.VolunteerNo)
	if err := a.store.InsertCareVisit(ctx, c, entry); err != nil {
		return nil, err
	}
	c.OrgName, c.VolunteerName, c.VolunteerNo = o.Name, v.Name, v.VolunteerNo
	return c, nil
}

// OrgCareVisits lists the care visits an organisation recorded, for its managers (its
// admins, its parents' admins, the regional admins of its region) only.
func (a *App) OrgCareVisits(ctx context.Context, p *zhiyuan.Principal, orgID int64) ([]zhiyuan.CareVisit, error) {
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
		return nil, err
	}
	return a.store.CareVisits(ctx, 0, orgID)
}

// CareVisit returns one care visit to the volunteer it is about or to a manager of the
// organisation that recorded it; to anyone else it does not exist (ENotFound).
func (a *App) CareVisit(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CareVisit, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	c, err := a.store.FindCareVisit(ctx, id)
	if err != nil {
		return nil, err
	}
	if vid, err := a.store.VolunteerIDByAccount(ctx, p.AccountID); err == nil && vid == c.VolunteerID {
		return c, nil
	}
	o, err := a.store.FindOrganizationByID(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	if zhiyuan.Authorize(p, zhiyuan.ActOrgManage, o.Resource()) != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.care_visit")
	}
	return c, nil
}

// Honours is a volunteer's honour page (我的荣誉).
type Honours struct {
	Awards          []zhiyuan.Award
	Trainings       []zhiyuan.Training
	TrainingMinutes int64
	// Evaluations summarises the organisers' evaluations of the volunteer: count and
	// average only. The organisers' comments stay with the organisations that wrote them
	// (they are working notes, like a reference), see docs/honours.md.
	Evaluations zhiyuan.RatingSummary
	// Sessions are the sessions the volunteer attended, each with their own evaluation of
	// the activity (Rating 0: not yet), newest first.
	Sessions   []zhiyuan.Evaluation
	CareVisits []zhiyuan.CareVisit
}

// MyHonours returns the caller's honour page.
func (a *App) MyHonours(ctx context.Context, p *zhiyuan.Principal) (*Honours, error) {
	vid, err := a.myVolunteerID(ctx, p)
	if err != nil {
		return nil, err
	}
	h := &Honours{}
	if h.Awards, err = a.store.Awards(ctx, sqlstore.AwardFilter{VolunteerID: vid}); err != nil {
		return nil, err
	}
	if h.Trainings, err = a.store.Trainings(ctx, vid, 0); err != nil {
		return nil, err
	}
	for _, t := range h.Trainings {
		h.TrainingMinutes += t.Minutes
	}
	if h.Evaluations, err = a.store.RatingSummary(ctx, sqlstore.OfVolunteer, vid, 0); err != nil {
		return nil, err
	}
	if h.Sessions, err = a.store.AttendedSessions(ctx, vid); err != nil {
		return nil, err
	}
	if h.CareVisits, err = a.store.CareVisits(ctx, vid, 0); err != nil {
		return nil, err
	}
	return h, nil
}

// proofHonours adds the volunteer's awards (not revoked) and training records to a proof:
// all of them on a platform proof, those the organisation granted or recorded on its own
// ("whoever records certifies").
func (a *App) proofHonours(ctx context.Context, doc *proof.Proof, volunteerID, orgID int64) error {
	awards, err := a.store.Awards(ctx, sqlstore.AwardFilter{VolunteerID: volunteerID})
	if err != nil {
		return err
	}
	for _, aw := range awards {
		if orgID != 0 && aw.GrantorOrgID != orgID {
			continue
		}
		name := aw.Title + "（" + aw.Level.Chinese() + "）"
		if aw.CertificateNo != "" {
			name += " " + aw.CertificateNo
		}
		doc.Awards = append(doc.Awards, proof.Award{Name: name, Date: honourDay(aw.AwardedOn), Org: aw.GrantorName})
	}
	trainings, err := a.store.Trainings(ctx, volunteerID, 0)
	if err != nil {
		return err
	}
	for _, t := range trainings {
		if orgID != 0 && t.OrgID != orgID {
			continue
		}
		doc.Training = append(doc.Training, proof.Training{Name: t.Course, Date: honourDay(t.TrainedOn), Org: t.Organiser, Minutes: t.Minutes})
	}
	return nil
}

// honourDay reads a stored YYYY-MM-DD as that day in Beijing.
func honourDay(s string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, s, zhiyuan.Beijing)
	return d
}

// exportHonours is the honours part of "export my data": the volunteer's awards (revoked
// ones too, with the reason), training, the organisers' evaluation summary, their own
// evaluations of activities and the care visits recorded for them.
func exportHonours(ctx context.Context, a *App, _ int64, v *zhiyuan.Volunteer) (any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	awards, err := a.store.Awards(ctx, sqlstore.AwardFilter{VolunteerID: v.ID, WithRevoked: true})
	if err != nil {
		return nil, err
	}
	trainings, err := a.store.Trainings(ctx, v.ID, 0)
	if err != nil {
		return nil, err
	}
	summary, err := a.store.RatingSummary(ctx, sqlstore.OfVolunteer, v.ID, 0)
	if err != nil {
		return nil, err
	}
	sessions, err := a.store.AttendedSessions(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	visits, err := a.store.CareVisits(ctx, v.ID, 0)
	if err != nil {
		return nil, err
	}
	type award struct {
		Title, Level, AwardedOn, CertificateNo, Grantor, RevokeReason string
		Revoked                                                       bool
	}
	type training struct {
		Course, Organiser, TrainedOn string
		Hours                        float64
	}
	type rating struct {
		Activity, Comment string
		Rating            int
	}
	type visit struct{ Org, VisitedOn, Kind, Note string }
	out := struct {
		Awards            []award
		Training          []training
		EvaluationCount   int
		EvaluationAverage float64
		MyRatings         []rating
		CareVisits        []visit
	}{Awards: []award{}, Training: []training{}, MyRatings: []rating{}, CareVisits: []visit{},
		EvaluationCount: summary.Count, EvaluationAverage: summary.Average}
	for _, w := range awards {
		out.Awards = append(out.Awards, award{w.Title, w.Level.Chinese(), w.AwardedOn, w.CertificateNo, w.GrantorName, w.RevokeReason, w.Revoked()})
	}
	for _, t := range trainings {
		out.Training = append(out.Training, training{t.Course, t.Organiser, t.TrainedOn, zhiyuan.MinutesToHours(t.Minutes)})
	}
	for _, s := range sessions {
		if s.Rating > 0 {
			out.MyRatings = append(out.MyRatings, rating{s.ActivityTitle, s.Comment, s.Rating})
		}
	}
	for _, c := range visits {
		out.CareVisits = append(out.CareVisits, visit{c.OrgName, c.VisitedOn, c.KindName(), c.Note})
	}
	return out, nil
}

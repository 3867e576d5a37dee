package app

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sheet"
	"zhiyuan/internal/sqlstore"
)

// The project competition 益苗计划 (issue 17). Who does what:
//   - the round's admins (regional admins whose scope holds the round's province or city)
//     create it, add judges and assign them, see every score, and publish the results;
//   - an admin of an approved organisation applies, edits and submits its projects;
//   - the city admin of a project's region (or anyone above) reviews it first and
//     recommends it to the province;
//   - a judge sees and scores only the projects assigned to it.
// Every change is audited and the organisation is told of each stage of its project.

func competitionID(id int64) string { return strconv.FormatInt(id, 10) }

// CreateCompetition opens a round. RegionCode, when empty, is the caller's first regional
// scope; it must be a province or a city, inside the caller's scope.
func (a *App) CreateCompetition(ctx context.Context, p *zhiyuan.Principal, c zhiyuan.Competition) (*zhiyuan.Competition, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	if c.RegionCode == "" {
		if scopes := p.RegionScopes(); len(scopes) > 0 && scopes[0] != "*" {
			c.RegionCode = scopes[0]
		}
	}
	code, ok := a.Regions.Normalize(c.RegionCode)
	r, _ := a.Regions.Lookup(code)
	if !ok || (r.Level != region.Province && r.Level != region.City) {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "region_code", "competition.region_scope")
	}
	c.RegionCode = code
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: code}); err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	if err := c.Validate(); err != nil {
		pr.Merge("", err)
	}
	for i, q := range c.Quotas {
		if !a.isCityUnit(q.CityCode, code) {
			pr.Add(fmt.Sprintf("quotas[%d].city_code", i), "competition.quota_city_unknown")
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	c.CreatedBy = p.AccountID
	if err := a.store.CreateCompetition(ctx, &c); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.create", "competition", competitionID(c.ID), c.RegionCode, 0, c.Name); err != nil {
		return nil, err
	}
	return a.Competition(ctx, c.ID)
}

// isCityUnit reports whether code is a city-level unit (a city, or 顺德区) inside scope.
func (a *App) isCityUnit(code, scope string) bool {
	return code != "" && a.Regions.StatsUnit(code).Code == code && zhiyuan.RegionContains(scope, code)
}

// Competition returns one round; rounds are public (their rules are the call for projects).
func (a *App) Competition(ctx context.Context, id int64) (*zhiyuan.Competition, error) {
	c, err := a.store.FindCompetition(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range c.Quotas {
		if r, ok := a.Regions.Lookup(c.Quotas[i].CityCode); ok {
			c.Quotas[i].CityName = r.Name
		}
	}
	return c, nil
}

// Competitions lists the rounds, newest first.
func (a *App) Competitions(ctx context.Context) ([]*zhiyuan.Competition, error) {
	return a.store.FindCompetitions(ctx, 100)
}

// CanRunCompetition reports whether p is an admin of round c (its province or city).
func (a *App) CanRunCompetition(p *zhiyuan.Principal, c *zhiyuan.Competition) bool {
	return zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: c.RegionCode}) == nil
}

// CanReviewProject reports whether p is the city admin of the project's region (or above).
func (a *App) CanReviewProject(p *zhiyuan.Principal, pr *zhiyuan.CompetitionProject) bool {
	return zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: pr.RegionCode}) == nil
}

// ProjectInput is an application as an organisation enters it.
type ProjectInput struct {
	OrgID int64
	zhiyuan.CompetitionProject
}

// checkProject validates an application for round c and fills its city.
func (a *App) checkProject(ctx context.Context, c *zhiyuan.Competition, orgID int64, pj *zhiyuan.CompetitionProject) error {
	pr := zhiyuan.Problems{}
	pj.RegionCode = a.checkRegion(pr, "region_code", strings.TrimSpace(pj.RegionCode))
	switch {
	case pj.RegionCode == "":
		pr.Add("region_code", "activity.region_required")
	case pr["region_code"].Reason == "" && !zhiyuan.RegionContains(c.RegionCode, pj.RegionCode):
		pr.Add("region_code", "competition.region_outside")
	}
	pj.CityCode = a.Regions.StatsUnit(pj.RegionCode).Code
	if err := pj.Validate(c); err != nil {
		pr.Merge("", err)
	}
	ids := make([]int64, 0, len(pj.Team))
	for _, m := range pj.Team {
		ids = append(ids, m.VolunteerID)
	}
	members, err := a.store.OrgHasVolunteers(ctx, orgID, ids)
	if err != nil {
		return err
	}
	for i, m := range pj.Team {
		if !members[m.VolunteerID] {
			pr.Add(fmt.Sprintf("team[%d].volunteer_id", i), "competition.team_not_member")
		}
	}
	return pr.Err()
}

// CreateCompetitionProject drafts an application for an approved organisation the caller manages,
// within the round's limit of projects per organisation (the database's).
func (a *App) CreateCompetitionProject(ctx context.Context, p *zhiyuan.Principal, compID int64, in ProjectInput) (*zhiyuan.CompetitionProject, error) {
	c, err := a.store.FindCompetition(ctx, compID)
	if err != nil {
		return nil, err
	}
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, in.OrgID)
	if err != nil {
		return nil, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "activity.org_not_approved")
	}
	pj := in.CompetitionProject
	pj.CompetitionID, pj.OrgID = c.ID, o.ID
	if err := a.checkProject(ctx, c, o.ID, &pj); err != nil {
		return nil, err
	}
	if err := a.store.CreateCompetitionProject(ctx, &pj, c.MaxPerOrg, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.apply", "competition_project", competitionID(pj.ID), pj.RegionCode, o.ID, pj.Name); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionProject(ctx, pj.ID)
}

// UpdateCompetitionProject replaces a draft's or a returned project's content.
func (a *App) UpdateCompetitionProject(ctx context.Context, p *zhiyuan.Principal, id int64, in zhiyuan.CompetitionProject) (*zhiyuan.CompetitionProject, error) {
	old, c, err := a.projectForOrg(ctx, p, id)
	if err != nil {
		return nil, err
	}
	in.ID, in.CompetitionID, in.OrgID = old.ID, old.CompetitionID, old.OrgID
	if err := a.checkProject(ctx, c, old.OrgID, &in); err != nil {
		return nil, err
	}
	if err := a.store.UpdateCompetitionProject(ctx, &in); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.edit", "competition_project", competitionID(id), in.RegionCode, old.OrgID, in.Name); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionProject(ctx, id)
}

// projectForOrg reads a project and its round for an admin of the applying organisation.
func (a *App) projectForOrg(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CompetitionProject, *zhiyuan.Competition, error) {
	pj, err := a.store.FindCompetitionProject(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, pj.OrgID); err != nil {
		return nil, nil, err
	}
	c, err := a.store.FindCompetition(ctx, pj.CompetitionID)
	return pj, c, err
}

// notice is what the organisation is told when its project moves.
func notice(c *zhiyuan.Competition, pj *zhiyuan.CompetitionProject, status, comment string) sqlstore.OrgNotice {
	return sqlstore.OrgNotice{
		Title: zhiyuan.Text("competition.notice_title", "name", pj.Name, "status", status),
		Body:  zhiyuan.Text("competition.notice_body", "competition", c.Name, "comment", comment),
		Link:  fmt.Sprintf("/competition-projects/%d", pj.ID),
	}
}

// SubmitCompetitionProject submits a draft before the collection ends, or a returned project before
// the first review ends; the database compares the deadline.
func (a *App) SubmitCompetitionProject(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CompetitionProject, error) {
	pj, c, err := a.projectForOrg(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := a.store.SubmitCompetitionProject(ctx, id, notice(c, pj, zhiyuan.ProjectSubmitted.Chinese(), "")); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.submit", "competition_project", competitionID(id), pj.RegionCode, pj.OrgID, pj.Name); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionProject(ctx, id)
}

// ProjectAccess is what the caller may do with one project, for pages.
type ProjectAccess struct {
	Org, Review, Run, Judge bool
}

// projectAccess says who the caller is to the project; a caller who is none of these
// may not read it.
func (a *App) projectAccess(ctx context.Context, p *zhiyuan.Principal, c *zhiyuan.Competition, pj *zhiyuan.CompetitionProject) (ProjectAccess, error) {
	var acc ProjectAccess
	if p == nil || p.AccountID == 0 {
		return acc, nil
	}
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, pj.OrgID); err == nil {
		acc.Org = true
	}
	acc.Review, acc.Run = a.CanReviewProject(p, pj), a.CanRunCompetition(p, c)
	if p.Has(zhiyuan.RoleJudge) {
		ok, err := a.store.IsAssigned(ctx, pj.ID, p.AccountID)
		if err != nil {
			return acc, err
		}
		acc.Judge = ok
	}
	return acc, nil
}

// ProjectView is one project as its reader may see it.
type ProjectView struct {
	Project     *zhiyuan.CompetitionProject
	Competition *zhiyuan.Competition
	Access      ProjectAccess
	Judges      []zhiyuan.Judge // assigned judges, for the round's admins
}

// CompetitionProject returns one application to its organisation, its reviewers, the round's admins
// and its assigned judges; anyone else gets 403 (401 when not signed in).
func (a *App) CompetitionProject(ctx context.Context, p *zhiyuan.Principal, id int64) (*ProjectView, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	pj, err := a.store.FindCompetitionProject(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := a.store.FindCompetition(ctx, pj.CompetitionID)
	if err != nil {
		return nil, err
	}
	acc, err := a.projectAccess(ctx, p, c, pj)
	if err != nil {
		return nil, err
	}
	if !acc.Org && !acc.Review && !acc.Run && !acc.Judge {
		if p.Has(zhiyuan.RoleJudge) {
			return nil, zhiyuan.Fail(zhiyuan.EForbidden, "competition.judge_not_assigned")
		}
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	// A judge alone, or the organisation alone, sees no score before the roadshow closes:
	// it is made of the judges' sheets, which are sealed until then.
	if !acc.Run && !acc.Review && (acc.Judge || acc.Org) {
		sealScore(c, pj, a.store.Now())
	}
	if err := a.fillTraining(ctx, []*zhiyuan.CompetitionProject{pj}); err != nil {
		return nil, err
	}
	v := &ProjectView{Project: pj, Competition: c, Access: acc}
	if acc.Run {
		if v.Judges, err = a.store.AssignedJudges(ctx, id); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// CompetitionProjects lists the round's applications the caller may see: the round's admins all,
// a city admin those of the city, an organisation's admin its own, a judge those
// assigned. Drafts are shown to their organisation only.
func (a *App) CompetitionProjects(ctx context.Context, p *zhiyuan.Principal, compID int64) ([]*zhiyuan.CompetitionProject, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	c, err := a.store.FindCompetition(ctx, compID)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []*zhiyuan.CompetitionProject
	add := func(list []*zhiyuan.CompetitionProject, drafts bool) {
		for _, pj := range list {
			if !seen[pj.ID] && (drafts || pj.Status != zhiyuan.ProjectDraft) {
				seen[pj.ID] = true
				out = append(out, pj)
			}
		}
	}
	var orgs []int64
	for _, r := range p.Roles {
		if r.Kind == zhiyuan.RoleOrgAdmin && r.OrgID != 0 {
			orgs = append(orgs, r.OrgID)
		}
	}
	if len(orgs) > 0 {
		list, err := a.store.FindCompetitionProjects(ctx, sqlstore.ProjectFilter{CompetitionID: compID, OrgIDs: orgs})
		if err != nil {
			return nil, err
		}
		// The organisation sees its projects' scores only once the roadshow closes
		// (a regional admin listing them below sees them unsealed, as its own copy).
		var own []*zhiyuan.CompetitionProject
		for _, pj := range list {
			if !a.CanReviewProject(p, pj) && !a.CanRunCompetition(p, c) {
				sealScore(c, pj, a.store.Now())
			}
			own = append(own, pj)
		}
		add(own, true)
	}
	for _, scope := range p.RegionScopes() {
		f := sqlstore.ProjectFilter{CompetitionID: compID}
		if scope != "*" {
			if !zhiyuan.RegionContains(scope, c.RegionCode) && !zhiyuan.RegionContains(c.RegionCode, scope) {
				continue
			}
			if !zhiyuan.RegionContains(scope, c.RegionCode) {
				f.CityPrefix = zhiyuan.ScopePrefix(scope)
			}
		}
		list, err := a.store.FindCompetitionProjects(ctx, f)
		if err != nil {
			return nil, err
		}
		add(list, false)
	}
	if p.Has(zhiyuan.RoleJudge) {
		list, err := a.store.FindCompetitionProjects(ctx, sqlstore.ProjectFilter{CompetitionID: compID, JudgeID: p.AccountID})
		if err != nil {
			return nil, err
		}
		for _, pj := range list {
			if !seen[pj.ID] {
				sealScore(c, pj, a.store.Now())
			}
		}
		add(list, false)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if err := a.fillTraining(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// sealScore hides a project's score (which sums up the judges' sheets) from a judge and
// from the applying organisation until the roadshow ends.
func sealScore(c *zhiyuan.Competition, pj *zhiyuan.CompetitionProject, now time.Time) {
	if !now.After(c.StageEnd(zhiyuan.StageRoadshow)) {
		pj.Score, pj.AllMean, pj.Judges = nil, nil, 0
	}
}

// ReviewCompetitionProject records the first review (初审) of a submitted project: pass, return
// for changes with a comment (resubmission is open until the first review ends), or
// reject with a reason. Only the city admin of the project's region (or above).
func (a *App) ReviewCompetitionProject(ctx context.Context, p *zhiyuan.Principal, id int64, decision, comment string) (*zhiyuan.CompetitionProject, error) {
	pj, err := a.store.FindCompetitionProject(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: pj.RegionCode}); err != nil {
		return nil, err
	}
	c, err := a.store.FindCompetition(ctx, pj.CompetitionID)
	if err != nil {
		return nil, err
	}
	var to zhiyuan.ProjectStatus
	var action string
	switch zhiyuan.FirstReviewDecision(decision) {
	case zhiyuan.FirstReviewPass:
		to, action = zhiyuan.ProjectPassed, "competition.review.pass"
	case zhiyuan.FirstReviewReturn:
		to, action = zhiyuan.ProjectReturned, "competition.review.return"
	case zhiyuan.FirstReviewReject:
		to, action = zhiyuan.ProjectRejected, "competition.review.reject"
	default:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "decision", "competition.decision_unknown")
	}
	comment = strings.TrimSpace(comment)
	switch {
	case to != zhiyuan.ProjectPassed && comment == "":
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "comment", "competition.comment_required")
	case utf8.RuneCountInString(comment) > zhiyuan.MaxReasonRunes:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "comment", "competition.text_long", "max", zhiyuan.MaxReasonRunes)
	}
	if err := a.store.ReviewCompetitionProject(ctx, id, to, comment, p.AccountID, notice(c, pj, to.Chinese(), comment)); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, action, "competition_project", competitionID(id), pj.RegionCode, pj.OrgID, comment); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionProject(ctx, id)
}

// roundForAdmin reads a round for one of its admins.
func (a *App) roundForAdmin(ctx context.Context, p *zhiyuan.Principal, compID int64) (*zhiyuan.Competition, error) {
	c, err := a.Competition(ctx, compID)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: c.RegionCode}); err != nil {
		return nil, err
	}
	return c, nil
}

// JudgeInput names a judge for a round: an account by phone (created with the password
// and name when there is none) and the organisations it declares a conflict with.
type JudgeInput struct {
	Phone     string
	Name      string
	Password  string
	Conflicts []int64
}

// AddJudge makes an account a judge of the round (a role scoped to it); only the round's
// admins may.
func (a *App) AddJudge(ctx context.Context, p *zhiyuan.Principal, compID int64, in JudgeInput) (*zhiyuan.Judge, error) {
	c, err := a.roundForAdmin(ctx, p, compID)
	if err != nil {
		return nil, err
	}
	phone, err := pii.NormalizePhone(in.Phone)
	if err != nil {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "phone", "phone.format")
	}
	for i, org := range in.Conflicts {
		if _, err := a.store.FindOrganizationByID(ctx, org); err != nil {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, fmt.Sprintf("conflict_org_ids[%d]", i), "notfound.org")
		}
	}
	role := zhiyuan.Role{Kind: zhiyuan.RoleJudge}
	acc, _, err := a.store.FindAccountByPhone(ctx, phone)
	switch {
	case err == nil:
		if err := a.store.GrantRole(ctx, acc.ID, role, p.AccountID); err != nil {
			return nil, err
		}
	case zhiyuan.ErrorCode(err) == zhiyuan.ENotFound:
		pw := zhiyuan.Problems{}
		if checkPassword(pw, "password", in.Password); len(pw) > 0 {
			return nil, pw.Err()
		}
		name := strings.TrimSpace(in.Name)
		if name == "" {
			name = zhiyuan.RoleJudge.Chinese()
		}
		hash, err := password.Hash(in.Password, a.Config.Password)
		if err != nil {
			return nil, err
		}
		acc = &zhiyuan.Account{Phone: phone, Name: name, Roles: []zhiyuan.Role{role}}
		if err := a.store.CreateAccount(ctx, acc, hash); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if err := a.store.AddCompetitionJudge(ctx, c.ID, acc.ID, in.Conflicts, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.judge.add", "competition", competitionID(c.ID), c.RegionCode, 0, strconv.FormatInt(acc.ID, 10)); err != nil {
		return nil, err
	}
	return &zhiyuan.Judge{AccountID: acc.ID, Name: acc.Name, Conflicts: in.Conflicts}, nil
}

// Judges lists a round's judges, for its admins.
func (a *App) Judges(ctx context.Context, p *zhiyuan.Principal, compID int64) ([]zhiyuan.Judge, error) {
	if _, err := a.roundForAdmin(ctx, p, compID); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionJudges(ctx, compID)
}

// AssignJudge assigns a judge of the round to a project; a judge with a conflict of
// interest (the project's organisation's admin or member, or a declared conflict) is
// refused with 409.
func (a *App) AssignJudge(ctx context.Context, p *zhiyuan.Principal, projectID, judgeID int64) error {
	pj, err := a.store.FindCompetitionProject(ctx, projectID)
	if err != nil {
		return err
	}
	c, err := a.roundForAdmin(ctx, p, pj.CompetitionID)
	if err != nil {
		return err
	}
	if err := a.store.AssignJudge(ctx, projectID, judgeID, p.AccountID); err != nil {
		return err
	}
	return a.audit(ctx, p, "competition.judge.assign", "competition_project", competitionID(projectID), c.RegionCode, pj.OrgID, strconv.FormatInt(judgeID, 10))
}

// ScoreInput is one judge's sheet: points per criterion in the rubric's order. Amend,
// with a reason, replaces the judge's submitted sheet by a new one, keeping the old.
type ScoreInput struct {
	Points  []int
	Comment string
	Amend   bool
	Reason  string
}

// SubmitScore records the caller's sheet for a project assigned to it, before the
// roadshow ends; a submitted sheet is locked (409) unless amended with a reason.
func (a *App) SubmitScore(ctx context.Context, p *zhiyuan.Principal, projectID int64, in ScoreInput) (*zhiyuan.CompetitionScore, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	pj, err := a.store.FindCompetitionProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	ok, err := a.store.IsAssigned(ctx, projectID, p.AccountID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "competition.judge_not_assigned")
	}
	c, err := a.store.FindCompetition(ctx, pj.CompetitionID)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	total, err := zhiyuan.WeightedTotal(c.Criteria, in.Points)
	pr.Merge("", err)
	in.Comment, in.Reason = strings.TrimSpace(in.Comment), strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(in.Comment) > zhiyuan.MaxReasonRunes {
		pr.Add("comment", "competition.text_long", "max", zhiyuan.MaxReasonRunes)
	}
	switch {
	case in.Amend && in.Reason == "":
		pr.Add("reason", "competition.amend_reason_required")
	case utf8.RuneCountInString(in.Reason) > zhiyuan.MaxReasonRunes:
		pr.Add("reason", "competition.text_long", "max", zhiyuan.MaxReasonRunes)
	}
	if !in.Amend {
		in.Reason = ""
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	sc := &zhiyuan.CompetitionScore{ProjectID: projectID, JudgeID: p.AccountID, JudgeName: p.Name, Points: in.Points, Total: total,
		Comment: in.Comment, Reason: in.Reason}
	if err := a.store.SubmitScore(ctx, sc, in.Amend); err != nil {
		return nil, err
	}
	action := "competition.score"
	if in.Amend {
		action = "competition.score.amend"
	}
	if err := a.audit(ctx, p, action, "competition_project", competitionID(projectID), pj.RegionCode, pj.OrgID, total.String()); err != nil {
		return nil, err
	}
	return sc, nil
}

// Scores lists a project's score sheets (amended ones too). The round's admins see them
// all; an assigned judge sees only its own until the roadshow ends, and asking for
// another judge's before then is refused (403). judge, when not zero, keeps one judge's.
func (a *App) Scores(ctx context.Context, p *zhiyuan.Principal, projectID, judge int64) ([]zhiyuan.CompetitionScore, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	pj, err := a.store.FindCompetitionProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	c, err := a.store.FindCompetition(ctx, pj.CompetitionID)
	if err != nil {
		return nil, err
	}
	if !a.CanRunCompetition(p, c) {
		ok, err := a.store.IsAssigned(ctx, projectID, p.AccountID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, zhiyuan.Fail(zhiyuan.EForbidden, "competition.judge_not_assigned")
		}
		if !a.store.Now().After(c.StageEnd(zhiyuan.StageRoadshow)) {
			if judge != 0 && judge != p.AccountID {
				return nil, zhiyuan.Fail(zhiyuan.EForbidden, "competition.scores_sealed")
			}
			judge = p.AccountID
		}
	}
	return a.store.FindScores(ctx, projectID, judge)
}

// RankingQuery is a page of a ranking: City (a city-level code) or the whole round.
type RankingQuery struct {
	City   string
	Offset int
	Limit  int
}

// Ranking ranks a round's scored projects by zhiyuan.RankBefore, within a city: for the
// round's admins (any city, or the whole round) and a city's admins (their city).
func (a *App) Ranking(ctx context.Context, p *zhiyuan.Principal, compID int64, q RankingQuery) ([]zhiyuan.RankedProject, error) {
	c, err := a.Competition(ctx, compID)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	if q.City != "" && !a.isCityUnit(q.City, c.RegionCode) {
		pr.Add("city", "competition.city_unknown")
	}
	if q.Limit == 0 {
		q.Limit = zhiyuan.CompetitionRankingPage
	}
	if q.Limit < 1 || q.Limit > zhiyuan.CompetitionRankingPageMax {
		pr.Add("limit", "competition.page_range", "max", zhiyuan.CompetitionRankingPageMax)
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	scope := c.RegionCode
	if q.City != "" {
		scope = q.City
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: scope}); err != nil {
		return nil, err
	}
	return a.store.Ranking(ctx, compID, q.City, q.Offset, q.Limit)
}

// Recommend recommends a passed project to the province, by the admin of its city,
// within the city's quota (the database's, even with two admins at once).
func (a *App) Recommend(ctx context.Context, p *zhiyuan.Principal, compID, projectID int64) (*zhiyuan.CompetitionProject, error) {
	pj, err := a.store.FindCompetitionProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if pj.CompetitionID != compID {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.competition_project")
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: pj.CityCode}); err != nil {
		return nil, err
	}
	c, err := a.store.FindCompetition(ctx, compID)
	if err != nil {
		return nil, err
	}
	if err := a.store.Recommend(ctx, compID, projectID, pj.CityCode, p.AccountID, notice(c, pj, zhiyuan.ProjectRecommended.Chinese(), "")); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.recommend", "competition_project", competitionID(projectID), pj.CityCode, pj.OrgID, pj.Name); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionProject(ctx, projectID)
}

// TrackResults is one track's published list.
type TrackResults struct {
	Track     string
	Funded    []*zhiyuan.CompetitionProject
	Commended []*zhiyuan.CompetitionProject
}

// CompetitionResults is the public list of a published round's funded and commended projects by
// track, each list in ranking order; before publication it is ENotFound.
func (a *App) CompetitionResults(ctx context.Context, compID int64) (*zhiyuan.Competition, []TrackResults, error) {
	c, err := a.Competition(ctx, compID)
	if err != nil {
		return nil, nil, err
	}
	if c.Status != zhiyuan.CompetitionPublished {
		return nil, nil, zhiyuan.Fail(zhiyuan.ENotFound, "competition.not_published")
	}
	list, err := a.store.FindCompetitionProjects(ctx, sqlstore.ProjectFilter{CompetitionID: compID, Selected: true, Limit: 1_000_000})
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(list, func(i, j int) bool { return zhiyuan.RankBefore(rankEntry(list[i]), rankEntry(list[j])) })
	out := make([]TrackResults, 0, len(c.Tracks))
	for _, t := range c.Tracks {
		tr := TrackResults{Track: t, Funded: []*zhiyuan.CompetitionProject{}, Commended: []*zhiyuan.CompetitionProject{}}
		for _, pj := range list {
			switch {
			case pj.Track != t:
			case pj.Result == zhiyuan.ResultFunded:
				tr.Funded = append(tr.Funded, pj)
			case pj.Result == zhiyuan.ResultCommended:
				tr.Commended = append(tr.Commended, pj)
			}
		}
		out = append(out, tr)
	}
	return c, out, nil
}

func rankEntry(pj *zhiyuan.CompetitionProject) zhiyuan.RankEntry {
	e := zhiyuan.RankEntry{ProjectID: pj.ID}
	if pj.Score != nil {
		e.Score, e.AllMean = *pj.Score, *pj.AllMean
	}
	if pj.SubmittedAt != nil {
		e.SubmittedAt = *pj.SubmittedAt
	}
	return e
}

// CompetitionSheet is what the committee's .xlsx holds: every submitted application with
// each judge's current weighted total and the project's score.
type CompetitionSheet struct {
	Competition *zhiyuan.Competition
	Projects    []*zhiyuan.CompetitionProject
	Scores      map[int64][]zhiyuan.CompetitionScore // by project
}

// CompetitionExport gathers the committee's sheet, for the round's admins; audited.
func (a *App) CompetitionExport(ctx context.Context, p *zhiyuan.Principal, compID int64) (*CompetitionSheet, error) {
	c, err := a.roundForAdmin(ctx, p, compID)
	if err != nil {
		return nil, err
	}
	list, err := a.store.FindCompetitionProjects(ctx, sqlstore.ProjectFilter{CompetitionID: compID, Limit: 1_000_000})
	if err != nil {
		return nil, err
	}
	out := &CompetitionSheet{Competition: c, Scores: map[int64][]zhiyuan.CompetitionScore{}}
	for _, pj := range list {
		if pj.Status != zhiyuan.ProjectDraft {
			out.Projects = append(out.Projects, pj)
		}
	}
	if err := a.fillTraining(ctx, out.Projects); err != nil {
		return nil, err
	}
	scores, err := a.store.FindRoundScores(ctx, compID)
	if err != nil {
		return nil, err
	}
	for _, s := range scores {
		out.Scores[s.ProjectID] = append(out.Scores[s.ProjectID], s)
	}
	if err := a.audit(ctx, p, "competition.export", "competition", competitionID(compID), c.RegionCode, 0, strconv.Itoa(len(out.Projects))); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteCompetitionSheet writes the committee's sheet as .xlsx: one row per application
// with each judge's current weighted total in that judge's column, the number of judges,
// the score (by zhiyuan.ProjectScore) and the result, so anyone can recompute the ranking.
func (a *App) WriteCompetitionSheet(cs *CompetitionSheet, w io.Writer) error {
	var judges []string
	col := map[int64]int{}
	for _, pj := range cs.Projects {
		for _, s := range cs.Scores[pj.ID] {
			if _, ok := col[s.JudgeID]; !ok {
				col[s.JudgeID] = len(judges)
				judges = append(judges, s.JudgeName)
			}
		}
	}
	header := []string{"编号", "项目名称", "申报组织", "赛道", "城市", "状态", "预算合计（元）"}
	widths := []float64{8, 30, 30, 12, 12, 14, 14}
	for _, j := range judges {
		header = append(header, "评委："+j)
		widths = append(widths, 12)
	}
	header = append(header, "评委人数", "得分", "全部评委平均分", "结果", "培训")
	widths = append(widths, 10, 10, 14, 10, 12)
	t, err := sheet.NewXLSXTable(w, "申报与评分", cs.Competition.Name, header, widths, []int{1})
	if err != nil {
		return err
	}
	for _, pj := range cs.Projects {
		city := pj.CityCode
		if r, ok := a.Regions.Lookup(pj.CityCode); ok {
			city = r.Name
		}
		row := []any{strconv.FormatInt(pj.ID, 10), pj.Name, pj.OrgName, pj.Track, city, pj.Status.Chinese(), zhiyuan.Yuan(pj.BudgetTotal)}
		per := make([]any, len(judges))
		for i := range per {
			per[i] = ""
		}
		for _, s := range cs.Scores[pj.ID] {
			per[col[s.JudgeID]] = s.Total.Float()
		}
		row = append(row, per...)
		var score, mean any = "", ""
		if pj.Score != nil {
			score, mean = pj.Score.Float(), pj.AllMean.Float()
		}
		training := ""
		if pj.Training != nil {
			training = pj.Training.Status.Chinese()
		}
		row = append(row, int64(pj.Judges), score, mean, pj.Result.Chinese(), training)
		if err := t.Row(row); err != nil {
			t.Close()
			return err
		}
	}
	return t.Close()
}

// CompetitionCities lists the city-level units a round run by region code gives quotas
// to (the province's 21 cities and 顺德区, or the city itself), with their names.
func (a *App) CompetitionCities(code string) []zhiyuan.CityQuota {
	var out []zhiyuan.CityQuota
	if units := a.Regions.StatsUnits(code); units != nil {
		for _, u := range units {
			out = append(out, zhiyuan.CityQuota{CityCode: u.Code, CityName: u.Name})
		}
		return out
	}
	if u := a.Regions.StatsUnit(code); code != "" && u.Code == code {
		out = append(out, zhiyuan.CityQuota{CityCode: u.Code, CityName: u.Name})
	}
	return out
}

// CanRecommendIn reports whether p may recommend the projects of city (its admins or above).
func (a *App) CanRecommendIn(p *zhiyuan.Principal, city string) bool {
	return zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: city}) == nil
}

// MyScores is the caller's own sheets of a project (amended ones too), oldest first.
func (a *App) MyScores(ctx context.Context, p *zhiyuan.Principal, projectID int64) ([]zhiyuan.CompetitionScore, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	return a.store.FindScores(ctx, projectID, p.AccountID)
}

// CityName is a region's name for pages ("" when unknown).
func (a *App) CityName(code string) string {
	r, _ := a.Regions.Lookup(code)
	return r.Name
}

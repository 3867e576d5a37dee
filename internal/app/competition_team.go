package app

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhiyuan"
)

// The team editor of the project page (issue 17): the team is the applying
// organisation's approved volunteers, added one at a time by searching its members and
// removed one at a time, by the rules the whole-project edit applies (members only, once
// each, at most zhiyuan.CompetitionTeamMax, roles of bounded length, while the project is
// a draft or returned).

// TeamSearchMax is how many of the organisation's members one search shows.
const TeamSearchMax = 20

// TeamCandidates finds approved members of the project's organisation by the start of
// their name or volunteer number, for the organisation's admins (phones masked). An
// empty query finds nobody.
func (a *App) TeamCandidates(ctx context.Context, p *zhiyuan.Principal, projectID int64, q string) ([]*zhiyuan.Membership, error) {
	pj, _, err := a.projectForOrg(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	if q = strings.TrimSpace(q); q == "" {
		return nil, nil
	}
	return a.Members(ctx, p, MemberQuery{OrgID: pj.OrgID, Status: string(zhiyuan.MemberApproved), Query: q, Limit: TeamSearchMax})
}

// AddTeamMember adds one of the organisation's approved volunteers to the project's team
// with a role; the database checks membership, repeats, the team's size and the
// project's status in one statement.
func (a *App) AddTeamMember(ctx context.Context, p *zhiyuan.Principal, projectID, volunteerID int64, role string) (*zhiyuan.CompetitionProject, error) {
	pj, _, err := a.projectForOrg(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	role = strings.TrimSpace(role)
	pr := zhiyuan.Problems{}
	if volunteerID <= 0 {
		pr.Add("volunteer_id", "competition.team_volunteer_required")
	}
	if utf8.RuneCountInString(role) > zhiyuan.CompetitionFieldNameMax {
		pr.Add("role", "competition.text_long", "max", zhiyuan.CompetitionFieldNameMax)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err := a.store.AddCompetitionTeamMember(ctx, projectID, pj.OrgID, volunteerID, role, zhiyuan.CompetitionTeamMax); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.team.add", "competition_project", competitionID(projectID), pj.RegionCode, pj.OrgID,
		strconv.FormatInt(volunteerID, 10)); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionProject(ctx, projectID)
}

// RemoveTeamMember takes a volunteer off the project's team.
func (a *App) RemoveTeamMember(ctx context.Context, p *zhiyuan.Principal, projectID, volunteerID int64) (*zhiyuan.CompetitionProject, error) {
	pj, _, err := a.projectForOrg(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	if err := a.store.RemoveCompetitionTeamMember(ctx, projectID, volunteerID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.team.remove", "competition_project", competitionID(projectID), pj.RegionCode, pj.OrgID,
		strconv.FormatInt(volunteerID, 10)); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionProject(ctx, projectID)
}

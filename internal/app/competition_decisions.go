package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// The provincial review (省级评审) and the publication of results (issue 17), two steps:
// the round's admins record a decision (funded, commended, not selected, with a comment)
// on each recommended project once the provincial review has started, and may change it
// until they publish; publishing (irreversible, asked first on the page) makes every
// decision the project's public result, and tells each organisation. Before publication
// the decisions are seen by the round's admins only, and the public results page shows
// nothing.

// DecideCompetitionProject records the province's decision on a recommended project of
// round compID, for the round's admins; audited, not yet told to the organisation.
func (a *App) DecideCompetitionProject(ctx context.Context, p *zhiyuan.Principal, compID, projectID int64, result, comment string) (*zhiyuan.ProvincialDecision, error) {
	c, err := a.roundForAdmin(ctx, p, compID)
	if err != nil {
		return nil, err
	}
	r := zhiyuan.ProjectResult(strings.TrimSpace(result))
	comment = strings.TrimSpace(comment)
	pr := zhiyuan.Problems{}
	if !r.Valid() {
		pr.Add("result", "competition.decision_result_unknown")
	}
	if utf8.RuneCountInString(comment) > zhiyuan.MaxReasonRunes {
		pr.Add("comment", "competition.text_long", "max", zhiyuan.MaxReasonRunes)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	pj, err := a.store.FindCompetitionProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if pj.CompetitionID != compID {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.competition_project")
	}
	if err := a.store.DecideCompetitionProject(ctx, compID, projectID, r, comment, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.decide", "competition_project", competitionID(projectID), c.RegionCode, pj.OrgID,
		r.Chinese()+" "+comment); err != nil {
		return nil, err
	}
	all, err := a.store.FindProvincialDecisions(ctx, compID)
	if err != nil {
		return nil, err
	}
	d := all[projectID]
	return &d, nil
}

// ProvincialDecisions lists round compID's recorded decisions by project, for its admins.
func (a *App) ProvincialDecisions(ctx context.Context, p *zhiyuan.Principal, compID int64) (map[int64]zhiyuan.ProvincialDecision, error) {
	if _, err := a.roundForAdmin(ctx, p, compID); err != nil {
		return nil, err
	}
	return a.store.FindProvincialDecisions(ctx, compID)
}

// PublishCompetitionResults publishes the round's results as decided in the provincial
// review: every recommended project needs a decision (409 otherwise); every other project
// that passed the first review is not selected. Only the round's admins, once; each
// organisation is told its projects' results in the same transaction, and it is audited.
func (a *App) PublishCompetitionResults(ctx context.Context, p *zhiyuan.Principal, compID int64) (*zhiyuan.Competition, error) {
	c, err := a.roundForAdmin(ctx, p, compID)
	if err != nil {
		return nil, err
	}
	counts := map[zhiyuan.ProjectResult]int{}
	err = a.store.PublishCompetitionResults(ctx, compID, func(x sqlstore.PublishedProject) sqlstore.OrgNotice {
		counts[x.Result]++
		return notice(c, &zhiyuan.CompetitionProject{ID: x.ID, Name: x.Name}, x.Result.Chinese(), x.Comment)
	})
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.publish", "competition", competitionID(compID), c.RegionCode, 0,
		fmt.Sprintf("funded=%d commended=%d not_selected=%d", counts[zhiyuan.ResultFunded], counts[zhiyuan.ResultCommended],
			counts[zhiyuan.ResultNotSelected])); err != nil {
		return nil, err
	}
	return a.Competition(ctx, compID)
}

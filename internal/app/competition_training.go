package app

import (
	"context"
	"fmt"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// Training (培训) of the project competition 益苗计划 (issue 17; root
// competition_training.go). The round's admin schedules a session during the training
// stage for the teams that passed the first review, naming a host organisation that runs
// the check-in screen (the round's admin manages it too, as a regional admin holding its
// region). The session is an activity of the host with one session whose seats are the
// teams' members, so attendance goes through the same check-in as any activity: the
// rotating code scanned by a member, a card, or by hand. zhiyuan.TrainingOutcome says
// whether a team attended or missed; a team that missed is flagged on its project (page,
// API, committee sheet) and its organisation is told once by a periodic sweep.

// TrainingInput is a session as the round's admin enters it. ProjectIDs empty means every
// project of the round that passed the first review.
type TrainingInput struct {
	Title, Place     string
	StartsAt, EndsAt time.Time
	HostOrgID        int64
	ProjectIDs       []int64
}

// ScheduleTraining schedules a training session of round compID, for its admins, until the
// training stage ends (the database compares). Audited.
func (a *App) ScheduleTraining(ctx context.Context, p *zhiyuan.Principal, compID int64, in TrainingInput) (*zhiyuan.TrainingSession, error) {
	c, err := a.roundForAdmin(ctx, p, compID)
	if err != nil {
		return nil, err
	}
	t := zhiyuan.TrainingSession{CompetitionID: c.ID, Title: in.Title, Place: in.Place, StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(),
		HostOrgID: in.HostOrgID}
	pr := zhiyuan.Problems{}
	if err := t.Validate(c); err != nil {
		pr.Merge("", err)
	}
	var host *zhiyuan.Organization
	if t.HostOrgID != 0 {
		o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, t.HostOrgID)
		switch {
		case err != nil && (zhiyuan.ErrorCode(err) == zhiyuan.ENotFound || zhiyuan.ErrorCode(err) == zhiyuan.EForbidden):
			pr.Add("host_org_id", "training.host_not_managed")
		case err != nil:
			return nil, err
		case o.Status != zhiyuan.OrgApproved:
			pr.Add("host_org_id", "training.host_not_approved")
		default:
			host = o
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if n, err := a.store.CountTrainings(ctx, c.ID); err != nil {
		return nil, err
	} else if n >= zhiyuan.CompetitionTrainingsMax {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "training.too_many", "max", zhiyuan.CompetitionTrainingsMax)
	}
	// Members only with sign-up closed from the start: the seats are the teams', given
	// by the round, and nobody else signs up.
	closed := a.store.Now()
	act := &zhiyuan.Activity{OrgID: host.ID, Title: zhiyuan.Text("training.activity_title", "title", t.Title),
		Description: zhiyuan.Text("training.activity_description", "competition", c.Name), Category: zhiyuan.CatCommunity,
		RegionCode: host.RegionCode, Address: t.Place, TimeZone: "Asia/Shanghai", MembersOnly: true, SignupMode: zhiyuan.SignupFirstCome,
		SignupClosesAt: closed, StartsAt: t.StartsAt, EndsAt: t.EndsAt,
		Sessions: []zhiyuan.ActivitySession{{StartsAt: t.StartsAt, EndsAt: t.EndsAt, Capacity: 1}}}
	if err := a.store.CreateTraining(ctx, &t, act, in.ProjectIDs, p.AccountID); err != nil {
		return nil, err
	}
	t.HostOrgName = host.Name
	if err := a.audit(ctx, p, "competition.training.schedule", "competition", competitionID(c.ID), c.RegionCode, host.ID, t.Title); err != nil {
		return nil, err
	}
	return &t, nil
}

// TrainingBoard is a round's training sessions and each passed team's record, for the
// round's admins.
type TrainingBoard struct {
	Competition *zhiyuan.Competition
	Trainings   []zhiyuan.TrainingSession
	Projects    []*zhiyuan.CompetitionProject // passed or recommended, each with Training filled
}

// Trainings returns the round's training board, for its admins.
func (a *App) Trainings(ctx context.Context, p *zhiyuan.Principal, compID int64) (*TrainingBoard, error) {
	c, err := a.roundForAdmin(ctx, p, compID)
	if err != nil {
		return nil, err
	}
	list, err := a.store.FindTrainings(ctx, compID)
	if err != nil {
		return nil, err
	}
	all, err := a.store.FindCompetitionProjects(ctx, sqlstore.ProjectFilter{CompetitionID: compID, Limit: 1_000_000})
	if err != nil {
		return nil, err
	}
	b := &TrainingBoard{Competition: c, Trainings: list, Projects: []*zhiyuan.CompetitionProject{}}
	for _, pj := range all {
		if pj.Status == zhiyuan.ProjectPassed || pj.Status == zhiyuan.ProjectRecommended {
			b.Projects = append(b.Projects, pj)
		}
	}
	if err := a.fillTraining(ctx, b.Projects); err != nil {
		return nil, err
	}
	return b, nil
}

// fillTraining sets each project's training record (zhiyuan.SumTraining at the store's now).
func (a *App) fillTraining(ctx context.Context, list []*zhiyuan.CompetitionProject) error {
	ids := make([]int64, 0, len(list))
	for _, pj := range list {
		ids = append(ids, pj.ID)
	}
	byProject, err := a.store.TrainingAttendance(ctx, ids)
	if err != nil {
		return err
	}
	now := a.store.Now()
	for _, pj := range list {
		tr := zhiyuan.SumTraining(byProject[pj.ID], now)
		pj.Training = &tr
	}
	return nil
}

// missedTrainingBatch bounds one run of the missed-training sweep; the next run takes the rest.
const missedTrainingBatch = 500

// FlagMissedTrainings tells each organisation whose team missed a training session (no
// member checked in), once per team and session. It waits for the check-out window after
// the session's end (the attendance rules' CheckoutLate), within which the organiser may
// still record a forgotten check-in by hand. It returns how many it told.
func (a *App) FlagMissedTrainings(ctx context.Context) (int, error) {
	list, err := a.store.MissedTrainings(ctx, a.store.Now().Add(-a.attendanceRules().CheckoutLate), missedTrainingBatch)
	if err != nil {
		return 0, err
	}
	names := map[int64]string{}
	told := 0
	for _, m := range list {
		if _, ok := names[m.CompetitionID]; !ok {
			c, err := a.store.FindCompetition(ctx, m.CompetitionID)
			if err != nil {
				return told, err
			}
			names[m.CompetitionID] = c.Name
		}
		n := sqlstore.OrgNotice{
			Title: zhiyuan.Text("training.missed_title", "name", m.ProjectName),
			Body: zhiyuan.Text("training.missed_body", "competition", names[m.CompetitionID], "title", m.Title,
				"date", m.StartsAt.In(zhiyuan.Beijing).Format("2006-01-02 15:04")),
			Link: fmt.Sprintf("/competition-projects/%d", m.ProjectID),
		}
		ok, err := a.store.FlagMissedTraining(ctx, m, n)
		if err != nil {
			return told, err
		}
		if ok {
			told++
		}
	}
	return told, nil
}

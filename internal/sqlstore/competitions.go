package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"zhiyuan"
)

// The project competition 益苗计划 (issue 17). Every limit that two people could pass
// together is settled here in one statement: the deadline of a submission is compared in
// the UPDATE, an organisation's number of projects and a city's recommendations are
// numbered by slots under unique indexes, and a judge's current score sheet is unique.

// CreateCompetition inserts a validated round with its stages, rubric and quotas.
func (s *Store) CreateCompetition(ctx context.Context, c *zhiyuan.Competition) error {
	c.CreatedAt, c.Status = s.now(), zhiyuan.CompetitionOpen
	return s.inTx(ctx, func(tx conn) error {
		id, err := tx.insert(ctx, `INSERT INTO competitions (name, region_code, tracks, fields, max_per_org, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.Name, c.RegionCode, strings.Join(c.Tracks, "\n"), strings.Join(c.Fields, "\n"),
			c.MaxPerOrg, string(c.Status), c.CreatedBy, c.CreatedAt)
		if err != nil {
			return err
		}
		c.ID = id
		for i, d := range c.Stages {
			if _, err := tx.exec(ctx, `INSERT INTO competition_stages (competition_id, stage, position, starts_at, ends_at) VALUES (?, ?, ?, ?, ?)`,
				id, string(d.Stage), i, d.StartsAt.UTC(), d.EndsAt.UTC()); err != nil {
				return err
			}
		}
		for i, cr := range c.Criteria {
			if _, err := tx.exec(ctx, `INSERT INTO competition_criteria (competition_id, position, name, description, weight, max_score) VALUES (?, ?, ?, ?, ?, ?)`,
				id, i, cr.Name, cr.Description, cr.Weight, cr.MaxScore); err != nil {
				return err
			}
		}
		for _, q := range c.Quotas {
			if _, err := tx.exec(ctx, `INSERT INTO competition_quotas (competition_id, city_code, quota) VALUES (?, ?, ?)`, id, q.CityCode, q.Quota); err != nil {
				return err
			}
		}
		return nil
	})
}

const competitionCols = `id, name, region_code, tracks, fields, max_per_org, status, created_by, created_at, published_at`

func scanCompetition(r rowScanner) (*zhiyuan.Competition, error) {
	var c zhiyuan.Competition
	var tracks, fields, status string
	var pub sql.NullTime
	if err := r.Scan(&c.ID, &c.Name, &c.RegionCode, &tracks, &fields, &c.MaxPerOrg, &status, &c.CreatedBy, &c.CreatedAt, &pub); err != nil {
		return nil, err
	}
	c.Tracks, c.Fields, c.Status, c.CreatedAt = splitLines(tracks), splitLines(fields), zhiyuan.CompetitionStatus(status), c.CreatedAt.UTC()
	if pub.Valid {
		t := pub.Time.UTC()
		c.PublishedAt = &t
	}
	return &c, nil
}

// FindCompetition returns one round with its stages, rubric and quotas, or ENotFound.
func (s *Store) FindCompetition(ctx context.Context, id int64) (*zhiyuan.Competition, error) {
	c := s.reader()
	comp, err := scanCompetition(c.queryRow(ctx, `SELECT `+competitionCols+` FROM competitions WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.competition")
	}
	if err != nil {
		return nil, err
	}
	comp.Stages, err = queryAll(ctx, c, func(r rowScanner) (zhiyuan.StageDates, error) {
		var d zhiyuan.StageDates
		var st string
		err := r.Scan(&st, &d.StartsAt, &d.EndsAt)
		d.Stage, d.StartsAt, d.EndsAt = zhiyuan.CompetitionStage(st), d.StartsAt.UTC(), d.EndsAt.UTC()
		return d, err
	}, `SELECT stage, starts_at, ends_at FROM competition_stages WHERE competition_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	comp.Criteria, err = queryAll(ctx, c, func(r rowScanner) (zhiyuan.Criterion, error) {
		var cr zhiyuan.Criterion
		err := r.Scan(&cr.Name, &cr.Description, &cr.Weight, &cr.MaxScore)
		return cr, err
	}, `SELECT name, description, weight, max_score FROM competition_criteria WHERE competition_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	comp.Quotas, err = queryAll(ctx, c, func(r rowScanner) (zhiyuan.CityQuota, error) {
		var q zhiyuan.CityQuota
		err := r.Scan(&q.CityCode, &q.Quota)
		return q, err
	}, `SELECT city_code, quota FROM competition_quotas WHERE competition_id = ? ORDER BY city_code`, id)
	return comp, err
}

// FindCompetitions lists rounds, newest first (without stages or rubric).
func (s *Store) FindCompetitions(ctx context.Context, limit int) ([]*zhiyuan.Competition, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s.reader(), scanCompetition, `SELECT `+competitionCols+` FROM competitions ORDER BY id DESC LIMIT ?`, limit)
}

// notifyOrg writes an in-app notification to every admin of organisation orgID, inside
// the caller's transaction, so the organisation hears of each change exactly when it happens.
func (s *Store) notifyOrg(ctx context.Context, c conn, orgID int64, title, body, link string) error {
	admins, err := queryAll(ctx, c, scanInt64, `SELECT DISTINCT account_id FROM account_roles WHERE role = 'org_admin' AND org_id = ? ORDER BY account_id`, orgID)
	if err != nil {
		return err
	}
	for _, id := range admins {
		if err := s.insertNotification(ctx, c, &zhiyuan.Notification{AccountID: id, Kind: "competition", Title: title, Body: body, Link: link}); err != nil {
			return err
		}
	}
	return nil
}

// OrgNotice is a notification to an organisation's admins, written with the change it tells about.
type OrgNotice struct {
	Title, Body, Link string
}

// CreateCompetitionProject inserts a draft application with its budget and team. Its slot
// is the organisation's count of projects in the round plus one, inserted only while that
// stays within maxPerOrg; two drafts at once take the same slot and the unique index
// refuses the second, so an organisation never passes the limit.
func (s *Store) CreateCompetitionProject(ctx context.Context, p *zhiyuan.CompetitionProject, maxPerOrg int, by int64) error {
	now := s.now()
	answers, _ := json.Marshal(p.Answers)
	p.Status, p.CreatedAt = zhiyuan.ProjectDraft, now
	err := s.inTx(ctx, func(tx conn) error {
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO competition_projects (competition_id, org_id, slot, name, track, summary, target_group,
			region_code, city_code, plan, expected_results, answers, budget_total, status, created_by, created_at, updated_at)
			SELECT ?, ?, n.slot, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ? FROM
			(SELECT COALESCE(MAX(slot), 0) + 1 AS slot FROM competition_projects WHERE competition_id = ? AND org_id = ?) n
			WHERE n.slot <= ? RETURNING id`,
			p.CompetitionID, p.OrgID, p.Name, p.Track, p.Summary, p.TargetGroup, p.RegionCode, p.CityCode, p.Plan, p.ExpectedResults,
			string(answers), p.BudgetTotal, by, now, now, p.CompetitionID, p.OrgID, maxPerOrg).Scan(&id)
		if err == sql.ErrNoRows {
			return zhiyuan.Fail(zhiyuan.EConflict, "competition.per_org_full", "max", maxPerOrg)
		}
		if err != nil {
			return err
		}
		p.ID = id
		return s.writeProjectLines(ctx, tx, p)
	})
	if _, ok := s.dialect.uniqueViolation(err); ok {
		return zhiyuan.Fail(zhiyuan.EConflict, "competition.per_org_full", "max", maxPerOrg)
	}
	return err
}

func (s *Store) writeProjectLines(ctx context.Context, tx conn, p *zhiyuan.CompetitionProject) error {
	if _, err := tx.exec(ctx, `DELETE FROM competition_budget_lines WHERE project_id = ?`, p.ID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM competition_team WHERE project_id = ?`, p.ID); err != nil {
		return err
	}
	for i, b := range p.Budget {
		if _, err := tx.exec(ctx, `INSERT INTO competition_budget_lines (project_id, position, item, amount) VALUES (?, ?, ?, ?)`,
			p.ID, i, b.Item, b.Amount); err != nil {
			return err
		}
	}
	for i, m := range p.Team {
		if _, err := tx.exec(ctx, `INSERT INTO competition_team (project_id, volunteer_id, role, position) VALUES (?, ?, ?, ?)`,
			p.ID, m.VolunteerID, m.Role, i); err != nil {
			return err
		}
	}
	return nil
}

// UpdateCompetitionProject replaces a draft's or a returned project's content; once
// submitted (or reviewed) it is not changed.
func (s *Store) UpdateCompetitionProject(ctx context.Context, p *zhiyuan.CompetitionProject) error {
	answers, _ := json.Marshal(p.Answers)
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE competition_projects SET name = ?, track = ?, summary = ?, target_group = ?, region_code = ?,
			city_code = ?, plan = ?, expected_results = ?, answers = ?, budget_total = ?, updated_at = ?
			WHERE id = ? AND status IN ('draft', 'returned')`,
			p.Name, p.Track, p.Summary, p.TargetGroup, p.RegionCode, p.CityCode, p.Plan, p.ExpectedResults, string(answers),
			p.BudgetTotal, s.now(), p.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.projectRefusal(ctx, tx, p.ID, "competition.not_editable")
		}
		return s.writeProjectLines(ctx, tx, p)
	})
}

// projectRefusal names why a conditional UPDATE on project id changed nothing.
func (s *Store) projectRefusal(ctx context.Context, c conn, id int64, key zhiyuan.Msg) error {
	var st string
	err := c.queryRow(ctx, `SELECT status FROM competition_projects WHERE id = ?`, id).Scan(&st)
	if err == sql.ErrNoRows {
		return notFound("notfound.competition_project")
	}
	if err != nil {
		return err
	}
	return zhiyuan.FieldFail(zhiyuan.EConflict, "status", key, "status", zhiyuan.ProjectStatus(st).Chinese())
}

// stageOpen is the SQL condition that the clock (two ? placeholders, both the clock) lies
// within a stage of the project's round: started and not ended. Every action of a stage
// states it in its conditional UPDATE, so the database refuses one second early as it
// refuses one second late.
func stageOpen(alias string, stage zhiyuan.CompetitionStage) string {
	return `EXISTS (SELECT 1 FROM competition_stages so WHERE so.competition_id = ` + alias + `.competition_id AND so.stage = '` +
		string(stage) + `' AND so.starts_at <= ? AND ? <= so.ends_at)`
}

// stageNotStarted explains a refusal when the clock is before the start of a stage of
// round comp: 409 competition.stage_not_started naming the stage and when it starts, or
// nil when the stage has started.
func (s *Store) stageNotStarted(ctx context.Context, c conn, comp int64, stage zhiyuan.CompetitionStage, now time.Time) error {
	var start time.Time
	err := c.queryRow(ctx, `SELECT starts_at FROM competition_stages WHERE competition_id = ? AND stage = ?`, comp, string(stage)).Scan(&start)
	if err != nil {
		return s.translate(err, nil)
	}
	if now.Before(start.UTC()) {
		return zhiyuan.FieldFail(zhiyuan.EConflict, "stage", "competition.stage_not_started", "stage", stage.Chinese(),
			"start", start.In(zhiyuan.Beijing).Format("2006-01-02 15:04"))
	}
	return nil
}

// projectRound is the round of project id.
func (s *Store) projectRound(ctx context.Context, c conn, id int64) (int64, error) {
	var comp int64
	err := c.queryRow(ctx, `SELECT competition_id FROM competition_projects WHERE id = ?`, id).Scan(&comp)
	if err == sql.ErrNoRows {
		return 0, notFound("notfound.competition_project")
	}
	return comp, err
}

// stageEndOf is the end of a stage of project's round.
func (s *Store) stageEndOf(ctx context.Context, c conn, project int64, stage zhiyuan.CompetitionStage) (time.Time, error) {
	var t time.Time
	err := c.queryRow(ctx, `SELECT ends_at FROM competition_stages WHERE stage = ? AND competition_id =
		(SELECT competition_id FROM competition_projects WHERE id = ?)`, string(stage), project).Scan(&t)
	return t.UTC(), s.translate(err, nil)
}

// SubmitCompetitionProject submits a draft before the collection stage ends, or a
// returned project before the first review ends. The clock is compared with the stage's
// end in the UPDATE itself, so the database refuses a submission after the deadline.
func (s *Store) SubmitCompetitionProject(ctx context.Context, id int64, notice OrgNotice) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE competition_projects SET status = 'submitted', submitted_at = ?, updated_at = ?
			WHERE id = ? AND ((status = 'draft' AND `+stageOpen("competition_projects", zhiyuan.StageCollection)+`)
			OR (status = 'returned' AND `+stageOpen("competition_projects", zhiyuan.StageFirstReview)+`))`, now, now, id, now, now, now, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var st string
			if err := tx.queryRow(ctx, `SELECT status FROM competition_projects WHERE id = ?`, id).Scan(&st); err != nil {
				return s.translate(err, nil)
			}
			switch zhiyuan.ProjectStatus(st) {
			case zhiyuan.ProjectDraft, zhiyuan.ProjectReturned:
				stage := zhiyuan.StageCollection
				if zhiyuan.ProjectStatus(st) == zhiyuan.ProjectReturned {
					stage = zhiyuan.StageFirstReview
				}
				comp, err := s.projectRound(ctx, tx, id)
				if err != nil {
					return err
				}
				if err := s.stageNotStarted(ctx, tx, comp, stage, now); err != nil {
					return err
				}
				end, err := s.stageEndOf(ctx, tx, id, stage)
				if err != nil {
					return err
				}
				return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "competition.deadline_passed", "stage", stage.Chinese(),
					"deadline", zhiyuan.CreditDate(end))
			}
			return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "competition.not_editable", "status", zhiyuan.ProjectStatus(st).Chinese())
		}
		var org int64
		if err := tx.queryRow(ctx, `SELECT org_id FROM competition_projects WHERE id = ?`, id).Scan(&org); err != nil {
			return err
		}
		return s.notifyOrg(ctx, tx, org, notice.Title, notice.Body, notice.Link)
	})
}

// ReviewCompetitionProject records the first review of a submitted project (before the
// first review stage ends) and tells the organisation, in one transaction.
func (s *Store) ReviewCompetitionProject(ctx context.Context, id int64, to zhiyuan.ProjectStatus, comment string, by int64, notice OrgNotice) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE competition_projects SET status = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?
			WHERE id = ? AND status = 'submitted' AND `+stageOpen("competition_projects", zhiyuan.StageFirstReview), string(to), comment, by, now, now, id, now, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			comp, err := s.projectRound(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := s.stageNotStarted(ctx, tx, comp, zhiyuan.StageFirstReview, now); err != nil {
				return err
			}
			end, err := s.stageEndOf(ctx, tx, id, zhiyuan.StageFirstReview)
			if err != nil {
				return err
			}
			if now.After(end) {
				return zhiyuan.Fail(zhiyuan.EConflict, "competition.stage_closed", "stage", zhiyuan.StageFirstReview.Chinese())
			}
			return s.projectRefusal(ctx, tx, id, "competition.not_submitted")
		}
		var org int64
		if err := tx.queryRow(ctx, `SELECT org_id FROM competition_projects WHERE id = ?`, id).Scan(&org); err != nil {
			return err
		}
		return s.notifyOrg(ctx, tx, org, notice.Title, notice.Body, notice.Link)
	})
}

const projectCols = `p.id, p.competition_id, p.org_id, o.name, p.name, p.track, p.summary, p.target_group, p.region_code, p.city_code,
	p.plan, p.expected_results, p.answers, p.budget_total, p.status, p.review_comment, p.submitted_at, p.score, p.all_mean,
	p.judges_scored, COALESCE(p.result, ''), p.created_at`

func scanProject(r rowScanner) (*zhiyuan.CompetitionProject, error) {
	var p zhiyuan.CompetitionProject
	var answers, status, result string
	var sub sql.NullTime
	var score, mean sql.NullInt64
	if err := r.Scan(&p.ID, &p.CompetitionID, &p.OrgID, &p.OrgName, &p.Name, &p.Track, &p.Summary, &p.TargetGroup, &p.RegionCode,
		&p.CityCode, &p.Plan, &p.ExpectedResults, &answers, &p.BudgetTotal, &status, &p.ReviewComment, &sub, &score, &mean,
		&p.Judges, &result, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.Status, p.Result, p.CreatedAt = zhiyuan.ProjectStatus(status), zhiyuan.ProjectResult(result), p.CreatedAt.UTC()
	p.Answers = map[string]string{}
	_ = json.Unmarshal([]byte(answers), &p.Answers)
	if sub.Valid {
		t := sub.Time.UTC()
		p.SubmittedAt = &t
	}
	if score.Valid {
		c, m := zhiyuan.Centi(score.Int64), zhiyuan.Centi(mean.Int64)
		p.Score, p.AllMean = &c, &m
	}
	p.Team, p.Budget = []zhiyuan.TeamMember{}, []zhiyuan.BudgetLine{}
	return &p, nil
}

// FindCompetitionProject returns one application with its team and budget, or ENotFound.
func (s *Store) FindCompetitionProject(ctx context.Context, id int64) (*zhiyuan.CompetitionProject, error) {
	c := s.reader()
	p, err := scanProject(c.queryRow(ctx, `SELECT `+projectCols+` FROM competition_projects p JOIN organizations o ON o.id = p.org_id WHERE p.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.competition_project")
	}
	if err != nil {
		return nil, err
	}
	p.Budget, err = queryAll(ctx, c, func(r rowScanner) (zhiyuan.BudgetLine, error) {
		var b zhiyuan.BudgetLine
		err := r.Scan(&b.Item, &b.Amount)
		return b, err
	}, `SELECT item, amount FROM competition_budget_lines WHERE project_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	p.Team, err = queryAll(ctx, c, func(r rowScanner) (zhiyuan.TeamMember, error) {
		var m zhiyuan.TeamMember
		err := r.Scan(&m.VolunteerID, &m.Name, &m.Role)
		return m, err
	}, `SELECT t.volunteer_id, v.name, t.role FROM competition_team t JOIN volunteers v ON v.id = t.volunteer_id
		WHERE t.project_id = ? ORDER BY t.position`, id)
	return p, err
}

// ProjectFilter selects applications of one round. Zero fields do not filter.
type ProjectFilter struct {
	CompetitionID int64
	OrgIDs        []int64
	CityPrefix    string
	Status        zhiyuan.ProjectStatus
	JudgeID       int64 // only the projects assigned to this judge
	Selected      bool  // only the funded and commended projects of a published round
	Limit         int
}

// FindCompetitionProjects lists applications (without team and budget), by id.
func (s *Store) FindCompetitionProjects(ctx context.Context, f ProjectFilter) ([]*zhiyuan.CompetitionProject, error) {
	q := `SELECT ` + projectCols + ` FROM competition_projects p JOIN organizations o ON o.id = p.org_id WHERE p.competition_id = ?`
	args := []any{f.CompetitionID}
	if len(f.OrgIDs) > 0 {
		q += ` AND p.org_id IN (` + placeholders(len(f.OrgIDs)) + `)`
		args = append(args, int64Args(f.OrgIDs)...)
	}
	if f.CityPrefix != "" {
		lo, hi := regionRange(f.CityPrefix)
		q += ` AND p.region_code >= ? AND p.region_code < ?`
		args = append(args, lo, hi)
	}
	if f.Status != "" {
		q += ` AND p.status = ?`
		args = append(args, string(f.Status))
	}
	if f.JudgeID != 0 {
		q += ` AND p.id IN (SELECT project_id FROM competition_assignments WHERE judge_id = ?)`
		args = append(args, f.JudgeID)
	}
	if f.Selected {
		q += ` AND p.result IN ('funded', 'commended')`
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	q += ` ORDER BY p.id LIMIT ?`
	args = append(args, f.Limit)
	return queryAll(ctx, s.reader(), scanProject, q, args...)
}

// OrgHasVolunteers reports which of ids are approved members of organisation org.
func (s *Store) OrgHasVolunteers(ctx context.Context, org int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.reader().query(ctx, `SELECT volunteer_id FROM org_members WHERE org_id = ? AND status = 'approved' AND volunteer_id IN (`+
		placeholders(len(ids))+`)`, append([]any{org}, int64Args(ids)...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// AddCompetitionJudge makes an account a judge of round comp with the organisations it
// declares a conflict of interest with; adding again adds the new conflicts.
func (s *Store) AddCompetitionJudge(ctx context.Context, comp, account int64, conflicts []int64, by int64) error {
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `INSERT INTO competition_judges (competition_id, account_id, added_by, added_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (competition_id, account_id) DO NOTHING`, comp, account, by, s.now()); err != nil {
			return err
		}
		for _, org := range conflicts {
			if _, err := tx.exec(ctx, `INSERT INTO competition_conflicts (competition_id, account_id, org_id) VALUES (?, ?, ?)
				ON CONFLICT (competition_id, account_id, org_id) DO NOTHING`, comp, account, org); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindCompetitionJudges lists a round's judges with their declared conflicts.
func (s *Store) FindCompetitionJudges(ctx context.Context, comp int64) ([]zhiyuan.Judge, error) {
	c := s.reader()
	judges, err := queryAll(ctx, c, func(r rowScanner) (zhiyuan.Judge, error) {
		var j zhiyuan.Judge
		err := r.Scan(&j.AccountID, &j.Name)
		j.Conflicts = []int64{}
		return j, err
	}, `SELECT j.account_id, a.name FROM competition_judges j JOIN accounts a ON a.id = j.account_id WHERE j.competition_id = ? ORDER BY j.added_at, j.account_id`, comp)
	if err != nil {
		return nil, err
	}
	type pair struct{ acc, org int64 }
	conf, err := queryAll(ctx, c, func(r rowScanner) (pair, error) {
		var p pair
		return p, r.Scan(&p.acc, &p.org)
	}, `SELECT account_id, org_id FROM competition_conflicts WHERE competition_id = ? ORDER BY org_id`, comp)
	if err != nil {
		return nil, err
	}
	for i := range judges {
		for _, p := range conf {
			if p.acc == judges[i].AccountID {
				judges[i].Conflicts = append(judges[i].Conflicts, p.org)
			}
		}
	}
	return judges, nil
}

// IsCompetitionJudge reports whether account judges round comp.
func (s *Store) IsCompetitionJudge(ctx context.Context, comp, account int64) (bool, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM competition_judges WHERE competition_id = ? AND account_id = ?`, comp, account).Scan(&n)
	return n > 0, err
}

// AssignJudge assigns a judge of the project's round to it. The INSERT itself refuses a
// judge with a conflict of interest: one who declared the project's organisation, an
// admin of it, or an approved member of it. It returns EConflict "competition.judge_conflict"
// then, and EInvalid on "judge_id" for an account that does not judge the round.
func (s *Store) AssignJudge(ctx context.Context, project, judge, by int64) error {
	res, err := s.writer().exec(ctx, `INSERT INTO competition_assignments (project_id, judge_id, assigned_by, assigned_at)
		SELECT p.id, j.account_id, ?, ? FROM competition_projects p
		JOIN competition_judges j ON j.competition_id = p.competition_id AND j.account_id = ?
		WHERE p.id = ?
		AND NOT EXISTS (SELECT 1 FROM competition_conflicts c WHERE c.competition_id = p.competition_id AND c.account_id = j.account_id AND c.org_id = p.org_id)
		AND NOT EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = j.account_id AND r.role = 'org_admin' AND r.org_id = p.org_id)
		AND NOT EXISTS (SELECT 1 FROM org_members m JOIN volunteers v ON v.id = m.volunteer_id
			WHERE m.org_id = p.org_id AND m.status = 'approved' AND v.account_id = j.account_id)
		ON CONFLICT (project_id, judge_id) DO NOTHING`, by, s.now(), judge, project)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var judges, assigned int
	if err := s.reader().queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM competition_judges j JOIN competition_projects p ON p.competition_id = j.competition_id WHERE p.id = ? AND j.account_id = ?),
		(SELECT COUNT(*) FROM competition_assignments WHERE project_id = ? AND judge_id = ?)`, project, judge, project, judge).Scan(&judges, &assigned); err != nil {
		return err
	}
	switch {
	case assigned > 0:
		return nil
	case judges == 0:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "judge_id", "competition.judge_unknown")
	}
	return zhiyuan.FieldFail(zhiyuan.EConflict, "judge_id", "competition.judge_conflict")
}

// IsAssigned reports whether judge is assigned to project.
func (s *Store) IsAssigned(ctx context.Context, project, judge int64) (bool, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM competition_assignments WHERE project_id = ? AND judge_id = ?`, project, judge).Scan(&n)
	return n > 0, err
}

// AssignedJudges lists the judges assigned to a project.
func (s *Store) AssignedJudges(ctx context.Context, project int64) ([]zhiyuan.Judge, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.Judge, error) {
		var j zhiyuan.Judge
		return j, r.Scan(&j.AccountID, &j.Name)
	}, `SELECT a.id, a.name FROM competition_assignments x JOIN accounts a ON a.id = x.judge_id WHERE x.project_id = ? ORDER BY x.assigned_at, a.id`, project)
}

func encodePoints(points []int) string {
	b, _ := json.Marshal(points)
	return string(b)
}

// SubmitScore records a judge's sheet on a passed project before the roadshow ends, and
// recomputes the project's score in the same transaction. The project's row is locked
// first (a conditional UPDATE checking its status and the roadshow's end), so two judges
// scoring at once recompute one after the other. With amend false a second sheet by the
// same judge is refused (the current sheet is unique: "competition.score_locked"); with
// amend true the current sheet is marked replaced and the new one names it with the reason.
func (s *Store) SubmitScore(ctx context.Context, sc *zhiyuan.CompetitionScore, amend bool) error {
	now := s.now()
	sc.CreatedAt = now
	err := s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE competition_projects SET updated_at = ? WHERE id = ? AND status IN ('passed', 'recommended')
			AND `+stageOpen("competition_projects", zhiyuan.StageRoadshow), now, sc.ProjectID, now, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var st string
			if err := tx.queryRow(ctx, `SELECT status FROM competition_projects WHERE id = ?`, sc.ProjectID).Scan(&st); err != nil {
				return s.translate(err, nil)
			}
			if s := zhiyuan.ProjectStatus(st); s != zhiyuan.ProjectPassed && s != zhiyuan.ProjectRecommended {
				return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "competition.not_passed", "status", s.Chinese())
			}
			comp, err := s.projectRound(ctx, tx, sc.ProjectID)
			if err != nil {
				return err
			}
			if err := s.stageNotStarted(ctx, tx, comp, zhiyuan.StageRoadshow, now); err != nil {
				return err
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "competition.roadshow_closed")
		}
		var amends any
		if amend {
			var old int64
			err := tx.queryRow(ctx, `SELECT id FROM competition_scores WHERE project_id = ? AND judge_id = ? AND replaced_at IS NULL`,
				sc.ProjectID, sc.JudgeID).Scan(&old)
			if err == sql.ErrNoRows {
				return zhiyuan.Fail(zhiyuan.EConflict, "competition.amend_nothing")
			}
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE competition_scores SET replaced_at = ? WHERE id = ? AND replaced_at IS NULL`, now, old); err != nil {
				return err
			}
			amends, sc.Amends = old, old
		}
		id, err := tx.insert(ctx, `INSERT INTO competition_scores (project_id, judge_id, points, total, comment, amends, reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sc.ProjectID, sc.JudgeID, encodePoints(sc.Points), int64(sc.Total), sc.Comment, amends, sc.Reason, now)
		if err != nil {
			return err
		}
		sc.ID = id
		return s.rescore(ctx, tx, sc.ProjectID)
	})
	if _, ok := s.dialect.uniqueViolation(err); ok {
		return zhiyuan.Fail(zhiyuan.EConflict, "competition.score_locked")
	}
	return err
}

// rescore recomputes a project's score from its current sheets by zhiyuan.ProjectScore.
func (s *Store) rescore(ctx context.Context, tx conn, project int64) error {
	totals, err := queryAll(ctx, tx, func(r rowScanner) (zhiyuan.Centi, error) {
		var t int64
		err := r.Scan(&t)
		return zhiyuan.Centi(t), err
	}, `SELECT total FROM competition_scores WHERE project_id = ? AND replaced_at IS NULL`, project)
	if err != nil {
		return err
	}
	score, _, ok := zhiyuan.ProjectScore(totals)
	var sv, mv any
	if ok {
		sv, mv = int64(score), int64(zhiyuan.MeanCenti(totals))
	}
	_, err = tx.exec(ctx, `UPDATE competition_projects SET score = ?, all_mean = ?, judges_scored = ? WHERE id = ?`, sv, mv, len(totals), project)
	return err
}

func scanScore(r rowScanner) (zhiyuan.CompetitionScore, error) {
	var sc zhiyuan.CompetitionScore
	var points string
	var total int64
	var amends sql.NullInt64
	var replaced sql.NullTime
	if err := r.Scan(&sc.ID, &sc.ProjectID, &sc.JudgeID, &sc.JudgeName, &points, &total, &sc.Comment, &amends, &sc.Reason, &sc.CreatedAt, &replaced); err != nil {
		return sc, err
	}
	sc.Total, sc.Amends, sc.CreatedAt = zhiyuan.Centi(total), amends.Int64, sc.CreatedAt.UTC()
	_ = json.Unmarshal([]byte(points), &sc.Points)
	if replaced.Valid {
		t := replaced.Time.UTC()
		sc.ReplacedAt = &t
	}
	return sc, nil
}

const scoreCols = `s.id, s.project_id, s.judge_id, a.name, s.points, s.total, s.comment, s.amends, s.reason, s.created_at, s.replaced_at`

// FindScores lists a project's sheets, the replaced ones too, oldest first; judge, when
// not zero, keeps that judge's only.
func (s *Store) FindScores(ctx context.Context, project, judge int64) ([]zhiyuan.CompetitionScore, error) {
	q := `SELECT ` + scoreCols + ` FROM competition_scores s JOIN accounts a ON a.id = s.judge_id WHERE s.project_id = ?`
	args := []any{project}
	if judge != 0 {
		q += ` AND s.judge_id = ?`
		args = append(args, judge)
	}
	return queryAll(ctx, s.reader(), scanScore, q+` ORDER BY s.id`, args...)
}

// FindRoundScores lists the current sheets of every project of a round, by project then judge.
func (s *Store) FindRoundScores(ctx context.Context, comp int64) ([]zhiyuan.CompetitionScore, error) {
	return queryAll(ctx, s.reader(), scanScore, `SELECT `+scoreCols+` FROM competition_scores s JOIN accounts a ON a.id = s.judge_id
		JOIN competition_projects p ON p.id = s.project_id WHERE p.competition_id = ? AND s.replaced_at IS NULL ORDER BY s.project_id, a.name, s.judge_id`, comp)
}

// Ranking is one page of a round's scored projects (passed or recommended), in the order
// of zhiyuan.RankBefore, within city when not empty. It reads one page of an index
// (competition_projects_rank_city_idx), so its cost does not grow with the round.
func (s *Store) Ranking(ctx context.Context, comp int64, city string, offset, limit int) ([]zhiyuan.RankedProject, error) {
	q := `SELECT p.id, p.name, o.name, p.track, p.city_code, p.status, p.score, p.all_mean, p.judges_scored, p.submitted_at, COALESCE(p.result, '')
		FROM competition_projects p JOIN organizations o ON o.id = p.org_id
		WHERE p.competition_id = ? AND p.score IS NOT NULL AND p.status IN ('passed', 'recommended')`
	args := []any{comp}
	if city != "" {
		q += ` AND p.city_code = ?`
		args = append(args, city)
	}
	q += ` ORDER BY p.score DESC, p.all_mean DESC, p.submitted_at, p.id LIMIT ? OFFSET ?`
	args = append(args, limit, offset)
	i := offset
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.RankedProject, error) {
		var x zhiyuan.RankedProject
		var st, res string
		var score, mean int64
		err := r.Scan(&x.ProjectID, &x.Name, &x.OrgName, &x.Track, &x.CityCode, &st, &score, &mean, &x.Judges, &x.SubmittedAt, &res)
		i++
		x.Rank, x.Status, x.Result, x.Score, x.AllMean, x.SubmittedAt = i, zhiyuan.ProjectStatus(st), zhiyuan.ProjectResult(res),
			zhiyuan.Centi(score), zhiyuan.Centi(mean), x.SubmittedAt.UTC()
		return x, err
	}, q, args...)
}

// Recommend marks a passed project of city as recommended to the province, before the
// city selection ends and while the city's recommendations stay within its quota. The
// quota is counted and the next rec_slot taken in the UPDATE; two admins recommending
// the last place at once take the same slot, and the unique index refuses the second.
func (s *Store) Recommend(ctx context.Context, comp, project int64, city string, by int64, notice OrgNotice) error {
	now := s.now()
	var quota int
	err := s.inTx(ctx, func(tx conn) error {
		if err := tx.queryRow(ctx, `SELECT COALESCE((SELECT quota FROM competition_quotas WHERE competition_id = ? AND city_code = ?), 0)`,
			comp, city).Scan(&quota); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE competition_projects SET status = 'recommended', recommended_by = ?, recommended_at = ?, updated_at = ?,
			rec_slot = (SELECT COALESCE(MAX(x.rec_slot), 0) + 1 FROM competition_projects x WHERE x.competition_id = ? AND x.city_code = ?)
			WHERE id = ? AND competition_id = ? AND city_code = ? AND status = 'passed' AND `+stageOpen("competition_projects", zhiyuan.StageCitySelection)+`
			AND (SELECT COUNT(x.rec_slot) FROM competition_projects x WHERE x.competition_id = ? AND x.city_code = ?) < ?`,
			by, now, now, comp, city, project, comp, city, now, now, comp, city, quota)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var st string
			if err := tx.queryRow(ctx, `SELECT status FROM competition_projects WHERE id = ? AND competition_id = ? AND city_code = ?`,
				project, comp, city).Scan(&st); err != nil {
				if err == sql.ErrNoRows {
					return notFound("notfound.competition_project")
				}
				return err
			}
			end, err := s.stageEndOf(ctx, tx, project, zhiyuan.StageCitySelection)
			if err != nil {
				return err
			}
			switch {
			case zhiyuan.ProjectStatus(st) != zhiyuan.ProjectPassed:
				return zhiyuan.FieldFail(zhiyuan.EConflict, "project_id", "competition.not_recommendable", "status", zhiyuan.ProjectStatus(st).Chinese())
			case s.stageNotStarted(ctx, tx, comp, zhiyuan.StageCitySelection, now) != nil:
				return s.stageNotStarted(ctx, tx, comp, zhiyuan.StageCitySelection, now)
			case now.After(end):
				return zhiyuan.Fail(zhiyuan.EConflict, "competition.selection_closed")
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "competition.quota_full", "quota", quota)
		}
		var org int64
		if err := tx.queryRow(ctx, `SELECT org_id FROM competition_projects WHERE id = ?`, project).Scan(&org); err != nil {
			return err
		}
		return s.notifyOrg(ctx, tx, org, notice.Title, notice.Body, notice.Link)
	})
	if _, ok := s.dialect.uniqueViolation(err); ok {
		return zhiyuan.Fail(zhiyuan.EConflict, "competition.quota_full", "quota", quota)
	}
	return err
}

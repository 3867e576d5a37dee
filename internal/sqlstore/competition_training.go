package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"zhiyuan"
)

// Training sessions of the project competition 益苗计划 (issue 17, migration 0036). A
// session is written with the activity backing it, the projects that must attend and a
// confirmed seat for each of their team members, in one transaction, so the ordinary
// check-in of activities records the teams' attendance.

// teamCheckedIn is the SQL counting the members of project (alias.project_id) of a
// training (alias t) who checked in to its session.
const teamCheckedIn = `(SELECT COUNT(*) FROM attendance at JOIN competition_team m ON m.volunteer_id = at.volunteer_id
	WHERE at.session_id = t.session_id AND m.project_id = tp.project_id)`

// CreateTraining writes training t of its round with act, the activity backing it (one
// session, members only, sign-up closed), while the round's training stage has not
// ended: the INSERT itself compares the clock with the stage's end. The projects that
// must attend are projects (all the round's passed ones when empty), each passed or
// recommended; every member of their teams gets a confirmed seat. It returns 409
// competition.stage_closed after the stage, 422 on project_ids for a project that did not
// pass the first review.
func (s *Store) CreateTraining(ctx context.Context, t *zhiyuan.TrainingSession, act *zhiyuan.Activity, projects []int64, by int64) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		// The projects first: their teams' size is the session's capacity.
		q := `SELECT id FROM competition_projects WHERE competition_id = ? AND status IN ('passed', 'recommended')`
		args := []any{t.CompetitionID}
		if len(projects) > 0 {
			q += ` AND id IN (` + placeholders(len(projects)) + `)`
			args = append(args, int64Args(projects)...)
		}
		ids, err := queryAll(ctx, tx, scanInt64, q+` ORDER BY id`, args...)
		if err != nil {
			return err
		}
		if len(projects) > 0 && len(ids) != len(projects) {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "project_ids", "training.project_not_passed")
		}
		if len(ids) == 0 {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "project_ids", "training.no_projects")
		}
		var members int
		if err := tx.queryRow(ctx, `SELECT COUNT(DISTINCT volunteer_id) FROM competition_team WHERE project_id IN (`+placeholders(len(ids))+`)`,
			int64Args(ids)...).Scan(&members); err != nil {
			return err
		}
		act.Sessions[0].Capacity = max(members, 1)
		if err := s.createActivity(ctx, tx, act, by); err != nil {
			return err
		}
		// Published without entering the search index: the session exists for the teams'
		// check-in, not for the public to find.
		if _, err := tx.exec(ctx, `UPDATE activities SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?`, now, now, act.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE activity_sessions SET status = 'open' WHERE activity_id = ?`, act.ID); err != nil {
			return err
		}
		t.ActivityID, t.SessionID, t.CreatedAt = act.ID, act.Sessions[0].ID, now
		err = tx.queryRow(ctx, `INSERT INTO competition_trainings (competition_id, title, place, starts_at, ends_at, host_org_id, activity_id,
			session_id, created_by, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM competition_stages so
			WHERE so.competition_id = ? AND so.stage = ? AND ? <= so.ends_at) RETURNING id`,
			t.CompetitionID, t.Title, t.Place, t.StartsAt.UTC(), t.EndsAt.UTC(), t.HostOrgID, t.ActivityID, t.SessionID, by, now,
			t.CompetitionID, string(zhiyuan.StageTraining), now).Scan(&t.ID)
		if err == sql.ErrNoRows {
			return zhiyuan.Fail(zhiyuan.EConflict, "competition.stage_closed", "stage", zhiyuan.StageTraining.Chinese())
		}
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.exec(ctx, `INSERT INTO competition_training_projects (training_id, project_id) VALUES (?, ?)`, t.ID, id); err != nil {
				return err
			}
		}
		t.ProjectIDs = ids
		res, err := tx.exec(ctx, `INSERT INTO signups (session_id, activity_id, volunteer_id, status, late, created_at, updated_at)
			SELECT ?, ?, v.volunteer_id, 'confirmed', FALSE, ?, ? FROM (SELECT DISTINCT m.volunteer_id FROM competition_team m
			JOIN competition_training_projects tp ON tp.project_id = m.project_id WHERE tp.training_id = ?) v`,
			t.SessionID, t.ActivityID, now, now, t.ID)
		if err != nil {
			return err
		}
		seats, _ := res.RowsAffected()
		_, err = tx.exec(ctx, `UPDATE activity_sessions SET seats_taken = ? WHERE id = ?`, seats, t.SessionID)
		return err
	})
}

// FindTrainings lists a round's training sessions by start, with the projects each requires.
func (s *Store) FindTrainings(ctx context.Context, comp int64) ([]zhiyuan.TrainingSession, error) {
	c := s.reader()
	list, err := queryAll(ctx, c, func(r rowScanner) (zhiyuan.TrainingSession, error) {
		var t zhiyuan.TrainingSession
		err := r.Scan(&t.ID, &t.CompetitionID, &t.Title, &t.Place, &t.StartsAt, &t.EndsAt, &t.HostOrgID, &t.HostOrgName,
			&t.ActivityID, &t.SessionID, &t.CreatedAt)
		t.StartsAt, t.EndsAt, t.CreatedAt, t.ProjectIDs = t.StartsAt.UTC(), t.EndsAt.UTC(), t.CreatedAt.UTC(), []int64{}
		return t, err
	}, `SELECT t.id, t.competition_id, t.title, t.place, t.starts_at, t.ends_at, t.host_org_id, o.name, t.activity_id, t.session_id, t.created_at
		FROM competition_trainings t JOIN organizations o ON o.id = t.host_org_id WHERE t.competition_id = ? ORDER BY t.starts_at, t.id`, comp)
	if err != nil || len(list) == 0 {
		return list, err
	}
	type pair struct{ training, project int64 }
	pairs, err := queryAll(ctx, c, func(r rowScanner) (pair, error) {
		var p pair
		return p, r.Scan(&p.training, &p.project)
	}, `SELECT tp.training_id, tp.project_id FROM competition_training_projects tp JOIN competition_trainings t ON t.id = tp.training_id
		WHERE t.competition_id = ? ORDER BY tp.project_id`, comp)
	if err != nil {
		return nil, err
	}
	for i := range list {
		for _, p := range pairs {
			if p.training == list[i].ID {
				list[i].ProjectIDs = append(list[i].ProjectIDs, p.project)
			}
		}
	}
	return list, nil
}

// CountTrainings is how many training sessions round comp has.
func (s *Store) CountTrainings(ctx context.Context, comp int64) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM competition_trainings WHERE competition_id = ?`, comp).Scan(&n)
	return n, err
}

// TrainingAttendance is each project's sessions with how many of its team members
// checked in to each (zhiyuan.TrainingOutcome judges them), by project id.
func (s *Store) TrainingAttendance(ctx context.Context, projects []int64) (map[int64][]zhiyuan.TrainingAttendance, error) {
	out := map[int64][]zhiyuan.TrainingAttendance{}
	if len(projects) == 0 {
		return out, nil
	}
	type row struct {
		project int64
		a       zhiyuan.TrainingAttendance
	}
	rows, err := queryAll(ctx, s.reader(), func(r rowScanner) (row, error) {
		var x row
		err := r.Scan(&x.project, &x.a.TrainingID, &x.a.Title, &x.a.StartsAt, &x.a.EndsAt, &x.a.CheckedIn)
		x.a.StartsAt, x.a.EndsAt = x.a.StartsAt.UTC(), x.a.EndsAt.UTC()
		return x, err
	}, `SELECT tp.project_id, t.id, t.title, t.starts_at, t.ends_at, `+teamCheckedIn+`
		FROM competition_training_projects tp JOIN competition_trainings t ON t.id = tp.training_id
		WHERE tp.project_id IN (`+placeholders(len(projects))+`) ORDER BY tp.project_id, t.starts_at, t.id`, int64Args(projects)...)
	if err != nil {
		return nil, err
	}
	for _, x := range rows {
		out[x.project] = append(out[x.project], x.a)
	}
	return out, nil
}

// MissedTraining is a team that missed a training session and whose organisation has not
// been told yet.
type MissedTraining struct {
	TrainingID, ProjectID, OrgID, CompetitionID int64
	ProjectName, Title                          string
	StartsAt                                    time.Time
}

// MissedTrainings lists up to limit teams whose session ended before endedBefore with no
// member checked in, not yet told.
func (s *Store) MissedTrainings(ctx context.Context, endedBefore time.Time, limit int) ([]MissedTraining, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (MissedTraining, error) {
		var m MissedTraining
		err := r.Scan(&m.TrainingID, &m.ProjectID, &m.OrgID, &m.CompetitionID, &m.ProjectName, &m.Title, &m.StartsAt)
		m.StartsAt = m.StartsAt.UTC()
		return m, err
	}, `SELECT t.id, p.id, p.org_id, t.competition_id, p.name, t.title, t.starts_at
		FROM competition_training_projects tp JOIN competition_trainings t ON t.id = tp.training_id
		JOIN competition_projects p ON p.id = tp.project_id
		WHERE tp.missed_notified_at IS NULL AND t.ends_at < ? AND `+teamCheckedIn+` = 0
		ORDER BY t.ends_at, t.id, p.id LIMIT ?`, endedBefore.UTC(), limit)
}

// FlagMissedTraining records that the organisation was told its team missed the session
// and tells it (notice), in one transaction. The conditional UPDATE (not told yet, still
// no member checked in) makes it once per team and session however many sweeps run; it
// reports whether this call told it.
func (s *Store) FlagMissedTraining(ctx context.Context, m MissedTraining, notice OrgNotice) (bool, error) {
	told := false
	err := s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE competition_training_projects SET missed_notified_at = ?
			WHERE training_id = ? AND project_id = ? AND missed_notified_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM attendance at JOIN competition_team m ON m.volunteer_id = at.volunteer_id
				JOIN competition_trainings t ON t.id = competition_training_projects.training_id
				WHERE at.session_id = t.session_id AND m.project_id = competition_training_projects.project_id)`,
			s.now(), m.TrainingID, m.ProjectID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		told = true
		return s.notifyOrg(ctx, tx, m.OrgID, notice.Title, notice.Body, notice.Link)
	})
	return told, err
}

// StartCompetitionStagesAt moves the start of every stage of round comp to at, each still
// ending on its date: for demo data, which shows a round's every stage at once.
func (s *Store) StartCompetitionStagesAt(ctx context.Context, comp int64, at time.Time) error {
	_, err := s.writer().exec(ctx, `UPDATE competition_stages SET starts_at = ? WHERE competition_id = ?`, at.UTC(), comp)
	return err
}

package sqlstore

import (
	"context"
	"database/sql"

	"zhiyuan"
)

// The provincial review (migration 0037): the province records a decision per
// recommended project while the round is open and the provincial review has started;
// publishing copies every decision to the public result in one transaction. Both lock
// the round's row first (a no-op UPDATE that only matches an open round), so a decision
// and the publication never interleave: a decision written after publishing finds the
// round published and changes nothing.

// lockOpenRound locks round comp's row for the transaction, refusing a published round.
func (s *Store) lockOpenRound(ctx context.Context, tx conn, comp int64) error {
	res, err := tx.exec(ctx, `UPDATE competitions SET status = status WHERE id = ? AND status = 'open'`, comp)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var st string
		if err := tx.queryRow(ctx, `SELECT status FROM competitions WHERE id = ?`, comp).Scan(&st); err == sql.ErrNoRows {
			return notFound("notfound.competition")
		} else if err != nil {
			return err
		}
		return zhiyuan.Fail(zhiyuan.EConflict, "competition.published_already")
	}
	return nil
}

// DecideCompetitionProject records (or changes) the province's decision on a
// recommended project of round comp, from the start of the provincial review until the
// round is published.
func (s *Store) DecideCompetitionProject(ctx context.Context, comp, project int64, result zhiyuan.ProjectResult, comment string, by int64) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if err := s.lockOpenRound(ctx, tx, comp); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE competition_projects SET decision = ?, decision_comment = ?, decided_by = ?, decided_at = ?, updated_at = ?
			WHERE id = ? AND competition_id = ? AND status = 'recommended'
			AND ? >= (SELECT se.starts_at FROM competition_stages se WHERE se.competition_id = competition_projects.competition_id
				AND se.stage = 'provincial_review')`,
			string(result), comment, by, now, now, project, comp, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var st string
		if err := tx.queryRow(ctx, `SELECT status FROM competition_projects WHERE id = ? AND competition_id = ?`, project, comp).Scan(&st); err == sql.ErrNoRows {
			return notFound("notfound.competition_project")
		} else if err != nil {
			return err
		}
		if zhiyuan.ProjectStatus(st) != zhiyuan.ProjectRecommended {
			return zhiyuan.FieldFail(zhiyuan.EConflict, "project_id", "competition.decision_not_recommended", "status", zhiyuan.ProjectStatus(st).Chinese())
		}
		if err := s.stageNotStarted(ctx, tx, comp, zhiyuan.StageProvincialReview, now); err != nil {
			return err
		}
		return zhiyuan.Fail(zhiyuan.EConflict, "competition.published_already")
	})
}

// FindProvincialDecisions lists round comp's recorded decisions by project.
func (s *Store) FindProvincialDecisions(ctx context.Context, comp int64) (map[int64]zhiyuan.ProvincialDecision, error) {
	list, err := queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.ProvincialDecision, error) {
		var d zhiyuan.ProvincialDecision
		var result string
		err := r.Scan(&d.ProjectID, &result, &d.Comment, &d.DecidedAt)
		d.Result, d.DecidedAt = zhiyuan.ProjectResult(result), d.DecidedAt.UTC()
		return d, err
	}, `SELECT id, decision, decision_comment, decided_at FROM competition_projects WHERE competition_id = ? AND decision IS NOT NULL ORDER BY id`, comp)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]zhiyuan.ProvincialDecision, len(list))
	for _, d := range list {
		out[d.ProjectID] = d
	}
	return out, nil
}

// PublishedProject is a project whose result publication set, for its notice.
type PublishedProject struct {
	ID, OrgID int64
	Name      string
	Result    zhiyuan.ProjectResult
	Comment   string
}

// PublishCompetitionResults publishes round comp: every recommended project must have a
// decision (else 409 naming how many lack one); each decision becomes the project's
// result, every other project that passed the first review is not selected, and the
// round is published, in one transaction. notice says what each organisation is told of
// its project; the notices are written in the same transaction. A round is published once.
func (s *Store) PublishCompetitionResults(ctx context.Context, comp int64, notice func(PublishedProject) OrgNotice) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		if err := s.lockOpenRound(ctx, tx, comp); err != nil {
			return err
		}
		// Publishing belongs to the provincial review: not before that stage starts (an
		// undecided project below rolls this back with the rest).
		res, err := tx.exec(ctx, `UPDATE competitions SET status = 'published', published_at = ? WHERE id = ?
			AND EXISTS (SELECT 1 FROM competition_stages so WHERE so.competition_id = competitions.id AND so.stage = ? AND so.starts_at <= ?)`,
			now, comp, string(zhiyuan.StageProvincialReview), now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if err := s.stageNotStarted(ctx, tx, comp, zhiyuan.StageProvincialReview, now); err != nil {
				return err
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "competition.published_already")
		}
		var missing int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM competition_projects WHERE competition_id = ? AND status = 'recommended' AND decision IS NULL`,
			comp).Scan(&missing); err != nil {
			return err
		}
		if missing > 0 {
			return zhiyuan.Fail(zhiyuan.EConflict, "competition.decisions_missing", "n", missing)
		}
		if _, err := tx.exec(ctx, `UPDATE competition_projects SET result = decision, updated_at = ? WHERE competition_id = ? AND status = 'recommended'`,
			now, comp); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE competition_projects SET result = 'not_selected', updated_at = ? WHERE competition_id = ?
			AND result IS NULL AND status IN ('passed', 'recommended')`, now, comp); err != nil {
			return err
		}
		list, err := queryAll(ctx, tx, func(r rowScanner) (PublishedProject, error) {
			var x PublishedProject
			var result string
			err := r.Scan(&x.ID, &x.OrgID, &x.Name, &result, &x.Comment)
			x.Result = zhiyuan.ProjectResult(result)
			return x, err
		}, `SELECT id, org_id, name, result, decision_comment FROM competition_projects WHERE competition_id = ? AND result IS NOT NULL ORDER BY id`, comp)
		if err != nil {
			return err
		}
		for _, x := range list {
			n := notice(x)
			if err := s.notifyOrg(ctx, tx, x.OrgID, n.Title, n.Body, n.Link); err != nil {
				return err
			}
		}
		return nil
	})
}

package sqlstore

import (
	"context"

	"zhiyuan"
)

// The team editor of the project page adds and removes one member at a time; each is
// one statement under the project's row lock (lockEditableProject), so two admins
// editing the team at once neither lose each other's change nor pass the team's size.

// AddCompetitionTeamMember adds volunteer, an approved member of org, to project's team
// with role, while the project is a draft or returned and the team has fewer than max.
func (s *Store) AddCompetitionTeamMember(ctx context.Context, project, org, volunteer int64, role string, max int) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := s.lockEditableProject(ctx, tx, project); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `INSERT INTO competition_team (project_id, volunteer_id, role, position)
			SELECT ?, m.volunteer_id, ?, (SELECT COALESCE(MAX(t.position), -1) + 1 FROM competition_team t WHERE t.project_id = ?)
			FROM org_members m WHERE m.org_id = ? AND m.volunteer_id = ? AND m.status = 'approved'
			AND (SELECT COUNT(*) FROM competition_team t WHERE t.project_id = ?) < ?
			ON CONFLICT (project_id, volunteer_id) DO NOTHING`, project, role, project, org, volunteer, project, max)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var member, inTeam, size int
		if err := tx.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM org_members WHERE org_id = ? AND volunteer_id = ? AND status = 'approved'),
			(SELECT COUNT(*) FROM competition_team WHERE project_id = ? AND volunteer_id = ?),
			(SELECT COUNT(*) FROM competition_team WHERE project_id = ?)`, org, volunteer, project, volunteer, project).Scan(&member, &inTeam, &size); err != nil {
			return err
		}
		switch {
		case member == 0:
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_id", "competition.team_not_member")
		case inTeam > 0:
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_id", "competition.team_twice")
		}
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_id", "competition.team_many", "max", max)
	})
}

// RemoveCompetitionTeamMember takes volunteer off project's team while the project is a
// draft or returned.
func (s *Store) RemoveCompetitionTeamMember(ctx context.Context, project, volunteer int64) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := s.lockEditableProject(ctx, tx, project); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM competition_team WHERE project_id = ? AND volunteer_id = ?`, project, volunteer)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_id", "competition.team_not_in_team")
		}
		return nil
	})
}

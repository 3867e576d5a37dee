package sqlstore

// What the home pages count. Every count here shares its condition with the list it
// counts (FindOrganizations, FindMembers, FindSessionSignups, OverdueEntries,
// FindCardApplications), so the number on the home page is the length of the list one
// tap away, not a second definition that could drift from it.

import (
	"context"

	"zhiyuan"
)

// countCapped counts the rows of "SELECT 1 "+from (a FROM … WHERE … clause), at most
// zhiyuan.CountCap of them.
func (s *Store) countCapped(ctx context.Context, from string, args ...any) (int, error) {
	var n int
	args = append(args, zhiyuan.CountCap)
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 `+from+` LIMIT ?) c`, args...).Scan(&n)
	return n, err
}

func (s *Store) sessionCounts(ctx context.Context, q string, args ...any) ([]zhiyuan.SessionCount, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.SessionCount, error) {
		var c zhiyuan.SessionCount
		err := r.Scan(&c.SessionID, &c.Title, &c.StartsAt, &c.EndsAt, &c.Count)
		c.StartsAt, c.EndsAt = c.StartsAt.UTC(), c.EndsAt.UTC()
		return c, err
	}, q, args...)
}

// pendingSignupsFrom is the FROM and WHERE of the sign-ups waiting for admission in the
// activities of an organisation and its sub-organisations: the status the session's
// sign-up list shows under 待审核 (FindSessionSignups with SignupPending).
func (s *Store) pendingSignupsFrom(ctx context.Context, orgID int64) (string, []any, error) {
	var path string
	if err := s.reader().queryRow(ctx, `SELECT path FROM organizations WHERE id = ?`, orgID).Scan(&path); err != nil {
		return "", nil, s.translate(err, nil)
	}
	lo, hi := prefixRange(path)
	return `FROM signups sg JOIN activity_sessions se ON se.id = sg.session_id JOIN activities a ON a.id = sg.activity_id
		JOIN organizations po ON po.id = a.org_id
		WHERE po.path >= ? AND po.path < ? AND sg.status = ?`, []any{lo, hi, string(zhiyuan.SignupPending)}, nil
}

// CountPendingSignups counts the sign-ups waiting for admission in the activities of an
// organisation and its sub-organisations, up to zhiyuan.CountCap.
func (s *Store) CountPendingSignups(ctx context.Context, orgID int64) (int, error) {
	from, args, err := s.pendingSignupsFrom(ctx, orgID)
	if err != nil {
		return 0, err
	}
	return s.countCapped(ctx, from, args...)
}

// PendingSignupSessions groups those sign-ups by session, soonest session first, at most
// limit sessions: where to go to admit them (each session's sign-up list).
func (s *Store) PendingSignupSessions(ctx context.Context, orgID int64, limit int) ([]zhiyuan.SessionCount, error) {
	from, args, err := s.pendingSignupsFrom(ctx, orgID)
	if err != nil {
		return nil, err
	}
	args = append(args, limit)
	return s.sessionCounts(ctx, `SELECT se.id, a.title, se.starts_at, se.ends_at, COUNT(*) `+from+`
		GROUP BY se.id, a.title, se.starts_at, se.ends_at ORDER BY se.starts_at, se.id LIMIT ?`, args...)
}

// HeadlineFigures reads the platform's figures from the summary tables the database keeps
// (0018_figures.sql), so the home page and the figures dashboards share one definition:
// registered volunteers not closed, activities published (open or over) and confirmed
// minutes, corrections included. Callers still cache it (app.App.Figures).
func (s *Store) HeadlineFigures(ctx context.Context) (zhiyuan.Figures, error) {
	var f zhiyuan.Figures
	err := s.reader().queryRow(ctx, `SELECT
		(SELECT CAST(COALESCE(SUM(registered - closed), 0) AS BIGINT) FROM fig_volunteers),
		(SELECT CAST(COALESCE(SUM(activities), 0) AS BIGINT) FROM fig_region),
		(SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM fig_region)`).Scan(&f.Volunteers, &f.Activities, &f.ConfirmedMinutes)
	return f, err
}

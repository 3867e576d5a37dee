package sqlstore

// What the home pages count. Every count here shares its condition with the list it
// counts (FindOrganizations, FindMembers, FindSessionSignups, OverdueEntries,
// FindCardApplications), so the number on the home page is the length of the list one
// tap away, not a second definition that could drift from it.

import (
	"context"
	"time"

	"zhiyuan"
)

// CountCap bounds every count of the home pages: counting stops there (a page shows
// "1000+"), so a province-wide queue costs the same to show as a small one.
const CountCap = 1000

// countCapped counts the rows of "SELECT 1 "+from (a FROM … WHERE … clause), at most
// CountCap of them.
func (s *Store) countCapped(ctx context.Context, from string, args ...any) (int, error) {
	var n int
	args = append(args, CountCap)
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 `+from+` LIMIT ?) c`, args...).Scan(&n)
	return n, err
}

// SessionCount is how many things wait in one session: sign-ups to admit or hours to
// confirm.
type SessionCount struct {
	SessionID        int64
	Title            string // the activity's
	StartsAt, EndsAt time.Time
	Count            int
}

func (s *Store) sessionCounts(ctx context.Context, q string, args ...any) ([]SessionCount, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (SessionCount, error) {
		var c SessionCount
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
// organisation and its sub-organisations, up to CountCap.
func (s *Store) CountPendingSignups(ctx context.Context, orgID int64) (int, error) {
	from, args, err := s.pendingSignupsFrom(ctx, orgID)
	if err != nil {
		return 0, err
	}
	return s.countCapped(ctx, from, args...)
}

// PendingSignupSessions groups those sign-ups by session, soonest session first, at most
// limit sessions: where to go to admit them (each session's sign-up list).
func (s *Store) PendingSignupSessions(ctx context.Context, orgID int64, limit int) ([]SessionCount, error) {
	from, args, err := s.pendingSignupsFrom(ctx, orgID)
	if err != nil {
		return nil, err
	}
	args = append(args, limit)
	return s.sessionCounts(ctx, `SELECT se.id, a.title, se.starts_at, se.ends_at, COUNT(*) `+from+`
		GROUP BY se.id, a.title, se.starts_at, se.ends_at ORDER BY se.starts_at, se.id LIMIT ?`, args...)
}

// Figures are the platform's headline numbers, the one definition of each:
// registered volunteers (accounts not closed), activities published on the platform
// (open or over, not drafts or cancelled ones), and confirmed service time in minutes
// (the sum of every volunteer's confirmed total, kept by the ledger).
type Figures struct {
	Volunteers       int64
	Activities       int64
	ConfirmedMinutes int64
}

// HeadlineFigures counts the platform's figures. Each is a full count: callers cache it
// (app.App.Figures keeps it a few minutes).
func (s *Store) HeadlineFigures(ctx context.Context) (Figures, error) {
	var f Figures
	err := s.reader().queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM volunteers WHERE status = 'active'),
		(SELECT COUNT(*) FROM activities WHERE status IN ('published', 'closed')),
		(SELECT CAST(COALESCE(SUM(confirmed_minutes), 0) AS BIGINT) FROM volunteer_hour_totals)`).Scan(&f.Volunteers, &f.Activities, &f.ConfirmedMinutes)
	return f, err
}

package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"zhiyuan"
)

// Sessions (场次) of activities. Logins' sessions are login_sessions.go.

const sessionCols = `id, activity_id, starts_at, ends_at, capacity, seats_taken, pending_count, waitlist_count, status`

func scanSession(r rowScanner) (zhiyuan.ActivitySession, error) {
	var se zhiyuan.ActivitySession
	var st string
	err := r.Scan(&se.ID, &se.ActivityID, &se.StartsAt, &se.EndsAt, &se.Capacity, &se.SeatsTaken, &se.Pending, &se.Waitlisted, &st)
	se.Status = zhiyuan.SessionStatus(st)
	se.StartsAt, se.EndsAt = se.StartsAt.UTC(), se.EndsAt.UTC()
	return se, err
}

func (s *Store) insertSession(ctx context.Context, tx conn, se *zhiyuan.ActivitySession) error {
	id, err := tx.insert(ctx, `INSERT INTO activity_sessions (activity_id, starts_at, ends_at, capacity, seats_taken, status)
		VALUES (?, ?, ?, ?, 0, ?)`, se.ActivityID, se.StartsAt.UTC(), se.EndsAt.UTC(), se.Capacity, string(se.Status))
	se.ID = id
	return err
}

func (s *Store) sessionsOf(ctx context.Context, c conn, activityID int64) ([]zhiyuan.ActivitySession, error) {
	rows, err := c.query(ctx, `SELECT `+sessionCols+` FROM activity_sessions WHERE activity_id = ? ORDER BY starts_at, id`, activityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []zhiyuan.ActivitySession{}
	for rows.Next() {
		se, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, se)
	}
	return out, rows.Err()
}

// FindSessionByID returns a session with its activity (whose Sessions holds only this
// one), or ENotFound. It is what a sign-up reads before its transaction: one query.
func (s *Store) FindSessionByID(ctx context.Context, id int64) (*zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	var se zhiyuan.ActivitySession
	var st string
	a, err := scanActivity(scanFunc(func(dest ...any) error {
		return s.reader().queryRow(ctx, `SELECT se.id, se.starts_at, se.ends_at, se.capacity, se.seats_taken, se.pending_count,
			se.waitlist_count, se.status, `+activityCols+activityFrom+`JOIN activity_sessions se ON se.activity_id = a.id
			WHERE se.id = ?`, id).Scan(append([]any{&se.ID, &se.StartsAt, &se.EndsAt, &se.Capacity, &se.SeatsTaken,
			&se.Pending, &se.Waitlisted, &st}, dest...)...)
	}))
	if err == sql.ErrNoRows {
		return nil, nil, notFound("notfound.session")
	}
	if err != nil {
		return nil, nil, err
	}
	se.ActivityID, se.Status = a.ID, zhiyuan.SessionStatus(st)
	se.StartsAt, se.EndsAt = se.StartsAt.UTC(), se.EndsAt.UTC()
	a.Sessions = []zhiyuan.ActivitySession{se}
	return &se, a, nil
}

// scanFunc adapts a function to rowScanner, to scan extra columns ahead of a shared list.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// AddSessions adds sessions to an activity that is a draft or published (they open at
// once then), and refreshes the activity's span and search terms.
func (s *Store) AddSessions(ctx context.Context, activityID int64, sessions []zhiyuan.ActivitySession) error {
	return s.inTx(ctx, func(tx conn) error {
		var st string
		var n int
		err := tx.queryRow(ctx, `SELECT a.status, (SELECT COUNT(*) FROM activity_sessions WHERE activity_id = a.id)
			FROM activities a WHERE a.id = ?`, activityID).Scan(&st, &n)
		if err == sql.ErrNoRows {
			return notFound("notfound.activity")
		}
		if err != nil {
			return err
		}
		status := zhiyuan.SessionDraft
		switch zhiyuan.ActivityStatus(st) {
		case zhiyuan.ActivityDraft:
		case zhiyuan.ActivityPublished:
			status = zhiyuan.SessionOpen
		default:
			return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "session.activity_finished_no_add")
		}
		if n+len(sessions) > zhiyuan.MaxSessions {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "sessions", "activity.sessions_too_many", "max", zhiyuan.MaxSessions)
		}
		for i := range sessions {
			sessions[i].ActivityID, sessions[i].Status = activityID, status
			if err := s.insertSession(ctx, tx, &sessions[i]); err != nil {
				return err
			}
		}
		if err := s.uncoveredSession(ctx, tx, activityID); err != nil {
			return err
		}
		return s.refreshSpan(ctx, tx, activityID)
	})
}

// UpdateSession changes a session's times and capacity. The capacity can never drop
// below the seats already taken: the UPDATE itself carries the condition, so a sign-up
// racing with the edit cannot end up over capacity (and the table's CHECK backs it).
func (s *Store) UpdateSession(ctx context.Context, id int64, startsAt, endsAt time.Time, capacity int) error {
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE activity_sessions SET starts_at = ?, ends_at = ?, capacity = ?
			WHERE id = ? AND seats_taken <= ? AND status IN ('draft', 'open')`,
			startsAt.UTC(), endsAt.UTC(), capacity, id, capacity)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var taken int
			var st string
			err := tx.queryRow(ctx, "SELECT seats_taken, status FROM activity_sessions WHERE id = ?", id).Scan(&taken, &st)
			switch {
			case err == sql.ErrNoRows:
				return notFound("notfound.session")
			case err != nil:
				return err
			case st != string(zhiyuan.SessionDraft) && st != string(zhiyuan.SessionOpen):
				return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "session.finished_no_edit")
			}
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "capacity", "session.capacity_below_taken", "taken", taken)
		}
		var activityID int64
		if err := tx.queryRow(ctx, "SELECT activity_id FROM activity_sessions WHERE id = ?", id).Scan(&activityID); err != nil {
			return err
		}
		if err := s.uncoveredSession(ctx, tx, activityID); err != nil {
			return err
		}
		return s.refreshSpan(ctx, tx, activityID)
	})
}

// refreshSpan recomputes an activity's first start and last end from its sessions (the
// order search walks in) and rewrites its search terms, which carry the start.
func (s *Store) refreshSpan(ctx context.Context, tx conn, activityID int64) error {
	_, err := tx.exec(ctx, `UPDATE activities SET
		starts_at = (SELECT MIN(starts_at) FROM activity_sessions WHERE activity_id = ? AND status <> 'cancelled'),
		ends_at = (SELECT MAX(ends_at) FROM activity_sessions WHERE activity_id = ? AND status <> 'cancelled'),
		updated_at = ?
		WHERE id = ?`, activityID, activityID, s.now(), activityID)
	if err != nil {
		return err
	}
	return s.reindexActivity(ctx, tx, activityID)
}

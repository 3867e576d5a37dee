package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"zhiyuan"
)

// RushCheckinInput is a volunteer's own check-in by scan, named by the scanning account:
// the one statement of CheckInScan resolves the volunteer, the seat and the session.
type RushCheckinInput struct {
	SessionID int64
	AccountID int64 // the scanning account; its active volunteer checks in
	At        time.Time
	// Early is how long before its start a session takes check-ins
	// (zhiyuan.AttendanceRules.CheckinEarly): it must start no later than At+Early.
	Early time.Duration
	DistM int // metres from the venue, -1 unknown
}

// CheckInScan records a volunteer's own check-in in one statement, for the rush at the
// start of a session: the INSERT ... SELECT finds the account's active volunteer, their
// confirmed sign-up for the session, and the session itself still running (not
// cancelled, its activity published, now inside the check-in window), and the unique
// index refuses a second check-in. It reports ok false, writing nothing, when any of
// these does not hold; the caller then asks the rules which (CheckIn's refusals), as a
// refusal is rare and may cost more.
func (s *Store) CheckInScan(ctx context.Context, in RushCheckinInput) (*zhiyuan.Attendance, bool, error) {
	if in.At.IsZero() {
		in.At = s.now()
	}
	in.At = in.At.UTC().Truncate(time.Microsecond)
	var id, volunteerID int64
	var signupID sql.NullInt64
	// The WHERE clause also keeps SQLite's parser from reading ON CONFLICT as a join's ON.
	// On SQLite, concurrent scans share the writer's transactions (group.go).
	err := s.inGroupOne(ctx, func(ctx context.Context, c conn) error {
		return c.queryRow(ctx, `INSERT INTO attendance (session_id, volunteer_id, signup_id, walk_in, checkin_at,
		checkin_method, checkin_by, checkin_dist_m, created_at)
		SELECT g.session_id, g.volunteer_id, g.id, FALSE, ?, 'code', ?, ?, ?
		FROM volunteers v
		JOIN signups g ON g.volunteer_id = v.id AND g.session_id = ? AND g.status = 'confirmed'
		JOIN activity_sessions se ON se.id = g.session_id
		JOIN activities a ON a.id = se.activity_id
		WHERE v.account_id = ? AND v.status = 'active'
		AND se.status <> 'cancelled' AND a.status NOT IN ('cancelled', 'draft')
		AND se.starts_at <= ? AND se.ends_at > ?
		ON CONFLICT (session_id, volunteer_id) DO NOTHING RETURNING id, volunteer_id, signup_id`,
			in.At, in.AccountID, in.DistM, in.At, in.SessionID, in.AccountID, in.At.Add(in.Early), in.At).Scan(&id, &volunteerID, &signupID)
	})
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &zhiyuan.Attendance{ID: id, SessionID: in.SessionID, VolunteerID: volunteerID, CheckinAt: in.At,
		CheckinMethod: zhiyuan.MethodCode, CheckinBy: in.AccountID, CheckinDistM: in.DistM, CheckoutDistM: -1}, true, nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
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
// refusal is rare and may cost more. Scans arriving together share the statement, one
// row each (coalesce.go): each is still its own row, inserted or refused on its own.
func (s *Store) CheckInScan(ctx context.Context, in RushCheckinInput) (*zhiyuan.Attendance, bool, error) {
	if in.At.IsZero() {
		in.At = s.now()
	}
	in.At = in.At.UTC().Truncate(time.Microsecond)
	sc := &scanCheckin{in: in}
	s.scans.do(ctx, sc)
	if !sc.answered {
		return nil, false, errScanUnanswered
	}
	return sc.att, sc.att != nil, sc.err
}

// errScanUnanswered is a scan's answer when the batch writing it failed without answering
// (a panic, raised in the batch's leading request).
var errScanUnanswered = errors.New("check-in: its batch ended without an answer")

// scanCheckin is one check-in of a batch of checkInScans.
type scanCheckin struct {
	in       RushCheckinInput
	att      *zhiyuan.Attendance // nil: refused
	err      error
	answered bool
}

// scanBatch is how many check-ins by scan one statement writes at most.
const scanBatch = 64

// checkInScans writes the check-ins of scs with one INSERT ... SELECT over a table of
// their inputs. A failure of the statement is not any one request's: each then runs
// again alone, so that none learns of another's.
func (s *Store) checkInScans(ctx context.Context, scs []*scanCheckin) {
	err := s.checkInScanRows(ctx, scs)
	if err != nil && len(scs) > 1 {
		for _, sc := range scs {
			sc.att, sc.answered = nil, false
			sc.err = s.checkInScanRows(ctx, []*scanCheckin{sc})
			sc.answered = true
		}
		return
	}
	for _, sc := range scs {
		sc.err, sc.answered = err, true
	}
}

// checkInScanRows runs the statement for scs and sets the attendance of each inserted.
// Two scans of one account for one session in a batch write one row, which answers the
// first of them; the other is refused like any second check-in.
func (s *Store) checkInScanRows(ctx context.Context, scs []*scanCheckin) error {
	rows := make([][]any, len(scs))
	for i, sc := range scs {
		rows[i] = []any{sc.in.SessionID, sc.in.AccountID, sc.in.At, sc.in.At.Add(sc.in.Early), int64(sc.in.DistM)}
	}
	src, args := s.dialect.rowsSource([]string{"BIGINT", "BIGINT", "TIMESTAMPTZ", "TIMESTAMPTZ", "BIGINT"},
		padRows(rows, []any{nil, nil, nil, nil, nil})) // session 0: matches nothing
	// Each row's volunteer, sign-up and session are found by scalar subqueries on their
	// unique keys (the account, the partial unique index on session and volunteer, the
	// primary keys), which no engine turns into a scan whatever its statistics say: as
	// plain joins, a PostgreSQL without fresh statistics read every sign-up of the session
	// for each row. The WHERE clause also keeps SQLite's parser from reading ON CONFLICT
	// as a join's ON.
	res, err := s.writer().query(ctx, `WITH r (session_id, account_id, at, early_at, dist_m) AS (`+src+`),
		rv AS MATERIALIZED (SELECT r.*,
			(SELECT v.id FROM volunteers v WHERE v.account_id = r.account_id AND v.status = 'active') AS volunteer_id
			FROM r),
		rg AS (SELECT rv.*,
			(SELECT g.id FROM signups g WHERE g.session_id = rv.session_id AND g.volunteer_id = rv.volunteer_id
			 AND g.status = 'confirmed') AS signup_id,
			(SELECT a.status FROM activity_sessions se JOIN activities a ON a.id = se.activity_id
			 WHERE se.id = rv.session_id AND se.status <> 'cancelled' AND se.starts_at <= rv.early_at AND se.ends_at > rv.at) AS activity_status
			FROM rv)
		INSERT INTO attendance (session_id, volunteer_id, signup_id, walk_in, checkin_at,
		checkin_method, checkin_by, checkin_dist_m, created_at)
		SELECT session_id, volunteer_id, signup_id, FALSE, at, 'code', account_id, dist_m, at
		FROM rg WHERE signup_id IS NOT NULL AND activity_status NOT IN ('cancelled', 'draft')
		ON CONFLICT (session_id, volunteer_id) DO NOTHING
		RETURNING id, session_id, volunteer_id, signup_id, checkin_by`, args...)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Next() {
		var id, sessionID, volunteerID, accountID int64
		var signupID sql.NullInt64
		if err := res.Scan(&id, &sessionID, &volunteerID, &signupID, &accountID); err != nil {
			return err
		}
		for _, sc := range scs {
			if sc.att == nil && sc.in.SessionID == sessionID && sc.in.AccountID == accountID {
				sc.att = &zhiyuan.Attendance{ID: id, SessionID: sessionID, VolunteerID: volunteerID, CheckinAt: sc.in.At,
					CheckinMethod: zhiyuan.MethodCode, CheckinBy: accountID, CheckinDistM: sc.in.DistM, CheckoutDistM: -1}
				break
			}
		}
	}
	return res.Err()
}

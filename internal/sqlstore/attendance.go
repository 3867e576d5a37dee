package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zhiyuan"
)

// Attendance: one row per volunteer and session (a unique index), written by one
// statement at check-in so that a rush of scans costs one INSERT each, and completed at
// check-out in the transaction that appends the attended hour entry.

// CheckinInput is one check-in to record.
type CheckinInput struct {
	SessionID   int64
	VolunteerID int64
	At          time.Time
	Method      zhiyuan.AttendanceMethod
	By          int64 // account recording it
	DistM       int   // metres from the venue, -1 unknown
	// Organiser marks the organiser's path (card or by hand): a sign-up already marked
	// no-show is accepted and restored, taking the no-show off the volunteer's record.
	Organiser bool
	// WalkIn, on the organiser's path, records someone without a seat as a walk-in
	// instead of refusing them.
	WalkIn bool
}

// Refusals of check-in and check-out, as the volunteer reads them. The field is "action":
// what was asked cannot be done now.
var (
	ErrNoSeat          = zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "attendance.no_seat")
	ErrAlreadyIn       = zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "attendance.already_in")
	ErrNotCheckedIn    = zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "attendance.not_checked_in")
	ErrAlreadyOut      = zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "attendance.already_out")
	ErrCheckoutTooSoon = zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "attendance.checkout_before_checkin")
)

// CheckIn records a check-in: one INSERT that only succeeds for a volunteer with a
// confirmed sign-up who has not checked in yet, so a rush of scans costs one statement
// each. On the organiser's path (in.Organiser) it also accepts a sign-up already marked
// no-show, restoring it and taking the no-show off the volunteer's record, and with
// in.WalkIn anyone else as a walk-in. Refusals are ErrNoSeat and ErrAlreadyIn.
func (s *Store) CheckIn(ctx context.Context, in CheckinInput) (*zhiyuan.Attendance, error) {
	if in.At.IsZero() {
		in.At = s.now()
	}
	in.At = in.At.UTC().Truncate(time.Microsecond)
	const seated = `INSERT INTO attendance (session_id, volunteer_id, signup_id, walk_in, checkin_at, checkin_method,
		checkin_by, checkin_dist_m, created_at)
		SELECT ?, ?, g.id, FALSE, ?, ?, ?, ?, ? FROM signups g
		WHERE g.session_id = ? AND g.volunteer_id = ? AND g.status IN (%s)
		ON CONFLICT (session_id, volunteer_id) DO NOTHING RETURNING id, signup_id`
	args := []any{in.SessionID, in.VolunteerID, in.At, string(in.Method), hlNullID(in.By), in.DistM, in.At,
		in.SessionID, in.VolunteerID}
	var id int64
	var signupID sql.NullInt64
	walkIn := false
	var err error
	if !in.Organiser {
		err = s.writer().queryRow(ctx, fmt.Sprintf(seated, `'confirmed'`), args...).Scan(&id, &signupID)
	} else {
		err = s.inTx(ctx, func(tx conn) error {
			err := tx.queryRow(ctx, fmt.Sprintf(seated, `'confirmed', 'no_show'`), args...).Scan(&id, &signupID)
			if err == sql.ErrNoRows && in.WalkIn {
				walkIn = true
				return tx.queryRow(ctx, `INSERT INTO attendance (session_id, volunteer_id, walk_in, checkin_at, checkin_method,
					checkin_by, checkin_dist_m, created_at) VALUES (?, ?, TRUE, ?, ?, ?, ?, ?)
					ON CONFLICT (session_id, volunteer_id) DO NOTHING RETURNING id, signup_id`,
					in.SessionID, in.VolunteerID, in.At, string(in.Method), hlNullID(in.By), in.DistM, in.At).Scan(&id, &signupID)
			}
			if err != nil || !signupID.Valid {
				return err
			}
			res, err := tx.exec(ctx, `UPDATE signups SET status = 'confirmed', updated_at = ? WHERE id = ? AND status = 'no_show'`,
				s.now(), signupID.Int64)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				// The seat count stays: it counted the no-show already, as it counts
				// every admitted sign-up (confirmed or no-show).
				if _, err = tx.exec(ctx, `UPDATE volunteers SET no_shows = no_shows - 1 WHERE id = ? AND no_shows > 0`, in.VolunteerID); err != nil {
					return err
				}
				// The no-show's mark goes too, and with it any suspension it caused.
				err = s.revokeNoShowMark(ctx, tx, signupID.Int64, in.VolunteerID)
			}
			return err
		})
	}
	if err == sql.ErrNoRows {
		// Refused: say why. Already checked in wins over no seat, as it is the likelier
		// reason for a repeated scan.
		var n int
		if err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM attendance WHERE session_id = ? AND volunteer_id = ?`,
			in.SessionID, in.VolunteerID).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, ErrAlreadyIn
		}
		return nil, ErrNoSeat
	}
	if err != nil {
		return nil, err
	}
	return &zhiyuan.Attendance{ID: id, SessionID: in.SessionID, VolunteerID: in.VolunteerID, WalkIn: walkIn,
		CheckinAt: in.At, CheckinMethod: in.Method, CheckinBy: in.By, CheckinDistM: in.DistM, CheckoutDistM: -1}, nil
}

// CheckoutInput is one check-out to record, with the entry to append for it.
type CheckoutInput struct {
	SessionID   int64
	VolunteerID int64
	At          time.Time
	Method      zhiyuan.AttendanceMethod
	By          int64
	DistM       int
	// Earn computes the service time of the stay (the hour rules).
	Earn func(checkin, checkout time.Time) (minutes int64, reason string)
	// Entry is the attended entry to append (OrgID, SessionID, RecordedBy set; minutes
	// and reason are filled from Earn), Place its session context.
	Entry zhiyuan.HourEntry
	Place EntryPlace
	// OfferExpiresAt is when an offer made instead of the entry expires (a walk-in who
	// never signed up: see HourOffer); zero means the recording deadline of the session
	// in Beijing time with no holidays configured.
	OfferExpiresAt time.Time
}

// CheckOut records a check-out and appends the attended entry it earns, in one
// transaction. The UPDATE is conditional (checked in, not yet out, and after the
// check-in), so of two racing check-outs exactly one records anything. A walk-in with no
// sign-up for the session, checked out by the organiser, gets an offer instead of the
// entry (Attendance.OfferID; the returned entry is nil): their time counts once they
// accept it.
func (s *Store) CheckOut(ctx context.Context, in CheckoutInput) (*zhiyuan.Attendance, *zhiyuan.HourEntry, error) {
	if in.At.IsZero() {
		in.At = s.now()
	}
	in.At = in.At.UTC().Truncate(time.Microsecond)
	var att *zhiyuan.Attendance
	var entry zhiyuan.HourEntry
	err := s.inTx(ctx, func(tx conn) error {
		var id int64
		var checkin time.Time
		var walkIn bool
		err := tx.queryRow(ctx, `UPDATE attendance SET checkout_at = ?, checkout_method = ?, checkout_by = ?, checkout_dist_m = ?
			WHERE session_id = ? AND volunteer_id = ? AND checkout_at IS NULL AND checkin_at < ?
			RETURNING id, checkin_at, walk_in`, in.At, string(in.Method), hlNullID(in.By), in.DistM,
			in.SessionID, in.VolunteerID, in.At).Scan(&id, &checkin, &walkIn)
		if err == sql.ErrNoRows {
			var out sql.NullTime
			err := tx.queryRow(ctx, `SELECT checkout_at FROM attendance WHERE session_id = ? AND volunteer_id = ?`,
				in.SessionID, in.VolunteerID).Scan(&out)
			switch {
			case err == sql.ErrNoRows:
				return ErrNotCheckedIn
			case err != nil:
				return err
			case out.Valid:
				return ErrAlreadyOut
			}
			return ErrCheckoutTooSoon
		}
		if err != nil {
			return err
		}
		checkin = checkin.UTC()
		entry = in.Entry
		entry.Kind, entry.VolunteerID, entry.SessionID = zhiyuan.HourAttended, in.VolunteerID, in.SessionID
		entry.Minutes, entry.Reason = in.Earn(checkin, in.At)
		entry.RecordedAt = in.At
		att = &zhiyuan.Attendance{ID: id, SessionID: in.SessionID, VolunteerID: in.VolunteerID, WalkIn: walkIn, CheckinAt: checkin,
			CheckoutAt: in.At, CheckoutMethod: in.Method, CheckoutBy: in.By, CheckoutDistM: in.DistM,
			Minutes: entry.Minutes, Reason: entry.Reason}
		// The volunteer's own scan of the organiser's code is their own word, as a
		// sign-up is; only what the organiser alone recorded waits for them.
		signed := !walkIn || in.Method == zhiyuan.MethodCode
		if !signed {
			if signed, err = hasSignup(ctx, tx, in.SessionID, in.VolunteerID); err != nil {
				return err
			}
		}
		if !signed {
			expires := in.OfferExpiresAt
			if expires.IsZero() {
				expires = zhiyuan.RecordingDeadline(in.Place.SessionEndsAt, zhiyuan.Beijing, zhiyuan.WorkCalendar{})
			}
			o := &zhiyuan.HourOffer{VolunteerID: in.VolunteerID, SessionID: in.SessionID, OrgID: entry.OrgID, Kind: zhiyuan.HourAttended,
				Minutes: entry.Minutes, Reason: entry.Reason, AttendanceID: id, RegionCode: in.Place.RegionCode,
				RecordedBy: entry.RecordedBy, RecordedAt: in.At, ExpiresAt: expires}
			if err := s.insertOffer(ctx, tx, o); err != nil {
				return err
			}
			att.OfferID = o.ID
			_, err = tx.exec(ctx, `UPDATE attendance SET minutes = ?, reason = ? WHERE id = ?`, entry.Minutes, entry.Reason, id)
			return err
		}
		if err := s.appendHourEntry(ctx, tx, &entry, in.Place, nil); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE attendance SET entry_id = ?, minutes = ?, reason = ? WHERE id = ?`,
			entry.ID, entry.Minutes, entry.Reason, id); err != nil {
			return err
		}
		att.EntryID = entry.ID
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if att.OfferID != 0 {
		return att, nil, nil
	}
	return att, &entry, nil
}

const attendanceCols = `t.id, t.session_id, t.volunteer_id, t.walk_in, t.checkin_at, t.checkin_method, COALESCE(t.checkin_by, 0),
	t.checkin_dist_m, t.checkout_at, COALESCE(t.checkout_method, ''), COALESCE(t.checkout_by, 0), t.checkout_dist_m,
	COALESCE(t.entry_id, 0), t.minutes, t.reason, v.name, v.volunteer_no`

func scanAttendance(r rowScanner) (*zhiyuan.Attendance, error) {
	var a zhiyuan.Attendance
	var inMethod, outMethod string
	var out sql.NullTime
	if err := r.Scan(&a.ID, &a.SessionID, &a.VolunteerID, &a.WalkIn, &a.CheckinAt, &inMethod, &a.CheckinBy,
		&a.CheckinDistM, &out, &outMethod, &a.CheckoutBy, &a.CheckoutDistM, &a.EntryID, &a.Minutes, &a.Reason,
		&a.VolunteerName, &a.VolunteerNo); err != nil {
		return nil, err
	}
	a.CheckinAt = a.CheckinAt.UTC()
	a.CheckinMethod, a.CheckoutMethod = zhiyuan.AttendanceMethod(inMethod), zhiyuan.AttendanceMethod(outMethod)
	if out.Valid {
		a.CheckoutAt = out.Time.UTC()
	}
	return &a, nil
}

// FindAttendance returns one volunteer's attendance of a session, or ENotFound.
func (s *Store) FindAttendance(ctx context.Context, sessionID, volunteerID int64) (*zhiyuan.Attendance, error) {
	a, err := scanAttendance(s.reader().queryRow(ctx, `SELECT `+attendanceCols+` FROM attendance t
		JOIN volunteers v ON v.id = t.volunteer_id WHERE t.session_id = ? AND t.volunteer_id = ?`, sessionID, volunteerID))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.attendance")
	}
	return a, err
}

// SessionAttendance lists a session's attendance in check-in order.
func (s *Store) SessionAttendance(ctx context.Context, sessionID int64) ([]zhiyuan.Attendance, error) {
	rows, err := s.reader().query(ctx, `SELECT `+attendanceCols+` FROM attendance t
		JOIN volunteers v ON v.id = t.volunteer_id WHERE t.session_id = ? ORDER BY t.checkin_at, t.id`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.Attendance
	for rows.Next() {
		a, err := scanAttendance(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// SessionAttendanceCounts counts a session's attendance.
func (s *Store) SessionAttendanceCounts(ctx context.Context, sessionID int64) (zhiyuan.AttendanceCounts, error) {
	var c zhiyuan.AttendanceCounts
	err := s.reader().queryRow(ctx, `SELECT
		(SELECT seats_taken FROM activity_sessions WHERE id = ?),
		COUNT(*), COUNT(*) - COUNT(checkout_at), COUNT(checkout_at), COALESCE(SUM(CASE WHEN walk_in THEN 1 ELSE 0 END), 0),
		(SELECT COUNT(*) FROM signups WHERE session_id = ? AND status = 'no_show')
		FROM attendance WHERE session_id = ?`, sessionID, sessionID, sessionID).
		Scan(&c.Expected, &c.CheckedIn, &c.Present, &c.CheckedOut, &c.WalkIns, &c.NoShows)
	return c, err
}

// SessionExpected lists a session's confirmed (and no-show) sign-ups with whether each
// has checked in, for the organiser's roll call.
func (s *Store) SessionExpected(ctx context.Context, sessionID int64) ([]zhiyuan.ExpectedVolunteer, error) {
	rows, err := s.reader().query(ctx, `SELECT g.id, g.volunteer_id, v.name, v.volunteer_no, g.status, t.id IS NOT NULL
		FROM signups g JOIN volunteers v ON v.id = g.volunteer_id
		LEFT JOIN attendance t ON t.session_id = g.session_id AND t.volunteer_id = g.volunteer_id
		WHERE g.session_id = ? AND g.status IN ('confirmed', 'no_show') ORDER BY g.id`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.ExpectedVolunteer
	for rows.Next() {
		var e zhiyuan.ExpectedVolunteer
		var st string
		if err := rows.Scan(&e.SignupID, &e.VolunteerID, &e.VolunteerName, &e.VolunteerNo, &st, &e.CheckedIn); err != nil {
			return nil, err
		}
		e.Status = zhiyuan.SignupStatus(st)
		out = append(out, e)
	}
	return out, rows.Err()
}

// MarkNoShows marks confirmed sign-ups of sessions that ended before endedBefore and
// have no check-in as no-shows, and counts each on the volunteer's record, at most limit
// sign-ups per call. Each sign-up changes status by a conditional UPDATE, so running it
// on several servers at once marks and counts every no-show exactly once. The session's
// seat count does not change: a no-show was admitted and held the seat (seats_taken
// counts confirmed and no-show sign-ups, zhiyuan.ActivitySession.SeatsTaken), the same
// as when the organiser marks the no-show by hand.
func (s *Store) MarkNoShows(ctx context.Context, endedBefore time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 500
	}
	// A competition's training session is left out: a team needs only one member there
	// (competition_training.go), so the others are no no-shows.
	rows, err := s.reader().query(ctx, `SELECT g.id, g.volunteer_id, g.session_id FROM signups g
		JOIN activity_sessions se ON se.id = g.session_id
		WHERE g.status = 'confirmed' AND se.ends_at < ? AND se.status <> 'cancelled'
		AND NOT EXISTS (SELECT 1 FROM attendance t WHERE t.session_id = g.session_id AND t.volunteer_id = g.volunteer_id)
		AND NOT EXISTS (SELECT 1 FROM competition_trainings ct WHERE ct.session_id = g.session_id)
		ORDER BY g.id LIMIT ?`, endedBefore.UTC(), limit)
	if err != nil {
		return 0, err
	}
	type pair struct{ signup, volunteer, session int64 }
	var found []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.signup, &p.volunteer, &p.session); err != nil {
			rows.Close()
			return 0, err
		}
		found = append(found, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(found) == 0 {
		return 0, err
	}
	marked := 0
	err = s.inTx(ctx, func(tx conn) error {
		now := s.now()
		for _, p := range found {
			res, err := tx.exec(ctx, `UPDATE signups SET status = 'no_show', updated_at = ? WHERE id = ? AND status = 'confirmed'
				AND NOT EXISTS (SELECT 1 FROM attendance t WHERE t.session_id = signups.session_id AND t.volunteer_id = signups.volunteer_id)`,
				now, p.signup)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if _, err := tx.exec(ctx, `UPDATE volunteers SET no_shows = no_shows + 1 WHERE id = ?`, p.volunteer); err != nil {
				return err
			}
			if err := s.addMark(ctx, tx, p.signup, zhiyuan.MarkNoShow); err != nil {
				return err
			}
			marked++
		}
		return nil
	})
	return marked, err
}

// VolunteerIDByAccount returns the id of the active volunteer behind an account, or
// ENotFound: the one look-up a volunteer's scan needs, without loading the profile.
func (s *Store) VolunteerIDByAccount(ctx context.Context, accountID int64) (int64, error) {
	var id int64
	err := s.reader().queryRow(ctx, `SELECT id FROM volunteers WHERE account_id = ? AND status = 'active'`, accountID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, notFound("notfound.volunteer")
	}
	return id, err
}

// HasSeat reports whether the volunteer holds a confirmed seat in the session, for
// choosing the most useful refusal when a check-in fails for another reason as well.
func (s *Store) HasSeat(ctx context.Context, sessionID, volunteerID int64) (bool, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM signups WHERE session_id = ? AND volunteer_id = ? AND status = 'confirmed'`,
		sessionID, volunteerID).Scan(&n)
	return n > 0, err
}

// ScanTarget is what a volunteer's scan needs to know, read in one query: the session
// with the few activity fields the rules use, and the scanning account's volunteer id (0
// when the account is not an active volunteer).
type ScanTarget struct {
	Session     zhiyuan.ActivitySession
	Activity    zhiyuan.Activity // ID, OrgID, Title, RegionCode, Lat, Lng, CheckinRadiusM, TimeZone, Status only
	VolunteerID int64
}

// FindScanTarget reads a session and the volunteer behind accountID for a scan, or
// ENotFound for a session that does not exist. A rush of scans costs one read each here
// instead of three.
func (s *Store) FindScanTarget(ctx context.Context, sessionID, accountID int64) (*ScanTarget, error) {
	var t ScanTarget
	var sst, ast string
	var vid sql.NullInt64
	err := s.reader().queryRow(ctx, `SELECT se.id, se.activity_id, se.starts_at, se.ends_at, se.status,
		a.org_id, a.title, a.region_code, a.lat, a.lng, a.checkin_radius_m, a.time_zone, a.status,
		(SELECT v.id FROM volunteers v WHERE v.account_id = ? AND v.status = 'active')
		FROM activity_sessions se JOIN activities a ON a.id = se.activity_id WHERE se.id = ?`, accountID, sessionID).
		Scan(&t.Session.ID, &t.Session.ActivityID, &t.Session.StartsAt, &t.Session.EndsAt, &sst,
			&t.Activity.OrgID, &t.Activity.Title, &t.Activity.RegionCode, &t.Activity.Lat, &t.Activity.Lng,
			&t.Activity.CheckinRadiusM, &t.Activity.TimeZone, &ast, &vid)
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.session")
	}
	if err != nil {
		return nil, err
	}
	t.Session.StartsAt, t.Session.EndsAt = t.Session.StartsAt.UTC(), t.Session.EndsAt.UTC()
	t.Session.Status, t.Activity.Status = zhiyuan.SessionStatus(sst), zhiyuan.ActivityStatus(ast)
	t.Activity.ID = t.Session.ActivityID
	t.VolunteerID = vid.Int64
	return &t, nil
}

// TakeShortCodeTry takes one of the account's tries at a short check-in code for the
// session, in one conditional upsert: it reports false, taking nothing, when limit tries
// are already used. The try is taken before the code is compared, so any number of
// concurrent guesses compares at most limit codes; GiveShortCodeTryBack returns it when
// the code was right.
func (s *Store) TakeShortCodeTry(ctx context.Context, accountID, sessionID int64, limit int) (bool, error) {
	res, err := s.writer().exec(ctx, `INSERT INTO checkin_code_failures (account_id, session_id, failures) VALUES (?, ?, 1)
		ON CONFLICT (account_id, session_id) DO UPDATE SET failures = checkin_code_failures.failures + 1
		WHERE checkin_code_failures.failures < ?`, accountID, sessionID, limit)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// GiveShortCodeTryBack returns a try taken by TakeShortCodeTry (the code was right, or
// genuine but expired): only wrong codes count.
func (s *Store) GiveShortCodeTryBack(ctx context.Context, accountID, sessionID int64) error {
	_, err := s.writer().exec(ctx, `UPDATE checkin_code_failures SET failures = failures - 1
		WHERE account_id = ? AND session_id = ? AND failures > 0`, accountID, sessionID)
	return err
}

// ShortCodeFailures returns how many wrong short codes the account has typed for the
// session.
func (s *Store) ShortCodeFailures(ctx context.Context, accountID, sessionID int64) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COALESCE(MAX(failures), 0) FROM checkin_code_failures WHERE account_id = ? AND session_id = ?`,
		accountID, sessionID).Scan(&n)
	return n, err
}

// ShortCodeSessions returns the sessions a short code typed by the account may be for:
// those its active volunteer holds a confirmed seat in, not cancelled, that may be checked
// in to or out of at now (starting no later than now+early, ending no earlier than
// now-late), soonest first, at most a few.
func (s *Store) ShortCodeSessions(ctx context.Context, accountID int64, now time.Time, early, late time.Duration) ([]int64, error) {
	rows, err := s.reader().query(ctx, `SELECT se.id FROM signups g
		JOIN volunteers v ON v.id = g.volunteer_id
		JOIN activity_sessions se ON se.id = g.session_id
		WHERE v.account_id = ? AND v.status = 'active' AND g.status = 'confirmed' AND se.status <> 'cancelled'
		AND se.starts_at <= ? AND se.ends_at >= ?
		ORDER BY se.starts_at, se.id LIMIT 5`, accountID, now.Add(early).UTC(), now.Add(-late).UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

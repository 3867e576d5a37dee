package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
)

// Sign-ups: the transactions that must hold when thousands press the button at once.
//
// Every transaction that changes a sign-up takes its locks in one order, so two of them
// never wait on each other in a cycle (PostgreSQL; SQLite runs one writer at a time):
//
//  1. the session row (activity_sessions), by the very UPDATE that moves its counters:
//     seats_taken only ever moves by a conditional UPDATE … WHERE seats_taken < capacity
//     whose affected-row count decides, and while the row is held the session's sign-ups
//     cannot change under us (the head of the waitlist is stable). Taking the seat first
//     also makes a refusal cheap: when the seats are gone, the transaction ends there;
//  2. the acting volunteer's row (volunteers.signup_seq), when a volunteer acts: this
//     serialises one person's sign-ups, so the duplicate and overlap checks see every
//     earlier sign-up of theirs (a refused one rolls its seat back);
//  3. sign-up rows.

var signupUniques = map[string][2]string{
	"signups_active_uq":  {"session_id", "signup.duplicate"},
	"signups.session_id": {"session_id", "signup.duplicate"},
}

// SignupRequest is a sign-up about to be written; the caller has checked eligibility.
type SignupRequest struct {
	SessionID   int64
	ActivityID  int64
	VolunteerID int64
	Mode        zhiyuan.SignupMode
	Waitlist    bool
	StartsAt    time.Time // the session's times, for the overlap check
	EndsAt      time.Time
}

// CreateSignup writes a sign-up in one transaction: it serialises the volunteer, refuses
// a second active sign-up to the session (EConflict on session_id) and one overlapping
// another active sign-up of theirs (EInvalid on overlap), then takes a seat (confirmed),
// or a waitlist place (waitlisted) or files the application (pending, admission mode).
// No seat and no waitlist is EFull; a session no longer open is EInvalid on
// signup_window.
func (s *Store) CreateSignup(ctx context.Context, r SignupRequest) (*zhiyuan.Signup, error) {
	var out *zhiyuan.Signup
	if call := s.dialect.signupCall(); call != "" {
		err := s.retry(ctx, func() error {
			var err error
			out, err = s.createSignupCall(ctx, call, r)
			return err
		})
		return out, err
	}
	// On SQLite, concurrent sign-ups share the writer's transactions (group.go), each in
	// a savepoint of its own.
	err := s.retry(ctx, func() error {
		return s.inGroup(ctx, func(ctx context.Context, tx conn) error {
			var err error
			out, err = s.createSignup(ctx, tx, r)
			return err
		})
	})
	return out, err
}

func (s *Store) createSignup(ctx context.Context, tx conn, r SignupRequest) (*zhiyuan.Signup, error) {
	now := s.now()
	var status zhiyuan.SignupStatus
	var position int
	switch r.Mode {
	case zhiyuan.SignupAdmission:
		// An application holds no seat: admission takes one, conditionally.
		ok, err := s.bump(ctx, tx, `UPDATE activity_sessions SET pending_count = pending_count + 1 WHERE id = ? AND status = 'open'`, r.SessionID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, s.sessionClosedError(ctx, tx, r.SessionID)
		}
		status = zhiyuan.SignupPending
	default:
		ok, err := s.bump(ctx, tx, `UPDATE activity_sessions SET seats_taken = seats_taken + 1
			WHERE id = ? AND status = 'open' AND seats_taken < capacity`, r.SessionID)
		if err != nil {
			return nil, err
		}
		status = zhiyuan.SignupConfirmed
		if !ok {
			if !r.Waitlist {
				return nil, s.fullOrClosed(ctx, tx, r.SessionID)
			}
			// Under the session row's lock the counter is the new sign-up's place in line.
			err := tx.queryRow(ctx, `UPDATE activity_sessions SET waitlist_count = waitlist_count + 1
				WHERE id = ? AND status = 'open' RETURNING waitlist_count`, r.SessionID).Scan(&position)
			if err == sql.ErrNoRows {
				return nil, s.sessionClosedError(ctx, tx, r.SessionID)
			}
			if err != nil {
				return nil, err
			}
			status = zhiyuan.SignupWaitlisted
		}
	}

	if err := s.lockSignupVolunteer(ctx, tx, r.VolunteerID); err != nil {
		return nil, err
	}
	var otherSession int64
	err := tx.queryRow(ctx, `SELECT sg.session_id
		FROM signups sg JOIN activity_sessions se ON se.id = sg.session_id
		WHERE sg.volunteer_id = ? AND sg.status IN ('pending', 'confirmed', 'waitlisted')
		AND (sg.session_id = ? OR (se.starts_at < ? AND se.ends_at > ?))
		ORDER BY CASE WHEN sg.session_id = ? THEN 0 ELSE 1 END LIMIT 1`,
		r.VolunteerID, r.SessionID, r.EndsAt.UTC(), r.StartsAt.UTC(), r.SessionID).Scan(&otherSession)
	switch {
	case err == nil:
		return nil, s.clashError(ctx, tx, r.SessionID, otherSession)
	case err != sql.ErrNoRows:
		return nil, err
	}

	id, err := tx.insert(ctx, `INSERT INTO signups (session_id, activity_id, volunteer_id, status, late, created_at, updated_at)
		VALUES (?, ?, ?, ?, FALSE, ?, ?)`, r.SessionID, r.ActivityID, r.VolunteerID, string(status), now, now)
	if err != nil {
		return nil, s.translate(err, signupUniques)
	}
	return &zhiyuan.Signup{ID: id, SessionID: r.SessionID, ActivityID: r.ActivityID, VolunteerID: r.VolunteerID,
		Status: status, CreatedAt: now, UpdatedAt: now, StartsAt: r.StartsAt, EndsAt: r.EndsAt, Position: position}, nil
}

// createSignupCall makes the sign-up with one statement, call (dialect.signupCall): the
// statements of createSignup run in the database as one function, in the same lock order
// and with the same answers, and the refusals are explained here as createSignup does.
func (s *Store) createSignupCall(ctx context.Context, call string, r SignupRequest) (*zhiyuan.Signup, error) {
	now := s.now()
	var outcome string
	var id sql.NullInt64
	var place int
	var sessionStatus sql.NullString
	err := s.writer().queryRow(ctx, call, r.SessionID, r.ActivityID, r.VolunteerID, r.Mode == zhiyuan.SignupAdmission,
		r.Waitlist, r.StartsAt.UTC(), r.EndsAt.UTC(), now, s.signupLock == signupLockCredit).
		Scan(&outcome, &id, &place, &sessionStatus) // place: 0 unless waitlisted
	if reason, ok := s.dialect.signupRefusal(err); ok {
		if other, ok := strings.CutPrefix(reason, "other:"); ok {
			otherSession, err := strconv.ParseInt(other, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("sign-up refusal %q: %w", reason, err)
			}
			return nil, s.clashError(ctx, s.reader(), r.SessionID, otherSession)
		}
		return nil, s.suspensionError(ctx, s.reader(), r.VolunteerID)
	}
	if err != nil {
		return nil, s.translate(err, signupUniques)
	}
	switch outcome {
	case "no_seat", "closed":
		return nil, sessionStatusError(sessionStatus.String, sessionStatus.Valid, outcome == "no_seat")
	}
	status := zhiyuan.SignupStatus(outcome)
	return &zhiyuan.Signup{ID: id.Int64, SessionID: r.SessionID, ActivityID: r.ActivityID, VolunteerID: r.VolunteerID,
		Status: status, CreatedAt: now, UpdatedAt: now, StartsAt: r.StartsAt, EndsAt: r.EndsAt, Position: place}, nil
}

// clashError explains a refused sign-up that found another active sign-up of the same
// volunteer: to the same session (EConflict, a duplicate) or to one overlapping it
// (EInvalid on overlap, naming the other activity and its time).
func (s *Store) clashError(ctx context.Context, c conn, sessionID, otherSession int64) error {
	if otherSession == sessionID {
		return zhiyuan.FieldFail(zhiyuan.EConflict, "session_id", "signup.duplicate")
	}
	var title, zone string
	var start, end time.Time
	if err := c.queryRow(ctx, `SELECT a.title, a.time_zone, se.starts_at, se.ends_at
		FROM activity_sessions se JOIN activities a ON a.id = se.activity_id WHERE se.id = ?`, otherSession).
		Scan(&title, &zone, &start, &end); err != nil {
		return err
	}
	return zhiyuan.FieldFail(zhiyuan.EInvalid, zhiyuan.ReasonOverlap, "signup.overlap", "title", title, "when", zhiyuan.SessionLabel(start, end, zone))
}

// lockVolunteer is step 2 of the lock order.
func (s *Store) lockVolunteer(ctx context.Context, tx conn, volunteerID int64) error {
	ok, err := s.bump(ctx, tx, `UPDATE volunteers SET signup_seq = signup_seq + 1 WHERE id = ? AND status = 'active'`, volunteerID)
	if err != nil {
		return err
	}
	if !ok {
		return notFound("notfound.volunteer")
	}
	return nil
}

// lockSignupVolunteer is step 2 of the lock order for a sign-up: the same UPDATE, on
// condition that the volunteer's sign-up is not suspended (the credit record), so the
// check costs no statement of its own and a suspension committed by a no-show decided
// at the same moment is seen (the row lock waits for it). A refusal explains itself.
func (s *Store) lockSignupVolunteer(ctx context.Context, tx conn, volunteerID int64) error {
	args := []any{volunteerID, s.now()}
	if s.signupLock == signupLockPlain {
		args = args[:1]
	}
	ok, err := s.bump(ctx, tx, s.signupLock, args...)
	if err != nil {
		return err
	}
	if !ok {
		return s.suspensionError(ctx, tx, volunteerID)
	}
	return nil
}

// The statements lockSignupVolunteer runs: with the credit check, and without it (only
// for the benchmark that measures what the check costs).
const (
	signupLockCredit = `UPDATE volunteers SET signup_seq = signup_seq + 1 WHERE id = ? AND status = 'active'
		AND (suspended_until IS NULL OR suspended_until <= ?)`
	signupLockPlain = `UPDATE volunteers SET signup_seq = signup_seq + 1 WHERE id = ? AND status = 'active'`
)

// bump runs a conditional UPDATE and reports whether it changed a row.
func (s *Store) bump(ctx context.Context, tx conn, query string, args ...any) (bool, error) {
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// fullOrClosed explains a refused seat: full when the session is still open, else why
// it is closed. One SELECT of the status serves both answers.
func (s *Store) fullOrClosed(ctx context.Context, tx conn, sessionID int64) error {
	return s.sessionError(ctx, tx, sessionID, true)
}

// sessionClosedError explains why a session no longer takes sign-ups.
func (s *Store) sessionClosedError(ctx context.Context, tx conn, sessionID int64) error {
	return s.sessionError(ctx, tx, sessionID, false)
}

// sessionError reads the session's status once and turns it into the error a volunteer
// sees; an open session is full only when fullIfOpen (the seat UPDATE found no room).
func (s *Store) sessionError(ctx context.Context, tx conn, sessionID int64, fullIfOpen bool) error {
	var st string
	err := tx.queryRow(ctx, "SELECT status FROM activity_sessions WHERE id = ?", sessionID).Scan(&st)
	if err == sql.ErrNoRows {
		return sessionStatusError("", false, fullIfOpen)
	}
	if err != nil {
		return err
	}
	return sessionStatusError(st, true, fullIfOpen)
}

// sessionStatusError is sessionError's answer for a session of status st (found false:
// no such session).
func sessionStatusError(st string, found, fullIfOpen bool) error {
	if !found {
		return notFound("notfound.session")
	}
	switch zhiyuan.SessionStatus(st) {
	case zhiyuan.SessionOpen:
		if fullIfOpen {
			return zhiyuan.Fail(zhiyuan.EFull, "signup.session_full")
		}
	case zhiyuan.SessionCancelled:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, zhiyuan.ReasonWindow, "activity.cancelled")
	}
	return zhiyuan.FieldFail(zhiyuan.EInvalid, zhiyuan.ReasonWindow, "activity.signup_closed")
}

// retry runs fn again when PostgreSQL reports a deadlock or a serialisation failure.
// The lock order above is meant to make these impossible; retrying keeps a mistake there
// from ever reaching a volunteer as an error.
func (s *Store) retry(ctx context.Context, fn func() error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = fn(); err == nil || !s.dialect.retryable(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

const signupCols = `sg.id, sg.session_id, sg.activity_id, sg.volunteer_id, sg.status, sg.late, sg.created_at, sg.updated_at,
	a.title, a.status, a.org_id, COALESCE(o.name, ''), a.address, a.time_zone, se.starts_at, se.ends_at,
	v.name, v.volunteer_no, v.account_id`

const signupFrom = ` FROM signups sg JOIN activity_sessions se ON se.id = sg.session_id JOIN activities a ON a.id = sg.activity_id
	LEFT JOIN organizations o ON o.id = a.org_id JOIN volunteers v ON v.id = sg.volunteer_id `

func scanSignup(r rowScanner) (*zhiyuan.Signup, error) {
	var sg zhiyuan.Signup
	var st, ast string
	err := r.Scan(&sg.ID, &sg.SessionID, &sg.ActivityID, &sg.VolunteerID, &st, &sg.Late, &sg.CreatedAt, &sg.UpdatedAt,
		&sg.ActivityTitle, &ast, &sg.OrgID, &sg.OrgName, &sg.Address, &sg.TimeZone, &sg.StartsAt, &sg.EndsAt,
		&sg.VolunteerName, &sg.VolunteerNo, &sg.AccountID)
	if err != nil {
		return nil, err
	}
	sg.Status, sg.ActivityStatus = zhiyuan.SignupStatus(st), zhiyuan.ActivityStatus(ast)
	sg.CreatedAt, sg.UpdatedAt, sg.StartsAt, sg.EndsAt = sg.CreatedAt.UTC(), sg.UpdatedAt.UTC(), sg.StartsAt.UTC(), sg.EndsAt.UTC()
	return &sg, nil
}

// FindSignupByID returns a sign-up with its activity, session and volunteer names, and
// its place on the waitlist, or ENotFound.
func (s *Store) FindSignupByID(ctx context.Context, id int64) (*zhiyuan.Signup, error) {
	return s.findSignup(ctx, s.reader(), id)
}

func (s *Store) findSignup(ctx context.Context, c conn, id int64) (*zhiyuan.Signup, error) {
	sg, err := scanSignup(c.queryRow(ctx, `SELECT `+signupCols+signupFrom+`WHERE sg.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.signup")
	}
	if err != nil {
		return nil, err
	}
	if sg.Status == zhiyuan.SignupWaitlisted {
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM signups WHERE session_id = ? AND status = 'waitlisted' AND id <= ?`,
			sg.SessionID, sg.ID).Scan(&sg.Position); err != nil {
			return nil, err
		}
	}
	return sg, nil
}

// SignupChange is the outcome of a cancellation or decision: the sign-up as it now is,
// and the volunteer who got the freed seat from the waitlist, if any (already notified
// in-app in the same transaction).
type SignupChange struct {
	Signup   *zhiyuan.Signup
	Promoted *zhiyuan.Signup
}

// CancelSignup cancels a volunteer's active sign-up. late marks a cancellation after the
// deadline, which counts on the volunteer's record. A freed seat goes to the head of the
// waitlist in the same transaction, exactly once however many cancellations race: each
// one holds the session row while it moves the head. Cancelling twice is EConflict.
func (s *Store) CancelSignup(ctx context.Context, id int64, late bool) (*SignupChange, error) {
	var out *SignupChange
	err := s.retry(ctx, func() error {
		return s.inTx(ctx, func(tx conn) error {
			var sessionID, volunteerID int64
			err := tx.queryRow(ctx, "SELECT session_id, volunteer_id FROM signups WHERE id = ?", id).Scan(&sessionID, &volunteerID)
			if err == sql.ErrNoRows {
				return notFound("notfound.signup")
			}
			if err != nil {
				return err
			}
			if err := s.lockSession(ctx, tx, sessionID); err != nil {
				return err
			}
			if err := s.lockVolunteer(ctx, tx, volunteerID); err != nil {
				return err
			}
			st, err := s.signupStatus(ctx, tx, id)
			if err != nil {
				return err
			}
			if !st.Active() {
				return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "signup.cancel_status", "status", st.Chinese())
			}
			late = late && st == zhiyuan.SignupConfirmed
			if _, err := tx.exec(ctx, `UPDATE signups SET status = 'cancelled', late = ?, updated_at = ? WHERE id = ?`,
				late, s.now(), id); err != nil {
				return err
			}
			if late {
				if _, err := tx.exec(ctx, "UPDATE volunteers SET late_cancellations = late_cancellations + 1 WHERE id = ?", volunteerID); err != nil {
					return err
				}
				if err := s.addMark(ctx, tx, id, zhiyuan.MarkLateCancel); err != nil {
					return err
				}
			}
			promoted, err := s.release(ctx, tx, sessionID, st)
			if err != nil {
				return err
			}
			sg, err := s.findSignup(ctx, tx, id)
			if err != nil {
				return err
			}
			out = &SignupChange{Signup: sg, Promoted: promoted}
			return nil
		})
	})
	return out, err
}

// lockSession is step 1 of the lock order for transactions that do not know yet which
// counter they will move.
func (s *Store) lockSession(ctx context.Context, tx conn, sessionID int64) error {
	ok, err := s.bump(ctx, tx, "UPDATE activity_sessions SET capacity = capacity WHERE id = ?", sessionID)
	if err != nil {
		return err
	}
	if !ok {
		return notFound("notfound.session")
	}
	return nil
}

func (s *Store) signupStatus(ctx context.Context, tx conn, id int64) (zhiyuan.SignupStatus, error) {
	var st string
	err := tx.queryRow(ctx, "SELECT status FROM signups WHERE id = ?", id).Scan(&st)
	if err == sql.ErrNoRows {
		return "", notFound("notfound.signup")
	}
	return zhiyuan.SignupStatus(st), err
}

// release gives back what a sign-up that was in state st held, with the session row
// locked: a confirmed seat goes to the head of the waitlist, which is returned.
func (s *Store) release(ctx context.Context, tx conn, sessionID int64, st zhiyuan.SignupStatus) (*zhiyuan.Signup, error) {
	switch st {
	case zhiyuan.SignupPending:
		_, err := tx.exec(ctx, "UPDATE activity_sessions SET pending_count = pending_count - 1 WHERE id = ?", sessionID)
		return nil, err
	case zhiyuan.SignupWaitlisted:
		_, err := tx.exec(ctx, "UPDATE activity_sessions SET waitlist_count = waitlist_count - 1 WHERE id = ?", sessionID)
		return nil, err
	case zhiyuan.SignupConfirmed:
		if _, err := tx.exec(ctx, "UPDATE activity_sessions SET seats_taken = seats_taken - 1 WHERE id = ?", sessionID); err != nil {
			return nil, err
		}
		return s.promote(ctx, tx, sessionID)
	}
	return nil, nil
}

// promote moves the head of the session's waitlist to a free seat, if there is one and
// the session is still open, and notifies them in-app.
func (s *Store) promote(ctx context.Context, tx conn, sessionID int64) (*zhiyuan.Signup, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM signups WHERE session_id = ? AND status = 'waitlisted' ORDER BY id LIMIT 1`, sessionID).Scan(&id)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.bump(ctx, tx, `UPDATE activity_sessions SET seats_taken = seats_taken + 1, waitlist_count = waitlist_count - 1
		WHERE id = ? AND status = 'open' AND seats_taken < capacity`, sessionID)
	if err != nil || !ok {
		return nil, err
	}
	ok, err = s.bump(ctx, tx, `UPDATE signups SET status = 'confirmed', updated_at = ? WHERE id = ? AND status = 'waitlisted'`, s.now(), id)
	if err != nil {
		return nil, err
	}
	if !ok {
		// Cannot happen while we hold the session row; refuse rather than miscount.
		return nil, errors.New("waitlist head changed under the session lock")
	}
	sg, err := s.findSignup(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	n := zhiyuan.SignupNotice(zhiyuan.NoticePromoted, sg.ActivityTitle, sg.ActivityID, sg.StartsAt, sg.EndsAt, sg.TimeZone)
	n.AccountID = sg.AccountID
	return sg, s.notifyOut(ctx, tx, &n)
}

// DecideSignups admits or rejects sign-ups of one session in one transaction, in id
// order. Admission takes a seat by the same conditional UPDATE as a first-come sign-up,
// so no more are admitted than there are seats: once they run out, the rest fail with
// EFull. Rejecting a confirmed sign-up frees its seat for the waitlist. A no-show counts
// on the volunteer's record. Sign-ups not of this session fail with ENotFound.
func (s *Store) DecideSignups(ctx context.Context, sessionID int64, ids []int64, d zhiyuan.SignupDecision, by int64) (*zhiyuan.DecideResult, error) {
	ids = append([]int64(nil), ids...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out *zhiyuan.DecideResult
	err := s.retry(ctx, func() error {
		return s.inTx(ctx, func(tx conn) error {
			out = &zhiyuan.DecideResult{Failed: map[int64]error{}}
			if err := s.lockSession(ctx, tx, sessionID); err != nil {
				return err
			}
			if d == zhiyuan.DecideNoShow && len(ids) != 1 {
				return zhiyuan.Fail(zhiyuan.EInvalid, "signup.no_show_one")
			}
			seen := map[int64]bool{}
			for _, id := range ids {
				if seen[id] {
					continue
				}
				seen[id] = true
				sg, promoted, err := s.decideOne(ctx, tx, sessionID, id, d, by)
				if err != nil {
					if zhiyuan.ErrorCode(err) == zhiyuan.EInternal {
						return err
					}
					out.Failed[id] = err
					continue
				}
				out.Done = append(out.Done, sg)
				if promoted != nil {
					out.Promoted = append(out.Promoted, promoted)
				}
			}
			return nil
		})
	})
	return out, err
}

func (s *Store) decideOne(ctx context.Context, tx conn, sessionID, id int64, d zhiyuan.SignupDecision, by int64) (*zhiyuan.Signup, *zhiyuan.Signup, error) {
	var st string
	var vol int64
	err := tx.queryRow(ctx, "SELECT status, volunteer_id FROM signups WHERE id = ? AND session_id = ?", id, sessionID).Scan(&st, &vol)
	if err == sql.ErrNoRows {
		return nil, nil, notFound("notfound.signup")
	}
	if err != nil {
		return nil, nil, err
	}
	from := zhiyuan.SignupStatus(st)
	now := s.now()
	var promoted *zhiyuan.Signup
	var notice string
	switch d {
	case zhiyuan.DecideAdmit:
		if from != zhiyuan.SignupPending && from != zhiyuan.SignupWaitlisted {
			return nil, nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "signup.admit_status", "status", from.Chinese())
		}
		counter := "pending_count = pending_count - 1"
		if from == zhiyuan.SignupWaitlisted {
			counter = "waitlist_count = waitlist_count - 1"
		}
		ok, err := s.bump(ctx, tx, `UPDATE activity_sessions SET seats_taken = seats_taken + 1, `+counter+`
			WHERE id = ? AND status <> 'cancelled' AND seats_taken < capacity`, sessionID)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, zhiyuan.Fail(zhiyuan.EFull, "signup.admit_full")
		}
		if _, err := tx.exec(ctx, "UPDATE signups SET status = 'confirmed', decided_by = ?, updated_at = ? WHERE id = ?", by, now, id); err != nil {
			return nil, nil, err
		}
		notice = zhiyuan.NoticeAdmitted
	case zhiyuan.DecideReject:
		if !from.Active() {
			return nil, nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "signup.decided", "status", from.Chinese())
		}
		if _, err := tx.exec(ctx, "UPDATE signups SET status = 'rejected', decided_by = ?, updated_at = ? WHERE id = ?", by, now, id); err != nil {
			return nil, nil, err
		}
		if promoted, err = s.release(ctx, tx, sessionID, from); err != nil {
			return nil, nil, err
		}
		notice = zhiyuan.NoticeRejected
	case zhiyuan.DecideNoShow:
		if from != zhiyuan.SignupConfirmed {
			return nil, nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "signup.no_show_status")
		}
		// The seat stays taken (seats_taken counts confirmed and no-show rows): the
		// session has begun, and a late check-in turns the no-show back into a seat.
		if _, err := tx.exec(ctx, "UPDATE signups SET status = 'no_show', decided_by = ?, updated_at = ? WHERE id = ?", by, now, id); err != nil {
			return nil, nil, err
		}
		if _, err := tx.exec(ctx, "UPDATE volunteers SET no_shows = no_shows + 1 WHERE id = ?", vol); err != nil {
			return nil, nil, err
		}
		if err := s.addMark(ctx, tx, id, zhiyuan.MarkNoShow); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, zhiyuan.Fail(zhiyuan.EInvalid, "signup.decision_unknown")
	}
	sg, err := s.findSignup(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	if notice != "" {
		n := zhiyuan.SignupNotice(notice, sg.ActivityTitle, sg.ActivityID, sg.StartsAt, sg.EndsAt, sg.TimeZone)
		n.AccountID = sg.AccountID
		if err := s.notifyOut(ctx, tx, &n); err != nil {
			return nil, nil, err
		}
	}
	return sg, promoted, nil
}

// SignupFilter selects the sign-ups of one session for its organisation.
type SignupFilter struct {
	SessionID int64
	Status    zhiyuan.SignupStatus // "" for all
	After     int64                // cursor: sign-ups with id above this
	Limit     int
}

// FindSessionSignups lists a session's sign-ups in arrival order (the waitlist's order).
func (s *Store) FindSessionSignups(ctx context.Context, f SignupFilter) ([]*zhiyuan.Signup, error) {
	q := `SELECT ` + signupCols + signupFrom + `WHERE sg.session_id = ?`
	args := []any{f.SessionID}
	if f.Status != "" {
		q += " AND sg.status = ?"
		args = append(args, string(f.Status))
	}
	if f.After > 0 {
		q += " AND sg.id > ?"
		args = append(args, f.After)
	}
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 100
	}
	q += " ORDER BY sg.id LIMIT ?"
	args = append(args, f.Limit)
	return s.querySignups(ctx, q, args...)
}

func (s *Store) querySignups(ctx context.Context, q string, args ...any) ([]*zhiyuan.Signup, error) {
	return queryAll(ctx, s.reader(), scanSignup, q, args...)
}

// FindVolunteerSignups lists a volunteer's sign-ups of one view: upcoming and waitlisted
// soonest first, past most recent first. Cursor: the offset into the list.
func (s *Store) FindVolunteerSignups(ctx context.Context, volunteerID int64, view zhiyuan.SignupView, now time.Time, offset, limit int) ([]*zhiyuan.Signup, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := `SELECT ` + signupCols + signupFrom + `WHERE sg.volunteer_id = ?`
	args := []any{volunteerID}
	switch view {
	case zhiyuan.ViewWaitlisted:
		q += " AND sg.status = 'waitlisted' AND se.ends_at > ? ORDER BY se.starts_at, sg.id"
		args = append(args, now.UTC())
	case zhiyuan.ViewPast:
		q += ` AND (se.ends_at <= ? OR sg.status NOT IN ('pending', 'confirmed', 'waitlisted')) ORDER BY se.starts_at DESC, sg.id DESC`
		args = append(args, now.UTC())
	default:
		q += " AND sg.status IN ('pending', 'confirmed') AND se.ends_at > ? ORDER BY se.starts_at, sg.id"
		args = append(args, now.UTC())
	}
	q += " LIMIT ? OFFSET ?"
	args = append(args, limit, offset)
	out, err := s.querySignups(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	for _, sg := range out {
		if sg.Status == zhiyuan.SignupWaitlisted {
			if err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM signups WHERE session_id = ? AND status = 'waitlisted' AND id <= ?`,
				sg.SessionID, sg.ID).Scan(&sg.Position); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// FindVolunteerRecord returns a volunteer's sign-up counters.
func (s *Store) FindVolunteerRecord(ctx context.Context, volunteerID int64) (zhiyuan.SignupRecord, error) {
	var r zhiyuan.SignupRecord
	err := s.reader().queryRow(ctx, "SELECT late_cancellations, no_shows FROM volunteers WHERE id = ?", volunteerID).
		Scan(&r.LateCancellations, &r.NoShows)
	if err == sql.ErrNoRows {
		return r, notFound("notfound.volunteer")
	}
	return r, err
}

// SessionCounts recounts a session's sign-ups by status from the rows themselves, for
// tests and checks that the counters on the session row tell the truth.
func (s *Store) SessionCounts(ctx context.Context, sessionID int64) (map[zhiyuan.SignupStatus]int, error) {
	rows, err := s.reader().query(ctx, "SELECT status, COUNT(*) FROM signups WHERE session_id = ? GROUP BY status", sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[zhiyuan.SignupStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[zhiyuan.SignupStatus(strings.TrimSpace(st))] = n
	}
	return out, rows.Err()
}

// FindVolunteerActivitySignups returns a volunteer's latest sign-up for each session of
// an activity, by session id, for the activity page.
func (s *Store) FindVolunteerActivitySignups(ctx context.Context, volunteerID, activityID int64) (map[int64]*zhiyuan.Signup, error) {
	list, err := s.querySignups(ctx, `SELECT `+signupCols+signupFrom+`WHERE sg.volunteer_id = ? AND sg.activity_id = ? ORDER BY sg.id LIMIT 500`,
		volunteerID, activityID)
	if err != nil {
		return nil, err
	}
	out := map[int64]*zhiyuan.Signup{}
	for _, sg := range list {
		out[sg.SessionID] = sg
	}
	return out, nil
}

// FindSignupVolunteer returns what the sign-up rules need about the volunteer of an
// account (id, birth date, minor flag, guardian consent, status, skills) in one query,
// or ENotFound when the account has no volunteer record.
func (s *Store) FindSignupVolunteer(ctx context.Context, accountID int64) (*zhiyuan.Volunteer, error) {
	rows, err := s.reader().query(ctx, `SELECT v.id, v.birth_date, v.minor, v.guardian_consent_at, v.status, COALESCE(k.skill, ''), v.suspended_until
		FROM volunteers v LEFT JOIN volunteer_skills k ON k.volunteer_id = v.id WHERE v.account_id = ?`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var v *zhiyuan.Volunteer
	for rows.Next() {
		var id int64
		var birth time.Time
		var minor bool
		var consent, suspended sql.NullTime
		var status, skill string
		if err := rows.Scan(&id, &birth, &minor, &consent, &status, &skill, &suspended); err != nil {
			return nil, err
		}
		if v == nil {
			v = &zhiyuan.Volunteer{ID: id, AccountID: accountID, BirthDate: dateOnly(birth),
				Minor: minor, Status: zhiyuan.VolunteerStatus(status), Skills: []string{}}
			if consent.Valid {
				v.Guardian = &zhiyuan.Guardian{ConsentAt: consent.Time.UTC()}
			}
			if suspended.Valid {
				v.SuspendedUntil = suspended.Time.UTC()
			}
		}
		if skill != "" {
			v.Skills = append(v.Skills, skill)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, notFound("notfound.volunteer")
	}
	return v, nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"zhiyuan"
)

// The credit record (zhiyuan/credit.go). Marks are written by the transactions that
// record a no-show or a late cancellation, never afterwards from Go: each of those has
// already locked the volunteer's row (the counter UPDATE on volunteers), so addMark and
// resuspend see every mark committed before them, and two no-shows decided at once are
// counted one after the other. volunteers.suspended_until is the suspension as
// zhiyuan.SuspendedUntil computes it from the active marks, rewritten whenever a mark is
// added, waived or revoked; sign-up checks it in the UPDATE that serialises the
// volunteer (lockSignupVolunteer).

// addMark records a mark of kind for a sign-up whose volunteer's row the transaction
// has locked, and recomputes the volunteer's suspension.
func (s *Store) addMark(ctx context.Context, tx conn, signupID int64, kind zhiyuan.CreditMarkKind) error {
	now := s.now()
	var vol int64
	err := tx.queryRow(ctx, `INSERT INTO credit_marks (volunteer_id, signup_id, org_id, kind, status, occurred_at, expires_at)
		SELECT sg.volunteer_id, sg.id, a.org_id, ?, 'active', ?, ? FROM signups sg JOIN activities a ON a.id = sg.activity_id
		WHERE sg.id = ? RETURNING volunteer_id`, string(kind), now, now.Add(zhiyuan.CreditMarkLife), signupID).Scan(&vol)
	if err != nil {
		return err
	}
	return s.resuspend(ctx, tx, vol)
}

// revokeNoShowMark takes back the no-show mark of a sign-up whose no-show was undone (a
// late check-in), with the volunteer's row locked, and recomputes the suspension.
func (s *Store) revokeNoShowMark(ctx context.Context, tx conn, signupID, volunteerID int64) error {
	if err := s.lockCredit(ctx, tx, volunteerID); err != nil {
		return err
	}
	ok, err := s.bump(ctx, tx, `UPDATE credit_marks SET status = 'revoked' WHERE signup_id = ? AND kind = 'no_show' AND status = 'active'`, signupID)
	if err != nil || !ok {
		return err
	}
	return s.resuspend(ctx, tx, volunteerID)
}

// lockCredit locks a volunteer's row for a change of their marks (step 2 of the lock
// order in signups.go).
func (s *Store) lockCredit(ctx context.Context, tx conn, volunteerID int64) error {
	ok, err := s.bump(ctx, tx, `UPDATE volunteers SET suspended_until = suspended_until WHERE id = ?`, volunteerID)
	if err == nil && !ok {
		err = notFound("notfound.volunteer")
	}
	return err
}

// resuspend rewrites volunteers.suspended_until from the volunteer's active marks. Only
// marks recent enough to start a suspension that has not ended matter: those of the last
// CreditWindow + CreditSuspension.
func (s *Store) resuspend(ctx context.Context, tx conn, volunteerID int64) error {
	since := s.now().Add(-zhiyuan.CreditWindow - zhiyuan.CreditSuspension)
	rows, err := tx.query(ctx, `SELECT occurred_at FROM credit_marks WHERE volunteer_id = ? AND status = 'active' AND occurred_at > ?`,
		volunteerID, since)
	if err != nil {
		return err
	}
	var times []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		times = append(times, t.UTC())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE volunteers SET suspended_until = ? WHERE id = ?`, nullTime(zhiyuan.SuspendedUntil(times)), volunteerID)
	return err
}

// suspensionError explains why the sign-up's volunteer UPDATE found no row: a suspension
// that has not ended (EInvalid naming credit_suspended and its end), else no such active
// volunteer.
func (s *Store) suspensionError(ctx context.Context, tx conn, volunteerID int64) error {
	var until sql.NullTime
	err := tx.queryRow(ctx, `SELECT suspended_until FROM volunteers WHERE id = ? AND status = 'active'`, volunteerID).Scan(&until)
	if err == sql.ErrNoRows {
		return notFound("notfound.volunteer")
	}
	if err != nil {
		return err
	}
	if until.Valid {
		if err := zhiyuan.CheckSuspension(until.Time.UTC(), s.now()); err != nil {
			return err
		}
	}
	return notFound("notfound.volunteer")
}

// SuspendedUntil returns a volunteer's stored suspension end (zero when none); it may
// lie in the past, when the suspension is over.
func (s *Store) SuspendedUntil(ctx context.Context, volunteerID int64) (time.Time, error) {
	var until sql.NullTime
	err := s.reader().queryRow(ctx, `SELECT suspended_until FROM volunteers WHERE id = ?`, volunteerID).Scan(&until)
	if err == sql.ErrNoRows {
		return time.Time{}, notFound("notfound.volunteer")
	}
	if err != nil || !until.Valid {
		return time.Time{}, err
	}
	return until.Time.UTC(), nil
}

const markCols = `m.id, m.volunteer_id, m.signup_id, m.org_id, m.kind, m.status, m.occurred_at, m.expires_at,
	m.waive_reason, m.waived_at, m.appeal_status, m.appeal_reason, m.appealed_at, m.decision_reason, m.decided_at,
	a.id, a.title, se.starts_at, se.ends_at, a.time_zone, o.name, o.region_code, v.name, v.volunteer_no, v.account_id`

const markFrom = ` FROM credit_marks m JOIN signups sg ON sg.id = m.signup_id JOIN activity_sessions se ON se.id = sg.session_id
	JOIN activities a ON a.id = sg.activity_id JOIN organizations o ON o.id = m.org_id JOIN volunteers v ON v.id = m.volunteer_id `

func scanMark(r rowScanner) (*zhiyuan.CreditMark, error) {
	var m zhiyuan.CreditMark
	var kind, status, appeal string
	var waived, appealed, decided sql.NullTime
	err := r.Scan(&m.ID, &m.VolunteerID, &m.SignupID, &m.OrgID, &kind, &status, &m.OccurredAt, &m.ExpiresAt,
		&m.WaiveReason, &waived, &appeal, &m.AppealReason, &appealed, &m.DecisionReason, &decided,
		&m.ActivityID, &m.ActivityTitle, &m.SessionStart, &m.SessionEnd, &m.TimeZone, &m.OrgName, &m.OrgRegion,
		&m.VolunteerName, &m.VolunteerNo, &m.AccountID)
	if err != nil {
		return nil, err
	}
	m.Kind, m.Status, m.Appeal = zhiyuan.CreditMarkKind(kind), zhiyuan.CreditMarkStatus(status), zhiyuan.AppealStatus(appeal)
	m.OccurredAt, m.ExpiresAt, m.SessionStart, m.SessionEnd = m.OccurredAt.UTC(), m.ExpiresAt.UTC(), m.SessionStart.UTC(), m.SessionEnd.UTC()
	if waived.Valid {
		m.WaivedAt = waived.Time.UTC()
	}
	if appealed.Valid {
		m.AppealedAt = appealed.Time.UTC()
	}
	if decided.Valid {
		m.DecidedAt = decided.Time.UTC()
	}
	return &m, nil
}

// FindCreditMarks lists a volunteer's marks, newest first.
func (s *Store) FindCreditMarks(ctx context.Context, volunteerID int64) ([]*zhiyuan.CreditMark, error) {
	return queryAll(ctx, s.reader(), scanMark, `SELECT `+markCols+markFrom+`WHERE m.volunteer_id = ? ORDER BY m.occurred_at DESC, m.id DESC LIMIT ?`,
		volunteerID, zhiyuan.CreditMarksListMax)
}

// FindSessionCreditMarks lists the marks recorded on a session's sign-ups, for the
// organisation's sign-up page.
func (s *Store) FindSessionCreditMarks(ctx context.Context, sessionID int64) ([]*zhiyuan.CreditMark, error) {
	return queryAll(ctx, s.reader(), scanMark, `SELECT `+markCols+markFrom+`WHERE sg.session_id = ? ORDER BY m.id LIMIT 1000`, sessionID)
}

// FindCreditMark returns one mark, or ENotFound.
func (s *Store) FindCreditMark(ctx context.Context, id int64) (*zhiyuan.CreditMark, error) {
	m, err := scanMark(s.reader().queryRow(ctx, `SELECT `+markCols+markFrom+`WHERE m.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.credit_mark")
	}
	return m, err
}

// PendingAppeals lists appeals waiting for a decision, oldest first, of marks recorded by
// organisations within scope (its region prefixes; nil scope: everywhere).
func (s *Store) PendingAppeals(ctx context.Context, scope *zhiyuan.OrgScope, after int64, limit int) ([]*zhiyuan.CreditMark, error) {
	q := `SELECT ` + markCols + markFrom + `WHERE m.appeal_status = 'pending' AND m.id > ?`
	args := []any{after}
	if scope != nil && !scope.All {
		cond, cargs, err := s.scopeCondition(ctx, scope)
		if err != nil {
			return nil, err
		}
		q += " AND " + cond
		args = append(args, cargs...)
	}
	if limit <= 0 || limit > zhiyuan.CreditAppealsPage {
		limit = zhiyuan.CreditAppealsPage
	}
	q += " ORDER BY m.id LIMIT ?"
	args = append(args, limit)
	return queryAll(ctx, s.reader(), scanMark, q, args...)
}

// markVolunteer returns the volunteer of a mark, or ENotFound.
func (s *Store) markVolunteer(ctx context.Context, tx conn, id int64) (int64, error) {
	var vol int64
	err := tx.queryRow(ctx, `SELECT volunteer_id FROM credit_marks WHERE id = ?`, id).Scan(&vol)
	if err == sql.ErrNoRows {
		return 0, notFound("notfound.credit_mark")
	}
	return vol, err
}

// WaiveMark waives a counting mark (the organisation's decision, with its reason) and
// recomputes the volunteer's suspension in the same transaction; an appeal waiting on it
// is settled as waived. A mark no longer counting is EConflict.
func (s *Store) WaiveMark(ctx context.Context, id, by int64, reason string) error {
	return s.retry(ctx, func() error {
		return s.inTx(ctx, func(tx conn) error {
			vol, err := s.markVolunteer(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := s.lockCredit(ctx, tx, vol); err != nil {
				return err
			}
			now := s.now()
			ok, err := s.bump(ctx, tx, `UPDATE credit_marks SET status = 'waived', waive_reason = ?, waived_by = ?, waived_at = ?,
				appeal_status = CASE WHEN appeal_status = 'pending' THEN 'waived' ELSE appeal_status END,
				decided_at = CASE WHEN appeal_status = 'pending' THEN ? ELSE decided_at END
				WHERE id = ? AND status = 'active' AND expires_at > ?`, reason, by, now, now, id, now)
			if err != nil {
				return err
			}
			if !ok {
				return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "credit.mark_not_active")
			}
			return s.resuspend(ctx, tx, vol)
		})
	})
}

// AppealMark files the volunteer's one appeal of a counting mark. A mark not counting is
// EConflict on status, a second appeal EConflict on appeal.
func (s *Store) AppealMark(ctx context.Context, id int64, reason string) error {
	now := s.now()
	ok, err := s.bump(ctx, s.writer(), `UPDATE credit_marks SET appeal_status = 'pending', appeal_reason = ?, appealed_at = ?
		WHERE id = ? AND status = 'active' AND expires_at > ? AND appeal_status = ''`, reason, now, id, now)
	if err != nil || ok {
		return err
	}
	m, err := s.FindCreditMark(ctx, id)
	if err != nil {
		return err
	}
	if m.Appeal != zhiyuan.AppealNone {
		return zhiyuan.FieldFail(zhiyuan.EConflict, "appeal", "credit.appeal_twice")
	}
	return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "credit.mark_not_active")
}

// DecideAppeal settles a pending appeal: upheld (the mark stands) or waived (the mark is
// waived with the decision's reason and the suspension recomputed), in one transaction.
// An appeal no longer pending is EConflict: of two decisions at once one wins.
func (s *Store) DecideAppeal(ctx context.Context, id, by int64, to zhiyuan.AppealStatus, reason string) error {
	return s.retry(ctx, func() error {
		return s.inTx(ctx, func(tx conn) error {
			vol, err := s.markVolunteer(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := s.lockCredit(ctx, tx, vol); err != nil {
				return err
			}
			now := s.now()
			q := `UPDATE credit_marks SET appeal_status = 'upheld', decision_reason = ?, decided_by = ?, decided_at = ?
				WHERE id = ? AND appeal_status = 'pending'`
			args := []any{reason, by, now, id}
			if to == zhiyuan.AppealWaived {
				// The mark is waived with the decision's reason, unless the
				// organisation waived it in the meantime (then it keeps theirs).
				q = `UPDATE credit_marks SET appeal_status = 'waived', decision_reason = ?, decided_by = ?, decided_at = ?,
					waive_reason = CASE WHEN status = 'active' THEN ? ELSE waive_reason END,
					waived_by = CASE WHEN status = 'active' THEN ? ELSE waived_by END,
					waived_at = CASE WHEN status = 'active' THEN ? ELSE waived_at END,
					status = CASE WHEN status = 'active' THEN 'waived' ELSE status END
					WHERE id = ? AND appeal_status = 'pending'`
				args = []any{reason, by, now, reason, by, now, id}
			}
			ok, err := s.bump(ctx, tx, q, args...)
			if err != nil {
				return err
			}
			if !ok {
				return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "credit.appeal_not_pending")
			}
			return s.resuspend(ctx, tx, vol)
		})
	})
}

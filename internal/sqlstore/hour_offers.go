package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"zhiyuan"
)

// Hour offers: hours recorded for a volunteer who never signed up for the session (a
// walk-in's check-out, a make-up) wait in hour_offers, outside the ledger, until the
// volunteer accepts them. The ledger, its totals and its chain heads only ever hold what
// the volunteer asked to take part in or agreed to. Each offer leaves 'pending' once, by
// a conditional UPDATE: accept (in the transaction that appends the entry), dispute, or
// the expiry sweep.

// hasSignup reports whether the volunteer asked to take part in the session: any sign-up
// of theirs for it, whatever became of it (confirmed, waitlisted, no-show, withdrawn…).
// Sign-ups are only ever made by the volunteer, so this is their own word.
func hasSignup(ctx context.Context, c conn, sessionID, volunteerID int64) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM signups WHERE session_id = ? AND volunteer_id = ?`, sessionID, volunteerID).Scan(&n)
	return n > 0, err
}

// insertOffer writes a pending offer and the volunteer's in-app notice of it, inside the
// caller's transaction.
func (s *Store) insertOffer(ctx context.Context, c conn, o *zhiyuan.HourOffer) error {
	now := s.now()
	if o.RecordedAt.IsZero() {
		o.RecordedAt = now
	}
	o.RecordedAt = o.RecordedAt.UTC().Truncate(time.Microsecond)
	o.ExpiresAt = o.ExpiresAt.UTC()
	o.Status = zhiyuan.OfferPending
	id, err := c.insert(ctx, `INSERT INTO hour_offers (volunteer_id, session_id, org_id, kind, minutes, reason, attendance_id,
		region_code, recorded_by, recorded_at, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
		o.VolunteerID, o.SessionID, o.OrgID, string(o.Kind), o.Minutes, o.Reason, hlNullID(o.AttendanceID), o.RegionCode,
		hlNullID(o.RecordedBy), o.RecordedAt, o.ExpiresAt)
	if err != nil {
		return err
	}
	o.ID = id
	var account int64
	var title, org string
	if err := c.queryRow(ctx, `SELECT v.account_id, a.title, o.name FROM volunteers v, activity_sessions se
		JOIN activities a ON a.id = se.activity_id JOIN organizations o ON o.id = ?
		WHERE v.id = ? AND se.id = ?`, o.OrgID, o.VolunteerID, o.SessionID).Scan(&account, &title, &org); err != nil {
		return err
	}
	n := zhiyuan.HourOfferNotice(o, title, org)
	n.AccountID = account
	return s.notifyOut(ctx, c, &n)
}

// AppendOrOfferHourEntry appends e (a make-up of a session) to the ledger as
// AppendHourEntry does when its volunteer signed up for the session; otherwise it records
// an offer expiring at expiresAt, which the volunteer is notified of, and returns it
// (e is then left unwritten). The choice and the write are one transaction.
func (s *Store) AppendOrOfferHourEntry(ctx context.Context, e *zhiyuan.HourEntry, place EntryPlace, expiresAt time.Time) (*zhiyuan.HourOffer, error) {
	var offer *zhiyuan.HourOffer
	err := s.inTx(ctx, func(tx conn) error {
		offer = nil
		signed, err := hasSignup(ctx, tx, e.SessionID, e.VolunteerID)
		if err != nil {
			return err
		}
		if signed {
			return s.appendHourEntry(ctx, tx, e, place, nil)
		}
		offer = &zhiyuan.HourOffer{VolunteerID: e.VolunteerID, SessionID: e.SessionID, OrgID: e.OrgID, Kind: e.Kind,
			Minutes: e.Minutes, Reason: e.Reason, RegionCode: place.RegionCode, RecordedBy: e.RecordedBy, RecordedAt: e.RecordedAt,
			ExpiresAt: expiresAt}
		return s.insertOffer(ctx, tx, offer)
	})
	if err != nil {
		return nil, err
	}
	return offer, nil
}

// Refusals of an answer to an offer.
var (
	ErrOfferSettled = zhiyuan.FieldFail(zhiyuan.EConflict, "status", "hours.offer_settled")
	ErrOfferExpired = zhiyuan.FieldFail(zhiyuan.EConflict, "status", "hours.offer_expired")
)

// offerRefusal says why a conditional UPDATE of a pending offer changed nothing.
func (s *Store) offerRefusal(ctx context.Context, c conn, id, volunteerID int64) error {
	var status string
	var expires time.Time
	err := c.queryRow(ctx, `SELECT status, expires_at FROM hour_offers WHERE id = ? AND volunteer_id = ?`, id, volunteerID).Scan(&status, &expires)
	switch {
	case err == sql.ErrNoRows:
		return notFound("notfound.hour_entry")
	case err != nil:
		return err
	case status == string(zhiyuan.OfferExpired) || (status == string(zhiyuan.OfferPending) && !s.now().Before(expires)):
		return ErrOfferExpired
	}
	return ErrOfferSettled
}

// AcceptHourOffer accepts the volunteer's pending offer: the entry is appended to the
// ledger (pending the organisation's confirmation, like any other), the offer marked
// accepted with it, a walk-in's attendance linked to it and the recorder notified, in one
// transaction. The offer's conditional UPDATE comes after the append, so a second answer
// at the same moment (accept or dispute) finds it settled and rolls back whole. place is
// the entry's session context (the session-length rule for a make-up).
func (s *Store) AcceptHourOffer(ctx context.Context, id, volunteerID int64, place EntryPlace) (*zhiyuan.HourEntry, error) {
	var entry *zhiyuan.HourEntry
	err := s.inTx(ctx, func(tx conn) error {
		o, err := s.findOffer(ctx, tx, `WHERE f.id = ? AND f.volunteer_id = ?`, id, volunteerID)
		if err != nil {
			return err
		}
		if !o.Pending(s.now()) {
			return s.offerRefusal(ctx, tx, id, volunteerID)
		}
		entry = &zhiyuan.HourEntry{VolunteerID: o.VolunteerID, Kind: o.Kind, Minutes: o.Minutes, SessionID: o.SessionID,
			OrgID: o.OrgID, Reason: o.Reason, RecordedBy: o.RecordedBy}
		if place.RegionCode == "" {
			place.RegionCode = o.RegionCode
		}
		if err := s.appendHourEntry(ctx, tx, entry, place, nil); err != nil {
			return err
		}
		now := s.now()
		res, err := tx.exec(ctx, `UPDATE hour_offers SET status = 'accepted', entry_id = ?, settled_at = ?
			WHERE id = ? AND volunteer_id = ? AND status = 'pending' AND expires_at > ?`, entry.ID, now, id, volunteerID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.offerRefusal(ctx, tx, id, volunteerID)
		}
		if o.AttendanceID != 0 {
			if _, err := tx.exec(ctx, `UPDATE attendance SET entry_id = ? WHERE id = ? AND entry_id IS NULL`, entry.ID, o.AttendanceID); err != nil {
				return err
			}
		}
		o.Status = zhiyuan.OfferAccepted
		return s.notifyRecorder(ctx, tx, o)
	})
	if err != nil {
		return nil, err
	}
	return entry, nil
}

// DisputeHourOffer records the volunteer's dispute of their pending offer, which then
// never counts, and notifies the recorder: one conditional UPDATE, so of two answers at
// once exactly one wins.
func (s *Store) DisputeHourOffer(ctx context.Context, id, volunteerID int64, reason string) error {
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		res, err := tx.exec(ctx, `UPDATE hour_offers SET status = 'disputed', dispute_reason = ?, settled_at = ?
			WHERE id = ? AND volunteer_id = ? AND status = 'pending' AND expires_at > ?`, reason, now, id, volunteerID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.offerRefusal(ctx, tx, id, volunteerID)
		}
		o, err := s.findOffer(ctx, tx, `WHERE f.id = ?`, id)
		if err != nil {
			return err
		}
		return s.notifyRecorder(ctx, tx, o)
	})
}

func (s *Store) notifyRecorder(ctx context.Context, c conn, o *zhiyuan.HourOffer) error {
	if o.RecordedBy == 0 {
		return nil
	}
	n := zhiyuan.HourOfferAnswerNotice(o, o.ActivityTitle, o.VolunteerName)
	n.AccountID = o.RecordedBy
	return s.insertNotification(ctx, c, &n)
}

// ExpireHourOffers marks every offer still pending at its expiry (the end of the
// recording window) as expired. One conditional UPDATE: running it again, or on several
// servers at once, changes nothing more. It returns how many it expired.
func (s *Store) ExpireHourOffers(ctx context.Context) (int, error) {
	now := s.now()
	res, err := s.writer().exec(ctx, `UPDATE hour_offers SET status = 'expired', settled_at = ? WHERE status = 'pending' AND expires_at <= ?`, now, now)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const offerView = `SELECT f.id, f.volunteer_id, f.session_id, f.org_id, f.kind, f.minutes, f.reason, COALESCE(f.attendance_id, 0),
	f.region_code, COALESCE(f.recorded_by, 0), f.recorded_at, f.expires_at, f.status, f.dispute_reason, COALESCE(f.entry_id, 0),
	f.settled_at, a.id, a.title, o.name, se.starts_at, se.ends_at, v.name, v.volunteer_no
	FROM hour_offers f JOIN activity_sessions se ON se.id = f.session_id JOIN activities a ON a.id = se.activity_id
	JOIN organizations o ON o.id = f.org_id JOIN volunteers v ON v.id = f.volunteer_id `

func scanOffer(r rowScanner) (*zhiyuan.HourOffer, error) {
	var o zhiyuan.HourOffer
	var kind, status string
	var settled sql.NullTime
	if err := r.Scan(&o.ID, &o.VolunteerID, &o.SessionID, &o.OrgID, &kind, &o.Minutes, &o.Reason, &o.AttendanceID,
		&o.RegionCode, &o.RecordedBy, &o.RecordedAt, &o.ExpiresAt, &status, &o.DisputeReason, &o.EntryID,
		&settled, &o.ActivityID, &o.ActivityTitle, &o.OrgName, &o.SessionStartsAt, &o.SessionEndsAt, &o.VolunteerName, &o.VolunteerNo); err != nil {
		return nil, err
	}
	o.Kind, o.Status = zhiyuan.HourKind(kind), zhiyuan.OfferStatus(status)
	o.RecordedAt, o.ExpiresAt, o.SettledAt = o.RecordedAt.UTC(), o.ExpiresAt.UTC(), utcOrZero(settled)
	o.SessionStartsAt, o.SessionEndsAt = o.SessionStartsAt.UTC(), o.SessionEndsAt.UTC()
	return &o, nil
}

func (s *Store) findOffer(ctx context.Context, c conn, where string, args ...any) (*zhiyuan.HourOffer, error) {
	o, err := scanOffer(c.queryRow(ctx, offerView+where, args...))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.hour_entry")
	}
	return o, err
}

// FindHourOffer returns one offer, or ENotFound.
func (s *Store) FindHourOffer(ctx context.Context, id int64) (*zhiyuan.HourOffer, error) {
	return s.findOffer(ctx, s.reader(), `WHERE f.id = ?`, id)
}

// VolunteerHourOffers lists a volunteer's offers newest first: only those still waiting
// for an answer (pending and not past their expiry) when pendingOnly, else the latest 100.
func (s *Store) VolunteerHourOffers(ctx context.Context, volunteerID int64, pendingOnly bool) ([]zhiyuan.HourOffer, error) {
	if pendingOnly {
		return queryAll(ctx, s.reader(), scanOfferValue, offerView+`WHERE f.volunteer_id = ? AND f.status = 'pending' AND f.expires_at > ?
			ORDER BY f.id DESC LIMIT 100`, volunteerID, s.now())
	}
	return queryAll(ctx, s.reader(), scanOfferValue, offerView+`WHERE f.volunteer_id = ? ORDER BY f.id DESC LIMIT 100`, volunteerID)
}

// SessionHourOffers lists a session's offers in recording order, for its organiser.
func (s *Store) SessionHourOffers(ctx context.Context, sessionID int64) ([]zhiyuan.HourOffer, error) {
	return queryAll(ctx, s.reader(), scanOfferValue, offerView+`WHERE f.session_id = ? ORDER BY f.id`, sessionID)
}

func scanOfferValue(r rowScanner) (zhiyuan.HourOffer, error) {
	o, err := scanOffer(r)
	if err != nil {
		return zhiyuan.HourOffer{}, err
	}
	return *o, nil
}

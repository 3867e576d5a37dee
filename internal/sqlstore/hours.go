package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"zhiyuan"
)

// The service-hour ledger. hour_entries and hour_confirmations only ever get INSERTs (the
// database refuses anything else); volunteer_hour_totals and hour_pending are derived
// rows moved in the same transaction as each insert, so a reader gets totals from one
// row and the overdue lists from a small index.
//
// Appends to one volunteer's chain are serialised by the UPDATE of their totals row that
// takes the next sequence number (a row lock on PostgreSQL, the single writer on SQLite);
// checks that must see the chain's current state (a make-up never exceeding the
// session's length) run after that lock, inside the same transaction.

// EntryPlace is what the ledger keeps about an entry's session beside the entry, for the
// overdue lists and the session-length rule.
type EntryPlace struct {
	RegionCode    string    // the activity's region, for a regional admin's overdue list
	SessionEndsAt time.Time // zero when the entry has no session
	// MaxSessionMinutes, when positive, bounds the volunteer's net minutes for the
	// session after this entry (make-ups and corrections); the entry is refused with a
	// 422 naming field when it would go above it or below zero.
	MaxSessionMinutes int64
	Field             string // the input field to name in that refusal ("hours")
}

// AppendHourEntry appends e to its volunteer's chain as a pending entry (or, when
// confirm is not nil, an entry confirmed at once, as a correction of a confirmed entry
// is) and updates the totals, in one transaction. It fills e's ID, Seq, PrevHash, Hash
// and RecordedAt.
func (s *Store) AppendHourEntry(ctx context.Context, e *zhiyuan.HourEntry, place EntryPlace, confirm *zhiyuan.HourConfirmation) error {
	return s.inTx(ctx, func(tx conn) error {
		return s.appendHourEntry(ctx, tx, e, place, confirm)
	})
}

func (s *Store) appendHourEntry(ctx context.Context, tx conn, e *zhiyuan.HourEntry, place EntryPlace, confirm *zhiyuan.HourConfirmation) error {
	now := s.now()
	if e.RecordedAt.IsZero() {
		e.RecordedAt = now
	}
	if _, err := tx.exec(ctx, `INSERT INTO volunteer_hour_totals (volunteer_id, head_hash, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (volunteer_id) DO NOTHING`, e.VolunteerID, zhiyuan.GenesisHash, now); err != nil {
		return err
	}
	pending, confirmed := e.Minutes, int64(0)
	if confirm != nil {
		pending, confirmed = 0, e.Minutes
	}
	var seq int64
	var head []byte
	err := tx.queryRow(ctx, `UPDATE volunteer_hour_totals
		SET last_seq = last_seq + 1, pending_minutes = pending_minutes + ?, confirmed_minutes = confirmed_minutes + ?, updated_at = ?
		WHERE volunteer_id = ? RETURNING last_seq, head_hash`, pending, confirmed, now, e.VolunteerID).Scan(&seq, &head)
	if err != nil {
		return err
	}
	if place.MaxSessionMinutes > 0 && e.SessionID != 0 {
		var sum int64
		if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM hour_entries WHERE session_id = ? AND volunteer_id = ?`,
			e.SessionID, e.VolunteerID).Scan(&sum); err != nil {
			return err
		}
		field := place.Field
		if field == "" {
			field = "hours"
		}
		switch after := sum + e.Minutes; {
		case after > place.MaxSessionMinutes:
			return zhiyuan.FieldFail(zhiyuan.EInvalid, field, "hours.over_session", "recorded", zhiyuan.FormatHours(sum), "adding", zhiyuan.FormatHours(e.Minutes), "session_hours", zhiyuan.FormatHours(place.MaxSessionMinutes))
		case after < 0:
			return zhiyuan.FieldFail(zhiyuan.EInvalid, field, "hours.correction_negative", "recorded", zhiyuan.FormatHours(sum))
		}
	}
	e.Link(seq-1, head)
	id, err := tx.insert(ctx, `INSERT INTO hour_entries (volunteer_id, seq, kind, minutes, session_id, org_id, corrects_entry_id,
		reason, recorded_by, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.VolunteerID, e.Seq, string(e.Kind), e.Minutes, hlNullID(e.SessionID), e.OrgID, hlNullID(e.CorrectsID),
		e.Reason, hlNullID(e.RecordedBy), e.RecordedAt, e.PrevHash, e.Hash)
	if err != nil {
		return s.translate(err, map[string][2]string{"seq": {"volunteer_id", "hours.concurrent_write"}})
	}
	e.ID = id
	if _, err := tx.exec(ctx, `UPDATE volunteer_hour_totals SET head_hash = ? WHERE volunteer_id = ?`, e.Hash, e.VolunteerID); err != nil {
		return err
	}
	if confirm != nil {
		confirm.EntryID, confirm.EntryHash = e.ID, e.Hash
		if confirm.ConfirmedAt.IsZero() {
			confirm.ConfirmedAt = now
		}
		confirm.Seal()
		if _, err := tx.exec(ctx, `INSERT INTO hour_confirmations (entry_id, volunteer_id, session_id, confirmed_by, confirmed_at,
			rating, comment, entry_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.VolunteerID, hlNullID(e.SessionID), confirm.ConfirmedBy, confirm.ConfirmedAt, confirm.Rating, confirm.Comment,
			confirm.EntryHash, confirm.Hash); err != nil {
			return err
		}
		e.Confirmation = confirm
		return nil
	}
	_, err = tx.exec(ctx, `INSERT INTO hour_pending (entry_id, volunteer_id, org_id, session_id, region_code, session_ends_at, minutes)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ID, e.VolunteerID, e.OrgID, hlNullID(e.SessionID), place.RegionCode,
		hlNullTime(place.SessionEndsAt), e.Minutes)
	return err
}

// ConfirmInput is one confirmation request: the entries to confirm, by whom, with the
// evaluation given to each.
type ConfirmInput struct {
	EntryIDs    []int64
	ConfirmedBy int64
	Rating      int
	Comment     string
}

// ConfirmHourEntries confirms the given pending entries, and with each the pending
// corrections pointing at it, in one transaction: a confirmation row each (sealed to the
// entry's hash), the entry off the pending list, its minutes moved from pending to
// confirmed in the volunteer's totals. Entries already confirmed are skipped; it returns
// the entries it confirmed.
func (s *Store) ConfirmHourEntries(ctx context.Context, in ConfirmInput) ([]int64, error) {
	ids := slices.Clone(in.EntryIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var done []int64
	// The figures' summary rows (0018_figures.sql) are locked in the order the entries
	// come, so two batches over the same categories in opposite orders can deadlock on
	// PostgreSQL: the batch runs again then, from the start.
	err := s.retry(ctx, func() error {
		done = nil
		return s.inTx(ctx, func(tx conn) error {
			// Pending corrections of the entries confirmed go with them. The loop reads len(ids)
			// afresh, so corrections of corrections found on the way are followed too.
			for start := 0; start < len(ids); start += 500 {
				chunk := ids[start:min(start+500, len(ids))]
				more, err := queryAll(ctx, tx, scanInt64, `SELECT p.entry_id FROM hour_pending p JOIN hour_entries e ON e.id = p.entry_id
				WHERE e.corrects_entry_id IN (`+placeholders(len(chunk))+`)`, int64Args(chunk)...)
				if err != nil {
					return err
				}
				ids = append(ids, more...)
			}
			pend, err := s.pendingEntries(ctx, tx, ids)
			if err != nil {
				return err
			}
			// Lock totals rows in volunteer order, so two confirmations of overlapping sets
			// cannot deadlock on PostgreSQL.
			slices.SortFunc(pend, func(a, b zhiyuan.HourEntry) int {
				if a.VolunteerID != b.VolunteerID {
					return int(a.VolunteerID - b.VolunteerID)
				}
				return int(a.ID - b.ID)
			})
			now := s.now()
			for i := range pend {
				e := &pend[i]
				c := zhiyuan.HourConfirmation{EntryID: e.ID, EntryHash: e.Hash, ConfirmedBy: in.ConfirmedBy, ConfirmedAt: now,
					Rating: in.Rating, Comment: in.Comment}
				if e.Kind == zhiyuan.HourCorrection {
					c.Rating, c.Comment = 0, "" // the evaluation belongs to the service, not to a correction
				}
				c.Seal()
				var cid int64
				err := tx.queryRow(ctx, `INSERT INTO hour_confirmations (entry_id, volunteer_id, session_id, confirmed_by, confirmed_at,
				rating, comment, entry_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (entry_id) DO NOTHING RETURNING id`,
					e.ID, e.VolunteerID, hlNullID(e.SessionID), c.ConfirmedBy, c.ConfirmedAt, c.Rating, c.Comment, c.EntryHash, c.Hash).Scan(&cid)
				if err == sql.ErrNoRows {
					continue // confirmed meanwhile by someone else
				}
				if err != nil {
					return err
				}
				if _, err := tx.exec(ctx, `DELETE FROM hour_pending WHERE entry_id = ?`, e.ID); err != nil {
					return err
				}
				if _, err := tx.exec(ctx, `UPDATE volunteer_hour_totals SET pending_minutes = pending_minutes - ?,
				confirmed_minutes = confirmed_minutes + ?, updated_at = ? WHERE volunteer_id = ?`,
					e.Minutes, e.Minutes, now, e.VolunteerID); err != nil {
					return err
				}
				done = append(done, e.ID)
			}
			return nil
		})
	})
	return done, err
}

// pendingEntries reads the entries among ids that are still pending.
func (s *Store) pendingEntries(ctx context.Context, c conn, ids []int64) ([]zhiyuan.HourEntry, error) {
	var out []zhiyuan.HourEntry
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := c.query(ctx, `SELECT `+entryCols+` FROM hour_entries e JOIN hour_pending p ON p.entry_id = e.id
			WHERE e.id IN (`+placeholders(len(chunk))+`)`, int64Args(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, *e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PendingEntryIDs lists the pending entries of the given sessions, for confirming whole
// sessions at once.
func (s *Store) PendingEntryIDs(ctx context.Context, sessionIDs []int64) ([]int64, error) {
	var out []int64
	for chunk := range slices.Chunk(sessionIDs, 500) {
		ids, err := queryAll(ctx, s.reader(), scanInt64, `SELECT entry_id FROM hour_pending WHERE session_id IN (`+placeholders(len(chunk))+`)
			ORDER BY entry_id`, int64Args(chunk)...)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return out, nil
}

const entryCols = `e.id, e.volunteer_id, e.seq, e.kind, e.minutes, COALESCE(e.session_id, 0), e.org_id,
	COALESCE(e.corrects_entry_id, 0), e.reason, COALESCE(e.recorded_by, 0), e.recorded_at, e.prev_hash, e.hash`

func scanEntry(r rowScanner, extra ...any) (*zhiyuan.HourEntry, error) {
	var e zhiyuan.HourEntry
	var kind string
	dest := append([]any{&e.ID, &e.VolunteerID, &e.Seq, &kind, &e.Minutes, &e.SessionID, &e.OrgID, &e.CorrectsID,
		&e.Reason, &e.RecordedBy, &e.RecordedAt, &e.PrevHash, &e.Hash}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	e.Kind = zhiyuan.HourKind(kind)
	e.RecordedAt = e.RecordedAt.UTC()
	return &e, nil
}

// entryView is the SELECT of entries with what pages show beside them: the confirmation,
// the session, the activity and organisation, the volunteer, an open dispute.
const entryView = `SELECT ` + entryCols + `,
	c.confirmed_by, c.confirmed_at, c.rating, c.comment, c.entry_hash, c.hash,
	COALESCE(a.id, 0), COALESCE(a.title, ''), COALESCE(o.name, ''), se.starts_at, se.ends_at, v.name, v.volunteer_no,
	EXISTS (SELECT 1 FROM hour_disputes d WHERE d.entry_id = e.id AND d.status = 'open')
	FROM hour_entries e
	LEFT JOIN hour_confirmations c ON c.entry_id = e.id
	LEFT JOIN activity_sessions se ON se.id = e.session_id
	LEFT JOIN activities a ON a.id = se.activity_id
	LEFT JOIN organizations o ON o.id = e.org_id
	JOIN volunteers v ON v.id = e.volunteer_id `

func scanEntryView(r rowScanner) (*zhiyuan.HourEntry, error) {
	var by sql.NullInt64
	var at, starts, ends sql.NullTime
	var rating sql.NullInt64
	var comment sql.NullString
	var ehash, chash []byte
	var disputed bool
	var actID int64
	var title, org, vname, vno string
	e, err := scanEntry(r, &by, &at, &rating, &comment, &ehash, &chash, &actID, &title, &org, &starts, &ends, &vname, &vno, &disputed)
	if err != nil {
		return nil, err
	}
	if by.Valid {
		e.Confirmation = &zhiyuan.HourConfirmation{EntryID: e.ID, ConfirmedBy: by.Int64, ConfirmedAt: at.Time.UTC(),
			Rating: int(rating.Int64), Comment: comment.String, EntryHash: ehash, Hash: chash}
	}
	e.ActivityID, e.ActivityTitle, e.OrgName, e.VolunteerName, e.VolunteerNo, e.Disputed = actID, title, org, vname, vno, disputed
	if starts.Valid {
		e.SessionStartsAt, e.SessionEndsAt = starts.Time.UTC(), ends.Time.UTC()
	}
	return e, nil
}

func (s *Store) entriesWhere(ctx context.Context, where string, args ...any) ([]zhiyuan.HourEntry, error) {
	rows, err := s.reader().query(ctx, entryView+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.HourEntry
	for rows.Next() {
		e, err := scanEntryView(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// FindHourEntryByID returns one entry with its confirmation and context, or ENotFound.
func (s *Store) FindHourEntryByID(ctx context.Context, id int64) (*zhiyuan.HourEntry, error) {
	out, err := s.entriesWhere(ctx, `WHERE e.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound("notfound.hour_entry")
	}
	return &out[0], nil
}

// VolunteerHourEntries lists a volunteer's entries newest first, before the cursor (an
// entry id; 0 for the first page).
func (s *Store) VolunteerHourEntries(ctx context.Context, volunteerID, before int64, limit int) ([]zhiyuan.HourEntry, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	if before <= 0 {
		return s.entriesWhere(ctx, `WHERE e.volunteer_id = ? ORDER BY e.seq DESC LIMIT ?`, volunteerID, limit)
	}
	return s.entriesWhere(ctx, `WHERE e.volunteer_id = ? AND e.seq < (SELECT seq FROM hour_entries WHERE id = ?)
		ORDER BY e.seq DESC LIMIT ?`, volunteerID, before, limit)
}

// SessionHourEntries lists a session's entries in recording order.
func (s *Store) SessionHourEntries(ctx context.Context, sessionID int64) ([]zhiyuan.HourEntry, error) {
	return s.entriesWhere(ctx, `WHERE e.session_id = ? ORDER BY e.id`, sessionID)
}

// HourTotals returns a volunteer's totals; a volunteer with no entries has zeros.
func (s *Store) HourTotals(ctx context.Context, volunteerID int64) (*zhiyuan.HourTotals, error) {
	t := &zhiyuan.HourTotals{VolunteerID: volunteerID}
	err := s.reader().queryRow(ctx, `SELECT confirmed_minutes, pending_minutes, last_seq, head_hash, updated_at
		FROM volunteer_hour_totals WHERE volunteer_id = ?`, volunteerID).Scan(&t.ConfirmedMinutes, &t.PendingMinutes,
		&t.LastSeq, &t.HeadHash, &t.UpdatedAt)
	if err == sql.ErrNoRows {
		t.HeadHash = zhiyuan.GenesisHash
		return t, nil
	}
	t.UpdatedAt = t.UpdatedAt.UTC()
	return t, err
}

// OverdueFilter selects pending entries whose session ended before EndedBefore, within
// an organisation's subtree or a region.
type OverdueFilter struct {
	OrgID        int64     // with its sub-organisations; 0 for none
	RegionPrefix string    // "*" for everywhere; "" for none
	EndedBefore  time.Time // zero: every pending entry, late or not
	After        int64     // cursor: entry id
	Limit        int
}

// OverdueEntries lists pending entries whose recording deadline has passed, oldest
// session first.
func (s *Store) OverdueEntries(ctx context.Context, f OverdueFilter) ([]zhiyuan.HourEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	from, args, ok, err := s.pendingFrom(ctx, f)
	if err != nil || !ok {
		return nil, err
	}
	args = append(args, f.After, f.Limit)
	return s.entriesWhere(ctx, `WHERE e.id IN (SELECT p.entry_id `+from+` AND p.entry_id > ?) ORDER BY e.id LIMIT ?`, args...)
}

// CountPendingEntries counts the entries OverdueEntries lists for f (After and Limit
// aside), up to CountCap. With a zero EndedBefore it counts every pending entry in the
// scope: the hours waiting for confirmation, whether late or not.
func (s *Store) CountPendingEntries(ctx context.Context, f OverdueFilter) (int, error) {
	from, args, ok, err := s.pendingFrom(ctx, f)
	if err != nil || !ok {
		return 0, err
	}
	return s.countCapped(ctx, from, args...)
}

// PendingEntrySessions groups the entries CountPendingEntries counts by session, the
// sessions that ended first first, at most limit of them: where to go to confirm them
// (each session's attendance page). Entries without a session are left out.
func (s *Store) PendingEntrySessions(ctx context.Context, f OverdueFilter, limit int) ([]zhiyuan.SessionCount, error) {
	from, args, ok, err := s.pendingFrom(ctx, f)
	if err != nil || !ok {
		return nil, err
	}
	args = append(args, limit)
	return s.sessionCounts(ctx, `SELECT se.id, a.title, se.starts_at, se.ends_at, COUNT(*) `+from+
		` AND p.session_id IS NOT NULL GROUP BY se.id, a.title, se.starts_at, se.ends_at ORDER BY se.ends_at, se.id LIMIT ?`, args...)
}

// pendingFrom is the FROM and WHERE of pending entries selected by f (p is hour_pending,
// se and a the session and activity when there is one); ok is false when f selects
// nothing.
func (s *Store) pendingFrom(ctx context.Context, f OverdueFilter) (string, []any, bool, error) {
	q := `FROM hour_pending p LEFT JOIN activity_sessions se ON se.id = p.session_id LEFT JOIN activities a ON a.id = se.activity_id `
	var args []any
	switch {
	case f.OrgID != 0:
		var path string
		if err := s.reader().queryRow(ctx, `SELECT path FROM organizations WHERE id = ?`, f.OrgID).Scan(&path); err != nil {
			return "", nil, false, s.translate(err, nil)
		}
		lo, hi := prefixRange(path)
		q += `JOIN organizations po ON po.id = p.org_id WHERE po.path >= ? AND po.path < ?`
		args = append(args, lo, hi)
	case f.RegionPrefix == "*":
		q += `WHERE 1 = 1`
	case f.RegionPrefix != "":
		lo, hi := prefixRange(f.RegionPrefix)
		q += `WHERE p.region_code >= ? AND p.region_code < ?`
		args = append(args, lo, hi)
	default:
		return "", nil, false, nil
	}
	if !f.EndedBefore.IsZero() {
		q += ` AND p.session_ends_at < ?`
		args = append(args, f.EndedBefore.UTC())
	}
	return q, args, true, nil
}

// CreateDispute records a volunteer's dispute of an entry; a second open dispute of the
// same entry is a conflict.
func (s *Store) CreateDispute(ctx context.Context, d *zhiyuan.HourDispute) error {
	d.CreatedAt, d.Status = s.now(), zhiyuan.DisputeOpen
	id, err := s.writer().insert(ctx, `INSERT INTO hour_disputes (entry_id, volunteer_id, org_id, reason, status, created_at)
		VALUES (?, ?, ?, ?, 'open', ?)`, d.EntryID, d.VolunteerID, d.OrgID, d.Reason, d.CreatedAt)
	if err != nil {
		return s.translate(err, map[string][2]string{"hour_disputes": {"entry_id", "dispute.open_exists"}})
	}
	d.ID = id
	return nil
}

const disputeCols = `d.id, d.entry_id, d.volunteer_id, d.org_id, d.reason, d.status, d.resolution,
	COALESCE(d.correction_entry_id, 0), COALESCE(d.resolved_by, 0), d.resolved_at, d.created_at,
	e.minutes, v.name, COALESCE(a.title, '')`

const disputeFrom = ` FROM hour_disputes d JOIN hour_entries e ON e.id = d.entry_id JOIN volunteers v ON v.id = d.volunteer_id
	LEFT JOIN activity_sessions se ON se.id = e.session_id LEFT JOIN activities a ON a.id = se.activity_id `

func scanDispute(r rowScanner) (*zhiyuan.HourDispute, error) {
	var d zhiyuan.HourDispute
	var status string
	var resolved sql.NullTime
	if err := r.Scan(&d.ID, &d.EntryID, &d.VolunteerID, &d.OrgID, &d.Reason, &status, &d.Resolution, &d.CorrectionID,
		&d.ResolvedBy, &resolved, &d.CreatedAt, &d.EntryMinutes, &d.VolunteerName, &d.ActivityTitle); err != nil {
		return nil, err
	}
	d.Status = zhiyuan.DisputeStatus(status)
	d.CreatedAt = d.CreatedAt.UTC()
	if resolved.Valid {
		d.ResolvedAt = resolved.Time.UTC()
	}
	return &d, nil
}

// FindDisputeByID returns a dispute, or ENotFound.
func (s *Store) FindDisputeByID(ctx context.Context, id int64) (*zhiyuan.HourDispute, error) {
	d, err := scanDispute(s.reader().queryRow(ctx, `SELECT `+disputeCols+disputeFrom+`WHERE d.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.dispute")
	}
	return d, err
}

// FindDisputes lists disputes of one organisation (orgID) or one volunteer (volunteerID),
// optionally by status, newest first.
func (s *Store) FindDisputes(ctx context.Context, orgID, volunteerID int64, status zhiyuan.DisputeStatus, limit int) ([]zhiyuan.HourDispute, error) {
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	q := `SELECT ` + disputeCols + disputeFrom + `WHERE 1 = 1`
	var args []any
	if orgID != 0 {
		q += ` AND d.org_id = ?`
		args = append(args, orgID)
	}
	if volunteerID != 0 {
		q += ` AND d.volunteer_id = ?`
		args = append(args, volunteerID)
	}
	if status != "" {
		q += ` AND d.status = ?`
		args = append(args, string(status))
	}
	q += ` ORDER BY d.id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.HourDispute
	for rows.Next() {
		d, err := scanDispute(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// ResolveDispute closes an open dispute as resolved or rejected with a resolution text;
// when correction is not nil it is appended in the same transaction (and confirmed at
// once when confirm is not nil) and linked to the dispute. A dispute that is no longer
// open is a conflict.
func (s *Store) ResolveDispute(ctx context.Context, id, by int64, status zhiyuan.DisputeStatus, resolution string,
	correction *zhiyuan.HourEntry, place EntryPlace, confirm *zhiyuan.HourConfirmation) error {
	return s.inTx(ctx, func(tx conn) error {
		var corrID any
		if correction != nil {
			if err := s.appendHourEntry(ctx, tx, correction, place, confirm); err != nil {
				return err
			}
			corrID = correction.ID
		}
		res, err := tx.exec(ctx, `UPDATE hour_disputes SET status = ?, resolution = ?, correction_entry_id = ?, resolved_by = ?,
			resolved_at = ? WHERE id = ? AND status = 'open'`, string(status), resolution, corrID, by, s.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "dispute.decided")
		}
		return nil
	})
}

func hlNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func hlNullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// chainSums accumulates what one volunteer's entries add up to.
type chainSums struct {
	volunteer           int64
	confirmed, pending  int64
	lastSeq             int64
	head                []byte
	brokeAt             *zhiyuan.LedgerBreak
	confirmationProblem string
}

// VerifyLedger walks every entry of every volunteer in chain order, checks each chain's
// links and hashes, each confirmation's seal, and that the totals rows and the pending
// list equal what the ledger adds up to. It reads in one pass, streaming, on the read
// pool; maxProblems bounds the breaks and mismatches it keeps.
func (s *Store) VerifyLedger(ctx context.Context, maxProblems int) (*zhiyuan.LedgerReport, error) {
	if maxProblems <= 0 {
		maxProblems = 100
	}
	r := &zhiyuan.LedgerReport{}
	var err error
	if r.AppendOnly, err = s.ledgerTriggersPresent(ctx); err != nil {
		return nil, err
	}
	totals, err := s.allTotals(ctx)
	if err != nil {
		return nil, err
	}
	mismatch := func(format string, args ...any) {
		if len(r.Mismatches) < maxProblems {
			r.Mismatches = append(r.Mismatches, fmt.Sprintf(format, args...))
		}
	}
	rows, err := s.reader().query(ctx, `SELECT `+entryCols+`, c.confirmed_by, c.confirmed_at, c.rating, c.comment,
		c.entry_hash, c.hash, p.entry_id IS NOT NULL
		FROM hour_entries e LEFT JOIN hour_confirmations c ON c.entry_id = e.id LEFT JOIN hour_pending p ON p.entry_id = e.id
		ORDER BY e.volunteer_id, e.seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var v zhiyuan.LedgerVerifier
	var cur *chainSums
	finish := func(c *chainSums) {
		if c == nil {
			return
		}
		t, ok := totals[c.volunteer]
		delete(totals, c.volunteer)
		switch {
		case !ok:
			mismatch("volunteer %d: has entries but no totals row", c.volunteer)
		case t.ConfirmedMinutes != c.confirmed || t.PendingMinutes != c.pending:
			mismatch("volunteer %d: totals say %d confirmed + %d pending minutes, the ledger adds up to %d + %d",
				c.volunteer, t.ConfirmedMinutes, t.PendingMinutes, c.confirmed, c.pending)
		case t.LastSeq != c.lastSeq || string(t.HeadHash) != string(c.head):
			mismatch("volunteer %d: totals name chain head seq %d %x, the chain ends at seq %d %x",
				c.volunteer, t.LastSeq, t.HeadHash, c.lastSeq, c.head)
		}
		if c.confirmationProblem != "" {
			mismatch("volunteer %d: %s", c.volunteer, c.confirmationProblem)
		}
	}
	for rows.Next() {
		var by sql.NullInt64
		var at sql.NullTime
		var rating sql.NullInt64
		var comment sql.NullString
		var ehash, chash []byte
		var pendingRow bool
		e, err := scanEntry(rows, &by, &at, &rating, &comment, &ehash, &chash, &pendingRow)
		if err != nil {
			return nil, err
		}
		if cur == nil || cur.volunteer != e.VolunteerID {
			finish(cur)
			cur = &chainSums{volunteer: e.VolunteerID}
		}
		if b := v.Next(e); b != nil && cur.brokeAt == nil {
			cur.brokeAt = b
			if len(r.Breaks) < maxProblems {
				r.Breaks = append(r.Breaks, *b)
			}
		}
		cur.lastSeq, cur.head = e.Seq, e.Hash
		if by.Valid {
			r.Confirmations++
			cur.confirmed += e.Minutes
			c := zhiyuan.HourConfirmation{EntryID: e.ID, EntryHash: ehash, ConfirmedBy: by.Int64, ConfirmedAt: at.Time,
				Rating: int(rating.Int64), Comment: comment.String, Hash: chash}
			if p := c.Check(e.Hash); p != "" && cur.confirmationProblem == "" {
				cur.confirmationProblem = fmt.Sprintf("entry %d (seq %d): %s", e.ID, e.Seq, p)
			}
			if pendingRow {
				mismatch("volunteer %d: entry %d is confirmed but still on the pending list", e.VolunteerID, e.ID)
			}
		} else {
			cur.pending += e.Minutes
			if !pendingRow {
				mismatch("volunteer %d: entry %d is unconfirmed but missing from the pending list", e.VolunteerID, e.ID)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	finish(cur)
	for id, t := range totals {
		if t.ConfirmedMinutes != 0 || t.PendingMinutes != 0 || t.LastSeq != 0 {
			mismatch("volunteer %d: totals row says %d confirmed + %d pending minutes at seq %d, but there are no entries",
				id, t.ConfirmedMinutes, t.PendingMinutes, t.LastSeq)
		}
	}
	r.Entries, r.Chains = v.Entries, v.Chains
	var orphans int64
	if err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM hour_confirmations c
		WHERE NOT EXISTS (SELECT 1 FROM hour_entries e WHERE e.id = c.entry_id)`).Scan(&orphans); err != nil {
		return nil, err
	}
	if orphans > 0 {
		mismatch("%d confirmations name entries that do not exist", orphans)
	}
	if err := s.verifyProofHeads(ctx, r, mismatch); err != nil {
		return nil, err
	}
	return r, nil
}

// allTotals reads every totals row; at a province's scale (16 million volunteers) this is
// a few hundred megabytes, which a verification run may spend.
func (s *Store) allTotals(ctx context.Context) (map[int64]zhiyuan.HourTotals, error) {
	rows, err := s.reader().query(ctx, `SELECT volunteer_id, confirmed_minutes, pending_minutes, last_seq, head_hash
		FROM volunteer_hour_totals`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]zhiyuan.HourTotals{}
	for rows.Next() {
		var t zhiyuan.HourTotals
		if err := rows.Scan(&t.VolunteerID, &t.ConfirmedMinutes, &t.PendingMinutes, &t.LastSeq, &t.HeadHash); err != nil {
			return nil, err
		}
		out[t.VolunteerID] = t
	}
	return out, rows.Err()
}

// ledgerTriggersPresent reports whether the four append-only triggers are still in place.
func (s *Store) ledgerTriggersPresent(ctx context.Context) (bool, error) {
	var n int
	err := s.reader().queryRow(ctx, s.dialect.ledgerGuardCount()).Scan(&n)
	return n == 4, err
}

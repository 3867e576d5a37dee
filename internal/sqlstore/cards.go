package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"zhiyuan"
)

// Volunteer cards: applications, production batches, cards and the events the volunteer
// sees. One open application and one live card per volunteer are partial unique indexes;
// every status change is a conditional UPDATE, so two admins acting at once cannot both
// succeed, and a batch either takes every application it names or none.

// cardChunk is how many rows one multi-row statement carries: well under both engines'
// parameter limits.
const cardChunk = 400

var cardAppUniques = map[string][2]string{
	"card_applications_open_uq":      {"application", "card.application_open"},
	"card_applications.volunteer_id": {"application", "card.application_open"},
	"cards_live_uq":                  {"card", "card.volunteer_has_card"},
	"cards.volunteer_id":             {"card", "card.volunteer_has_card"},
	"cards_number_uq":                {"number", "card.number_taken"},
	"cards.number":                   {"number", "card.number_taken"},
}

// scopeCond returns an SQL condition limiting col (a region code column) to the given
// scopes (region codes of a regional admin's roles); nil scopes mean everywhere (the
// platform), an empty list nowhere.
func scopeCond(col string, scopes []string) (string, []any) {
	if scopes == nil {
		return "1 = 1", nil
	}
	var parts []string
	var args []any
	for _, sc := range scopes {
		prefix := zhiyuan.ScopePrefix(sc)
		if prefix == "" {
			continue
		}
		lo, hi := prefixRange(prefix)
		parts = append(parts, "("+col+" >= ? AND "+col+" < ?)")
		args = append(args, lo, hi)
	}
	if len(parts) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

func cardEventInsert(tx conn, ctx context.Context, events []zhiyuan.CardEvent) error {
	for len(events) > 0 {
		n := min(len(events), cardChunk)
		args := make([]any, 0, n*7)
		for _, e := range events[:n] {
			args = append(args, e.VolunteerID, hlNullID(e.ApplicationID), e.CardNumber, e.Event, e.Detail, hlNullID(e.ActorID), e.At)
		}
		if _, err := tx.exec(ctx, `INSERT INTO card_events (volunteer_id, application_id, card_number, event, detail, actor_id, created_at)
			VALUES `+repeatTuple("(?, ?, ?, ?, ?, ?, ?)", n), args...); err != nil {
			return err
		}
		events = events[n:]
	}
	return nil
}

// CreateCardApplication stores the photo and the application, and its first event, in one
// transaction. The insert is conditional on the volunteer holding no live card, and the
// partial unique index refuses a second open application: both are conflicts.
func (s *Store) CreateCardApplication(ctx context.Context, a *zhiyuan.CardApplication, photo []byte) error {
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		photoID, err := tx.insert(ctx, `INSERT INTO card_photos (data, created_at) VALUES (?, ?)`, photo, now)
		if err != nil {
			return err
		}
		if a.Kind == "" {
			a.Kind = zhiyuan.KindNew
		}
		a.ID, err = tx.insert(ctx, `INSERT INTO card_applications (volunteer_id, kind, region_code, photo_id, delivery, delivery_org_id,
				delivery_address, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?)`, a.VolunteerID, string(a.Kind), a.RegionCode, photoID,
			string(a.Delivery), hlNullID(a.DeliveryOrgID), a.DeliveryAddress, now, now)
		if err != nil {
			return s.translate(err, cardAppUniques)
		}
		// The live-card check comes after the insert on purpose: a card becomes active in
		// the same transaction that closes its application, and the insert above waits on
		// the open-application index for any such transaction to finish, so this read
		// sees its card. Checked first, both could pass.
		var live bool
		if err := tx.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cards WHERE volunteer_id = ? AND status IN ('pending', 'active'))`,
			a.VolunteerID).Scan(&live); err != nil {
			return err
		}
		if live {
			return zhiyuan.FieldFail(zhiyuan.EConflict, "card", "card.already_held")
		}
		a.PhotoID, a.Status, a.CreatedAt, a.UpdatedAt = photoID, zhiyuan.AppSubmitted, now, now
		return cardEventInsert(tx, ctx, []zhiyuan.CardEvent{{VolunteerID: a.VolunteerID, ApplicationID: a.ID, Event: "submitted",
			Detail: a.Delivery.Chinese(), ActorID: 0, At: now}})
	})
}

// CardApplyRefusal returns the conflict CreateCardApplication would end with for the
// volunteer, an open application or a live card, or nil. It is a read for refusing early
// (before an upload is read or decoded); the unique index and the check inside
// CreateCardApplication still settle a race.
func (s *Store) CardApplyRefusal(ctx context.Context, volunteerID int64) error {
	var open, live bool
	if err := s.reader().queryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM card_applications WHERE volunteer_id = ? AND status IN ('submitted', 'approved', 'batched', 'printed')),
		EXISTS (SELECT 1 FROM cards WHERE volunteer_id = ? AND status IN ('pending', 'active'))`, volunteerID, volunteerID).Scan(&open, &live); err != nil {
		return err
	}
	switch {
	case live:
		return zhiyuan.FieldFail(zhiyuan.EConflict, "card", "card.already_held")
	case open:
		return zhiyuan.FieldFail(zhiyuan.EConflict, "application", "card.application_open")
	}
	return nil
}

const cardAppCols = `ca.id, ca.volunteer_id, ca.kind, ca.region_code, ca.photo_id, ca.delivery, COALESCE(ca.delivery_org_id, 0),
	ca.delivery_address, ca.status, ca.reason, COALESCE(ca.batch_id, 0), COALESCE(ca.decided_by, 0), ca.decided_at,
	ca.created_at, ca.updated_at, v.name, v.volunteer_no, COALESCE(o.name, ''), COALESCE(c.number, '')`

const cardAppFrom = ` FROM card_applications ca
	JOIN volunteers v ON v.id = ca.volunteer_id
	LEFT JOIN organizations o ON o.id = ca.delivery_org_id
	LEFT JOIN cards c ON c.application_id = ca.id `

func scanCardApp(r rowScanner) (*zhiyuan.CardApplication, error) {
	var a zhiyuan.CardApplication
	var kind, delivery, status string
	var decided sql.NullTime
	if err := r.Scan(&a.ID, &a.VolunteerID, &kind, &a.RegionCode, &a.PhotoID, &delivery, &a.DeliveryOrgID, &a.DeliveryAddress,
		&status, &a.Reason, &a.BatchID, &a.DecidedBy, &decided, &a.CreatedAt, &a.UpdatedAt, &a.VolunteerName, &a.VolunteerNo,
		&a.DeliveryOrgName, &a.CardNumber); err != nil {
		return nil, err
	}
	a.Kind, a.Delivery, a.Status = zhiyuan.CardApplicationKind(kind), zhiyuan.CardDelivery(delivery), zhiyuan.CardApplicationStatus(status)
	if decided.Valid {
		a.DecidedAt = decided.Time.UTC()
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

func (s *Store) cardApps(ctx context.Context, where string, args ...any) ([]zhiyuan.CardApplication, error) {
	rows, err := s.reader().query(ctx, `SELECT `+cardAppCols+cardAppFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.CardApplication
	for rows.Next() {
		a, err := scanCardApp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// FindCardApplicationByID returns one application, or ENotFound.
func (s *Store) FindCardApplicationByID(ctx context.Context, id int64) (*zhiyuan.CardApplication, error) {
	out, err := s.cardApps(ctx, `WHERE ca.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound("notfound.card_application")
	}
	return &out[0], nil
}

// VolunteerCardApplications lists a volunteer's applications, newest first.
func (s *Store) VolunteerCardApplications(ctx context.Context, volunteerID int64) ([]zhiyuan.CardApplication, error) {
	return s.cardApps(ctx, `WHERE ca.volunteer_id = ? ORDER BY ca.id DESC LIMIT 50`, volunteerID)
}

// CardApplicationFilter selects the regional queue. Scopes come from the caller's roles,
// never from its input alone (nil: everywhere).
type CardApplicationFilter struct {
	Scopes      []string
	Region      string // narrows further to one region's subtree
	Status      zhiyuan.CardApplicationStatus
	VolunteerNo string
	BatchID     int64
	After       int64 // keyset cursor: ids greater than this
	Limit       int
}

// FindCardApplications lists applications in the queue, oldest first (first come, first
// processed).
func (s *Store) FindCardApplications(ctx context.Context, f CardApplicationFilter) ([]zhiyuan.CardApplication, error) {
	where, args := f.where()
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	args = append(args, f.After, f.Limit)
	return s.cardApps(ctx, "WHERE "+where+" AND ca.id > ? ORDER BY ca.id LIMIT ?", args...)
}

// CountCardApplications counts what FindCardApplications lists for f (After and Limit
// aside), up to CountCap: the home page's "card applications" is this count of the
// queue on /admin/cards.
func (s *Store) CountCardApplications(ctx context.Context, f CardApplicationFilter) (int, error) {
	where, args := f.where()
	return s.countCapped(ctx, cardAppFrom+"WHERE "+where, args...)
}

// where is the condition of the queue, on ca and v (cardAppFrom).
func (f CardApplicationFilter) where() (string, []any) {
	cond, args := scopeCond("ca.region_code", f.Scopes)
	where := []string{cond}
	if f.Region != "" {
		c, a := scopeCond("ca.region_code", []string{f.Region})
		where = append(where, c)
		args = append(args, a...)
	}
	if f.Status != "" {
		where = append(where, "ca.status = ?")
		args = append(args, string(f.Status))
	}
	if f.VolunteerNo != "" {
		where = append(where, "v.volunteer_no = ?")
		args = append(args, f.VolunteerNo)
	}
	if f.BatchID != 0 {
		where = append(where, "ca.batch_id = ?")
		args = append(args, f.BatchID)
	}
	return strings.Join(where, " AND "), args
}

// DecideCardApplications approves or rejects (with a reason) submitted applications
// inside scopes, all or nothing: when any of ids is not a submitted application inside
// the scopes, nothing changes and the answer is a conflict saying how many. The audit
// entry and an event per application are written in the same transaction.
func (s *Store) DecideCardApplications(ctx context.Context, ids []int64, approve bool, reason string, by int64, scopes []string, audit *zhiyuan.AuditEntry) (int, error) {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "application_ids", "card.decide_nothing_chosen")
	}
	status, event := zhiyuan.AppApproved, "approved"
	if !approve {
		status, event = zhiyuan.AppRejected, "rejected"
	}
	n := 0
	err := s.inTx(ctx, func(tx conn) error {
		now := s.now()
		cond, scopeArgs := scopeCond("region_code", scopes)
		var events []zhiyuan.CardEvent
		for chunk := range slices.Chunk(ids, cardChunk) {
			args := []any{string(status), reason, by, now, now}
			args = append(args, int64Args(chunk)...)
			args = append(args, scopeArgs...)
			rows, err := tx.query(ctx, `UPDATE card_applications SET status = ?, reason = ?, decided_by = ?, decided_at = ?, updated_at = ?
				WHERE id IN (`+placeholders(len(chunk))+`) AND status = 'submitted' AND `+cond+`
				RETURNING id, volunteer_id`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var e zhiyuan.CardEvent
				if err := rows.Scan(&e.ApplicationID, &e.VolunteerID); err != nil {
					rows.Close()
					return err
				}
				e.Event, e.Detail, e.ActorID, e.At = event, reason, by, now
				events = append(events, e)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if len(events) != len(ids) {
			if len(ids) == 1 {
				return zhiyuan.Fail(zhiyuan.EConflict, "card.application_decided")
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "card.applications_some_decided", "chosen", len(ids), "refused", len(ids)-len(events))
		}
		n = len(events)
		if err := cardEventInsert(tx, ctx, events); err != nil {
			return err
		}
		if audit != nil {
			audit.At = now
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
	return n, err
}

// CreateCardBatch gathers approved applications inside scopes into a new production
// batch for region (the admin's scope), numbering a card for each: sequences per issuing
// region (the application's county) and year, drawn with an upsert so concurrent batches
// never share a number (and cards.number is UNIQUE besides). All or nothing: an id that is
// not an approved application inside the scopes leaves everything unchanged.
func (s *Store) CreateCardBatch(ctx context.Context, ids []int64, region string, scopes []string, year int, by int64,
	makeNumber func(region string, year int, seq int64) (string, error), audit *zhiyuan.AuditEntry) (*zhiyuan.CardBatch, error) {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "application_ids", "card.batch_nothing_chosen")
	}
	var b zhiyuan.CardBatch
	err := s.inTx(ctx, func(tx conn) error {
		now := s.now()
		id, err := tx.insert(ctx, `INSERT INTO card_batches (region_code, status, card_count, created_by, created_at)
			VALUES (?, 'created', ?, ?, ?)`, region, len(ids), by, now)
		if err != nil {
			return err
		}
		b = zhiyuan.CardBatch{ID: id, RegionCode: region, Status: zhiyuan.BatchCreated, Count: len(ids), CreatedBy: by, CreatedAt: now}
		type taken struct {
			id, volunteer, photo int64
			region               string
		}
		var apps []taken
		cond, scopeArgs := scopeCond("region_code", scopes)
		for chunk := range slices.Chunk(ids, cardChunk) {
			args := []any{id, now}
			args = append(args, int64Args(chunk)...)
			args = append(args, scopeArgs...)
			rows, err := tx.query(ctx, `UPDATE card_applications SET status = 'batched', batch_id = ?, updated_at = ?
				WHERE id IN (`+placeholders(len(chunk))+`) AND status = 'approved' AND `+cond+`
				RETURNING id, volunteer_id, photo_id, region_code`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var t taken
				if err := rows.Scan(&t.id, &t.volunteer, &t.photo, &t.region); err != nil {
					rows.Close()
					return err
				}
				apps = append(apps, t)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if len(apps) != len(ids) {
			return zhiyuan.Fail(zhiyuan.EConflict, "card.batch_some_not_approved", "chosen", len(ids), "refused", len(ids)-len(apps))
		}
		// Number the cards: per region, in application order.
		sort.Slice(apps, func(i, j int) bool { return apps[i].id < apps[j].id })
		perRegion := map[string]int64{}
		for _, a := range apps {
			perRegion[a.region]++
		}
		next := map[string]int64{}
		regions := make([]string, 0, len(perRegion))
		for r := range perRegion {
			regions = append(regions, r)
		}
		sort.Strings(regions) // a fixed order of upserts keeps concurrent batches from deadlocking
		for _, r := range regions {
			var last int64
			if err := tx.queryRow(ctx, `INSERT INTO card_sequences (region_code, year, last_seq) VALUES (?, ?, ?)
				ON CONFLICT (region_code, year) DO UPDATE SET last_seq = card_sequences.last_seq + excluded.last_seq
				RETURNING last_seq`, r, year, perRegion[r]).Scan(&last); err != nil {
				return err
			}
			next[r] = last - perRegion[r] + 1
		}
		events := make([]zhiyuan.CardEvent, 0, len(apps))
		for start := 0; start < len(apps); start += cardChunk {
			part := apps[start:min(start+cardChunk, len(apps))]
			args := make([]any, 0, len(part)*9)
			for _, a := range part {
				number, err := makeNumber(a.region, year, next[a.region])
				if err != nil {
					return zhiyuan.Fail(zhiyuan.EConflict, "card.number_unavailable", "region", a.region, "err", err)
				}
				next[a.region]++
				args = append(args, number, a.volunteer, a.id, id, a.region, a.photo, now, now)
				events = append(events, zhiyuan.CardEvent{VolunteerID: a.volunteer, ApplicationID: a.id, CardNumber: number,
					Event: "batched", Detail: fmt.Sprintf("制卡批次 %d", id), ActorID: by, At: now})
			}
			if _, err := tx.exec(ctx, `INSERT INTO cards (number, volunteer_id, application_id, batch_id, region_code, photo_id,
					status, created_at, updated_at) VALUES `+repeatTuple("(?, ?, ?, ?, ?, ?, 'pending', ?, ?)", len(part)), args...); err != nil {
				return s.translate(err, cardAppUniques)
			}
		}
		if err := cardEventInsert(tx, ctx, events); err != nil {
			return err
		}
		if audit != nil {
			audit.At, audit.TargetID = now, fmt.Sprint(id)
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

const cardBatchCols = `id, region_code, status, card_count, created_by, created_at, printed_at, issued_at`

func scanCardBatch(r rowScanner) (*zhiyuan.CardBatch, error) {
	var b zhiyuan.CardBatch
	var status string
	var printed, issued sql.NullTime
	if err := r.Scan(&b.ID, &b.RegionCode, &status, &b.Count, &b.CreatedBy, &b.CreatedAt, &printed, &issued); err != nil {
		return nil, err
	}
	b.Status, b.CreatedAt = zhiyuan.CardBatchStatus(status), b.CreatedAt.UTC()
	if printed.Valid {
		b.PrintedAt = printed.Time.UTC()
	}
	if issued.Valid {
		b.IssuedAt = issued.Time.UTC()
	}
	return &b, nil
}

// FindCardBatchByID returns a batch, or ENotFound.
func (s *Store) FindCardBatchByID(ctx context.Context, id int64) (*zhiyuan.CardBatch, error) {
	b, err := scanCardBatch(s.reader().queryRow(ctx, `SELECT `+cardBatchCols+` FROM card_batches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("notfound.card_batch")
	}
	return b, err
}

// FindCardBatches lists batches made inside scopes, newest first, before the cursor.
func (s *Store) FindCardBatches(ctx context.Context, scopes []string, before int64, limit int) ([]zhiyuan.CardBatch, error) {
	cond, args := scopeCond("region_code", scopes)
	if before <= 0 {
		before = 1 << 62
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	args = append(args, before, limit)
	rows, err := s.reader().query(ctx, `SELECT `+cardBatchCols+` FROM card_batches WHERE `+cond+` AND id < ? ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.CardBatch
	for rows.Next() {
		b, err := scanCardBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// AdvanceCardBatch moves a batch from created to printed, or from printed to issued,
// with its applications (and, when issued, its cards, which become valid), an event per
// card and the audit entry, in one transaction. A batch not in the expected state is a
// conflict.
func (s *Store) AdvanceCardBatch(ctx context.Context, id int64, to zhiyuan.CardBatchStatus, by int64, audit *zhiyuan.AuditEntry) error {
	var from zhiyuan.CardBatchStatus
	var col, appStatus, event string
	switch to {
	case zhiyuan.BatchPrinted:
		from, col, appStatus, event = zhiyuan.BatchCreated, "printed_at", string(zhiyuan.AppPrinted), "printed"
	case zhiyuan.BatchIssued:
		from, col, appStatus, event = zhiyuan.BatchPrinted, "issued_at", string(zhiyuan.AppIssued), "issued"
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "card.batch_status_unknown")
	}
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		res, err := tx.exec(ctx, `UPDATE card_batches SET status = ?, `+col+` = ? WHERE id = ? AND status = ?`, string(to), now, id, string(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cur string
			if err := tx.queryRow(ctx, `SELECT status FROM card_batches WHERE id = ?`, id).Scan(&cur); errors.Is(err, sql.ErrNoRows) {
				return notFound("notfound.card_batch")
			} else if err != nil {
				return err
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "card.batch_transition", "from", zhiyuan.CardBatchStatus(cur).Chinese(), "to", to.Chinese())
		}
		if _, err := tx.exec(ctx, `UPDATE card_applications SET status = ?, updated_at = ? WHERE batch_id = ?`, appStatus, now, id); err != nil {
			return err
		}
		if to == zhiyuan.BatchIssued {
			if _, err := tx.exec(ctx, `UPDATE cards SET status = 'active', issued_at = ?, updated_at = ? WHERE batch_id = ? AND status = 'pending'`,
				now, now, id); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO card_events (volunteer_id, application_id, card_number, event, detail, actor_id, created_at)
			SELECT c.volunteer_id, c.application_id, c.number, ?, ?, ?, ? FROM cards c WHERE c.batch_id = ?`,
			event, fmt.Sprintf("制卡批次 %d", id), by, now, id); err != nil {
			return err
		}
		if audit != nil {
			audit.At = now
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// CardPrintItem is one row of a batch's print list, with the photo's id for the zip.
type CardPrintItem struct {
	Number          string
	Name            string
	VolunteerNo     string
	Delivery        zhiyuan.CardDelivery
	DeliveryOrgName string
	DeliveryAddress string
	PhotoID         int64
}

// EachBatchCard calls fn for every card of a batch in number order, streaming from the
// read pool (no transaction is held while the caller writes a spreadsheet).
func (s *Store) EachBatchCard(ctx context.Context, batchID int64, fn func(CardPrintItem) error) error {
	rows, err := s.reader().query(ctx, `SELECT c.number, v.name, v.volunteer_no, ca.delivery, COALESCE(o.name, ''), ca.delivery_address, c.photo_id
		FROM cards c JOIN volunteers v ON v.id = c.volunteer_id JOIN card_applications ca ON ca.id = c.application_id
		LEFT JOIN organizations o ON o.id = ca.delivery_org_id
		WHERE c.batch_id = ? ORDER BY c.number`, batchID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var it CardPrintItem
		var delivery string
		if err := rows.Scan(&it.Number, &it.Name, &it.VolunteerNo, &delivery, &it.DeliveryOrgName, &it.DeliveryAddress, &it.PhotoID); err != nil {
			return err
		}
		it.Delivery = zhiyuan.CardDelivery(delivery)
		if err := fn(it); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachBatchPhoto calls fn with each card number of a batch and its photo, streaming.
func (s *Store) EachBatchPhoto(ctx context.Context, batchID int64, fn func(number string, photo []byte) error) error {
	rows, err := s.reader().query(ctx, `SELECT c.number, p.data FROM cards c JOIN card_photos p ON p.id = c.photo_id
		WHERE c.batch_id = ? ORDER BY c.number`, batchID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var number string
		var data []byte
		if err := rows.Scan(&number, &data); err != nil {
			return err
		}
		if err := fn(number, data); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CardPhoto returns a stored photo.
func (s *Store) CardPhoto(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := s.reader().queryRow(ctx, `SELECT data FROM card_photos WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("notfound.photo")
	}
	return data, err
}

const cardCols = `c.id, c.number, c.volunteer_id, c.application_id, c.batch_id, c.region_code, c.photo_id, c.status, c.reason,
	c.issued_at, c.created_at, c.updated_at, v.name, v.volunteer_no`

func scanCard(r rowScanner) (*zhiyuan.Card, error) {
	var c zhiyuan.Card
	var status string
	var issued sql.NullTime
	if err := r.Scan(&c.ID, &c.Number, &c.VolunteerID, &c.ApplicationID, &c.BatchID, &c.RegionCode, &c.PhotoID, &status, &c.Reason,
		&issued, &c.CreatedAt, &c.UpdatedAt, &c.VolunteerName, &c.VolunteerNo); err != nil {
		return nil, err
	}
	c.Status, c.CreatedAt, c.UpdatedAt = zhiyuan.CardStatus(status), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if issued.Valid {
		c.IssuedAt = issued.Time.UTC()
	}
	return &c, nil
}

// FindCardByNumber returns a card, or ENotFound.
func (s *Store) FindCardByNumber(ctx context.Context, number string) (*zhiyuan.Card, error) {
	c, err := scanCard(s.reader().queryRow(ctx, `SELECT `+cardCols+` FROM cards c JOIN volunteers v ON v.id = c.volunteer_id
		WHERE c.number = ?`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("notfound.card")
	}
	return c, err
}

// VolunteerCards lists a volunteer's cards, newest first.
func (s *Store) VolunteerCards(ctx context.Context, volunteerID int64) ([]zhiyuan.Card, error) {
	rows, err := s.reader().query(ctx, `SELECT `+cardCols+` FROM cards c JOIN volunteers v ON v.id = c.volunteer_id
		WHERE c.volunteer_id = ? ORDER BY c.id DESC LIMIT 20`, volunteerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.Card
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// SetCardStatus moves a card from one of the from statuses to to, with its reason, an
// event for the volunteer and the audit entry (nil for the volunteer's own report), in one
// transaction. A card in another status is a conflict.
func (s *Store) SetCardStatus(ctx context.Context, number string, from []zhiyuan.CardStatus, to zhiyuan.CardStatus, reason string, by int64, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		return s.setCardStatus(ctx, tx, number, from, to, reason, by, audit)
	})
}

func (s *Store) setCardStatus(ctx context.Context, tx conn, number string, from []zhiyuan.CardStatus, to zhiyuan.CardStatus, reason string, by int64, audit *zhiyuan.AuditEntry) error {
	now := s.now()
	args := []any{string(to), reason, now, number}
	for _, f := range from {
		args = append(args, string(f))
	}
	var volunteerID, appID int64
	err := tx.queryRow(ctx, `UPDATE cards SET status = ?, reason = ?, updated_at = ? WHERE number = ? AND status IN (`+
		placeholders(len(from))+`) RETURNING volunteer_id, application_id`, args...).Scan(&volunteerID, &appID)
	if errors.Is(err, sql.ErrNoRows) {
		var cur string
		if err := tx.queryRow(ctx, `SELECT status FROM cards WHERE number = ?`, number).Scan(&cur); errors.Is(err, sql.ErrNoRows) {
			return notFound("notfound.card")
		} else if err != nil {
			return err
		}
		return zhiyuan.Fail(zhiyuan.EConflict, "card.status_forbids", "status", zhiyuan.CardStatus(cur).Chinese())
	}
	if err != nil {
		return err
	}
	if err := cardEventInsert(tx, ctx, []zhiyuan.CardEvent{{VolunteerID: volunteerID, ApplicationID: appID, CardNumber: number,
		Event: string(to), Detail: reason, ActorID: by, At: now}}); err != nil {
		return err
	}
	if audit != nil {
		audit.At = now
		return s.appendAudit(ctx, tx, audit)
	}
	return nil
}

// ReissueCard replaces a card that is active (damaged) or reported lost: the old card
// stops verifying (an active one becomes replaced; a lost one stays lost) and a re-issue
// application, already approved and with the same photo and delivery, joins the queue for
// the next batch. All in one transaction; the open-application index still applies.
func (s *Store) ReissueCard(ctx context.Context, number string, by int64, audit *zhiyuan.AuditEntry) (*zhiyuan.CardApplication, error) {
	var a zhiyuan.CardApplication
	err := s.inTx(ctx, func(tx conn) error {
		now := s.now()
		var status string
		var old zhiyuan.CardApplication
		var orgID sql.NullInt64
		err := tx.queryRow(ctx, `SELECT c.status, ca.volunteer_id, ca.region_code, c.photo_id, ca.delivery, ca.delivery_org_id, ca.delivery_address
			FROM cards c JOIN card_applications ca ON ca.id = c.application_id WHERE c.number = ?`, number).Scan(
			&status, &old.VolunteerID, &old.RegionCode, &old.PhotoID, &old.Delivery, &orgID, &old.DeliveryAddress)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("notfound.card")
		}
		if err != nil {
			return err
		}
		switch zhiyuan.CardStatus(status) {
		case zhiyuan.CardActive:
			if err := s.setCardStatus(ctx, tx, number, []zhiyuan.CardStatus{zhiyuan.CardActive}, zhiyuan.CardReplaced, "补办新卡", by, nil); err != nil {
				return err
			}
		case zhiyuan.CardLost:
		default:
			return zhiyuan.Fail(zhiyuan.EConflict, "card.reissue_status", "status", zhiyuan.CardStatus(status).Chinese())
		}
		a = zhiyuan.CardApplication{VolunteerID: old.VolunteerID, Kind: zhiyuan.KindReissue, RegionCode: old.RegionCode, PhotoID: old.PhotoID,
			Delivery: old.Delivery, DeliveryOrgID: orgID.Int64, DeliveryAddress: old.DeliveryAddress, Status: zhiyuan.AppApproved,
			Reason: "", DecidedBy: by, DecidedAt: now, CreatedAt: now, UpdatedAt: now}
		a.ID, err = tx.insert(ctx, `INSERT INTO card_applications (volunteer_id, kind, region_code, photo_id, delivery, delivery_org_id,
				delivery_address, status, decided_by, decided_at, created_at, updated_at)
			VALUES (?, 'reissue', ?, ?, ?, ?, ?, 'approved', ?, ?, ?, ?)`, a.VolunteerID, a.RegionCode, a.PhotoID, string(a.Delivery),
			hlNullID(a.DeliveryOrgID), a.DeliveryAddress, by, now, now, now)
		if err != nil {
			return s.translate(err, cardAppUniques)
		}
		if err := cardEventInsert(tx, ctx, []zhiyuan.CardEvent{{VolunteerID: a.VolunteerID, ApplicationID: a.ID, CardNumber: number,
			Event: "approved", Detail: "补办志愿者证（原卡号 " + number + "）", ActorID: by, At: now}}); err != nil {
			return err
		}
		if audit != nil {
			audit.At = now
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// CardEvents lists a volunteer's card events, newest first.
func (s *Store) CardEvents(ctx context.Context, volunteerID int64, limit int) ([]zhiyuan.CardEvent, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.reader().query(ctx, `SELECT id, volunteer_id, COALESCE(application_id, 0), card_number, event, detail, COALESCE(actor_id, 0), created_at
		FROM card_events WHERE volunteer_id = ? ORDER BY id DESC LIMIT ?`, volunteerID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.CardEvent
	for rows.Next() {
		var e zhiyuan.CardEvent
		if err := rows.Scan(&e.ID, &e.VolunteerID, &e.ApplicationID, &e.CardNumber, &e.Event, &e.Detail, &e.ActorID, &e.At); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// uniqueIDs drops duplicates and non-positive ids, keeping order.
func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

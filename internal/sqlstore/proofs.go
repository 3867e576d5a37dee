package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"zhiyuan"
)

// Proofs of service: the ledger as a proof reads it, and issued proofs with the entries
// they cover.

// ProofEntry is one ledger entry with what a proof prints beside it.
type ProofEntry struct {
	ID           int64
	Seq          int64
	Kind         zhiyuan.HourKind
	Minutes      int64
	CorrectsID   int64
	OrgID        int64 // the recording organisation
	OrgName      string
	Hash         []byte
	RecordedAt   time.Time
	Confirmed    bool
	Activity     string
	Address      string
	Category     string
	Description  string
	Organiser    string // the activity's organisation
	SessionStart time.Time
	TimeZone     string
}

// ProofLedger reads all of a volunteer's entries in chain order in one statement, so the
// records and the chain head a proof prints come from one consistent view.
func (s *Store) ProofLedger(ctx context.Context, volunteerID int64) ([]ProofEntry, error) {
	rows, err := s.reader().query(ctx, `SELECT e.id, e.seq, e.kind, e.minutes, COALESCE(e.corrects_entry_id, 0), e.org_id, o.name,
			e.hash, e.recorded_at, c.entry_id IS NOT NULL,
			COALESCE(a.title, ''), COALESCE(a.address, ''), COALESCE(a.category, ''), COALESCE(a.description, ''),
			COALESCE(ao.name, ''), se.starts_at, COALESCE(a.time_zone, '')
		FROM hour_entries e
		JOIN organizations o ON o.id = e.org_id
		LEFT JOIN hour_confirmations c ON c.entry_id = e.id
		LEFT JOIN activity_sessions se ON se.id = e.session_id
		LEFT JOIN activities a ON a.id = se.activity_id
		LEFT JOIN organizations ao ON ao.id = a.org_id
		WHERE e.volunteer_id = ? ORDER BY e.seq`, volunteerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProofEntry
	for rows.Next() {
		var e ProofEntry
		var kind string
		var start sql.NullTime
		if err := rows.Scan(&e.ID, &e.Seq, &kind, &e.Minutes, &e.CorrectsID, &e.OrgID, &e.OrgName, &e.Hash, &e.RecordedAt, &e.Confirmed,
			&e.Activity, &e.Address, &e.Category, &e.Description, &e.Organiser, &start, &e.TimeZone); err != nil {
			return nil, err
		}
		e.Kind, e.RecordedAt = zhiyuan.HourKind(kind), e.RecordedAt.UTC()
		if start.Valid {
			e.SessionStart = start.Time.UTC()
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

var proofUniques = map[string][2]string{
	"proofs_code_uq": {"code", "proof.code_taken"},
	"proofs.code":    {"code", "proof.code_taken"},
}

// CreateProof stores an issued proof, its PDF and the entries it covers, in one
// transaction. The PDF is rendered before this is called: no transaction is open while a
// PDF is made. A duplicate code is a conflict naming "code" (the caller draws another).
func (s *Store) CreateProof(ctx context.Context, p *zhiyuan.ServiceProof, pdf []byte) error {
	return s.inTx(ctx, func(tx conn) error { return s.createProof(ctx, tx, p, pdf) })
}

// LatestSameProof returns the volunteer's newest proof of p's scope (p.OrgID, 0 for the
// platform) if it still stands (not superseded) and covers what p covers: the same chain
// head, last sequence number and records hash. Otherwise it returns nil.
func (s *Store) LatestSameProof(ctx context.Context, p *zhiyuan.ServiceProof) (*zhiyuan.ServiceProof, error) {
	return latestSameProof(ctx, s.reader(), p)
}

func latestSameProof(ctx context.Context, c conn, p *zhiyuan.ServiceProof) (*zhiyuan.ServiceProof, error) {
	latest, err := scanProof(c.queryRow(ctx, `SELECT `+proofCols+` FROM proofs p
		WHERE p.volunteer_id = ? AND COALESCE(p.org_id, 0) = ? ORDER BY p.id DESC LIMIT 1`, p.VolunteerID, p.OrgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if latest.Superseded || latest.LastSeq != p.LastSeq || !bytes.Equal(latest.ChainHead, p.ChainHead) ||
		!bytes.Equal(latest.RecordsHash, p.RecordsHash) {
		return nil, nil
	}
	// Awards and training print on the proof too (honours.go): one granted, revoked or
	// recorded since makes the latest proof out of date.
	if changed, err := honoursChangedSince(ctx, c, p.VolunteerID, latest.CreatedAt); err != nil || changed {
		return nil, err
	}
	return latest, nil
}

// CreateProofUnlessSame stores p like CreateProof unless LatestSameProof finds a proof
// covering the same records, which it returns instead (and writes nothing). The
// volunteer's row is locked first (a no-op update), so two identical requests at once
// make one proof, not two: the second waits and then finds the first.
func (s *Store) CreateProofUnlessSame(ctx context.Context, p *zhiyuan.ServiceProof, pdf []byte) (same *zhiyuan.ServiceProof, err error) {
	err = s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `UPDATE volunteers SET minor = minor WHERE id = ?`, p.VolunteerID); err != nil {
			return err
		}
		if same, err = latestSameProof(ctx, tx, p); err != nil || same != nil {
			return err
		}
		return s.createProof(ctx, tx, p, pdf)
	})
	if err != nil {
		return nil, err
	}
	return same, nil
}

func (s *Store) createProof(ctx context.Context, tx conn, p *zhiyuan.ServiceProof, pdf []byte) error {
	now := s.now()
	id, err := tx.insert(ctx, `INSERT INTO proofs (code, volunteer_id, org_id, issuer_name, masked_name, volunteer_no, record_count,
			total_minutes, chain_head, last_seq, records_hash, pdf, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Code, p.VolunteerID, hlNullID(p.OrgID), p.IssuerName, p.MaskedName,
		p.VolunteerNo, p.RecordCount, p.TotalMinutes, p.ChainHead, p.LastSeq, p.RecordsHash, pdf, hlNullID(p.CreatedBy), now)
	if err != nil {
		return s.translate(err, proofUniques)
	}
	for chunk := range slices.Chunk(uniqueIDs(p.EntryIDs), cardChunk) {
		args := make([]any, 0, 2*len(chunk))
		for _, e := range chunk {
			args = append(args, id, e)
		}
		if _, err := tx.exec(ctx, `INSERT INTO proof_entries (proof_id, entry_id) VALUES `+repeatTuple("(?, ?)", len(chunk)), args...); err != nil {
			return err
		}
	}
	p.ID, p.CreatedAt = id, now
	return nil
}

const proofCols = `p.id, p.code, p.volunteer_id, COALESCE(p.org_id, 0), p.issuer_name, p.masked_name, p.volunteer_no, p.record_count,
	p.total_minutes, p.chain_head, p.last_seq, p.records_hash, COALESCE(p.created_by, 0), p.created_at,
	EXISTS (SELECT 1 FROM proof_entries pe
		JOIN hour_entries c ON c.corrects_entry_id = pe.entry_id
		JOIN hour_confirmations hc ON hc.entry_id = c.id
		WHERE pe.proof_id = p.id
		AND NOT EXISTS (SELECT 1 FROM proof_entries mine WHERE mine.proof_id = p.id AND mine.entry_id = c.id))`

// scanProof reads a proof; Superseded is true when a confirmed correction that the proof
// does not cover points at an entry it does: the records it certified have changed since.
func scanProof(r rowScanner) (*zhiyuan.ServiceProof, error) {
	var p zhiyuan.ServiceProof
	if err := r.Scan(&p.ID, &p.Code, &p.VolunteerID, &p.OrgID, &p.IssuerName, &p.MaskedName, &p.VolunteerNo, &p.RecordCount,
		&p.TotalMinutes, &p.ChainHead, &p.LastSeq, &p.RecordsHash, &p.CreatedBy, &p.CreatedAt, &p.Superseded); err != nil {
		return nil, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, nil
}

// FindProofByCode returns an issued proof by its canonical code, or ENotFound.
func (s *Store) FindProofByCode(ctx context.Context, code string) (*zhiyuan.ServiceProof, error) {
	p, err := scanProof(s.reader().queryRow(ctx, `SELECT `+proofCols+` FROM proofs p WHERE p.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("notfound.proof")
	}
	return p, err
}

// ProofPDF returns a proof's PDF and the volunteer it belongs to.
func (s *Store) ProofPDF(ctx context.Context, code string) (volunteerID int64, pdf []byte, err error) {
	err = s.reader().queryRow(ctx, `SELECT volunteer_id, pdf FROM proofs WHERE code = ?`, code).Scan(&volunteerID, &pdf)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, notFound("notfound.proof")
	}
	return volunteerID, pdf, err
}

// VolunteerProofs lists a volunteer's proofs, newest first.
func (s *Store) VolunteerProofs(ctx context.Context, volunteerID int64, limit int) ([]zhiyuan.ServiceProof, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.reader().query(ctx, `SELECT `+proofCols+` FROM proofs p WHERE p.volunteer_id = ? ORDER BY p.id DESC LIMIT ?`, volunteerID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.ServiceProof
	for rows.Next() {
		p, err := scanProof(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

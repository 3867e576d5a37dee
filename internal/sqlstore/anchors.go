package sqlstore

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"zhiyuan"
)

// Ledger anchors (docs/hours.md, "Anchors") and the checks that tie issued proofs and
// anchors to the chains. An anchor stores only the chains whose head changed since the
// anchor before it (ledger_anchor_heads); the full set of heads an anchor covers is the
// running union of those rows in anchor order.

const anchorCols = `id, day, hash, prev_hash, chain_count, key_id, signature, created_at`

func scanAnchor(r rowScanner) (*zhiyuan.LedgerAnchor, error) {
	var a zhiyuan.LedgerAnchor
	if err := r.Scan(&a.ID, &a.Day, &a.Hash, &a.PrevHash, &a.ChainCount, &a.KeyID, &a.Signature, &a.CreatedAt); err != nil {
		return nil, err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// LatestAnchor returns the newest anchor, or nil when there is none.
func (s *Store) LatestAnchor(ctx context.Context) (*zhiyuan.LedgerAnchor, error) {
	a, err := scanAnchor(s.reader().queryRow(ctx, `SELECT `+anchorCols+` FROM ledger_anchors ORDER BY id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, err
}

// Anchors lists anchors newest first, those with an id below before (0: from the newest).
func (s *Store) Anchors(ctx context.Context, before int64, limit int) ([]zhiyuan.LedgerAnchor, error) {
	rows, err := s.reader().query(ctx, `SELECT `+anchorCols+` FROM ledger_anchors WHERE ? = 0 OR id < ? ORDER BY id DESC LIMIT ?`,
		before, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []zhiyuan.LedgerAnchor{}
	for rows.Next() {
		a, err := scanAnchor(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// anchoredHeads returns the heads covered by the anchor with id upTo (the union of the
// head rows of every anchor up to it), sorted by volunteer.
func (s *Store) anchoredHeads(ctx context.Context, upTo int64) (map[int64]zhiyuan.ChainHead, error) {
	rows, err := s.reader().query(ctx, `SELECT volunteer_id, seq, head FROM ledger_anchor_heads WHERE anchor_id <= ? ORDER BY anchor_id`, upTo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]zhiyuan.ChainHead{}
	for rows.Next() {
		var h zhiyuan.ChainHead
		if err := rows.Scan(&h.VolunteerID, &h.Seq, &h.Hash); err != nil {
			return nil, err
		}
		applyHead(out, h)
	}
	return out, rows.Err()
}

// applyHead records a head row in a running state; seq 0 says the chain is gone (only a
// damaged ledger loses a chain, and the anchor then says so instead of hiding it).
func applyHead(state map[int64]zhiyuan.ChainHead, h zhiyuan.ChainHead) {
	if h.Seq == 0 {
		delete(state, h.VolunteerID)
	} else {
		state[h.VolunteerID] = h
	}
}

func sortedHeads(state map[int64]zhiyuan.ChainHead) []zhiyuan.ChainHead {
	out := make([]zhiyuan.ChainHead, 0, len(state))
	for _, h := range state {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b zhiyuan.ChainHead) int { return cmp.Compare(a.VolunteerID, b.VolunteerID) })
	return out
}

// CreateAnchor makes the anchor of day over the chain heads as the totals rows have them
// now, chained to the latest anchor and signed by sign. It reads outside any transaction
// and writes in one; the database settles races: UNIQUE (day) keeps one anchor a day and
// UNIQUE (prev_hash) refuses an anchor computed from a predecessor that is no longer the
// latest. created is false when another run got there first (or today's exists).
func (s *Store) CreateAnchor(ctx context.Context, day string, sign func(hash []byte) (keyID string, sig []byte)) (a *zhiyuan.LedgerAnchor, created bool, err error) {
	prev, err := s.LatestAnchor(ctx)
	if err != nil || (prev != nil && prev.Day >= day) {
		return prev, false, err
	}
	before := map[int64]zhiyuan.ChainHead{}
	a = &zhiyuan.LedgerAnchor{Day: day, PrevHash: zhiyuan.GenesisHash}
	if prev != nil {
		a.PrevHash = prev.Hash
		if before, err = s.anchoredHeads(ctx, prev.ID); err != nil {
			return nil, false, err
		}
	}
	rows, err := s.reader().query(ctx, `SELECT volunteer_id, last_seq, head_hash FROM volunteer_hour_totals WHERE last_seq > 0 ORDER BY volunteer_id`)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var heads, changed []zhiyuan.ChainHead
	for rows.Next() {
		var h zhiyuan.ChainHead
		if err := rows.Scan(&h.VolunteerID, &h.Seq, &h.Hash); err != nil {
			return nil, false, err
		}
		heads = append(heads, h)
		if old, ok := before[h.VolunteerID]; !ok || old.Seq != h.Seq || !bytes.Equal(old.Hash, h.Hash) {
			changed = append(changed, h)
		}
		delete(before, h.VolunteerID)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	rows.Close()
	for _, gone := range sortedHeads(before) {
		changed = append(changed, zhiyuan.ChainHead{VolunteerID: gone.VolunteerID, Hash: zhiyuan.GenesisHash})
	}
	a.ChainCount = int64(len(heads))
	a.Hash = zhiyuan.AnchorHash(day, a.PrevHash, heads)
	a.KeyID, a.Signature = sign(a.Hash)
	err = s.inTx(ctx, func(tx conn) error {
		a.CreatedAt = s.now()
		err := tx.queryRow(ctx, `INSERT INTO ledger_anchors (day, hash, prev_hash, chain_count, key_id, signature, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
			a.Day, a.Hash, a.PrevHash, a.ChainCount, a.KeyID, a.Signature, a.CreatedAt).Scan(&a.ID)
		if err != nil {
			return err
		}
		for chunk := range slices.Chunk(changed, cardChunk) {
			args := make([]any, 0, 4*len(chunk))
			for _, h := range chunk {
				args = append(args, a.ID, h.VolunteerID, h.Seq, h.Hash)
			}
			if _, err := tx.exec(ctx, `INSERT INTO ledger_anchor_heads (anchor_id, volunteer_id, seq, head) VALUES `+repeatTuple("(?, ?, ?, ?)", len(chunk)), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil // another server made this day's anchor, or one after prev
	}
	if err != nil {
		return nil, false, err
	}
	return a, true, nil
}

// ProofHeadMatches reports whether the volunteer's chain still has head at seq: what a
// proof made from that head needs to stay true. Seq 0 (a proof of no entries) always
// matches.
func (s *Store) ProofHeadMatches(ctx context.Context, volunteerID, seq int64, head []byte) (bool, error) {
	if seq == 0 {
		return true, nil
	}
	var h []byte
	err := s.reader().queryRow(ctx, `SELECT hash FROM hour_entries WHERE volunteer_id = ? AND seq = ?`, volunteerID, seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && bytes.Equal(h, head), err
}

// verifyProofHeads adds to r a mismatch for each issued proof whose sequence number and
// chain head are no longer in its volunteer's chain: the chain was truncated or
// rewritten after the proof was made. Proofs are named by code, volunteers by number.
func (s *Store) verifyProofHeads(ctx context.Context, r *zhiyuan.LedgerReport, mismatch func(string, ...any)) error {
	if err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM proofs WHERE last_seq > 0`).Scan(&r.Proofs); err != nil {
		return err
	}
	rows, err := s.reader().query(ctx, `SELECT p.code, p.volunteer_no, p.last_seq, p.chain_head, e.hash
		FROM proofs p LEFT JOIN hour_entries e ON e.volunteer_id = p.volunteer_id AND e.seq = p.last_seq
		WHERE p.last_seq > 0 AND (e.hash IS NULL OR e.hash <> p.chain_head) ORDER BY p.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code, no string
		var seq int64
		var head, have []byte
		if err := rows.Scan(&code, &no, &seq, &head, &have); err != nil {
			return err
		}
		switch {
		case have == nil:
			mismatch("proof %s (volunteer %s): names seq %d head %s, but the chain has no entry %d: it was truncated", code, no, seq, shortHex(head), seq)
		case !bytes.Equal(have, head):
			mismatch("proof %s (volunteer %s): names seq %d head %s, but the chain has %s there: it was rewritten", code, no, seq, shortHex(head), shortHex(have))
		}
	}
	return rows.Err()
}

// AnchorReport is what VerifyAnchors found.
type AnchorReport struct {
	Anchors, Heads int64
	Problems       []string // each names the anchor's day
}

// VerifyAnchors recomputes every anchor from its head rows and checks, anchor by anchor in
// order: the previous hash is the anchor before's hash, the stored hash and chain count
// are what the heads give, and checkSig accepts the signature. Then every anchored head
// must still be in the ledger at its sequence number (chains only grow): a truncated or
// rewritten chain fails the anchors that covered it.
func (s *Store) VerifyAnchors(ctx context.Context, checkSig func(*zhiyuan.LedgerAnchor) error, maxProblems int) (*AnchorReport, error) {
	r := &AnchorReport{}
	problem := func(day, format string, args ...any) {
		if len(r.Problems) < maxProblems {
			r.Problems = append(r.Problems, "anchor "+day+": "+fmt.Sprintf(format, args...))
		}
	}
	anchors, err := s.Anchors(ctx, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	slices.Reverse(anchors)
	rows, err := s.reader().query(ctx, `SELECT anchor_id, volunteer_id, seq, head FROM ledger_anchor_heads ORDER BY anchor_id, volunteer_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	state := map[int64]zhiyuan.ChainHead{}
	var next *zhiyuan.ChainHead // a row read ahead, belonging to a later anchor
	var nextAnchor int64
	prev := zhiyuan.GenesisHash
	for i := range anchors {
		a := &anchors[i]
		r.Anchors++
		for {
			if next == nil {
				if !rows.Next() {
					break
				}
				var h zhiyuan.ChainHead
				if err := rows.Scan(&nextAnchor, &h.VolunteerID, &h.Seq, &h.Hash); err != nil {
					return nil, err
				}
				next = &h
			}
			if nextAnchor > a.ID {
				break
			}
			r.Heads++
			applyHead(state, *next)
			next = nil
		}
		if !bytes.Equal(a.PrevHash, prev) {
			problem(a.Day, "previous hash %s is not the hash of the anchor before it (%s): anchors were removed or replaced", shortHex(a.PrevHash), shortHex(prev))
		}
		heads := sortedHeads(state)
		if got := zhiyuan.AnchorHash(a.Day, a.PrevHash, heads); !bytes.Equal(got, a.Hash) || a.ChainCount != int64(len(heads)) {
			problem(a.Day, "stored hash %s over %d chains, its chain heads give %s over %d chains: the anchor or its heads were altered",
				shortHex(a.Hash), a.ChainCount, shortHex(got), len(heads))
		}
		if err := checkSig(a); err != nil {
			problem(a.Day, "%v (key %s)", err, a.KeyID)
		}
		prev = a.Hash
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// Every anchored head must still be in the chain, at its sequence number; the database
	// compares, so only the heads that fail travel.
	rows, err = s.reader().query(ctx, `SELECT a.day, COALESCE(v.volunteer_no, ''), h.volunteer_id, h.seq, h.head, e.hash
		FROM ledger_anchor_heads h JOIN ledger_anchors a ON a.id = h.anchor_id
		LEFT JOIN hour_entries e ON e.volunteer_id = h.volunteer_id AND e.seq = h.seq
		LEFT JOIN volunteers v ON v.id = h.volunteer_id
		WHERE h.seq > 0 AND (e.hash IS NULL OR e.hash <> h.head) ORDER BY h.anchor_id, h.volunteer_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var day, no string
		var vid, seq int64
		var head, have []byte
		if err := rows.Scan(&day, &no, &vid, &seq, &head, &have); err != nil {
			return nil, err
		}
		switch {
		case have == nil:
			problem(day, "volunteer %s: anchored seq %d head %s, but the chain has no entry %d: it was truncated", no, seq, shortHex(head), seq)
		case !bytes.Equal(have, head):
			problem(day, "volunteer %s: anchored seq %d head %s, but the chain has %s there: it was rewritten", no, seq, shortHex(head), shortHex(have))
		}
	}
	return r, rows.Err()
}

// shortHex shortens a hash for a report line: enough to tell hashes apart by eye.
func shortHex(h []byte) string {
	s := hex.EncodeToString(h)
	if len(s) > 12 {
		s = s[:12]
	}
	return s
}

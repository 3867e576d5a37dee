// Package ledger makes each volunteer's service-hour entries a hash chain: every entry's
// hash covers a canonical encoding of its fields and the hash of the entry before it, so
// changing, removing or reordering any stored entry breaks every link after it, and a
// chain head printed on a proof pins the whole history up to that moment. It knows
// nothing of the database; the store computes hashes with it when appending and the
// `zhiyuan ledger verify` command checks stored chains with it.
package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Kind says where an entry's minutes come from.
type Kind string

// Entry kinds. Attended and make-up hours are kept apart (the rules say so); a correction
// always points at the entry it corrects.
const (
	Attended   Kind = "attended"   // computed from check-in and check-out
	Makeup     Kind = "makeup"     // 补录: entered afterwards by the organisation
	Correction Kind = "correction" // a signed change to an earlier entry
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Attended || k == Makeup || k == Correction }

// Chinese is the kind's name on pages.
func (k Kind) Chinese() string {
	switch k {
	case Attended:
		return "签到时长"
	case Makeup:
		return "补录"
	case Correction:
		return "更正"
	}
	return string(k)
}

// HashSize is the length of every hash (SHA-256).
const HashSize = sha256.Size

// Genesis is the previous hash of each volunteer's first entry.
var Genesis = make([]byte, HashSize)

// Entry is one line of a volunteer's ledger, as far as the chain covers it. The
// database id is not covered: it is assigned after the hash is computed, and the chain
// position (VolunteerID, Seq) identifies the entry instead.
type Entry struct {
	ID          int64 // database id, for naming a broken link; not hashed
	VolunteerID int64
	Seq         int64 // 1, 2, 3 … per volunteer
	Kind        Kind
	Minutes     int64 // positive, or negative for a correction that takes time away
	SessionID   int64 // 0 when none
	OrgID       int64 // the recording organisation
	CorrectsID  int64 // the corrected entry's database id, for corrections
	Reason      string
	RecordedBy  int64 // account id of whoever recorded it (0: the platform itself)
	RecordedAt  time.Time
	PrevHash    []byte
	Hash        []byte
}

// domain separates these hashes from any other SHA-256 use, and versions the encoding.
const domain = "zhiyuan-ledger-v1\x00"

// Canonical appends the entry's canonical encoding to dst and returns it: a domain tag,
// fixed-width big-endian integers, length-prefixed strings, the recording time as Unix
// microseconds (what both databases keep) and the previous hash. Every field has one
// encoding and no two entries share one, so equal bytes mean equal entries.
func (e *Entry) Canonical(dst []byte) []byte {
	dst = append(dst, domain...)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.VolunteerID))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Seq))
	dst = appendString(dst, string(e.Kind))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Minutes))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.SessionID))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.OrgID))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.CorrectsID))
	dst = appendString(dst, e.Reason)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.RecordedBy))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.RecordedAt.UnixMicro()))
	dst = appendString(dst, string(e.PrevHash))
	return dst
}

func appendString(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// ComputeHash returns SHA-256 of the entry's canonical encoding (which includes PrevHash).
func (e *Entry) ComputeHash() []byte {
	var buf [256]byte
	sum := sha256.Sum256(e.Canonical(buf[:0]))
	return sum[:]
}

// Link sets e's sequence number and previous hash from the chain's current head (seq 0
// and Genesis, or nil, for an empty chain), then its hash. RecordedAt is truncated to
// microseconds first, so the hash survives the round trip through either database.
func (e *Entry) Link(headSeq int64, headHash []byte) {
	if len(headHash) == 0 {
		headHash = Genesis
	}
	e.Seq = headSeq + 1
	e.PrevHash = append([]byte(nil), headHash...)
	e.RecordedAt = e.RecordedAt.UTC().Truncate(time.Microsecond)
	e.Hash = e.ComputeHash()
}

// Break is the first broken link found in a chain.
type Break struct {
	VolunteerID int64
	Seq         int64
	EntryID     int64
	Problem     string
}

// Error describes the break for an operator.
func (b *Break) Error() string {
	return fmt.Sprintf("volunteer %d: entry %d (seq %d): %s", b.VolunteerID, b.EntryID, b.Seq, b.Problem)
}

// Verifier checks chains entry by entry, in (volunteer, seq) order, holding only the
// head of the current chain, so any number of entries streams through it.
type Verifier struct {
	volunteer int64
	seq       int64
	head      []byte
	started   bool
	buf       []byte
	// Entries and Chains count what was checked.
	Entries, Chains int64
}

// Next checks e against the chain so far and returns the break it finds, or nil.
// Entries must arrive ordered by volunteer and then seq; a new volunteer starts a new
// chain. After a break the verifier resumes from e, so one call can report one break
// per chain.
func (v *Verifier) Next(e *Entry) *Break {
	if !v.started || e.VolunteerID != v.volunteer {
		v.started, v.volunteer, v.seq, v.head = true, e.VolunteerID, 0, Genesis
		v.Chains++
	}
	v.Entries++
	brk := func(problem string) *Break {
		v.seq, v.head = e.Seq, append(v.head[:0:0], e.Hash...)
		return &Break{VolunteerID: e.VolunteerID, Seq: e.Seq, EntryID: e.ID, Problem: problem}
	}
	if e.Seq != v.seq+1 {
		return brk(fmt.Sprintf("sequence jumps from %d to %d (an entry is missing or out of place)", v.seq, e.Seq))
	}
	if !bytes.Equal(e.PrevHash, v.head) {
		return brk("previous hash does not match the entry before it")
	}
	v.buf = e.Canonical(v.buf[:0])
	sum := sha256.Sum256(v.buf)
	if !bytes.Equal(sum[:], e.Hash) {
		return brk(fmt.Sprintf("stored hash %s does not match its contents (%s): the entry was altered", short(e.Hash), short(sum[:])))
	}
	v.seq, v.head = e.Seq, e.Hash
	return nil
}

// Head returns the current chain's last sequence number and hash.
func (v *Verifier) Head() (seq int64, hash []byte) { return v.seq, v.head }

func short(h []byte) string {
	s := hex.EncodeToString(h)
	if len(s) > 12 {
		s = s[:12]
	}
	return s
}

// Verify checks one volunteer's entries, in seq order, and returns the first broken link
// or nil.
func Verify(entries []Entry) *Break {
	var v Verifier
	for i := range entries {
		if b := v.Next(&entries[i]); b != nil {
			return b
		}
	}
	return nil
}

// Confirmation is an organisation's confirmation of one entry. Confirmations live beside
// the chain (entries are never updated to say "confirmed"), each sealed to the entry it
// confirms by a hash over its own fields and the entry's hash.
type Confirmation struct {
	EntryID     int64
	EntryHash   []byte
	ConfirmedBy int64
	ConfirmedAt time.Time
	Rating      int // 1–5, or 0 for none
	Comment     string
	Hash        []byte
}

const confirmationDomain = "zhiyuan-confirmation-v1\x00"

// Canonical appends the confirmation's canonical encoding to dst.
func (c *Confirmation) Canonical(dst []byte) []byte {
	dst = append(dst, confirmationDomain...)
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.EntryID))
	dst = appendString(dst, string(c.EntryHash))
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.ConfirmedBy))
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.ConfirmedAt.UnixMicro()))
	dst = binary.BigEndian.AppendUint64(dst, uint64(int64(c.Rating)))
	dst = appendString(dst, c.Comment)
	return dst
}

// Seal truncates ConfirmedAt to microseconds and sets Hash.
func (c *Confirmation) Seal() {
	c.ConfirmedAt = c.ConfirmedAt.UTC().Truncate(time.Microsecond)
	c.Hash = c.ComputeHash()
}

// ComputeHash returns SHA-256 of the confirmation's canonical encoding.
func (c *Confirmation) ComputeHash() []byte {
	var buf [192]byte
	sum := sha256.Sum256(c.Canonical(buf[:0]))
	return sum[:]
}

// Check reports what is wrong with a stored confirmation, given the hash of the entry it
// names, or "" when nothing is.
func (c *Confirmation) Check(entryHash []byte) string {
	if !bytes.Equal(c.EntryHash, entryHash) {
		return "confirmation names an entry hash that is not the entry's"
	}
	if !bytes.Equal(c.ComputeHash(), c.Hash) {
		return "stored confirmation hash does not match its contents: the confirmation was altered"
	}
	return ""
}

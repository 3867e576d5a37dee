package zhiyuan

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// The service-hour ledger is append-only and each volunteer's entries form a hash chain:
// every entry's hash covers a canonical encoding of its fields and the hash of the entry
// before it, so changing, removing or reordering any stored entry breaks every link after
// it, and a chain head printed on a proof pins the whole history up to that moment. The
// store computes hashes with Link when appending; `zhiyuan ledger verify` checks stored
// chains with LedgerVerifier. The bytes are a published format (docs/formats.md, checked
// against its known answers by formats_test.go): changing them breaks every stored chain.

// HourKind says where an entry's minutes come from.
type HourKind string

// Entry kinds. Attended and make-up hours are kept apart (the rules say so); a correction
// always points at the entry it corrects.
const (
	HourAttended   HourKind = "attended"   // computed from check-in and check-out
	HourMakeup     HourKind = "makeup"     // 补录: entered afterwards by the organisation
	HourCorrection HourKind = "correction" // a signed change to an earlier entry
)

// Valid reports whether k is a known kind.
func (k HourKind) Valid() bool { return k == HourAttended || k == HourMakeup || k == HourCorrection }

// Chinese is the kind's name on pages.
func (k HourKind) Chinese() string {
	switch k {
	case HourAttended:
		return "签到时长"
	case HourMakeup:
		return "补录"
	case HourCorrection:
		return "更正"
	}
	return string(k)
}

// HashSize is the length of every ledger hash (SHA-256).
const HashSize = sha256.Size

// GenesisHash is the previous hash of each volunteer's first entry.
var GenesisHash = make([]byte, HashSize)

// HourEntry is one line of a volunteer's service-hour ledger. The fields up to Hash are
// covered by the chain; the database id is not (it is assigned after the hash is
// computed), the chain position (VolunteerID, Seq) identifies the entry instead.
type HourEntry struct {
	ID          int64 // database id, for naming a broken link; not hashed
	VolunteerID int64
	Seq         int64 // 1, 2, 3 … per volunteer
	Kind        HourKind
	Minutes     int64 // positive, zero (attended below the minimum share) or negative (a correction)
	SessionID   int64 // 0 when none
	OrgID       int64 // the recording organisation
	CorrectsID  int64 // the corrected entry's database id, for corrections
	Reason      string
	RecordedBy  int64 // account id of whoever recorded it
	RecordedAt  time.Time
	PrevHash    []byte
	Hash        []byte

	// Filled by reads; not part of the chain.
	Confirmation    *HourConfirmation // nil while pending
	ActivityID      int64
	ActivityTitle   string
	OrgName         string
	SessionStartsAt time.Time
	SessionEndsAt   time.Time
	VolunteerName   string
	VolunteerNo     string
	Disputed        bool // an open dispute exists
}

// Confirmed reports whether the organisation has confirmed the entry.
func (e *HourEntry) Confirmed() bool { return e.Confirmation != nil }

// Hours is the entry's minutes in hours, for display.
func (e *HourEntry) Hours() float64 { return MinutesToHours(e.Minutes) }

// HashHex is the entry's hash in hex, for pages and proofs.
func (e *HourEntry) HashHex() string { return hex.EncodeToString(e.Hash) }

// ledgerDomain separates these hashes from any other SHA-256 use and versions the encoding.
const ledgerDomain = "zhiyuan-ledger-v1\x00"

// Canonical appends the entry's canonical encoding to dst and returns it: a domain tag,
// fixed-width big-endian integers, length-prefixed strings, the recording time as Unix
// microseconds (what both databases keep) and the previous hash. Every field has one
// encoding and no two entries share one, so equal bytes mean equal entries.
func (e *HourEntry) Canonical(dst []byte) []byte {
	dst = append(dst, ledgerDomain...)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.VolunteerID))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Seq))
	dst = appendLenString(dst, string(e.Kind))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Minutes))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.SessionID))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.OrgID))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.CorrectsID))
	dst = appendLenString(dst, e.Reason)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.RecordedBy))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.RecordedAt.UnixMicro()))
	dst = appendLenString(dst, string(e.PrevHash))
	return dst
}

func appendLenString(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// ComputeHash returns SHA-256 of the entry's canonical encoding (which includes PrevHash).
func (e *HourEntry) ComputeHash() []byte {
	var buf [256]byte
	sum := sha256.Sum256(e.Canonical(buf[:0]))
	return sum[:]
}

// Link sets e's sequence number and previous hash from the chain's current head (seq 0
// and GenesisHash, or nil, for an empty chain), then its hash. RecordedAt is truncated
// to microseconds first, so the hash survives the round trip through either database.
func (e *HourEntry) Link(headSeq int64, headHash []byte) {
	if len(headHash) == 0 {
		headHash = GenesisHash
	}
	e.Seq = headSeq + 1
	e.PrevHash = append([]byte(nil), headHash...)
	e.RecordedAt = e.RecordedAt.UTC().Truncate(time.Microsecond)
	e.Hash = e.ComputeHash()
}

// LedgerBreak is the first broken link found in a chain.
type LedgerBreak struct {
	VolunteerID int64
	Seq         int64
	EntryID     int64
	Problem     string
}

// Error describes the break for an operator.
func (b *LedgerBreak) Error() string {
	return fmt.Sprintf("volunteer %d: entry %d (seq %d): %s", b.VolunteerID, b.EntryID, b.Seq, b.Problem)
}

// LedgerReport is what a verification of the whole ledger found.
type LedgerReport struct {
	Entries       int64
	Chains        int64
	Confirmations int64
	Proofs        int64 // issued proofs whose chain head was checked
	// Breaks are the first broken link of each broken chain, in volunteer order (at
	// most the limit given).
	Breaks []LedgerBreak
	// Mismatches describe derived rows that do not agree with the ledger: totals,
	// chain heads, the pending list, confirmations.
	Mismatches []string
	// AppendOnly reports whether the database still refuses UPDATE and DELETE on the
	// ledger (the triggers are in place).
	AppendOnly bool
}

// OK reports whether the ledger verified.
func (r *LedgerReport) OK() bool { return len(r.Breaks) == 0 && len(r.Mismatches) == 0 && r.AppendOnly }

// LedgerVerifier checks chains entry by entry, in (volunteer, seq) order, holding only
// the head of the current chain, so any number of entries streams through it.
type LedgerVerifier struct {
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
// chain. After a break the verifier resumes from e, so a caller may go on to the next
// chain.
func (v *LedgerVerifier) Next(e *HourEntry) *LedgerBreak {
	if !v.started || e.VolunteerID != v.volunteer {
		v.started, v.volunteer, v.seq, v.head = true, e.VolunteerID, 0, GenesisHash
		v.Chains++
	}
	v.Entries++
	brk := func(problem string) *LedgerBreak {
		v.seq, v.head = e.Seq, append([]byte(nil), e.Hash...)
		return &LedgerBreak{VolunteerID: e.VolunteerID, Seq: e.Seq, EntryID: e.ID, Problem: problem}
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
		return brk(fmt.Sprintf("stored hash %s does not match its contents (%s): the entry was altered", shortHex(e.Hash), shortHex(sum[:])))
	}
	v.seq, v.head = e.Seq, e.Hash
	return nil
}

// Head returns the current chain's last sequence number and hash.
func (v *LedgerVerifier) Head() (seq int64, hash []byte) { return v.seq, v.head }

func shortHex(h []byte) string {
	s := hex.EncodeToString(h)
	if len(s) > 12 {
		s = s[:12]
	}
	return s
}

// VerifyChain checks one volunteer's entries, in seq order, and returns the first broken
// link or nil.
func VerifyChain(entries []HourEntry) *LedgerBreak {
	var v LedgerVerifier
	for i := range entries {
		if b := v.Next(&entries[i]); b != nil {
			return b
		}
	}
	return nil
}

// HourConfirmation is an organisation's confirmation of one entry, with its evaluation
// of the service. Confirmations live beside the chain (entries are never updated to say
// "confirmed"), each sealed to the entry it confirms by a hash over its own fields and
// the entry's hash.
type HourConfirmation struct {
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
func (c *HourConfirmation) Canonical(dst []byte) []byte {
	dst = append(dst, confirmationDomain...)
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.EntryID))
	dst = appendLenString(dst, string(c.EntryHash))
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.ConfirmedBy))
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.ConfirmedAt.UnixMicro()))
	dst = binary.BigEndian.AppendUint64(dst, uint64(int64(c.Rating)))
	dst = appendLenString(dst, c.Comment)
	return dst
}

// Seal truncates ConfirmedAt to microseconds and sets Hash.
func (c *HourConfirmation) Seal() {
	c.ConfirmedAt = c.ConfirmedAt.UTC().Truncate(time.Microsecond)
	c.Hash = c.ComputeHash()
}

// ComputeHash returns SHA-256 of the confirmation's canonical encoding.
func (c *HourConfirmation) ComputeHash() []byte {
	var buf [192]byte
	sum := sha256.Sum256(c.Canonical(buf[:0]))
	return sum[:]
}

// Check reports what is wrong with a stored confirmation, given the hash of the entry it
// names, or "" when nothing is.
func (c *HourConfirmation) Check(entryHash []byte) string {
	if !bytes.Equal(c.EntryHash, entryHash) {
		return "confirmation names an entry hash that is not the entry's"
	}
	if !bytes.Equal(c.ComputeHash(), c.Hash) {
		return "stored confirmation hash does not match its contents: the confirmation was altered"
	}
	return ""
}

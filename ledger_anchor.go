package zhiyuan

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// A ledger anchor pins every volunteer's chain at one moment: a hash over all chain heads
// and over the previous anchor's hash, signed with the platform key and published at
// GET /api/v1/ledger/anchors. Chain heads on proofs pin one volunteer's history; an anchor
// pins everyone's, including volunteers who never printed a proof, so rewriting history
// after an anchor means breaking a signed hash that others may have copied. The format is
// public (docs/formats.md) so anyone holding the heads can recompute it.

// AnchorFormat is the first line of an anchor's canonical bytes; it versions the format.
const AnchorFormat = "zhiyuan-ledger-anchor-v1"

// ChainHead is one volunteer's chain position: the last sequence number and its hash.
type ChainHead struct {
	VolunteerID int64
	Seq         int64
	Hash        []byte
}

// LedgerAnchor is one day's anchor as stored and published.
type LedgerAnchor struct {
	ID         int64
	Day        string // YYYY-MM-DD, the Beijing date it was made on
	Hash       []byte // AnchorHash of the heads, the day and PrevHash
	PrevHash   []byte // the previous anchor's Hash; 32 zero bytes for the first
	ChainCount int64  // number of chains (volunteers with at least one entry) covered
	KeyID      string // the platform signing key that signed it
	Signature  []byte // Ed25519 over proof.AnchorMessage(Hash)
	CreatedAt  time.Time
}

// AnchorDay is the anchor day of t: its date in Beijing, where the platform's days are.
func AnchorDay(t time.Time) string { return t.In(Beijing).Format(time.DateOnly) }

// AnchorCanonical appends an anchor's canonical bytes to dst. heads must be sorted by
// volunteer id, one per volunteer (SortHeads). The bytes are text lines ending in "\n":
//
//	zhiyuan-ledger-anchor-v1
//	day 2026-12-06
//	previous <64 lowercase hex digits>
//	chains <decimal count>
//	<volunteer id> <seq> <head: 64 lowercase hex digits>   (one line per chain)
//
// Numbers are decimal without sign or leading zeros. Text keeps the format checkable with
// sha256sum; the header fixes the day, the predecessor and the count, so no two anchors
// share their bytes.
func AnchorCanonical(dst []byte, day string, prev []byte, heads []ChainHead) []byte {
	dst = appendAnchorHeader(dst, day, prev, len(heads))
	for _, h := range heads {
		dst = appendHeadLine(dst, h)
	}
	return dst
}

func appendAnchorHeader(dst []byte, day string, prev []byte, chains int) []byte {
	if len(prev) == 0 {
		prev = GenesisHash
	}
	dst = append(dst, AnchorFormat+"\nday "...)
	dst = append(dst, day...)
	dst = append(dst, "\nprevious "...)
	dst = hex.AppendEncode(dst, prev)
	dst = append(dst, "\nchains "...)
	dst = strconv.AppendInt(dst, int64(chains), 10)
	return append(dst, '\n')
}

func appendHeadLine(dst []byte, h ChainHead) []byte {
	dst = strconv.AppendInt(dst, h.VolunteerID, 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, h.Seq, 10)
	dst = append(dst, ' ')
	dst = hex.AppendEncode(dst, h.Hash)
	return append(dst, '\n')
}

// AnchorHash returns SHA-256 of AnchorCanonical(day, prev, heads), streaming the head
// lines so that millions of chains need no buffer of their size.
func AnchorHash(day string, prev []byte, heads []ChainHead) []byte {
	h := sha256.New()
	h.Write(appendAnchorHeader(nil, day, prev, len(heads)))
	var line []byte
	for _, c := range heads {
		line = appendHeadLine(line[:0], c)
		h.Write(line)
	}
	return h.Sum(nil)
}

// SortHeads sorts heads by volunteer id, the order of the canonical bytes, and reports
// an error when one volunteer appears twice.
func SortHeads(heads []ChainHead) error {
	slices.SortFunc(heads, func(a, b ChainHead) int { return cmp.Compare(a.VolunteerID, b.VolunteerID) })
	for i := 1; i < len(heads); i++ {
		if heads[i].VolunteerID == heads[i-1].VolunteerID {
			return fmt.Errorf("anchor: volunteer %d has two chain heads", heads[i].VolunteerID)
		}
	}
	return nil
}

package zhiyuan

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhiyuan/internal/formatdoc"
)

// The tests in this file check the published formats of the root package — volunteer
// numbers, the ledger's canonical entry bytes, chain and confirmation seal, and the daily
// anchor — against the known-answer vectors in docs/formats.md, read from the document
// itself: a change to a format, or to the document, fails here.

// TestFormatVolunteerNumbers: volunteer numbers and their Luhn check digit.
func TestFormatVolunteerNumbers(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "volunteer numbers")
	for _, line := range v.All("volunteer") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("volunteer line %q: want region sequence number", line)
		}
		seq, _ := strconv.ParseInt(f[1], 10, 64)
		if got := MakeVolunteerNo(f[0], seq); got != f[2] {
			t.Errorf("MakeVolunteerNo(%s, %d) = %s, want %s", f[0], seq, got, f[2])
		}
		if !ValidVolunteerNo(f[2]) {
			t.Errorf("%s is not valid", f[2])
		}
	}
}

// docEntry links the entry of a ledger vector onto the previous hash the vector names and
// checks its canonical bytes and hash: the code's against the document's, and the
// document's hash against SHA-256 of the document's bytes.
func docEntry(t *testing.T, name string) HourEntry {
	t.Helper()
	v := formatdoc.One(t, name)
	e := HourEntry{
		ID:          900 + v.Int(t, "seq"), // not hashed: any id gives the same bytes
		VolunteerID: v.Int(t, "volunteer_id"),
		Kind:        HourKind(v.Get(t, "kind")),
		Minutes:     v.Int(t, "minutes"),
		SessionID:   v.Int(t, "session_id"),
		OrgID:       v.Int(t, "org_id"),
		CorrectsID:  v.Int(t, "corrects_id"),
		Reason:      v.Get(t, "reason"),
		RecordedBy:  v.Int(t, "recorded_by"),
		RecordedAt:  v.Time(t, "recorded_at"),
	}
	seq := v.Int(t, "seq")
	prev := v.Hex(t, "prev_hash")
	if seq == 1 {
		// The first entry links onto an empty chain, whose head is the genesis value.
		if string(prev) != string(GenesisHash) {
			t.Errorf("%s: first entry's previous hash %x is not the genesis hash", v, prev)
		}
		prev = nil
	}
	e.Link(seq-1, prev)
	if e.Seq != seq || string(e.PrevHash) != string(v.Hex(t, "prev_hash")) {
		t.Errorf("%s: linked as seq %d after %x", v, e.Seq, e.PrevHash)
	}
	canonical := v.Parts(t, "canonical")
	if got := e.Canonical(nil); string(got) != string(canonical) {
		t.Errorf("%s: canonical bytes\n%x\nwant\n%x", v, got, canonical)
	}
	hash := v.Get(t, "hash")
	if sum := sha256.Sum256(canonical); hex.EncodeToString(sum[:]) != hash {
		t.Errorf("%s: SHA-256 of the published bytes is %x, not the published hash", v, sum)
	}
	if got := e.HashHex(); got != hash {
		t.Errorf("%s: hash %s, want %s", v, got, hash)
	}
	return e
}

// TestFormatLedgerChain: the published entries, linked in order from the genesis value,
// give the published hashes and head, and the chain verifies.
func TestFormatLedgerChain(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "ledger chain")
	var entries []HourEntry
	for name := range strings.SplitSeq(v.Get(t, "entries"), ",") {
		entries = append(entries, docEntry(t, strings.TrimSpace(name)))
	}
	var ver LedgerVerifier
	for i := range entries {
		if b := ver.Next(&entries[i]); b != nil {
			t.Fatalf("the published chain is broken: %v", b)
		}
	}
	seq, head := ver.Head()
	if seq != v.Int(t, "head_seq") || hex.EncodeToString(head) != v.Get(t, "head_hash") {
		t.Errorf("head %d %x", seq, head)
	}
	// One microsecond later is another entry: the time is hashed to the microsecond.
	entries[0].RecordedAt = entries[0].RecordedAt.Add(time.Microsecond)
	if VerifyChain(entries) == nil {
		t.Error("a changed recording time still verifies")
	}
}

// TestFormatLedgerConfirmation: the published confirmation seals to the published entry.
func TestFormatLedgerConfirmation(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "ledger confirmation")
	e := docEntry(t, v.Get(t, "entry"))
	c := HourConfirmation{
		EntryID:     v.Int(t, "entry_id"),
		EntryHash:   v.Hex(t, "entry_hash"),
		ConfirmedBy: v.Int(t, "confirmed_by"),
		ConfirmedAt: v.Time(t, "confirmed_at"),
		Rating:      int(v.Int(t, "rating")),
		Comment:     v.Get(t, "comment"),
	}
	if string(c.EntryHash) != string(e.Hash) {
		t.Errorf("the confirmation names %x, the entry's hash is %x", c.EntryHash, e.Hash)
	}
	c.Seal()
	canonical := v.Parts(t, "canonical")
	if got := c.Canonical(nil); string(got) != string(canonical) {
		t.Errorf("canonical bytes\n%x\nwant\n%x", got, canonical)
	}
	hash := v.Get(t, "hash")
	if sum := sha256.Sum256(canonical); hex.EncodeToString(sum[:]) != hash {
		t.Errorf("SHA-256 of the published bytes is %x, not the published hash", sum)
	}
	if got := hex.EncodeToString(c.Hash); got != hash {
		t.Errorf("hash %s, want %s", got, hash)
	}
	if p := c.Check(e.Hash); p != "" {
		t.Error(p)
	}
}

// docAnchor reads an anchor vector: its day, previous hash, heads (sorted as the format
// wants), canonical text and hash.
func docAnchor(t *testing.T, name string) (day string, prev []byte, heads []ChainHead, text, hash string) {
	t.Helper()
	v := formatdoc.One(t, name)
	for _, line := range v.All("head") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("%s: head %q: want volunteer seq hash", v, line)
		}
		id, _ := strconv.ParseInt(f[0], 10, 64)
		seq, _ := strconv.ParseInt(f[1], 10, 64)
		h, err := hex.DecodeString(f[2])
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, ChainHead{VolunteerID: id, Seq: seq, Hash: h})
	}
	if err := SortHeads(heads); err != nil {
		t.Fatal(err)
	}
	for _, line := range v.All("line") {
		text += line + "\n"
	}
	return v.Get(t, "day"), v.Hex(t, "previous"), heads, text, v.Get(t, "hash")
}

// TestFormatAnchor: fixed heads, day and previous hash give exactly the published text
// and hash, which sha256sum over the same text also gives; so does the first anchor of
// a platform without chains. A change to the format fails here instead of silently
// breaking every copy of an anchor kept elsewhere.
func TestFormatAnchor(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"anchor 2026-12-06", "anchor first and empty"} {
		day, prev, heads, text, hash := docAnchor(t, name)
		if got := string(AnchorCanonical(nil, day, prev, heads)); got != text {
			t.Errorf("%s: canonical bytes\n%q\nwant\n%q", name, got, text)
		}
		if sum := sha256.Sum256([]byte(text)); hex.EncodeToString(sum[:]) != hash {
			t.Errorf("%s: sha256 of the published text is %x, not the published hash", name, sum)
		}
		if got := hex.EncodeToString(AnchorHash(day, prev, heads)); got != hash {
			t.Errorf("%s: anchor hash %s, want %s", name, got, hash)
		}
	}

	// Every input changes the hash.
	day, prev, heads, _, hash := docAnchor(t, "anchor 2026-12-06")
	longer := append([]ChainHead(nil), heads...)
	longer[len(longer)-1].Seq++
	for what, h := range map[string][]byte{
		"day":      AnchorHash("2026-12-07", prev, heads),
		"previous": AnchorHash(day, nil, heads),
		"seq":      AnchorHash(day, prev, longer),
		"dropped":  AnchorHash(day, prev, heads[:1]),
	} {
		if hex.EncodeToString(h) == hash {
			t.Errorf("changing the %s left the hash as it was", what)
		}
	}
	if err := SortHeads([]ChainHead{{VolunteerID: 3}, {VolunteerID: 3}}); err == nil {
		t.Error("two heads for one volunteer were accepted")
	}
}

package zhiyuan

import (
	"crypto/sha256"
	"strings"
	"testing"
	"time"
)

func testChain(volunteer int64, n int) []HourEntry {
	var out []HourEntry
	var seq int64
	var head []byte
	at := time.Date(2026, 3, 7, 12, 0, 0, 123456789, time.UTC)
	for i := range n {
		e := HourEntry{ID: volunteer*1000 + int64(i) + 1, VolunteerID: volunteer, Kind: HourAttended, Minutes: 150,
			SessionID: 7, OrgID: 3, RecordedBy: 9, RecordedAt: at.Add(time.Duration(i) * time.Hour)}
		if i%3 == 2 {
			e.Kind, e.Minutes, e.CorrectsID, e.Reason = HourCorrection, -60, out[i-1].ID, "签退时间登记错误"
		}
		e.Link(seq, head)
		seq, head = e.Seq, e.Hash
		out = append(out, e)
	}
	return out
}

func TestIntactChainVerifies(t *testing.T) {
	t.Parallel()
	c := testChain(5, 10)
	if b := VerifyChain(c); b != nil {
		t.Fatalf("intact chain: %v", b)
	}
	if c[0].Seq != 1 || string(c[0].PrevHash) != string(GenesisHash) || c[9].Seq != 10 {
		t.Errorf("seq/prev: %d %x %d", c[0].Seq, c[0].PrevHash, c[9].Seq)
	}
	if !c[0].RecordedAt.Equal(c[0].RecordedAt.Truncate(time.Microsecond)) {
		t.Error("recorded_at not truncated to microseconds")
	}
}

func TestEachTamperingNamesTheFirstBrokenLink(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		tamper  func(c []HourEntry) []HourEntry
		seq     int64
		problem string
	}{
		{"minutes changed", func(c []HourEntry) []HourEntry { c[3].Minutes = 600; return c }, 4, "altered"},
		{"reason changed", func(c []HourEntry) []HourEntry { c[2].Reason = "改"; return c }, 3, "altered"},
		{"time changed", func(c []HourEntry) []HourEntry { c[5].RecordedAt = c[5].RecordedAt.Add(time.Microsecond); return c }, 6, "altered"},
		{"kind changed", func(c []HourEntry) []HourEntry { c[0].Kind = HourMakeup; return c }, 1, "altered"},
		{"entry rehashed after a change", func(c []HourEntry) []HourEntry {
			c[3].Minutes = 600
			c[3].Hash = c[3].ComputeHash()
			return c
		}, 5, "previous hash"},
		{"entry removed", func(c []HourEntry) []HourEntry { return append(c[:4], c[5:]...) }, 6, "sequence"},
		{"entries swapped", func(c []HourEntry) []HourEntry { c[6], c[7] = c[7], c[6]; return c }, 8, "sequence"},
		{"stored hash changed", func(c []HourEntry) []HourEntry { c[8].Hash[0] ^= 1; return c }, 9, "altered"},
	}
	for _, tc := range cases {
		c := tc.tamper(testChain(5, 10))
		b := VerifyChain(c)
		if b == nil {
			t.Errorf("%s: not detected", tc.name)
			continue
		}
		if b.Seq != tc.seq || b.VolunteerID != 5 || !strings.Contains(b.Problem, tc.problem) {
			t.Errorf("%s: %v, want seq %d (%s)", tc.name, b, tc.seq, tc.problem)
		}
		if !strings.Contains(b.Error(), "volunteer 5") {
			t.Errorf("%s: error does not name the volunteer: %v", tc.name, b)
		}
	}
}

func TestLedgerVerifierStreamsManyChains(t *testing.T) {
	t.Parallel()
	var v LedgerVerifier
	var breaks []*LedgerBreak
	for vol := int64(1); vol <= 3; vol++ {
		c := testChain(vol, 4)
		if vol == 2 {
			c[1].Minutes = 1
		}
		for i := range c {
			if b := v.Next(&c[i]); b != nil {
				breaks = append(breaks, b)
			}
		}
	}
	if v.Chains != 3 || v.Entries != 12 {
		t.Errorf("counted %d chains, %d entries", v.Chains, v.Entries)
	}
	if len(breaks) != 1 || breaks[0].VolunteerID != 2 || breaks[0].Seq != 2 || breaks[0].EntryID != 2002 {
		t.Errorf("breaks: %v", breaks)
	}
}

func TestCanonicalIsUnambiguous(t *testing.T) {
	t.Parallel()
	// Moving characters between two adjacent strings must change the bytes.
	a := HourEntry{Kind: "ab", Reason: "c"}
	b := HourEntry{Kind: "a", Reason: "bc"}
	if string(a.Canonical(nil)) == string(b.Canonical(nil)) {
		t.Error("length prefixes missing")
	}
	neg := HourEntry{Minutes: -60}
	pos := HourEntry{Minutes: 60}
	if string(neg.ComputeHash()) == string(pos.ComputeHash()) {
		t.Error("sign of minutes not covered")
	}
}

func TestConfirmationSeal(t *testing.T) {
	t.Parallel()
	c := testChain(1, 1)
	conf := HourConfirmation{EntryID: c[0].ID, EntryHash: c[0].Hash, ConfirmedBy: 4, ConfirmedAt: time.Now(), Rating: 5, Comment: "认真负责"}
	conf.Seal()
	if p := conf.Check(c[0].Hash); p != "" {
		t.Fatalf("fresh confirmation: %s", p)
	}
	conf.Rating = 1
	if p := conf.Check(c[0].Hash); !strings.Contains(p, "altered") {
		t.Errorf("altered rating: %q", p)
	}
	conf.Rating = 5
	if p := conf.Check(testChain(2, 1)[0].Hash); p == "" {
		t.Error("confirmation of another entry accepted")
	}
}

// BenchmarkLedgerVerify reports chain verification speed beside bare SHA-256 over the
// same canonical bytes, the floor no verifier can beat, measured in the same loop.
func BenchmarkLedgerVerify(b *testing.B) {
	const n = 10000
	entries := make([]HourEntry, 0, n)
	for vol := int64(1); vol <= n/100; vol++ {
		entries = append(entries, testChain(vol, 100)...)
	}
	var raw [][]byte
	for i := range entries {
		raw = append(raw, entries[i].Canonical(nil))
	}
	var chainTime, rawTime time.Duration
	for b.Loop() {
		start := time.Now()
		var v LedgerVerifier
		for i := range entries {
			if br := v.Next(&entries[i]); br != nil {
				b.Fatal(br)
			}
		}
		chainTime += time.Since(start)
		start = time.Now()
		for _, r := range raw {
			sha256.Sum256(r)
		}
		rawTime += time.Since(start)
	}
	b.ReportMetric(float64(n*b.N)/chainTime.Seconds(), "entries/s")
	b.ReportMetric(float64(n*b.N)/rawTime.Seconds(), "raw-sha256/s")
	b.ReportMetric(rawTime.Seconds()/chainTime.Seconds(), "ratio")
}

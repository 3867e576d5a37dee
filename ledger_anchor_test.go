package zhiyuan

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
)

// TestAnchorKnownAnswer pins the published anchor format (docs/hours.md): fixed heads,
// day and previous hash give exactly these bytes and this hash, which sha256sum over the
// same text also gives. A change to the format fails here instead of silently breaking
// every copy of an anchor kept elsewhere.
func TestAnchorKnownAnswer(t *testing.T) {
	a, b := sha256.Sum256([]byte("a")), sha256.Sum256([]byte("b"))
	prev := sha256.Sum256([]byte("previous anchor"))
	heads := []ChainHead{{VolunteerID: 12, Seq: 1, Hash: b[:]}, {VolunteerID: 7, Seq: 3, Hash: a[:]}}
	if err := SortHeads(heads); err != nil {
		t.Fatal(err)
	}
	const want = "zhiyuan-ledger-anchor-v1\n" +
		"day 2026-12-06\n" +
		"previous fd8c240a7846375240bc3a3d7ae8e87f382b568c381242483c3938c81cbd8c38\n" +
		"chains 2\n" +
		"7 3 ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb\n" +
		"12 1 3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d\n"
	if got := string(AnchorCanonical(nil, "2026-12-06", prev[:], heads)); got != want {
		t.Fatalf("canonical bytes:\n%q\nwant\n%q", got, want)
	}
	const wantHash = "5827923ae3b3c8a5b8c023f71789acb7606f6a574b921e0533494f362dbfbebb"
	sum := sha256.Sum256([]byte(want))
	if got := hex.EncodeToString(AnchorHash("2026-12-06", prev[:], heads)); got != wantHash || hex.EncodeToString(sum[:]) != wantHash {
		t.Fatalf("anchor hash %s (sha256 of the bytes %x), want %s", got, sum, wantHash)
	}
	// The first anchor has 32 zero bytes before it, and no chains is a valid anchor.
	const first = "6de5bb501b15df5b54b864104f3a3e21ee140f79464e1706893b7586a6df4ed5"
	if got := hex.EncodeToString(AnchorHash("2026-12-06", nil, nil)); got != first {
		t.Fatalf("empty first anchor %s, want %s", got, first)
	}
	// Every input changes the hash.
	for name, h := range map[string][]byte{
		"day":      AnchorHash("2026-12-07", prev[:], heads),
		"previous": AnchorHash("2026-12-06", nil, heads),
		"seq":      AnchorHash("2026-12-06", prev[:], []ChainHead{heads[0], {VolunteerID: 12, Seq: 2, Hash: b[:]}}),
		"dropped":  AnchorHash("2026-12-06", prev[:], heads[:1]),
	} {
		if hex.EncodeToString(h) == wantHash {
			t.Errorf("changing the %s left the hash as it was", name)
		}
	}
	if err := SortHeads([]ChainHead{{VolunteerID: 3}, {VolunteerID: 3}}); err == nil {
		t.Error("two heads for one volunteer were accepted")
	}
}

// TestAnchorDay: the anchor day is the Beijing date, which runs eight hours ahead of UTC.
func TestAnchorDay(t *testing.T) {
	if got := AnchorDay(time.Date(2026, 12, 5, 16, 30, 0, 0, time.UTC)); got != "2026-12-06" {
		t.Errorf("16:30 UTC on 5 December is %s in Beijing, want 2026-12-06", got)
	}
}

// BenchmarkAnchorHash: hashing the heads of 100,000 chains, the in-memory part of making
// or checking one anchor.
func BenchmarkAnchorHash(b *testing.B) {
	heads := make([]ChainHead, 100_000)
	for i := range heads {
		sum := sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
		heads[i] = ChainHead{VolunteerID: int64(i + 1), Seq: int64(i%50 + 1), Hash: sum[:]}
	}
	b.ResetTimer()
	for range b.N {
		AnchorHash("2026-12-06", nil, heads)
	}
	b.ReportMetric(float64(len(heads))*float64(b.N)/b.Elapsed().Seconds(), "chains/s")
}

package zhiyuan

import (
	"crypto/sha256"
	"testing"
	"time"
)

// TestAnchorDay: the anchor day is the Beijing date, which runs eight hours ahead of UTC.
func TestAnchorDay(t *testing.T) {
	t.Parallel()
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

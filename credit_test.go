package zhiyuan

import (
	"testing"
	"time"
)

// TestSuspendedUntil: the third mark within 90 days suspends for 30 days from itself;
// three spread wider do not; a later third extends it; none, none.
func TestSuspendedUntil(t *testing.T) {
	t.Parallel()
	d0 := time.Date(2037, 3, 7, 10, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return d0.Add(time.Duration(n) * 24 * time.Hour) }
	cases := []struct {
		name  string
		marks []time.Time
		want  time.Time
	}{
		{"none", nil, time.Time{}},
		{"two", []time.Time{day(0), day(1)}, time.Time{}},
		{"three within 90 days, out of order", []time.Time{day(80), day(0), day(40)}, day(80 + 30)},
		{"three over 90 days", []time.Time{day(0), day(45), day(90)}, time.Time{}},
		{"a fourth extends", []time.Time{day(0), day(10), day(20), day(50)}, day(50 + 30)},
	}
	for _, c := range cases {
		if got := SuspendedUntil(c.marks); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// Standing: a mark makes a one-star volunteer fair; a waived one does not count.
	m := &CreditMark{Status: MarkActive, OccurredAt: day(0), ExpiresAt: day(0).Add(CreditMarkLife)}
	if st := StandingAt([]*CreditMark{m}, 100*60, time.Time{}, day(10)); st.Good || st.Code() != "fair" {
		t.Errorf("with a mark: %+v", st)
	}
	m.Status = MarkWaived
	if st := StandingAt([]*CreditMark{m}, 100*60, time.Time{}, day(10)); !st.Good || st.Code() != "good" {
		t.Errorf("mark waived: %+v", st)
	}
	if st := StandingAt(nil, 99*60, time.Time{}, day(10)); st.Good {
		t.Errorf("no star: %+v", st)
	}
	if st := StandingAt(nil, 100*60, day(20), day(10)); st.Code() != "suspended" {
		t.Errorf("suspended: %+v", st)
	}
}

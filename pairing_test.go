package zhiyuan

import (
	"testing"
	"time"
)

// TestPairingVisitTimes: weekly visits from a Saturday through three weeks later are four,
// each at the visit time Beijing time for the visit's length, one seat per volunteer.
func TestPairingVisitTimes(t *testing.T) {
	t.Parallel()
	p := Pairing{Recipient: "五山街道独居长者A户", Category: CatElderly, Address: "天河区五山街道", StartsOn: "2037-03-07",
		EndsOn: "2037-03-28", EveryDays: 7, VisitTime: "09:30", VisitMinutes: 90, VolunteersPerVisit: 2}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	v := p.VisitTimes()
	if len(v) != 4 {
		t.Fatalf("%d visits", len(v))
	}
	last := time.Date(2037, 3, 28, 9, 30, 0, 0, Beijing)
	if !v[3].StartsAt.Equal(last) || v[3].EndsAt.Sub(v[3].StartsAt) != 90*time.Minute || v[3].Capacity != 2 {
		t.Fatalf("last visit %+v", v[3])
	}
	if p.Cadence() != "每周" {
		t.Fatalf("cadence %q", p.Cadence())
	}
	p.EveryDays, p.EndsOn = 1, "2038-03-01"
	if err := p.Validate(); ErrorFields(err)["every_days"] == "" {
		t.Fatalf("more visits than an activity holds: %v", err)
	}
}

// TestVisitStateAt: the rule every page, the API and the warning read.
func TestVisitStateAt(t *testing.T) {
	t.Parallel()
	start := time.Date(2037, 3, 14, 1, 30, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	ended := start.Add(-time.Hour)
	cases := []struct {
		name         string
		held, cancel bool
		endedAt, now time.Time
		want         VisitState
	}{
		{"before it", false, false, time.Time{}, start, VisitScheduled},
		{"just over", false, false, time.Time{}, end, VisitAwaiting},
		{"grace not over", false, false, time.Time{}, end.Add(PairingVisitGrace - time.Second), VisitAwaiting},
		{"grace over", false, false, time.Time{}, end.Add(PairingVisitGrace), VisitMissed},
		{"held late", true, false, time.Time{}, end.Add(10 * PairingVisitGrace), VisitHeld},
		{"session cancelled", false, true, time.Time{}, end.Add(10 * PairingVisitGrace), VisitCancelled},
		{"after an early end", false, false, ended, end.Add(10 * PairingVisitGrace), VisitCancelled},
		{"before an early end", false, false, end.Add(time.Hour), end.Add(10 * PairingVisitGrace), VisitMissed},
	}
	for _, c := range cases {
		if got := VisitStateAt(start, end, c.held, c.cancel, c.endedAt, c.now); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

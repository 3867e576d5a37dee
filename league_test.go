package zhiyuan

import "testing"

// TestLeagueRate checks the one formula of the League registration rate as pages show it:
// one decimal, no rate without a roster (无花名册, not a division by zero), a rate above
// 100 % shown and flagged, and the units-behind order (lowest first, no roster last).
func TestLeagueRate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		r     LeagueRate
		shown string
		over  bool
	}{
		{LeagueRate{Members: 6, Roster: 65}, "9.2%", false},
		{LeagueRate{Members: 0, Roster: 40}, "0.0%", false},
		{LeagueRate{Members: 40, Roster: 40}, "100.0%", false},
		{LeagueRate{Members: 2, Roster: 1}, "200.0%", true},
		{LeagueRate{Members: 3, Roster: 0}, LeagueNoRoster, false},
		{LeagueRate{}, LeagueNoRoster, false},
	} {
		if got := c.r.Percent(); got != c.shown || c.r.Over() != c.over {
			t.Errorf("%+v: %q over %v, want %q over %v", c.r, got, c.r.Over(), c.shown, c.over)
		}
		if _, ok := c.r.Ratio(); ok != c.r.HasRoster() || ok != (c.r.Roster > 0) {
			t.Errorf("%+v: ratio ok %v", c.r, ok)
		}
	}
	low, high, none := LeagueRate{Members: 2, Roster: 30}, LeagueRate{Members: 2, Roster: 5}, LeagueRate{Members: 9, Roster: 0}
	if !low.Less(high) || high.Less(low) || !high.Less(none) || none.Less(low) || none.Less(none) {
		t.Error("units behind: lowest rate first, units without a roster last")
	}
}

// TestParseLeagueRoster checks the roster count as typed on the page: digits with or
// without thousands separators, 0 to LeagueRosterMax, anything else refused at "count".
func TestParseLeagueRoster(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"1200": 1200, " 1,200 ": 1200, "1，200": 1200, "0": 0, "10000000": LeagueRosterMax} {
		if n, err := ParseLeagueRoster(in); err != nil || n != want {
			t.Errorf("%q: %d %v, want %d", in, n, err, want)
		}
	}
	for in, reason := range map[string]Msg{"": "league.roster_required", "-1": "league.roster_range", "10000001": "league.roster_range",
		"很多": "league.roster_integer", "1.5": "league.roster_integer"} {
		_, err := ParseLeagueRoster(in)
		e, ok := err.(*Error)
		if !ok || e.Code != EInvalid || e.Fields["count"] == "" || e.Problems["count"].Reason != reason {
			t.Errorf("%q: %v, want %s at count", in, err, reason)
		}
	}
}

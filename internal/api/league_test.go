package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

type leagueRateResp struct {
	Members  int      `json:"members"`
	Roster   int      `json:"roster"`
	Rate     *float64 `json:"rate"`
	RateText string   `json:"rate_text"`
	Over     bool     `json:"over"`
}

func (r leagueRateResp) figure() zhiyuan.LeagueRate {
	return zhiyuan.LeagueRate{Members: r.Members, Roster: r.Roster}
}

type leagueOrgResp struct {
	ID       int64          `json:"id"`
	Name     string         `json:"name"`
	Own      leagueRateResp `json:"own"`
	Subtree  leagueRateResp `json:"subtree"`
	Children []struct {
		ID      int64          `json:"id"`
		Own     leagueRateResp `json:"own"`
		Subtree leagueRateResp `json:"subtree"`
	} `json:"children"`
}

type leagueRegionResp struct {
	Code string `json:"code"`
	leagueRateResp
	Children []struct {
		Code string `json:"code"`
		leagueRateResp
	} `json:"children"`
}

func rate(members, roster int) zhiyuan.LeagueRate {
	return zhiyuan.LeagueRate{Members: members, Roster: roster}
}

// TestLeagueRateThreeLevels checks the League registration rate of a three-level tree,
// and of its districts, cities and province, against the figures worked out by hand in
// servertest.LeagueTree's comment: a member of two units of a subtree counts once, a pending
// membership, a closed account, another political status and a pending unit do not count.
func TestLeagueRateThreeLevels(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RolePlatform})

		// Own and subtree figures of every unit, as its own page would ask.
		wantOwn := map[string]zhiyuan.LeagueRate{"A": rate(1, 10), "B": rate(1, 20), "C": rate(2, 30), "D": rate(2, 5), "E": rate(1, 0), "F": rate(2, 1)}
		wantSub := map[string]zhiyuan.LeagueRate{"A": rate(6, 65), "B": rate(3, 25), "C": rate(2, 30), "D": rate(2, 5), "E": rate(1, 0), "F": rate(2, 1)}
		for key := range wantOwn {
			res := e.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", ids[key]), province, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", key, res.Status, res.Body)
			}
			var got leagueOrgResp
			res.Decode(&got)
			if got.Own.figure() != wantOwn[key] || got.Subtree.figure() != wantSub[key] {
				t.Errorf("%s: own %+v subtree %+v, want %+v and %+v", key, got.Own.figure(), got.Subtree.figure(), wantOwn[key], wantSub[key])
			}
			if got.Subtree.RateText != wantSub[key].Percent() || got.Subtree.Over != wantSub[key].Over() {
				t.Errorf("%s: rate shown %q over %v", key, got.Subtree.RateText, got.Subtree.Over)
			}
		}
		// A's children: B and C with their subtrees (the pending P is not listed).
		var a leagueOrgResp
		e.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", ids["A"]), province, nil).Decode(&a)
		kids := map[int64]zhiyuan.LeagueRate{}
		for _, c := range a.Children {
			kids[c.ID] = c.Subtree.figure()
		}
		if len(kids) != 2 || kids[ids["B"]] != wantSub["B"] || kids[ids["C"]] != wantSub["C"] {
			t.Errorf("A's children: %+v", a.Children)
		}
		// The shapes of the three cases: no roster, over 100 %, an ordinary rate.
		var eOrg, fOrg leagueOrgResp
		e.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", ids["E"]), province, nil).Decode(&eOrg)
		e.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", ids["F"]), province, nil).Decode(&fOrg)
		if eOrg.Own.Rate != nil || eOrg.Own.RateText != zhiyuan.LeagueNoRoster || eOrg.Own.Over {
			t.Errorf("E without a roster: %+v", eOrg.Own)
		}
		if fOrg.Own.Rate == nil || *fOrg.Own.Rate != 2 || fOrg.Own.RateText != "200.0%" || !fOrg.Own.Over {
			t.Errorf("F over its roster: %+v", fOrg.Own)
		}
		if a.Subtree.Rate == nil || fmt.Sprintf("%.4f", *a.Subtree.Rate) != "0.0923" || a.Subtree.RateText != "9.2%" {
			t.Errorf("A: %+v", a.Subtree)
		}

		// Regions: districts, cities, the province; each League member once per region.
		wantRegion := map[string]zhiyuan.LeagueRate{
			"440106": rate(3, 35), "440105": rate(1, 0), "440104": rate(2, 30), "440103": rate(0, 0),
			"440100": rate(6, 65), "440300": rate(2, 1), "440305": rate(2, 1), "440000": rate(7, 66),
		}
		for code, want := range wantRegion {
			res := e.Do("GET", "/api/v1/regions/"+code+"/league-rate", province, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", code, res.Status, res.Body)
			}
			var got leagueRegionResp
			res.Decode(&got)
			if got.Code != code || got.figure() != want {
				t.Errorf("region %s: %+v, want %+v", code, got.figure(), want)
			}
		}
		// Side by side: the city with its districts, the province with its cities.
		var city, prov leagueRegionResp
		e.Do("GET", "/api/v1/regions/440100/league-rate", province, nil).Decode(&city)
		e.Do("GET", "/api/v1/regions/440000/league-rate", province, nil).Decode(&prov)
		for _, kids := range []struct {
			of   leagueRegionResp
			want map[string]zhiyuan.LeagueRate
		}{
			{city, map[string]zhiyuan.LeagueRate{"440104": rate(2, 30), "440105": rate(1, 0), "440106": rate(3, 35), "440111": rate(0, 0)}},
			{prov, map[string]zhiyuan.LeagueRate{"440100": rate(6, 65), "440300": rate(2, 1), "440600": rate(0, 0)}},
		} {
			seen := 0
			for _, c := range kids.of.Children {
				if w, ok := kids.want[c.Code]; ok {
					seen++
					if c.figure() != w {
						t.Errorf("%s's child %s: %+v, want %+v", kids.of.Code, c.Code, c.figure(), w)
					}
				}
			}
			if seen != len(kids.want) {
				t.Errorf("%s's children: %d of %d expected found", kids.of.Code, seen, len(kids.want))
			}
		}
	})
}

// TestLeagueRosterEdit checks that a unit's admin (and an admin above it) records the
// roster count, that each change is audited with the old and the new count, and that a
// bad count is a 422 naming the field, leaving the count as it was.
func TestLeagueRosterEdit(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		tokenA, adminA := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: ids["A"]})
		path := fmt.Sprintf("/api/v1/organizations/%d/league-roster", ids["B"])

		res := e.Do("PUT", path, tokenA, map[string]any{"count": 40})
		if res.Status != http.StatusOK {
			t.Fatalf("roster by the parent's admin: %d %s", res.Status, res.Body)
		}
		var got leagueOrgResp
		res.Decode(&got)
		if got.Own.figure() != rate(1, 40) || got.Subtree.figure() != rate(3, 45) {
			t.Errorf("B after the change: own %+v subtree %+v", got.Own.figure(), got.Subtree.figure())
		}
		for _, bad := range []struct {
			body   any
			reason zhiyuan.Msg
		}{
			{map[string]any{"count": -1}, "league.roster_range"},
			{map[string]any{"count": zhiyuan.LeagueRosterMax + 1}, "league.roster_range"},
			{map[string]any{}, "league.roster_required"},
			{map[string]any{"count": "many"}, "api.json_type"},
		} {
			res := e.Do("PUT", path, tokenA, bad.body)
			_, fields := res.Reasons()
			if res.Status != http.StatusUnprocessableEntity || fields["count"] != bad.reason {
				t.Errorf("%v: %d %s", bad.body, res.Status, res.Body)
			}
		}
		// Unchanged by the refused ones; the same count again writes nothing.
		if res := e.Do("PUT", path, tokenA, map[string]any{"count": 40}); res.Status != http.StatusOK {
			t.Fatalf("same count: %d", res.Status)
		}
		entries, err := e.Store.FindAudit(t.Context(), zhiyuan.AuditFilter{RegionPrefix: "*", Action: "org.league_roster", ActorID: adminA})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || !strings.Contains(entries[0].Detail, "20 → 40") || entries[0].OrgID != ids["B"] {
			t.Fatalf("audit of the roster change: %+v", entries)
		}
		// A volunteer may not, and a pending unit has no rate to record yet.
		vol, _ := orgVolunteer(t, e, "路人")
		if res := e.Do("PUT", path, vol, map[string]any{"count": 1}); res.Status != http.StatusForbidden {
			t.Errorf("volunteer: %d", res.Status)
		}
		if res := e.Do("PUT", fmt.Sprintf("/api/v1/organizations/%d/league-roster", ids["P"]), tokenA, map[string]any{"count": 1}); res.Status != http.StatusConflict {
			t.Errorf("pending unit: %d %s", res.Status, res.Body)
		}
	})
}

// TestLeagueRateScope checks that a regional admin reads the figures of their own region
// only: 深圳's admin gets 403 for 广州 and its units, and their units-behind list holds
// 深圳's units alone.
func TestLeagueRateScope(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		sz, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		gz, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		orgAdmin, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: ids["A"]})
		for _, c := range []struct {
			who, token, method, path string
			body                     any
			want                     int
		}{
			{"深圳", sz, "GET", "/api/v1/regions/440100/league-rate", nil, http.StatusForbidden},
			{"深圳", sz, "GET", "/api/v1/regions/440000/league-rate", nil, http.StatusForbidden},
			{"深圳", sz, "GET", "/api/v1/regions/440106/league-rate", nil, http.StatusForbidden},
			{"深圳", sz, "GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", ids["A"]), nil, http.StatusForbidden},
			{"深圳", sz, "PUT", fmt.Sprintf("/api/v1/organizations/%d/league-roster", ids["B"]), map[string]any{"count": 1}, http.StatusForbidden},
			{"深圳", sz, "GET", "/api/v1/league-units?region=440100", nil, http.StatusForbidden},
			{"深圳", sz, "GET", "/api/v1/regions/440300/league-rate", nil, http.StatusOK},
			{"深圳", sz, "GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", ids["F"]), nil, http.StatusOK},
			{"广州", gz, "GET", "/api/v1/regions/440106/league-rate", nil, http.StatusOK},
			{"广州", gz, "GET", "/api/v1/league-units?sort=height", nil, http.StatusUnprocessableEntity},
			{"unit", orgAdmin, "GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", ids["D"]), nil, http.StatusOK},
			{"unit", orgAdmin, "GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", ids["F"]), nil, http.StatusForbidden},
			{"unit", orgAdmin, "GET", "/api/v1/regions/440106/league-rate", nil, http.StatusForbidden},
			{"unit", orgAdmin, "GET", "/api/v1/league-units", nil, http.StatusForbidden},
			{"anonymous", "", "GET", "/api/v1/regions/440100/league-rate", nil, http.StatusUnauthorized},
			{"广州", gz, "GET", "/api/v1/regions/999999/league-rate", nil, http.StatusNotFound},
		} {
			if res := e.Do(c.method, c.path, c.token, c.body); res.Status != c.want {
				t.Errorf("%s %s %s: %d, want %d (%s)", c.who, c.method, c.path, res.Status, c.want, res.Body)
			}
		}
		var units struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		e.Do("GET", "/api/v1/league-units", sz, nil).Decode(&units)
		if units.Total != 1 || len(units.Items) != 1 || units.Items[0].ID != ids["F"] {
			t.Errorf("深圳's units: %+v", units)
		}
	})
}

// TestLeagueUnitsOrder checks the units-behind list of 广州: lowest rate first and the
// unit without a roster last, the order zhiyuan.LeagueRate.Less gives; reversed and by
// the other columns on request.
func TestLeagueUnitsOrder(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		gz, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		type unitsResp struct {
			Items []struct {
				ID      int64          `json:"id"`
				Subtree leagueRateResp `json:"subtree"`
			} `json:"items"`
			Total int `json:"total"`
			Pages int `json:"pages"`
		}
		order := func(query string) []int64 {
			res := e.Do("GET", "/api/v1/league-units"+query, gz, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", query, res.Status, res.Body)
			}
			var u unitsResp
			res.Decode(&u)
			var out []int64
			for i, it := range u.Items {
				out = append(out, it.ID)
				if query == "" && i > 0 && it.Subtree.figure().Less(u.Items[i-1].Subtree.figure()) {
					t.Errorf("unit %d before %d: not in LeagueRate.Less order", u.Items[i-1].ID, it.ID)
				}
			}
			if u.Total != 5 || u.Pages != 1 {
				t.Errorf("%s: total %d pages %d", query, u.Total, u.Pages)
			}
			return out
		}
		// C 2/30, A 6/65, B 3/25, D 2/5, E no roster.
		want := fmt.Sprint([]int64{ids["C"], ids["A"], ids["B"], ids["D"], ids["E"]})
		if got := fmt.Sprint(order("")); got != want {
			t.Errorf("by rate: %s, want %s", got, want)
		}
		if got, want := fmt.Sprint(order("?order=desc")), fmt.Sprint([]int64{ids["D"], ids["B"], ids["A"], ids["C"], ids["E"]}); got != want {
			t.Errorf("by rate, highest first: %s, want %s", got, want)
		}
		if got, want := fmt.Sprint(order("?sort=roster&order=desc")), fmt.Sprint([]int64{ids["A"], ids["C"], ids["B"], ids["D"], ids["E"]}); got != want {
			t.Errorf("by roster: %s, want %s", got, want)
		}
		if got := order("?sort=registered"); got[len(got)-1] != ids["A"] || got[0] != ids["E"] {
			t.Errorf("by registered: %v", got)
		}
		var tianhe unitsResp
		e.Do("GET", "/api/v1/league-units?region=440106", gz, nil).Decode(&tianhe)
		if tianhe.Total != 3 || len(tianhe.Items) != 3 || tianhe.Items[0].ID != ids["A"] || tianhe.Items[1].ID != ids["B"] || tianhe.Items[2].ID != ids["D"] {
			t.Errorf("天河's units: %+v", tianhe)
		}
	})
}

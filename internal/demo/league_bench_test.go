package demo

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// BenchmarkLeagueRate times the League registration rate's grouped queries on the demo
// province (its ~400 organisations three levels deep, 100,000 volunteers by default,
// ZHIYUAN_BENCH_LEAGUE_VOLUNTEERS overrides, one to three memberships each): the
// province-wide units-behind page (every unit's subtree figure, sorted by rate), the
// province beside its 21 cities, and 广州's League committee with its children. Each is
// printed beside a reference measured in the same run: one pass counting the League
// members of every organisation (the least any rate must read). Subtree rollups read each
// membership once per level above it, so the ratios should stay near the tree's depth.
// The regional admin's home page reads the province's rate alone and its lagging units
// (home_region_ratio, home_lagging_ratio: what a load costs once a minute, LeagueHomeTTL)
// and otherwise its kept copy: home_first_ms is a province admin's first load of the whole
// home page, home_kept_ms (and its ratio) a load within the minute.
func BenchmarkLeagueRate(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("ZHIYUAN_BENCH_LEAGUE_VOLUNTEERS")); err == nil && v > 0 {
		n = v
	}
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchLeague(b, engine, n)
			}
		})
	}
}

func benchLeague(b *testing.B, engine string, volunteers int) {
	ctx := context.Background()
	s := storetest.New(b, engine, sqlstore.Options{})
	keys, err := pii.NewKeys()
	if err != nil {
		b.Fatal(err)
	}
	cfg := app.DefaultConfig()
	cfg.Password = password.Fast
	a := app.New(s, keys, region.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	start := time.Now()
	if _, err := Fill(ctx, a, s, Options{Volunteers: volunteers, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	load := time.Since(start)
	if engine == "postgres" {
		if _, err := s.DB().Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	var cityOrg int64
	if err := s.DB().QueryRow(s.Rebind("SELECT id FROM organizations WHERE name = ?"), "共青团广州市委员会").Scan(&cityOrg); err != nil {
		b.Fatal(err)
	}
	province := zhiyuan.LeagueUnitFilter{Scope: zhiyuan.OrgScope{All: true}, Sort: zhiyuan.LeagueByRate, Limit: zhiyuan.LeagueUnitsPage}
	codes, prefixes := []string{"440000"}, []string{"44"}
	for _, c := range a.Regions.Children("440000") {
		codes, prefixes = append(codes, c.Code), append(prefixes, zhiyuan.ScopePrefix(c.Code))
	}
	reference := func() int {
		rows, err := s.DB().Query(s.Rebind(`SELECT m.org_id, COUNT(*) FROM org_members m JOIN volunteers v ON v.id = m.volunteer_id
			WHERE m.status = 'approved' AND v.status = 'active' AND v.political_status = ? GROUP BY m.org_id`), zhiyuan.LeagueMemberStatus)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
		}
		return n
	}
	units := func() int {
		list, _, err := s.LeagueUnits(ctx, province)
		if err != nil {
			b.Fatal(err)
		}
		return len(list)
	}
	regions := func() int {
		list, err := s.LeagueRegionFigures(ctx, codes, prefixes)
		if err != nil {
			b.Fatal(err)
		}
		return list[0].Members
	}
	org := func() int {
		own, _, err := s.LeagueOrgFigures(ctx, cityOrg)
		if err != nil {
			b.Fatal(err)
		}
		return own.Subtree.Members
	}
	// The regional admin's home page: the province's rate alone, and its lagging units
	// (what the page counts when its LeagueHomeTTL copy is stale), then the whole home
	// page as a province admin loads it again within LeagueHomeTTL.
	homeRegion := func() int {
		list, err := s.LeagueRegionFigures(ctx, codes[:1], prefixes[:1])
		if err != nil {
			b.Fatal(err)
		}
		return list[0].Members
	}
	lagging := func() int {
		n, err := s.CountLeagueLagging(ctx, zhiyuan.LeagueUnitFilter{Scope: zhiyuan.OrgScope{All: true}}, zhiyuan.LeagueLaggingPercent)
		if err != nil {
			b.Fatal(err)
		}
		return n + 1
	}
	acc := &zhiyuan.Account{Phone: "13900009999", Name: "省级管理员"}
	if err := s.CreateAccount(ctx, acc, "x"); err != nil {
		b.Fatal(err)
	}
	role := zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"}
	if err := s.GrantRole(ctx, acc.ID, role, acc.ID); err != nil {
		b.Fatal(err)
	}
	admin := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: []zhiyuan.Role{role}}
	home := func() int {
		d, err := a.Dashboard(ctx, admin, app.HomeQuery{})
		if err != nil || len(d.Scopes) == 0 || !d.Scopes[0].HasLeague {
			b.Fatalf("home %+v %v", d, err)
		}
		return d.Scopes[0].League.Members
	}
	ref := leagueTime(b, reference)
	started := time.Now()
	home() // the first load counts
	homeCold := time.Since(started)
	u, r, o := leagueTime(b, units), leagueTime(b, regions), leagueTime(b, org)
	hr, hl, hw := leagueTime(b, homeRegion), leagueTime(b, lagging), leagueTime(b, home)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(ref), "reference_ms")
	b.ReportMetric(ms(u), "units_page_ms")
	b.ReportMetric(ms(u)/ms(ref), "units_ratio")
	b.ReportMetric(ms(r), "province_cities_ms")
	b.ReportMetric(ms(r)/ms(ref), "regions_ratio")
	b.ReportMetric(ms(o), "city_org_ms")
	b.ReportMetric(ms(o)/ms(ref), "org_ratio")
	b.ReportMetric(ms(hr)/ms(ref), "home_region_ratio")
	b.ReportMetric(ms(hl)/ms(ref), "home_lagging_ratio")
	b.ReportMetric(ms(homeCold), "home_first_ms")
	b.ReportMetric(ms(hw), "home_kept_ms")
	b.ReportMetric(ms(hw)/ms(ref), "home_kept_ratio")
	b.ReportMetric(load.Seconds(), "load_s")
	b.ReportMetric(0, "ns/op")
}

// leagueTime runs f a few times and returns the fastest run: on a shared machine the
// other work running at the same time lengthens some runs, never shortens one, so the
// fastest is the statement's own cost (the reference is timed the same way).
func leagueTime(b *testing.B, f func() int) time.Duration {
	b.Helper()
	f()
	const runs = 7
	best := time.Duration(1<<63 - 1)
	for range runs {
		start := time.Now()
		if f() == 0 {
			b.Fatal("query found nothing")
		}
		best = min(best, time.Since(start))
	}
	return best
}

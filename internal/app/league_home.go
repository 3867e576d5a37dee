package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"zhiyuan"
)

// LeagueHomeTTL is how old the League figures on a regional admin's home page may be: the
// scope's registration rate and the count of lagging units (落后单位). Both are grouped
// counts over every approved membership of the scope (a province: every one), too dear to
// run on each load of the most visited page of an admin; they are kept this long per
// scope. Saving a roster count (by hand or by an import of rosters) forgets them at once;
// other changes (registrations, memberships approved, a member list imported) show within
// LeagueHomeTTL. The League pages themselves (the units-behind list, a region's and an
// organisation's rate, the API) always count afresh.
const LeagueHomeTTL = time.Minute

// leagueHomeCache keeps the home page's League figures per scope for LeagueHomeTTL.
type leagueHomeCache struct {
	mu      sync.Mutex
	entries map[string]leagueHomeEntry
}

type leagueHomeEntry struct {
	at   time.Time
	rate zhiyuan.LeagueRegionRate
	n    int
}

// leagueHomeMax bounds the entries kept: one per region or scope an admin looks at.
const leagueHomeMax = 1000

// cached returns the entry under key if it is younger than LeagueHomeTTL, or computes,
// keeps and returns it. Only successes are kept.
func (c *leagueHomeCache) cached(key string, now time.Time, compute func() (leagueHomeEntry, error)) (leagueHomeEntry, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < LeagueHomeTTL && !now.Before(e.at) {
		return e, nil
	}
	e, err := compute()
	if err != nil {
		return e, err
	}
	e.at = now
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= leagueHomeMax {
		c.entries = map[string]leagueHomeEntry{} // old scopes go all at once: a rare event
	}
	c.entries[key] = e
	return e, nil
}

// forget drops every kept figure: a roster count changed.
func (c *leagueHomeCache) forget() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}

// homeRegionLeagueRate is a region's League rate for a regional admin's home page, at most
// LeagueHomeTTL old: the region alone (its children's figures are on the League pages),
// after the same authorisation as RegionLeagueRate.
func (a *App) homeRegionLeagueRate(ctx context.Context, p *zhiyuan.Principal, code string) (zhiyuan.LeagueRegionRate, error) {
	reg, ok := a.Regions.Lookup(code)
	if !ok {
		return zhiyuan.LeagueRegionRate{}, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.region")
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: reg.Code}); err != nil {
		return zhiyuan.LeagueRegionRate{}, err
	}
	e, err := a.leagueHome.cached("rate "+reg.Code, a.store.Now(), func() (leagueHomeEntry, error) {
		list, err := a.store.LeagueRegionFigures(ctx, []string{reg.Code}, []string{zhiyuan.ScopePrefix(reg.Code)})
		if err != nil || len(list) == 0 {
			return leagueHomeEntry{}, err
		}
		return leagueHomeEntry{rate: list[0]}, nil
	})
	return e.rate, err
}

// homeLaggingUnits is CountLaggingUnits for the caller's whole scope, as a regional
// admin's home page counts it, at most LeagueHomeTTL old (kept per scope: the filter the
// caller's roles make).
func (a *App) homeLaggingUnits(ctx context.Context, p *zhiyuan.Principal) (int, error) {
	f, _, err := a.leagueUnitFilter(ctx, p, LeagueUnitQuery{})
	if err != nil {
		return 0, err
	}
	e, err := a.leagueHome.cached(fmt.Sprintf("lagging %+v", f), a.store.Now(), func() (leagueHomeEntry, error) {
		n, err := a.store.CountLeagueLagging(ctx, f, zhiyuan.LeagueLaggingPercent)
		return leagueHomeEntry{n: n}, err
	})
	return e.n, err
}

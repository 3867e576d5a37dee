package app

import (
	"context"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/region"
)

// LeagueOrgFigures is an organisation's League registration figures (its own and its
// subtree's, zhiyuan.LeagueOrgRate) with each of its approved children's.
type LeagueOrgFigures struct {
	Org      zhiyuan.LeagueOrgRate
	Children []zhiyuan.LeagueOrgRate
}

// OrgLeagueRate returns an approved organisation's League figures to whoever manages it:
// its own admins, admins of an organisation above it, regional admins of its region. The
// rate is no one's personal data, but it is the units' work in progress, watched from
// above; the public page does not show it.
func (a *App) OrgLeagueRate(ctx context.Context, p *zhiyuan.Principal, orgID int64) (LeagueOrgFigures, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return LeagueOrgFigures{}, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return LeagueOrgFigures{}, zhiyuan.Fail(zhiyuan.EConflict, "league.org_not_approved")
	}
	own, children, err := a.store.LeagueOrgFigures(ctx, o.ID)
	if err != nil {
		return LeagueOrgFigures{}, err
	}
	return LeagueOrgFigures{Org: own, Children: children}, nil
}

// SetLeagueRoster records an approved organisation's League roster count (团员总数) for
// whoever manages it, audited with the old and the new count, and returns its figures.
func (a *App) SetLeagueRoster(ctx context.Context, p *zhiyuan.Principal, orgID int64, count int) (LeagueOrgFigures, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return LeagueOrgFigures{}, err
	}
	if err := zhiyuan.CheckLeagueRoster(count); err != nil {
		return LeagueOrgFigures{}, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return LeagueOrgFigures{}, zhiyuan.Fail(zhiyuan.EConflict, "league.org_not_approved")
	}
	entry := a.auditEntry(ctx, p, "org.league_roster", "organization", strconv.FormatInt(o.ID, 10), o.RegionCode, o.ID, o.Name+"：")
	if _, err := a.store.SetLeagueRoster(ctx, o.ID, count, entry); err != nil {
		return LeagueOrgFigures{}, err
	}
	a.leagueHome.forget()
	return a.OrgLeagueRate(ctx, p, orgID)
}

// LeagueRegionFigures is a region's League registration figure beside its child
// regions' (a province's cities, a city's districts, a district's streets).
type LeagueRegionFigures struct {
	Region   zhiyuan.LeagueRegionRate
	Children []zhiyuan.LeagueRegionRate
}

// RegionLeagueRate returns a region's figure and its child regions' to a regional admin
// whose scope contains it (the platform's sees every region). Organisations register at
// county level or above, so a street's figure is empty and the units of a city registered
// at the city itself count in the city's figure and in none of its districts'.
func (a *App) RegionLeagueRate(ctx context.Context, p *zhiyuan.Principal, code string) (LeagueRegionFigures, error) {
	reg, ok := a.Regions.Lookup(strings.TrimSpace(code))
	if !ok {
		return LeagueRegionFigures{}, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.region")
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: reg.Code}); err != nil {
		return LeagueRegionFigures{}, err
	}
	regions := append([]region.Region{reg}, a.Regions.Children(reg.Code)...)
	codes, prefixes := make([]string, len(regions)), make([]string, len(regions))
	for i, r := range regions {
		codes[i], prefixes[i] = r.Code, zhiyuan.ScopePrefix(r.Code)
	}
	list, err := a.store.LeagueRegionFigures(ctx, codes, prefixes)
	if err != nil {
		return LeagueRegionFigures{}, err
	}
	return LeagueRegionFigures{Region: list[0], Children: list[1:]}, nil
}

// LeagueUnitQuery is a request for the units-behind list (落后单位) as a page or a
// program sends it: region code ("" for the caller's whole scope), sort (a
// zhiyuan.LeagueSort, "" for the rate), descending, page from 1.
type LeagueUnitQuery struct {
	Region string
	Sort   string
	Desc   bool
	Page   int
}

// LeagueUnitPage is one page of the units-behind list.
type LeagueUnitPage struct {
	Items       []zhiyuan.LeagueOrgRate
	Total       int // units in the list, every page
	Page, Pages int
	Sort        zhiyuan.LeagueSort
	Desc        bool
	Region      string // the region code asked for, normalised; "" for the whole scope
}

// LeagueUnits lists the approved organisations in a regional admin's scope (and in
// q.Region, which must lie in it) with their subtrees' figures, lowest rate first unless
// q says otherwise, zhiyuan.LeagueUnitsPage a page.
func (a *App) LeagueUnits(ctx context.Context, p *zhiyuan.Principal, q LeagueUnitQuery) (LeagueUnitPage, error) {
	f, page, err := a.leagueUnitFilter(ctx, p, q)
	if err != nil {
		return page, err
	}
	f.Limit, f.Offset = zhiyuan.LeagueUnitsPage, (page.Page-1)*zhiyuan.LeagueUnitsPage
	items, total, err := a.store.LeagueUnits(ctx, f)
	if err != nil {
		return page, err
	}
	page.Items, page.Total = items, total
	page.Pages = max(1, (total+zhiyuan.LeagueUnitsPage-1)/zhiyuan.LeagueUnitsPage)
	return page, nil
}

// LeagueUnitsExport is every unit of the list q asks for (its page aside), in its order,
// at most zhiyuan.LeagueUnitsExportMax: the rows of the .xlsx export.
func (a *App) LeagueUnitsExport(ctx context.Context, p *zhiyuan.Principal, q LeagueUnitQuery) (LeagueUnitPage, error) {
	f, page, err := a.leagueUnitFilter(ctx, p, q)
	if err != nil {
		return page, err
	}
	f.Limit = zhiyuan.LeagueUnitsExportMax
	items, total, err := a.store.LeagueUnits(ctx, f)
	page.Items, page.Total, page.Page, page.Pages = items, total, 1, 1
	return page, err
}

// leagueUnitFilter checks q against p's scope: regional admins' regions, everything for
// the platform's; anyone else is refused by Authorize.
func (a *App) leagueUnitFilter(ctx context.Context, p *zhiyuan.Principal, q LeagueUnitQuery) (zhiyuan.LeagueUnitFilter, LeagueUnitPage, error) {
	page := LeagueUnitPage{Sort: zhiyuan.LeagueSort(strings.TrimSpace(q.Sort)), Desc: q.Desc, Page: max(q.Page, 1)}
	if page.Sort == "" {
		page.Sort = zhiyuan.LeagueByRate
	}
	if !page.Sort.Valid() {
		return zhiyuan.LeagueUnitFilter{}, page, zhiyuan.FieldFail(zhiyuan.EInvalid, "sort", "league.sort_unknown")
	}
	var f zhiyuan.LeagueUnitFilter
	if r := strings.TrimSpace(q.Region); r != "" {
		code, ok := a.Regions.Normalize(r)
		if !ok {
			return f, page, zhiyuan.FieldFail(zhiyuan.EInvalid, "region", "region.unknown")
		}
		if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: code}); err != nil {
			return f, page, err
		}
		page.Region, f.RegionPrefix = code, zhiyuan.ScopePrefix(code)
	}
	if p == nil {
		return f, page, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	sc := a.orgScope(p)
	f.Scope = zhiyuan.OrgScope{All: sc.All, RegionPrefixes: sc.RegionPrefixes}
	if !f.Scope.All && len(f.Scope.RegionPrefixes) == 0 {
		// No region to oversee: ask the one authorisation function, which refuses.
		if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{}); err != nil {
			return f, page, err
		}
	}
	f.Sort, f.Desc = page.Sort, page.Desc
	return f, page, nil
}

// CountLaggingUnits counts the units of the units-behind list q asks for (within the
// caller's scope) that registered fewer than zhiyuan.LeagueLaggingPercent of their
// roster: the lagging units (落后单位) waiting on a regional admin's home page.
func (a *App) CountLaggingUnits(ctx context.Context, p *zhiyuan.Principal, q LeagueUnitQuery) (int, error) {
	f, _, err := a.leagueUnitFilter(ctx, p, q)
	if err != nil {
		return 0, err
	}
	return a.store.CountLeagueLagging(ctx, f, zhiyuan.LeagueLaggingPercent)
}

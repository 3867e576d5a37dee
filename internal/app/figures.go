package app

import (
	"context"
	"io"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/sheet"
)

// Figures of a region or an organisation subtree (issue 13): read from the summary tables
// the database keeps exact (sqlstore/figures.go), never counted from the base rows.

// FigureQuery is what a caller asks for: a region code ("" for the whole platform) or an
// organisation, a range of months ("2026-01"; empty: this year so far) and how the series
// is split (zhiyuan.FigureByMonth, FigureByCategory, FigureByChild; empty: by month).
type FigureQuery struct {
	Region string
	OrgID  int64
	From   string
	To     string
	By     string
}

// FigureReport is a scope's figures: totals for the range and one series.
type FigureReport struct {
	Region     string // the region asked about ("" for the whole platform)
	RegionName string
	OrgID      int64
	OrgName    string
	From, To   string
	By         string
	Totals     zhiyuan.FigureTotals
	// Split tells whether Totals carries the personal split (sex, age band, political
	// status): withheld from anonymous visitors for fewer than zhiyuan.FigureSmallGroup
	// volunteers, and from everyone for organisation scopes (the summaries are by region).
	Split  bool
	Series []zhiyuan.FigureRow
}

// FigureReport reads the figures q asks for. Region figures are public aggregates; an
// organisation's figures are internal: only those who may manage the organisation
// (its admins and its ancestors', the regional admins over its region, the platform) read
// them, others get 403 (401 without a login).
func (a *App) FigureReport(ctx context.Context, p *zhiyuan.Principal, q FigureQuery) (*FigureReport, error) {
	now := zhiyuan.MonthOf(a.Now())
	if q.To == "" {
		q.To = now
	}
	if q.From == "" {
		q.From = q.To[:4] + "-01"
	}
	if q.By == "" {
		q.By = zhiyuan.FigureByMonth
	}
	probs := zhiyuan.Problems{}
	if _, ok := zhiyuan.ParseMonth(q.From); !ok {
		probs.Add("from", "figures.month_format")
	}
	if _, ok := zhiyuan.ParseMonth(q.To); !ok {
		probs.Add("to", "figures.month_format")
	}
	if len(probs) == 0 {
		switch n := zhiyuan.MonthsBetween(q.From, q.To); {
		case n == 0:
			probs.Add("to", "figures.range_order")
		case n > zhiyuan.FigureMaxMonths:
			probs.Add("to", "figures.range_too_long", "max", zhiyuan.FigureMaxMonths)
		}
	}
	switch q.By {
	case zhiyuan.FigureByMonth, zhiyuan.FigureByCategory, zhiyuan.FigureByChild:
	default:
		probs.Add("by", "figures.by_unknown")
	}
	r := &FigureReport{From: q.From, To: q.To, By: q.By, OrgID: q.OrgID}
	sc := zhiyuan.FigureScope{OrgID: q.OrgID}
	if q.OrgID == 0 && q.Region != "" {
		reg, ok := a.Regions.Lookup(q.Region)
		if !ok {
			probs.Add("region", "region.unknown")
		} else {
			r.Region, r.RegionName = reg.Code, reg.FullName
			sc.RegionPrefix = zhiyuan.ScopePrefix(reg.Code)
		}
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if q.OrgID != 0 {
		o, err := a.store.FindOrganizationByID(ctx, q.OrgID)
		if err != nil {
			return nil, err
		}
		if err := a.authorize(ctx, p, zhiyuan.ActOrgManage, o.Resource()); err != nil {
			return nil, err
		}
		r.OrgName, r.Region, r.RegionName = o.Name, o.RegionCode, a.regionName(o.RegionCode)
	}
	var err error
	if r.Totals, err = a.store.FigureTotals(ctx, sc, q.From, q.To); err != nil {
		return nil, err
	}
	// The split of a small group is for the admins over it (the platform's for the
	// platform-wide view, which has no region any regional scope contains).
	r.Split = q.OrgID == 0 && (r.Totals.Volunteers >= zhiyuan.FigureSmallGroup ||
		zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: r.Region}) == nil)
	if !r.Split {
		r.Totals.BySex, r.Totals.ByAgeBand, r.Totals.ByPolitical = nil, nil, nil
	}
	switch q.By {
	case zhiyuan.FigureByMonth:
		rows, err := a.store.FigureSeries(ctx, sc, q.From, q.To, q.By)
		if err != nil {
			return nil, err
		}
		r.Series = fillMonths(rows, q.From, q.To)
	case zhiyuan.FigureByCategory:
		rows, err := a.store.FigureSeries(ctx, sc, q.From, q.To, q.By)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			rows[i].Label = zhiyuan.Category(rows[i].Key).Chinese()
			if rows[i].Key == "" {
				rows[i].Label = zhiyuan.Text("figures.no_category")
			}
		}
		r.Series = rows
	case zhiyuan.FigureByChild:
		if r.Series, err = a.figureChildren(ctx, q, r.Region); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// figureChildren is one row per child of the scope: the sub-regions of a region (the
// provinces for the whole platform), or the organisations directly below an organisation.
func (a *App) figureChildren(ctx context.Context, q FigureQuery, region string) ([]zhiyuan.FigureRow, error) {
	var out []zhiyuan.FigureRow
	if q.OrgID != 0 {
		kids, err := a.store.FindOrganizations(ctx, zhiyuan.OrgFilter{ParentID: q.OrgID, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, o := range kids {
			t, err := a.store.FigureTotals(ctx, zhiyuan.FigureScope{OrgID: o.ID}, q.From, q.To)
			if err != nil {
				return nil, err
			}
			out = append(out, zhiyuan.FigureRow{Key: strconv.FormatInt(o.ID, 10), Label: o.Name, FigureCounts: t.FigureCounts})
		}
		return out, nil
	}
	for _, c := range a.Regions.Children(region) {
		t, err := a.store.FigureTotals(ctx, zhiyuan.FigureScope{RegionPrefix: zhiyuan.ScopePrefix(c.Code)}, q.From, q.To)
		if err != nil {
			return nil, err
		}
		out = append(out, zhiyuan.FigureRow{Key: c.Code, Label: c.Name, FigureCounts: t.FigureCounts, Volunteers: t.Volunteers})
	}
	return out, nil
}

// fillMonths gives every month of the range a row, zeros where nothing was counted.
func fillMonths(rows []zhiyuan.FigureRow, from, to string) []zhiyuan.FigureRow {
	have := map[string]zhiyuan.FigureRow{}
	for _, r := range rows {
		have[r.Key] = r
	}
	start, _ := zhiyuan.ParseMonth(from)
	n := zhiyuan.MonthsBetween(from, to)
	out := make([]zhiyuan.FigureRow, 0, n)
	for i := range n {
		m := start.AddDate(0, i, 0).Format("2006-01")
		r := have[m]
		r.Key, r.Label = m, zhiyuan.MonthLabel(m)
		out = append(out, r)
	}
	return out
}

// FigureTopOrgs lists a region's organisations with the most confirmed hours over the
// range (public: totals of approved organisations only).
func (a *App) FigureTopOrgs(ctx context.Context, region, from, to string, limit int) ([]zhiyuan.FigureRow, error) {
	return a.store.FigureTopOrgs(ctx, zhiyuan.ScopePrefix(region), from, to, limit)
}

// VerifyFigures recomputes every summary table from the base tables (the operator's
// `zhiyuan figures verify`); nil means all agree.
func (a *App) VerifyFigures(ctx context.Context) (string, error) {
	m, err := a.store.VerifyFigures(ctx)
	if err != nil || m == nil {
		return "", err
	}
	return m.String(), nil
}

// RebuildFigures recomputes every summary table from the base tables.
func (a *App) RebuildFigures(ctx context.Context) error { return a.store.RebuildFigures(ctx) }

// WriteFigureSheet writes a report's series and its totals as a spreadsheet (GET
// /api/v1/figures.xlsx, the tables of /figures).
func (a *App) WriteFigureSheet(r *FigureReport, w io.Writer) error {
	row := func(label string, c zhiyuan.FigureCounts) []any {
		return []any{label, c.NewVolunteers, c.ClosedVolunteers, c.ActiveVolunteers, c.Organizations, c.Activities, c.Sessions,
			c.Signups, zhiyuan.MinutesToHours(c.ConfirmedMinutes)}
	}
	rows := make([][]any, 0, len(r.Series)+1)
	for _, s := range r.Series {
		rows = append(rows, row(s.Label, s.FigureCounts))
	}
	rows = append(rows, row(zhiyuan.Text("figures.total"), r.Totals.FigureCounts))
	return sheet.FigureSheet(w, zhiyuan.Text("figures.sheet_title", "scope", r.ScopeName(), "from", r.From, "to", r.To), rows)
}

// ScopeName names the report's scope for people: the organisation, the region, or the
// whole platform.
func (r *FigureReport) ScopeName() string {
	switch {
	case r.OrgName != "":
		return r.OrgName
	case r.RegionName != "":
		return r.RegionName
	}
	return zhiyuan.Text("figures.everywhere")
}

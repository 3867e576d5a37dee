package app

import (
	"context"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sheet"
	"zhiyuan/internal/sqlstore"
)

// Campaigns and the contest (issue 16). Who may create one: a regional admin of the
// province or a city (or the platform) for a region subtree within their own scope. Who
// may enter an activity: whoever manages its organisation, when the activity's venue lies
// in the campaign's scope. Who may refuse one: an admin whose scope holds the campaign's
// region (the campaign's own admins). Campaigns, their activities and their figures are
// public.

// CreateCampaign validates and records a campaign; bad fields are 422 naming each field,
// a region outside the caller's scope 403.
func (a *App) CreateCampaign(ctx context.Context, p *zhiyuan.Principal, in zhiyuan.Campaign) (*zhiyuan.Campaign, error) {
	return a.createCampaign(ctx, p, in, nil, nil)
}

// createCampaign creates the campaign with its cover img when not nil; coverErr is the
// cover's problem, reported with the other fields'.
func (a *App) createCampaign(ctx context.Context, p *zhiyuan.Principal, in zhiyuan.Campaign, img []byte, coverErr error) (*zhiyuan.Campaign, error) {
	if zhiyuan.ErrorCode(coverErr) == zhiyuan.ERateLimited {
		return nil, coverErr
	}
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	c := in
	c.ID, c.CreatedBy = 0, p.AccountID
	pr := zhiyuan.Problems{}
	code := strings.TrimSpace(c.RegionCode)
	if code == "" {
		pr.Add("region_code", "campaign.region_required")
	} else if norm, ok := a.Regions.Normalize(code); !ok {
		pr.Add("region_code", "region.unknown")
	} else {
		c.RegionCode = norm
	}
	if err := c.Validate(); err != nil {
		pr.Merge("", err)
	}
	pr.Merge("", coverErr)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if !a.CanCreateCampaign(p, c.RegionCode) {
		a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: c.RegionCode})
		return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "region_code", "campaign.creator_required")
	}
	var err error
	if img != nil {
		err = a.store.CreateCampaignWithCover(ctx, &c, img)
	} else {
		err = a.store.CreateCampaign(ctx, &c)
	}
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "campaign.create", "campaign", strconv.FormatInt(c.ID, 10), c.RegionCode, 0, c.Name); err != nil {
		return nil, err
	}
	return &c, nil
}

// CanCreateCampaign reports whether p may run a campaign over the region code: the
// platform, or a regional admin of a province or a city whose scope holds it. A district's
// admin cannot: the contest ranks districts against each other.
func (a *App) CanCreateCampaign(p *zhiyuan.Principal, code string) bool {
	if p == nil {
		return false
	}
	for _, r := range p.Roles {
		switch r.Kind {
		case zhiyuan.RolePlatform:
			return true
		case zhiyuan.RoleRegional:
			reg, ok := a.Regions.Lookup(r.RegionCode)
			if ok && reg.Level <= region.City && (code == "" || region.Contains(r.RegionCode, code)) {
				return true
			}
		}
	}
	return false
}

// CanRunCampaign reports whether p administers the campaign (refuses entries): an admin
// whose scope holds its region.
func (a *App) CanRunCampaign(p *zhiyuan.Principal, c *zhiyuan.Campaign) bool {
	return p != nil && zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: c.RegionCode}) == nil
}

// Campaign returns one campaign; campaigns are public.
func (a *App) Campaign(ctx context.Context, id int64) (*zhiyuan.Campaign, error) {
	return a.store.FindCampaign(ctx, id)
}

// Campaigns lists the latest campaigns, public.
func (a *App) Campaigns(ctx context.Context) ([]*zhiyuan.Campaign, error) {
	return a.store.FindCampaigns(ctx, 100)
}

// ActivityCampaigns lists the campaigns an activity was entered into, with each entry's
// status (a refusal's reason is shown to the activity's organisation and to the public
// alike: it is about the activity, not a person).
func (a *App) ActivityCampaigns(ctx context.Context, activityID int64) ([]zhiyuan.CampaignEntry, error) {
	return a.store.CampaignsOfActivity(ctx, activityID)
}

// EnterCampaign enters an activity into a campaign for the organisation that runs it. The
// activity must be published (or over), its venue in the campaign's scope, and the
// campaign open. Its confirmed hours, those before the entry included, count from then on.
func (a *App) EnterCampaign(ctx context.Context, p *zhiyuan.Principal, activityID, campaignID int64) (*zhiyuan.CampaignEntry, error) {
	if campaignID <= 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "campaign_id", "campaign.id_required")
	}
	act, o, err := a.manageActivity(ctx, p, activityID)
	if err != nil {
		return nil, err
	}
	c, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "campaign_id", "notfound.campaign")
		}
		return nil, err
	}
	switch {
	case c.Status != zhiyuan.CampaignOpen:
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "campaign_id", "campaign.closed")
	case !region.Contains(c.RegionCode, act.RegionCode):
		return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "campaign_id", "campaign.out_of_scope")
	case act.Status != zhiyuan.ActivityPublished && act.Status != zhiyuan.ActivityClosed:
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "campaign_id", "campaign.activity_not_open")
	}
	e, err := a.store.EnterCampaign(ctx, c.ID, act.ID, p.AccountID)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "campaign.enter", "campaign", strconv.FormatInt(c.ID, 10), act.RegionCode, o.ID,
		"activity "+strconv.FormatInt(act.ID, 10)); err != nil {
		return nil, err
	}
	return e, nil
}

// RefuseCampaignEntry turns an entered activity away with a reason, by an admin of the
// campaign; the figures are recounted without it and the refusal is audited.
func (a *App) RefuseCampaignEntry(ctx context.Context, p *zhiyuan.Principal, campaignID, activityID int64, reason string) (*zhiyuan.CampaignEntry, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	c, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: c.RegionCode}); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "campaign.reason_required")
	case utf8.RuneCountInString(reason) > zhiyuan.CampaignRefuseReasonMx:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "campaign.reason_long", "max", zhiyuan.CampaignRefuseReasonMx)
	}
	e, err := a.store.RefuseCampaignEntry(ctx, c.ID, activityID, p.AccountID, reason)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "campaign.refuse", "campaign", strconv.FormatInt(c.ID, 10), e.RegionCode, e.OrgID,
		"activity "+strconv.FormatInt(activityID, 10)+": "+reason); err != nil {
		return nil, err
	}
	return e, nil
}

// CampaignActivityQuery is a search of a campaign's activities, as the main search reads
// its words.
type CampaignActivityQuery struct {
	Q        string
	Category string
	Region   string
	Refused  bool // the refused ones instead (shown to the campaign's admins)
	Before   int64
}

// CampaignActivities lists a campaign's entered activities matching q (public).
func (a *App) CampaignActivities(ctx context.Context, id int64, q CampaignActivityQuery) ([]zhiyuan.CampaignEntry, error) {
	c, err := a.store.FindCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	f := sqlstore.CampaignActivityFilter{CampaignID: c.ID, Query: strings.TrimSpace(q.Q), Before: q.Before}
	pr := zhiyuan.Problems{}
	if utf8.RuneCountInString(f.Query) > 50 {
		pr.Add("q", "search.query_long")
	}
	if q.Category != "" {
		if f.Category = zhiyuan.Category(q.Category); !f.Category.Valid() {
			pr.Add("category", "campaign.category_unknown")
		}
	}
	if q.Region != "" {
		if code, ok := a.Regions.Normalize(q.Region); ok {
			f.RegionPrefix = zhiyuan.ScopePrefix(code)
		} else {
			pr.Add("region", "region.unknown")
		}
	}
	if q.Refused {
		f.Status = zhiyuan.CampaignRefused
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	return a.store.CampaignActivities(ctx, f)
}

// unitName is how a ranking names a city or a district ("广州市", "广州市天河区").
func (a *App) unitName(level zhiyuan.RankLevel, code string) string {
	r, ok := a.Regions.Lookup(code)
	if !ok {
		return code
	}
	if level == zhiyuan.RankDistrict {
		if c, ok := a.Regions.Lookup(code[:4] + "00"); ok && c.Code != r.Code {
			return c.Name + r.Name
		}
	}
	return r.Name
}

// CampaignRanking is the contest's ranking of a campaign's cities, districts or
// organisations by one figure (zhiyuan.RankDefinitions), every figure filled; public. It
// reads the kept figures (campaign_units), the volunteers' summary rows and the
// registrations of the campaign's days, so its cost follows the units ranked and the
// period's registrations, not the hour entries.
func (a *App) CampaignRanking(ctx context.Context, id int64, level zhiyuan.RankLevel, by zhiyuan.RankBy) ([]zhiyuan.RankRow, error) {
	c, err := a.store.FindCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := a.store.CampaignUnits(ctx, c.ID, string(level))
	if err != nil {
		return nil, err
	}
	var registered, registrations map[string]int
	switch level {
	case zhiyuan.RankOrg:
		ids := make([]int64, 0, len(rows))
		for _, r := range rows {
			if n, err := strconv.ParseInt(r.Unit, 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
		if registered, err = a.store.OrgMembers(ctx, ids); err != nil {
			return nil, err
		}
		if registrations, err = a.store.OrgNewMembers(ctx, ids, c.From(), c.Until()); err != nil {
			return nil, err
		}
	default:
		digits := 4
		if level == zhiyuan.RankDistrict {
			digits = 6
		}
		if registered, err = a.store.RegisteredByRegion(ctx, c.RegionCode, digits); err != nil {
			return nil, err
		}
		if registrations, err = a.store.RegistrationsByRegion(ctx, c.RegionCode, digits, c.From(), c.Until()); err != nil {
			return nil, err
		}
		registered, registrations = byUnit(registered, digits), byUnit(registrations, digits)
		// A city or district that registered volunteers during the campaign is in the
		// contest even before its activities log hours.
		seen := map[string]bool{}
		for _, r := range rows {
			seen[r.Unit] = true
		}
		for unit, n := range registrations {
			if n > 0 && !seen[unit] && region.Contains(c.RegionCode, unit) {
				rows = append(rows, zhiyuan.RankRow{Unit: unit})
			}
		}
	}
	for i := range rows {
		r := &rows[i]
		if level != zhiyuan.RankOrg {
			r.Name = a.unitName(level, r.Unit)
		}
		r.Hours = zhiyuan.MinutesToHours(r.Minutes)
		r.Registered, r.Registrations = registered[r.Unit], registrations[r.Unit]
		if r.Registered > 0 {
			r.PerCapita = math.Round(float64(r.Minutes)/60/float64(r.Registered)*100) / 100
		}
	}
	rankRows(rows, by)
	return rows, nil
}

// byUnit turns counts keyed by code prefix (4 or 6 digits) into the region codes the
// kept figures use ("4401" → "440100").
func byUnit(m map[string]int, digits int) map[string]int {
	out := make(map[string]int, len(m))
	for k, n := range m {
		if digits == 4 {
			k += "00"
		}
		out[k] += n
	}
	return out
}

// rankRows sorts rows by the figure, highest first (ties by name, then unit), and numbers
// them: equal figures share a rank (1, 2, 2, 4).
func rankRows(rows []zhiyuan.RankRow, by zhiyuan.RankBy) {
	sort.SliceStable(rows, func(i, j int) bool {
		vi, vj := rows[i].Value(by), rows[j].Value(by)
		if vi != vj {
			return vi > vj
		}
		if rows[i].Name != rows[j].Name {
			return rows[i].Name < rows[j].Name
		}
		return rows[i].Unit < rows[j].Unit
	})
	for i := range rows {
		if i > 0 && rows[i].Value(by) == rows[i-1].Value(by) {
			rows[i].Rank = rows[i-1].Rank
		} else {
			rows[i].Rank = i + 1
		}
	}
}

// CampaignFigures are a campaign's headline figures (activities, sessions held,
// participants, confirmed hours, new registrations in its scope) with the same by city and by Beijing
// day; public.
func (a *App) CampaignFigures(ctx context.Context, id int64) (*zhiyuan.CampaignFigures, error) {
	c, err := a.store.FindCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	f := &zhiyuan.CampaignFigures{ByDay: []zhiyuan.CampaignDay{}}
	all, err := a.store.CampaignUnits(ctx, c.ID, "all")
	if err != nil {
		return nil, err
	}
	if len(all) == 1 {
		f.Activities, f.Sessions, f.Minutes, f.Participants = all[0].Activities, all[0].Sessions, all[0].Minutes, all[0].Participants
	}
	f.Hours = zhiyuan.MinutesToHours(f.Minutes)
	if f.ByCity, err = a.CampaignRanking(ctx, c.ID, zhiyuan.RankCity, zhiyuan.RankHours); err != nil {
		return nil, err
	}
	regs, err := a.store.RegistrationsByRegion(ctx, c.RegionCode, 0, c.From(), c.Until())
	if err != nil {
		return nil, err
	}
	for _, n := range regs {
		f.Registrations += n
	}
	days, err := a.store.CampaignUnits(ctx, c.ID, "day")
	if err != nil {
		return nil, err
	}
	for _, d := range days {
		f.ByDay = append(f.ByDay, zhiyuan.CampaignDay{Day: d.Unit, Minutes: d.Minutes, Hours: zhiyuan.MinutesToHours(d.Minutes),
			Participants: d.Participants, Sessions: d.Sessions})
	}
	return f, nil
}

// WriteCampaignRankings writes the contest's rankings by the figure, one sheet per level
// (cities, districts, organisations) with every figure and a sheet of the definitions,
// as .xlsx to w; public like the rankings themselves.
func (a *App) WriteCampaignRankings(ctx context.Context, id int64, by zhiyuan.RankBy, w io.Writer) error {
	c, err := a.store.FindCampaign(ctx, id)
	if err != nil {
		return err
	}
	header := []string{zhiyuan.Text("campaign.col_rank"), zhiyuan.Text("campaign.col_name"), zhiyuan.Text("campaign.col_activities")}
	for _, b := range zhiyuan.RankBys {
		d := zhiyuan.RankDefinitions[b]
		header = append(header, d.Name+"（"+d.Unit+"）")
	}
	header = append(header, zhiyuan.Text("campaign.col_registered"))
	var sheets []sheet.RankSheet
	for _, level := range zhiyuan.RankLevels {
		rows, err := a.CampaignRanking(ctx, c.ID, level, by)
		if err != nil {
			return err
		}
		out := make([][]any, len(rows))
		for i, r := range rows {
			out[i] = []any{r.Rank, r.Name, r.Activities, r.Hours, r.Participants, r.PerCapita, r.Registrations, r.Registered}
		}
		sheets = append(sheets, sheet.RankSheet{Name: level.Chinese() + "排名", Header: header, Rows: out,
			Title: zhiyuan.Text("campaign.sheet_title", "name", c.Name, "level", level.Chinese(), "by", zhiyuan.RankDefinitions[by].Name)})
	}
	var defs [][2]string
	for _, b := range zhiyuan.RankBys {
		d := zhiyuan.RankDefinitions[b]
		defs = append(defs, [2]string{d.Name, d.Definition})
	}
	return sheet.CampaignRankings(w, sheets, defs)
}

// CampaignRegionChoices are the scopes p may run a campaign over, for the form's select:
// each province or city p administers, then its cities or districts.
func (a *App) CampaignRegionChoices(p *zhiyuan.Principal) []region.Region {
	var out []region.Region
	seen := map[string]bool{}
	add := func(r region.Region) {
		if !seen[r.Code] {
			seen[r.Code] = true
			out = append(out, r)
		}
	}
	var roots []string
	if p != nil {
		for _, r := range p.Roles {
			switch r.Kind {
			case zhiyuan.RolePlatform:
				for _, pv := range a.Regions.Provinces() {
					roots = append(roots, pv.Code)
				}
			case zhiyuan.RoleRegional:
				if reg, ok := a.Regions.Lookup(r.RegionCode); ok && reg.Level <= region.City {
					roots = append(roots, reg.Code)
				}
			}
		}
	}
	for _, code := range roots {
		if reg, ok := a.Regions.Lookup(code); ok {
			add(reg)
			for _, c := range a.Regions.Children(code) {
				add(c)
			}
		}
	}
	return out
}

// EnterableActivities are the activities p may enter into the campaign: published or
// over, of an organisation p manages, with the venue in the campaign's scope, and not in
// the campaign yet.
func (a *App) EnterableActivities(ctx context.Context, p *zhiyuan.Principal, c *zhiyuan.Campaign) ([]*zhiyuan.Activity, error) {
	if p == nil || c.Status != zhiyuan.CampaignOpen {
		return nil, nil
	}
	var out []*zhiyuan.Activity
	for _, r := range p.Roles {
		if r.Kind != zhiyuan.RoleOrgAdmin || r.OrgID == 0 {
			continue
		}
		for _, status := range []zhiyuan.ActivityStatus{zhiyuan.ActivityPublished, zhiyuan.ActivityClosed} {
			list, err := a.store.FindOrgActivities(ctx, sqlstore.OrgActivityFilter{OrgID: r.OrgID, Status: status, Limit: 100})
			if err != nil {
				return nil, err
			}
			for _, act := range list {
				if !region.Contains(c.RegionCode, act.RegionCode) {
					continue
				}
				if _, err := a.store.FindCampaignEntry(ctx, c.ID, act.ID); err == nil {
					continue
				}
				out = append(out, act)
			}
		}
	}
	return out, nil
}

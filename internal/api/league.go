package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// leagueRateJSON is a League registration rate (zhiyuan.LeagueRate) as the API shows it:
// the counts, the rate as a ratio (null without a roster), as pages write it, and whether
// it is above 100 %.
type leagueRateJSON struct {
	Members  int      `json:"members"`
	Roster   int      `json:"roster"`
	Rate     *float64 `json:"rate"`
	RateText string   `json:"rate_text"`
	Over     bool     `json:"over"`
}

func toLeagueRateJSON(r zhiyuan.LeagueRate) leagueRateJSON {
	j := leagueRateJSON{Members: r.Members, Roster: r.Roster, RateText: r.Percent(), Over: r.Over()}
	if v, ok := r.Ratio(); ok {
		j.Rate = &v
	}
	return j
}

type leagueOrgJSON struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	RegionCode string         `json:"region_code"`
	RegionName string         `json:"region_name"`
	ParentID   int64          `json:"parent_id,omitempty"`
	Own        leagueRateJSON `json:"own"`
	Subtree    leagueRateJSON `json:"subtree"`
}

func (x *API) toLeagueOrgJSON(o zhiyuan.LeagueOrgRate) leagueOrgJSON {
	return leagueOrgJSON{ID: o.OrgID, Name: o.Name, RegionCode: o.RegionCode, RegionName: x.app.RegionName(o.RegionCode),
		ParentID: o.ParentID, Own: toLeagueRateJSON(o.Own), Subtree: toLeagueRateJSON(o.Subtree)}
}

type leagueOrgFiguresJSON struct {
	leagueOrgJSON
	Children []leagueOrgJSON `json:"children"`
}

func (x *API) writeLeagueOrg(w http.ResponseWriter, f app.LeagueOrgFigures) {
	out := leagueOrgFiguresJSON{leagueOrgJSON: x.toLeagueOrgJSON(f.Org), Children: []leagueOrgJSON{}}
	for _, c := range f.Children {
		out.Children = append(out.Children, x.toLeagueOrgJSON(c))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// orgLeagueRate answers an organisation's own figures, its subtree's and its children's.
func (x *API) orgLeagueRate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := x.app.OrgLeagueRate(r.Context(), p, id)
	if err != nil {
		return err
	}
	x.writeLeagueOrg(w, f)
	return nil
}

// setLeagueRoster records an organisation's roster count: {"count": 1200}.
func (x *API) setLeagueRoster(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Count *int `json:"count"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Count == nil {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "count", "league.roster_required")
	}
	f, err := x.app.SetLeagueRoster(r.Context(), p, id, *req.Count)
	if err != nil {
		return err
	}
	x.writeLeagueOrg(w, f)
	return nil
}

type leagueRegionJSON struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	Level    string `json:"level"`
	leagueRateJSON
}

func (x *API) toLeagueRegionJSON(r zhiyuan.LeagueRegionRate) leagueRegionJSON {
	j := leagueRegionJSON{Code: r.RegionCode, leagueRateJSON: toLeagueRateJSON(r.LeagueRate)}
	if reg, ok := x.app.Regions.Lookup(r.RegionCode); ok {
		j.Name, j.FullName, j.Level = reg.Name, reg.FullName, reg.Level.String()
	}
	return j
}

// regionLeagueRate answers a region's figure beside its child regions'.
func (x *API) regionLeagueRate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	f, err := x.app.RegionLeagueRate(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	out := struct {
		leagueRegionJSON
		Children []leagueRegionJSON `json:"children"`
	}{leagueRegionJSON: x.toLeagueRegionJSON(f.Region), Children: []leagueRegionJSON{}}
	for _, c := range f.Children {
		out.Children = append(out.Children, x.toLeagueRegionJSON(c))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// leagueUnits answers a page of the units-behind list (落后单位).
func (x *API) leagueUnits(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	pageNo, err := queryInt(r, "page")
	if err != nil {
		return err
	}
	desc := false
	switch q.Get("order") {
	case "", "asc":
	case "desc":
		desc = true
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "order", "league.order_unknown")
	}
	page, err := x.app.LeagueUnits(r.Context(), p, app.LeagueUnitQuery{
		Region: q.Get("region"), Sort: q.Get("sort"), Desc: desc, Page: int(min(pageNo, 1<<30)),
	})
	if err != nil {
		return err
	}
	out := struct {
		Items []leagueOrgJSON `json:"items"`
		Total int             `json:"total"`
		Page  int             `json:"page"`
		Pages int             `json:"pages"`
	}{Items: []leagueOrgJSON{}, Total: page.Total, Page: page.Page, Pages: page.Pages}
	for _, o := range page.Items {
		out.Items = append(out.Items, x.toLeagueOrgJSON(o))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

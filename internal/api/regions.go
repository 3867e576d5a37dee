package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/region"
)

type regionJSON struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	FullName   string `json:"full_name"`
	Level      string `json:"level"`
	ParentCode string `json:"parent_code,omitempty"`
}

func toRegionJSON(r region.Region) regionJSON {
	return regionJSON{Code: r.Code, Name: r.Name, FullName: r.FullName, Level: r.Level.String(), ParentCode: r.ParentCode}
}

// listRegions returns the children of ?parent= (the provinces without it), for cascading
// selects.
func (x *API) listRegions(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	parent := r.URL.Query().Get("parent")
	if parent != "" {
		if _, ok := x.app.Regions.Lookup(parent); !ok {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "parent", "region.unknown")
		}
	}
	items := []regionJSON{}
	for _, c := range x.app.Regions.Children(parent) {
		items = append(items, toRegionJSON(c))
	}
	httpx.WriteJSON(w, http.StatusOK, Page[regionJSON]{Items: items})
	return nil
}

type regionDetail struct {
	regionJSON
	Ancestors []regionJSON `json:"ancestors"`
	StatsUnit *regionJSON  `json:"stats_unit,omitempty"`
}

func (x *API) getRegion(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	reg, ok := x.app.Regions.Lookup(r.PathValue("code"))
	if !ok {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.region")
	}
	d := regionDetail{regionJSON: toRegionJSON(reg), Ancestors: []regionJSON{}}
	for _, a := range x.app.Regions.Ancestors(reg.Code) {
		d.Ancestors = append(d.Ancestors, toRegionJSON(a))
	}
	if u := x.app.Regions.StatsUnit(reg.Code); u.Code != "" {
		j := toRegionJSON(u)
		d.StatsUnit = &j
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

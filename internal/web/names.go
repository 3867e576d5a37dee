package web

import (
	"zhiyuan"
	"zhiyuan/internal/region"
)

// scopeRegionGroups lists the regions an admin with these scopes may filter by, for a
// select that replaces a typed region code: each scope, then its cities and counties
// (a platform admin's "*" offers the home province's).
func scopeRegionGroups(t *region.Tree, scopes []string) []orgRegionGroup {
	var out []orgRegionGroup
	for _, s := range scopes {
		code := s
		if s == "*" {
			code = "440000"
		}
		r, ok := t.Lookup(code)
		if !ok {
			continue
		}
		switch {
		case t.IsCounty(r.Code):
			out = append(out, orgRegionGroup{Label: r.FullName, Options: []region.Region{r}})
		case r.Level == region.Province:
			out = append(out, orgRegionGroups(t, r.Code)...)
		default:
			g := orgRegionGroup{Label: r.FullName, Options: []region.Region{r}}
			for _, c := range t.Children(r.Code) {
				if t.IsCounty(c.Code) {
					g.Options = append(g.Options, c)
				}
			}
			out = append(out, g)
		}
	}
	return out
}

// auditRow is one audit entry as a person reads it: names, not codes.
type auditRow struct {
	zhiyuan.AuditEntry
	ActionLabel, TargetLabel, RegionName string
}

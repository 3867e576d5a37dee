package web

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
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

// pickerOrgs lists the organisations an admin may pick in a filter, instead of typing an
// organisation number: those they administer, and the approved ones of their regions (the
// first 200). The one already chosen stays listed.
func (x *Web) pickerOrgs(r *http.Request, p *zhiyuan.Principal, chosen int64) []*zhiyuan.Organization {
	var out []*zhiyuan.Organization
	seen := map[int64]bool{}
	add := func(o *zhiyuan.Organization) {
		if o != nil && !seen[o.ID] {
			seen[o.ID] = true
			out = append(out, o)
		}
	}
	if p != nil {
		for _, role := range p.Roles {
			if role.Kind == zhiyuan.RoleOrgAdmin {
				if o, err := x.app.Organization(r.Context(), role.OrgID); err == nil {
					add(o)
				}
			}
		}
	}
	for _, s := range p.RegionScopes() {
		q := app.OrgQuery{Status: string(zhiyuan.OrgApproved), Limit: 200}
		if s != "*" {
			q.Region = s
		}
		if list, err := x.app.Organizations(r.Context(), p, q); err == nil {
			for _, o := range list {
				add(o)
			}
		}
	}
	if chosen != 0 && !seen[chosen] {
		if o, err := x.app.Organization(r.Context(), chosen); err == nil && o.Status == zhiyuan.OrgApproved {
			add(o)
		}
	}
	return out
}

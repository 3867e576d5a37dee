package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/sheet"
)

// leagueSection is the League registration rate on an organisation's page, for those who
// manage it: its figures, its children's, and the roster form (Count as typed after a
// mistake, with the form's errors).
type leagueSection struct {
	app.LeagueOrgFigures
	Count  string
	Fields map[string]string
	Error  string
}

// orgLeague fills the organisation page's League section for whoever manages an approved
// organisation; others (the public page) get none: the rate is no one's personal data,
// but it is the unit's work in progress, for the unit and those above it.
func (x *Web) orgLeague(r *http.Request, p *zhiyuan.Principal, o *zhiyuan.Organization) *leagueSection {
	if o.Status != zhiyuan.OrgApproved || !x.app.CanManageOrg(p, o) {
		return nil
	}
	f, err := x.app.OrgLeagueRate(r.Context(), p, o.ID)
	if err != nil {
		return nil
	}
	return &leagueSection{LeagueOrgFigures: f, Count: strconv.Itoa(f.Org.Own.Roster)}
}

// orgLeagueRoster records the roster count typed on the organisation's page; a mistake
// shows the page again with the message at the field and the count as typed.
func (x *Web) orgLeagueRoster(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_unreadable")
	}
	typed := trim(r, "count")
	n, err := zhiyuan.ParseLeagueRoster(typed)
	if err == nil {
		_, err = x.app.SetLeagueRoster(r.Context(), p, id, n)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderOrgShow(w, r, p, id, func(s *leagueSection) {
			s.Fields, s.Error = formProblems(err)
			s.Count = typed
		}, httpx.Status(zhiyuan.ErrorCode(err)))
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(id, 10)+"?done=league#league", http.StatusSeeOther)
	return nil
}

// leagueUnitView is one row of the units-behind list.
type leagueUnitView struct {
	zhiyuan.LeagueOrgRate
	No         int // the row's number in the whole list, from 1
	RegionName string
}

// leagueQuery reads the units-behind list's filters from the address.
func leagueQuery(r *http.Request) app.LeagueUnitQuery {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	return app.LeagueUnitQuery{Region: q.Get("region"), Sort: q.Get("sort"), Desc: q.Get("order") == "desc", Page: page}
}

// leagueURL is the address of the list (or its export) with the filters of pg on page n.
func leagueURL(path string, pg app.LeagueUnitPage, n int) string {
	v := url.Values{}
	if pg.Region != "" {
		v.Set("region", pg.Region)
	}
	if pg.Sort != zhiyuan.LeagueByRate {
		v.Set("sort", string(pg.Sort))
	}
	if pg.Desc {
		v.Set("order", "desc")
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// leagueUnits is the units-behind list (落后单位) of a regional admin: the units of
// their regions with their subtrees' rates, lowest first, 30 a page, with an .xlsx export.
func (x *Web) leagueUnits(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := leagueQuery(r)
	pg, err := x.app.LeagueUnits(r.Context(), p, q)
	var failure error
	if zhiyuan.ErrorCode(err) == zhiyuan.EInvalid {
		// A filter from an old link: say so, and list the whole scope by rate.
		failure = err
		pg, err = x.app.LeagueUnits(r.Context(), p, app.LeagueUnitQuery{})
	}
	if err != nil {
		return err
	}
	rows := make([]leagueUnitView, 0, len(pg.Items))
	offset := (pg.Page - 1) * zhiyuan.LeagueUnitsPage
	for i, it := range pg.Items {
		rows = append(rows, leagueUnitView{LeagueOrgRate: it, No: offset + i + 1, RegionName: x.app.RegionName(it.RegionCode)})
	}
	data := map[string]any{
		"Title": "团员注册率 · 落后单位", "Units": rows, "Page": pg, "Sorts": zhiyuan.LeagueSorts,
		"Regions": scopeRegionGroups(x.app.Regions, p.RegionScopes()),
		"Export":  leagueURL("/admin/league/units.xlsx", pg, 1),
	}
	if pg.Page > 1 {
		data["Prev"] = leagueURL("/admin/league", pg, pg.Page-1)
	}
	if pg.Page < pg.Pages {
		data["Next"] = leagueURL("/admin/league", pg, pg.Page+1)
	}
	status := http.StatusOK
	if failure != nil {
		data["Error"] = zhiyuan.ErrorMessage(failure)
		status = httpx.Status(zhiyuan.EInvalid)
	}
	x.render(w, r, status, "league_units.html", data)
	return nil
}

// leagueUnitsExport is the units-behind list as .xlsx: every unit of the filters, in the
// list's order, the rows the pages show one after the other.
func (x *Web) leagueUnitsExport(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	pg, err := x.app.LeagueUnitsExport(r.Context(), p, leagueQuery(r))
	if err != nil {
		return err
	}
	rows := make([]sheet.LeagueUnitRow, 0, len(pg.Items))
	for _, it := range pg.Items {
		rows = append(rows, sheet.LeagueUnitRow{Name: it.Name, RegionName: x.app.RegionName(it.RegionCode),
			Roster: it.Subtree.Roster, Members: it.Subtree.Members, Rate: it.Subtree.Percent(), Note: leagueNote(it.Subtree)})
	}
	scope := "本人管辖地区"
	if pg.Region != "" {
		scope = x.app.RegionName(pg.Region)
	}
	var buf bytes.Buffer
	if err := sheet.LeagueUnits(&buf, "团员注册率（"+scope+"，按"+pg.Sort.Chinese()+"排序）", rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="league-units.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// leagueNote is the remark beside a rate: above 100 % or no roster.
func leagueNote(r zhiyuan.LeagueRate) string {
	switch {
	case r.Over():
		return zhiyuan.Text("league.note_over")
	case !r.HasRoster():
		return zhiyuan.Text("league.note_no_roster")
	}
	return ""
}

package web

import (
	"fmt"
	"net/http"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// League roster imports (团员总数导入): the upload page, reached from 团员注册率 (/admin/league,
// for the caller's whole scope) and from an organisation's page (/orgs/{id}/league-import,
// for its subtree); the import's page with its preview; the apply, which asks first since
// it overwrites counts.

// leagueImportUnit reads the unit an upload page is for: the {id} of /orgs/{id}/…, or 0
// for /admin/league/import.
func leagueImportUnit(r *http.Request) (int64, error) {
	if r.PathValue("id") == "" {
		return 0, nil
	}
	return pathInt(r, "id")
}

func (x *Web) leagueImportPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderLeagueImportPage(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderLeagueImportPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, failure error) error {
	orgID, err := leagueImportUnit(r)
	if err != nil {
		return err
	}
	unit, err := x.app.LeagueImportScope(r.Context(), p, orgID)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "导入团员总数", "MaxRows": zhiyuan.LeagueRosterImportMaxRows, "MaxMB": zhiyuan.MaxImportBytes >> 20,
		"Template": "/league-rosters/template.xlsx", "Action": "/admin/league/import"}
	if unit != nil {
		data["Title"] = unit.Name + " · 导入团员总数"
		data["Org"] = x.orgView(p, unit)
		data["Template"] = "/league-rosters/template.xlsx?org_id=" + strconv.FormatInt(unit.ID, 10)
		data["Action"] = fmt.Sprintf("/orgs/%d/league-import", unit.ID)
	}
	if failure != nil {
		data["Fields"], data["Error"] = formProblems(failure)
	}
	x.render(w, r, status, "league_import_new.html", data)
	return nil
}

func (x *Web) leagueImportUpload(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := leagueImportUnit(r)
	if err != nil {
		return err
	}
	if _, err := x.app.LeagueImportScope(r.Context(), p, orgID); err != nil {
		return err
	}
	data, err := httpx.ReadImportFile(w, r)
	if err == nil {
		im, err2 := x.app.UploadLeagueRosters(r.Context(), p, orgID, data)
		if err2 == nil {
			http.Redirect(w, r, fmt.Sprintf("/league-imports/%d", im.ID), http.StatusSeeOther)
			return nil
		}
		err = err2
	}
	if isFormError(err) {
		return x.renderLeagueImportPage(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	return err
}

func (x *Web) leagueImportShow(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	v, err := x.app.LeagueRosterImport(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "团员总数导入 #" + strconv.FormatInt(id, 10), "Import": v, "Status": string(v.Status),
		"Back": "/admin/league", "Again": "/admin/league/import"}
	if r.URL.Query().Get("done") == "applied" {
		data["Notice"] = zhiyuan.Text("notice.league.import_applied")
	}
	if v.Unit != nil {
		data["Org"] = x.orgView(p, v.Unit)
		data["Back"] = fmt.Sprintf("/orgs/%d#league", v.Unit.ID)
		data["Again"] = fmt.Sprintf("/orgs/%d/league-import", v.Unit.ID)
	}
	x.render(w, r, http.StatusOK, "league_import_show.html", data)
	return nil
}

func (x *Web) askLeagueImportApply(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	v, err := x.app.LeagueRosterImport(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	if v.Status != zhiyuan.LeagueRosterReady {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "league.import_applied")
	}
	c := []string{zhiyuan.Text("confirm.league_import", "changes", v.Changes)}
	if v.Errors > 0 {
		c = append(c, zhiyuan.Text("confirm.league_import_skips", "bad", v.Errors))
	}
	c = append(c, zhiyuan.Text("confirm.league_import_final"))
	subject := "管辖范围内的单位"
	if v.Unit != nil {
		subject = v.Unit.Name
	}
	return &confirmation{Title: zhiyuan.Text("confirm.league_import_title"), Subject: subject, Consequence: c,
		Action: fmt.Sprintf("/league-imports/%d/apply", id), Button: "确认导入", Back: fmt.Sprintf("/league-imports/%d", id)}, nil
}

func (x *Web) leagueImportApply(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.ApplyLeagueRosters(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/league-imports/%d?done=applied", id), http.StatusSeeOther)
	return nil
}

func (x *Web) leagueRosterTemplate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := strconv.ParseInt(r.URL.Query().Get("org_id"), 10, 64)
	if r.URL.Query().Get("org_id") == "" {
		orgID, err = 0, nil
	}
	if err != nil || orgID < 0 {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.org")
	}
	d := httpx.NewDownload(w, xlsxType, "league-roster-template.xlsx")
	return d.Finish(r, x.log, x.app.LeagueRosterTemplate(r.Context(), p, orgID, d))
}

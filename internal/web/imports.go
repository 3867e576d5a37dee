package web

import (
	"fmt"
	"net/http"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// Importing a member list (名单导入): the organisation's import page (template, upload),
// then the import's own page, which shows the preview, asks before running and follows
// the run. The page refreshes its live part with static/refresh.js (no meta refresh, which
// takes the page away from people who read slowly); without JavaScript a 刷新 link does it.

// importRefreshSeconds is how often the import page looks again while the import is
// being checked or written.
const importRefreshSeconds = 2

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (x *Web) importPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderImportPage(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderImportPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, failure error) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	o, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, id)
	if err != nil {
		return err
	}
	recent, err := x.app.RecentImports(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": o.Name + " · 批量导入", "Org": x.orgView(p, o), "MaxRows": zhiyuan.MaxImportRows,
		"MaxMB": zhiyuan.MaxImportBytes >> 20, "Recent": recent}
	if failure != nil {
		data["Fields"], data["Error"] = formProblems(failure)
	}
	x.render(w, r, status, "import_new.html", data)
	return nil
}

func (x *Web) importUpload(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, id); err != nil {
		return err
	}
	data, err := httpx.ReadImportFile(w, r)
	if err == nil {
		var im *zhiyuan.Import
		var created bool
		im, created, err = x.app.UploadImport(r.Context(), p, id, data)
		if err == nil {
			// The same file again is the earlier import: nothing new was made, and its page
			// says so.
			to := fmt.Sprintf("/imports/%d", im.ID)
			if !created {
				to += "?done=same_file"
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
	}
	if isFormError(err) {
		return x.renderImportPage(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	return err
}

func (x *Web) importShow(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	im, o, err := x.app.Import(r.Context(), p, id)
	if err != nil {
		return err
	}
	errs, err := x.app.ImportRowErrors(r.Context(), p, id, zhiyuan.ImportPreviewErrors)
	if err != nil {
		return err
	}
	refresh := 0
	if im.Status == zhiyuan.ImportValidating || im.Status == zhiyuan.ImportRunning {
		refresh = importRefreshSeconds
	}
	data := map[string]any{
		"Title": o.Name + " · 导入 #" + strconv.FormatInt(im.ID, 10), "Org": x.orgView(p, o), "Import": im,
		"Errors": errs, "Refresh": refresh, "Status": string(im.Status), "Bad": im.Errors + im.Conflicts,
	}
	if r.URL.Query().Get("done") == "same_file" {
		data["Notice"] = zhiyuan.Text("notice.import.same_file", "id", im.ID, "at", im.CreatedAt.In(zhiyuan.Beijing).Format("2006-01-02 15:04"))
	}
	x.render(w, r, http.StatusOK, "import_show.html", data)
	return nil
}

func (x *Web) askImportRun(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	im, o, err := x.app.Import(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	if im.Status != zhiyuan.ImportReady {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "import.not_ready")
	}
	c := []string{zhiyuan.Text("confirm.import_run", "new", im.New, "existing", im.Existing)}
	if bad := im.Errors + im.Conflicts; bad > 0 {
		c = append(c, zhiyuan.Text("confirm.import_run_skips", "bad", bad))
	}
	c = append(c, zhiyuan.Text("confirm.import_run_final"))
	return &confirmation{Title: zhiyuan.Text("confirm.import_run_title"), Subject: o.Name, Consequence: c,
		Action: fmt.Sprintf("/imports/%d/run", id), Button: "开始导入", Back: fmt.Sprintf("/imports/%d", id)}, nil
}

func (x *Web) importRun(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.RunImport(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/imports/%d", id), http.StatusSeeOther)
	return nil
}

func (x *Web) importErrors(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	d := httpx.NewDownload(w, xlsxType, fmt.Sprintf("import-%d-errors.xlsx", id))
	return d.Finish(r, x.log, x.app.WriteImportErrors(r.Context(), p, id, d))
}

func (x *Web) importTemplate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	d := httpx.NewDownload(w, xlsxType, "import-template.xlsx")
	return d.Finish(r, x.log, x.app.ImportTemplate(d))
}

package api

import (
	"fmt"
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// xlsxType is the media type of .xlsx downloads.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// importJSON is an import's state as GET /imports/{id} answers it.
type importJSON struct {
	ID        int64    `json:"id"`
	OrgID     int64    `json:"org_id"`
	Status    string   `json:"status"`
	Total     int      `json:"total"`
	Processed int      `json:"processed"`
	Created   int      `json:"created"`
	Linked    int      `json:"linked"`
	Skipped   int      `json:"skipped"`
	Failed    int      `json:"failed"`
	Preview   preview  `json:"preview"`
	Extra     []string `json:"extra_columns"`
	ErrorsURL string   `json:"errors_url"`
}

// preview counts the rows by verdict.
type preview struct {
	New       int `json:"new"`
	Existing  int `json:"existing"`
	Conflicts int `json:"conflicts"`
	Errors    int `json:"errors"`
}

func toImportJSON(im *zhiyuan.Import) importJSON {
	extra := im.Extra
	if extra == nil {
		extra = []string{}
	}
	return importJSON{ID: im.ID, OrgID: im.OrgID, Status: string(im.Status), Total: im.Total, Processed: im.Processed,
		Created: im.Created, Linked: im.Linked, Skipped: im.Skipped, Failed: im.Failed,
		Preview: preview{New: im.New, Existing: im.Existing, Conflicts: im.Conflicts, Errors: im.Errors}, Extra: extra,
		ErrorsURL: fmt.Sprintf("%s/imports/%d/errors.xlsx", Prefix, im.ID)}
}

func (x *API) importTemplate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	dw := httpx.NewDownload(w, xlsxType, "import-template.xlsx")
	return dw.Finish(r, x.log, x.app.ImportTemplate(dw))
}

// uploadImport answers 201 with a new import, 200 with the earlier one when the same
// file was uploaded before.
func (x *API) uploadImport(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Who may import is settled before the file is read.
	if _, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, id); err != nil {
		return err
	}
	data, err := httpx.ReadImportFile(w, r)
	if err != nil {
		return err
	}
	im, created, err := x.app.UploadImport(r.Context(), p, id, data)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, toImportJSON(im))
	return nil
}

func (x *API) getImport(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	im, _, err := x.app.Import(r.Context(), p, id)
	if err != nil {
		return err
	}
	j := struct {
		importJSON
		FirstErrors []rowErrorJSON `json:"first_errors"`
	}{importJSON: toImportJSON(im)}
	errs, err := x.app.ImportRowErrors(r.Context(), p, id, zhiyuan.ImportPreviewErrors)
	if err != nil {
		return err
	}
	j.FirstErrors = make([]rowErrorJSON, len(errs))
	for i, e := range errs {
		j.FirstErrors[i] = rowErrorJSON{Line: e.Line, Column: e.Column, Reason: e.Reason, Verdict: string(e.Verdict)}
	}
	httpx.WriteJSON(w, http.StatusOK, j)
	return nil
}

// rowErrorJSON is one row that will not be written.
type rowErrorJSON struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Reason  string `json:"reason"`
	Verdict string `json:"verdict"`
}

func (x *API) runImport(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	im, err := x.app.RunImport(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, toImportJSON(im))
	return nil
}

func (x *API) importErrors(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	dw := httpx.NewDownload(w, xlsxType, fmt.Sprintf("import-%d-errors.xlsx", id))
	return dw.Finish(r, x.log, x.app.WriteImportErrors(r.Context(), p, id, dw))
}

package api

import (
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// League roster imports (团员总数导入): upload a list of units' roster counts, read its
// preview, apply it. ?org_id= limits an import to one unit's subtree (its admin's import);
// without it the import covers everything the caller manages (a regional admin's).

type leagueImportRowJSON struct {
	Line    int    `json:"line"`
	Unit    string `json:"unit"`
	OrgID   int64  `json:"org_id,omitempty"`
	OrgName string `json:"org_name,omitempty"`
	Old     *int   `json:"old,omitempty"`
	Count   *int   `json:"count,omitempty"`
	Column  string `json:"column,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

type leagueImportJSON struct {
	ID        int64                 `json:"id"`
	OrgID     *int64                `json:"org_id"`
	Status    string                `json:"status"`
	FileKind  string                `json:"file_kind"`
	Total     int                   `json:"total"`
	Valid     int                   `json:"valid"`
	Errors    int                   `json:"errors"`
	Changes   int                   `json:"changes"`
	Applied   int                   `json:"applied"`
	CreatedAt time.Time             `json:"created_at"`
	AppliedAt *time.Time            `json:"applied_at"`
	BadRows   []leagueImportRowJSON `json:"bad_rows"`
	Changed   []leagueImportRowJSON `json:"changed_rows"`
}

func toLeagueImportJSON(v *app.LeagueRosterImportView) leagueImportJSON {
	im := v.LeagueRosterImport
	out := leagueImportJSON{ID: im.ID, Status: string(im.Status), FileKind: im.FileKind, Total: im.Total, Valid: im.Valid(),
		Errors: im.Errors, Changes: im.Changes, Applied: im.Applied, CreatedAt: im.CreatedAt,
		BadRows: []leagueImportRowJSON{}, Changed: []leagueImportRowJSON{}}
	if im.OrgID != 0 {
		out.OrgID = &im.OrgID
	}
	if !im.AppliedAt.IsZero() {
		out.AppliedAt = &im.AppliedAt
	}
	for _, r := range v.Bad {
		out.BadRows = append(out.BadRows, leagueImportRowJSON{Line: r.Line, Unit: r.Unit, Column: r.Column, Reason: r.Reason})
	}
	for _, r := range v.Changed {
		old, count := r.Old, r.Count
		out.Changed = append(out.Changed, leagueImportRowJSON{Line: r.Line, Unit: r.Unit, OrgID: r.OrgID, OrgName: r.OrgName,
			Old: &old, Count: &count})
	}
	return out
}

// leagueRosterTemplate sends the template, filled with the units the import may set.
func (x *API) leagueRosterTemplate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := queryInt(r, "org_id")
	if err != nil {
		return err
	}
	dw := httpx.NewDownload(w, xlsxType, "league-roster-template.xlsx")
	return dw.Finish(r, x.log, x.app.LeagueRosterTemplate(r.Context(), p, orgID, dw))
}

// uploadLeagueRosters checks an uploaded list and answers 201 with its preview; nothing
// is set until it is applied.
func (x *API) uploadLeagueRosters(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := queryInt(r, "org_id")
	if err != nil {
		return err
	}
	// Who may import is settled before the file is read.
	if _, err := x.app.LeagueImportScope(r.Context(), p, orgID); err != nil {
		return err
	}
	data, err := httpx.ReadImportFile(w, r)
	if err != nil {
		return err
	}
	im, err := x.app.UploadLeagueRosters(r.Context(), p, orgID, data)
	if err != nil {
		return err
	}
	v, err := x.app.LeagueRosterImport(r.Context(), p, im.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toLeagueImportJSON(v))
	return nil
}

// leagueRosterImport answers an import with its preview.
func (x *API) leagueRosterImport(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.app.LeagueRosterImport(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toLeagueImportJSON(v))
	return nil
}

// applyLeagueRosters sets the counts of an import's good rows, in one transaction.
func (x *API) applyLeagueRosters(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.app.ApplyLeagueRosters(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toLeagueImportJSON(v))
	return nil
}

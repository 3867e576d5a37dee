package api

import (
	"cmp"
	"net/http"
	"slices"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// The provincial review's decisions, before publication (round admins only).

func (x *API) decideCompetitionProject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		ProjectID int64  `json:"project_id"`
		Result    string `json:"result"`
		Comment   string `json:"comment"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	d, err := x.app.DecideCompetitionProject(r.Context(), p, id, req.ProjectID, req.Result, req.Comment)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (x *API) listCompetitionDecisions(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	all, err := x.app.ProvincialDecisions(r.Context(), p, id)
	if err != nil {
		return err
	}
	page := Page[zhiyuan.ProvincialDecision]{Items: []zhiyuan.ProvincialDecision{}}
	for _, d := range all {
		page.Items = append(page.Items, d)
	}
	slices.SortFunc(page.Items, func(a, b zhiyuan.ProvincialDecision) int { return cmp.Compare(a.ProjectID, b.ProjectID) })
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

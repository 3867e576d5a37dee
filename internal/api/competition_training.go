package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Training sessions of the project competition 益苗计划 (openapi/competition_training.json).

type trainingRequest struct {
	Title      string  `json:"title"`
	Place      string  `json:"place"`
	StartsAt   string  `json:"starts_at"`
	EndsAt     string  `json:"ends_at"`
	HostOrgID  int64   `json:"host_org_id"`
	ProjectIDs []int64 `json:"project_ids"`
}

func (x *API) scheduleTraining(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req trainingRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	in := app.TrainingInput{Title: req.Title, Place: req.Place, HostOrgID: req.HostOrgID, ProjectIDs: req.ProjectIDs,
		StartsAt: parseTime(pr, "starts_at", req.StartsAt, zhiyuan.Beijing), EndsAt: parseTime(pr, "ends_at", req.EndsAt, zhiyuan.Beijing)}
	if err := pr.Err(); err != nil {
		return err
	}
	t, err := x.app.ScheduleTraining(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

// trainingTeam is one passed team's training record on the round's board.
type trainingTeam struct {
	ProjectID int64                    `json:"project_id"`
	Name      string                   `json:"name"`
	OrgName   string                   `json:"org_name"`
	Training  *zhiyuan.ProjectTraining `json:"training"`
}

func (x *API) listTrainings(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := x.app.Trainings(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := struct {
		Items []zhiyuan.TrainingSession `json:"items"`
		Teams []trainingTeam            `json:"teams"`
	}{Items: b.Trainings, Teams: []trainingTeam{}}
	if out.Items == nil {
		out.Items = []zhiyuan.TrainingSession{}
	}
	for _, pj := range b.Projects {
		out.Teams = append(out.Teams, trainingTeam{ProjectID: pj.ID, Name: pj.Name, OrgName: pj.OrgName, Training: pj.Training})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

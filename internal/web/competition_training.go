package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Training sessions of the project competition 益苗计划 (app/competition_training.go): the
// round's admins schedule them and see each passed team's attendance; the check-in itself
// is the activity check-in screen of the session (/sessions/{id}/checkin).

// trainingForm keeps what was typed into the schedule form.
type trainingForm struct {
	Title, Place, Starts, Ends, HostOrgID string
}

func (x *Web) trainingsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderTrainings(w, r, p, http.StatusOK, trainingForm{}, nil)
}

func (x *Web) renderTrainings(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, f trainingForm, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := x.app.Trainings(r.Context(), p, id)
	if err != nil {
		return err
	}
	if f == (trainingForm{}) {
		for _, d := range b.Competition.Stages {
			if d.Stage == zhiyuan.StageTraining {
				start := d.StartsAt
				if now := time.Now(); now.After(start) {
					start = now.Add(24 * time.Hour).Truncate(time.Hour)
				}
				f.Starts, f.Ends = start.In(zhiyuan.Beijing).Format(localMinute), start.Add(2*time.Hour).In(zhiyuan.Beijing).Format(localMinute)
			}
		}
	}
	data := map[string]any{"Title": "培训安排 · " + b.Competition.Name, "B": b, "F": f, "OK": r.URL.Query().Get("ok")}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "competition_training.html", data)
	return nil
}

func (x *Web) trainingCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := trainingForm{Title: trim(r, "title"), Place: trim(r, "place"), Starts: trim(r, "starts_at"), Ends: trim(r, "ends_at"),
		HostOrgID: trim(r, "host_org_id")}
	pr := zhiyuan.Problems{}
	in := app.TrainingInput{Title: f.Title, Place: f.Place}
	for _, t := range []struct {
		field, v string
		dst      *time.Time
	}{{"starts_at", f.Starts, &in.StartsAt}, {"ends_at", f.Ends, &in.EndsAt}} {
		if t.v == "" {
			continue
		}
		v, err := time.ParseInLocation(localMinute, t.v, zhiyuan.Beijing)
		if err != nil {
			pr.Add(t.field, "api.time_format")
		}
		*t.dst = v
	}
	if f.HostOrgID != "" {
		n, err := strconv.ParseInt(f.HostOrgID, 10, 64)
		if err != nil {
			pr.Add("host_org_id", "training.host_required")
		}
		in.HostOrgID = n
	}
	err = pr.Err()
	if err == nil {
		_, err = x.app.ScheduleTraining(r.Context(), p, id, in)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderTrainings(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/competitions/%d/trainings?ok=%s", id, url.QueryEscape(zhiyuan.Text("notice.training_scheduled"))), http.StatusSeeOther)
	return nil
}

package api

import (
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// jobJSON is a failed background job as the API shows it (app.JobProblem).
type jobJSON struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	State       string     `json:"state"`
	Attempt     int        `json:"attempt"`
	MaxAttempts int        `json:"max_attempts"`
	LastError   string     `json:"last_error"`
	CreatedAt   time.Time  `json:"created_at"`
	AttemptedAt *time.Time `json:"attempted_at,omitempty"`
	NextAt      *time.Time `json:"next_at,omitempty"`
	FinalizedAt *time.Time `json:"finalized_at,omitempty"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toJobJSON(j app.JobProblem) jobJSON {
	return jobJSON{ID: j.ID, Kind: j.Kind, State: j.State, Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
		LastError: j.LastError, CreatedAt: j.CreatedAt, AttemptedAt: timeOrNil(j.AttemptedAt),
		NextAt: timeOrNil(j.NextAt), FinalizedAt: timeOrNil(j.FinalizedAt)}
}

func (x *API) listJobs(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.JobProblems(r.Context(), p)
	if err != nil {
		return err
	}
	page := Page[jobJSON]{Items: []jobJSON{}}
	for _, j := range list {
		page.Items = append(page.Items, toJobJSON(j))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) retryJob(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	j, err := x.app.RetryJob(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toJobJSON(*j))
	return nil
}

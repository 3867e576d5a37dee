package web

import (
	"net/http"

	"zhiyuan"
)

// jobs lists the background jobs that failed (waiting to retry, or given up: the dead
// letters), for the platform's administrators.
func (x *Web) jobs(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.JobProblems(r.Context(), p)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "jobs.html", map[string]any{"Title": "后台任务", "Jobs": list,
		"Retried": r.URL.Query().Get("retried") != ""})
	return nil
}

// jobRetryForm asks before a failed job is run again: a delivery that runs again sends
// its message (once more, if the gateway did get it and we never heard).
func (x *Web) jobRetryForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, err := x.app.JobProblems(r.Context(), p)
	if err != nil {
		return err
	}
	for _, j := range list {
		if j.ID == id {
			x.render(w, r, http.StatusOK, "job_retry.html", map[string]any{"Title": "重试后台任务", "Job": j})
			return nil
		}
	}
	return zhiyuan.Fail(zhiyuan.ENotFound, "job.no_such_failed")
}

func (x *Web) jobRetry(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := x.app.RetryJob(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/jobs?retried=1", http.StatusSeeOther)
	return nil
}

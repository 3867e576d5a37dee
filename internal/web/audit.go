package web

import (
	"net/http"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
)

func (x *Web) audit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("cursor"), 10, 64)
	const limit = 50
	entries, err := x.app.Audit(r.Context(), p, app.AuditQuery{Region: q.Get("region"), Action: q.Get("action"), Before: before, Limit: limit})
	if err != nil {
		return err
	}
	next := ""
	if len(entries) == limit {
		next = strconv.FormatInt(entries[limit-1].ID, 10)
	}
	x.render(w, r, http.StatusOK, "audit.html", map[string]any{
		"Title": "审计日志", "Entries": entries, "Region": q.Get("region"), "Action": q.Get("action"), "Next": next,
	})
	return nil
}

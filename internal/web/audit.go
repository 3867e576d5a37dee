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
	// Codes become names here, once, so the page shows 确认服务时长 and 广东省广州市天河区.
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{AuditEntry: e}
		rows[i].ActionLabel, _ = zhiyuan.AuditActionChinese(e.Action)
		rows[i].TargetLabel, _ = zhiyuan.AuditTargetChinese(e.TargetType)
		if e.RegionCode != "" {
			rows[i].RegionName = x.app.RegionName(e.RegionCode)
		}
	}
	x.render(w, r, http.StatusOK, "audit.html", map[string]any{
		"Title": "审计日志", "Entries": rows, "Region": q.Get("region"), "Action": q.Get("action"), "Next": next,
		"Regions": scopeRegionGroups(x.app.Regions, p.RegionScopes()), "Actions": zhiyuan.AuditActions(),
	})
	return nil
}

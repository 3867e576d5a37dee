package api

import (
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

type auditJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorName  string    `json:"actor_name"`
	Action     string    `json:"action"`
	TargetType string    `json:"target_type"`
	TargetID   string    `json:"target_id"`
	RegionCode string    `json:"region_code"`
	OrgID      int64     `json:"org_id,omitempty"`
	OrgName    string    `json:"org_name,omitempty"`
	IP         string    `json:"ip"`
	RequestID  string    `json:"request_id"`
	Detail     string    `json:"detail"`
}

func (x *API) listAudit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	before, limit, err := pageParams(r, 50, 200)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	entries, err := x.app.Audit(r.Context(), p, app.AuditQuery{Region: q.Get("region"), Action: q.Get("action"), Before: before, Limit: int(limit)})
	if err != nil {
		return err
	}
	page := Page[auditJSON]{Items: []auditJSON{}}
	for _, e := range entries {
		page.Items = append(page.Items, auditJSON(e))
	}
	if n := len(entries); n > 0 && int64(n) == limit {
		page.NextCursor = strconv.FormatInt(entries[n-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type adminRequest struct {
	Phone      string           `json:"phone"`
	Name       string           `json:"name"`
	Password   string           `json:"password"`
	Role       zhiyuan.RoleKind `json:"role"`
	RegionCode string           `json:"region_code"`
	OrgID      int64            `json:"org_id"`
}

func (x *API) createAdmin(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req adminRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	acc, err := x.app.CreateAdmin(r.Context(), p, app.AdminInput{
		Phone: req.Phone, Name: req.Name, Password: req.Password,
		Role: zhiyuan.Role{Kind: req.Role, RegionCode: req.RegionCode, OrgID: req.OrgID},
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"id": acc.ID, "name": acc.Name})
	return nil
}

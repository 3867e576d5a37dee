package api

import (
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/pii"
)

type tokenRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (x *API) createToken(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	var req tokenRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	sess, _, err := x.app.Login(r.Context(), req.Login, req.Password, zhiyuan.SessionAPI)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, tokenResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt})
	return nil
}

func (x *API) deleteToken(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	token, _ := httpx.BearerToken(r)
	if err := x.app.Logout(r.Context(), token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type roleJSON struct {
	Role       zhiyuan.RoleKind `json:"role"`
	Name       string           `json:"name"`
	RegionCode string           `json:"region_code,omitempty"`
	RegionName string           `json:"region_name,omitempty"`
	OrgID      int64            `json:"org_id,omitempty"`
}

type meResponse struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	PhoneMasked string     `json:"phone_masked"`
	Roles       []roleJSON `json:"roles"`
}

func (x *API) me(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	acc, err := x.app.Me(r.Context(), p)
	if err != nil {
		return err
	}
	resp := meResponse{ID: acc.ID, Name: acc.Name, PhoneMasked: pii.MaskPhone(acc.Phone), Roles: []roleJSON{}}
	for _, role := range acc.Roles {
		rj := roleJSON{Role: role.Kind, Name: role.Kind.Chinese(), RegionCode: role.RegionCode, OrgID: role.OrgID}
		if reg, ok := x.app.Regions.Lookup(role.RegionCode); ok {
			rj.RegionName = reg.FullName
		}
		resp.Roles = append(resp.Roles, rj)
	}
	httpx.WriteJSON(w, http.StatusOK, resp)
	return nil
}

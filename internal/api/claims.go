package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

type claimRequest struct {
	Phone    string `json:"phone"`
	IDLast6  string `json:"id_last6"`
	Password string `json:"password"`
}

// createClaim takes an unclaimed account (app.ClaimAccount) and answers with an API token,
// as POST /auth/token does after a login.
func (x *API) createClaim(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	var req claimRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	sess, _, err := x.app.ClaimAccount(r.Context(), app.ClaimInput{Phone: req.Phone, IDLast6: req.IDLast6, Password: req.Password}, zhiyuan.SessionAPI)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusCreated, tokenResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt})
	return nil
}

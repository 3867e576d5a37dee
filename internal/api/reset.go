package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

type resetCodeRequest struct {
	Phone string `json:"phone"`
}

// requestResetCode answers 202 with the same message whether or not the number is
// registered (app.ResetSentMessage).
func (x *API) requestResetCode(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	var req resetCodeRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.RequestPasswordReset(r.Context(), req.Phone); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, map[string]string{"message": app.ResetSentMessage})
	return nil
}

type resetRequest struct {
	Phone       string `json:"phone"`
	Code        string `json:"code"`
	NewPassword string `json:"new_password"`
}

func (x *API) resetPassword(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	var req resetRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.ResetPassword(r.Context(), req.Phone, req.Code, req.NewPassword); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type adminResetRequest struct {
	IDNumber string `json:"id_number"`
	Confirm  bool   `json:"confirm"`
}

func (x *API) adminResetAccess(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req adminResetRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	temp, err := x.app.AdminResetAccess(r.Context(), p, id, app.AdminResetInput{IDNumber: req.IDNumber, Confirm: req.Confirm})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "temporary_password": temp, "sessions_ended": true})
	return nil
}

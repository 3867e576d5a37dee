package web

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

func (x *Web) logout(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		if err := x.app.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	httpx.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

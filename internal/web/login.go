package web

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

func (x *Web) loginForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	next := safeNext(r.URL.Query().Get("next"))
	if p != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	x.render(w, r, http.StatusOK, "login.html", map[string]any{"Title": "登录", "Next": next, "Reset": r.URL.Query().Get("reset") == "1"})
	return nil
}

func (x *Web) login(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	login := trim(r, "login")
	next := safeNext(r.PostFormValue("next"))
	sess, _, err := x.app.Login(r.Context(), login, r.PostFormValue("password"), zhiyuan.SessionWeb)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "login.html", map[string]any{
			"Title": "登录", "Next": next, "Login": login, "Error": msg, "Fields": fields,
		})
		return nil
	}
	// A new session id at every login; an old cookie, if any, is replaced. Ending the old
	// session is tidying up: the browser drops its cookie for the new one either way and
	// the old session still expires, so a failure here is logged and does not undo a
	// login that succeeded.
	if old, err := r.Cookie(httpx.SessionCookie); err == nil {
		if err := x.app.Logout(r.Context(), old.Value); err != nil {
			x.log.WarnContext(r.Context(), "login: ending the previous session failed", "error", err.Error())
		}
	}
	httpx.SetSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

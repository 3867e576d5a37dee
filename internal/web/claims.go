package web

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// claimForm asks a person whom a unit registered for the phone, the last six characters of
// their identity number and a new password (app.ClaimAccount). Everything is posted, never
// put in a URL.
func (x *Web) claimForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if p != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	x.render(w, r, http.StatusOK, "claim.html", map[string]any{"Title": "认领账号"})
	return nil
}

// claim takes the account and logs the person in on this browser, as a login would.
func (x *Web) claim(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	in := app.ClaimInput{Phone: trim(r, "phone"), IDLast6: trim(r, "id_last6"), Password: r.PostFormValue("password")}
	sess, _, err := x.app.ClaimAccount(r.Context(), in, zhiyuan.SessionWeb)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "claim.html", map[string]any{
			"Title": "认领账号", "Phone": in.Phone, "IDLast6": in.IDLast6, "Error": msg, "Fields": fields,
		})
		return nil
	}
	httpx.SetSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/me", http.StatusSeeOther)
	return nil
}

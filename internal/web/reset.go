package web

import (
	"net/http"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// forgotForm asks for the phone number a reset code goes to. The number is posted, never
// put in a URL.
func (x *Web) forgotForm(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	x.render(w, r, http.StatusOK, "forgot.html", map[string]any{"Title": "忘记密码"})
	return nil
}

func (x *Web) forgot(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	phone := trim(r, "phone")
	if err := x.app.RequestPasswordReset(r.Context(), phone); err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "forgot.html", map[string]any{
			"Title": "忘记密码", "Phone": phone, "Error": msg, "Fields": fields,
		})
		return nil
	}
	x.render(w, r, http.StatusOK, "reset.html", map[string]any{"Title": "重置密码", "Phone": phone, "Notice": app.ResetSentMessage})
	return nil
}

func (x *Web) resetForm(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	x.render(w, r, http.StatusOK, "reset.html", map[string]any{"Title": "重置密码"})
	return nil
}

func (x *Web) reset(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	phone := trim(r, "phone")
	if err := x.app.ResetPassword(r.Context(), phone, trim(r, "code"), r.PostFormValue("new_password")); err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "reset.html", map[string]any{
			"Title": "重置密码", "Phone": phone, "Error": msg, "Fields": fields,
		})
		return nil
	}
	// Every session of the account has ended, this browser's included.
	httpx.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login?reset=1", http.StatusSeeOther)
	return nil
}

func (x *Web) outbox(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	msgs, err := x.app.OutboxMessages(r.Context(), p)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "outbox.html", map[string]any{"Title": "发件箱", "Messages": msgs})
	return nil
}

// adminVolunteerFind finds a volunteer by the number they show (posted, so it stays out
// of URLs and logs) and opens their admin view.
func (x *Web) adminVolunteerFind(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	data := map[string]any{"Title": "志愿者查询"}
	if r.Method == http.MethodPost {
		no := trim(r, "no")
		v, err := x.app.AdminVolunteer(r.Context(), p, 0, no)
		if err == nil {
			http.Redirect(w, r, "/admin/volunteers/"+strconv.FormatInt(v.ID, 10), http.StatusSeeOther)
			return nil
		}
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			err = zhiyuan.FieldFail(zhiyuan.EInvalid, "no", "web.volunteer_number_unknown")
		}
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		data["No"], data["Error"], data["Fields"] = no, msg, fields
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "admin_volunteer_find.html", data)
		return nil
	}
	if !p.Has(zhiyuan.RoleRegional) && !p.Has(zhiyuan.RolePlatform) {
		return zhiyuan.Fail(zhiyuan.EForbidden, "web.lookup_regional_only")
	}
	x.render(w, r, http.StatusOK, "admin_volunteer_find.html", data)
	return nil
}

func (x *Web) adminVolunteerData(r *http.Request, p *zhiyuan.Principal) (map[string]any, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.volunteer")
	}
	v, err := x.app.AdminVolunteer(r.Context(), p, id, "")
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Title": "志愿者 " + v.VolunteerNo, "V": v}
	if reg, ok := x.app.Regions.Lookup(v.RegionCode); ok {
		data["Region"] = reg.FullName
	}
	return data, nil
}

func (x *Web) adminVolunteer(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	data, err := x.adminVolunteerData(r, p)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "admin_volunteer.html", data)
	return nil
}

// adminResetAccess resets a volunteer's access in person. The form itself is the
// confirmation step: the admin types the number from the document and ticks that every
// session of the volunteer will end; the temporary password is shown once, on a page
// that is not cached.
func (x *Web) adminResetAccess(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	data, err := x.adminVolunteerData(r, p)
	if err != nil {
		return err
	}
	v := data["V"].(*zhiyuan.Volunteer)
	temp, err := x.app.AdminResetAccess(r.Context(), p, v.ID, app.AdminResetInput{
		IDNumber: r.PostFormValue("id_number"), Confirm: r.PostFormValue("confirm") == "yes"})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		data["Fields"], data["Error"] = formProblems(err)
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "admin_volunteer.html", data)
		return nil
	}
	data["Title"], data["Temp"] = "已重置登录密码", temp
	x.render(w, r, http.StatusOK, "admin_reset_done.html", data)
	return nil
}

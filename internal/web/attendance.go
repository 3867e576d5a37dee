package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

// Pages of attendance and hours: the organiser's check-in screen with a rotating QR
// code, the volunteer's check-in form (where the QR code leads), the session's
// attendance and confirmation page, my hours, and the overdue list.

func hrID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.page")
	}
	return id, nil
}

// absoluteURL builds the address a phone reaches the platform at, for the QR code.
func absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if httpx.IsHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// checkinScreen is what the organiser puts on a big screen or a tablet: the session's
// current QR code, drawn on the server, and the live count of who is in. It reloads
// itself with a meta refresh (no script) just after the code changes.
func (x *Web) checkinScreen(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	c, err := x.app.SessionCheckinCode(r.Context(), p, id)
	if err != nil {
		return err
	}
	v, err := x.app.SessionAttendance(r.Context(), p, id)
	if err != nil {
		return err
	}
	link := absoluteURL(r, "/checkin?code="+url.QueryEscape(c.Code))
	png, err := proof.QRPNG(link, 512)
	if err != nil {
		return err
	}
	refresh := int(c.RefreshAt.Sub(x.app.Now()).Seconds()) + 1
	refresh = max(3, min(refresh, 30))
	x.render(w, r, http.StatusOK, "checkin_screen.html", map[string]any{
		"Title": "签到 · " + v.Activity.Title, "View": v, "Code": c,
		"QR":      template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		"Refresh": refresh,
		// Grouped in threes for reading off a screen; spaces typed with it are ignored.
		"Short": c.Short[:3] + " " + c.Short[3:],
	})
	return nil
}

func (x *Web) sessionAttendancePage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderSessionAttendance(w, r, p, http.StatusOK, nil, "")
}

// renderSessionAttendance shows the attendance page, with a form's error when there is
// one (form names which form: mark, makeup, confirm, correct-<id>, resolve-<id>).
func (x *Web) renderSessionAttendance(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error, form string) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.app.SessionAttendance(r.Context(), p, id)
	if err != nil {
		return err
	}
	disputes, err := x.app.OrgDisputes(r.Context(), p, v.Activity.OrgID, zhiyuan.DisputeOpen)
	if err != nil {
		return err
	}
	inSession := map[int64]bool{}
	for _, e := range v.Entries {
		inSession[e.ID] = true
	}
	var open []zhiyuan.HourDispute
	for _, d := range disputes {
		if inSession[d.EntryID] {
			open = append(open, d)
		}
	}
	var absent []zhiyuan.ExpectedVolunteer
	for _, e := range v.Expected {
		if !e.CheckedIn {
			absent = append(absent, e)
		}
	}
	data := map[string]any{
		"Title": "考勤与时长确认 · " + v.Activity.Title, "View": v, "Disputes": open, "Absent": absent,
		"Notice": r.URL.Query().Get("ok"), "Form": form, "Loc": v.Activity.Location(),
	}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
		if r.Method == http.MethodPost {
			data["Posted"] = r.PostForm
		}
	}
	x.render(w, r, status, "session_attendance.html", data)
	return nil
}

// formFailed re-renders the attendance page with a form error, or returns the error
// when it is not the visitor's to fix.
func (x *Web) formFailed(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, err error, form string) error {
	if !isFormError(err) {
		return err
	}
	return x.renderSessionAttendance(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err, form)
}

func (x *Web) backToSession(w http.ResponseWriter, r *http.Request, sessionID int64, notice string) {
	http.Redirect(w, r, fmt.Sprintf("/sessions/%d/attendance?ok=%s#%s", sessionID, url.QueryEscape(notice), "top"), http.StatusSeeOther)
}

func (x *Web) markAttendanceForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	in := app.MarkInput{VolunteerNo: trim(r, "volunteer_no"), Action: trim(r, "action"),
		Method: zhiyuan.AttendanceMethod(trim(r, "method")), WalkIn: r.PostFormValue("walk_in") == "1"}
	// A scanner reading the digital card types its whole payload (or URL) into the field.
	if strings.Trim(in.VolunteerNo, "0123456789") != "" {
		in.CardCode, in.VolunteerNo = in.VolunteerNo, ""
	}
	if at := trim(r, "at"); at != "" {
		se, act, serr := x.app.ManagedSession(r.Context(), p, id)
		if serr != nil {
			return serr
		}
		t, perr := time.Parse("15:04", at)
		if perr != nil {
			return x.formFailed(w, r, p, zhiyuan.FieldFail(zhiyuan.EInvalid, "at", "web.clock_format"), "mark")
		}
		// The time of day on the session's own date; for a session running past midnight
		// a time well before its start belongs to the next day.
		loc := act.Location()
		start := se.StartsAt.In(loc)
		in.At = time.Date(start.Year(), start.Month(), start.Day(), t.Hour(), t.Minute(), 0, 0, loc)
		if in.At.Before(se.StartsAt.Add(-3*time.Hour)) && se.EndsAt.In(loc).Day() != start.Day() {
			in.At = in.At.AddDate(0, 0, 1)
		}
	}
	res, err := x.app.MarkAttendance(r.Context(), p, id, in)
	if err != nil {
		return x.formFailed(w, r, p, err, "mark")
	}
	notice := zhiyuan.Text("notice.marked_in", "name", res.Attendance.VolunteerName)
	if in.Action == app.ActionOut && res.Offer != nil {
		notice = zhiyuan.Text("notice.marked_out_offer", "name", res.Attendance.VolunteerName)
	} else if in.Action == app.ActionOut {
		notice = zhiyuan.Text("notice.marked_out", "name", res.Attendance.VolunteerName)
	}
	x.backToSession(w, r, id, notice)
	return nil
}

func (x *Web) confirmHoursForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	r.ParseForm()
	req := app.ConfirmRequest{Comment: trim(r, "comment")}
	if s := trim(r, "rating"); s != "" {
		req.Rating, _ = strconv.Atoi(s)
		if req.Rating == 0 {
			req.Rating = -1 // not a number: let validation name it
		}
	}
	if r.PostFormValue("all") != "1" {
		for _, s := range r.PostForm["entry_id"] {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return x.formFailed(w, r, p, zhiyuan.FieldFail(zhiyuan.EInvalid, "entry_ids", "web.entry_id_format"), "confirm")
			}
			req.EntryIDs = append(req.EntryIDs, n)
		}
		if len(req.EntryIDs) == 0 {
			return x.formFailed(w, r, p, zhiyuan.FieldFail(zhiyuan.EInvalid, "entry_ids", "web.confirm_nothing_chosen"), "confirm")
		}
	}
	done, err := x.app.ConfirmSessionHours(r.Context(), p, id, req)
	if err != nil {
		return x.formFailed(w, r, p, err, "confirm")
	}
	x.backToSession(w, r, id, zhiyuan.Text("notice.hours_confirmed", "count", len(done)))
	return nil
}

// parseHours reads an hours field ("2.5", "-1").
func parseHours(r *http.Request, name string) (float64, error) {
	s := trim(r, name)
	h, err := strconv.ParseFloat(s, 64)
	if err != nil || s == "" {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "hours", "web.hours_format")
	}
	return h, nil
}

func (x *Web) makeupForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	hours, err := parseHours(r, "hours")
	if err != nil {
		return x.formFailed(w, r, p, err, "makeup")
	}
	e, offer, err := x.app.AddMakeup(r.Context(), p, id, app.MakeupInput{VolunteerNo: trim(r, "volunteer_no"), Hours: hours, Reason: trim(r, "reason")})
	if err != nil {
		return x.formFailed(w, r, p, err, "makeup")
	}
	if offer != nil {
		x.backToSession(w, r, id, zhiyuan.Text("notice.makeup_offer", "name", offer.VolunteerName, "hours", zhiyuan.FormatHours(offer.Minutes)))
		return nil
	}
	x.backToSession(w, r, id, zhiyuan.Text("notice.makeup", "name", e.VolunteerName, "hours", zhiyuan.FormatHours(e.Minutes)))
	return nil
}

func (x *Web) correctionForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	sessionID, _ := strconv.ParseInt(trim(r, "session_id"), 10, 64)
	fail := func(err error) error {
		if !isFormError(err) || sessionID == 0 {
			return err
		}
		r.SetPathValue("id", strconv.FormatInt(sessionID, 10))
		return x.renderSessionAttendance(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err, "correct-"+strconv.FormatInt(id, 10))
	}
	hours, err := parseHours(r, "hours")
	if err != nil {
		return fail(err)
	}
	e, err := x.app.CorrectEntry(r.Context(), p, id, app.CorrectionInput{Hours: hours, Reason: trim(r, "reason")})
	if err != nil {
		return fail(err)
	}
	x.backToSession(w, r, e.SessionID, zhiyuan.Text("notice.corrected", "name", e.VolunteerName, "hours", zhiyuan.FormatHours(e.Minutes)))
	return nil
}

func (x *Web) resolveDisputeForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	sessionID, _ := strconv.ParseInt(trim(r, "session_id"), 10, 64)
	in := app.ResolveInput{Accept: r.PostFormValue("accept") == "1", Resolution: trim(r, "resolution")}
	if s := trim(r, "hours"); s != "" {
		if in.Hours, err = parseHours(r, "hours"); err != nil {
			in.Hours = 0
		}
	}
	d, err := x.app.ResolveDispute(r.Context(), p, id, in)
	if err != nil {
		if !isFormError(err) || sessionID == 0 {
			return err
		}
		r.SetPathValue("id", strconv.FormatInt(sessionID, 10))
		return x.renderSessionAttendance(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err, "resolve-"+strconv.FormatInt(id, 10))
	}
	if sessionID == 0 {
		http.Redirect(w, r, "/hours/overdue", http.StatusSeeOther)
		return nil
	}
	x.backToSession(w, r, sessionID, zhiyuan.Text("notice.dispute_resolved", "status", d.Status.Chinese()))
	return nil
}

// checkinForm is where the organiser's QR code leads: the code filled in, two buttons.
// A small script (static, optional) adds the phone's position for geofenced activities.
func (x *Web) checkinForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	x.render(w, r, http.StatusOK, "checkin.html", map[string]any{"Title": "扫码签到", "Code": r.URL.Query().Get("code"),
		"MaxFailures": zhiyuan.MaxCheckinCodeFailures})
	return nil
}

func (x *Web) checkinSubmit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	in := app.ScanInput{Code: trim(r, "code"), Action: trim(r, "action")}
	lat, errLat := strconv.ParseFloat(trim(r, "lat"), 64)
	lng, errLng := strconv.ParseFloat(trim(r, "lng"), 64)
	if errLat == nil && errLng == nil {
		in.Lat, in.Lng = &lat, &lng
	}
	res, err := x.app.Scan(r.Context(), p, in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "checkin.html", map[string]any{
			"Title": "扫码签到", "Code": in.Code, "Error": msg, "Fields": fields, "MaxFailures": zhiyuan.MaxCheckinCodeFailures,
		})
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/checkin/done?session=%d&action=%s", res.Session.ID, in.Action), http.StatusSeeOther)
	return nil
}

func (x *Web) checkinDone(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	sessionID, err := strconv.ParseInt(r.URL.Query().Get("session"), 10, 64)
	if err != nil {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.page")
	}
	res, err := x.app.MyAttendance(r.Context(), p, sessionID)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "checkin_done.html", map[string]any{
		"Title": "签到结果", "Res": res, "Out": r.URL.Query().Get("action") == app.ActionOut, "Loc": res.Activity.Location(),
	})
	return nil
}

func (x *Web) myHoursPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderMyHours(w, r, p, http.StatusOK, nil, 0)
}

func (x *Web) renderMyHours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error, entryID int64) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
	h, err := x.app.MyHours(r.Context(), p, before, 20)
	if err != nil {
		return err
	}
	disputes, err := x.app.MyDisputes(r.Context(), p)
	if err != nil {
		return err
	}
	offers, err := x.app.MyHourOffers(r.Context(), p, true)
	if err != nil {
		return err
	}
	data := map[string]any{
		"Title": "我的志愿时长", "H": h, "Disputes": disputes, "Offers": offers, "Notice": r.URL.Query().Get("ok"),
		"Stars": strings.Repeat("★", h.StarLevel) + strings.Repeat("☆", zhiyuan.MaxStarLevel-h.StarLevel),
		"Head":  fmt.Sprintf("%x", h.Totals.HeadHash), "FormEntry": entryID,
		"Confirmed": zhiyuan.FormatHours(h.Totals.ConfirmedMinutes), "Pending": zhiyuan.FormatHours(h.Totals.PendingMinutes),
		"ToNext": zhiyuan.FormatHours(h.ToNext),
	}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "my_hours.html", data)
	return nil
}

func (x *Web) disputeForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.DisputeEntry(r.Context(), p, id, trim(r, "reason")); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderMyHours(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err, id)
	}
	http.Redirect(w, r, "/me/hours?ok="+url.QueryEscape(zhiyuan.Text("notice.dispute_filed")), http.StatusSeeOther)
	return nil
}

func (x *Web) overduePage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	orgID, _ := strconv.ParseInt(q.Get("org_id"), 10, 64)
	after, _ := strconv.ParseInt(q.Get("cursor"), 10, 64)
	list, err := x.app.OverdueHours(r.Context(), p, app.OverdueQuery{OrgID: orgID, Region: q.Get("region"), After: after, Limit: 100})
	if err != nil {
		return err
	}
	var next int64
	if len(list) == 100 {
		next = list[len(list)-1].ID
	}
	x.render(w, r, http.StatusOK, "hours_overdue.html", map[string]any{
		"Title": "逾期未确认的时长", "Entries": list, "OrgID": orgID, "Region": q.Get("region"), "Next": next,
		"Cutoff": x.app.OverdueCutoff(), "Orgs": x.pickerOrgs(r, p, orgID),
		"Regions": scopeRegionGroups(x.app.Regions, p.RegionScopes()),
	})
	return nil
}

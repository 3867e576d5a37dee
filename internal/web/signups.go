package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/sheet"
)

func (x *Web) signUp(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sg, err := x.app.SignUp(r.Context(), p, id)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		_, a, aerr := x.app.Session(r.Context(), p, id)
		if aerr != nil {
			return err
		}
		return x.renderActivity(w, r, p, a.ID, httpx.Status(zhiyuan.ErrorCode(err)), "", err)
	}
	http.Redirect(w, r, fmt.Sprintf("/activities/%d?done=%s", sg.ActivityID, sg.Status), http.StatusSeeOther)
	return nil
}

func (x *Web) cancelSignup(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sg, err := x.app.CancelSignup(r.Context(), p, id)
	if err != nil {
		return err
	}
	done := "withdrawn"
	if sg.Late {
		done = "late"
	}
	back := safeNext(r.PostFormValue("back"))
	if back == "/" {
		back = "/me/signups"
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"done="+done, http.StatusSeeOther)
	return nil
}

// signUpSessions signs the volunteer up for the sessions ticked on the activity page,
// each in its own transaction, and shows the page again with each session's outcome
// beside it (partial success is reported per session, never undone).
func (x *Web) signUpSessions(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_bad")
	}
	ids := formIDs(r, "session_id")
	results, err := x.app.SignUpSessions(r.Context(), p, id, ids)
	if err != nil {
		if isFormError(err) {
			return x.renderActivity(w, r, p, id, httpx.Status(zhiyuan.ErrorCode(err)), "", err)
		}
		return err
	}
	shown := map[int64]string{}
	ok := 0
	for _, res := range results {
		if res.Err != nil {
			shown[res.SessionID] = zhiyuan.Text("signup.session_refused", "reason", zhiyuan.ErrorMessage(res.Err))
			continue
		}
		ok++
		status := res.Signup.Status.Chinese()
		if res.Signup.Position > 0 {
			status = zhiyuan.Text("signup.state_position", "status", status, "position", res.Signup.Position)
		}
		shown[res.SessionID] = zhiyuan.Text("signup.session_result", "status", status)
	}
	notice := zhiyuan.Text("notice.sessions_signed_up", "count", ok)
	if n := len(results) - ok; n > 0 {
		notice = zhiyuan.Text("notice.sessions_refused", "count", ok, "refused", n)
	}
	return x.renderActivityResults(w, r, p, id, http.StatusOK, notice, nil, shown)
}

// signupView is a sign-up as lists show it.
type signupView struct {
	*zhiyuan.Signup
	When      string
	CanCancel bool
}

func signupViews(list []*zhiyuan.Signup) []signupView {
	out := make([]signupView, 0, len(list))
	for _, sg := range list {
		out = append(out, signupView{Signup: sg, When: zhiyuan.SessionLabel(sg.StartsAt, sg.EndsAt, sg.TimeZone)})
	}
	return out
}

var signupTabs = []struct{ View, Label string }{
	{"upcoming", "即将参加"}, {"waitlisted", "候补中"}, {"past", "历史"},
}

func (x *Web) mySignups(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	view := zhiyuan.SignupView(r.URL.Query().Get("view"))
	if view == "" {
		view = zhiyuan.ViewUpcoming
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	const limit = 50
	list, err := x.app.MySignups(r.Context(), p, view, offset, limit)
	if err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			x.render(w, r, http.StatusOK, "my_signups.html", map[string]any{"Title": "我的报名", "NotVolunteer": true, "Tabs": signupTabs})
			return nil
		}
		return err
	}
	views := signupViews(list)
	now := x.app.Now()
	for i := range views {
		views[i].CanCancel = views[i].Status.Active() && now.Before(views[i].StartsAt)
	}
	data := map[string]any{"Title": "我的报名", "Signups": views, "View": string(view), "Tabs": signupTabs,
		"Notice": zhiyuan.Text(activityNotices[r.URL.Query().Get("done")])}
	if rec, err := x.app.MySignupRecord(r.Context(), p); err == nil {
		data["Record"] = rec
	}
	if len(list) == limit {
		data["Next"] = fmt.Sprintf("/me/signups?view=%s&cursor=%d", view, offset+limit)
	}
	x.render(w, r, http.StatusOK, "my_signups.html", data)
	return nil
}

func (x *Web) sessionSignups(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
	data, err := x.signupListData(r, p, id, zhiyuan.SignupStatus(r.URL.Query().Get("status")), after, r.URL.Query().Get("msg"))
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "session_signups.html", data)
	return nil
}

// signupListData is what the sign-up list of session id shows: the sign-ups of status
// ("" for all) after the cursor, the counts, and notice above them.
func (x *Web) signupListData(r *http.Request, p *zhiyuan.Principal, id int64, status zhiyuan.SignupStatus, after int64, notice string) (map[string]any, error) {
	const limit = 200
	list, se, a, err := x.app.SessionSignups(r.Context(), p, id, status, after, limit)
	if err != nil {
		return nil, err
	}
	data := map[string]any{
		"Title": a.Title + " · 报名名单", "A": a, "S": se, "When": zhiyuan.SessionLabel(se.StartsAt, se.EndsAt, a.TimeZone),
		"Signups": signupViews(list), "Status": string(status),
		"Statuses": []zhiyuan.SignupStatus{zhiyuan.SignupPending, zhiyuan.SignupConfirmed, zhiyuan.SignupWaitlisted,
			zhiyuan.SignupRejected, zhiyuan.SignupCancelled, zhiyuan.SignupNoShow},
		"Notice": notice,
	}
	// Each sign-up's credit mark, if any, links to its page, where the organisation can waive it.
	if data["Marks"], err = x.app.SessionCreditMarks(r.Context(), p, id); err != nil {
		return nil, err
	}
	if len(list) == limit {
		data["Next"] = fmt.Sprintf("/sessions/%d/signups?status=%s&cursor=%d", id, url.QueryEscape(string(status)), list[limit-1].ID)
	}
	return data, nil
}

// decision reads what the sign-up list's form asks: a row's own 录用 or 不录用 button
// (admit_one, reject_one: that sign-up alone), or a button under the list for the ticked
// ones (action, ids).
func decision(r *http.Request) (string, []int64) {
	for _, one := range []struct{ field, action string }{{"admit_one", "admit"}, {"reject_one", "reject"}} {
		if ids := formIDs(r, one.field); len(ids) > 0 {
			return one.action, ids[:1]
		}
	}
	return r.PostFormValue("action"), formIDs(r, "ids")
}

func (x *Web) decideSignups(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_bad")
	}
	action, ids := decision(r)
	if action == "reject" || action == "no_show" {
		// Not admitting and marking absent ask first (confirm.go); admitting gives a seat.
		if asked, err := x.askFirst(w, r, p, x.askDecideSignups(action, len(ids))); asked || err != nil {
			return err
		}
	}
	var d zhiyuan.SignupDecision
	switch action {
	case "admit":
		d = zhiyuan.DecideAdmit
	case "reject":
		d = zhiyuan.DecideReject
	case "no_show":
		d = zhiyuan.DecideNoShow
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "web.decision_required")
	}
	res, err := x.app.DecideSignups(r.Context(), p, id, ids, d)
	msg := ""
	switch {
	case err != nil && isFormError(err):
		msg = zhiyuan.ErrorMessage(err)
	case err != nil:
		return err
	default:
		msg = zhiyuan.Text("notice.decided", "count", len(res.Done))
		if len(res.Failed) > 0 {
			var reasons []string
			for _, e := range res.Failed {
				reasons = append(reasons, zhiyuan.ErrorMessage(e))
			}
			msg = zhiyuan.Text("notice.decided_some_failed", "count", len(res.Done), "failed", len(res.Failed), "reason", reasons[0])
		}
	}
	status := zhiyuan.SignupStatus(r.PostFormValue("status"))
	if isHTMX(r) {
		// htmx: the list as it is now, swapped in place of the old one.
		data, err := x.signupListData(r, p, id, status, 0, msg)
		if err != nil {
			return err
		}
		x.renderPart(w, r, http.StatusOK, "session_signups.html", "signup-list", data)
		return nil
	}
	back := url.Values{"msg": {msg}}
	if status != "" {
		back.Set("status", string(status))
	}
	http.Redirect(w, r, fmt.Sprintf("/sessions/%d/signups?%s", id, back.Encode()), http.StatusSeeOther)
	return nil
}

func (x *Web) exportSignups(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, se, a, err := x.app.ExportSessionSignups(r.Context(), p, id)
	if err != nil {
		return err
	}
	rows := make([]sheet.SignupRow, 0, len(list))
	for _, sg := range list {
		row := sheet.SignupRow{Name: sg.VolunteerName, VolunteerNo: sg.VolunteerNo, Status: sg.Status.Chinese(), SignedUpAt: sg.CreatedAt}
		if sg.Late {
			row.Note = "逾期取消"
		}
		rows = append(rows, row)
	}
	// The file is built in memory, outside any transaction, then sent whole.
	var buf bytes.Buffer
	if err := sheet.SignupList(&buf, a.Title, zhiyuan.SessionLabel(se.StartsAt, se.EndsAt, a.TimeZone), a.Location(), rows); err != nil {
		return err
	}
	name := fmt.Sprintf("signups-%d-%s.xlsx", se.ID, se.StartsAt.In(a.Location()).Format("20060102"))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

func (x *Web) notifications(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
	data, err := x.notificationData(r, p, before)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "notifications.html", data)
	return nil
}

// notificationData is what the notifications page shows: the caller's messages before
// the cursor (0 for the newest) and their unread count.
func (x *Web) notificationData(r *http.Request, p *zhiyuan.Principal, before int64) (map[string]any, error) {
	const limit = 50
	list, err := x.app.Notifications(r.Context(), p, false, before, limit)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Title": "消息通知", "Notifications": list, "Unread": x.app.UnreadNotifications(r.Context(), p)}
	if len(list) == limit {
		data["Next"] = fmt.Sprintf("/me/notifications?cursor=%d", list[limit-1].ID)
	}
	return data, nil
}

func (x *Web) readNotifications(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err := x.app.MarkNotificationsRead(r.Context(), p, id); err != nil {
		return err
	}
	if isHTMX(r) {
		// htmx: the newest messages as they are now, and the count on 消息 with them.
		data, err := x.notificationData(r, p, 0)
		if err != nil {
			return err
		}
		data["OOB"] = true
		x.renderPart(w, r, http.StatusOK, "notifications.html", "notification-list", data)
		return nil
	}
	http.Redirect(w, r, "/me/notifications", http.StatusSeeOther)
	return nil
}

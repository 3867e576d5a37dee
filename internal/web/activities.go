package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/region"
)

// sessionView is a session as pages show it: times in the activity's zone.
type sessionView struct {
	zhiyuan.ActivitySession
	Label string
	Mine  *zhiyuan.Signup // the visitor's sign-up, if any
	// State is the session's one sign-up state for the visitor (zhiyuan.SignupState):
	// the button when it offers a sign-up, its label and reason otherwise.
	State zhiyuan.SessionState
	// Result is what a sign-up for several sessions at once answered for this one.
	Result string
	// CanCancel offers 取消报名 only while the sign-up can still be cancelled
	// (zhiyuan.CheckCancel, the rule the cancellation applies).
	CanCancel bool
}

// activityView is an activity with what its pages show besides the record.
type activityView struct {
	*zhiyuan.Activity
	RegionName string
	When       string // first session, or the span of a series
	MapURL     string
	Sessions   []sessionView
	// CanClose and CanCancel offer 停止报名 and 取消活动 only where they are possible
	// (zhiyuan.CheckEnd, the rule the actions apply): no 取消 on an ended activity.
	CanClose, CanCancel bool
}

func (x *Web) activityView(a *zhiyuan.Activity) activityView {
	now := x.app.Now()
	v := activityView{Activity: a, RegionName: x.app.RegionName(a.RegionCode),
		CanClose: zhiyuan.CheckEnd(a, zhiyuan.ActivityClosed, now) == nil, CanCancel: zhiyuan.CheckEnd(a, zhiyuan.ActivityCancelled, now) == nil}
	if !a.StartsAt.IsZero() {
		v.When = zhiyuan.SessionLabel(a.StartsAt, a.EndsAt, a.TimeZone)
		if len(a.Sessions) > 1 {
			loc := a.Location()
			v.When = a.StartsAt.In(loc).Format("2006-01-02") + " 至 " + a.EndsAt.In(loc).Format("2006-01-02") +
				fmt.Sprintf("，共 %d 场", len(a.Sessions))
		}
	}
	if a.HasCoords() {
		// 高德地图's marker page takes WGS-84 when told so; it opens in any browser or the app.
		v.MapURL = fmt.Sprintf("https://uri.amap.com/marker?position=%.6f,%.6f&coordinate=wgs84&name=%s",
			a.Lng, a.Lat, url.QueryEscape(a.Title))
	}
	return v
}

const activityPageSize = 20

func (x *Web) activitySearch(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	sq := app.SearchQuery{Q: q.Get("q"), Region: pickedRegion(x.app.Regions, r, "region"), Category: q.Get("category"), From: q.Get("from"),
		To: q.Get("to"), Open: q.Get("open") == "1", Near: q.Get("near"), WithinKm: q.Get("within_km"), Sort: q.Get("sort"),
		Cursor: q.Get("cursor"), Limit: activityPageSize, For: p}
	res, err := x.app.SearchActivitiesCounted(r.Context(), sq)
	if err != nil && !isFormError(err) {
		return err
	}
	var hits []zhiyuan.ActivityHit
	next := ""
	if res != nil {
		hits, next = res.Hits, res.Next
	}
	type hitView struct {
		activityView
		Hit  zhiyuan.ActivityHit
		Next string
	}
	var views []hitView
	for _, h := range hits {
		hv := hitView{activityView: x.activityView(h.Activity), Hit: h}
		if !h.NextSessionAt.IsZero() {
			hv.Next = h.NextSessionAt.In(h.Activity.Location()).Format("2006-01-02 15:04")
		}
		views = append(views, hv)
	}
	data := map[string]any{
		"Title": "找活动", "Hits": views, "Q": sq, "Categories": zhiyuan.Categories,
		"Picker": newRegionPicker(x.app.Regions, "region", "地区", sq.Region, region.Street), "Searched": len(q) > 0,
		"Result": res, "Filters": activeFilters(sq),
	}
	status := http.StatusOK
	if err != nil {
		data["Fields"], data["Error"] = formProblems(err)
		status = httpx.Status(zhiyuan.ErrorCode(err))
	}
	if next != "" {
		v := url.Values{}
		for k, vs := range q {
			if k != "cursor" {
				v[k] = vs
			}
		}
		v.Set("cursor", next)
		data["Next"] = "/activities?" + v.Encode()
	}
	if isHTMX(r) {
		// The form's htmx: the results and the panel's count, not the whole page.
		data["OOB"] = true
		x.renderPart(w, r, status, "activities.html", "search-results", data)
		return nil
	}
	x.render(w, r, status, "activities.html", data)
	return nil
}

// activeFilters counts the filters of the collapsible panel that are set (the keyword
// box is outside it): the panel opens by itself and its summary shows the number.
func activeFilters(q app.SearchQuery) int {
	n := 0
	for _, set := range []bool{q.Region != "", q.Category != "", q.From != "", q.To != "", q.Near != "",
		q.WithinKm != "", q.Sort != "" && q.Sort != string(zhiyuan.SortStart), q.Open} {
		if set {
			n++
		}
	}
	return n
}

// activityNotices are the messages shown after an action redirected back to the page.
var activityNotices = map[string]zhiyuan.Msg{
	"created":    "notice.activity.created",
	"published":  "notice.activity.published",
	"closed":     "notice.activity.closed",
	"cancelled":  "notice.activity.cancelled",
	"confirmed":  "notice.activity.confirmed",
	"pending":    "notice.activity.pending",
	"waitlisted": "notice.activity.waitlisted",
	"withdrawn":  "notice.activity.withdrawn",
	"late":       "notice.activity.late",
	"capacity":   "notice.activity.capacity",
	"sessions":   "notice.activity.sessions",
	"edited":     "notice.activity.edited",
}

func (x *Web) activityShow(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return x.renderActivity(w, r, p, id, http.StatusOK, zhiyuan.Text(activityNotices[r.URL.Query().Get("done")]), nil)
}

// renderActivity renders the activity page, with a notice or an error of a sign-up or
// an admin action shown above the sessions.
func (x *Web) renderActivity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, id int64, status int, notice string, failure error) error {
	return x.renderActivityResults(w, r, p, id, status, notice, failure, nil)
}

// renderActivityResults is renderActivity with the outcome of a sign-up for several
// sessions shown beside each session.
func (x *Web) renderActivityResults(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, id int64, status int, notice string, failure error, results map[int64]string) error {
	a, err := x.app.Activity(r.Context(), p, id)
	if err != nil {
		return err
	}
	states, mine, isVolunteer, err := x.app.SignupStates(r.Context(), p, a)
	if err != nil {
		return err
	}
	v := x.activityView(a)
	offered := 0
	for _, se := range a.Sessions {
		sv := sessionView{ActivitySession: se, Label: zhiyuan.SessionLabel(se.StartsAt, se.EndsAt, a.TimeZone), Mine: mine[se.ID],
			State: states[se.ID], Result: results[se.ID]}
		if sv.State.CanSignUp() {
			offered++
		}
		if sv.Mine != nil {
			_, err := zhiyuan.CheckCancel(a, &se, sv.Mine.Status, x.app.Now())
			sv.CanCancel = err == nil
		}
		v.Sessions = append(v.Sessions, sv)
	}
	data := map[string]any{
		"Title": a.Title, "A": v, "CanManage": x.app.CanManageActivity(r.Context(), p, a), "IsVolunteer": isVolunteer,
		"Notice": notice, "Deadline": a.CancelBeforeHours,
		// Several sessions open to this volunteer: tick them and sign up once.
		"Several": isVolunteer && offered > 1,
	}
	// The volunteers' average rating of the activity (honours.go); comments are not public.
	if rating, err := x.app.ActivityRating(r.Context(), a.ID); err == nil {
		data["Rating"] = rating
	}
	if !a.SignupOpensAt.IsZero() {
		data["Opens"] = a.SignupOpensAt.In(a.Location()).Format("2006-01-02 15:04")
	}
	if !a.SignupClosesAt.IsZero() {
		data["Closes"] = a.SignupClosesAt.In(a.Location()).Format("2006-01-02 15:04")
	}
	if data["Insurance"], err = x.app.ActivityInsurance(r.Context(), p, a); err != nil { // who insures whom (credit.go)
		return err
	}
	if failure != nil {
		data["Fields"], data["Error"] = formProblems(failure)
	}
	x.render(w, r, status, "activity_show.html", data)
	return nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.page")
	}
	return id, nil
}

func (x *Web) activityAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		var done string
		switch action {
		case "publish":
			_, err = x.app.PublishActivity(r.Context(), p, id)
			done = "published"
		case "close":
			_, err = x.app.CloseActivity(r.Context(), p, id)
			done = "closed"
		case "cancel":
			_, err = x.app.CancelActivity(r.Context(), p, id)
			done = "cancelled"
		}
		if err != nil {
			if isFormError(err) {
				return x.renderActivity(w, r, p, id, httpx.Status(zhiyuan.ErrorCode(err)), "", err)
			}
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/activities/%d?done=%s", id, done), http.StatusSeeOther)
		return nil
	}
}

func (x *Web) sessionCapacity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	capacity, convErr := strconv.Atoi(trim(r, "capacity"))
	se, a, err := x.app.Session(r.Context(), p, id)
	if err != nil {
		return err
	}
	if convErr != nil {
		return x.renderActivity(w, r, p, a.ID, http.StatusUnprocessableEntity, "", zhiyuan.FieldFail(zhiyuan.EInvalid, "capacity", "web.capacity_integer"))
	}
	if _, _, err := x.app.UpdateSession(r.Context(), p, se.ID, app.SessionPatch{Capacity: &capacity}); err != nil {
		if isFormError(err) {
			return x.renderActivity(w, r, p, a.ID, httpx.Status(zhiyuan.ErrorCode(err)), "", err)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/activities/%d?done=capacity", a.ID), http.StatusSeeOther)
	return nil
}

func (x *Web) activityAddSessions(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := x.app.Activity(r.Context(), p, id)
	if err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	sessions, _ := formSessions(r, pr, a.Location())
	rec := formRecurrence(r)
	if err := pr.Err(); err == nil {
		_, err = x.app.AddSessions(r.Context(), p, id, sessions, rec)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/activities/%d?done=sessions", id), http.StatusSeeOther)
			return nil
		}
		if !isFormError(err) {
			return err
		}
		return x.renderActivity(w, r, p, id, httpx.Status(zhiyuan.ErrorCode(err)), "", err)
	} else {
		return x.renderActivity(w, r, p, id, http.StatusUnprocessableEntity, "", err)
	}
}

func (x *Web) orgActivities(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
	list, o, err := x.app.OrgActivities(r.Context(), p, id, r.URL.Query().Get("status"), before, 50)
	if err != nil {
		return err
	}
	views := make([]activityView, 0, len(list))
	for _, a := range list {
		views = append(views, x.activityView(a))
	}
	projects, err := x.app.Projects(r.Context(), id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": o.Name + " · 活动管理", "Org": o, "Activities": views, "Status": r.URL.Query().Get("status"),
		"Projects": projects, "Categories": zhiyuan.Categories, "Notice": zhiyuan.Text(map[string]zhiyuan.Msg{"project": "notice.activity.project"}[r.URL.Query().Get("done")]),
		"Statuses": []zhiyuan.ActivityStatus{zhiyuan.ActivityDraft, zhiyuan.ActivityPublished, zhiyuan.ActivityClosed, zhiyuan.ActivityCancelled}}
	if len(list) == 50 {
		data["Next"] = fmt.Sprintf("/orgs/%d/activities?status=%s&cursor=%d", id, url.QueryEscape(r.URL.Query().Get("status")), list[49].ID)
	}
	x.render(w, r, http.StatusOK, "org_activities.html", data)
	return nil
}

// activityForm is the create form's input, kept as typed for redisplay.
type activityForm struct {
	Title, Description, Category, TargetGroup, RegionCode, Address string
	Lat, Lng, Radius, ContactName, ContactPhone, MinAge, MaxAge    string
	Skills, Mode, Opens, Closes, CancelHours, ProjectID            string
	MembersOnly, Insurance, ChildFriendly, Waitlist, Publish       bool
	Sessions                                                       [3]sessionForm
	RecDate, RecStart, RecEnd, RecWeeks, RecCapacity               string
}

type sessionForm struct{ Date, Start, End, Capacity string }

func (x *Web) activityFormData(r *http.Request, p *zhiyuan.Principal, orgID int64, f activityForm) (map[string]any, error) {
	o, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	projects, err := x.app.Projects(r.Context(), orgID)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"Title": "发布活动", "Org": o, "Form": f, "Categories": zhiyuan.Categories, "Projects": projects,
		"Picker":      newRegionPicker(x.app.Regions, "region_code", "活动所在地（区县或街道）", f.RegionCode, region.Street),
		"SessionRows": sessionRows(f, nil),
	}, nil
}

// sessionRow is one row of the form's session inputs with its messages.
type sessionRow struct {
	N    int
	F    sessionForm
	Errs []string
}

func sessionRows(f activityForm, fields map[string]string) []sessionRow {
	rows := make([]sessionRow, len(f.Sessions))
	for i := range rows {
		rows[i] = sessionRow{N: i, F: f.Sessions[i]}
		for _, k := range []string{"starts_at", "ends_at", "capacity"} {
			if m := fields[fmt.Sprintf("sessions[%d].%s", i, k)]; m != "" {
				rows[i].Errs = append(rows[i].Errs, zhiyuan.Text("web.session_row", "n", i+1, "message", m))
			}
		}
	}
	return rows
}

func recurrenceErrors(fields map[string]string) []string {
	var out []string
	for _, k := range []string{"first_date", "start_time", "end_time", "weeks", "capacity"} {
		if m := fields["recurrence."+k]; m != "" {
			out = append(out, m)
		}
	}
	return out
}

func (x *Web) activityNewForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// Every default here passes the checks: the check-in radius stays blank (no limit
	// without coordinates, DefaultCheckinRadiusM with them). The picker starts at the
	// organisation's own region, and asks for the district when that is a city.
	f := activityForm{Mode: string(zhiyuan.SignupFirstCome), Waitlist: true, CancelHours: "24", RecWeeks: "10"}
	o, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, id)
	if err != nil {
		return err
	}
	f.RegionCode, f.ContactName = o.RegionCode, o.ContactName
	data, err := x.activityFormData(r, p, id, f)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "activity_new.html", data)
	return nil
}

// formSessions reads the session rows of a form (date, start, end, capacity; blank rows
// skipped). End times not after the start end on the next day. It returns the sessions
// and, for each, the form row it came from, so error keys can point at the right row.
func formSessions(r *http.Request, pr zhiyuan.Problems, loc *time.Location) ([]app.SessionInput, []int) {
	var out []app.SessionInput
	var rows []int
	for i := 0; i < 3; i++ {
		n := strconv.Itoa(i)
		date, start, end, capStr := trim(r, "s"+n+"_date"), trim(r, "s"+n+"_start"), trim(r, "s"+n+"_end"), trim(r, "s"+n+"_capacity")
		if date == "" && start == "" && end == "" && capStr == "" {
			continue
		}
		key := fmt.Sprintf("sessions[%d].", i)
		day, err := time.ParseInLocation("2006-01-02", date, loc)
		if err != nil {
			pr.Add(key+"starts_at", "web.date_required")
			continue
		}
		st, err1 := time.Parse("15:04", start)
		en, err2 := time.Parse("15:04", end)
		if err1 != nil {
			pr.Add(key+"starts_at", "session.starts_at_required")
		}
		if err2 != nil {
			pr.Add(key+"ends_at", "session.ends_at_required")
		}
		capacity, err3 := strconv.Atoi(capStr)
		if err3 != nil {
			pr.Add(key+"capacity", "web.capacity_integer")
		}
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		s := time.Date(day.Year(), day.Month(), day.Day(), st.Hour(), st.Minute(), 0, 0, loc)
		e := time.Date(day.Year(), day.Month(), day.Day(), en.Hour(), en.Minute(), 0, 0, loc)
		if !e.After(s) {
			e = e.AddDate(0, 0, 1)
		}
		out = append(out, app.SessionInput{StartsAt: s, EndsAt: e, Capacity: capacity})
		rows = append(rows, i)
	}
	return out, rows
}

func formRecurrence(r *http.Request) *zhiyuan.Recurrence {
	if trim(r, "rec_date") == "" {
		return nil
	}
	weeks, _ := strconv.Atoi(trim(r, "rec_weeks"))
	capacity, _ := strconv.Atoi(trim(r, "rec_capacity"))
	return &zhiyuan.Recurrence{FirstDate: trim(r, "rec_date"), StartTime: trim(r, "rec_start"), EndTime: trim(r, "rec_end"),
		Weeks: weeks, Capacity: capacity}
}

// readActivityFields reads the activity's own fields (not its sessions) from the create
// or edit form, keeping them as typed for redisplay; unreadable numbers and times are
// problems in pr. Sign-up times are read in loc.
func readActivityFields(r *http.Request, tree *region.Tree, pr zhiyuan.Problems, loc *time.Location) (activityForm, app.ActivityInput) {
	f := activityForm{
		Title: trim(r, "title"), Description: trim(r, "description"), Category: trim(r, "category"),
		TargetGroup: trim(r, "target_group"), RegionCode: pickedRegion(tree, r, "region_code"), Address: trim(r, "address"),
		Lat: trim(r, "lat"), Lng: trim(r, "lng"), Radius: trim(r, "checkin_radius_m"), ContactName: trim(r, "contact_name"),
		ContactPhone: trim(r, "contact_phone"), MinAge: trim(r, "min_age"), MaxAge: trim(r, "max_age"), Skills: trim(r, "skills"),
		Mode: trim(r, "signup_mode"), Opens: trim(r, "signup_opens_at"), Closes: trim(r, "signup_closes_at"),
		CancelHours: trim(r, "cancel_before_hours"), ProjectID: trim(r, "project_id"),
		MembersOnly: r.PostFormValue("members_only") != "", Insurance: r.PostFormValue("insurance_required") != "",
		ChildFriendly: r.PostFormValue("child_friendly") != "", Waitlist: r.PostFormValue("waitlist") != "",
	}
	in := app.ActivityInput{Title: f.Title, Description: f.Description, Category: zhiyuan.Category(f.Category),
		TargetGroup: f.TargetGroup, RegionCode: f.RegionCode, Address: f.Address, ContactName: f.ContactName,
		ContactPhone: f.ContactPhone, MembersOnly: f.MembersOnly, InsuranceRequired: f.Insurance, ChildFriendly: f.ChildFriendly,
		Waitlist: f.Waitlist, SignupMode: zhiyuan.SignupMode(f.Mode)}
	in.Lat = decimalField(pr, "lat", f.Lat)
	in.Lng = decimalField(pr, "lng", f.Lng)
	in.CheckinRadiusM = integerField(pr, "checkin_radius_m", f.Radius)
	if f.Radius == "" && f.Lat != "" && f.Lng != "" {
		in.CheckinRadiusM = zhiyuan.DefaultCheckinRadiusM
	}
	in.MinAge = integerField(pr, "min_age", f.MinAge)
	in.MaxAge = integerField(pr, "max_age", f.MaxAge)
	in.CancelBeforeHours = integerField(pr, "cancel_before_hours", f.CancelHours)
	if f.ProjectID != "" {
		pid, err := strconv.ParseInt(f.ProjectID, 10, 64)
		if err != nil {
			pr.Add("project_id", "notfound.project")
		}
		in.ProjectID = pid
	}
	// Skills are typed the way volunteers type theirs, so both split the same way.
	in.Skills = splitList(f.Skills)
	for field, s := range map[string]string{"signup_opens_at": f.Opens, "signup_closes_at": f.Closes} {
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
		if err != nil {
			pr.Add(field, "web.time_format")
		}
		if field == "signup_opens_at" {
			in.SignupOpensAt = t
		} else {
			in.SignupClosesAt = t
		}
	}
	return f, in
}

func (x *Web) activityCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := pathID(r)
	if err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	loc := zhiyuan.LoadZone("")
	f, in := readActivityFields(r, x.app.Regions, pr, loc)
	f.Publish = r.PostFormValue("publish") != ""
	f.RecDate, f.RecStart, f.RecEnd, f.RecWeeks, f.RecCapacity = trim(r, "rec_date"), trim(r, "rec_start"), trim(r, "rec_end"), trim(r, "rec_weeks"), trim(r, "rec_capacity")
	in.Recurrence = formRecurrence(r)
	for i := range f.Sessions {
		n := strconv.Itoa(i)
		f.Sessions[i] = sessionForm{trim(r, "s"+n+"_date"), trim(r, "s"+n+"_start"), trim(r, "s"+n+"_end"), trim(r, "s"+n+"_capacity")}
	}
	sessions, rows := formSessions(r, pr, loc)
	in.Sessions = sessions
	if picking(r) {
		data, err := x.activityFormData(r, p, orgID, f)
		if err != nil {
			return err
		}
		x.render(w, r, http.StatusOK, "activity_new.html", data)
		return nil
	}
	var a *zhiyuan.Activity
	err = pr.Err()
	appErr := err == nil
	if err == nil {
		a, err = x.app.CreateActivity(r.Context(), p, orgID, in)
	}
	if err == nil && f.Publish {
		a, err = x.app.PublishActivity(r.Context(), p, a.ID)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		data, derr := x.activityFormData(r, p, orgID, f)
		if derr != nil {
			return derr
		}
		fields, msg := formProblems(err)
		if appErr {
			fields = formRows(fields, rows)
		} else if more := x.app.CheckActivity(r.Context(), p, orgID, in); isFormError(more) {
			// The form's own problems first; the rest of the activity's too, so that one
			// round trip shows everything to fix.
			for k, v := range formRows(zhiyuan.ErrorFields(more), rows) {
				if _, ok := fields[k]; !ok && !strings.HasPrefix(k, "sessions") {
					fields[k] = v
				}
			}
		}
		if len(fields) > 0 {
			// Each message stands beside its field; the top says only where to look, so
			// no message is shown twice.
			msg = zhiyuan.MsgCheckFields.Render(nil)
		}
		data["Fields"], data["Error"] = fields, msg
		data["SessionRows"], data["RecErrs"] = sessionRows(f, fields), recurrenceErrors(fields)
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "activity_new.html", data)
		return nil
	}
	done := "created"
	if f.Publish {
		done = "published"
	}
	http.Redirect(w, r, fmt.Sprintf("/activities/%d?done=%s", a.ID, done), http.StatusSeeOther)
	return nil
}

// formRows rewrites "sessions[k].x" error keys, where k counts the filled rows only, to
// the form row they came from; recurrence errors keep their keys.
func formRows(fields map[string]string, rows []int) map[string]string {
	if fields == nil {
		return nil
	}
	out := map[string]string{}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var i int
		var rest string
		if n, _ := fmt.Sscanf(k, "sessions[%d].%s", &i, &rest); n == 2 {
			if i < len(rows) {
				out[fmt.Sprintf("sessions[%d].%s", rows[i], rest)] = fields[k]
			} else if _, dup := out["recurrence.first_date"]; !dup {
				out["recurrence.first_date"] = fields[k] // a session of the weekly series
			}
			continue
		}
		out[k] = fields[k]
	}
	return out
}

func (x *Web) projectCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_, err = x.app.CreateProject(r.Context(), p, id, zhiyuan.Project{Title: trim(r, "project_title"),
		Description: trim(r, "project_description"), Category: zhiyuan.Category(trim(r, "project_category"))})
	if err != nil {
		return err // the error page names the problem (an empty title); the form is one field
	}
	http.Redirect(w, r, fmt.Sprintf("/orgs/%d/activities?done=project", id), http.StatusSeeOther)
	return nil
}

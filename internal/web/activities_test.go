package web_test

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// actPages is a platform with an approved organisation whose admin is logged in to a
// browser.
type actPages struct {
	e     *servertest.Env
	t     *testing.T
	org   *zhiyuan.Organization
	admin *servertest.Browser
}

func newActPages(t *testing.T, e *servertest.Env) *actPages {
	t.Helper()
	phone := e.NewPhone()
	hash, _ := password.Hash("test1234", password.Fast)
	acc := &zhiyuan.Account{Phone: phone, Name: "组织管理员"}
	if err := e.Store.CreateAccount(t.Context(), acc, hash); err != nil {
		t.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: "天河区青年志愿者协会" + phone[len(phone)-2:], Type: "社会组织", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
	if err := e.Store.CreateOrganization(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.DecideOrganization(t.Context(), o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		t.Fatal(err)
	}
	b := e.Browser()
	b.Login(phone, "test1234")
	return &actPages{e: e, t: t, org: o, admin: b}
}

// volunteer registers a volunteer born on birth and returns a logged-in browser.
func (f *actPages) volunteer(name string, birth time.Time) (*servertest.Browser, int64) {
	f.t.Helper()
	phone := f.e.NewPhone()
	hash, _ := password.Hash("test1234", password.Fast)
	v := &zhiyuan.Volunteer{Name: name, IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X", Phone: phone,
		RegionCode: "440106", BirthDate: birth, Sex: "female", Minor: f.e.Store.Now().Sub(birth) < 18*365*24*time.Hour}
	if err := f.e.Store.CreateVolunteer(f.t.Context(), v, sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberIndex: "pg" + phone}); err != nil {
		f.t.Fatal(err)
	}
	b := f.e.Browser()
	b.Login(phone, "test1234")
	return b, v.ID
}

// day is a date d days from now in Beijing time, as a date input sends it.
func (f *actPages) day(d int) string {
	return f.e.Store.Now().In(zhiyuan.Beijing).AddDate(0, 0, d).Format("2006-01-02")
}

func (f *actPages) form(title string) url.Values {
	return url.Values{
		"title": {title}, "category": {"elderly_care"}, "description": {"陪伴社区长者聊天、读报"},
		"region_code": {"440106"}, "address": {"天河区五山街道某社区"}, "lat": {"23.155"}, "lng": {"113.35"},
		"checkin_radius_m": {"200"}, "signup_mode": {"first_come"}, "waitlist": {"1"}, "cancel_before_hours": {"24"},
		"s0_date": {f.day(5)}, "s0_start": {"09:00"}, "s0_end": {"12:00"}, "s0_capacity": {"20"},
		"s1_date": {f.day(12)}, "s1_start": {"23:00"}, "s1_end": {"02:00"}, "s1_capacity": {"10"},
		"publish": {"1"},
	}
}

var actLocation = regexp.MustCompile(`^/activities/(\d+)\?done=`)

// create submits the form and returns the new activity's id.
func (f *actPages) create(form url.Values) int64 {
	f.t.Helper()
	res := f.admin.Post(fmt.Sprintf("/orgs/%d/activities", f.org.ID), form)
	m := actLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		f.t.Fatalf("create: %d %s\n%s", res.Status, res.Header.Get("Location"), res.Body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func wantActPage(t *testing.T, what string, res *servertest.Response, status int, contains ...string) string {
	t.Helper()
	body := string(res.Body)
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.Status, status, body)
	}
	for _, c := range contains {
		if !strings.Contains(body, c) {
			t.Fatalf("%s: page lacks %q\n%s", what, c, body)
		}
	}
	return body
}

func TestActivityPagesCreateFindSignUp(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		drain := e.WorkJobs()
		f := newActPages(t, e)
		wantActPage(t, "new form", f.admin.Get(fmt.Sprintf("/orgs/%d/activities/new", f.org.ID)), http.StatusOK,
			`name="s2_date"`, `name="rec_weeks"`, "先到先得", "报名后录用")
		id := f.create(f.form("社区敬老探访"))
		body := wantActPage(t, "activity page", f.admin.Get(fmt.Sprintf("/activities/%d?done=published", id)), http.StatusOK,
			"活动已发布", "社区敬老探访", f.day(5)+" 09:00–12:00", f.day(12)+" 23:00–次日 02:00",
			"uri.amap.com/marker?position=113.350000,23.155000", "报名名单", "停止报名")
		if strings.Count(body, `action="/sessions/`) != 2 { // the capacity form of each session
			t.Fatalf("sessions missing:\n%s", body)
		}
		wantActPage(t, "org list", f.admin.Get(fmt.Sprintf("/orgs/%d/activities", f.org.ID)), http.StatusOK, "社区敬老探访", "已发布", "新建项目")
		res0 := f.admin.Post(fmt.Sprintf("/orgs/%d/projects", f.org.ID), url.Values{"project_title": {"银龄关爱项目"}, "project_category": {"elderly_care"}})
		if res0.Status != http.StatusSeeOther {
			t.Fatalf("create project: %d %s", res0.Status, res0.Body)
		}
		wantActPage(t, "new form with project", f.admin.Get(fmt.Sprintf("/orgs/%d/activities/new", f.org.ID)), http.StatusOK, "银龄关爱项目")
		wantActPage(t, "project without title", f.admin.Post(fmt.Sprintf("/orgs/%d/projects", f.org.ID), url.Values{"project_title": {" "}}),
			http.StatusUnprocessableEntity, zhiyuan.Text("project.title_required"))

		// A volunteer finds it by a Chinese word and signs up.
		vol, _ := f.volunteer("张小红", time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC))
		wantActPage(t, "search", vol.Get("/activities?q="+url.QueryEscape("敬老")), http.StatusOK, "社区敬老探访", "剩余 30 个名额")
		wantActPage(t, "search miss", vol.Get("/activities?q="+url.QueryEscape("消防演练")), http.StatusOK, "没有找到")
		a, _ := e.Store.FindActivityByID(t.Context(), id)
		res := vol.Post(fmt.Sprintf("/sessions/%d/signup", a.Sessions[0].ID), nil)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/activities/%d?done=confirmed", id) {
			t.Fatalf("sign up: %d %s", res.Status, res.Header.Get("Location"))
		}
		wantActPage(t, "after sign-up", vol.Get(res.Header.Get("Location")), http.StatusOK, "报名成功", "已录用", "取消报名")
		// The second session overlaps nothing: sign up too, then see both under my sign-ups.
		vol.Post(fmt.Sprintf("/sessions/%d/signup", a.Sessions[1].ID), nil)
		wantActPage(t, "my sign-ups", vol.Get("/me/signups"), http.StatusOK, "社区敬老探访", f.day(5)+" 09:00–12:00", f.day(12)+" 23:00–次日 02:00")

		// The admin's list and export.
		list := wantActPage(t, "sign-up list", f.admin.Get(fmt.Sprintf("/sessions/%d/signups", a.Sessions[0].ID)), http.StatusOK, "张小红", "已录用", "导出 Excel")
		_ = list
		x := f.admin.Get(fmt.Sprintf("/sessions/%d/signups.xlsx", a.Sessions[0].ID))
		if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("export: %d %v", x.Status, x.Header)
		}
		book, err := excelize.OpenReader(bytes.NewReader(x.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := book.GetRows(book.GetSheetName(0))
		if len(rows) != 3 || rows[2][1] != "张小红" || rows[2][4] != "已录用" {
			t.Fatalf("export rows %q", rows)
		}
		// A volunteer cannot see the list or the export.
		wantActPage(t, "list as volunteer", vol.Get(fmt.Sprintf("/sessions/%d/signups", a.Sessions[0].ID)), http.StatusForbidden)
		wantActPage(t, "export as volunteer", vol.Get(fmt.Sprintf("/sessions/%d/signups.xlsx", a.Sessions[0].ID)), http.StatusForbidden)

		// Cancel from my sign-ups; then the organisation cancels the activity and the
		// volunteer finds a message.
		sgs, _ := e.Store.FindSessionSignups(t.Context(), sqlstore.SignupFilter{SessionID: a.Sessions[0].ID})
		res = vol.Post(fmt.Sprintf("/signups/%d/cancel", sgs[0].ID), url.Values{"back": {"/me/signups"}, "confirm": {"1"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/me/signups?done=withdrawn" {
			t.Fatalf("cancel: %d %s", res.Status, res.Header.Get("Location"))
		}
		wantActPage(t, "history", vol.Get("/me/signups?view=past"), http.StatusOK, "已取消")
		res = f.admin.Post(fmt.Sprintf("/activities/%d/cancel", id), confirmed)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("cancel activity: %d %s", res.Status, res.Body)
		}
		drain() // the notice is written by the job queued with the cancellation
		wantActPage(t, "notifications", vol.Get("/me/notifications"), http.StatusOK, "活动取消：社区敬老探访", "未读")
		res = vol.Post("/me/notifications/read", nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("mark read: %d", res.Status)
		}
		if n := e.App.UnreadNotifications(t.Context(), &zhiyuan.Principal{AccountID: sgs[0].AccountID}); n != 0 {
			t.Fatalf("%d unread after marking all read", n)
		}
	})
}

func TestActivityPagesFormErrorsAndConditions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		f := newActPages(t, e)
		bad := f.form("")
		bad.Set("s1_capacity", "0")
		bad.Set("s0_date", "")
		wantActPage(t, "bad form", f.admin.Post(fmt.Sprintf("/orgs/%d/activities", f.org.ID), bad), http.StatusUnprocessableEntity,
			zhiyuan.Text("activity.title_required"), zhiyuan.Text("web.session_row", "n", 1, "message", zhiyuan.Text("web.date_required")))
		bad = f.form("周末河涌清洁")
		bad.Set("s1_capacity", "0")
		wantActPage(t, "bad capacity", f.admin.Post(fmt.Sprintf("/orgs/%d/activities", f.org.ID), bad), http.StatusUnprocessableEntity,
			zhiyuan.Text("web.session_row", "n", 2, "message", zhiyuan.Text("session.capacity_range", "max", zhiyuan.MaxSessionCapacity)), `value="周末河涌清洁"`)
		var n int
		e.Store.DB().QueryRow("SELECT COUNT(*) FROM activities").Scan(&n)
		if n != 0 {
			t.Fatalf("%d activities saved from bad forms", n)
		}
		// A weekly series from the form: 4 Saturdays.
		rec := f.form("每周六敬老院探访")
		for _, k := range []string{"s0_date", "s0_start", "s0_end", "s0_capacity", "s1_date", "s1_start", "s1_end", "s1_capacity"} {
			rec.Del(k)
		}
		now := e.Store.Now().In(zhiyuan.Beijing)
		sat := now.AddDate(0, 0, (int(time.Saturday)-int(now.Weekday())+7)%7+7)
		rec.Set("rec_date", sat.Format("2006-01-02"))
		rec.Set("rec_start", "09:00")
		rec.Set("rec_end", "12:00")
		rec.Set("rec_weeks", "4")
		rec.Set("rec_capacity", "15")
		id := f.create(rec)
		a, _ := e.Store.FindActivityByID(t.Context(), id)
		if len(a.Sessions) != 4 {
			t.Fatalf("%d sessions from the weekly form", len(a.Sessions))
		}

		// A fifteen-year-old without consent gets the reason on the page.
		teen, _ := f.volunteer("王小明", time.Date(now.Year()-15, 1, 1, 0, 0, 0, 0, time.UTC))
		wantActPage(t, "teen sign-up", teen.Post(fmt.Sprintf("/sessions/%d/signup", a.Sessions[0].ID), nil),
			http.StatusUnprocessableEntity, zhiyuan.Text("signup.consent_required"))
		// Another organisation's admin cannot open the form or act on the activity.
		other := newActPages(t, e)
		wantActPage(t, "other admin form", other.admin.Get(fmt.Sprintf("/orgs/%d/activities/new", f.org.ID)), http.StatusForbidden)
		wantActPage(t, "other admin close", other.admin.Post(fmt.Sprintf("/activities/%d/close", id), confirmed), http.StatusForbidden)
		// Anonymous visitors see the page and a login link; search engines get a
		// description of this activity.
		wantActPage(t, "anonymous", e.Browser().Get(fmt.Sprintf("/activities/%d", id)), http.StatusOK, "登录后报名",
			`<meta name="description" content="`+html.EscapeString(a.Title)+"：")
	})
}

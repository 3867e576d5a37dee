package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// homeWork is a platform where something waits for everyone: an organisation (of
// hourstest) with a pending sub-organisation, a membership application, sign-ups to
// admit in an activity by admission, unconfirmed hours past their deadline, and a card
// application in 广州; a regional admin of 广州市.
type homeWork struct {
	*hourstest.Env
	Regional  string // the 广州市 admin's login
	Admission zhiyuan.ActivitySession
}

func newHomeWork(t *testing.T, e *hourstest.Env) *homeWork {
	t.Helper()
	ctx := t.Context()
	s := e.Store
	w := &homeWork{Env: e, Regional: e.NewPhone()}
	if _, err := e.App.CreateAdmin(ctx, nil, app.AdminInput{Phone: w.Regional, Name: "广州市管理员", Password: hourstest.Password,
		Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
		t.Fatal(err)
	}
	team := &zhiyuan.Organization{Name: "五山街道志愿服务队", Type: "社会组织", RegionCode: "440106", ParentID: e.Org.ID,
		ContactName: "王老师", ContactPhone: "13800002222", CreatedBy: e.OrgAdmin}
	if err := s.CreateOrganization(ctx, team); err != nil {
		t.Fatal(err)
	}
	// A League roster far above the members registered: the unit lags behind.
	if _, err := s.SetLeagueRoster(ctx, e.Org.ID, 1000, nil); err != nil {
		t.Fatal(err)
	}
	// An activity by admission, a month ahead, with two sign-ups waiting.
	day := time.Date(2037, 4, 10, 9, 0, 0, 0, hourstest.CST)
	act := &zhiyuan.Activity{OrgID: e.Org.ID, Title: "社区义诊", Category: zhiyuan.CatElderly, RegionCode: "440106",
		Address: "天河区五山街道", Lat: 23.15, Lng: 113.35, CheckinRadiusM: 300, SignupMode: zhiyuan.SignupAdmission,
		Sessions: []zhiyuan.ActivitySession{{StartsAt: day.UTC(), EndsAt: day.Add(3 * time.Hour).UTC(), Capacity: 5}}}
	if err := act.Validate(s.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateActivity(ctx, act, e.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishActivity(ctx, act.ID); err != nil {
		t.Fatal(err)
	}
	act, err := s.FindActivityByID(ctx, act.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.Admission = act.Sessions[0]
	for _, v := range e.Volunteers[:2] {
		if res := e.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", w.Admission.ID), v.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("sign-up by admission: %d %s", res.Status, res.Body)
		}
	}
	// A membership application and a card application.
	if _, err := e.App.JoinOrganization(ctx, principal(t, e.Env, e.Volunteers[2].Token), e.Org.ID); err != nil {
		t.Fatal(err)
	}
	ca := &zhiyuan.CardApplication{VolunteerID: e.Volunteers[2].ID, RegionCode: "440106", Delivery: zhiyuan.DeliveryAddress,
		DeliveryAddress: "广州市天河区五山路1号"}
	if err := s.CreateCardApplication(ctx, ca, []byte("\xFF\xD8\xFFphoto")); err != nil {
		t.Fatal(err)
	}
	// Two volunteers serve the morning session and nobody confirms their hours.
	e.Clock.Set(hourstest.Day("09:00"))
	code := e.Code(e.Session.ID)
	for _, v := range e.Volunteers[:2] {
		e.Scan(v, code, "in", nil)
	}
	e.Clock.Set(hourstest.Day("11:40"))
	code = e.Code(e.Session.ID)
	for _, v := range e.Volunteers[:2] {
		if res := e.Scan(v, code, "out", nil); res.Status != http.StatusOK {
			t.Fatalf("check-out: %d %s", res.Status, res.Body)
		}
	}
	// Two messages for the first volunteer.
	for _, title := range []string{"活动时间调整", "报名已提交"} {
		if err := s.CreateNotification(ctx, &zhiyuan.Notification{AccountID: e.Volunteers[0].AccountID, Kind: "activity.changed",
			Title: title, Body: title, Link: fmt.Sprintf("/activities/%d", act.ID)}); err != nil {
			t.Fatal(err)
		}
	}
	// Ten working days later the hours are overdue.
	e.Clock.Set(time.Date(2037, 3, 23, 9, 0, 0, 0, hourstest.CST))
	e.App.ForgetFigures()
	return w
}

// principal is the caller behind an API token.
func principal(t *testing.T, e *servertest.Env, token string) *zhiyuan.Principal {
	t.Helper()
	p, err := e.Store.PrincipalBySession(t.Context(), token, zhiyuan.SessionAPI)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// count asks the database itself, in plain SQL of the test's own, how many rows match.
func count(t *testing.T, s *sqlstore.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(t.Context(), s.Rebind(q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// want are the counts each role's home page must show, from the database.
func (w *homeWork) want(t *testing.T) (org, regional map[string]int) {
	s, id := w.Store, w.Org.ID
	pendingHours := count(t, s, `SELECT COUNT(*) FROM hour_entries e WHERE e.org_id = ?
		AND NOT EXISTS (SELECT 1 FROM hour_confirmations c WHERE c.entry_id = e.id)`, id)
	org = map[string]int{
		app.TaskOrgApprovals:    count(t, s, `SELECT COUNT(*) FROM organizations WHERE parent_id = ? AND status = 'pending'`, id),
		app.TaskMemberApprovals: count(t, s, `SELECT COUNT(*) FROM org_members WHERE org_id = ? AND status = 'pending'`, id),
		app.TaskSignupsToAdmit: count(t, s, `SELECT COUNT(*) FROM signups sg JOIN activities a ON a.id = sg.activity_id
			WHERE a.org_id = ? AND sg.status = 'pending'`, id),
		// Every session ended more than ten working days ago: all are overdue.
		app.TaskHoursToConfirm: pendingHours,
		app.TaskOverdueHours:   pendingHours,
	}
	regional = map[string]int{
		app.TaskOrgApprovals: count(t, s, `SELECT COUNT(*) FROM organizations WHERE status = 'pending'
			AND region_code >= '4401' AND region_code < '4402'`),
		app.TaskOverdueHours: pendingHours,
		app.TaskCardApplication: count(t, s, `SELECT COUNT(*) FROM card_applications WHERE status = 'submitted'
			AND region_code >= '4401' AND region_code < '4402'`),
	}
	// Lagging units: the units-behind list's units under zhiyuan.LeagueLaggingPercent.
	units, _, err := s.LeagueUnits(t.Context(), zhiyuan.LeagueUnitFilter{Scope: zhiyuan.OrgScope{RegionPrefixes: []string{zhiyuan.ScopePrefix("440100")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if r, ok := u.Subtree.Ratio(); ok && r*100 < zhiyuan.LeagueLaggingPercent {
			regional[app.TaskLaggingUnits]++
		}
	}
	if regional[app.TaskLaggingUnits] == 0 {
		t.Fatal("no unit lags behind: the test would prove nothing")
	}
	for kind, n := range org {
		if n == 0 && kind != app.TaskOrgApprovals {
			t.Fatalf("nothing waits in %s: the test would prove nothing", kind)
		}
	}
	return org, regional
}

var homeTask = regexp.MustCompile(`(?s)<li class="task[^"]*" data-kind="([a-z_]+)">.*?data-count="(\d+)"`)

// homeTasks reads the to-do list of a home page: kind → count.
func homeTasks(body []byte) map[string]int {
	out := map[string]int{}
	for _, m := range homeTask.FindAllSubmatch(body, -1) {
		n, _ := strconv.Atoi(string(m[2]))
		out[string(m[1])] += n
	}
	return out
}

// TestHomePages: each role's home page shows what waits for it, counted as the database
// counts it (after creating every kind of pending thing), with links to the lists that
// handle them; a volunteer sees their next sign-up, hours, star progress and unread
// messages; a visitor sees activities, figures and a way to register.
func TestHomePages(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 3, func(t *testing.T, e *hourstest.Env) {
		// Confirmed hours of a volunteer with the organisation: an active volunteer of both
		// the region and the organisation.
		served := &zhiyuan.HourEntry{VolunteerID: e.Volunteers[0].ID, Kind: zhiyuan.HourMakeup, Minutes: 90, SessionID: e.Session.ID,
			OrgID: e.Org.ID, Reason: "补录", RecordedBy: e.OrgAdmin}
		if err := e.Store.AppendHourEntry(t.Context(), served, sqlstore.EntryPlace{RegionCode: "440106"}, &zhiyuan.HourConfirmation{ConfirmedBy: e.OrgAdmin}); err != nil {
			t.Fatal(err)
		}
		w := newHomeWork(t, e)
		wantOrg, wantRegional := w.want(t)

		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		res := org.Get("/")
		expectPage(t, "organisation admin's home", res, http.StatusOK, "待办事项", "待录用的报名", "社区义诊",
			fmt.Sprintf(`href="/sessions/%d/signups?status=pending"`, w.Admission.ID),
			fmt.Sprintf(`href="/sessions/%d/attendance"`, e.Session.ID),
			fmt.Sprintf(`href="/orgs/%d/members?status=pending"`, e.Org.ID),
			fmt.Sprintf(`href="/hours/overdue?org_id=%d"`, e.Org.ID))
		if got := homeTasks(res.Body); !mapsEqual(got, wantOrg) {
			t.Errorf("organisation admin's tasks %v, the database says %v", got, wantOrg)
		}
		if strings.Contains(string(res.Body), `href="/me/signups"`) {
			t.Error("an organisation admin is offered 我的报名")
		}

		regional := e.Browser()
		regional.Login(w.Regional, hourstest.Password)
		res = regional.Get("/")
		expectPage(t, "regional admin's home", res, http.StatusOK, "待审核的志愿者证申请", `href="/admin/cards"`, `href="/admin/orgs"`,
			`href="/hours/overdue?region=440100"`, "广州市")
		if got := homeTasks(res.Body); !mapsEqual(got, wantRegional) {
			t.Errorf("regional admin's tasks %v, the database says %v", got, wantRegional)
		}
		// This year's figures of the region and of the organisation, as the summaries have them.
		now := zhiyuan.MonthOf(e.App.Now())
		for _, c := range []struct {
			who  string
			page *servertest.Browser
			sc   zhiyuan.FigureScope
			link string
			name string
		}{
			{"regional admin", regional, zhiyuan.FigureScope{RegionPrefix: zhiyuan.ScopePrefix("440100")}, "region=440100", "广东省广州市"},
			{"organisation admin", org, zhiyuan.FigureScope{OrgID: e.Org.ID}, fmt.Sprintf("org=%d", e.Org.ID), e.Org.Name},
		} {
			ft, err := e.Store.FigureTotals(t.Context(), c.sc, now[:4]+"-01", now)
			if err != nil {
				t.Fatal(err)
			}
			if ft.Activities == 0 || ft.ActiveVolunteers == 0 {
				t.Fatalf("%s: no activity or no active volunteer counted: the test would prove nothing", c.who)
			}
			body := string(c.page.Get("/").Body)
			figs := map[string]int64{"注册志愿者": ft.Volunteers, "发布活动": ft.Activities, "活跃志愿者": ft.ActiveVolunteers}
			for label, v := range figs {
				if want := fmt.Sprintf(`<dd data-figure="%s">%d<small>`, label, v); !strings.Contains(body, want) {
					t.Errorf("%s's home: no %s", c.who, want)
				}
			}
			if want := fmt.Sprintf(`<dd data-figure="确认服务时长">%s<small>`, zhiyuan.FormatHours(ft.ConfirmedMinutes)); !strings.Contains(body, want) {
				t.Errorf("%s's home: no %s", c.who, want)
			}
			if !strings.Contains(body, `data-figure="团员注册率"`) || !strings.Contains(body, c.link) || !strings.Contains(body, `href="/figures?from=`) {
				t.Errorf("%s's home: no League rate or no link to its figures", c.who)
			}
			// The link opens the scope's figures on the showcase.
			if res := c.page.Get("/figures?" + c.link); res.Status != http.StatusOK || !strings.Contains(string(res.Body), c.name+" · ") {
				t.Errorf("%s: /figures?%s: %d, not about %s", c.who, c.link, res.Status, c.name)
			} else if want := fmt.Sprintf("<dt>活跃志愿者</dt><dd>%d 人</dd>", ft.ActiveVolunteers); !strings.Contains(string(res.Body), want) {
				t.Errorf("%s: /figures?%s has no %s", c.who, c.link, want)
			}
		}

		// Another city's admin sees none of it: the counts keep to the caller's scope.
		shenzhen := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: shenzhen, Name: "深圳市管理员", Password: hourstest.Password,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"}}); err != nil {
			t.Fatal(err)
		}
		other := e.Browser()
		other.Login(shenzhen, hourstest.Password)
		res = other.Get("/")
		want := map[string]int{app.TaskOrgApprovals: 0, app.TaskOverdueHours: 0, app.TaskCardApplication: 0, app.TaskLaggingUnits: 0}
		if got := homeTasks(res.Body); !mapsEqual(got, want) {
			t.Errorf("深圳's admin sees %v of 广州's work", got)
		}

		// The counts are the lists' lengths: the overdue page lists as many entries.
		res = regional.Get("/hours/overdue?region=440100")
		if n := strings.Count(string(res.Body), "去确认"); n != wantRegional[app.TaskOverdueHours] {
			t.Errorf("the overdue list shows %d entries, the home page %d", n, wantRegional[app.TaskOverdueHours])
		}
		// Its filters are pickers with names, not typed codes and organisation numbers.
		if body := string(res.Body); !strings.Contains(body, `<option value="440100" selected>广东省广州市</option>`) ||
			!strings.Contains(body, fmt.Sprintf(`<option value="%d">%s</option>`, e.Org.ID, e.Org.Name)) || strings.Contains(body, `<input name="org_id"`) {
			t.Error("the overdue page's filters are not a region picker and an organisation picker")
		}

		// A volunteer: the sign-up waiting for admission, hours, stars and messages.
		v := e.Volunteers[0]
		vol := e.Browser()
		vol.Login(v.Phone, hourstest.Password)
		unread := count(t, e.Store, `SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at IS NULL`, v.AccountID)
		res = vol.Get("/")
		expectPage(t, "volunteer's home", res, http.StatusOK, "我的志愿时长", "即将参加", "社区义诊", "待录用",
			"可达 1 星", `<progress max="100"`, "天河区 · 近期活动")
		if len(homeTasks(res.Body)) > 0 {
			t.Errorf("a volunteer has an admin's tasks: %v", homeTasks(res.Body))
		}
		if unread == 0 {
			t.Fatal("no unread messages: the test would prove nothing")
		}
		expectPage(t, "volunteer's home", res, http.StatusOK, fmt.Sprintf("%d 条未读", unread), fmt.Sprintf(`<span class="badge">%d`, unread))

		// A visitor: activities of the province, the figures and a way to register.
		res = e.Browser().Get("/")
		figures := fmt.Sprintf("<strong>%d<small>人</small></strong><span>注册志愿者", count(t, e.Store, `SELECT COUNT(*) FROM volunteers WHERE status = 'active'`))
		expectPage(t, "visitor's home", res, http.StatusOK, `href="/register"`, "广东省 · 近期活动", "社区义诊", figures)
		res = e.Browser().Get("/?region=440106")
		expectPage(t, "visitor's home in 天河区", res, http.StatusOK, "天河区 · 近期活动", "社区义诊")
		res = e.Browser().Get("/?region=999999")
		expectPage(t, "visitor's home in no region", res, http.StatusOK, "行政区划代码不存在", "广东省 · 近期活动")
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

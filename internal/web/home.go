package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
)

// taskView is one line of an administrator's to-do list: what, how many, where to go.
type taskView struct {
	app.Task
	Label, Href string
	Capped      bool // Count reached zhiyuan.CountCap: shown as "1000+"
	Sessions    []taskSession
}

// taskSession is one session holding some of a task's items, with its page.
type taskSession struct {
	zhiyuan.SessionCount
	When, Href string
}

// taskHref is the page that handles a task: the same list its count was taken from.
func taskHref(t app.Task) string {
	switch t.Kind {
	case app.TaskOrgApprovals:
		return "/admin/orgs"
	case app.TaskMemberApprovals:
		return fmt.Sprintf("/orgs/%d/members?status=pending", t.OrgID)
	case app.TaskSignupsToAdmit, app.TaskHoursToConfirm:
		return fmt.Sprintf("/orgs/%d/activities", t.OrgID)
	case app.TaskOverdueHours:
		if t.OrgID != 0 {
			return fmt.Sprintf("/hours/overdue?org_id=%d", t.OrgID)
		}
		return "/hours/overdue?" + url.Values{"region": {t.Region}}.Encode()
	case app.TaskCardApplication:
		return "/admin/cards"
	case app.TaskLaggingUnits:
		return "/admin/league"
	}
	return "/"
}

// sessionHref is the page of one session where a task's items are handled.
func sessionHref(kind string, sessionID int64) string {
	if kind == app.TaskSignupsToAdmit {
		return fmt.Sprintf("/sessions/%d/signups?status=pending", sessionID)
	}
	return fmt.Sprintf("/sessions/%d/attendance", sessionID)
}

func taskViews(tasks []app.Task) []taskView {
	out := make([]taskView, 0, len(tasks))
	for _, t := range tasks {
		v := taskView{Task: t, Label: app.TaskLabels[t.Kind], Href: taskHref(t), Capped: t.Count >= zhiyuan.CountCap}
		for _, s := range t.Sessions {
			v.Sessions = append(v.Sessions, taskSession{SessionCount: s,
				When: zhiyuan.SessionLabel(s.StartsAt, s.EndsAt, zhiyuan.DefaultTimeZone), Href: sessionHref(t.Kind, s.SessionID)})
		}
		out = append(out, v)
	}
	return out
}

// home is the page that starts the day: for a visitor, activities nearby, the figures
// and a way to register; for a volunteer, their next sign-ups, hours and stars; for an
// administrator, what waits for them. ?region= and ?near=lat,lng choose where the
// activities come from.
func (x *Web) home(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	hq := app.HomeQuery{Region: q.Get("region"), Near: q.Get("near")}
	d, err := x.app.Dashboard(r.Context(), p, hq)
	var problem string
	if err != nil && zhiyuan.ErrorCode(err) == zhiyuan.EInvalid {
		// A region or point that does not exist: say so and show the default.
		problem = zhiyuan.ErrorMessage(err)
		for _, m := range zhiyuan.ErrorFields(err) {
			problem = m
		}
		d, err = x.app.Dashboard(r.Context(), p, app.HomeQuery{})
	}
	if err != nil {
		return err
	}
	var hits []homeHit
	for _, h := range d.Upcoming {
		v := homeHit{activityView: x.activityView(h.Activity), Hit: h}
		if !h.NextSessionAt.IsZero() {
			v.Next = h.NextSessionAt.In(h.Activity.Location()).Format("1月2日 15:04")
		}
		hits = append(hits, v)
	}
	data := map[string]any{
		"Title": "首页", "D": d, "Unread": d.Unread, "Hits": hits, "Tasks": taskViews(d.Tasks), "Scopes": scopeViews(d.Scopes), "Problem": problem,
		"RegionName": x.app.RegionName(d.Region), "Region": d.Region,
		"Regions": orgRegionGroups(x.app.Regions, app.HomeProvince),
		"Figures": []figure{{thousands(d.Figures.Volunteers), "人", "注册志愿者"}, {thousands(d.Figures.Activities), "个", "发布活动"},
			{thousands(d.Figures.ConfirmedMinutes / 60), "小时", "确认服务时长"}},
	}
	if v := d.Vol; v != nil {
		data["Signups"] = signupViews(v.NextSignups)
		data["MyHours"] = zhiyuan.FormatHours(v.Totals.ConfirmedMinutes)
		data["MyPending"] = zhiyuan.FormatHours(v.Totals.PendingMinutes)
		data["ToNext"] = zhiyuan.FormatHours(v.ToNext)
		data["NextStar"] = v.StarLevel + 1
		data["Stars"] = strings.Repeat("★", v.StarLevel) + strings.Repeat("☆", zhiyuan.MaxStarLevel-v.StarLevel)
	}
	x.render(w, r, http.StatusOK, "home.html", data)
	return nil
}

// scopeView is one scope an administrator oversees on the home page: this year's headline
// figures and the link to its full figures on /figures.
type scopeView struct {
	Name, Range, Href string
	Figures           []figure
	League            string // the League registration rate as pages write it; "" for none
}

func scopeViews(scopes []app.ScopeFigures) []scopeView {
	out := make([]scopeView, 0, len(scopes))
	for _, sc := range scopes {
		r := sc.Report
		v := scopeView{Name: r.ScopeName(), Range: zhiyuan.MonthLabel(r.From) + "—" + zhiyuan.MonthLabel(r.To),
			Figures: []figure{{thousands(r.Totals.Volunteers), "人", "注册志愿者"}, {thousands(r.Totals.ActiveVolunteers), "人", "活跃志愿者"},
				{thousands(r.Totals.Activities), "个", "发布活动"}, {zhiyuan.FormatHours(r.Totals.ConfirmedMinutes), "小时", "确认服务时长"}}}
		q := url.Values{"from": {r.From}, "to": {r.To}}
		if r.OrgID != 0 {
			q.Set("org", strconv.FormatInt(r.OrgID, 10))
		} else if r.Region != "" {
			q.Set("region", r.Region)
		}
		v.Href = "/figures?" + q.Encode()
		if sc.HasLeague {
			v.League = sc.League.Percent()
		}
		out = append(out, v)
	}
	return out
}

// homeHit is an upcoming activity on the home page.
type homeHit struct {
	activityView
	Hit  zhiyuan.ActivityHit
	Next string // the next session's start, in the venue's time
}

// figure is one headline figure: the number, its unit and what it counts.
type figure struct{ Value, Unit, Label string }

// thousands writes n with a comma every three digits, as Chinese figures are printed.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

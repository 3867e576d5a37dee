package app

// The home page's day: what the platform has to show a visitor, a volunteer and an
// administrator when they open it. Every count is the count of a list a page or the API
// shows (CountOrganizations of Organizations, CountMembers of Members, and so on), with
// the same checks and scope, so the number on the home page is what the next tap lists.

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"zhiyuan"
)

// HomeProvince is the region the platform serves, whose activities a visitor sees when
// nothing nearer is known.
const HomeProvince = "440000"

// Dashboard limits: how many upcoming activities, sign-ups and sessions a home page
// shows (the page links to the full lists), and how long the headline figures are kept.
const (
	DashboardActivities = 4
	DashboardSignups    = 3
	DashboardSessions   = 3
	FiguresTTL          = 5 * time.Minute
)

// Task kinds: what waits for an administrator, each counted from the list that handles it.
const (
	TaskOrgApprovals    = "org_approvals"     // organisations to approve (Organizations, pending)
	TaskMemberApprovals = "member_approvals"  // applications to join an organisation (Members, pending)
	TaskSignupsToAdmit  = "signups_to_admit"  // sign-ups waiting for admission (the sessions' sign-up lists)
	TaskHoursToConfirm  = "hours_to_confirm"  // hour entries not yet confirmed (the sessions' attendance pages)
	TaskOverdueHours    = "overdue_hours"     // of those, the ones past the recording deadline (OverdueHours)
	TaskCardApplication = "card_applications" // card applications to review (CardApplications, submitted)
	TaskLaggingUnits    = "lagging_units"     // units below zhiyuan.LeagueLaggingPercent (LeagueUnits, by rate)
)

// TaskLabels name the task kinds for people, on the home page and in the API.
var TaskLabels = map[string]string{
	TaskOrgApprovals:    "待审核的组织",
	TaskMemberApprovals: "待审核的入会申请",
	TaskSignupsToAdmit:  "待录用的报名",
	TaskHoursToConfirm:  "待确认的时长",
	TaskOverdueHours:    "逾期未确认的时长",
	TaskCardApplication: "待审核的志愿者证申请",
	TaskLaggingUnits:    "团员注册率落后的单位",
}

// Task is one kind of work waiting for an administrator: how many, in which organisation
// (0 for the caller's regions), and for sign-ups and hours the first sessions holding
// them.
type Task struct {
	Kind     string
	Count    int // up to zhiyuan.CountCap
	OrgID    int64
	OrgName  string
	Region   string // the region code of a regional task with one ("*": everywhere)
	Sessions []zhiyuan.SessionCount
}

// VolunteerDay is a volunteer's part of the home page.
type VolunteerDay struct {
	Volunteer   *zhiyuan.Volunteer
	NextSignups []*zhiyuan.Signup // soonest first, at most DashboardSignups
	Totals      *zhiyuan.HourTotals
	StarLevel   int
	ToNext      int64 // confirmed minutes still needed for the next star; 0 at the top
	Progress    int   // percent of the way from this star to the next
}

// Dashboard is the home page of one caller.
type Dashboard struct {
	Figures  zhiyuan.Figures
	Region   string                // the region the activities are from
	Near     *zhiyuan.LatLng       // the point they are near, when the caller gave one
	Upcoming []zhiyuan.ActivityHit // published activities with sessions to come
	Unread   int                   // unread notifications (up to 100, as the notifications page counts them)
	Vol      *VolunteerDay         // nil unless the caller is a volunteer
	Tasks    []Task                // an administrator's waiting work, in a fixed order
	Scopes   []ScopeFigures        // an administrator's regions and organisations, this year
}

// ScopeFigures are the figures of one scope an administrator oversees, for this year so
// far: the region's or the organisation subtree's report (FigureReport, the one
// definition of every figure) and its League registration rate (HasLeague false where
// there is none to show: the platform's whole scope).
type ScopeFigures struct {
	Report    *FigureReport
	League    zhiyuan.LeagueRate
	HasLeague bool
}

// HomeQuery is where the caller wants activities from: a region code and/or a point
// ("lat,lng"), both optional.
type HomeQuery struct {
	Region string
	Near   string
}

// Dashboard gathers the caller's home page; p may be nil (a visitor). A bad region or
// point is EInvalid naming it.
func (a *App) Dashboard(ctx context.Context, p *zhiyuan.Principal, q HomeQuery) (*Dashboard, error) {
	d := &Dashboard{}
	var err error
	if d.Figures, err = a.Figures(ctx); err != nil {
		return nil, err
	}
	region := strings.TrimSpace(q.Region)
	asked := region != ""
	if p != nil {
		d.Unread = a.UnreadNotifications(ctx, p)
		if p.Has(zhiyuan.RoleVolunteer) {
			if d.Vol, err = a.volunteerDay(ctx, p); err != nil {
				return nil, err
			}
			if d.Vol != nil && region == "" {
				region = d.Vol.Volunteer.RegionCode
			}
		}
		if d.Tasks, err = a.adminTasks(ctx, p); err != nil {
			return nil, err
		}
		if d.Scopes, err = a.adminScopes(ctx, p); err != nil {
			return nil, err
		}
		// An administrator's activities come from their region, or their organisation's.
		for _, r := range p.Roles {
			if region != "" {
				break
			}
			switch {
			case r.Kind == zhiyuan.RoleRegional:
				region = r.RegionCode
			case r.Kind == zhiyuan.RoleOrgAdmin && r.OrgID != 0:
				if o, err := a.store.FindOrganizationByID(ctx, r.OrgID); err == nil {
					region = o.RegionCode
				}
			}
		}
	}
	if err := a.upcoming(ctx, d, region, asked, q.Near); err != nil {
		return nil, err
	}
	return d, nil
}

// upcoming finds activities near the point when one is given (within 10 km, nearest
// first), else in the region, widening from a district to its city and then to the
// province until something is found. A region the caller asked for must exist; one
// from their records that no longer does (an old county code) gives the province.
func (a *App) upcoming(ctx context.Context, d *Dashboard, region string, asked bool, near string) error {
	if near != "" {
		hits, _, err := a.SearchActivities(ctx, SearchQuery{Near: near, Sort: string(zhiyuan.SortDistance), Limit: DashboardActivities})
		if err != nil {
			return err
		}
		if len(hits) > 0 {
			d.Upcoming, d.Near = hits, nearPoint(near)
			return nil
		}
	}
	if region == "" {
		region = HomeProvince
	}
	code, ok := a.Regions.Normalize(region)
	switch {
	case !ok && asked:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "region", "region.unknown")
	case !ok:
		code = HomeProvince
	}
	for _, c := range widen(code) {
		hits, _, err := a.SearchActivities(ctx, SearchQuery{Region: c, Limit: DashboardActivities})
		if err != nil {
			return err
		}
		d.Region, d.Upcoming = c, hits
		if len(hits) > 0 {
			break
		}
	}
	return nil
}

// widen lists code, its city and its province, without repeats: 440106 → 440106,
// 440100, 440000.
func widen(code string) []string {
	out := []string{code}
	if len(code) == 6 {
		for _, c := range []string{code[:4] + "00", code[:2] + "0000"} {
			if c != out[len(out)-1] {
				out = append(out, c)
			}
		}
	}
	return out
}

// nearPoint reads "lat,lng" already checked by SearchActivities.
func nearPoint(s string) *zhiyuan.LatLng {
	lat, lng, _ := strings.Cut(s, ",")
	y, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	x, err2 := strconv.ParseFloat(strings.TrimSpace(lng), 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &zhiyuan.LatLng{Lat: y, Lng: x}
}

// volunteerDay is the caller's next sign-ups and hours; nil when the caller's volunteer
// record is closed or missing.
func (a *App) volunteerDay(ctx context.Context, p *zhiyuan.Principal) (*VolunteerDay, error) {
	v, err := a.MyVolunteer(ctx, p)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	day := &VolunteerDay{Volunteer: v}
	if day.NextSignups, err = a.store.FindVolunteerSignups(ctx, v.ID, zhiyuan.ViewUpcoming, a.store.Now(), 0, DashboardSignups); err != nil {
		return nil, err
	}
	if day.Totals, err = a.store.HourTotals(ctx, v.ID); err != nil {
		return nil, err
	}
	m := day.Totals.ConfirmedMinutes
	day.StarLevel, day.ToNext, day.Progress = zhiyuan.StarLevel(m), zhiyuan.MinutesToNextLevel(m), zhiyuan.LevelProgress(m)
	return day, nil
}

// adminTasks is what waits for the caller as an administrator: for each organisation
// they run, applications to join, sign-ups to admit, hours to confirm and the overdue
// ones; for their regions (or the platform), organisations to approve, card
// applications and overdue hours. Each count comes from the list the link opens, through
// the same authorisation; a kind the caller may not see is left out.
func (a *App) adminTasks(ctx context.Context, p *zhiyuan.Principal) ([]Task, error) {
	var tasks []Task
	// keep adds a task unless the caller is not allowed to see that list.
	keep := func(t Task, err error) error {
		switch zhiyuan.ErrorCode(err) {
		case "":
			tasks = append(tasks, t)
			return nil
		case zhiyuan.EForbidden, zhiyuan.ENotFound, zhiyuan.EUnauthorized:
			return nil
		}
		return err
	}
	regional := p.Has(zhiyuan.RoleRegional) || p.Has(zhiyuan.RolePlatform)
	if regional || p.Has(zhiyuan.RoleOrgAdmin) {
		n, err := a.CountOrganizations(ctx, p, OrgQuery{Status: string(zhiyuan.OrgPending)})
		if err := keep(Task{Kind: TaskOrgApprovals, Count: n}, err); err != nil {
			return nil, err
		}
	}
	for _, r := range p.Roles {
		if r.Kind != zhiyuan.RoleOrgAdmin || r.OrgID == 0 {
			continue
		}
		o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, r.OrgID)
		if err != nil {
			if zhiyuan.ErrorCode(err) == zhiyuan.EForbidden || zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
				continue
			}
			return nil, err
		}
		if o.Status != zhiyuan.OrgApproved {
			// Nothing can wait in an organisation not yet approved: it has no
			// members or activities (its approval is the regional admin's task).
			continue
		}
		n, err := a.CountMembers(ctx, p, MemberQuery{OrgID: o.ID, Status: string(zhiyuan.MemberPending)})
		if err := keep(Task{Kind: TaskMemberApprovals, Count: n, OrgID: o.ID, OrgName: o.Name}, err); err != nil {
			return nil, err
		}
		t := Task{Kind: TaskSignupsToAdmit, OrgID: o.ID, OrgName: o.Name}
		if t.Count, err = a.store.CountPendingSignups(ctx, o.ID); err == nil {
			t.Sessions, err = a.store.PendingSignupSessions(ctx, o.ID, DashboardSessions)
		}
		if err := keep(t, err); err != nil {
			return nil, err
		}
		// Hours to confirm: the overdue list's scope without its deadline.
		f, err := a.overdueFilter(ctx, p, OverdueQuery{OrgID: o.ID})
		t = Task{Kind: TaskHoursToConfirm, OrgID: o.ID, OrgName: o.Name}
		if err == nil {
			f.EndedBefore = time.Time{}
			if t.Count, err = a.store.CountPendingEntries(ctx, f); err == nil {
				t.Sessions, err = a.store.PendingEntrySessions(ctx, f, DashboardSessions)
			}
		}
		if err := keep(t, err); err != nil {
			return nil, err
		}
		n, err = a.CountOverdueHours(ctx, p, OverdueQuery{OrgID: o.ID})
		if err := keep(Task{Kind: TaskOverdueHours, Count: n, OrgID: o.ID, OrgName: o.Name}, err); err != nil {
			return nil, err
		}
	}
	if regional {
		// The first region, as the overdue page shows it for ?region=.
		region := p.RegionScopes()[0]
		n, err := a.CountOverdueHours(ctx, p, OverdueQuery{Region: region})
		if err := keep(Task{Kind: TaskOverdueHours, Count: n, Region: region}, err); err != nil {
			return nil, err
		}
		n, err = a.CountCardApplications(ctx, p, CardQuery{Status: string(zhiyuan.AppSubmitted)})
		if err := keep(Task{Kind: TaskCardApplication, Count: n}, err); err != nil {
			return nil, err
		}
		n, err = a.homeLaggingUnits(ctx, p)
		if err := keep(Task{Kind: TaskLaggingUnits, Count: n}, err); err != nil {
			return nil, err
		}
	}
	return tasks, nil
}

// adminScopes are the figures of what the caller oversees, this year so far: each region
// of a regional admin (the whole platform for the platform's), then each approved
// organisation they run (its subtree). A scope the caller may no longer read is left out.
func (a *App) adminScopes(ctx context.Context, p *zhiyuan.Principal) ([]ScopeFigures, error) {
	var out []ScopeFigures
	skip := func(err error) bool {
		switch zhiyuan.ErrorCode(err) {
		case zhiyuan.EForbidden, zhiyuan.ENotFound, zhiyuan.EUnauthorized, zhiyuan.EConflict:
			return true
		}
		return false
	}
	for _, code := range p.RegionScopes() {
		q := FigureQuery{}
		if code != "*" {
			q.Region = code
		}
		r, err := a.FigureReport(ctx, p, q)
		if skip(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sf := ScopeFigures{Report: r}
		if q.Region != "" {
			lr, err := a.homeRegionLeagueRate(ctx, p, q.Region)
			if err != nil && !skip(err) {
				return nil, err
			}
			sf.League, sf.HasLeague = lr.LeagueRate, err == nil
		}
		out = append(out, sf)
	}
	for _, role := range p.Roles {
		if role.Kind != zhiyuan.RoleOrgAdmin || role.OrgID == 0 {
			continue
		}
		lf, err := a.OrgLeagueRate(ctx, p, role.OrgID) // approved organisations only
		if skip(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r, err := a.FigureReport(ctx, p, FigureQuery{OrgID: role.OrgID})
		if skip(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ScopeFigures{Report: r, League: lf.Org.Subtree, HasLeague: true})
	}
	return out, nil
}

// figuresCache keeps the headline figures for FiguresTTL: they are full counts, and the
// home page is the most visited page.
type figuresCache struct {
	mu   sync.Mutex
	at   time.Time
	figs zhiyuan.Figures
}

// Figures returns the platform's headline figures (zhiyuan.Figures, the one definition
// of each), at most FiguresTTL old.
func (a *App) Figures(ctx context.Context) (zhiyuan.Figures, error) {
	c := &a.figures
	c.mu.Lock()
	defer c.mu.Unlock()
	now := a.store.Now()
	if !c.at.IsZero() && now.Sub(c.at) < FiguresTTL && now.After(c.at) {
		return c.figs, nil
	}
	f, err := a.store.HeadlineFigures(ctx)
	if err != nil {
		return f, err
	}
	c.figs, c.at = f, now
	return f, nil
}

// ForgetFigures drops the cached figures, so the next home page counts afresh (tests,
// and the demo after filling).
func (a *App) ForgetFigures() {
	a.figures.mu.Lock()
	a.figures.at = time.Time{}
	a.figures.mu.Unlock()
}

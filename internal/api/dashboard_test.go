package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

type dashboardOut struct {
	Figures struct {
		Volunteers     int64   `json:"volunteers"`
		Activities     int64   `json:"activities"`
		ConfirmedHours float64 `json:"confirmed_hours"`
	} `json:"figures"`
	Region   string `json:"region"`
	Upcoming []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	} `json:"upcoming"`
	Unread    int `json:"unread_notifications"`
	Volunteer *struct {
		StarLevel        int     `json:"star_level"`
		HoursToNextLevel float64 `json:"hours_to_next_level"`
		PendingHours     float64 `json:"pending_hours"`
		NextSignups      []struct {
			SessionID int64  `json:"session_id"`
			Status    string `json:"status"`
		} `json:"next_signups"`
	} `json:"volunteer"`
	Tasks []struct {
		Kind     string `json:"kind"`
		Count    int    `json:"count"`
		OrgID    int64  `json:"org_id"`
		Sessions []struct {
			SessionID int64 `json:"session_id"`
			Count     int   `json:"count"`
		} `json:"sessions"`
	} `json:"tasks"`
}

func dbCount(t *testing.T, s *sqlstore.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(t.Context(), s.Rebind(q), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDashboardAPI: GET /api/v1/me/dashboard gives programs what the home page shows:
// an organisation admin's sign-ups to admit and hours to confirm as the database counts
// them, per session; a volunteer's next sign-up and distance to the first star; the
// figures as the database counts them; 401 without a login, 422 for a region that does
// not exist.
func TestDashboardAPI(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, e *hourstest.Env) {
		s := e.Store
		day := time.Date(2037, 3, 20, 9, 0, 0, 0, hourstest.CST)
		act := &zhiyuan.Activity{OrgID: e.Org.ID, Title: "社区义诊", Category: zhiyuan.CatElderly, RegionCode: "440106",
			Address: "天河区五山街道", Lat: 23.15, Lng: 113.35, CheckinRadiusM: 300, SignupMode: zhiyuan.SignupAdmission,
			Sessions: []zhiyuan.ActivitySession{{StartsAt: day.UTC(), EndsAt: day.Add(3 * time.Hour).UTC(), Capacity: 5}}}
		if err := act.Validate(s.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateActivity(t.Context(), act, e.OrgAdmin); err != nil {
			t.Fatal(err)
		}
		if err := s.PublishActivity(t.Context(), act.ID); err != nil {
			t.Fatal(err)
		}
		act, _ = s.FindActivityByID(t.Context(), act.ID)
		admission := act.Sessions[0].ID
		v := e.Volunteers[0]
		if res := e.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", admission), v.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("sign-up: %d %s", res.Status, res.Body)
		}
		e.Clock.Set(hourstest.Day("09:00"))
		code := e.Code(e.Session.ID)
		e.Scan(v, code, "in", nil)
		e.Clock.Set(hourstest.Day("11:40"))
		if res := e.Scan(v, e.Code(e.Session.ID), "out", nil); res.Status != http.StatusOK {
			t.Fatalf("check-out: %d %s", res.Status, res.Body)
		}
		e.App.ForgetFigures()

		if res := e.Do("GET", "/api/v1/me/dashboard", "", nil); res.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous dashboard: %d", res.Status)
		}
		res := e.Do("GET", "/api/v1/me/dashboard?region=999999", e.OrgToken, nil)
		if code, _, fields := res.Error(); res.Status != http.StatusUnprocessableEntity || code != zhiyuan.EInvalid || fields["region"] == "" {
			t.Fatalf("bad region: %d %s", res.Status, res.Body)
		}

		// The organisation admin.
		res = e.Do("GET", "/api/v1/me/dashboard", e.OrgToken, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("org admin's dashboard: %d %s", res.Status, res.Body)
		}
		var d dashboardOut
		res.Decode(&d)
		if d.Volunteer != nil {
			t.Errorf("an admin without a volunteer record has a volunteer part: %s", res.Body)
		}
		want := map[string]int{
			"signups_to_admit": dbCount(t, s, `SELECT COUNT(*) FROM signups WHERE session_id = ? AND status = 'pending'`, admission),
			"hours_to_confirm": dbCount(t, s, `SELECT COUNT(*) FROM hour_entries e WHERE e.session_id = ?
				AND NOT EXISTS (SELECT 1 FROM hour_confirmations c WHERE c.entry_id = e.id)`, e.Session.ID),
		}
		if want["signups_to_admit"] != 1 || want["hours_to_confirm"] != 1 {
			t.Fatalf("set-up: %v", want)
		}
		wantSession := map[string]int64{"signups_to_admit": admission, "hours_to_confirm": e.Session.ID}
		seen := 0
		for _, task := range d.Tasks {
			n, ok := want[task.Kind]
			if !ok {
				continue
			}
			seen++
			if task.Count != n || task.OrgID != e.Org.ID || len(task.Sessions) != 1 || task.Sessions[0].SessionID != wantSession[task.Kind] ||
				task.Sessions[0].Count != n {
				t.Errorf("%s: %+v, the database says %d in session %d", task.Kind, task, n, wantSession[task.Kind])
			}
		}
		if seen != len(want) {
			t.Errorf("tasks %s", res.Body)
		}

		// The volunteer.
		res = e.Do("GET", "/api/v1/me/dashboard", v.Token, nil)
		d = dashboardOut{}
		res.Decode(&d)
		if res.Status != http.StatusOK || d.Volunteer == nil || len(d.Tasks) != 0 {
			t.Fatalf("volunteer's dashboard: %d %s", res.Status, res.Body)
		}
		// Soonest first: the morning session still running, then the one waiting for admission.
		next := d.Volunteer.NextSignups
		if len(next) != 2 || next[0].SessionID != e.Session.ID || next[1].SessionID != admission || next[1].Status != "pending" ||
			d.Volunteer.StarLevel != 0 || d.Volunteer.HoursToNextLevel != 100 || d.Volunteer.PendingHours <= 0 {
			t.Errorf("volunteer part: %s", res.Body)
		}
		if d.Region != "440106" || len(d.Upcoming) == 0 {
			t.Errorf("upcoming activities from the volunteer's district: %s", res.Body)
		}

		// The figures, also without a login.
		res = e.Do("GET", "/api/v1/figures", "", nil)
		var f struct {
			Volunteers, Activities int64
		}
		res.Decode(&f)
		if res.Status != http.StatusOK || f.Volunteers != int64(dbCount(t, s, `SELECT COUNT(*) FROM volunteers WHERE status = 'active'`)) ||
			f.Activities != int64(dbCount(t, s, `SELECT COUNT(*) FROM activities WHERE status IN ('published', 'closed')`)) || f.Activities != 2 {
			t.Errorf("figures: %d %s", res.Status, res.Body)
		}
	})
}

// TestDashboardScopeFigures: a regional admin's and an organisation admin's dashboard
// carry their scope's figures for this year, equal to the summary tables' (the store's
// FigureTotals), with the League registration rate of the region or subtree; a regional
// admin's waiting work counts the lagging units as the units-behind list shows them.
func TestDashboardScopeFigures(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 3, func(t *testing.T, e *hourstest.Env) {
		ctx := t.Context()
		s := e.Store
		for _, v := range e.Volunteers {
			en := &zhiyuan.HourEntry{VolunteerID: v.ID, Kind: zhiyuan.HourMakeup, Minutes: 150, SessionID: e.Session.ID, OrgID: e.Org.ID,
				Reason: "补录", RecordedBy: e.OrgAdmin}
			if err := s.AppendHourEntry(ctx, en, sqlstore.EntryPlace{RegionCode: "440106"}, &zhiyuan.HourConfirmation{ConfirmedBy: e.OrgAdmin}); err != nil {
				t.Fatal(err)
			}
		}
		// A roster far above the members registered: the unit lags behind.
		if _, err := s.SetLeagueRoster(ctx, e.Org.ID, 1000, nil); err != nil {
			t.Fatal(err)
		}
		now := zhiyuan.MonthOf(e.App.Now())
		from := now[:4] + "-01"
		type scopeOut struct {
			Scope struct {
				Region string `json:"region"`
				OrgID  int64  `json:"org_id"`
			} `json:"scope"`
			From, To string
			Totals   struct {
				Volunteers       int64   `json:"volunteers"`
				ActiveVolunteers int64   `json:"active_volunteers"`
				Activities       int64   `json:"activities"`
				ConfirmedHours   float64 `json:"confirmed_hours"`
			} `json:"totals"`
			League *struct {
				Members int      `json:"members"`
				Roster  int      `json:"roster"`
				Rate    *float64 `json:"rate"`
			} `json:"league"`
		}
		type out struct {
			Tasks []struct {
				Kind  string `json:"kind"`
				Count int    `json:"count"`
			} `json:"tasks"`
			Scopes []scopeOut `json:"scopes"`
		}
		check := func(who string, got scopeOut, sc zhiyuan.FigureScope, league zhiyuan.LeagueRate) {
			t.Helper()
			want, err := s.FigureTotals(ctx, sc, from, now)
			if err != nil {
				t.Fatal(err)
			}
			if want.ConfirmedMinutes != 3*150 {
				t.Fatalf("set-up: %+v", want)
			}
			if got.From != from || got.To != now || got.Totals.Volunteers != want.Volunteers || got.Totals.ActiveVolunteers != want.ActiveVolunteers ||
				got.Totals.Activities != want.Activities || got.Totals.ConfirmedHours != zhiyuan.MinutesToHours(want.ConfirmedMinutes) {
				t.Errorf("%s: %+v, the summaries say %+v", who, got, want)
			}
			if got.League == nil || got.League.Members != league.Members || got.League.Roster != league.Roster || got.League.Rate == nil {
				t.Errorf("%s: League %+v, want %+v", who, got.League, league)
			}
		}
		gz, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		res := e.Do("GET", "/api/v1/me/dashboard", gz, nil)
		var d out
		res.Decode(&d)
		if res.Status != http.StatusOK || len(d.Scopes) != 1 || d.Scopes[0].Scope.Region != "440100" {
			t.Fatalf("广州's admin: %d %s", res.Status, res.Body)
		}
		regs, err := s.LeagueRegionFigures(ctx, []string{"440100"}, []string{zhiyuan.ScopePrefix("440100")})
		if err != nil {
			t.Fatal(err)
		}
		check("广州's admin", d.Scopes[0], zhiyuan.FigureScope{RegionPrefix: zhiyuan.ScopePrefix("440100")}, regs[0].LeagueRate)
		units, _, err := s.LeagueUnits(ctx, zhiyuan.LeagueUnitFilter{Scope: zhiyuan.OrgScope{RegionPrefixes: []string{zhiyuan.ScopePrefix("440100")}}})
		if err != nil {
			t.Fatal(err)
		}
		lagging := 0
		for _, u := range units {
			if r, ok := u.Subtree.Ratio(); ok && r*100 < zhiyuan.LeagueLaggingPercent {
				lagging++
			}
		}
		found := false
		for _, task := range d.Tasks {
			if task.Kind == "lagging_units" {
				found = true
				if task.Count != lagging || lagging == 0 {
					t.Errorf("lagging units: %d, the list has %d", task.Count, lagging)
				}
			}
		}
		if !found {
			t.Errorf("no lagging units task: %s", res.Body)
		}

		res = e.Do("GET", "/api/v1/me/dashboard", e.OrgToken, nil)
		d = out{}
		res.Decode(&d)
		if res.Status != http.StatusOK || len(d.Scopes) != 1 || d.Scopes[0].Scope.OrgID != e.Org.ID {
			t.Fatalf("the organisation's admin: %d %s", res.Status, res.Body)
		}
		own, _, err := s.LeagueOrgFigures(ctx, e.Org.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("the organisation's admin", d.Scopes[0], zhiyuan.FigureScope{OrgID: e.Org.ID}, own.Subtree)
		for _, task := range d.Tasks {
			if task.Kind == "lagging_units" {
				t.Errorf("an organisation admin is shown the regions' lagging units")
			}
		}
	})
}

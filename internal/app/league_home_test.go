package app_test

import (
	"fmt"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// TestHomeLeagueFiguresKept: a regional admin's home page shows its scope's League rate
// and the count of lagging units kept for app.LeagueHomeTTL: a member joining shows once
// that time has passed, a roster count saved shows at once, and the League pages
// themselves always count afresh.
func TestHomeLeagueFiguresKept(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, c *clock) {
		ctx := from(t, "10.0.0.9")
		s := storeOf(a)
		acc := &zhiyuan.Account{Phone: "13900000900", Name: "广州市管理员"}
		if err := s.CreateAccount(ctx, acc, "x"); err != nil {
			t.Fatal(err)
		}
		if err := s.GrantRole(ctx, acc.ID, regional("440100"), acc.ID); err != nil {
			t.Fatal(err)
		}
		p := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: []zhiyuan.Role{regional("440100")}}
		o := &zhiyuan.Organization{Name: "天河区某中学团委", Type: "团委", RegionCode: "440106", ContactName: "李老师",
			ContactPhone: "13800001111", CreatedBy: acc.ID}
		if err := s.CreateOrganization(ctx, o); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetLeagueRoster(ctx, o.ID, 10, nil); err != nil {
			t.Fatal(err)
		}
		join := func(i int) {
			t.Helper()
			v := &zhiyuan.Volunteer{Name: "团员", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X",
				Phone: fmt.Sprintf("1370000%04d", i), RegionCode: "440106", BirthDate: time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC),
				Sex: "female", PoliticalStatus: zhiyuan.LeagueMemberStatus}
			if err := s.CreateVolunteer(ctx, v, sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: fmt.Sprintf("league-home-%d", i)}); err != nil {
				t.Fatal(err)
			}
			if err := s.BulkAddMembers(ctx, []zhiyuan.Membership{{OrgID: o.ID, VolunteerID: v.ID, Status: zhiyuan.MemberApproved,
				Role: "member", DecidedBy: acc.ID}}); err != nil {
				t.Fatal(err)
			}
		}
		home := func() (zhiyuan.LeagueRate, int) {
			t.Helper()
			d, err := a.Dashboard(ctx, p, app.HomeQuery{})
			if err != nil {
				t.Fatal(err)
			}
			lagging := -1
			for _, task := range d.Tasks {
				if task.Kind == app.TaskLaggingUnits {
					lagging = task.Count
				}
			}
			if len(d.Scopes) == 0 || !d.Scopes[0].HasLeague {
				t.Fatalf("home page scopes %+v: no League rate", d.Scopes)
			}
			return d.Scopes[0].League, lagging
		}

		join(1)
		if r, lag := home(); r.Members != 1 || r.Roster != 10 || lag != 1 {
			t.Fatalf("home: rate %+v, %d lagging; want 1 of 10 and 1 lagging unit", r, lag)
		}
		join(2)
		if r, _ := home(); r.Members != 1 {
			t.Fatalf("home a moment later: %+v; want the kept 1 of 10", r)
		}
		if lr, err := a.RegionLeagueRate(ctx, p, "440100"); err != nil || lr.Region.Members != 2 {
			t.Fatalf("League page: %+v %v; want 2 members counted afresh", lr.Region, err)
		}
		c.Add(app.LeagueHomeTTL)
		if r, _ := home(); r.Members != 2 || r.Roster != 10 {
			t.Fatalf("home after %v: %+v; want 2 of 10", app.LeagueHomeTTL, r)
		}
		// A roster count saved shows at once: 2 of 2 is no longer behind.
		if _, err := a.SetLeagueRoster(ctx, p, o.ID, 2); err != nil {
			t.Fatal(err)
		}
		if r, lag := home(); r.Members != 2 || r.Roster != 2 || lag != 0 {
			t.Fatalf("home after the roster changed: %+v, %d lagging; want 2 of 2 and none lagging", r, lag)
		}
	})
}

package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
	"zhiyuan/internal/uscc"
)

// orgTestApp returns a fresh App on engine and the store it runs on.
func orgTestApp(t *testing.T, engine string) (*app.App, *sqlstore.Store) {
	t.Helper()
	store := storetest.New(t, engine, sqlstore.Options{})
	keys, err := pii.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	cfg := app.DefaultConfig()
	cfg.Password = password.Fast
	return app.New(store, keys, region.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), cfg), store
}

// TestDemoOrganizations fills the demo and checks what a newcomer will click through:
// a few hundred organisations in trees three levels deep across the province's cities,
// valid credit codes, a handful pending in the demo admins' scopes, and memberships of
// one to three organisations of each volunteer's own city.
func TestDemoOrganizations(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			accounts, err := Fill(ctx, a, store, Options{Volunteers: 1, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			all, err := store.FindOrganizations(ctx, zhiyuan.OrgFilter{Scope: &zhiyuan.OrgScope{All: true}, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			var orgs []*zhiyuan.Organization
			for len(all) > 0 {
				orgs = append(orgs, all...)
				all, err = store.FindOrganizations(ctx, zhiyuan.OrgFilter{Scope: &zhiyuan.OrgScope{All: true}, Limit: 200, After: all[len(all)-1].ID})
				if err != nil {
					t.Fatal(err)
				}
			}
			cities, pending, deepest := map[string]bool{}, 0, 0
			for _, o := range orgs {
				cities[o.RegionCode[:4]] = true
				if o.Status == zhiyuan.OrgPending {
					pending++
				}
				deepest = max(deepest, len(o.Ancestors))
				if o.CreditCode != "" {
					if _, err := uscc.Validate(o.CreditCode); err != nil {
						t.Errorf("%s: credit code %s: %v", o.Name, o.CreditCode, err)
					}
				}
				if o.ParentID != 0 && (len(o.Ancestors) == 0 || o.Ancestors[0] != o.ParentID) {
					t.Errorf("%s: parent %d, ancestors %v", o.Name, o.ParentID, o.Ancestors)
				}
			}
			if len(orgs) < 300 || len(cities) < 21 || pending < 3 || deepest < 2 {
				t.Fatalf("%d organisations in %d cities, %d pending, deepest %d ancestors", len(orgs), len(cities), pending, deepest)
			}

			// The demo admin of 华南理工大学团委 oversees a pending class branch and can
			// approve it; the 广州 admin sees the pending ones in 天河.
			var found bool
			for _, acc := range accounts {
				found = found || acc.Login == "13900000200"
			}
			if !found {
				t.Fatal("demo org admin not printed")
			}
			sess, acc, err := a.Login(ctx, "13900000200", Password, zhiyuan.SessionAPI)
			if err != nil {
				t.Fatal(err)
			}
			p, _ := a.Authenticate(ctx, sess.Token, zhiyuan.SessionAPI)
			list, err := a.Organizations(ctx, p, app.OrgQuery{Status: "pending"})
			if err != nil || len(list) != 1 || !a.CanApproveOrg(p, list[0]) {
				t.Fatalf("%s's pending list: %v %v", acc.Name, list, err)
			}
			if _, err := a.ApproveOrganization(ctx, p, list[0].ID); err != nil {
				t.Fatal(err)
			}
			sess, _, _ = a.Login(ctx, "13900000100", Password, zhiyuan.SessionAPI)
			p, _ = a.Authenticate(ctx, sess.Token, zhiyuan.SessionAPI)
			if list, err := a.Organizations(ctx, p, app.OrgQuery{Status: "pending"}); err != nil || len(list) < 2 {
				t.Fatalf("广州 admin's pending list: %v %v", list, err)
			}

			// Memberships: volunteers registered after the organisations (as the
			// volunteers' filler does) each get one to three in their own city.
			regions := []string{"440106", "440305", "441900", "445302"}
			batch := make([]sqlstore.BulkVolunteer, 400)
			for i := range batch {
				batch[i] = sqlstore.BulkVolunteer{
					Volunteer: &zhiyuan.Volunteer{Name: "演示志愿者", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X",
						Phone: fmt.Sprintf("134%08d", i), RegionCode: regions[i%len(regions)], BirthDate: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "female"},
					Secrets: sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: fmt.Sprint("demo", i)},
				}
			}
			if err := store.BulkCreateVolunteers(ctx, batch); err != nil {
				t.Fatal(err)
			}
			if err := fillMemberships(ctx, a, store, Options{Seed: 1}, nil); err != nil {
				t.Fatal(err)
			}
			for _, b := range batch {
				v := b.Volunteer
				ms, err := store.FindMembershipsOfVolunteer(ctx, v.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) < 1 || len(ms) > 3 {
					t.Fatalf("volunteer %d in %d organisations", v.ID, len(ms))
				}
				for _, m := range ms {
					o, _ := store.FindOrganizationByID(ctx, m.OrgID)
					if o.RegionCode[:4] != v.RegionCode[:4] || o.Status != zhiyuan.OrgApproved {
						t.Fatalf("volunteer in %s joined %s (%s, %s)", v.RegionCode, o.Name, o.RegionCode, o.Status)
					}
				}
			}
			var sum, counted int
			if err := store.DB().QueryRow("SELECT SUM(member_count) FROM organizations").Scan(&sum); err != nil {
				t.Fatal(err)
			}
			if err := store.DB().QueryRow("SELECT COUNT(*) FROM org_members WHERE status = 'approved'").Scan(&counted); err != nil {
				t.Fatal(err)
			}
			if sum != counted || counted < 400 {
				t.Fatalf("member counts add up to %d, approved memberships %d", sum, counted)
			}
		})
	}
}

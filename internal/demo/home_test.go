package demo

import (
	"context"
	"regexp"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoHomePages fills the demo and opens the home page's data as each printed
// account: every administrator has some work waiting (a count above zero), every
// volunteer their hours, unread messages and activities nearby.
func TestDemoHomePages(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			accounts, err := Fill(ctx, a, store, Options{Volunteers: 600, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, acc := range accounts {
				if acc.Role == RoleUnclaimed {
					// No password, so no home page before /claim: the printed last six claim it.
					six := regexp.MustCompile(`后六位 (\w{6})`).FindStringSubmatch(acc.Name)
					if six == nil {
						t.Fatalf("%s: no last six printed", acc.Name)
					}
					if _, _, err := a.ClaimAccount(ctx, app.ClaimInput{Phone: acc.Login, IDLast6: six[1], Password: "claimed-1234"}, zhiyuan.SessionAPI); err != nil {
						t.Errorf("claiming the demo's %s: %v", acc.Name, err)
					}
					continue
				}
				found, _, err := store.FindAccountByPhone(ctx, acc.Login)
				if err != nil {
					t.Fatalf("%s: %v", acc.Name, err)
				}
				sess, err := store.CreateSession(ctx, found.ID, zhiyuan.SessionAPI, time.Hour, zhiyuan.Client{})
				if err != nil {
					t.Fatal(err)
				}
				p, err := store.PrincipalBySession(ctx, sess.Token, zhiyuan.SessionAPI)
				if err != nil {
					t.Fatal(err)
				}
				if p.Has(zhiyuan.RolePartner) {
					// A partner's accounts start on their partner's page, with its benefits.
					if pt, err := a.MyPartner(ctx, p); err != nil {
						t.Errorf("%s: %v", acc.Name, err)
					} else if list, err := a.PartnerBenefits(ctx, p, pt.ID); err != nil || len(list) == 0 {
						t.Errorf("%s: no benefits (%v)", acc.Name, err)
					}
					continue
				}
				d, err := a.Dashboard(ctx, p, app.HomeQuery{})
				if err != nil {
					t.Fatalf("%s: %v", acc.Name, err)
				}
				waiting := 0
				for _, task := range d.Tasks {
					waiting += task.Count
				}
				switch {
				case len(d.Upcoming) == 0:
					t.Errorf("%s (%s) sees no activities", acc.Name, acc.Role)
				case p.IsAdmin() && waiting == 0:
					t.Errorf("%s (%s) has nothing waiting: %+v", acc.Name, acc.Role, d.Tasks)
				case !p.IsAdmin() && (d.Vol == nil || d.Unread == 0):
					t.Errorf("%s (%s): volunteer part %v, %d unread", acc.Name, acc.Role, d.Vol != nil, d.Unread)
				}
			}
		})
	}
}

package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoPairings fills the demo and checks what 结对探访 shows: 广州市义工联合会's
// weekly pairing with one visit held and one missed, seen by 广州市 (the community), who
// was warned of the missed visit once.
func TestDemoPairings(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 300, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			principal := func(phone string) *zhiyuan.Principal {
				acc, _, err := store.FindAccountByPhone(ctx, phone)
				if err != nil {
					t.Fatal(err)
				}
				return &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
			}
			org, city := principal("13900000203"), principal("13900000100")
			mine, err := a.Pairings(ctx, org)
			if err != nil || len(mine) != 1 {
				t.Fatalf("the association's pairings: %+v %v", mine, err)
			}
			pg, err := a.Pairing(ctx, city, mine[0].ID)
			if err != nil || pg.Held != 1 || pg.Missed != 1 || pg.Visits[0].State != zhiyuan.VisitHeld ||
				pg.Visits[1].State != zhiyuan.VisitMissed || !pg.Visits[1].Warned || pg.CommunityAccountID != city.AccountID {
				t.Fatalf("the pairing as 广州市 sees it: %+v %v", pg, err)
			}
			notes, err := store.FindNotifications(ctx, sqlstore.NotificationFilter{AccountID: city.AccountID})
			if err != nil {
				t.Fatal(err)
			}
			warned := 0
			for _, n := range notes {
				if n.Kind == zhiyuan.NoticePairingMissed {
					warned++
				}
			}
			if warned != 1 {
				t.Fatalf("广州市 was warned %d times", warned)
			}
		})
	}
}

package demo

import (
	"context"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoNeeds fills the demo and checks what 服务需求 shows: open needs in 广州 near
// 天河, one of them urgent; one taken by 广州市义工联合会 with its draft activity; and
// one in 广州市's review list.
func TestDemoNeeds(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 300, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			open, err := a.Needs(ctx, nil, app.NeedQuery{Near: "23.13,113.30", WithinKm: "20"})
			if err != nil || len(open) < 3 || open[0].Urgency != zhiyuan.UrgencyUrgent {
				t.Fatalf("open needs near 天河: %+v %v", open, err)
			}
			for _, n := range open {
				if !strings.HasPrefix(n.RegionCode, "4401") {
					t.Fatalf("a need outside 广州: %+v", n)
				}
			}
			taken, err := a.Needs(ctx, nil, app.NeedQuery{Status: "taken"})
			if err != nil || len(taken) != 1 {
				t.Fatalf("taken needs: %+v %v", taken, err)
			}
			n, err := a.Need(ctx, nil, taken[0].ID)
			if err != nil || len(n.TakenBy) != 1 || n.TakenBy[0].ActivityID == 0 {
				t.Fatalf("the taken need: %+v %v", n, err)
			}
			acc, _, err := store.FindAccountByPhone(ctx, "13900000100")
			if err != nil {
				t.Fatal(err)
			}
			city := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
			if l, err := a.Needs(ctx, city, app.NeedQuery{Status: "pending"}); err != nil || len(l) != 1 {
				t.Fatalf("广州市's review list: %+v %v", l, err)
			}
		})
	}
}

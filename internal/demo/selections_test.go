package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoSelections fills the demo and checks what 身边雷锋 shows: three published
// candidates with likes, most liked first, counts equal to the standing like rows; the
// organiser's report names the one address that liked the community 25 times; 李小明's
// nomination waits for his guardian's consent.
func TestDemoSelections(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 300, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			sels, err := a.Selections(ctx)
			if err != nil || len(sels) != 1 {
				t.Fatalf("selections: %+v %v", sels, err)
			}
			_, list, err := a.Candidates(ctx, sels[0].CampaignID, "", true)
			if err != nil || len(list) != 3 || list[0].Likes == 0 || list[0].Likes < list[1].Likes || list[1].Likes < list[2].Likes {
				t.Fatalf("candidates: %+v %v", list, err)
			}
			for _, n := range list {
				var rows int64
				if err := store.DB().QueryRow(store.Rebind(`SELECT COUNT(*) FROM candidate_likes WHERE nomination_id = ? AND voided_at IS NULL`), n.ID).Scan(&rows); err != nil || rows != n.Likes {
					t.Fatalf("%s: count %d, rows %d %v", n.NomineeName, n.Likes, rows, err)
				}
			}
			rep, err := store.LikeReport(ctx, sels[0].ID)
			if err != nil || len(rep.Addresses) != 1 || rep.Addresses[0].IP != "203.0.113.7" || rep.Addresses[0].Likes != 25 {
				t.Fatalf("report: %+v %v", rep, err)
			}
			acc, _, err := store.FindAccountByPhone(ctx, "13800000002")
			if err != nil {
				t.Fatal(err)
			}
			mine, _, err := a.MyNominations(ctx, &zhiyuan.Principal{AccountID: acc.ID})
			if err != nil || len(mine) != 1 || mine[0].Consented() {
				t.Fatalf("李小明's nominations: %+v %v", mine, err)
			}
		})
	}
}

package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoHonours fills the demo and checks what 我的荣誉 shows 张小红: her awards, her
// training (apart from her 98 service hours), the organisers' evaluations of her and
// the sessions she can rate; and an average rating on an activity she attended.
func TestDemoHonours(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 600, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			acc, _, err := store.FindAccountByPhone(ctx, "13800000001")
			if err != nil {
				t.Fatal(err)
			}
			p := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
			h, err := a.MyHonours(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Awards) != 2 || len(h.Trainings) != 2 || h.TrainingMinutes != 660 || len(h.CareVisits) != 1 {
				t.Fatalf("张小红's honours: %d awards, %d trainings (%d min), %d visits", len(h.Awards), len(h.Trainings), h.TrainingMinutes, len(h.CareVisits))
			}
			if h.Evaluations.Count == 0 || len(h.Sessions) == 0 || h.Sessions[0].Rating != 5 {
				t.Fatalf("张小红's evaluations: %+v, sessions %+v", h.Evaluations, h.Sessions)
			}
			rating, err := a.ActivityRating(ctx, h.Sessions[0].ActivityID)
			if err != nil || rating.Count < 2 || rating.Average < 3 || rating.Average > 5 {
				t.Fatalf("activity rating %+v %v", rating, err)
			}
			totals, err := store.HourTotals(ctx, h.Awards[0].VolunteerID)
			if err != nil || totals.ConfirmedMinutes != 98*60 {
				t.Fatalf("training changed her service hours: %+v %v", totals, err)
			}
		})
	}
}

package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoActivities fills the demo and checks what a newcomer will find: activities in
// several cities, most published, some opening soon, some full with a waitlist, sign-ups
// whose seat counts match their rows, and sign-ups of the known volunteer 张小红.
func TestDemoActivities(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 600, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			db, s := store.DB(), store
			var total, published, cities, soon, full, mismatched int
			// The past service of history.go is closed: these are the activities to come and
			// those that just ran.
			db.QueryRow("SELECT COUNT(*) FROM activities WHERE status <> 'closed'").Scan(&total)
			db.QueryRow("SELECT COUNT(*) FROM activities WHERE status = 'published'").Scan(&published)
			db.QueryRow("SELECT COUNT(DISTINCT substr(region_code, 1, 4)) FROM activities").Scan(&cities)
			db.QueryRow(s.Rebind("SELECT COUNT(*) FROM activities WHERE signup_opens_at > ?"), s.Now()).Scan(&soon)
			db.QueryRow("SELECT COUNT(*) FROM activity_sessions WHERE seats_taken = capacity").Scan(&full)
			// A seat is held by a confirmed sign-up and stays held when it becomes a no-show
			// (the demo marks the no-shows of sessions over, as the periodic task does).
			db.QueryRow(`SELECT COUNT(*) FROM activity_sessions se WHERE se.seats_taken <>
				(SELECT COUNT(*) FROM signups sg WHERE sg.session_id = se.id AND sg.status IN ('confirmed', 'no_show'))`).Scan(&mismatched)
			if total < 100 || published < total*3/4 || published == total || cities < 5 || soon == 0 || full == 0 || mismatched != 0 {
				t.Fatalf("activities %d, published %d, cities %d, opening soon %d, full sessions %d, miscounted %d",
					total, published, cities, soon, full, mismatched)
			}
			hits, _, err := s.FindActivities(ctx, zhiyuan.ActivityFilter{Query: "敬老"})
			if err != nil || len(hits) == 0 {
				t.Fatalf("search 敬老: %d %v", len(hits), err)
			}
			acc, _, err := s.FindAccountByPhone(ctx, "13800000001")
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.FindVolunteerByAccountID(ctx, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			mine, err := s.FindVolunteerSignups(ctx, v.ID, "upcoming", s.Now(), 0, 10)
			if err != nil || len(mine) == 0 {
				t.Fatalf("张小红's sign-ups: %d %v", len(mine), err)
			}
		})
	}
}

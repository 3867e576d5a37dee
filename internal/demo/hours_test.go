package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoHours fills the demo and checks the service history a newcomer finds: attended
// hours confirmed and pending, no-shows counted, something on the overdue list, star
// levels from none to five, 张小红 two hours short of her first star with one make-up
// waiting for her acceptance, and a ledger that verifies.
func TestDemoHours(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 600, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			s, db := store, store.DB()
			var attended, confirmed, noShows, fiveStars, oneStar int
			db.QueryRow("SELECT COUNT(*) FROM hour_entries WHERE kind = 'attended'").Scan(&attended)
			db.QueryRow("SELECT COUNT(*) FROM hour_confirmations").Scan(&confirmed)
			db.QueryRow("SELECT COUNT(*) FROM signups WHERE status = 'no_show'").Scan(&noShows)
			db.QueryRow("SELECT COUNT(*) FROM volunteer_hour_totals WHERE confirmed_minutes >= 1500 * 60").Scan(&fiveStars)
			db.QueryRow("SELECT COUNT(*) FROM volunteer_hour_totals WHERE confirmed_minutes >= 100 * 60 AND confirmed_minutes < 300 * 60").Scan(&oneStar)
			if attended < 100 || confirmed < attended/2 || noShows == 0 || fiveStars == 0 || oneStar == 0 {
				t.Fatalf("attended %d, confirmed %d, no-shows %d, five stars %d, one star %d", attended, confirmed, noShows, fiveStars, oneStar)
			}
			overdue, err := s.OverdueEntries(ctx, sqlstore.OverdueFilter{RegionPrefix: "*", EndedBefore: a.OverdueCutoff()})
			if err != nil || len(overdue) == 0 {
				t.Fatalf("overdue: %d %v", len(overdue), err)
			}
			acc, _, err := s.FindAccountByPhone(ctx, "13800000001")
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.FindVolunteerByAccountID(ctx, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			tot, err := s.HourTotals(ctx, v.ID)
			if err != nil || tot.ConfirmedMinutes != 98*60 || zhiyuan.StarLevel(tot.ConfirmedMinutes) != 0 {
				t.Fatalf("张小红's totals %+v %v", tot, err)
			}
			// One make-up waits for her answer (she never signed up for that session).
			offers, err := s.VolunteerHourOffers(ctx, v.ID, true)
			if err != nil || len(offers) != 1 || offers[0].Minutes != 120 {
				t.Fatalf("张小红's pending hour offers: %+v %v", offers, err)
			}
			r, err := s.VerifyLedger(ctx, 10)
			if err != nil || !r.OK() {
				t.Fatalf("ledger: %+v %v", r, err)
			}
		})
	}
}

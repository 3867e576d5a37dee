package demo

import (
	"context"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoHistory: the demo's figures show at least 18 months of confirmed hours across
// Guangdong's cities, with March and December above the months beside them, and the
// summaries verify against the rows.
func TestDemoHistory(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, s := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, s, Options{Volunteers: 3000, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			now := s.Now().In(zhiyuan.Beijing)
			to := zhiyuan.MonthOf(now)
			from := zhiyuan.MonthOf(time.Date(now.Year(), now.Month()-23, 1, 0, 0, 0, 0, zhiyuan.Beijing))
			rep, err := a.FigureReport(ctx, nil, appQuery("440000", from, to, zhiyuan.FigureByMonth))
			if err != nil {
				t.Fatal(err)
			}
			hours := map[string]int64{}
			withHours := 0
			for _, r := range rep.Series {
				hours[r.Key] = r.ConfirmedMinutes
				if r.ConfirmedMinutes > 0 {
					withHours++
				}
			}
			if withHours < 18 {
				t.Errorf("%d months with confirmed hours, want at least 18: %v", withHours, hours)
			}
			for _, r := range rep.Series {
				m, _ := zhiyuan.ParseMonth(r.Key)
				if (m.Month() != time.March && m.Month() != time.December) || r.Key == to {
					continue
				}
				before, after := m.AddDate(0, -1, 0).Format("2006-01"), m.AddDate(0, 1, 0).Format("2006-01")
				if hours[before] == 0 || after >= to { // before the history, or the month running now
					continue
				}
				if r.ConfirmedMinutes <= hours[before] || r.ConfirmedMinutes <= hours[after] {
					t.Errorf("%s: %d minutes, not a peak beside %d and %d", r.Key, r.ConfirmedMinutes, hours[before], hours[after])
				}
			}
			kids, err := a.FigureReport(ctx, nil, appQuery("440000", from, to, zhiyuan.FigureByChild))
			if err != nil {
				t.Fatal(err)
			}
			cities := 0
			for _, r := range kids.Series {
				if r.ConfirmedMinutes > 0 {
					cities++
				}
			}
			if cities < 15 {
				t.Errorf("%d cities with hours", cities)
			}
			if m, err := s.VerifyFigures(ctx); err != nil || m != nil {
				t.Fatalf("figures verify: %v %v", m, err)
			}
		})
	}
}

func appQuery(region, from, to, by string) app.FigureQuery {
	return app.FigureQuery{Region: region, From: from, To: to, By: by}
}

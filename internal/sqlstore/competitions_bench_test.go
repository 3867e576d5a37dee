package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// BenchmarkCompetitionRanking times one page of a city's ranking (广州, 50 rows) and of
// the whole round's in a round of 5,000 projects with 50,000 score sheets (ten judges
// each, spread over Guangdong's 22 city-level units), beside the same queries on a round
// of 50 projects (all in 广州) with 500 sheets in the same database and run. The score is kept on the
// project when a sheet is written, and the ranking reads one page of an index, so the
// ratios should stay under 2.
func BenchmarkCompetitionRanking(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchRanking(b, engine)
			}
		})
	}
}

func benchRanking(b *testing.B, engine string) {
	s := storetest.New(b, engine, sqlstore.Options{})
	ctx := context.Background()
	acc := &zhiyuan.Account{Phone: "13500000009", Name: "基准"}
	if err := s.CreateAccount(ctx, acc, "h"); err != nil {
		b.Fatal(err)
	}
	org := &zhiyuan.Organization{Name: "基准组织", Type: "社会组织", RegionCode: "440104", ContactName: "x", ContactPhone: "1", CreatedBy: acc.ID}
	if err := s.CreateOrganization(ctx, org); err != nil {
		b.Fatal(err)
	}
	var judges []int64
	for i := range 10 {
		j := &zhiyuan.Account{Phone: fmt.Sprintf("1370000%04d", i), Name: fmt.Sprintf("评委%d", i)}
		if err := s.CreateAccount(ctx, j, "h"); err != nil {
			b.Fatal(err)
		}
		judges = append(judges, j.ID)
	}
	var cities []string
	for _, u := range region.Default().StatsUnits("440000") {
		cities = append(cities, u.Code)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	round := func(projects int, cities []string) int64 {
		now := s.Now()
		c := &zhiyuan.Competition{Name: "基准赛事", RegionCode: "440000", Tracks: []string{"助老"}, MaxPerOrg: projects, CreatedBy: acc.ID,
			Criteria: []zhiyuan.Criterion{{Name: "综合", Weight: 100, MaxScore: 100}}}
		for i, st := range zhiyuan.CompetitionStages {
			c.Stages = append(c.Stages, zhiyuan.StageDates{Stage: st, StartsAt: now.Add(time.Duration(i) * time.Hour), EndsAt: now.Add(time.Duration(i+1) * time.Hour)})
		}
		if err := s.CreateCompetition(ctx, c); err != nil {
			b.Fatal(err)
		}
		loadRound(b, s, c.ID, org.ID, acc.ID, projects, judges, cities, rng)
		return c.ID
	}
	// The small round's 50 projects are all in 广州, so both city pages hold 50 rows.
	small, large := round(50, []string{"440100"}), round(5000, cities)
	page := func(comp int64, city string) func() int {
		return func() int {
			list, err := s.Ranking(ctx, comp, city, 0, zhiyuan.CompetitionRankingPage)
			if err != nil {
				b.Fatal(err)
			}
			return len(list)
		}
	}
	citySmall, cityLarge := timePair(b, page(small, "440100"), page(large, "440100"))
	allSmall, allLarge := timePair(b, page(small, ""), page(large, ""))
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	b.ReportMetric(us(citySmall), "city_us@50")
	b.ReportMetric(us(cityLarge), "city_us@5000")
	b.ReportMetric(us(cityLarge)/us(citySmall), "city_ratio")
	b.ReportMetric(us(allSmall), "round_us@50")
	b.ReportMetric(us(allLarge), "round_us@5000")
	b.ReportMetric(us(allLarge)/us(allSmall), "round_ratio")
	b.ReportMetric(0, "ns/op")
	b.Logf("%s: city ranking page %.0f µs with 5,000 projects vs %.0f µs with 50 (ratio %.2f); whole round %.0f vs %.0f µs (ratio %.2f)",
		engine, us(cityLarge), us(citySmall), us(cityLarge)/us(citySmall), us(allLarge), us(allSmall), us(allLarge)/us(allSmall))
}

// timePair times two queries taking turns, 400 runs each, and returns each one's median:
// on a shared machine, turns put both under the same load and the median drops the
// runs another process interrupted.
func timePair(b *testing.B, f, g func() int) (time.Duration, time.Duration) {
	b.Helper()
	var df, dg []time.Duration
	for i := range 420 {
		for k, h := range []func() int{f, g} {
			start := time.Now()
			if h() == 0 {
				b.Fatal("query found nothing")
			}
			if i >= 20 { // the first runs warm the caches
				if k == 0 {
					df = append(df, time.Since(start))
				} else {
					dg = append(dg, time.Since(start))
				}
			}
		}
	}
	med := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	return med(df), med(dg)
}

// loadRound writes n passed projects of round comp, each with one sheet per judge and its
// score by zhiyuan.ProjectScore, in batches of rows (what SubmitScore would have left).
func loadRound(b *testing.B, s *sqlstore.Store, comp, org, by int64, n int, judges []int64, cities []string, rng *rand.Rand) {
	db := s.DB()
	now := s.Now()
	const batch = 250
	for done := 0; done < n; done += batch {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		var rows []string
		var args []any
		type pending struct {
			totals []zhiyuan.Centi
		}
		var sheets []pending
		for i := done; i < min(done+batch, n); i++ {
			city := cities[i%len(cities)]
			var p pending
			for range judges {
				p.totals = append(p.totals, zhiyuan.Centi(5000+rng.IntN(5001)))
			}
			score, _, _ := zhiyuan.ProjectScore(p.totals)
			sheets = append(sheets, p)
			rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, 'passed', ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, comp, org, i+1, fmt.Sprintf("项目%d", i+1), "助老", city[:4]+"02", city, score, zhiyuan.MeanCenti(p.totals),
				len(judges), now.Add(time.Duration(i)*time.Second), by, now, now)
		}
		q := `INSERT INTO competition_projects (competition_id, org_id, slot, name, track, region_code, city_code, status, score, all_mean,
			judges_scored, submitted_at, created_by, created_at, updated_at) VALUES ` + strings.Join(rows, ", ") + ` RETURNING id`
		res, err := tx.Query(s.Rebind(q), args...)
		if err != nil {
			b.Fatal(err)
		}
		var ids []int64
		for res.Next() {
			var id int64
			if err := res.Scan(&id); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		res.Close()
		rows, args = rows[:0], args[:0]
		for k, id := range ids {
			for j, judge := range judges {
				rows = append(rows, "(?, ?, ?, ?, ?)")
				args = append(args, id, judge, fmt.Sprintf("[%d]", sheets[k].totals[j]/100), int64(sheets[k].totals[j]), now)
			}
		}
		if _, err := tx.Exec(s.Rebind(`INSERT INTO competition_scores (project_id, judge_id, points, total, created_at) VALUES `+strings.Join(rows, ", ")), args...); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

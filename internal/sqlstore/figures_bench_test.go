package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// benchFigureRows loads into the summary tables the rows that n confirmed hour entries
// (by n/50 volunteers, over 2,000 organisations, Guangdong's counties, every category and
// the 12 months of 2026) leave there. The entries themselves are not written: loading
// 10,000,000 through the triggers would take hours on a 2-core machine (the write path's
// own cost is BenchmarkFiguresConfirmWrite's), and a dashboard never reads them, only the
// summary rows, which is what this loads, computed from simulated entries in Go.
func benchFigureRows(b *testing.B, s *sqlstore.Store, orgs []*zhiyuan.Organization, counties []string, n int) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	type rk struct{ region, month, cat string }
	type ok struct {
		org        int64
		month, cat string
	}
	type sk struct{ region, month, prev string }
	regionRows := map[rk]int64{}
	orgRows := map[ok]int64{}
	nv := max(n/50, 100)
	home := make([]string, nv)
	active := make([]uint16, nv) // a bit per month of 2026
	for i := range home {
		home[i] = counties[rng.IntN(len(counties))]
	}
	for range n {
		v := rng.IntN(nv)
		m := 1 + rng.IntN(12)
		month := fmt.Sprintf("2026-%02d", m)
		cat := string(zhiyuan.Categories[rng.IntN(len(zhiyuan.Categories))])
		o := orgs[rng.IntN(len(orgs))]
		minutes := int64(60 + 30*rng.IntN(6))
		regionRows[rk{o.RegionCode, month, cat}] += minutes
		orgRows[ok{o.ID, month, cat}] += minutes
		active[v] |= 1 << m
	}
	spans := map[sk]int64{}
	for v, bits := range active {
		prev := ""
		for m := 1; m <= 12; m++ {
			if bits&(1<<m) != 0 {
				month := fmt.Sprintf("2026-%02d", m)
				spans[sk{home[v], month, prev}]++
				prev = month
			}
		}
	}
	type volKey struct{ region, month, sex, band, pol string }
	vols := map[volKey]int64{}
	for v := range nv {
		vols[volKey{home[v], fmt.Sprintf("2025-%02d", 1+v%12), []string{"male", "female"}[v%2], zhiyuan.FigureAgeBands[v%4], []string{"群众", "共青团员", "中共党员"}[v%3]}]++
	}
	insert := func(head string, cols int, rows [][]any) {
		for start := 0; start < len(rows); start += 400 {
			chunk := rows[start:min(start+400, len(rows))]
			tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
			var args []any
			for _, r := range chunk {
				args = append(args, r...)
			}
			q := head + strings.TrimSuffix(strings.Repeat(tuple+", ", len(chunk)), ", ")
			if _, err := s.DB().ExecContext(ctx, s.Rebind(q), args...); err != nil {
				b.Fatal(err)
			}
		}
	}
	var rows [][]any
	for k, m := range regionRows {
		rows = append(rows, []any{k.region, k.month, k.cat, 1, 2, 20, m})
	}
	insert("INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes) VALUES ", 7, rows)
	rows = rows[:0]
	for k, m := range orgRows {
		rows = append(rows, []any{k.org, k.month, k.cat, 1, 2, 20, m})
	}
	insert("INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes) VALUES ", 7, rows)
	rows = rows[:0]
	for k, c := range spans {
		rows = append(rows, []any{k.region, k.month, k.prev, c})
	}
	insert("INSERT INTO fig_active_span (region_code, month, prev_month, volunteers) VALUES ", 4, rows)
	rows = rows[:0]
	for k, c := range vols {
		rows = append(rows, []any{k.region, k.month, k.sex, k.band, k.pol, c, 0})
	}
	insert("INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed) VALUES ", 7, rows)
	if s.Engine() == "postgres" {
		s.DB().ExecContext(ctx, "ANALYZE")
	}
}

// cityDashboard reads what the 数据看板 shows for 广州 over 2026: totals, the month line,
// the categories and each district side by side.
func cityDashboard(b *testing.B, s *sqlstore.Store, districts []string) int {
	ctx := context.Background()
	sc := zhiyuan.FigureScope{RegionPrefix: "4401"}
	t, err := s.FigureTotals(ctx, sc, "2026-01", "2026-12")
	if err != nil || t.ConfirmedMinutes == 0 {
		b.Fatalf("totals %+v %v", t, err)
	}
	for _, by := range []string{zhiyuan.FigureByMonth, zhiyuan.FigureByCategory} {
		if _, err := s.FigureSeries(ctx, sc, "2026-01", "2026-12", by); err != nil {
			b.Fatal(err)
		}
	}
	for _, d := range districts {
		if _, err := s.FigureTotals(ctx, zhiyuan.FigureScope{RegionPrefix: zhiyuan.ScopePrefix(d)}, "2026-01", "2026-12"); err != nil {
			b.Fatal(err)
		}
	}
	return 1
}

// topOrgs reads 广州's organisations with the most hours in 2026.
func topOrgs(b *testing.B, s *sqlstore.Store) int {
	top, err := s.FigureTopOrgs(context.Background(), "4401", "2026-01", "2026-12", 10)
	if err != nil {
		b.Fatal(err)
	}
	return len(top)
}

// BenchmarkFiguresCityDashboard times 广州's dashboard for 2026 (12 months × categories ×
// districts; the top organisations apart) with the summary rows of 100,000 confirmed hour
// entries, then of 10,000,000 (ZHIYUAN_BENCH_HOURS overrides), in the same database. The
// summaries are bounded by regions × months × categories (× organisations), not by
// entries, so the ratio should stay under 1.5. load_s is the time to load the large
// run's summary rows (see benchFigureRows: simulated entries, summaries written in bulk).
func BenchmarkFiguresCityDashboard(b *testing.B) {
	large := 10_000_000
	if v, err := strconv.Atoi(os.Getenv("ZHIYUAN_BENCH_HOURS")); err == nil && v > 100_000 {
		large = v
	}
	tree := region.Default()
	var counties []string
	for _, city := range tree.Children("440000") {
		for _, c := range tree.Children(city.Code) {
			if tree.IsCounty(c.Code) {
				counties = append(counties, c.Code)
			}
		}
		if tree.IsCounty(city.Code) {
			counties = append(counties, city.Code)
		}
	}
	var districts []string
	for _, d := range tree.Children("440100") {
		districts = append(districts, d.Code)
	}
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				s := storetest.New(b, engine, sqlstore.Options{})
				ctx := context.Background()
				acc := &zhiyuan.Account{Phone: "13500000009", Name: "基准"}
				if err := s.CreateAccount(ctx, acc, "h"); err != nil {
					b.Fatal(err)
				}
				orgs := make([]*zhiyuan.Organization, 2000)
				for i := range orgs {
					orgs[i] = &zhiyuan.Organization{Name: fmt.Sprintf("基准组织%d", i), Type: "社会组织", RegionCode: counties[i%len(counties)],
						Status: zhiyuan.OrgApproved, CreatedBy: acc.ID, ContactName: "x", ContactPhone: "13800000000"}
				}
				if err := s.BulkCreateOrganizations(ctx, orgs); err != nil {
					b.Fatal(err)
				}
				run := func() int { return cityDashboard(b, s, districts) }
				top := func() int { return topOrgs(b, s) }
				benchFigureRows(b, s, orgs, counties, 100_000)
				small, topSmall := timeQuery(b, 30, run), timeQuery(b, 30, top)
				for _, t := range []string{"fig_region", "fig_org", "fig_active_span", "fig_volunteers"} {
					if _, err := s.DB().ExecContext(ctx, "DELETE FROM "+t); err != nil {
						b.Fatal(err)
					}
				}
				started := time.Now()
				benchFigureRows(b, s, orgs, counties, large)
				load := time.Since(started)
				big, topBig := timeQuery(b, 30, run), timeQuery(b, 30, top)
				ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
				b.ReportMetric(ms(small), "dashboard_ms@100k")
				b.ReportMetric(ms(big), fmt.Sprintf("dashboard_ms@%dM", large/1_000_000))
				b.ReportMetric(ms(big)/ms(small), "dashboard_ratio")
				// The top organisations read one row per (organisation, month, category) of the
				// city: more of those exist as entries spread, up to all of them (then flat).
				b.ReportMetric(ms(topSmall), "top_orgs_ms@100k")
				b.ReportMetric(ms(topBig)/ms(topSmall), "top_orgs_ratio")
				b.ReportMetric(load.Seconds(), "load_s")
				b.ReportMetric(0, "ns/op")
			}
		})
	}
}

// BenchmarkFiguresConfirmWrite confirms 1,200 pending hour entries one at a time (an
// admin confirming entries one by one) in a database whose summary triggers are on, and as
// many in one where the confirmation's trigger is off, alternating between the two in
// rounds of 50 so that the shared machine's load falls on both alike: with_vs_without is
// the rate kept with the figures exact (at least 0.7 asked; on SQLite on CPU time, see
// below; with_vs_without_wall on the wall clock).
func BenchmarkFiguresConfirmWrite(b *testing.B) {
	const n, round = 1200, 50
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				type side struct {
					s         *sqlstore.Store
					admin     int64
					ids       []int64
					took, cpu time.Duration
				}
				setup := func(summaries bool) *side {
					c := &ledgerClock{}
					c.Set(c.At("08:00").Add(-48 * time.Hour))
					s := storetest.New(b, engine, sqlstore.Options{Now: c.Now})
					f := newHoursFixture(b, s, c, n)
					c.Set(c.At("12:30"))
					ctx := context.Background()
					if !summaries {
						// fig_hours_ins keeps every summary of a confirmation (0020).
						off := "DROP TRIGGER fig_hours_ins"
						if engine == "postgres" {
							off = "ALTER TABLE hour_confirmations DISABLE TRIGGER fig_hours_ins"
						}
						if _, err := s.DB().ExecContext(ctx, off); err != nil {
							b.Fatal(err)
						}
					}
					sd := &side{s: s, admin: f.admin}
					for _, v := range f.vols {
						e := &zhiyuan.HourEntry{VolunteerID: v, Kind: zhiyuan.HourMakeup, Minutes: 120, SessionID: f.session.ID, OrgID: f.org,
							Reason: "补录", RecordedBy: f.admin}
						if err := s.AppendHourEntry(ctx, e, sqlstore.EntryPlace{RegionCode: "440106"}, nil); err != nil {
							b.Fatal(err)
						}
						sd.ids = append(sd.ids, e.ID)
					}
					slices.Reverse(sd.ids)
					return sd
				}
				without, with := setup(false), setup(true)
				for start := 0; start < n; start += round {
					for _, sd := range []*side{without, with} {
						started, cpu := time.Now(), processCPU()
						for _, id := range sd.ids[start:min(start+round, n)] {
							done, err := sd.s.ConfirmHourEntries(context.Background(), sqlstore.ConfirmInput{EntryIDs: []int64{id}, ConfirmedBy: sd.admin})
							if err != nil || len(done) != 1 {
								b.Fatalf("confirm %d: %v %v", id, done, err)
							}
						}
						sd.took += time.Since(started)
						sd.cpu += processCPU() - cpu
					}
				}
				rw, ro := float64(n)/with.took.Seconds(), float64(n)/without.took.Seconds()
				b.ReportMetric(rw, "confirms/s_with")
				b.ReportMetric(ro, "confirms/s_without")
				b.ReportMetric(rw/ro, "with_vs_without_wall")
				// SQLite runs in this process: its rate is taken on the CPU the process spent
				// (user and system, the WAL's writes included), which the other work of a
				// shared machine does not blur as it does the wall clock. PostgreSQL's work
				// is in its server's processes: the wall clock it is.
				ratio := rw / ro
				if engine == "sqlite" {
					ratio = without.cpu.Seconds() / with.cpu.Seconds()
				}
				b.ReportMetric(ratio, "with_vs_without")
				b.ReportMetric(0, "ns/op")
			}
		})
	}
}

// processCPU is the CPU time (user and system) this process has used so far.
func processCPU() time.Duration {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// BenchmarkCampaignRankings times the contest (大比拼) of a campaign with 500 activities
// and 50,000 confirmed hour entries, and of a campaign with 50,000 activities and
// ZHIYUAN_BENCH_CAMPAIGN_HOURS entries (default 200,000; the issue asks for 5,000,000),
// both in the same database with the same 200 organisations and 20,000 volunteers, on
// each engine. One contest read is what the campaign page shows: its figures (by city and
// by day) and the rankings of cities, districts and organisations. The activities are
// entered first; the entries go in through the set-based loader (sqlstore.LoadFastHours:
// generate_series or a recursive CTE, the confirmation triggers suspended), which then
// runs the product's own recount of the campaign's kept figures, the same figures the
// triggers keep entry by entry (TestLoadFastHoursMatchesTriggers). The rankings read
// those kept rows, bounded by units (cities, districts, organisations, days), not
// entries, so ratio should stay under 1.5. load_s and entries/s are the large campaign's
// loading, recount included.
func BenchmarkCampaignRankings(b *testing.B) {
	const smallActs, smallHours, bigActs = 500, 50_000, 50_000
	bigHours := 200_000
	if v, err := strconv.Atoi(os.Getenv("ZHIYUAN_BENCH_CAMPAIGN_HOURS")); err == nil && v > 0 {
		bigHours = v
	}
	tree := region.Default()
	var counties []string
	for _, city := range tree.Children("440000") {
		for _, c := range tree.Children(city.Code) {
			if tree.IsCounty(c.Code) {
				counties = append(counties, c.Code)
			}
		}
	}
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchCampaign(b, engine, counties, smallActs, smallHours, bigActs, bigHours)
			}
		})
	}
}

func benchCampaign(b *testing.B, engine string, counties []string, smallActs, smallHours, bigActs, bigHours int) {
	ctx := context.Background()
	s := storetest.New(b, engine, sqlstore.Options{})
	defer s.BeginBulkLoad(ctx)()
	a := benchApp(b, s)
	rng := rand.New(rand.NewPCG(3, 5))
	acc := &zhiyuan.Account{Phone: "13500000009", Name: "基准"}
	if err := s.CreateAccount(ctx, acc, "h"); err != nil {
		b.Fatal(err)
	}
	orgs := make([]*zhiyuan.Organization, 200)
	for i := range orgs {
		orgs[i] = &zhiyuan.Organization{Name: fmt.Sprintf("基准组织%d", i), Type: "社会组织", RegionCode: counties[i%len(counties)],
			Status: zhiyuan.OrgApproved, CreatedBy: acc.ID, ContactName: "x", ContactPhone: "13800000000"}
	}
	if err := s.BulkCreateOrganizations(ctx, orgs); err != nil {
		b.Fatal(err)
	}
	vols := benchVolunteers(b, s, 20_000, func(int) string { return counties[rng.IntN(len(counties))] })
	// campaign makes n activities (one session each, in March 2027) entered into a new
	// campaign over 广东, and returns the campaign and the sessions.
	campaign := func(name string, n int) (*zhiyuan.Campaign, []int64) {
		c := &zhiyuan.Campaign{Name: name, StartsOn: "2027-03-01", EndsOn: "2027-03-31", RegionCode: "440000", CreatedBy: acc.ID}
		if err := s.CreateCampaign(ctx, c); err != nil {
			b.Fatal(err)
		}
		acts := make([]*zhiyuan.Activity, n)
		for i := range acts {
			o := orgs[i%len(orgs)]
			start := time.Date(2027, 3, 1+i%31, 1, 0, 0, 0, time.UTC)
			acts[i] = &zhiyuan.Activity{OrgID: o.ID, Title: "学雷锋活动", Category: zhiyuan.CatCommunity, RegionCode: o.RegionCode,
				Address: "x", Lat: 23, Lng: 113, Status: zhiyuan.ActivityPublished,
				Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: 1000}}}
		}
		for start := 0; start < n; start += 10_000 {
			if err := s.BulkCreateActivities(ctx, acts[start:min(start+10_000, n)], acc.ID); err != nil {
				b.Fatal(err)
			}
		}
		ids := make([]int64, n)
		for i, act := range acts {
			ids[i] = act.ID
		}
		if err := s.BulkEnterCampaign(ctx, c.ID, ids, acc.ID); err != nil {
			b.Fatal(err)
		}
		return c, ids
	}
	load := func(acts []int64, n int) {
		if err := s.LoadFastHours(ctx, sqlstore.FastHours{FirstActivity: slices.Min(acts), LastActivity: slices.Max(acts),
			FirstVolunteer: slices.Min(vols), LastVolunteer: slices.Max(vols), Entries: int64(n),
			RecordedAt: time.Date(2027, 3, 2, 0, 0, 0, 0, time.UTC), ConfirmedBy: acc.ID}); err != nil {
			b.Fatal(err)
		}
	}
	small, smallIDs := campaign("小活动", smallActs)
	load(smallIDs, smallHours)
	big, bigIDs := campaign("大活动", bigActs)
	started := time.Now()
	load(bigIDs, bigHours)
	loaded := time.Since(started)
	// A bulk load of millions of rows in minutes outruns autovacuum and autoanalyze, so the
	// read would be planned on stale statistics (and, after entries confirmed one by one,
	// wade through dead row versions of the summary rows). VACUUM ANALYZE does what
	// autovacuum does.
	if engine == "postgres" {
		if _, err := s.DB().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	contest := func(c *zhiyuan.Campaign) func() {
		return func() {
			f, err := a.CampaignFigures(ctx, c.ID)
			if err != nil || f.Minutes == 0 {
				b.Fatalf("figures: %+v %v", f, err)
			}
			for _, level := range zhiyuan.RankLevels {
				rows, err := a.CampaignRanking(ctx, c.ID, level, zhiyuan.RankHours)
				if err != nil || len(rows) == 0 {
					b.Fatalf("ranking %s: %d rows, %v", level, len(rows), err)
				}
			}
		}
	}
	// Once each to warm the caches, then alternate the two so the shared machine's load
	// falls on both alike; medians of 21.
	contest(small)()
	contest(big)()
	var ts, tb []time.Duration
	for range 21 {
		for _, m := range []struct {
			c   *zhiyuan.Campaign
			out *[]time.Duration
		}{{small, &ts}, {big, &tb}} {
			start := time.Now()
			contest(m.c)()
			*m.out = append(*m.out, time.Since(start))
		}
	}
	med := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Microseconds()) / 1e3
	}
	label := fmt.Sprintf("%dk", bigHours/1000)
	b.ReportMetric(med(ts), "contest_ms@50k")
	b.ReportMetric(med(tb), "contest_ms@"+label)
	b.ReportMetric(med(tb)/med(ts), "ratio")
	b.ReportMetric(loaded.Seconds(), "load_s")
	b.ReportMetric(float64(bigHours)/loaded.Seconds(), "entries/s")
	b.ReportMetric(0, "ns/op")
}

// benchApp is an App over s for benchmarks: fresh keys, cheap password hashing, no logs.
func benchApp(b *testing.B, s *sqlstore.Store) *app.App {
	keys, err := pii.NewKeys()
	if err != nil {
		b.Fatal(err)
	}
	cfg := app.DefaultConfig()
	cfg.Password = password.Fast
	return app.New(s, keys, region.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
}

// benchVolunteers writes n volunteers in bulk, volunteer i in region regionOf(i), and
// returns their ids in order.
func benchVolunteers(b *testing.B, s *sqlstore.Store, n int, regionOf func(i int) string) []int64 {
	ctx := context.Background()
	ids := make([]int64, 0, n)
	for start := 0; start < n; start += 10_000 {
		var batch []sqlstore.BulkVolunteer
		for i := start; i < min(start+10_000, n); i++ {
			batch = append(batch, sqlstore.BulkVolunteer{Volunteer: &zhiyuan.Volunteer{Name: "基准志愿者", IDType: zhiyuan.IDResident,
				IDNumberMasked: "440***********123X", Phone: fmt.Sprintf("139%08d", i), RegionCode: regionOf(i),
				Sex: "female", BirthDate: time.Date(1970+i%35, 1, 1, 0, 0, 0, 0, time.UTC)},
				Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("bench%d", i)}})
		}
		if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
			b.Fatal(err)
		}
		for _, v := range batch {
			ids = append(ids, v.Volunteer.ID)
		}
	}
	return ids
}

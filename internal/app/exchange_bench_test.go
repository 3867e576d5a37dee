package app_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// BenchmarkExchangeHours times the national exchange's hour-record file (issue 12: "export
// of 1,000,000 hour records, rows per second beside excelize's stream writer alone") as a
// platform admin downloads it, .xlsx and CSV, from ZHIYUAN_BENCH_EXCHANGE_HOURS confirmed
// entries (default 1,000,000) of 20,000 volunteers over 1,999 sessions, each entry its own
// record. The reference is excelize's stream writer alone writing as many rows of six
// cells like the file's, in the same run.
func BenchmarkExchangeHours(b *testing.B) {
	entries := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("ZHIYUAN_BENCH_EXCHANGE_HOURS")); err == nil && v > 0 {
		entries = v
	}
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.New(b, engine, sqlstore.Options{})
			a := benchApp(b, s)
			acc := &zhiyuan.Account{Phone: "13500000009", Name: "基准"}
			if err := s.CreateAccount(ctx, acc, "h"); err != nil {
				b.Fatal(err)
			}
			org := &zhiyuan.Organization{Name: "基准组织", Type: "社会组织", RegionCode: "440106", Status: zhiyuan.OrgApproved,
				CreatedBy: acc.ID, ContactName: "x", ContactPhone: "13800000000"}
			if err := s.BulkCreateOrganizations(ctx, []*zhiyuan.Organization{org}); err != nil {
				b.Fatal(err)
			}
			vols := benchVolunteers(b, s, 20_000, func(int) string { return "440106" })
			// 1,999 sessions and 20,000 volunteers share no factor, so the loader's entry i
			// (session i mod 1,999, volunteer i × 7919 mod 20,000) meets each pair once.
			acts := make([]*zhiyuan.Activity, 1999)
			for i := range acts {
				start := time.Date(2026, time.Month(1+i%12), 1+i%28, 1, 0, 0, 0, time.UTC)
				acts[i] = &zhiyuan.Activity{OrgID: org.ID, Title: fmt.Sprintf("社区志愿服务第%d期", i), Category: zhiyuan.CatCommunity,
					RegionCode: org.RegionCode, Address: "x", Lat: 23, Lng: 113, Status: zhiyuan.ActivityPublished, TimeZone: "Asia/Shanghai",
					Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: 1000}}}
			}
			if err := s.BulkCreateActivities(ctx, acts, acc.ID); err != nil {
				b.Fatal(err)
			}
			ids := make([]int64, len(acts))
			for i, act := range acts {
				ids[i] = act.ID
			}
			started := time.Now()
			if err := s.LoadFastHours(ctx, sqlstore.FastHours{FirstActivity: slices.Min(ids), LastActivity: slices.Max(ids),
				FirstVolunteer: slices.Min(vols), LastVolunteer: slices.Max(vols), Entries: int64(entries),
				RecordedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), ConfirmedBy: acc.ID}); err != nil {
				b.Fatal(err)
			}
			loaded := time.Since(started)
			if engine == "postgres" {
				if _, err := s.DB().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			admin := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: []zhiyuan.Role{{Kind: zhiyuan.RolePlatform}}}

			export := func(format app.ExchangeFormat) float64 {
				plan, err := a.PlanExchange(ctx, admin, app.ExchangeQuery{Kind: app.ExchangeHours, Format: format, Purpose: "基准测试"})
				if err != nil {
					b.Fatal(err)
				}
				if plan.Rows != int64(entries) {
					b.Fatalf("%s plan: %d rows, want %d", format, plan.Rows, entries)
				}
				w := &countingWriter{}
				start := time.Now()
				if err := a.WriteExchange(ctx, admin, plan, w); err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(start)
				if w.n == 0 {
					b.Fatalf("%s: nothing written", format)
				}
				return float64(plan.Rows) / elapsed.Seconds()
			}
			reference := func() float64 {
				f := excelize.NewFile()
				defer f.Close()
				sw, err := f.NewStreamWriter("Sheet1")
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				row := make([]any, 6)
				for i := range entries {
					row[0], row[1], row[2] = "基准志愿者", "440106199001011234", fmt.Sprintf("社区志愿服务第%d期", i%1999)
					row[3], row[4], row[5] = "2026-03-01", "1.5", "基准组织"
					if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
						b.Fatal(err)
					}
				}
				if err := sw.Flush(); err != nil {
					b.Fatal(err)
				}
				if _, err := f.WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
				return float64(entries) / time.Since(start).Seconds()
			}
			for range b.N {
				ref := reference()
				xlsx := export(app.ExchangeXLSX)
				csv := export(app.ExchangeCSV)
				b.ReportMetric(ref, "excelize_rows/s")
				b.ReportMetric(xlsx, "xlsx_rows/s")
				b.ReportMetric(csv, "csv_rows/s")
				b.ReportMetric(xlsx/ref, "xlsx/ref")
				b.ReportMetric(csv/ref, "csv/ref")
				b.Logf("%s: %d hour records (loaded in %s): .xlsx %.0f rows/s, CSV %.0f rows/s; excelize stream writer alone %.0f rows/s; ratios %.2f and %.2f",
					engine, entries, loaded.Round(time.Second), xlsx, csv, ref, xlsx/ref, csv/ref)
			}
		})
	}
}

// countingWriter discards what it is given and counts it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

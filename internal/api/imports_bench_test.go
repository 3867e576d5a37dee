package api_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/roster"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// BenchmarkImport measures the import of a 100,000-row member list end to end (upload
// over HTTP, reading and checking every row, staging, the comparison with the registry,
// the run in batches: rows per second from the upload to the last row written) beside a
// reference measured in the same run: excelize streaming the same file plus the raw
// batched insert of the same rows (sealing and blind-indexing included) with
// BulkCreateVolunteers in transactions of ImportBatchRows. It prints the peak growth of
// the process's resident memory during the import (Linux).
func BenchmarkImport(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchImport(b, engine)
			}
		})
	}
}

func benchImport(b *testing.B, engine string) {
	n := zhiyuan.MaxImportRows
	if s := os.Getenv("ZHIYUAN_BENCH_IMPORT_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	people := make([]person, n)
	for i := range people {
		people[i] = person{roster.ColName: "学生" + string(rune('甲'+i%10)), roster.ColIDNumber: rosterID(i, 20),
			roster.ColPhone: rosterPhone(i), roster.ColPolitical: "共青团员"}
	}
	header := []string{roster.ColName, roster.ColIDNumber, roster.ColPhone, roster.ColPolitical}
	data := listXLSX(b, header, people)
	ctx := context.Background()

	// Reference, part 1: excelize streaming the file.
	start := time.Now()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		b.Fatal(err)
	}
	read := 0
	for rows.Next() {
		if _, err := rows.Columns(); err != nil {
			b.Fatal(err)
		}
		read++
	}
	rows.Close()
	f.Close()
	stream := time.Since(start)
	if read != n+1 {
		b.Fatalf("streamed %d rows", read)
	}

	// Reference, part 2: the same rows inserted raw, sealed, in batches.
	ref := servertest.New(b, engine)
	start = time.Now()
	for from := 0; from < n; from += zhiyuan.ImportBatchRows {
		batch := make([]sqlstore.BulkVolunteer, 0, zhiyuan.ImportBatchRows)
		for _, p := range people[from:min(from+zhiyuan.ImportBatchRows, n)] {
			id := p[roster.ColIDNumber]
			num, err := idcard.Parse(id, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			sealed, _ := ref.App.Keys.Seal(id, "id_number")
			batch = append(batch, sqlstore.BulkVolunteer{
				Volunteer: &zhiyuan.Volunteer{Name: p[roster.ColName], IDType: zhiyuan.IDResident, IDNumberMasked: pii.MaskIDNumber(id),
					Phone: p[roster.ColPhone], RegionCode: "440106", BirthDate: num.BirthDate(), Sex: num.Sex().String(),
					PoliticalStatus: "共青团员", Status: zhiyuan.VolunteerActive},
				Secrets: sqlstore.VolunteerSecrets{IDNumberSealed: sealed, IDNumberIndex: ref.App.Keys.BlindIndex("id_number", id)},
			})
		}
		if err := ref.Store.BulkCreateVolunteers(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	insert := time.Since(start)
	refRate := float64(n) / (stream + insert).Seconds()

	// The import, end to end.
	e := servertest.New(b, engine)
	org, admin := benchOrg(b, e)
	runner, err := e.App.RunBackground(ctx, jobs.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer runner.Stop(ctx)
	wait := func(id int64, want zhiyuan.ImportStatus) *zhiyuan.Import {
		for deadline := time.Now().Add(30 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
			im, err := e.Store.FindImport(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			if im.Status == want {
				return im
			}
			if im.Status == zhiyuan.ImportFailed || time.Now().After(deadline) {
				b.Fatalf("import %+v", im)
			}
		}
	}
	rssBefore := resetPeakRSS()
	start = time.Now()
	res := upload(e, orgPath(org, "/imports"), admin, data)
	if res.Status != 201 {
		b.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	uploaded := time.Since(start)
	var im importResp
	res.Decode(&im)
	wait(im.ID, zhiyuan.ImportReady)
	checked := time.Since(start)
	if r := e.Do("POST", fmt.Sprintf("/api/v1/imports/%d/run", im.ID), admin, nil); r.Status != 202 {
		b.Fatalf("run: %d %s", r.Status, r.Body)
	}
	done := wait(im.ID, zhiyuan.ImportDone)
	total := time.Since(start)
	peak := peakRSS()
	if done.Created != n {
		b.Fatalf("import created %d of %d", done.Created, n)
	}
	rate := float64(n) / total.Seconds()
	b.ReportMetric(rate, "import_rows/s")
	b.ReportMetric(refRate, "ref_rows/s")
	b.ReportMetric(rate/refRate, "import/ref")
	growth := "n/a"
	if rssBefore > 0 && peak > 0 {
		b.ReportMetric(float64(peak-rssBefore)/(1<<20), "peak_rss_growth_MB")
		growth = fmt.Sprintf("%.0f MB", float64(peak-rssBefore)/(1<<20))
	}
	b.Logf("%s: %d rows (%.1f MB .xlsx): import %.0f rows/s end to end (upload+check %.1f s, preview ready at %.1f s, done at %.1f s); "+
		"reference %.0f rows/s (excelize stream %.2f s + raw sealed batched insert %.1f s); ratio %.2f; peak RSS growth %s",
		engine, n, float64(len(data))/(1<<20), rate, uploaded.Seconds(), checked.Seconds(), total.Seconds(),
		refRate, stream.Seconds(), insert.Seconds(), rate/refRate, growth)
}

// resetPeakRSS resets the kernel's high-water mark of this process's resident memory and
// returns the resident memory now, in bytes (0 where /proc is not there).
func resetPeakRSS() int64 {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return procStatus("VmRSS:")
}

// peakRSS is the high-water mark of resident memory since resetPeakRSS, in bytes.
func peakRSS() int64 { return procStatus("VmHWM:") }

func procStatus(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// benchOrg makes an approved organisation and returns it with its admin's token.
func benchOrg(b *testing.B, e *servertest.Env) (int64, string) {
	ctx := context.Background()
	hash, _ := password.Hash("test1234", password.Fast)
	acc := &zhiyuan.Account{Phone: e.NewPhone(), Name: "团委书记"}
	if err := e.Store.CreateAccount(ctx, acc, hash); err != nil {
		b.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: "天河区某大学团委", Type: "团委", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
	if err := e.Store.CreateOrganization(ctx, o); err != nil {
		b.Fatal(err)
	}
	if err := e.Store.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		b.Fatal(err)
	}
	if err := e.Store.GrantRole(ctx, acc.ID, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: o.ID}, acc.ID); err != nil {
		b.Fatal(err)
	}
	return o.ID, e.Token(acc.Phone, "test1234")
}

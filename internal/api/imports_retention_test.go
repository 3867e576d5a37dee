package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/roster"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// stagedWithData counts an import's staged rows that still hold personal cells.
func stagedWithData(t *testing.T, e *servertest.Env, id int64) int {
	t.Helper()
	var n int
	if err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT COUNT(*) FROM import_rows WHERE import_id = ?
		AND (name <> '' OR phone <> '' OR id_number_index <> '' OR length(raw_sealed) > 0)`), id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportRetention: written rows lose their personal cells when their batch commits;
// problem rows keep theirs for the error sheet until their person closes their account
// or the retention period ends, after which the error sheet says it has expired and an
// import left unconfirmed can no longer run.
func TestImportRetention(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		drain := e.WorkJobs()
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		org, admin := approvedOrg(t, e, city, "天河区某中学团委")
		// The owner of a number that a list row names with another name.
		owner := &zhiyuan.Volunteer{Name: "周大福", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********0000",
			Phone: rosterPhone(900), RegionCode: "440106", BirthDate: time.Date(1996, 5, 1, 0, 0, 0, 0, time.UTC), Sex: "female"}
		ownerID := rosterID(900, 30)
		if err := e.Store.CreateVolunteer(t.Context(), owner, sqlstore.VolunteerSecrets{PasswordHash: "x",
			IDNumberIndex: e.App.Keys.BlindIndex("id_number", ownerID)}); err != nil {
			t.Fatal(err)
		}
		header := []string{roster.ColName, roster.ColIDNumber, roster.ColPhone}
		rows := []person{
			{roster.ColName: "李雷", roster.ColIDNumber: rosterID(1, 18), roster.ColPhone: rosterPhone(1)},
			{roster.ColName: "韩梅梅", roster.ColIDNumber: rosterID(2, 18), roster.ColPhone: rosterPhone(2)},
			{roster.ColName: "王五", roster.ColIDNumber: rosterID(3, 18), roster.ColPhone: "1380013"}, // error
			{roster.ColName: "赵六", roster.ColIDNumber: ownerID, roster.ColPhone: rosterPhone(4)},    // conflict
		}
		im := uploadAndPreview(t, e, drain, admin, org.ID, listXLSX(t, header, rows), http.StatusCreated)
		if im.Preview.New != 2 || im.Preview.Errors != 1 || im.Preview.Conflicts != 1 {
			t.Fatalf("preview %+v", im.Preview)
		}
		if n := stagedWithData(t, e, im.ID); n != 4 {
			t.Fatalf("%d staged rows hold personal data before the run, want 4", n)
		}
		im = runImport(t, e, drain, admin, im.ID)
		if im.Created != 2 || im.Failed != 2 {
			t.Fatalf("run %+v", im)
		}
		if n := stagedWithData(t, e, im.ID); n != 2 {
			t.Fatalf("%d staged rows hold personal data after the run, want the 2 problem rows", n)
		}

		// The owner closes their account: the conflict row that names their number goes.
		if err := e.Store.CloseVolunteer(t.Context(), owner.ID); err != nil {
			t.Fatal(err)
		}
		if n := stagedWithData(t, e, im.ID); n != 1 {
			t.Fatalf("%d staged rows hold personal data after the closure, want 1", n)
		}
		res := e.Do("GET", im.ErrorsURL, admin, nil)
		wantStatus(t, "errors.xlsx", res, http.StatusOK)
		sheet := readSheet(t, res.Body)
		if len(sheet) != 3 {
			t.Fatalf("error sheet has %d lines, want header and 2 rows", len(sheet))
		}
		if got := strings.Join(sheet[2], ""); strings.Contains(got, "赵六") || strings.Contains(got, ownerID) {
			t.Fatalf("the closed person's row still shows their data: %v", sheet[2])
		}
		if !strings.Contains(strings.Join(sheet[1], ","), "王五") {
			t.Fatalf("the error row lost its cells before the retention period: %v", sheet[1])
		}

		// An import left unconfirmed.
		waiting := uploadAndPreview(t, e, drain, admin, org.ID, listXLSX(t, header, rows[:2]), http.StatusCreated)
		if waiting.Status != "ready" {
			t.Fatalf("second import %q", waiting.Status)
		}
		if waiting.Preview.Existing != 2 || waiting.Preview.Errors != 0 {
			t.Fatalf("second import's preview %+v", waiting.Preview)
		}
		// 李雷 closes their account: their row there becomes an error, and the preview says so.
		var li int64
		if err := e.Store.DB().QueryRow(e.Store.Rebind("SELECT v.id FROM volunteers v JOIN accounts a ON a.id = v.account_id WHERE a.phone = ?"), rosterPhone(1)).Scan(&li); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.CloseVolunteer(t.Context(), li); err != nil {
			t.Fatal(err)
		}
		if got := getImport(t, e, admin, waiting.ID); got.Preview.Existing != 1 || got.Preview.Errors != 1 {
			t.Fatalf("second import's preview after a closure: %+v", got.Preview)
		}

		// Within the retention period the sweep leaves both alone.
		if n, err := e.App.PurgeImportRows(t.Context(), time.Now().Add(zhiyuan.ImportRetention-time.Hour)); err != nil || n != 0 {
			t.Fatalf("sweep within the period purged %d (%v)", n, err)
		}
		wantStatus(t, "errors.xlsx within the period", e.Do("GET", im.ErrorsURL, admin, nil), http.StatusOK)

		// After it, every personal cell goes; the sheet has expired, with a reason.
		if n, err := e.App.PurgeImportRows(t.Context(), time.Now().Add(zhiyuan.ImportRetention+time.Hour)); err != nil || n != 2 {
			t.Fatalf("sweep after the period purged %d imports (%v), want 2", n, err)
		}
		if n, err := e.App.PurgeImportRows(t.Context(), time.Now().Add(zhiyuan.ImportRetention+time.Hour)); err != nil || n != 0 {
			t.Fatalf("second sweep purged %d again (%v)", n, err)
		}
		for _, id := range []int64{im.ID, waiting.ID} {
			if n := stagedWithData(t, e, id); n != 0 {
				t.Fatalf("import %d: %d rows hold personal data after the sweep", id, n)
			}
		}
		res = e.Do("GET", im.ErrorsURL, admin, nil)
		wantStatus(t, "expired errors.xlsx", res, http.StatusNotFound)
		if !strings.Contains(string(res.Body), "import.errors_expired") || !strings.Contains(string(res.Body), "保存期限") {
			t.Fatalf("expired error sheet answers %s", res.Body)
		}
		if got := getImport(t, e, admin, im.ID); got.Created != 2 || got.Status != "done" {
			t.Fatalf("the import's counts changed with the sweep: %+v", got)
		}
		// The unconfirmed import can no longer run.
		if got := getImport(t, e, admin, waiting.ID); got.Status != "failed" {
			t.Fatalf("the expired unconfirmed import is %q, want failed", got.Status)
		}
		wantStatus(t, "run expired", e.Do("POST", fmt.Sprintf("/api/v1/imports/%d/run", waiting.ID), admin, nil), http.StatusConflict)
	})
}

package app_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// oldRows writes n volunteers as a database from before migration 0011 holds them: email,
// address and every other one a minor's guardian in the clear columns, nothing sealed.
// Every fifth row has its guardian sealed already (recorded by the new code) while its
// email is still in clear, as a row half-way through an upgrade. It returns the ids.
func oldRows(t *testing.T, a *app.App, n int) []int64 {
	t.Helper()
	ctx := t.Context()
	batch := make([]sqlstore.BulkVolunteer, n)
	for i := range batch {
		v := &zhiyuan.Volunteer{Name: "旧数据", IDType: zhiyuan.IDResident, Phone: fmt.Sprintf("139%08d", i),
			RegionCode: "440106", BirthDate: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male", Minor: i%2 == 1}
		batch[i] = sqlstore.BulkVolunteer{Volunteer: v, Secrets: sqlstore.VolunteerSecrets{PasswordHash: "x",
			IDNumberIndex: fmt.Sprintf("old%d", i)}}
	}
	if err := storeOf(a).BulkCreateVolunteers(ctx, batch); err != nil {
		t.Fatal(err)
	}
	db := storeOf(a).DB()
	ids := make([]int64, n)
	for i, b := range batch {
		ids[i] = b.Volunteer.ID
		email, address, gname, gphone := want(i)
		if _, err := db.ExecContext(ctx, storeOf(a).Rebind(`UPDATE volunteers SET email = ?, address = ?, guardian_name = ?,
			guardian_phone = ?, guardian_relation = ? WHERE id = ?`), email, address, gname, gphone, "父亲", ids[i]); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 && gname != "" {
			sn, _ := a.Keys.Seal(gname, "guardian_name")
			sp, _ := a.Keys.Seal(gphone, "guardian_phone")
			if _, err := db.ExecContext(ctx, storeOf(a).Rebind(`UPDATE volunteers SET guardian_name = '', guardian_phone = '',
				guardian_name_sealed = ?, guardian_phone_sealed = ? WHERE id = ?`), sn, sp, ids[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

// want is the contact details of old row i.
func want(i int) (email, address, guardianName, guardianPhone string) {
	email, address = fmt.Sprintf("v%d@example.com", i), fmt.Sprintf("广州市天河区某路%d号", i)
	if i%3 == 2 {
		email = "" // some never gave one
	}
	if i%2 == 1 {
		guardianName, guardianPhone = fmt.Sprintf("家长%d", i), fmt.Sprintf("136%08d", i)
	}
	return
}

func countClear(t *testing.T, a *app.App) int {
	t.Helper()
	var n int
	if err := storeOf(a).DB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM volunteers
		WHERE email <> '' OR address <> '' OR guardian_name <> '' OR guardian_phone <> ''`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSealPersonalData: a database holding contact details in clear (as before migration
// 0011) ends with none in clear once the start-up step has run, in several batches, from
// two servers at once, and every value reads back the same, to the volunteer and through
// the store's sealed columns; a row half-way (guardian sealed, email clear) keeps both.
func TestSealPersonalData(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		const n = 1203 // more than two batches
		ids := oldRows(t, a, n)
		if got := countClear(t, a); got != n {
			t.Fatalf("rows in clear before: %d", got)
		}
		// Before the step, the clear values are still what a volunteer sees.
		me := &zhiyuan.Principal{AccountID: 0, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleVolunteer}}}
		v0, _ := storeOf(a).FindVolunteerByID(t.Context(), ids[1])
		me.AccountID = v0.AccountID
		if v, err := a.MyVolunteer(t.Context(), me); err != nil || v.Email != "v1@example.com" || v.Guardian.Name != "家长1" {
			t.Fatalf("before sealing: %+v %v", v, err)
		}

		var wg sync.WaitGroup
		var sealed [2]int
		var errs [2]error
		for k := range 2 {
			wg.Go(func() { sealed[k], errs[k] = a.SealPersonalData(t.Context()) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		if sealed[0]+sealed[1] != n {
			t.Errorf("sealed %v rows, want %d in all (each once)", sealed, n)
		}
		if got := countClear(t, a); got != 0 {
			t.Fatalf("rows in clear after: %d", got)
		}
		if again, err := a.SealPersonalData(t.Context()); again != 0 || err != nil {
			t.Errorf("second run sealed %d: %v", again, err)
		}

		for i, id := range ids {
			email, address, gname, gphone := want(i)
			v, err := storeOf(a).FindVolunteerByID(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if v.Email != "" || v.Address != "" || (v.Guardian != nil && (v.Guardian.Name != "" || v.Guardian.Phone != "")) {
				t.Fatalf("row %d still in clear: %+v", i, v)
			}
			open := func(b []byte, col string) string {
				if b == nil {
					return ""
				}
				s, err := a.Keys.Open(b, col)
				if err != nil {
					t.Fatalf("row %d %s: %v", i, col, err)
				}
				return s
			}
			if open(v.Sealed.Email, "email") != email || open(v.Sealed.Address, "address") != address ||
				open(v.Sealed.GuardianName, "guardian_name") != gname || open(v.Sealed.GuardianPhone, "guardian_phone") != gphone {
				t.Fatalf("row %d reads back differently", i)
			}
			if gname != "" && (v.Guardian == nil || v.Guardian.Relation != "父亲") {
				t.Fatalf("row %d lost its guardian: %+v", i, v.Guardian)
			}
		}
		// The volunteer sees the same as before.
		if v, err := a.MyVolunteer(t.Context(), me); err != nil || v.Email != "v1@example.com" ||
			v.Address != "广州市天河区某路1号" || v.Guardian.Name != "家长1" || v.Guardian.Phone != "13600000001" {
			t.Fatalf("after sealing: %+v %v", v, err)
		}
		// Nothing of it is left readable in the table, whatever the column.
		var dump strings.Builder
		rows, err := storeOf(a).DB().QueryContext(t.Context(), "SELECT email, address, guardian_name, guardian_phone FROM volunteers")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c [4]string
			rows.Scan(&c[0], &c[1], &c[2], &c[3])
			dump.WriteString(strings.Join(c[:], ""))
		}
		if dump.Len() != 0 {
			t.Errorf("clear columns not empty: %.100s", dump.String())
		}
	})
}

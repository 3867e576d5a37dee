package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestLedgerVerify: `zhiyuan ledger verify` passes on an intact ledger and, after one
// entry's bytes are edited directly in the database, exits 1 naming that entry.
func TestLedgerVerify(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			args, s, _, entries := ledgerFixture(t, engine, 3, func(j int) bool { return j%2 == 0 })
			victim := entries[6] // second volunteer, third entry

			stdout, stderr, exit := run(t, nil, append([]string{"ledger", "verify"}, args...)...)
			if exit != 0 || !strings.Contains(stdout, "checked 12 entries in 3 chains") || !strings.Contains(stdout, "ledger OK") {
				t.Fatalf("intact ledger: exit %d\n%s%s", exit, stdout, stderr)
			}

			lift := "DROP TRIGGER hour_entries_no_update"
			if engine == "postgres" {
				lift = "ALTER TABLE hour_entries DISABLE TRIGGER hour_entries_append_only"
			}
			if _, err := s.DB().Exec(lift); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().Exec(s.Rebind("UPDATE hour_entries SET reason = '补录（已核实）' WHERE id = ?"), victim.ID); err != nil {
				t.Fatal(err)
			}
			s.Close()

			stdout, stderr, exit = run(t, nil, append([]string{"ledger", "verify"}, args...)...)
			want := fmt.Sprintf("BROKEN: volunteer %d: entry %d (seq 3)", victim.VolunteerID, victim.ID)
			if exit != 1 || !strings.Contains(stdout, want) || !strings.Contains(stderr, "ledger verification failed") {
				t.Fatalf("tampered ledger: exit %d, want 1 and %q\n%s%s", exit, want, stdout, stderr)
			}
			if !strings.Contains(stdout, "append-only triggers") {
				t.Errorf("lifted trigger not reported:\n%s", stdout)
			}
			if strings.Count(stdout, "BROKEN") != 1 {
				t.Errorf("only the tampered chain is broken:\n%s", stdout)
			}
		})
	}
}

// ledgerFixture makes the command's database for engine with an admin, an organisation and
// n volunteers of four make-up entries each (confirmed where confirm says, by entry index),
// and returns the command's database arguments, the open store (the caller closes it), the
// volunteers and all their entries in order, four per volunteer.
func ledgerFixture(t *testing.T, engine string, n int, confirm func(j int) bool) ([]string, *sqlstore.Store, []*zhiyuan.Volunteer, []*zhiyuan.HourEntry) {
	t.Helper()
	args, s := dbStore(t, engine)
	ctx := context.Background()
	acc := &zhiyuan.Account{Phone: "13500000001", Name: "管理员"}
	if err := s.CreateAccount(ctx, acc, "x"); err != nil {
		t.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: "越秀区志愿者协会", Type: "社会组织", RegionCode: "440104", ContactName: "王", ContactPhone: "13800000000", CreatedBy: acc.ID}
	if err := s.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	var vols []*zhiyuan.Volunteer
	var entries []*zhiyuan.HourEntry
	for i := range n {
		v := &zhiyuan.Volunteer{Name: fmt.Sprintf("志愿者%d", i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
			Phone: fmt.Sprintf("1370000000%d", i), RegionCode: "440104", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male"}
		if err := s.CreateVolunteer(ctx, v, sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: v.Phone}); err != nil {
			t.Fatal(err)
		}
		vols = append(vols, v)
		for j := range 4 {
			e := &zhiyuan.HourEntry{VolunteerID: v.ID, Kind: zhiyuan.HourMakeup, Minutes: int64(60 + 30*j), OrgID: o.ID, Reason: "补录", RecordedBy: acc.ID}
			var conf *zhiyuan.HourConfirmation
			if confirm(j) {
				conf = &zhiyuan.HourConfirmation{ConfirmedBy: acc.ID, Rating: 5}
			}
			if err := s.AppendHourEntry(ctx, e, sqlstore.EntryPlace{}, conf); err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
	}
	return args, s, vols, entries
}

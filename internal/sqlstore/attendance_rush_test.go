package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// TestCheckInScanConditions: the one-statement check-in of a scan writes an attendance
// only for the account's own seated volunteer inside the session's check-in window, once;
// everything else writes nothing (the caller then explains the refusal). It is what
// stands between a stale cached session and the database.
func TestCheckInScanConditions(t *testing.T) {
	t.Parallel()
	eachLedger(t, 2, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		accountOf := func(volunteerID int64) int64 { return volunteerAccount(t, f.s, volunteerID) }
		early := zhiyuan.DefaultAttendanceRules().CheckinEarly
		scan := func(account int64, at time.Time) (*zhiyuan.Attendance, bool) {
			t.Helper()
			att, ok, err := f.s.CheckInScan(ctx, sqlstore.RushCheckinInput{SessionID: f.session.ID, AccountID: account, At: at, Early: early, DistM: 12})
			if err != nil {
				t.Fatal(err)
			}
			return att, ok
		}
		seated := accountOf(f.vols[0])
		start := f.session.StartsAt
		if _, ok := scan(seated, start.Add(-early-time.Minute)); ok {
			t.Error("checked in before the window opens")
		}
		if _, ok := scan(f.admin, start); ok {
			t.Error("an account without a volunteer checked in")
		}
		if _, ok := scan(accountOf(newHoursVolunteer(t, f.s, 901)), start); ok {
			t.Error("a volunteer without a seat checked in")
		}
		if _, ok := scan(seated, f.session.EndsAt); ok {
			t.Error("checked in when the session is over")
		}
		att, ok := scan(seated, start.Add(-early))
		if !ok || att.VolunteerID != f.vols[0] || att.CheckinDistM != 12 || att.CheckinMethod != zhiyuan.MethodCode {
			t.Fatalf("seated volunteer in the window: %+v %v", att, ok)
		}
		if _, ok := scan(seated, start); ok {
			t.Error("checked in twice")
		}
		if _, err := f.s.EndActivity(ctx, f.act.ID, zhiyuan.ActivityCancelled, zhiyuan.Notification{Title: "活动取消", Body: "活动取消"}); err != nil {
			t.Fatal(err)
		}
		if _, ok := scan(accountOf(f.vols[1]), start); ok {
			t.Error("checked in to a cancelled session")
		}
		counts, err := f.s.SessionAttendanceCounts(ctx, f.session.ID)
		if err != nil || counts.CheckedIn != 1 {
			t.Fatalf("checked in %d (%v), want 1", counts.CheckedIn, err)
		}
	})
}

// TestCheckInScansTogether: scans arriving together are written by one statement, and
// each row is decided on its own exactly as CheckInScan decides one: the seated
// volunteers inside the window are checked in, the same account's second scan in the
// batch is refused like any second check-in, and an account without a volunteer, a
// volunteer without a seat and a scan before the window write nothing.
func TestCheckInScansTogether(t *testing.T) {
	t.Parallel()
	eachLedger(t, 3, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		accountOf := func(volunteerID int64) int64 { return volunteerAccount(t, f.s, volunteerID) }
		early := zhiyuan.DefaultAttendanceRules().CheckinEarly
		start := f.session.StartsAt
		in := func(account int64, at time.Time, dist int) sqlstore.RushCheckinInput {
			return sqlstore.RushCheckinInput{SessionID: f.session.ID, AccountID: account, At: at, Early: early, DistM: dist}
		}
		unseated := accountOf(newHoursVolunteer(t, f.s, 902))
		ins := []sqlstore.RushCheckinInput{
			in(accountOf(f.vols[0]), start, 10),
			in(f.admin, start, 11),
			in(accountOf(f.vols[1]), start.Add(-early), 12),
			in(accountOf(f.vols[0]), start.Add(time.Second), 13),
			in(unseated, start, 14),
			in(accountOf(f.vols[2]), start.Add(-early-time.Minute), 15),
		}
		want := []int64{f.vols[0], 0, f.vols[1], 0, 0, 0}
		q0 := f.s.Statements()
		atts, err := f.s.CheckInScansTogether(ctx, ins)
		if err != nil {
			t.Fatal(err)
		}
		if n := f.s.Statements() - q0; n != 1 {
			t.Errorf("%d scans together cost %d statements, want 1", len(ins), n)
		}
		for i, att := range atts {
			switch {
			case want[i] == 0 && att != nil:
				t.Errorf("scan %d: checked in %+v, want refused", i, att)
			case want[i] != 0 && (att == nil || att.VolunteerID != want[i] || att.CheckinDistM != ins[i].DistM ||
				att.CheckinBy != ins[i].AccountID || !att.CheckinAt.Equal(ins[i].At)):
				t.Errorf("scan %d: %+v, want volunteer %d checked in as scanned", i, att, want[i])
			}
		}
		counts, err := f.s.SessionAttendanceCounts(ctx, f.session.ID)
		if err != nil || counts.CheckedIn != 2 {
			t.Fatalf("checked in %d (%v), want 2", counts.CheckedIn, err)
		}
		// The rows are what CheckInScan writes: a refusal of the one-row path now.
		if _, ok, err := f.s.CheckInScan(ctx, in(accountOf(f.vols[1]), start, 0)); ok || err != nil {
			t.Errorf("second check-in after the batch: ok %v, %v", ok, err)
		}
	})
}

// volunteerAccount is the account of a volunteer: the account a scan names.
func volunteerAccount(t *testing.T, s *sqlstore.Store, volunteerID int64) int64 {
	t.Helper()
	var id int64
	if err := s.DB().QueryRow(s.Rebind("SELECT account_id FROM volunteers WHERE id = ?"), volunteerID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

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
		accountOf := func(volunteerID int64) int64 {
			var id int64
			if err := f.s.DB().QueryRow(f.s.Rebind("SELECT account_id FROM volunteers WHERE id = ?"), volunteerID).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
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

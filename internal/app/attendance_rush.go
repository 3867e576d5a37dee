package app

import (
	"context"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// scanInOneStatement records a volunteer's check-in by scan with one database statement
// when every rule holds, for the rush of scans as a session opens (BenchmarkCheckinRush).
// The session and its activity come from the sign-up cache (sessionCache: a second old
// at most, dropped on any change through this App), and the rules Scan applies run on
// them in Go; the statement itself (Store.CheckInScan) then requires the account's
// active volunteer, a confirmed seat, the session running and inside its check-in
// window, and no earlier check-in, so a stale cache can refuse a check-in here but never
// let one through that the database would not. It reports ok false, having written
// nothing, when any rule fails: Scan's full path then reads everything afresh and
// answers with the exact refusal, as it always has.
func (a *App) scanInOneStatement(ctx context.Context, p *zhiyuan.Principal, sessionID int64, pos *[2]float64, now time.Time) (*AttendanceResult, bool, error) {
	se, act, err := a.signupSession(ctx, sessionID)
	if err != nil || sessionRunning(se, act) != nil {
		return nil, false, nil
	}
	dist, err := zhiyuan.CheckGeofence(act, pos)
	if err != nil {
		return nil, false, nil
	}
	rules := a.attendanceRules()
	if zhiyuan.CheckCheckinTime(rules, se.StartsAt, se.EndsAt, now, time.UTC) != nil {
		return nil, false, nil
	}
	att, ok, err := a.store.CheckInScan(ctx, sqlstore.RushCheckinInput{SessionID: se.ID, AccountID: p.AccountID, At: now,
		Early: rules.CheckinEarly, DistM: dist})
	if err != nil || !ok {
		return nil, false, err
	}
	return &AttendanceResult{Attendance: att, Session: se, Activity: act}, true, nil
}

package zhiyuan

import (
	"sort"
	"time"
)

// The credit record (信用记录): the rules, in one place, that pages show to volunteers, the
// store applies in the transactions that record marks, and the tests check.
//
// A no-show or a late cancellation is a mark. CreditMarksToSuspend marks within
// CreditWindow suspend sign-up for CreditSuspension from the last of them. A mark counts for
// CreditMarkLife and then expires. An organisation may waive a mark it recorded (with a
// reason); a volunteer may appeal a mark once, and the region of the organisation decides.
const (
	CreditMarksToSuspend = 3
	CreditWindow         = 90 * 24 * time.Hour
	CreditSuspension     = 30 * 24 * time.Hour
	// Marks expire after a year: the same year over which good standing is judged, so a
	// volunteer in good standing has no mark that still counts.
	CreditMarkLife = 365 * 24 * time.Hour
	// Good standing (信用良好): no mark in the last CreditStandingWindow and at least
	// CreditStandingStars stars. Partners may require it for a benefit.
	CreditStandingWindow = CreditMarkLife
	CreditStandingStars  = 1
	// Marks listed on a volunteer's page and in the API (a year's worth is a handful).
	CreditMarksListMax = 200
	// Appeals on one page of the regional queue.
	CreditAppealsPage = 50
)

// ReasonCredit is the field a sign-up refused for a suspension names (422).
const ReasonCredit = "credit_suspended"

// CreditMarkKind is why a mark was recorded.
type CreditMarkKind string

// Kinds of marks.
const (
	MarkNoShow     CreditMarkKind = "no_show"
	MarkLateCancel CreditMarkKind = "late_cancel"
)

// Chinese is the kind's name on pages.
func (k CreditMarkKind) Chinese() string {
	switch k {
	case MarkNoShow:
		return "缺席"
	case MarkLateCancel:
		return "逾期取消"
	}
	return string(k)
}

// CreditMarkStatus is whether a mark counts. Only active marks count; a waived mark (by
// the organisation, or by the region on appeal) and a revoked one (the volunteer was
// checked in after all) stay on the record for the audit but count for nothing.
type CreditMarkStatus string

// Mark statuses.
const (
	MarkActive  CreditMarkStatus = "active"
	MarkWaived  CreditMarkStatus = "waived"
	MarkRevoked CreditMarkStatus = "revoked"
)

// AppealStatus is where a volunteer's appeal of a mark stands.
type AppealStatus string

// Appeal statuses; "" is no appeal.
const (
	AppealNone    AppealStatus = ""
	AppealPending AppealStatus = "pending"
	AppealUpheld  AppealStatus = "upheld" // the mark stands
	AppealWaived  AppealStatus = "waived" // the mark is waived
)

// Chinese is the appeal status's name on pages.
func (s AppealStatus) Chinese() string {
	switch s {
	case AppealPending:
		return "申诉处理中"
	case AppealUpheld:
		return "申诉未通过（维持记录）"
	case AppealWaived:
		return "申诉通过（已撤销）"
	}
	return ""
}

// CreditMark is one mark on a volunteer's credit record.
type CreditMark struct {
	ID          int64
	VolunteerID int64
	SignupID    int64
	OrgID       int64
	Kind        CreditMarkKind
	Status      CreditMarkStatus
	OccurredAt  time.Time
	ExpiresAt   time.Time
	WaiveReason string
	WaivedAt    time.Time

	Appeal         AppealStatus
	AppealReason   string
	AppealedAt     time.Time
	DecisionReason string
	DecidedAt      time.Time

	// Filled by reads for pages.
	ActivityID    int64
	ActivityTitle string
	SessionStart  time.Time
	SessionEnd    time.Time
	TimeZone      string
	OrgName       string
	OrgRegion     string // the region that decides appeals
	VolunteerName string
	VolunteerNo   string
	AccountID     int64 // the volunteer's account
}

// Counts reports whether the mark counts against the volunteer at now: active and not
// expired.
func (m *CreditMark) Counts(now time.Time) bool {
	return m.Status == MarkActive && now.Before(m.ExpiresAt)
}

// StatusLabel is what a page shows for the mark's state at now.
func (m *CreditMark) StatusLabel(now time.Time) string {
	switch {
	case m.Status == MarkWaived:
		return "已撤销"
	case m.Status == MarkRevoked:
		return "已更正"
	case !now.Before(m.ExpiresAt):
		return "已过期"
	}
	return "有效"
}

// CanAppeal reports whether the volunteer may still appeal the mark: it counts and has
// not been appealed before (one appeal per mark).
func (m *CreditMark) CanAppeal(now time.Time) bool {
	return m.Counts(now) && m.Appeal == AppealNone
}

// SuspendedUntil is the one definition of a suspension: given the times of a volunteer's
// active marks, every mark that is the CreditMarksToSuspend-th within CreditWindow starts
// a suspension of CreditSuspension; the answer is the latest end of those suspensions, or
// the zero time when none. The store calls it in the transaction that records, waives or
// revokes a mark, with the volunteer's row locked, and keeps the answer in
// volunteers.suspended_until, so that sign-up reads one column.
func SuspendedUntil(marks []time.Time) time.Time {
	ts := append([]time.Time(nil), marks...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	var until time.Time
	for i := CreditMarksToSuspend - 1; i < len(ts); i++ {
		first := ts[i-(CreditMarksToSuspend-1)]
		if ts[i].Sub(first) < CreditWindow {
			if end := ts[i].Add(CreditSuspension); end.After(until) {
				until = end
			}
		}
	}
	return until
}

// CreditStanding is a volunteer's credit as others may rely on it: good standing or not,
// with the figures behind it. Partners check Good for benefits that require it.
type CreditStanding struct {
	Good           bool
	Stars          int       // zhiyuan.StarLevel of confirmed hours
	RecentMarks    int       // marks counting within CreditStandingWindow
	SuspendedUntil time.Time // zero when sign-up is not suspended
}

// Code is the standing's stable name in the API.
func (s CreditStanding) Code() string {
	switch {
	case !s.SuspendedUntil.IsZero():
		return "suspended"
	case s.Good:
		return "good"
	}
	return "fair"
}

// Chinese is the standing's name on pages.
func (s CreditStanding) Chinese() string {
	switch s.Code() {
	case "suspended":
		return "暂停报名"
	case "good":
		return "信用良好"
	}
	return "一般"
}

// StandingAt decides a volunteer's standing from their marks and confirmed minutes at now.
// suspendedUntil is the stored suspension; one that has ended counts as none.
func StandingAt(marks []*CreditMark, confirmedMinutes int64, suspendedUntil, now time.Time) CreditStanding {
	st := CreditStanding{Stars: StarLevel(confirmedMinutes)}
	for _, m := range marks {
		if m.Counts(now) && now.Sub(m.OccurredAt) < CreditStandingWindow {
			st.RecentMarks++
		}
	}
	if suspendedUntil.After(now) {
		st.SuspendedUntil = suspendedUntil
	}
	st.Good = st.RecentMarks == 0 && st.Stars >= CreditStandingStars && st.SuspendedUntil.IsZero()
	return st
}

// CheckSuspension refuses sign-up while a suspension lasts, naming the day it ends in
// Beijing time (the platform's pages' zone).
func CheckSuspension(until, now time.Time) error {
	if until.After(now) {
		return FieldFail(EInvalid, ReasonCredit, "credit.suspended", "until", CreditDate(until))
	}
	return nil
}

// CreditDate is how the credit pages and messages write a time: a Beijing date and time.
func CreditDate(t time.Time) string {
	return t.In(LoadZone(DefaultTimeZone)).Format("2006-01-02 15:04")
}

// CreditRules are the rules as a volunteer reads them on 我的信用, from the constants above.
func CreditRules() []string {
	return []string{
		Text("credit.rule_marks"),
		Text("credit.rule_suspend", "marks", CreditMarksToSuspend, "window", int(CreditWindow.Hours()/24), "days", int(CreditSuspension.Hours()/24)),
		Text("credit.rule_expire", "days", int(CreditMarkLife.Hours()/24)),
		Text("credit.rule_waive"),
		Text("credit.rule_standing", "stars", CreditStandingStars),
	}
}

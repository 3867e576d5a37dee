package zhiyuan

import (
	"fmt"
	"strings"
	"time"
)

// SignupStatus is where a sign-up stands. Only confirmed sign-ups hold a seat; pending
// ones wait for the organisation's admission (and take a seat only when admitted),
// waitlisted ones wait for a confirmed seat to be given up.
type SignupStatus string

// Sign-up statuses.
const (
	SignupPending    SignupStatus = "pending"
	SignupConfirmed  SignupStatus = "confirmed"
	SignupWaitlisted SignupStatus = "waitlisted"
	SignupRejected   SignupStatus = "rejected"
	SignupCancelled  SignupStatus = "cancelled"
	SignupNoShow     SignupStatus = "no_show"
)

// Active reports whether the sign-up still counts (holds or waits for a seat).
func (s SignupStatus) Active() bool {
	return s == SignupPending || s == SignupConfirmed || s == SignupWaitlisted
}

// Chinese is the status's name on pages.
func (s SignupStatus) Chinese() string {
	switch s {
	case SignupPending:
		return "待录用"
	case SignupConfirmed:
		return "已录用"
	case SignupWaitlisted:
		return "候补中"
	case SignupRejected:
		return "未录用"
	case SignupCancelled:
		return "已取消"
	case SignupNoShow:
		return "缺席"
	}
	return string(s)
}

// Signup is one volunteer's sign-up for one session. A volunteer has at most one active
// sign-up per session (a unique index), and a cancelled one may sign up again.
type Signup struct {
	ID          int64
	SessionID   int64
	ActivityID  int64
	VolunteerID int64
	Status      SignupStatus
	Late        bool // cancelled after the cancellation deadline
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by reads for pages and lists.
	ActivityTitle  string
	ActivityStatus ActivityStatus
	OrgID          int64
	OrgName        string
	Address        string
	TimeZone       string
	StartsAt       time.Time
	EndsAt         time.Time
	VolunteerName  string
	VolunteerNo    string
	AccountID      int64 // the volunteer's account, for notifications and ownership
	Position       int   // place on the waitlist (1 = next), 0 when not waitlisted
}

// SignupDecision is what an organisation does with sign-ups.
type SignupDecision string

// Decisions on sign-ups.
const (
	DecideAdmit  SignupDecision = "admit"  // pending or waitlisted → confirmed, if a seat is free
	DecideReject SignupDecision = "reject" // pending, waitlisted or confirmed → rejected (a seat goes to the waitlist)
	DecideNoShow SignupDecision = "no_show"
)

// DecideResult says what became of each sign-up of a batch decision.
type DecideResult struct {
	Done     []*Signup
	Failed   map[int64]error
	Promoted []*Signup // waitlisted sign-ups that took a seat a rejection freed
}

// SignupView is which of a volunteer's sign-ups to list.
type SignupView string

// Views of "my sign-ups".
const (
	ViewUpcoming   SignupView = "upcoming"   // confirmed or pending, session not yet over
	ViewWaitlisted SignupView = "waitlisted" // on a waitlist, session not yet over
	ViewPast       SignupView = "past"       // session over, or cancelled, rejected, no-show
)

// SignupRecord is what the credit rules will read of a volunteer's sign-ups: counts of
// late cancellations and no-shows.
type SignupRecord struct {
	LateCancellations int
	NoShows           int
}

// Eligibility is what the sign-up rules need to know beyond the activity, session and
// volunteer: the clock and whether the volunteer belongs to the organisation.
type Eligibility struct {
	Now      time.Time
	IsMember bool
}

// Reasons of a refused sign-up: the field named in the 422 answer.
const (
	ReasonWindow     = "signup_window"    // sign-up not open yet, closed, or the session has begun
	ReasonAge        = "age"              // outside the activity's age limits, or under 14 where not allowed
	ReasonSkills     = "skills"           // a required skill is missing
	ReasonMembership = "membership"       // members only and not a member
	ReasonConsent    = "guardian_consent" // a minor without a guardian's consent
	ReasonOverlap    = "overlap"          // another active sign-up at the same time
	ReasonStatus     = "status"           // the volunteer's own account is closed
	// ReasonCredit (credit.go): sign-up suspended by the credit record.
)

// CheckSignup decides whether v may sign up for session s of activity a, by the rules of
// PRODUCT.md: the sign-up window, guardian consent for minors, age on the session's day
// in the activity's zone, required skills and membership. It returns nil or an EInvalid
// error naming the first unmet condition (one reason, so the volunteer knows what to fix
// first). Overlap with other sign-ups is the store's to check, inside the transaction.
func CheckSignup(a *Activity, s *ActivitySession, v *Volunteer, e Eligibility) error {
	if err := CheckWindow(a, s, e.Now); err != nil {
		return err
	}
	return CheckEligible(a, s, v, e)
}

// CheckEligible is CheckSignup's part about the volunteer (account status, age, consent,
// skills, membership), without the sign-up window: what SignupState shows as 不符合条件.
func CheckEligible(a *Activity, s *ActivitySession, v *Volunteer, e Eligibility) error {
	if v.Status != "" && v.Status != VolunteerActive {
		return FieldFail(EInvalid, ReasonStatus, "signup.account_deleted")
	}
	if err := CheckSuspension(v.SuspendedUntil, e.Now); err != nil {
		return err
	}
	loc := a.Location()
	age := v.AgeOn(s.StartsAt.In(loc))
	if !v.BirthDate.IsZero() {
		if age < 14 && !a.ChildFriendly {
			return FieldFail(EInvalid, ReasonAge, "signup.under_14")
		}
		if a.MinAge > 0 && age < a.MinAge {
			return FieldFail(EInvalid, ReasonAge, "signup.too_young", "min_age", a.MinAge, "age", age)
		}
		if a.MaxAge > 0 && age > a.MaxAge {
			return FieldFail(EInvalid, ReasonAge, "signup.too_old", "max_age", a.MaxAge, "age", age)
		}
	}
	minor := v.Minor
	if !v.BirthDate.IsZero() {
		minor = age < 18
	}
	if minor && !minorConsent(v) {
		return FieldFail(EInvalid, ReasonConsent, "signup.consent_required")
	}
	if missing := MissingSkills(a.Skills, v.Skills); len(missing) > 0 {
		return FieldFail(EInvalid, ReasonSkills, "signup.skills_missing", "missing", strings.Join(missing, "、"))
	}
	if a.MembersOnly && !e.IsMember {
		if a.OrgName == "" {
			return FieldFail(EInvalid, ReasonMembership, "signup.members_only_this_org")
		}
		return FieldFail(EInvalid, ReasonMembership, "signup.members_only", "org", a.OrgName)
	}
	return nil
}

// minorConsent reports whether a guardian's consent is recorded; it does not depend on
// the Minor flag, which was set at registration and may be stale by the session's day.
func minorConsent(v *Volunteer) bool {
	return v.Guardian != nil && !v.Guardian.ConsentAt.IsZero()
}

// CheckWindow decides whether session s of activity a takes sign-ups at now: the activity
// is published and the session open, the sign-up window has opened and not closed, and
// the session has not begun.
func CheckWindow(a *Activity, s *ActivitySession, now time.Time) error {
	loc := a.Location()
	switch {
	case a.Status == ActivityCancelled || s.Status == SessionCancelled:
		return FieldFail(EInvalid, ReasonWindow, "activity.cancelled")
	case a.Status == ActivityClosed || s.Status == SessionClosed:
		return FieldFail(EInvalid, ReasonWindow, "activity.signup_closed")
	case a.Status != ActivityPublished || s.Status != SessionOpen:
		return FieldFail(EInvalid, ReasonWindow, "activity.not_published")
	case !a.SignupOpensAt.IsZero() && now.Before(a.SignupOpensAt):
		return FieldFail(EInvalid, ReasonWindow, "signup.not_open_yet", "opens", a.SignupOpensAt.In(loc).Format("2006-01-02 15:04"))
	case !a.SignupClosesAt.IsZero() && !now.Before(a.SignupClosesAt):
		return FieldFail(EInvalid, ReasonWindow, "signup.closed")
	case !now.Before(s.StartsAt):
		return FieldFail(EInvalid, ReasonWindow, "signup.session_started")
	}
	return nil
}

// SessionStateCode is the stable code of a session's sign-up state, as the API gives it.
type SessionStateCode string

// The sign-up states of a session, as one visitor sees it: exactly one at a time.
const (
	StateOpen       SessionStateCode = "open"       // 报名: a seat (or, by admission, an application) is there to take
	StateWaitlist   SessionStateCode = "waitlist"   // 候补: no seat left, the sign-up joins the waitlist
	StateFull       SessionStateCode = "full"       // 已满: no seat left and no waitlist
	StateNotOpen    SessionStateCode = "not_open"   // 未开始（12月7日 09:00 开放）: sign-up opens later
	StateClosed     SessionStateCode = "closed"     // 已截止: sign-up closed, the session begun, the activity closed or cancelled
	StateIneligible SessionStateCode = "ineligible" // 不符合条件（原因）: this volunteer may not sign up
	StateSignedUp   SessionStateCode = "signed_up"  // 已报名: this volunteer holds, waits for or applied for a seat
)

// SessionStateCodes lists every state, in the order above (for the API's documentation
// and the tests).
var SessionStateCodes = []SessionStateCode{StateOpen, StateWaitlist, StateFull, StateNotOpen, StateClosed, StateIneligible, StateSignedUp}

// SessionState is a session's sign-up state for one visitor.
type SessionState struct {
	Code   SessionStateCode
	Label  string    // what the page shows: 报名, 候补, 已满, 未开始（12月7日 09:00 开放）, 已截止, 不符合条件（原因）, 已报名
	Reason string    // why, in a sentence (the refusal the sign-up would get, or the sign-up's status)
	Opens  time.Time // when sign-up opens (not_open only)
}

// CanSignUp reports whether a sign-up is offered: 报名 and 候补.
func (st SessionState) CanSignUp() bool { return st.Code == StateOpen || st.Code == StateWaitlist }

// SignupState is the one definition of what a session shows about signing up, for pages
// and the API alike. mine is the visitor's latest sign-up for the session (nil: none);
// eligible is CheckEligible's answer for the visitor (nil for a visitor not known to be
// ineligible, such as someone not logged in). The order decides which one state shows:
// an active sign-up of one's own first, then the window (not open yet, closed), then the
// visitor's conditions, then the seats. It reads the session's counters as given: the
// sign-up itself is still decided by the store's transaction, which may find the last
// seat gone.
func SignupState(a *Activity, s *ActivitySession, mine *Signup, eligible error, now time.Time) SessionState {
	if mine != nil && mine.Status.Active() {
		reason := mine.Status.Chinese()
		if mine.Status == SignupWaitlisted && mine.Position > 0 {
			reason = Text("signup.state_position", "status", reason, "position", mine.Position)
		}
		return SessionState{Code: StateSignedUp, Label: "已报名", Reason: reason}
	}
	if err := CheckWindow(a, s, now); err != nil {
		if !a.SignupOpensAt.IsZero() && now.Before(a.SignupOpensAt) && a.Status == ActivityPublished && s.Status == SessionOpen {
			opens := a.SignupOpensAt.In(a.Location())
			return SessionState{Code: StateNotOpen, Label: Text("signup.state_not_open", "opens", fmt.Sprintf("%d月%d日 ", opens.Month(), opens.Day())+opens.Format("15:04")),
				Reason: ErrorMessage(err), Opens: a.SignupOpensAt}
		}
		return SessionState{Code: StateClosed, Label: "已截止", Reason: ErrorMessage(err)}
	}
	if eligible != nil {
		return SessionState{Code: StateIneligible, Label: Text("signup.state_ineligible", "reason", ErrorMessage(eligible)), Reason: ErrorMessage(eligible)}
	}
	switch {
	case s.SeatsLeft() > 0 && a.SignupMode == SignupAdmission:
		return SessionState{Code: StateOpen, Label: "报名", Reason: Text("signup.state_seats_admission", "seats", s.SeatsLeft())}
	case s.SeatsLeft() > 0:
		return SessionState{Code: StateOpen, Label: "报名", Reason: Text("signup.state_seats", "seats", s.SeatsLeft())}
	case a.SignupMode == SignupAdmission:
		// Applications are still taken: one is admitted if a seat is given up.
		return SessionState{Code: StateWaitlist, Label: "候补", Reason: Text("signup.state_full_admission")}
	case a.Waitlist:
		return SessionState{Code: StateWaitlist, Label: "候补", Reason: Text("signup.state_waitlist", "waitlisted", s.Waitlisted)}
	}
	return SessionState{Code: StateFull, Label: "已满", Reason: Text("signup.state_full")}
}

// MissingSkills returns the required skills the volunteer does not list (compared without
// case and surrounding spaces).
func MissingSkills(required, have []string) []string {
	got := map[string]bool{}
	for _, h := range have {
		got[strings.ToLower(strings.TrimSpace(h))] = true
	}
	var missing []string
	for _, r := range required {
		if k := strings.ToLower(strings.TrimSpace(r)); k != "" && !got[k] {
			missing = append(missing, strings.TrimSpace(r))
		}
	}
	return missing
}

// CancelDeadline is the last moment a volunteer cancels a seat without it counting as a
// late cancellation.
func CancelDeadline(a *Activity, s *ActivitySession) time.Time {
	return s.StartsAt.Add(-time.Duration(a.CancelBeforeHours) * time.Hour)
}

// CheckCancel decides whether a sign-up may still be cancelled by its volunteer at now,
// and whether that cancellation is late (after the deadline, which the credit rules
// count). A session that has begun cannot be cancelled: not coming is a no-show.
func CheckCancel(a *Activity, s *ActivitySession, st SignupStatus, now time.Time) (late bool, err error) {
	if !st.Active() {
		return false, FieldFail(EConflict, "status", "signup.cancel_status", "status", st.Chinese())
	}
	if !now.Before(s.StartsAt) {
		return false, FieldFail(EInvalid, ReasonWindow, "signup.cancel_after_start")
	}
	// Only a held or promised seat can be given up late; leaving a waitlist or an
	// application that was never admitted costs nobody a seat.
	return st == SignupConfirmed && now.After(CancelDeadline(a, s)), nil
}

// Overlaps reports whether [aStart, aEnd) and [bStart, bEnd) share any moment.
func Overlaps(aStart, aEnd, bStart, bEnd time.Time) bool {
	return aStart.Before(bEnd) && bStart.Before(aEnd)
}

// Notification is an in-app message to one account.
type Notification struct {
	ID        int64
	AccountID int64
	Kind      string // template name: signup.promoted, signup.admitted, activity.cancelled, …
	Title     string
	Body      string
	Link      string
	CreatedAt time.Time
	ReadAt    time.Time
}

// Notification kinds (the template names senders use).
const (
	NoticePromoted          = "signup.promoted"
	NoticeAdmitted          = "signup.admitted"
	NoticeRejected          = "signup.rejected"
	NoticeActivityClosed    = "activity.closed"
	NoticeActivityCancelled = "activity.cancelled"
)

// SessionLabel shows a session's time in the activity's zone: "2026-12-05 23:00–次日 02:00".
func SessionLabel(start, end time.Time, zone string) string {
	loc := LoadZone(zone)
	s, e := start.In(loc), end.In(loc)
	label := s.Format("2006-01-02 15:04") + "–"
	switch {
	case s.Year() == e.Year() && s.YearDay() == e.YearDay():
		label += e.Format("15:04")
	case e.Sub(s) < 24*time.Hour && e.YearDay() != s.YearDay():
		label += "次日 " + e.Format("15:04")
	default:
		label += e.Format("2006-01-02 15:04")
	}
	if zone != "" && zone != DefaultTimeZone {
		label += "（" + zone + "）"
	}
	return label
}

// SignupNotice builds the in-app message for a change of a sign-up's status.
func SignupNotice(kind, activityTitle string, activityID int64, start, end time.Time, zone string) Notification {
	when := SessionLabel(start, end, zone)
	n := Notification{Kind: kind, Link: fmt.Sprintf("/activities/%d", activityID)}
	switch kind {
	case NoticePromoted:
		n.Title = Text("notify.promoted_title", "activity", activityTitle)
		n.Body = Text("notify.promoted_body", "when", when)
	case NoticeAdmitted:
		n.Title = Text("notify.admitted_title", "activity", activityTitle)
		n.Body = Text("notify.admitted_body", "when", when)
	case NoticeRejected:
		n.Title = Text("notify.rejected_title", "activity", activityTitle)
		n.Body = Text("notify.rejected_body", "when", when)
	}
	return n
}

// ActivityNotice builds the message to everyone signed up when an activity is closed
// or cancelled.
func ActivityNotice(kind, activityTitle string, activityID int64) Notification {
	n := Notification{Kind: kind, Link: fmt.Sprintf("/activities/%d", activityID)}
	if kind == NoticeActivityCancelled {
		n.Title = Text("notify.activity_cancelled_title", "activity", activityTitle)
		n.Body = Text("notify.activity_cancelled_body", "activity", activityTitle)
	} else {
		n.Title = Text("notify.activity_closed_title", "activity", activityTitle)
		n.Body = Text("notify.activity_closed_body", "activity", activityTitle)
	}
	return n
}

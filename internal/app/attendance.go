package app

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/checkin"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore"
)

// Attendance: the organiser's rotating check-in code, volunteers scanning it, the
// organiser scanning cards or marking by hand, and the no-show sweep after sessions.

// hourRules, attendanceRules and workCalendar are the platform's settings for hours.
func (a *App) hourRules() zhiyuan.HourRules {
	if r := a.Config.Hours; r != (zhiyuan.HourRules{}) {
		return r
	}
	return zhiyuan.DefaultHourRules()
}

func (a *App) attendanceRules() zhiyuan.AttendanceRules {
	if r := a.Config.Attendance; r != (zhiyuan.AttendanceRules{}) {
		return r
	}
	return zhiyuan.DefaultAttendanceRules()
}

// HourRules returns the platform's hour rules, for pages that explain them.
func (a *App) HourRules() zhiyuan.HourRules { return a.hourRules() }

// checkinSigner returns the signer of check-in codes. Its key is derived from the
// blind-index key (an HMAC of a fixed label under it), so every server holding the
// platform's keys verifies every other server's codes, and no new secret needs keeping.
func (a *App) checkinSigner() *checkin.Signer {
	s, err := checkin.NewSigner([]byte(a.Keys.BlindIndex("checkin_code_key", "v1")))
	if err != nil {
		panic(err) // a 64-byte derived key is always long enough
	}
	return s
}

// CheckinCode is what the organiser's screen shows.
type CheckinCode struct {
	SessionID int64
	Code      string
	Short     string    // the same session and window in six digits, for typing (docs/formats.md)
	ExpiresAt time.Time // when the code stops being accepted
	RefreshAt time.Time // when the screen should show the next code
}

// sessionForOrg loads a session and its activity and checks that p manages the
// activity's organisation.
func (a *App) sessionForOrg(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (*zhiyuan.ActivitySession, *zhiyuan.Activity, *zhiyuan.Organization, error) {
	if p == nil {
		return nil, nil, nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	se, act, err := a.store.FindSessionByID(ctx, sessionID)
	if err != nil {
		return nil, nil, nil, err
	}
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, act.OrgID)
	if err != nil {
		return nil, nil, nil, err
	}
	return se, act, o, nil
}

// ManagedSession returns a session and its activity to an admin of its organisation.
func (a *App) ManagedSession(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (*zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	se, act, _, err := a.sessionForOrg(ctx, p, sessionID)
	return se, act, err
}

// SessionCheckinCode returns the current check-in code of a session, for an admin of
// the session's organisation.
func (a *App) SessionCheckinCode(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (*CheckinCode, error) {
	se, act, _, err := a.sessionForOrg(ctx, p, sessionID)
	if err != nil {
		return nil, err
	}
	if err := sessionRunning(se, act); err != nil {
		return nil, err
	}
	now := a.store.Now()
	signer := a.checkinSigner()
	code, exp := signer.Issue(se.ID, now)
	return &CheckinCode{SessionID: se.ID, Code: code, Short: signer.Short(se.ID, now), ExpiresAt: exp, RefreshAt: checkin.RefreshAt(now)}, nil
}

// sessionRunning refuses attendance for sessions that will not happen.
func sessionRunning(se *zhiyuan.ActivitySession, act *zhiyuan.Activity) error {
	if se.Status == zhiyuan.SessionCancelled || act.Status == zhiyuan.ActivityCancelled {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "session_id", "session.cancelled")
	}
	if act.Status == zhiyuan.ActivityDraft {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "session_id", "activity.not_published")
	}
	return nil
}

// Action is check-in or check-out.
const (
	ActionIn  = "in"
	ActionOut = "out"
)

// ScanInput is a volunteer's scan of the organiser's code.
type ScanInput struct {
	Code      string
	Action    string // "in" or "out"
	SessionID int64  // optional: the session the volunteer means; a code of another is refused
	Lat, Lng  *float64
}

// AttendanceResult is what a check-in or check-out recorded.
type AttendanceResult struct {
	Attendance *zhiyuan.Attendance
	Entry      *zhiyuan.HourEntry // the attended entry made by a check-out
	Offer      *zhiyuan.HourOffer // or the offer made instead (a walk-in who never signed up)
	Session    *zhiyuan.ActivitySession
	Activity   *zhiyuan.Activity
}

// Scan records a volunteer's own check-in or check-out from the organiser's rotating
// code. Each refusal is a 422 with its reason: expired, forged or another session's
// code, no confirmed seat, too early, outside the geofence, check-out before check-in,
// a second check-in.
func (a *App) Scan(ctx context.Context, p *zhiyuan.Principal, in ScanInput) (*AttendanceResult, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	pr := zhiyuan.Problems{}
	in.Code = strings.TrimSpace(in.Code)
	if in.Code == "" {
		pr.Add("code", "attendance.code_required")
	}
	if in.Action != ActionIn && in.Action != ActionOut {
		pr.Add("action", "attendance.action_unknown")
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		pr.Add("lng", "geo.lat_lng_together")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	now := a.store.Now()
	var sessionID int64
	if short, ok := checkin.NormalizeShort(in.Code); ok {
		id, err := a.openShortCode(ctx, p, short, in.SessionID, now)
		if err != nil {
			return nil, err
		}
		sessionID = id
	} else {
		id, err := a.checkinSigner().Open(in.Code, now)
		if err != nil {
			return nil, err
		}
		if in.SessionID != 0 && in.SessionID != id {
			return nil, checkin.ErrOtherSession
		}
		sessionID = id
	}
	var pos *[2]float64
	if in.Lat != nil {
		pos = &[2]float64{*in.Lat, *in.Lng}
	}
	if in.Action == ActionIn {
		// The rush at a session's start: one statement when every rule holds
		// (attendance_rush.go); any refusal is explained by the path below.
		if res, ok, err := a.scanInOneStatement(ctx, p, sessionID, pos, now); ok || err != nil {
			return res, err
		}
	}
	target, err := a.store.FindScanTarget(ctx, sessionID, p.AccountID)
	if err != nil {
		return nil, err
	}
	if target.VolunteerID == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "attendance.volunteers_only")
	}
	volunteerID, se, act := target.VolunteerID, &target.Session, &target.Activity
	if err := sessionRunning(se, act); err != nil {
		return nil, err
	}
	dist, err := zhiyuan.CheckGeofence(act, pos)
	if err != nil {
		return nil, err
	}
	res := &AttendanceResult{Session: se, Activity: act}
	rules := a.attendanceRules()
	switch in.Action {
	case ActionIn:
		// The venue's zone is loaded only for a refusal's message: loading it costs a
		// read of the zone database, and a rush of scans needs none.
		if err := zhiyuan.CheckCheckinTime(rules, se.StartsAt, se.EndsAt, now, time.UTC); err != nil {
			// Someone without a seat should hear that first, not when to come back.
			if seat, serr := a.store.HasSeat(ctx, se.ID, volunteerID); serr == nil && !seat {
				return nil, sqlstore.ErrNoSeat
			}
			return nil, zhiyuan.CheckCheckinTime(rules, se.StartsAt, se.EndsAt, now, act.Location())
		}
		res.Attendance, err = a.store.CheckIn(ctx, sqlstore.CheckinInput{SessionID: se.ID, VolunteerID: volunteerID, At: now,
			Method: zhiyuan.MethodCode, By: p.AccountID, DistM: dist})
	case ActionOut:
		if now.After(se.EndsAt.Add(rules.CheckoutLate)) {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "attendance.checkout_too_late")
		}
		res.Attendance, res.Entry, err = a.checkout(ctx, se, act, volunteerID, now, zhiyuan.MethodCode, p.AccountID, dist)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// openShortCode finds the session a short code (six digits, normalised) is for: the
// session the volunteer names, or else each session they hold a confirmed seat in and may
// check in to or out of now. Every comparison first takes one of the account's
// zhiyuan.MaxCheckinCodeFailures tries for that session in the database, and a right or
// merely expired code gives it back, so only wrong codes count and no number of
// concurrent guesses passes the limit. With no try left for any session the code is
// refused unread; the QR code's long code still works.
func (a *App) openShortCode(ctx context.Context, p *zhiyuan.Principal, code string, sessionID int64, now time.Time) (int64, error) {
	candidates := []int64{sessionID}
	if sessionID != 0 {
		if _, _, err := a.store.FindSessionByID(ctx, sessionID); err != nil {
			return 0, err
		}
	} else {
		rules := a.attendanceRules()
		var err error
		candidates, err = a.store.ShortCodeSessions(ctx, p.AccountID, now, rules.CheckinEarly, rules.CheckoutLate)
		if err != nil {
			return 0, err
		}
		if len(candidates) == 0 {
			return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "checkin.short_no_session")
		}
	}
	limit := zhiyuan.MaxCheckinCodeFailures
	signer := a.checkinSigner()
	tried, expired := 0, false
	for _, id := range candidates {
		ok, err := a.store.TakeShortCodeTry(ctx, p.AccountID, id, limit)
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		tried++
		verr := signer.VerifyShort(code, id, now)
		if verr == nil || errors.Is(verr, checkin.ErrExpired) {
			if err := a.store.GiveShortCodeTryBack(ctx, p.AccountID, id); err != nil {
				return 0, err
			}
		}
		if verr == nil {
			return id, nil
		}
		expired = expired || errors.Is(verr, checkin.ErrExpired)
	}
	switch {
	case tried == 0:
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "checkin.short_locked", "limit", strconv.Itoa(limit))
	case expired:
		return 0, checkin.ErrExpired
	}
	a.Log.InfoContext(ctx, "wrong short check-in code", slog.Int64("account_id", p.AccountID), slog.Int("sessions", len(candidates)))
	return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "checkin.short_wrong", "limit", strconv.Itoa(limit))
}

// checkout records a check-out with the attended entry it earns.
func (a *App) checkout(ctx context.Context, se *zhiyuan.ActivitySession, act *zhiyuan.Activity, volunteerID int64, at time.Time,
	method zhiyuan.AttendanceMethod, by int64, dist int) (*zhiyuan.Attendance, *zhiyuan.HourEntry, error) {
	rules := a.hourRules()
	return a.store.CheckOut(ctx, sqlstore.CheckoutInput{
		SessionID: se.ID, VolunteerID: volunteerID, At: at, Method: method, By: by, DistM: dist,
		Earn: func(checkin, checkout time.Time) (int64, string) {
			return zhiyuan.ServiceTime(rules, se.StartsAt, se.EndsAt, checkin, checkout)
		},
		Entry:          zhiyuan.HourEntry{OrgID: act.OrgID, RecordedBy: by},
		Place:          sqlstore.EntryPlace{RegionCode: act.RegionCode, SessionEndsAt: se.EndsAt},
		OfferExpiresAt: a.offerExpiry(se, act),
	})
}

// MarkInput is the organiser recording one volunteer's attendance: by scanning the
// volunteer's card (their volunteer number) or by hand.
type MarkInput struct {
	VolunteerID int64
	VolunteerNo string // typed in, or read off a printed card
	// CardCode is what the organiser's scanner read from the volunteer's digital card: the
	// signed payload or the verification URL holding it. It is checked (signature, age,
	// the card still active) before it names anyone.
	CardCode string
	Action   string // "in" or "out"
	Method   zhiyuan.AttendanceMethod
	At       time.Time // by hand only: when it happened (default now)
	WalkIn   bool      // record someone without a seat as a walk-in
}

// MarkAttendance records a check-in or check-out for a volunteer on the organiser's
// word, for an admin of the session's organisation. Marking by hand may give the time
// (a forgotten scan), within the session's check-in window and not in the future.
func (a *App) MarkAttendance(ctx context.Context, p *zhiyuan.Principal, sessionID int64, in MarkInput) (*AttendanceResult, error) {
	se, act, o, err := a.sessionForOrg(ctx, p, sessionID)
	if err != nil {
		return nil, err
	}
	if err := sessionRunning(se, act); err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	if in.Action != ActionIn && in.Action != ActionOut {
		pr.Add("action", "attendance.action_unknown")
	}
	if in.Method == "" {
		in.Method = zhiyuan.MethodManual
	}
	if in.Method != zhiyuan.MethodCard && in.Method != zhiyuan.MethodManual {
		pr.Add("method", "attendance.method_unknown")
	}
	now := a.store.Now()
	rules := a.attendanceRules()
	switch {
	case in.At.IsZero():
		in.At = now
	case in.Method != zhiyuan.MethodManual:
		pr.Add("at", "attendance.at_manual_only")
	case in.At.After(now.Add(time.Minute)):
		pr.Add("at", "attendance.at_future")
	case in.At.Before(se.StartsAt.Add(-rules.CheckinEarly)) || in.At.After(se.EndsAt.Add(rules.CheckoutLate)):
		pr.Add("at", "attendance.at_window", "early_minutes", strconv.Itoa(int(rules.CheckinEarly/time.Minute)), "late_minutes", strconv.Itoa(int(rules.CheckoutLate/time.Minute)))
	}
	var vol *zhiyuan.Volunteer
	if code := strings.TrimSpace(in.CardCode); code != "" {
		in.Method = zhiyuan.MethodCard
		no, reason, cerr := a.cardHolder(ctx, code, now)
		if cerr != nil {
			return nil, cerr
		}
		if reason != "" {
			pr.Add("card_code", "attendance.card_invalid", "reason", reason)
		} else {
			in.VolunteerNo, in.VolunteerID = no, 0
		}
	}
	switch {
	case pr["card_code"].Reason != "":
	case in.VolunteerID > 0:
		vol, err = a.store.FindVolunteerByID(ctx, in.VolunteerID)
	case strings.TrimSpace(in.VolunteerNo) != "":
		no := strings.TrimSpace(in.VolunteerNo)
		if !zhiyuan.ValidVolunteerNo(no) {
			pr.Add("volunteer_no", "volunteer.number_check_digit")
			break
		}
		vol, err = a.store.FindVolunteerByNo(ctx, no)
	default:
		pr.Add("volunteer_id", "attendance.volunteer_required")
	}
	if err != nil {
		if zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			return nil, err
		}
		pr.Add("volunteer_id", "notfound.volunteer")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	res := &AttendanceResult{Session: se, Activity: act}
	switch in.Action {
	case ActionIn:
		if in.At.Equal(now) {
			if err := zhiyuan.CheckCheckinTime(rules, se.StartsAt, se.EndsAt, now, act.Location()); err != nil {
				return nil, err
			}
		}
		res.Attendance, err = a.store.CheckIn(ctx, sqlstore.CheckinInput{SessionID: se.ID, VolunteerID: vol.ID, At: in.At,
			Method: in.Method, By: p.AccountID, DistM: -1, Organiser: true, WalkIn: in.WalkIn})
		if err == sqlstore.ErrNoSeat {
			err = zhiyuan.FieldFail(zhiyuan.EInvalid, "walk_in", "attendance.no_seat_walk_in")
		} else if err == sqlstore.ErrAlreadyIn {
			err = zhiyuan.FieldFail(zhiyuan.EInvalid, "action", "attendance.volunteer_already_in")
		}
	case ActionOut:
		res.Attendance, res.Entry, err = a.checkout(ctx, se, act, vol.ID, in.At, in.Method, p.AccountID, -1)
	}
	if err != nil {
		return nil, err
	}
	detail := in.Action + " " + string(in.Method)
	if res.Attendance.WalkIn {
		detail += " walk-in"
	}
	if err := a.audit(ctx, p, "attendance.mark", "session", strconv.FormatInt(se.ID, 10), act.RegionCode, o.ID, detail); err != nil {
		a.Log.WarnContext(ctx, "audit failed", slog.String("error", err.Error()))
	}
	res.Attendance.VolunteerName, res.Attendance.VolunteerNo = vol.Name, vol.VolunteerNo
	if id := res.Attendance.OfferID; id != 0 {
		if o, err := a.store.FindHourOffer(ctx, id); err == nil {
			res.Offer = o // the volunteer is told by the job queued with the offer
		}
	}
	return res, nil
}

// cardHolder reads a scanned digital card: the holder's volunteer number, or why the card
// does not count (forged, expired, revoked, lost, replaced, unknown), in Chinese.
func (a *App) cardHolder(ctx context.Context, code string, now time.Time) (volunteerNo, reason string, err error) {
	if i := strings.LastIndex(code, "/verify/card/"); i >= 0 {
		code = code[i+len("/verify/card/"):]
	}
	if a.Signer == nil {
		return "", zhiyuan.Text("card.digital_disabled"), nil
	}
	claims, verr := proof.VerifyCard(code, a.Signer.PublicKeys(), now)
	if verr != nil {
		return "", CardReasonChinese(proof.Reason(verr)), nil
	}
	c, err := a.store.FindCardByNumber(ctx, claims.CardNumber)
	switch {
	case zhiyuan.ErrorCode(err) == zhiyuan.ENotFound:
		return "", CardReasonChinese(ReasonUnknownCard), nil
	case err != nil:
		return "", "", err
	case c.Status == zhiyuan.CardPending:
		return "", CardReasonChinese(ReasonNotIssued), nil
	case c.Status != zhiyuan.CardActive:
		return "", CardReasonChinese(string(c.Status)), nil
	}
	return claims.VolunteerNo, "", nil
}

// SessionAttendanceView is a session's attendance for its organiser: who checked in and
// out, who was expected, the entries and the live counts.
type SessionAttendanceView struct {
	Session    *zhiyuan.ActivitySession
	Activity   *zhiyuan.Activity
	Org        *zhiyuan.Organization
	Counts     zhiyuan.AttendanceCounts
	Attendance []zhiyuan.Attendance
	Expected   []zhiyuan.ExpectedVolunteer
	Entries    []zhiyuan.HourEntry
	Offers     []zhiyuan.HourOffer // hours waiting for (or refused by) volunteers who never signed up
	Pending    int                 // entries awaiting confirmation
	Deadline   time.Time
	Overdue    bool
}

// SessionAttendance returns a session's attendance, for an admin of its organisation.
func (a *App) SessionAttendance(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (*SessionAttendanceView, error) {
	se, act, o, err := a.sessionForOrg(ctx, p, sessionID)
	if err != nil {
		return nil, err
	}
	v := &SessionAttendanceView{Session: se, Activity: act, Org: o}
	if v.Counts, err = a.store.SessionAttendanceCounts(ctx, se.ID); err != nil {
		return nil, err
	}
	if v.Attendance, err = a.store.SessionAttendance(ctx, se.ID); err != nil {
		return nil, err
	}
	if v.Expected, err = a.store.SessionExpected(ctx, se.ID); err != nil {
		return nil, err
	}
	if v.Entries, err = a.store.SessionHourEntries(ctx, se.ID); err != nil {
		return nil, err
	}
	if v.Offers, err = a.store.SessionHourOffers(ctx, se.ID); err != nil {
		return nil, err
	}
	for _, e := range v.Entries {
		if !e.Confirmed() {
			v.Pending++
		}
	}
	v.Deadline = zhiyuan.RecordingDeadline(se.EndsAt, act.Location(), a.Config.WorkCalendar)
	v.Overdue = v.Pending > 0 && !a.store.Now().Before(v.Deadline)
	return v, nil
}

// MyAttendance returns the caller's own attendance of a session with the session and
// activity, for the page a volunteer lands on after scanning.
func (a *App) MyAttendance(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (*AttendanceResult, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	volunteerID, err := a.store.VolunteerIDByAccount(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	att, err := a.store.FindAttendance(ctx, sessionID, volunteerID)
	if err != nil {
		return nil, err
	}
	se, act, err := a.store.FindSessionByID(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	res := &AttendanceResult{Attendance: att, Session: se, Activity: act}
	if att.EntryID != 0 {
		if res.Entry, err = a.store.FindHourEntryByID(ctx, att.EntryID); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// SessionCounts returns the live counts of a session, for the check-in screen.
func (a *App) SessionCounts(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (zhiyuan.AttendanceCounts, error) {
	if _, _, _, err := a.sessionForOrg(ctx, p, sessionID); err != nil {
		return zhiyuan.AttendanceCounts{}, err
	}
	return a.store.SessionAttendanceCounts(ctx, sessionID)
}

// MarkNoShows marks the confirmed volunteers of sessions over (past the check-out
// window) who never checked in as no-shows, counting each on their record once.
func (a *App) MarkNoShows(ctx context.Context) (int, error) {
	before := a.store.Now().Add(-a.attendanceRules().CheckoutLate)
	total := 0
	for {
		n, err := a.store.MarkNoShows(ctx, before, 500)
		total += n
		if err != nil || n < 500 {
			if total > 0 {
				a.Log.InfoContext(ctx, "no-shows marked", slog.Int("count", total))
			}
			return total, err
		}
	}
}

// floatOK reports whether f is a usable number (JSON can't carry NaN, but forms can).
func floatOK(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

package app

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// exportSignups is the sign-ups part of "export my data" (exportSections).
func exportSignups(ctx context.Context, a *App, accountID int64, v *zhiyuan.Volunteer) (any, error) {
	if v == nil {
		return []any{}, nil
	}
	type row struct {
		Activity string `json:"activity"`
		Session  string `json:"session"`
		Status   string `json:"status"`
		Late     bool   `json:"late_cancellation,omitempty"`
	}
	out := []row{}
	now := a.store.Now()
	for _, view := range []zhiyuan.SignupView{zhiyuan.ViewUpcoming, zhiyuan.ViewWaitlisted, zhiyuan.ViewPast} {
		for offset := 0; ; offset += 200 {
			list, err := a.store.FindVolunteerSignups(ctx, v.ID, view, now, offset, 200)
			if err != nil {
				return nil, err
			}
			for _, sg := range list {
				out = append(out, row{sg.ActivityTitle, zhiyuan.SessionLabel(sg.StartsAt, sg.EndsAt, sg.TimeZone), string(sg.Status), sg.Late})
			}
			if len(list) < 200 {
				break
			}
		}
	}
	return out, nil
}

// SignUp signs the calling volunteer up for a session: the rules of eligibility first
// (EInvalid naming the unmet condition), then the store's transaction, which decides
// seats, duplicates and overlaps race-free. The answer is confirmed, pending (admission)
// or waitlisted; EFull when no seat and no waitlist.
func (a *App) SignUp(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (*zhiyuan.Signup, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return nil, err
	}
	v, err := a.store.FindSignupVolunteer(ctx, p.AccountID)
	if err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			return nil, zhiyuan.Fail(zhiyuan.EForbidden, "signup.register_first")
		}
		return nil, err
	}
	se, act, err := a.signupSession(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if act.Status == zhiyuan.ActivityDraft {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.session")
	}
	e := zhiyuan.Eligibility{Now: a.store.Now()}
	if act.MembersOnly {
		if e.IsMember, err = a.store.IsMember(ctx, act.OrgID, v.ID); err != nil {
			return nil, err
		}
	}
	if err := zhiyuan.CheckSignup(act, se, v, e); err != nil {
		return nil, err
	}
	// In a rush most requests find the seats gone. A session without a waitlist that was
	// full a moment ago (as read, or as the database answered another sign-up) is refused
	// without taking the write lock. Seats are only ever given by the conditional UPDATE
	// in the store, so this can refuse a seat freed in the last second, never give one
	// twice; changes through this App (cancellations, rejections, more capacity) drop the
	// mark at once.
	noWaitlist := act.SignupMode == zhiyuan.SignupFirstCome && !act.Waitlist
	if noWaitlist && (se.SeatsTaken >= se.Capacity || a.sessionCache.isFull(se.ID, time.Now())) {
		return nil, zhiyuan.Fail(zhiyuan.EFull, "signup.session_full")
	}
	sg, err := a.store.CreateSignup(ctx, sqlstore.SignupRequest{
		SessionID: se.ID, ActivityID: act.ID, VolunteerID: v.ID, Mode: act.SignupMode, Waitlist: act.Waitlist,
		StartsAt: se.StartsAt, EndsAt: se.EndsAt,
	})
	if err != nil {
		if noWaitlist && zhiyuan.ErrorCode(err) == zhiyuan.EFull {
			a.sessionCache.markFull(se.ID, time.Now())
		}
		return nil, err
	}
	sg.ActivityTitle, sg.TimeZone, sg.OrgID, sg.OrgName, sg.AccountID = act.Title, act.TimeZone, act.OrgID, act.OrgName, p.AccountID
	return sg, nil
}

// mySignup loads a sign-up of the caller's; anyone else's is ENotFound (its existence
// is not theirs to learn).
func (a *App) mySignup(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Signup, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	sg, err := a.store.FindSignupByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: sg.AccountID}); err != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.signup")
	}
	return sg, nil
}

// Signup returns one sign-up to its volunteer or to a manager of the organisation.
func (a *App) Signup(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Signup, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	sg, err := a.store.FindSignupByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if sg.AccountID == p.AccountID {
		return sg, nil
	}
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, sg.OrgID); err != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.signup")
	}
	return sg, nil
}

// CancelSignup cancels the caller's own sign-up. After the cancellation deadline it still
// goes through but counts as a late cancellation; once the session has begun it cannot
// be cancelled. A freed seat goes to the first on the waitlist, who is notified.
func (a *App) CancelSignup(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Signup, error) {
	sg, err := a.mySignup(ctx, p, id)
	if err != nil {
		return nil, err
	}
	se, act, err := a.store.FindSessionByID(ctx, sg.SessionID)
	if err != nil {
		return nil, err
	}
	late, err := zhiyuan.CheckCancel(act, se, sg.Status, a.store.Now())
	if err != nil {
		return nil, err
	}
	ch, err := a.store.CancelSignup(ctx, id, late)
	if err != nil {
		return nil, err
	}
	a.sessionCache.forget()
	return ch.Signup, nil
}

// CancelSignupPreview tells the caller what cancelling their sign-up would do, for the
// confirmation: the sign-up, whether it would count as late (on the credit record) and
// the deadline it is measured against. It refuses, with CancelSignup's own error, a
// sign-up that can no longer be cancelled.
func (a *App) CancelSignupPreview(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Signup, bool, time.Time, error) {
	sg, err := a.mySignup(ctx, p, id)
	if err != nil {
		return nil, false, time.Time{}, err
	}
	se, act, err := a.store.FindSessionByID(ctx, sg.SessionID)
	if err != nil {
		return nil, false, time.Time{}, err
	}
	late, err := zhiyuan.CheckCancel(act, se, sg.Status, a.store.Now())
	if err != nil {
		return nil, false, time.Time{}, err
	}
	return sg, late, zhiyuan.CancelDeadline(act, se), nil
}

// manageSession loads a session and checks that the caller manages its organisation.
func (a *App) manageSession(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (*zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	se, act, err := a.store.FindSessionByID(ctx, sessionID)
	if err != nil {
		return nil, nil, err
	}
	if _, _, err := a.manageActivity(ctx, p, act.ID); err != nil {
		return nil, nil, err
	}
	return se, act, nil
}

// DecideSignup admits, rejects or marks as no-show one sign-up, for a manager of its
// organisation.
func (a *App) DecideSignup(ctx context.Context, p *zhiyuan.Principal, id int64, d zhiyuan.SignupDecision) (*zhiyuan.Signup, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	sg, err := a.store.FindSignupByID(ctx, id)
	if err != nil {
		return nil, err
	}
	res, err := a.DecideSignups(ctx, p, sg.SessionID, []int64{id}, d)
	if err != nil {
		return nil, err
	}
	if err := res.Failed[id]; err != nil {
		return nil, err
	}
	return res.Done[0], nil
}

// DecideSignups admits, rejects or marks as no-show sign-ups of one session in one
// transaction. Admission never goes past the capacity: once the seats are gone the rest
// fail with EFull (reported per id, the others stand).
func (a *App) DecideSignups(ctx context.Context, p *zhiyuan.Principal, sessionID int64, ids []int64, d zhiyuan.SignupDecision) (*zhiyuan.DecideResult, error) {
	se, act, err := a.manageSession(ctx, p, sessionID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "ids", "signup.decide_nothing_chosen")
	}
	if len(ids) > 1000 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "ids", "signup.decide_too_many")
	}
	if d == zhiyuan.DecideNoShow && a.store.Now().Before(se.StartsAt) {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "signup.no_show_before_start")
	}
	res, err := a.store.DecideSignups(ctx, sessionID, ids, d, p.AccountID)
	if err != nil {
		return nil, err
	}
	a.sessionCache.forget()
	if len(res.Done) > 0 {
		if err := a.audit(ctx, p, "signup."+string(d), "session", strconv.FormatInt(sessionID, 10), act.RegionCode, act.OrgID,
			strconv.Itoa(len(res.Done))+" signups"); err != nil {
			return nil, err
		}
	}
	// The people told are told by the delivery jobs the store queued with the decision.
	return res, nil
}

// SessionSignups lists a session's sign-ups for a manager of its organisation.
func (a *App) SessionSignups(ctx context.Context, p *zhiyuan.Principal, sessionID int64, status zhiyuan.SignupStatus, after int64, limit int) ([]*zhiyuan.Signup, *zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	se, act, err := a.manageSession(ctx, p, sessionID)
	if err != nil {
		return nil, nil, nil, err
	}
	list, err := a.store.FindSessionSignups(ctx, sqlstore.SignupFilter{SessionID: sessionID, Status: status, After: after, Limit: limit})
	return list, se, act, err
}

// ExportSessionSignups returns every sign-up of a session for the spreadsheet export and
// writes the audit record (the list carries names of volunteers).
func (a *App) ExportSessionSignups(ctx context.Context, p *zhiyuan.Principal, sessionID int64) ([]*zhiyuan.Signup, *zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	se, act, err := a.manageSession(ctx, p, sessionID)
	if err != nil {
		return nil, nil, nil, err
	}
	var all []*zhiyuan.Signup
	var after int64
	for {
		list, err := a.store.FindSessionSignups(ctx, sqlstore.SignupFilter{SessionID: sessionID, After: after, Limit: 5000})
		if err != nil {
			return nil, nil, nil, err
		}
		all = append(all, list...)
		if len(list) < 5000 {
			break
		}
		after = list[len(list)-1].ID
	}
	if err := a.audit(ctx, p, "signup.export", "session", strconv.FormatInt(sessionID, 10), act.RegionCode, act.OrgID,
		strconv.Itoa(len(all))+" rows"); err != nil {
		return nil, nil, nil, err
	}
	return all, se, act, nil
}

// MySignups lists the caller's sign-ups of one view (upcoming, waitlisted, past).
func (a *App) MySignups(ctx context.Context, p *zhiyuan.Principal, view zhiyuan.SignupView, offset, limit int) ([]*zhiyuan.Signup, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	switch view {
	case "":
		view = zhiyuan.ViewUpcoming
	case zhiyuan.ViewUpcoming, zhiyuan.ViewWaitlisted, zhiyuan.ViewPast:
	default:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "view", "signup.filter_unknown")
	}
	return a.store.FindVolunteerSignups(ctx, v.ID, view, a.store.Now(), offset, limit)
}

// MySignupRecord returns the caller's late cancellations and no-shows.
func (a *App) MySignupRecord(ctx context.Context, p *zhiyuan.Principal) (zhiyuan.SignupRecord, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return zhiyuan.SignupRecord{}, err
	}
	return a.store.FindVolunteerRecord(ctx, v.ID)
}

// MyActivitySignups returns the caller's latest sign-up per session of an activity, and
// whether the caller is a volunteer at all (pages offer sign-up buttons only then).
func (a *App) MyActivitySignups(ctx context.Context, p *zhiyuan.Principal, activityID int64) (map[int64]*zhiyuan.Signup, bool, error) {
	if p == nil {
		return nil, false, nil
	}
	v, err := a.MyVolunteer(ctx, p)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	m, err := a.store.FindVolunteerActivitySignups(ctx, v.ID, activityID)
	return m, true, err
}

// SignupStates returns each session's sign-up state for the caller (zhiyuan.SignupState,
// the one definition pages and the API show), the caller's latest sign-up per session,
// and whether the caller is a volunteer. A visitor who is not a volunteer sees the
// states as the public does: nothing about them makes them ineligible yet.
func (a *App) SignupStates(ctx context.Context, p *zhiyuan.Principal, act *zhiyuan.Activity) (map[int64]zhiyuan.SessionState, map[int64]*zhiyuan.Signup, bool, error) {
	mine, isVolunteer, err := a.MyActivitySignups(ctx, p, act.ID)
	if err != nil {
		return nil, nil, false, err
	}
	now := a.store.Now()
	e := zhiyuan.Eligibility{Now: now}
	var v *zhiyuan.Volunteer
	if isVolunteer {
		if v, err = a.store.FindSignupVolunteer(ctx, p.AccountID); err != nil {
			return nil, nil, false, err
		}
		if act.MembersOnly {
			if e.IsMember, err = a.store.IsMember(ctx, act.OrgID, v.ID); err != nil {
				return nil, nil, false, err
			}
		}
	}
	out := make(map[int64]zhiyuan.SessionState, len(act.Sessions))
	for i := range act.Sessions {
		se := &act.Sessions[i]
		var eligible error
		if v != nil {
			eligible = zhiyuan.CheckEligible(act, se, v, e)
		}
		out[se.ID] = zhiyuan.SignupState(act, se, mine[se.ID], eligible, now)
	}
	return out, mine, isVolunteer, nil
}

// SessionResult is the outcome of one session of a sign-up for several at once: the
// sign-up, or the error that session answered.
type SessionResult struct {
	SessionID int64
	Signup    *zhiyuan.Signup
	Err       error
}

// MaxSessionsAtOnce bounds a sign-up for several sessions at once.
const MaxSessionsAtOnce = 50

// SignUpSessions signs the caller up for several sessions of one activity, each through
// SignUp in its own transaction: one full or refused session does not undo the others,
// and the answer says for each what happened. A session of another activity is
// ENotFound for that session; duplicates count once.
func (a *App) SignUpSessions(ctx context.Context, p *zhiyuan.Principal, activityID int64, sessionIDs []int64) ([]SessionResult, error) {
	if len(sessionIDs) == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "session_ids", "signup.sessions_none")
	}
	if len(sessionIDs) > MaxSessionsAtOnce {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "session_ids", "signup.sessions_too_many", "max", MaxSessionsAtOnce)
	}
	act, err := a.store.FindActivityByID(ctx, activityID)
	if err != nil {
		return nil, err
	}
	if act.Status == zhiyuan.ActivityDraft {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.activity")
	}
	ofActivity := map[int64]bool{}
	for _, se := range act.Sessions {
		ofActivity[se.ID] = true
	}
	seen := map[int64]bool{}
	var out []SessionResult
	for _, id := range sessionIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		r := SessionResult{SessionID: id}
		if !ofActivity[id] {
			r.Err = zhiyuan.Fail(zhiyuan.ENotFound, "notfound.session")
		} else {
			r.Signup, r.Err = a.SignUp(ctx, p, id)
		}
		// Refusals of the caller as such stop here: they hold for every session.
		if c := zhiyuan.ErrorCode(r.Err); c == zhiyuan.EUnauthorized || c == zhiyuan.EForbidden {
			return nil, r.Err
		}
		out = append(out, r)
	}
	return out, nil
}

// sessionCache keeps sessions with their activities for a second, for SignUp: when a
// popular activity opens, thousands of requests read the same few sessions, and the
// database need not answer each. Only what eligibility reads is taken from it (times,
// conditions, status): seats are decided by the conditional UPDATE in the store, and a
// session closed in the meantime is refused there too. Changes made through this App
// drop the whole cache at once; another server's changes show within the second.
type sessionCache struct {
	m    sync.Map // session id → cachedSession
	full sync.Map // session id → fullMark: the database said full
	gen  atomic.Int64
}

type fullMark struct {
	gen     int64
	expires time.Time
}

func (c *sessionCache) markFull(id int64, now time.Time) {
	c.full.Store(id, fullMark{gen: c.gen.Load(), expires: now.Add(sessionCacheTTL)})
}

func (c *sessionCache) isFull(id int64, now time.Time) bool {
	v, ok := c.full.Load(id)
	if !ok {
		return false
	}
	m := v.(fullMark)
	return m.gen == c.gen.Load() && now.Before(m.expires)
}

type cachedSession struct {
	se      *zhiyuan.ActivitySession
	act     *zhiyuan.Activity
	gen     int64
	expires time.Time
}

const sessionCacheTTL = time.Second

func (c *sessionCache) get(id int64, now time.Time) (*zhiyuan.ActivitySession, *zhiyuan.Activity, bool) {
	v, ok := c.m.Load(id)
	if !ok {
		return nil, nil, false
	}
	e := v.(cachedSession)
	if e.gen != c.gen.Load() || now.After(e.expires) {
		return nil, nil, false
	}
	return e.se, e.act, true
}

func (c *sessionCache) put(se *zhiyuan.ActivitySession, act *zhiyuan.Activity, now time.Time) {
	c.m.Store(se.ID, cachedSession{se: se, act: act, gen: c.gen.Load(), expires: now.Add(sessionCacheTTL)})
}

// forget drops every entry and full mark (by moving to a new generation).
func (c *sessionCache) forget() { c.gen.Add(1) }

// signupSession returns a session with its activity for a sign-up, from the cache when
// fresh. The copies it returns are shared: callers must not change them.
func (a *App) signupSession(ctx context.Context, id int64) (*zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	now := time.Now()
	if se, act, ok := a.sessionCache.get(id, now); ok {
		return se, act, nil
	}
	se, act, err := a.store.FindSessionByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	a.sessionCache.put(se, act, now)
	return se, act, nil
}

package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// Service hours: the volunteer's totals and entries, confirmation with evaluation,
// make-up entries, corrections, disputes, the overdue lists and ledger verification.
// "Whoever organises records; whoever records certifies": every write here is by an
// admin of the organisation that recorded (or will record) the entry.

// MyHours is a volunteer's hours page.
type MyHours struct {
	Totals     *zhiyuan.HourTotals
	StarLevel  int
	ToNext     int64 // minutes to the next star level, 0 at five stars
	Progress   int   // percent of the way to the next level
	Entries    []zhiyuan.HourEntry
	NextCursor int64
	Rules      string
}

// MyHours returns the caller's totals (one row, never a sum over the ledger) and a page
// of their entries, newest first.
func (a *App) MyHours(ctx context.Context, p *zhiyuan.Principal, before int64, limit int) (*MyHours, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	volunteerID, err := a.store.VolunteerIDByAccount(ctx, p.AccountID)
	if err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			return nil, zhiyuan.Fail(zhiyuan.ENotFound, "volunteer.not_registered")
		}
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	t, err := a.store.HourTotals(ctx, volunteerID)
	if err != nil {
		return nil, err
	}
	entries, err := a.store.VolunteerHourEntries(ctx, volunteerID, before, limit)
	if err != nil {
		return nil, err
	}
	h := &MyHours{Totals: t, StarLevel: zhiyuan.StarLevel(t.ConfirmedMinutes), ToNext: zhiyuan.MinutesToNextLevel(t.ConfirmedMinutes),
		Progress: zhiyuan.LevelProgress(t.ConfirmedMinutes), Entries: entries, Rules: a.hourRules().Describe()}
	if len(entries) == limit {
		h.NextCursor = entries[len(entries)-1].ID
	}
	return h, nil
}

// ConfirmRequest confirms hours with an evaluation of the service.
type ConfirmRequest struct {
	SessionIDs []int64 // every pending entry of these sessions
	EntryIDs   []int64 // and/or these entries
	Rating     int     // 1–5, 0 for none
	Comment    string
}

func (r *ConfirmRequest) validate() error {
	p := zhiyuan.Problems{}
	if r.Rating < 0 || r.Rating > 5 {
		p.Add("rating", "hours.rating_range")
	}
	r.Comment = strings.TrimSpace(r.Comment)
	if utf8.RuneCountInString(r.Comment) > zhiyuan.MaxReasonRunes {
		p.Add("comment", "hours.comment_long", "max", zhiyuan.MaxReasonRunes)
	}
	if len(r.SessionIDs)+len(r.EntryIDs) > 5000 {
		p.Add("entry_ids", "hours.confirm_too_many")
	}
	return p.Err()
}

// ConfirmSessionHours confirms the pending entries of one session (all of them, or those
// of entryIDs, which must belong to the session), for an admin of its organisation. It
// returns the ids confirmed.
func (a *App) ConfirmSessionHours(ctx context.Context, p *zhiyuan.Principal, sessionID int64, req ConfirmRequest) ([]int64, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	se, act, o, err := a.sessionForOrg(ctx, p, sessionID)
	if err != nil {
		return nil, err
	}
	ids := req.EntryIDs
	if len(ids) == 0 {
		if ids, err = a.store.PendingEntryIDs(ctx, []int64{se.ID}); err != nil {
			return nil, err
		}
	} else {
		for _, id := range ids {
			e, err := a.store.FindHourEntryByID(ctx, id)
			if err != nil || e.SessionID != se.ID {
				return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "entry_ids", "hours.entry_not_in_session", "id", id)
			}
		}
	}
	done, err := a.store.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: ids, ConfirmedBy: p.AccountID, Rating: req.Rating, Comment: req.Comment})
	if err != nil {
		return nil, err
	}
	if len(done) > 0 {
		if err := a.audit(ctx, p, "hours.confirm", "session", strconv.FormatInt(se.ID, 10), act.RegionCode, o.ID,
			fmt.Sprintf("%d entries", len(done))); err != nil {
			return nil, err
		}
	}
	return done, nil
}

// ConfirmHours confirms many sessions' pending entries and single entries at once. Every
// organisation involved must be one the caller manages; otherwise nothing is confirmed.
func (a *App) ConfirmHours(ctx context.Context, p *zhiyuan.Principal, req ConfirmRequest) ([]int64, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	if len(req.SessionIDs)+len(req.EntryIDs) == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "session_ids", "hours.confirm_nothing_chosen")
	}
	orgs := map[int64]bool{}
	allow := func(orgID int64) error {
		if orgs[orgID] {
			return nil
		}
		if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
			return err
		}
		orgs[orgID] = true
		return nil
	}
	for _, sid := range req.SessionIDs {
		_, act, err := a.store.FindSessionByID(ctx, sid)
		if err != nil {
			if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
				return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "session_ids", "hours.session_unknown", "id", sid)
			}
			return nil, err
		}
		if err := allow(act.OrgID); err != nil {
			return nil, err
		}
	}
	ids, err := a.store.PendingEntryIDs(ctx, req.SessionIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range req.EntryIDs {
		e, err := a.store.FindHourEntryByID(ctx, id)
		if err != nil {
			if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
				return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "entry_ids", "hours.entry_unknown", "id", id)
			}
			return nil, err
		}
		if err := allow(e.OrgID); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	done, err := a.store.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: ids, ConfirmedBy: p.AccountID, Rating: req.Rating, Comment: req.Comment})
	if err != nil {
		return nil, err
	}
	for orgID := range orgs {
		if err := a.audit(ctx, p, "hours.confirm", "org", strconv.FormatInt(orgID, 10), "", orgID,
			fmt.Sprintf("%d entries in %d sessions", len(done), len(req.SessionIDs))); err != nil {
			return nil, err
		}
	}
	return done, nil
}

// MakeupInput is a make-up entry (补录).
type MakeupInput struct {
	VolunteerID int64
	VolunteerNo string // pages may name the volunteer by number instead
	Hours       float64
	Reason      string
}

func checkReason(p zhiyuan.Problems, reason string) string {
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		p.Add("reason", "reason.required")
	case n > zhiyuan.MaxReasonRunes:
		p.Add("reason", "reason.long", "max", zhiyuan.MaxReasonRunes)
	}
	return reason
}

// AddMakeup records a make-up entry for a session that has begun, for an admin of its
// organisation. The hours are kept apart from attended hours (kind makeup), the reason
// is required, and the volunteer's net hours for the session never exceed its length.
// For a volunteer who never signed up for the session it records an offer instead (the
// entry is nil), which counts only once the volunteer accepts it.
func (a *App) AddMakeup(ctx context.Context, p *zhiyuan.Principal, sessionID int64, in MakeupInput) (*zhiyuan.HourEntry, *zhiyuan.HourOffer, error) {
	se, act, o, err := a.sessionForOrg(ctx, p, sessionID)
	if err != nil {
		return nil, nil, err
	}
	pr := zhiyuan.Problems{}
	length := int64(se.EndsAt.Sub(se.StartsAt) / time.Minute)
	minutes := zhiyuan.HoursToMinutes(in.Hours)
	switch {
	case !floatOK(in.Hours) || minutes <= 0:
		pr.Add("hours", "hours.makeup_positive")
	case minutes > length:
		pr.Add("hours", "hours.makeup_over_session", "session_hours", zhiyuan.FormatHours(length))
	}
	reason := checkReason(pr, in.Reason)
	if se.Status == zhiyuan.SessionCancelled || act.Status == zhiyuan.ActivityCancelled {
		pr.Add("session_id", "session.cancelled")
	} else if a.store.Now().Before(se.StartsAt) {
		pr.Add("session_id", "hours.makeup_before_start")
	}
	switch no := strings.TrimSpace(in.VolunteerNo); {
	case in.VolunteerID <= 0 && no == "":
		pr.Add("volunteer_id", "hours.volunteer_required")
	case in.VolunteerID <= 0 && !zhiyuan.ValidVolunteerNo(no):
		pr.Add("volunteer_no", "volunteer.number_check_digit")
	default:
		var v *zhiyuan.Volunteer
		var err error
		if in.VolunteerID > 0 {
			v, err = a.store.FindVolunteerByID(ctx, in.VolunteerID)
		} else {
			v, err = a.store.FindVolunteerByNo(ctx, no)
		}
		if err != nil {
			if zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
				return nil, nil, err
			}
			pr.Add("volunteer_id", "notfound.volunteer")
		} else {
			in.VolunteerID = v.ID
		}
	}
	if err := pr.Err(); err != nil {
		return nil, nil, err
	}
	e := &zhiyuan.HourEntry{VolunteerID: in.VolunteerID, Kind: zhiyuan.HourMakeup, Minutes: minutes, SessionID: se.ID, OrgID: o.ID,
		Reason: reason, RecordedBy: p.AccountID}
	place := sqlstore.EntryPlace{RegionCode: act.RegionCode, SessionEndsAt: se.EndsAt, MaxSessionMinutes: length, Field: "hours"}
	offer, err := a.store.AppendOrOfferHourEntry(ctx, e, place, a.offerExpiry(se, act))
	if err != nil {
		return nil, nil, err
	}
	if offer != nil {
		if err := a.audit(ctx, p, "hours.makeup.offer", "hour_offer", strconv.FormatInt(offer.ID, 10), act.RegionCode, o.ID,
			fmt.Sprintf("volunteer %d, %d minutes, no sign-up", offer.VolunteerID, offer.Minutes)); err != nil {
			return nil, nil, err
		}
		offer, err = a.store.FindHourOffer(ctx, offer.ID)
		return nil, offer, err
	}
	if err := a.audit(ctx, p, "hours.makeup", "hour_entry", strconv.FormatInt(e.ID, 10), act.RegionCode, o.ID,
		fmt.Sprintf("volunteer %d, %d minutes", e.VolunteerID, e.Minutes)); err != nil {
		return nil, nil, err
	}
	e, err = a.store.FindHourEntryByID(ctx, e.ID)
	return e, nil, err
}

// CorrectionInput is a correction of an entry: signed hours and a reason.
type CorrectionInput struct {
	Hours  float64 // positive adds, negative takes away
	Reason string
}

// CorrectEntry records a correction of an entry, for an admin of the organisation that
// recorded it. The entry is never changed: a new entry points at it. A correction of a
// confirmed entry counts at once (the organisation certifies it by making it); one of a
// pending entry waits for the same confirmation.
func (a *App) CorrectEntry(ctx context.Context, p *zhiyuan.Principal, entryID int64, in CorrectionInput) (*zhiyuan.HourEntry, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	target, err := a.store.FindHourEntryByID(ctx, entryID)
	if err != nil {
		return nil, err
	}
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, target.OrgID)
	if err != nil {
		return nil, err
	}
	corr, place, confirm, err := a.correction(ctx, p, target, in.Hours, in.Reason)
	if err != nil {
		return nil, err
	}
	if err := a.store.AppendHourEntry(ctx, corr, place, confirm); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "hours.correct", "hour_entry", strconv.FormatInt(target.ID, 10), place.RegionCode, o.ID,
		fmt.Sprintf("correction %d: %d minutes", corr.ID, corr.Minutes)); err != nil {
		return nil, err
	}
	return a.store.FindHourEntryByID(ctx, corr.ID)
}

// correction prepares a correction entry of target, validating hours and reason.
func (a *App) correction(ctx context.Context, p *zhiyuan.Principal, target *zhiyuan.HourEntry, hours float64, reason string) (*zhiyuan.HourEntry, sqlstore.EntryPlace, *zhiyuan.HourConfirmation, error) {
	pr := zhiyuan.Problems{}
	minutes := zhiyuan.HoursToMinutes(hours)
	if !floatOK(hours) || minutes == 0 {
		pr.Add("hours", "hours.correction_zero")
	}
	reason = checkReason(pr, reason)
	if target.Kind == zhiyuan.HourCorrection {
		pr.Add("entry_id", "hours.correct_original")
	}
	if err := pr.Err(); err != nil {
		return nil, sqlstore.EntryPlace{}, nil, err
	}
	place := sqlstore.EntryPlace{Field: "hours"}
	if target.SessionID != 0 {
		se, act, err := a.store.FindSessionByID(ctx, target.SessionID)
		if err != nil {
			return nil, place, nil, err
		}
		place.RegionCode, place.SessionEndsAt = act.RegionCode, se.EndsAt
		place.MaxSessionMinutes = int64(se.EndsAt.Sub(se.StartsAt) / time.Minute)
	}
	corr := &zhiyuan.HourEntry{VolunteerID: target.VolunteerID, Kind: zhiyuan.HourCorrection, Minutes: minutes, SessionID: target.SessionID,
		OrgID: target.OrgID, CorrectsID: target.ID, Reason: reason, RecordedBy: p.AccountID}
	var confirm *zhiyuan.HourConfirmation
	if target.Confirmed() {
		confirm = &zhiyuan.HourConfirmation{ConfirmedBy: p.AccountID}
	}
	return corr, place, confirm, nil
}

// DisputeEntry records the caller's dispute of one of their own entries.
func (a *App) DisputeEntry(ctx context.Context, p *zhiyuan.Principal, entryID int64, reason string) (*zhiyuan.HourDispute, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	e, err := a.store.FindHourEntryByID(ctx, entryID)
	if err != nil {
		return nil, err
	}
	volunteerID, err := a.store.VolunteerIDByAccount(ctx, p.AccountID)
	if err != nil || volunteerID != e.VolunteerID {
		// Someone else's entry does not exist as far as this caller can tell.
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.hour_entry")
	}
	pr := zhiyuan.Problems{}
	reason = checkReason(pr, reason)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	d := &zhiyuan.HourDispute{EntryID: e.ID, VolunteerID: e.VolunteerID, OrgID: e.OrgID, Reason: reason}
	if err := a.store.CreateDispute(ctx, d); err != nil {
		return nil, err
	}
	return a.store.FindDisputeByID(ctx, d.ID)
}

// MyDisputes lists the caller's disputes, newest first.
func (a *App) MyDisputes(ctx context.Context, p *zhiyuan.Principal) ([]zhiyuan.HourDispute, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	volunteerID, err := a.store.VolunteerIDByAccount(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	return a.store.FindDisputes(ctx, 0, volunteerID, "", 100)
}

// OrgDisputes lists an organisation's disputes (open ones by default), for its admins.
func (a *App) OrgDisputes(ctx context.Context, p *zhiyuan.Principal, orgID int64, status zhiyuan.DisputeStatus) ([]zhiyuan.HourDispute, error) {
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
		return nil, err
	}
	switch status {
	case "", zhiyuan.DisputeOpen, zhiyuan.DisputeResolved, zhiyuan.DisputeRejected:
	case "all":
		status = ""
	default:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "dispute.status_filter_unknown")
	}
	return a.store.FindDisputes(ctx, orgID, 0, status, 200)
}

// ResolveInput resolves a dispute: upheld (usually with a correction) or rejected.
type ResolveInput struct {
	Accept     bool
	Resolution string
	Hours      float64 // the correction when upheld; 0 for none
}

// ResolveDispute resolves a dispute for an admin of the recording organisation; an
// upheld dispute with hours gets its correction entry in the same transaction. The
// volunteer is notified in-app.
func (a *App) ResolveDispute(ctx context.Context, p *zhiyuan.Principal, disputeID int64, in ResolveInput) (*zhiyuan.HourDispute, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	d, err := a.store.FindDisputeByID(ctx, disputeID)
	if err != nil {
		return nil, err
	}
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, d.OrgID)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	resolution := strings.TrimSpace(in.Resolution)
	if resolution == "" {
		pr.Add("resolution", "dispute.resolution_required")
	} else if utf8.RuneCountInString(resolution) > zhiyuan.MaxReasonRunes {
		pr.Add("resolution", "dispute.resolution_long", "max", zhiyuan.MaxReasonRunes)
	}
	if !in.Accept && in.Hours != 0 {
		pr.Add("hours", "dispute.upheld_no_hours")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	status := zhiyuan.DisputeRejected
	var corr *zhiyuan.HourEntry
	var place sqlstore.EntryPlace
	var confirm *zhiyuan.HourConfirmation
	if in.Accept {
		status = zhiyuan.DisputeResolved
		if in.Hours != 0 {
			target, err := a.store.FindHourEntryByID(ctx, d.EntryID)
			if err != nil {
				return nil, err
			}
			if corr, place, confirm, err = a.correction(ctx, p, target, in.Hours, "申诉处理："+resolution); err != nil {
				return nil, err
			}
		}
	}
	if err := a.store.ResolveDispute(ctx, d.ID, p.AccountID, status, resolution, corr, place, confirm); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "hours.dispute."+string(status), "hour_dispute", strconv.FormatInt(d.ID, 10), place.RegionCode, o.ID, ""); err != nil {
		return nil, err
	}
	if acc, err := a.store.FindVolunteerByID(ctx, d.VolunteerID); err == nil {
		n := &zhiyuan.Notification{AccountID: acc.AccountID, Kind: "hours.dispute." + string(status),
			Title: zhiyuan.Text("notify.dispute_resolved_title", "status", status.Chinese()), Body: resolution, Link: "/me/hours"}
		if err := a.store.CreateNotification(ctx, n); err != nil {
			a.Log.WarnContext(ctx, "dispute notification failed", "error", err.Error())
		}
	}
	return a.store.FindDisputeByID(ctx, d.ID)
}

// OverdueQuery selects an overdue list: an organisation's (with its sub-organisations)
// or a region's. With neither, the caller's own scope is used.
type OverdueQuery struct {
	OrgID  int64
	Region string
	After  int64
	Limit  int
}

// OverdueHours lists entries still unconfirmed after the recording deadline (10 working
// days after the session), for the organisation's admins and its regional admins.
func (a *App) OverdueHours(ctx context.Context, p *zhiyuan.Principal, q OverdueQuery) ([]zhiyuan.HourEntry, error) {
	f, err := a.overdueFilter(ctx, p, q)
	if err != nil {
		return nil, err
	}
	return a.store.OverdueEntries(ctx, f)
}

// CountOverdueHours counts what OverdueHours lists for q (After and Limit aside), up to
// zhiyuan.CountCap; the same checks and scope.
func (a *App) CountOverdueHours(ctx context.Context, p *zhiyuan.Principal, q OverdueQuery) (int, error) {
	f, err := a.overdueFilter(ctx, p, q)
	if err != nil {
		return 0, err
	}
	return a.store.CountPendingEntries(ctx, f)
}

// overdueFilter checks q and turns it into the store's filter: an organisation's subtree
// or a region, each authorised; with neither, the caller's own scope.
func (a *App) overdueFilter(ctx context.Context, p *zhiyuan.Principal, q OverdueQuery) (sqlstore.OverdueFilter, error) {
	if p == nil {
		return sqlstore.OverdueFilter{}, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	f := sqlstore.OverdueFilter{After: q.After, Limit: q.Limit, EndedBefore: a.OverdueCutoff()}
	if q.OrgID == 0 && q.Region == "" {
		for _, r := range p.Roles {
			if r.Kind == zhiyuan.RoleOrgAdmin {
				q.OrgID = r.OrgID
				break
			}
		}
		if q.OrgID == 0 {
			if scopes := p.RegionScopes(); len(scopes) > 0 {
				q.Region = scopes[0]
			}
		}
	}
	switch {
	case q.OrgID != 0:
		if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, q.OrgID); err != nil {
			return f, err
		}
		f.OrgID = q.OrgID
	case q.Region == "*":
		if err := a.authorize(ctx, p, zhiyuan.ActPlatformAdmin, zhiyuan.Resource{}); err != nil {
			return f, err
		}
		f.RegionPrefix = "*"
	case q.Region != "":
		code, ok := a.Regions.Normalize(q.Region)
		if !ok {
			return f, zhiyuan.FieldFail(zhiyuan.EInvalid, "region", "region.unknown")
		}
		if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: code}); err != nil {
			return f, err
		}
		f.RegionPrefix = zhiyuan.ScopePrefix(code)
	default:
		return f, zhiyuan.Fail(zhiyuan.EForbidden, "hours.overdue_forbidden")
	}
	return f, nil
}

// OverdueCutoff returns the instant such that sessions ending before it are past their
// recording deadline now: the start of the day after the latest day whose deadline has
// passed, in Beijing time (the deadline is reckoned in working days of the venue).
func (a *App) OverdueCutoff() time.Time {
	now := a.store.Now()
	loc := zhiyuan.LoadZone(zhiyuan.DefaultTimeZone)
	local := now.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	for i := 0; i < 60 && zhiyuan.RecordingDeadline(day, loc, a.Config.WorkCalendar).After(now); i++ {
		day = day.AddDate(0, 0, -1)
	}
	return day.AddDate(0, 0, 1)
}

// VerifyLedger checks every chain and the totals against the ledger (the operator's
// `zhiyuan ledger verify`; no caller, as it runs on the server itself).
func (a *App) VerifyLedger(ctx context.Context, maxProblems int) (*zhiyuan.LedgerReport, error) {
	return a.store.VerifyLedger(ctx, maxProblems)
}

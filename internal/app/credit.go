package app

import (
	"context"
	"strconv"
	"time"

	"zhiyuan"
)

// The credit record (zhiyuan/credit.go): a volunteer's marks and standing, waiving a mark
// (the organisation that recorded it), appealing it (the volunteer) and deciding the
// appeal (an admin of the organisation's region). Marks themselves are written by the
// store in the transactions of no-shows and late cancellations.

// CreditRecord is what 我的信用 and GET /me/credit show.
type CreditRecord struct {
	Standing zhiyuan.CreditStanding
	Marks    []*zhiyuan.CreditMark
	Now      time.Time
}

// creditOf reads a volunteer's marks and standing (good standing, stars, recent marks,
// suspension) at the App's clock; partners' good-standing condition reads the standing
// through creditWith. It does no authorisation; callers decide who may learn it.
func (a *App) creditOf(ctx context.Context, volunteerID int64) ([]*zhiyuan.CreditMark, zhiyuan.CreditStanding, error) {
	totals, err := a.store.HourTotals(ctx, volunteerID)
	if err != nil {
		return nil, zhiyuan.CreditStanding{}, err
	}
	return a.creditWith(ctx, volunteerID, totals.ConfirmedMinutes)
}

// creditWith is creditOf for a caller that has read the volunteer's confirmed minutes.
func (a *App) creditWith(ctx context.Context, volunteerID, confirmedMinutes int64) ([]*zhiyuan.CreditMark, zhiyuan.CreditStanding, error) {
	marks, err := a.store.FindCreditMarks(ctx, volunteerID)
	if err != nil {
		return nil, zhiyuan.CreditStanding{}, err
	}
	until, err := a.store.SuspendedUntil(ctx, volunteerID)
	if err != nil {
		return nil, zhiyuan.CreditStanding{}, err
	}
	return marks, zhiyuan.StandingAt(marks, confirmedMinutes, until, a.store.Now()), nil
}

// MyCredit returns the caller's own credit record.
func (a *App) MyCredit(ctx context.Context, p *zhiyuan.Principal) (*CreditRecord, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return nil, err
	}
	id, err := a.store.VolunteerIDByAccount(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	marks, st, err := a.creditOf(ctx, id)
	if err != nil {
		return nil, err
	}
	return &CreditRecord{Standing: st, Marks: marks, Now: a.store.Now()}, nil
}

// WaiveMark waives a mark for a manager of the organisation that recorded it, with a
// reason; the volunteer's suspension is recomputed in the same transaction. Audited.
func (a *App) WaiveMark(ctx context.Context, p *zhiyuan.Principal, id int64, reason string) (*zhiyuan.CreditMark, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	m, err := a.store.FindCreditMark(ctx, id)
	if err != nil {
		return nil, err
	}
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, m.OrgID)
	if err != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.credit_mark")
	}
	pr := zhiyuan.Problems{}
	reason = checkReason(pr, reason)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err := a.store.WaiveMark(ctx, id, p.AccountID, reason); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "credit.waive", "credit_mark", strconv.FormatInt(id, 10), o.RegionCode, o.ID, reason); err != nil {
		return nil, err
	}
	return a.store.FindCreditMark(ctx, id)
}

// AppealMark files the caller's appeal of one of their own marks (once per mark).
func (a *App) AppealMark(ctx context.Context, p *zhiyuan.Principal, id int64, reason string) (*zhiyuan.CreditMark, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	m, err := a.store.FindCreditMark(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: m.AccountID}); err != nil || m.AccountID != p.AccountID {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.credit_mark")
	}
	pr := zhiyuan.Problems{}
	reason = checkReason(pr, reason)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err := a.store.AppealMark(ctx, id, reason); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "credit.appeal", "credit_mark", strconv.FormatInt(id, 10), m.OrgRegion, m.OrgID, ""); err != nil {
		return nil, err
	}
	return a.store.FindCreditMark(ctx, id)
}

// DecideAppeal settles an appeal, for an admin of the region of the organisation that
// recorded the mark: upheld (the mark stands) or waived (it is waived and the suspension
// recomputed). Audited.
func (a *App) DecideAppeal(ctx context.Context, p *zhiyuan.Principal, id int64, decision zhiyuan.AppealStatus, reason string) (*zhiyuan.CreditMark, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	m, err := a.store.FindCreditMark(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: m.OrgRegion}); err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	if decision != zhiyuan.AppealUpheld && decision != zhiyuan.AppealWaived {
		pr.Add("decision", "credit.decision_unknown")
	}
	reason = checkReason(pr, reason)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err := a.store.DecideAppeal(ctx, id, p.AccountID, decision, reason); err != nil {
		return nil, err
	}
	action := "credit.appeal.upheld"
	if decision == zhiyuan.AppealWaived {
		action = "credit.appeal.waived"
	}
	if err := a.audit(ctx, p, action, "credit_mark", strconv.FormatInt(id, 10), m.OrgRegion, m.OrgID, reason); err != nil {
		return nil, err
	}
	return a.store.FindCreditMark(ctx, id)
}

// CreditAppeals lists the appeals waiting for the caller's decision: those of marks
// recorded by organisations in the regions they administer.
func (a *App) CreditAppeals(ctx context.Context, p *zhiyuan.Principal, after int64) ([]*zhiyuan.CreditMark, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	sc := a.orgScope(p)
	sc.OrgIDs = nil // appeals are the region's to decide, not an organisation's
	if !sc.All && len(sc.RegionPrefixes) == 0 {
		if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: "440000"}); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return a.store.PendingAppeals(ctx, &sc, after, zhiyuan.CreditAppealsPage)
}

// CanDecideAppeal reports whether p may decide appeals of marks recorded in region, for
// showing the buttons.
func (a *App) CanDecideAppeal(p *zhiyuan.Principal, region string) bool {
	return p != nil && zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: region}) == nil
}

// SessionCreditMarks lists the marks recorded on a session's sign-ups, keyed by sign-up,
// for a manager of its organisation (the sign-up page's 撤销 buttons).
func (a *App) SessionCreditMarks(ctx context.Context, p *zhiyuan.Principal, sessionID int64) (map[int64]*zhiyuan.CreditMark, error) {
	if _, _, err := a.manageSession(ctx, p, sessionID); err != nil {
		return nil, err
	}
	list, err := a.store.FindSessionCreditMarks(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	out := map[int64]*zhiyuan.CreditMark{}
	for _, m := range list {
		if prev, ok := out[m.SignupID]; !ok || m.ID > prev.ID {
			out[m.SignupID] = m
		}
	}
	return out, nil
}

// CreditMark returns one mark to its volunteer, a manager of its organisation or an admin
// of its region; to anyone else it does not exist.
func (a *App) CreditMark(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CreditMark, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	m, err := a.store.FindCreditMark(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.AccountID == p.AccountID || a.CanDecideAppeal(p, m.OrgRegion) {
		return m, nil
	}
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, m.OrgID); err != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.credit_mark")
	}
	return m, nil
}

package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// Pairing (结对, issue 15). An admin of an approved organisation pairs it with a recipient
// for a period; the pairing creates a draft activity whose sessions are the visits (the
// organisation publishes it for its volunteers to sign up, check in and have their hours
// confirmed, as for any activity). The community is the need's poster when the pairing
// comes from a need, else the regional admin holding the recipient's region most narrowly
// (sqlstore.CommunityAccount). Who sees a pairing: the organisation's admins, the
// community, and the regional admins whose scope holds its region.

// CreatePairing validates and records a pairing with its activity. in.OrgID 0 means the
// caller's only organisation; in.NeedID, when set, carries the need's place and people
// over (fields left empty) and makes its poster the community.
func (a *App) CreatePairing(ctx context.Context, p *zhiyuan.Principal, in zhiyuan.Pairing) (*zhiyuan.Pairing, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	if in.OrgID == 0 {
		in.OrgID = DefaultTakingOrg(p)
	}
	if in.OrgID == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "org_id", "pairing.org_required")
	}
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, in.OrgID)
	if err != nil {
		return nil, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "activity.org_not_approved")
	}
	pg := in
	pg.ID, pg.ActivityID, pg.CommunityAccountID, pg.Visits, pg.EndedAt = 0, 0, 0, nil, nil
	pr := zhiyuan.Problems{}
	if pg.NeedID != 0 {
		n, err := a.Need(ctx, p, pg.NeedID)
		if err != nil {
			return nil, err
		}
		switch n.Status {
		case zhiyuan.NeedPending, zhiyuan.NeedRejected, zhiyuan.NeedClosed:
			return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "need_id", "pairing.need_not_open", "status", n.Status.Chinese())
		}
		if strings.TrimSpace(pg.TargetGroup) == "" {
			pg.TargetGroup = n.TargetGroup
		}
		if pg.Category == "" {
			pg.Category = n.Category
		}
		if strings.TrimSpace(pg.RegionCode) == "" {
			pg.RegionCode = n.RegionCode
		}
		if strings.TrimSpace(pg.Address) == "" {
			pg.Address, pg.Lat, pg.Lng = n.Address, n.Lat, n.Lng
		}
		pg.CommunityAccountID = n.PostedBy
	}
	pg.RegionCode = a.checkRegion(pr, "region_code", strings.TrimSpace(pg.RegionCode))
	if pg.RegionCode == "" {
		pr.Add("region_code", "activity.region_required")
	}
	if err := pg.Validate(); err != nil {
		pr.Merge("", err)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	visits := pg.VisitTimes()
	if len(visits) == 0 || visits[0].StartsAt.Before(a.store.Now()) {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "starts_on", "pairing.starts_in_past")
	}
	if pg.CommunityAccountID == 0 {
		if pg.CommunityAccountID, err = a.store.CommunityAccount(ctx, pg.RegionCode); err != nil {
			return nil, err
		}
	}
	act := PairingActivityInput(&pg).activity(o.ID)
	if err := a.validateActivity(ctx, act, o); err != nil {
		return nil, err
	}
	if err := a.store.CreatePairing(ctx, &pg, act, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "pairing.create", "pairing", strconv.FormatInt(pg.ID, 10), pg.RegionCode, o.ID, pg.Recipient); err != nil {
		return nil, err
	}
	return a.store.FindPairing(ctx, pg.ID)
}

// PairingActivityInput is the draft activity a pairing creates: its visits as sessions,
// one seat per volunteer on a visit, in the recipient's place. The contact the community
// holds stays on the pairing (seen by the organisation and the community), not on the
// activity's public page.
func PairingActivityInput(pg *zhiyuan.Pairing) ActivityInput {
	in := ActivityInput{
		Title:       zhiyuan.Text("pairing.activity_title", "recipient", pg.Recipient),
		Description: zhiyuan.Text("pairing.activity_description", "cadence", pg.Cadence(), "starts", pg.StartsOn, "ends", pg.EndsOn),
		Category:    pg.Category, TargetGroup: pg.TargetGroup, RegionCode: pg.RegionCode, Address: pg.Address,
		Lat: pg.Lat, Lng: pg.Lng, TimeZone: "Asia/Shanghai", SignupMode: zhiyuan.SignupFirstCome,
	}
	for _, v := range pg.VisitTimes() {
		in.Sessions = append(in.Sessions, SessionInput{StartsAt: v.StartsAt, EndsAt: v.EndsAt, Capacity: v.Capacity})
	}
	return in
}

// canSeePairing: the organisation's admins, the community, and the regional admins whose
// scope holds the pairing's region.
func (a *App) canSeePairing(ctx context.Context, p *zhiyuan.Principal, pg *zhiyuan.Pairing) bool {
	if p == nil || p.AccountID == 0 {
		return false
	}
	return p.AccountID == pg.CommunityAccountID || a.CanManagePairing(ctx, p, pg) ||
		zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: pg.RegionCode}) == nil
}

// CanManagePairing reports whether p runs the pairing's organisation.
func (a *App) CanManagePairing(ctx context.Context, p *zhiyuan.Principal, pg *zhiyuan.Pairing) bool {
	_, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, pg.OrgID)
	return err == nil
}

// CanEndPairing reports whether p may end an active pairing early: its organisation or
// its community.
func (a *App) CanEndPairing(ctx context.Context, p *zhiyuan.Principal, pg *zhiyuan.Pairing) bool {
	return pg.Status == zhiyuan.PairingActive && a.canSeePairing(ctx, p, pg)
}

// Pairing returns one pairing with its visits, to those who may see it; to anyone else
// it does not exist (ENotFound).
func (a *App) Pairing(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Pairing, error) {
	pg, err := a.store.FindPairing(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.canSeePairing(ctx, p, pg) {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.pairing")
	}
	return pg, nil
}

// Pairings lists the caller's pairings, newest first: their organisations', those they
// are the community of, and those in their first regional scope.
func (a *App) Pairings(ctx context.Context, p *zhiyuan.Principal) ([]zhiyuan.Pairing, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	f := sqlstore.PairingFilter{CommunityAccountID: p.AccountID}
	for _, r := range p.Roles {
		if r.Kind == zhiyuan.RoleOrgAdmin && r.OrgID != 0 {
			f.OrgIDs = append(f.OrgIDs, r.OrgID)
		}
	}
	if scopes := p.RegionScopes(); len(scopes) > 0 {
		f.RegionPrefix = scopes[0]
		if f.RegionPrefix != "*" {
			f.RegionPrefix = zhiyuan.ScopePrefix(scopes[0])
		}
	}
	return a.store.FindPairings(ctx, f)
}

// OrgPairings lists an organisation's pairings for its admins.
func (a *App) OrgPairings(ctx context.Context, p *zhiyuan.Principal, orgID int64) ([]zhiyuan.Pairing, error) {
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
		return nil, err
	}
	return a.store.FindPairings(ctx, sqlstore.PairingFilter{OrgIDs: []int64{orgID}})
}

// EndPairing ends a pairing early, for its organisation or its community: visits from now
// on are no longer expected (never missed). Audited.
func (a *App) EndPairing(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Pairing, error) {
	pg, err := a.Pairing(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := a.store.EndPairing(ctx, id, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "pairing.end", "pairing", strconv.FormatInt(id, 10), pg.RegionCode, pg.OrgID, pg.Recipient); err != nil {
		return nil, err
	}
	return a.store.FindPairing(ctx, id)
}

// missedVisitsBatch bounds one run of the missed-visit check; the next run takes the rest.
const missedVisitsBatch = 500

// WarnMissedVisits tells each pairing's community, in the app and by SMS or email where
// it can be reached, of each visit missed (ended more than zhiyuan.PairingVisitGrace ago
// without confirmed hours), once per visit: the store keeps one record per visit warned
// of, so runs that overlap or repeat warn nobody twice. It returns how many it warned of.
func (a *App) WarnMissedVisits(ctx context.Context) (int, error) {
	list, err := a.store.MissedVisits(ctx, a.store.Now().Add(-zhiyuan.PairingVisitGrace), a.store.Now().Add(-zhiyuan.PairingWarnWindow), missedVisitsBatch)
	if err != nil {
		return 0, err
	}
	warned := 0
	for _, m := range list {
		n := &zhiyuan.Notification{AccountID: m.CommunityAccountID, Kind: zhiyuan.NoticePairingMissed,
			Title: zhiyuan.Text("pairing.missed_title", "recipient", m.Recipient),
			Body: zhiyuan.Text("pairing.missed_body", "org", m.OrgName, "date", m.StartsAt.In(zhiyuan.Beijing).Format("2006-01-02 15:04"),
				"hours", int(zhiyuan.PairingVisitGrace.Hours())),
			Link: fmt.Sprintf("/pairings/%d", m.PairingID)}
		ok, err := a.store.WarnMissedVisit(ctx, m, n)
		if err != nil {
			return warned, err
		}
		if ok {
			warned++
		}
	}
	return warned, nil
}

// PairingActivity is the activity PairingActivityInput describes, for organisation orgID:
// for the demo data, which writes past pairings straight to the store.
func PairingActivity(pg *zhiyuan.Pairing, orgID int64) *zhiyuan.Activity {
	return PairingActivityInput(pg).activity(orgID)
}

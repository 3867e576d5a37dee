package app

import (
	"context"

	"zhiyuan"
)

// HourEntry returns one ledger entry to the volunteer it belongs to, to an admin of the
// recording organisation (or of a parent organisation, or a regional admin over it), or
// to a regional admin over the region where the service took place. To a caller with no
// administrative role someone else's entry does not exist (404); other admins get 403.
func (a *App) HourEntry(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.HourEntry, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	e, err := a.store.FindHourEntryByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if volunteerID, err := a.store.VolunteerIDByAccount(ctx, p.AccountID); err == nil && volunteerID == e.VolunteerID {
		return e, nil
	}
	if len(p.Roles) == 0 {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.hour_entry")
	}
	_, err = a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, e.OrgID)
	if zhiyuan.ErrorCode(err) == zhiyuan.EForbidden && e.ActivityID != 0 && len(p.RegionScopes()) > 0 {
		// The service's own region counts too: an activity may be held outside the
		// recording organisation's region.
		act, aerr := a.store.FindActivityByID(ctx, e.ActivityID)
		if aerr != nil {
			return nil, aerr
		}
		err = a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: act.RegionCode})
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

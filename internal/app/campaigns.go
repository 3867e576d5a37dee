package app

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/region"
)

// Campaigns and the contest (issue 16). Who may create one: a regional admin of the
// province or a city (or the platform) for a region subtree within their own scope. Who
// may enter an activity: whoever manages its organisation, when the activity's venue lies
// in the campaign's scope. Who may refuse one: an admin whose scope holds the campaign's
// region (the campaign's own admins). Campaigns, their activities and their figures are
// public.

// CreateCampaign validates and records a campaign; bad fields are 422 naming each field,
// a region outside the caller's scope 403.
func (a *App) CreateCampaign(ctx context.Context, p *zhiyuan.Principal, in zhiyuan.Campaign) (*zhiyuan.Campaign, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	c := in
	c.ID, c.CreatedBy = 0, p.AccountID
	pr := zhiyuan.Problems{}
	code := strings.TrimSpace(c.RegionCode)
	if code == "" {
		pr.Add("region_code", "campaign.region_required")
	} else if norm, ok := a.Regions.Normalize(code); !ok {
		pr.Add("region_code", "region.unknown")
	} else {
		c.RegionCode = norm
	}
	if err := c.Validate(); err != nil {
		pr.Merge("", err)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if !a.CanCreateCampaign(p, c.RegionCode) {
		a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: c.RegionCode})
		return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "region_code", "campaign.creator_required")
	}
	if err := a.store.CreateCampaign(ctx, &c); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "campaign.create", "campaign", strconv.FormatInt(c.ID, 10), c.RegionCode, 0, c.Name); err != nil {
		return nil, err
	}
	return &c, nil
}

// CanCreateCampaign reports whether p may run a campaign over the region code: the
// platform, or a regional admin of a province or a city whose scope holds it. A district's
// admin cannot: the contest ranks districts against each other.
func (a *App) CanCreateCampaign(p *zhiyuan.Principal, code string) bool {
	if p == nil {
		return false
	}
	for _, r := range p.Roles {
		switch r.Kind {
		case zhiyuan.RolePlatform:
			return true
		case zhiyuan.RoleRegional:
			reg, ok := a.Regions.Lookup(r.RegionCode)
			if ok && reg.Level <= region.City && (code == "" || region.Contains(r.RegionCode, code)) {
				return true
			}
		}
	}
	return false
}

// CanRunCampaign reports whether p administers the campaign (refuses entries): an admin
// whose scope holds its region.
func (a *App) CanRunCampaign(p *zhiyuan.Principal, c *zhiyuan.Campaign) bool {
	return p != nil && zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: c.RegionCode}) == nil
}

// Campaign returns one campaign; campaigns are public.
func (a *App) Campaign(ctx context.Context, id int64) (*zhiyuan.Campaign, error) {
	return a.store.FindCampaign(ctx, id)
}

// Campaigns lists the latest campaigns, public.
func (a *App) Campaigns(ctx context.Context) ([]*zhiyuan.Campaign, error) {
	return a.store.FindCampaigns(ctx, 100)
}

// ActivityCampaigns lists the campaigns an activity was entered into, with each entry's
// status (a refusal's reason is shown to the activity's organisation and to the public
// alike: it is about the activity, not a person).
func (a *App) ActivityCampaigns(ctx context.Context, activityID int64) ([]zhiyuan.CampaignEntry, error) {
	return a.store.CampaignsOfActivity(ctx, activityID)
}

// EnterCampaign enters an activity into a campaign for the organisation that runs it. The
// activity must be published (or over), its venue in the campaign's scope, and the
// campaign open. Its confirmed hours, those before the entry included, count from then on.
func (a *App) EnterCampaign(ctx context.Context, p *zhiyuan.Principal, activityID, campaignID int64) (*zhiyuan.CampaignEntry, error) {
	if campaignID <= 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "campaign_id", "campaign.id_required")
	}
	act, o, err := a.manageActivity(ctx, p, activityID)
	if err != nil {
		return nil, err
	}
	c, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "campaign_id", "notfound.campaign")
		}
		return nil, err
	}
	switch {
	case c.Status != zhiyuan.CampaignOpen:
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "campaign_id", "campaign.closed")
	case !region.Contains(c.RegionCode, act.RegionCode):
		return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "campaign_id", "campaign.out_of_scope")
	case act.Status != zhiyuan.ActivityPublished && act.Status != zhiyuan.ActivityClosed:
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "campaign_id", "campaign.activity_not_open")
	}
	e, err := a.store.EnterCampaign(ctx, c.ID, act.ID, p.AccountID)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "campaign.enter", "campaign", strconv.FormatInt(c.ID, 10), act.RegionCode, o.ID,
		"activity "+strconv.FormatInt(act.ID, 10)); err != nil {
		return nil, err
	}
	return e, nil
}

// RefuseCampaignEntry turns an entered activity away with a reason, by an admin of the
// campaign; the figures are recounted without it and the refusal is audited.
func (a *App) RefuseCampaignEntry(ctx context.Context, p *zhiyuan.Principal, campaignID, activityID int64, reason string) (*zhiyuan.CampaignEntry, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	c, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: c.RegionCode}); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "campaign.reason_required")
	case utf8.RuneCountInString(reason) > zhiyuan.CampaignRefuseReasonMx:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "campaign.reason_long", "max", zhiyuan.CampaignRefuseReasonMx)
	}
	e, err := a.store.RefuseCampaignEntry(ctx, c.ID, activityID, p.AccountID, reason)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "campaign.refuse", "campaign", strconv.FormatInt(c.ID, 10), e.RegionCode, e.OrgID,
		"activity "+strconv.FormatInt(activityID, 10)+": "+reason); err != nil {
		return nil, err
	}
	return e, nil
}

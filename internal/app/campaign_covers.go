package app

import (
	"context"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/proof"
)

// Campaign cover images (issue 16). A cover is re-encoded by the card photo's code
// (internal/proof: JPEG or PNG only, every size limit checked from the header, only the
// decoded pixels written back) at zhiyuan.CampaignCoverWidth × CampaignCoverHeight and
// kept in the database beside the campaign. Covers are public, as campaigns are; only the
// campaign's admins change one, audited.

// CreateCampaignWithCover is CreateCampaign with a cover image as uploaded (nil or empty:
// none). A bad image is 422 naming the field "cover" and nothing is recorded; otherwise
// the campaign and its cover are written in one transaction.
func (a *App) CreateCampaignWithCover(ctx context.Context, p *zhiyuan.Principal, in zhiyuan.Campaign, cover []byte) (*zhiyuan.Campaign, error) {
	if len(cover) == 0 {
		return a.CreateCampaign(ctx, p, in)
	}
	var img []byte
	var coverErr error
	if p != nil && p.AccountID != 0 && a.CanCreateCampaign(p, "") {
		// Checked before the campaign's other fields are, so that one answer names every
		// problem; only someone who may create campaigns gets an image decoded.
		img, coverErr = proof.NormalizeCoverContext(ctx, cover)
	}
	return a.createCampaign(ctx, p, in, img, coverErr)
}

// SetCampaignCover replaces the campaign's cover for one of its admins (403 otherwise),
// audited, and returns the campaign with its new cover version.
func (a *App) SetCampaignCover(ctx context.Context, p *zhiyuan.Principal, campaignID int64, cover []byte) (*zhiyuan.Campaign, error) {
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
	img, err := proof.NormalizeCoverContext(ctx, cover)
	if err != nil {
		return nil, err
	}
	entry := a.auditEntry(ctx, p, "campaign.cover", "campaign", strconv.FormatInt(c.ID, 10), c.RegionCode, 0, c.Name)
	if c.CoverVersion, err = a.store.SetCampaignCover(ctx, c.ID, img, p.AccountID, entry); err != nil {
		return nil, err
	}
	return c, nil
}

// CampaignCover returns a campaign's cover (a JPEG) and its version; public. ENotFound
// when the campaign has none.
func (a *App) CampaignCover(ctx context.Context, campaignID int64) ([]byte, int64, error) {
	return a.store.CampaignCover(ctx, campaignID)
}

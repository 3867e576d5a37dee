package app

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// Needs (点单) and taking them (接单, issue 15). Who may post: a regional admin whose scope
// holds the need's region (a street or district acting for its community; the need opens
// at once), or an admin of an approved organisation acting for recipients (the need waits
// for the street or district's review). zhiyuan.NeedAutoOpens is that rule.

// NeedInput is a need as a community enters it. OrgID, when not zero, posts it as that
// organisation (acting for recipients); otherwise the caller posts as the region's admin.
type NeedInput struct {
	zhiyuan.Need
	OrgID int64
}

// PostNeed validates and records a need.
func (a *App) PostNeed(ctx context.Context, p *zhiyuan.Principal, in NeedInput) (*zhiyuan.Need, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	n := in.Need
	n.ID, n.Takers, n.Rating, n.RatingComment, n.TakenBy = 0, 0, 0, "", nil
	pr := zhiyuan.Problems{}
	n.RegionCode = a.checkRegion(pr, "region_code", strings.TrimSpace(n.RegionCode))
	if n.RegionCode == "" {
		pr.Add("region_code", "activity.region_required")
	}
	if err := n.Validate(); err != nil {
		pr.Merge("", err)
	}
	if !n.StartsAt.IsZero() && n.StartsAt.Before(a.store.Now()) {
		pr.Add("starts_at", "session.starts_in_past")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if in.OrgID != 0 {
		o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, in.OrgID)
		if err != nil {
			return nil, err
		}
		if o.Status != zhiyuan.OrgApproved {
			return nil, zhiyuan.Fail(zhiyuan.EForbidden, "activity.org_not_approved")
		}
		n.PostedOrgID = o.ID
	} else if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: n.RegionCode}); err != nil {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "need.poster_required")
	}
	n.Status = zhiyuan.NeedPending
	if zhiyuan.NeedAutoOpens(in.OrgID == 0) {
		n.Status = zhiyuan.NeedOpen
	}
	n.PostedBy = p.AccountID
	if err := a.store.CreateNeed(ctx, &n); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "need.post", "need", strconv.FormatInt(n.ID, 10), n.RegionCode, n.PostedOrgID, n.Title); err != nil {
		return nil, err
	}
	return a.store.FindNeed(ctx, n.ID)
}

// canSeeNeed: open, taken, served and closed needs are public (they name a target group
// and a place, no person); pending and rejected ones only to their poster and reviewers.
func (a *App) canSeeNeed(p *zhiyuan.Principal, n *zhiyuan.Need) bool {
	switch n.Status {
	case zhiyuan.NeedPending, zhiyuan.NeedRejected:
		return p != nil && (p.AccountID == n.PostedBy || a.CanReviewNeed(p, n))
	}
	return true
}

// CanReviewNeed reports whether p is a street or district (or higher) admin whose scope
// holds the need's region.
func (a *App) CanReviewNeed(p *zhiyuan.Principal, n *zhiyuan.Need) bool {
	return zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: n.RegionCode}) == nil
}

// CanActForNeed reports whether p speaks for the community that posted n: the regional
// admins of its region, or the posting organisation's admins.
func (a *App) CanActForNeed(ctx context.Context, p *zhiyuan.Principal, n *zhiyuan.Need) bool {
	if n.PostedOrgID != 0 {
		_, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, n.PostedOrgID)
		return err == nil
	}
	return a.CanReviewNeed(p, n)
}

// Need returns one need with its takers, sessions held and hours confirmed.
func (a *App) Need(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Need, error) {
	n, err := a.store.FindNeed(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.canSeeNeed(p, n) {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.need")
	}
	return n, nil
}

// NeedQuery is a list of needs as asked: near "lat,lng" within WithinKm, by category and
// status (open by default). Pending needs are listed only in the caller's review scope.
type NeedQuery struct {
	Near     string
	WithinKm string
	Category string
	Status   string
	Mine     bool
}

// Needs lists needs, nearest or most urgent first.
func (a *App) Needs(ctx context.Context, p *zhiyuan.Principal, q NeedQuery) ([]zhiyuan.Need, error) {
	pr := zhiyuan.Problems{}
	f := sqlstore.NeedFilter{Status: zhiyuan.NeedOpen, Limit: 100}
	if q.Status != "" {
		f.Status = zhiyuan.NeedStatus(q.Status)
		if !f.Status.Valid() {
			pr.Add("status", "need.status_unknown")
		}
	}
	if q.Category != "" {
		f.Category = zhiyuan.Category(q.Category)
		if !f.Category.Valid() {
			pr.Add("category", "need.category_unknown")
		}
	}
	var center *zhiyuan.LatLng
	km := float64(zhiyuan.NeedWithinKmMax)
	if q.Near != "" {
		parts := strings.Split(q.Near, ",")
		var lat, lng float64
		var err1, err2 error
		if len(parts) == 2 {
			lat, err1 = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
			lng, err2 = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		}
		if len(parts) != 2 || err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			pr.Add("near", "need.near_format")
		} else {
			center = &zhiyuan.LatLng{Lat: lat, Lng: lng}
		}
	}
	if q.WithinKm != "" {
		v, err := strconv.ParseFloat(q.WithinKm, 64)
		if err != nil || v < 1 || v > zhiyuan.NeedWithinKmMax {
			pr.Add("within_km", "need.within_km_range", "max", zhiyuan.NeedWithinKmMax)
		}
		km = v
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if q.Mine {
		if p == nil || p.AccountID == 0 {
			return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
		}
		f.PostedBy = p.AccountID
		if q.Status == "" {
			f.Status = ""
		}
	} else if f.Status == zhiyuan.NeedPending || f.Status == zhiyuan.NeedRejected {
		// Only what the caller reviews: their first regional scope (a platform admin: all).
		scopes := p.RegionScopes()
		if len(scopes) == 0 {
			return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
		}
		if scopes[0] != "*" {
			f.RegionPrefix = zhiyuan.ScopePrefix(scopes[0])
		}
	}
	if center != nil {
		f.MinLat, f.MaxLat, f.MinLng, f.MaxLng = zhiyuan.BoundingBox(*center, km)
	}
	list, err := a.store.FindNeeds(ctx, f)
	if err != nil {
		return nil, err
	}
	if center == nil {
		return list, nil
	}
	out := list[:0]
	for _, n := range list {
		d := zhiyuan.DistanceKm(*center, zhiyuan.LatLng{Lat: n.Lat, Lng: n.Lng})
		if d <= km {
			n.DistanceKm = &d
			out = append(out, n)
		}
	}
	return out, nil
}

// ReviewNeed approves or rejects a pending need: a regional admin whose scope holds the
// need's region, audited.
func (a *App) ReviewNeed(ctx context.Context, p *zhiyuan.Principal, id int64, decision string) (*zhiyuan.Need, error) {
	n, err := a.store.FindNeed(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: n.RegionCode}); err != nil {
		return nil, err
	}
	if d := zhiyuan.NeedDecision(decision); d != zhiyuan.NeedApprove && d != zhiyuan.NeedReject {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "decision", "need.decision_unknown")
	}
	if err := a.store.ReviewNeed(ctx, id, zhiyuan.NeedDecision(decision) == zhiyuan.NeedApprove, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "need."+decision, "need", strconv.FormatInt(id, 10), n.RegionCode, n.PostedOrgID, n.Title); err != nil {
		return nil, err
	}
	return a.store.FindNeed(ctx, id)
}

// NeedActivityInput is the draft activity taking a need starts: the need's fields carried
// over, one session over its dates for the volunteers it asks for.
func NeedActivityInput(n *zhiyuan.Need) ActivityInput {
	return ActivityInput{
		Title: n.Title, Description: n.Description, Category: n.Category, TargetGroup: n.TargetGroup,
		RegionCode: n.RegionCode, Address: n.Address, Lat: n.Lat, Lng: n.Lng, TimeZone: "Asia/Shanghai",
		Skills: n.Skills, SignupMode: zhiyuan.SignupFirstCome,
		Sessions: []SessionInput{{StartsAt: n.StartsAt, EndsAt: n.EndsAt, Capacity: n.VolunteersWanted}},
	}
}

// TakeNeed takes an open need for organisation orgID (which the caller manages and which
// is approved) and starts a draft activity from it, returning the activity. Of two
// organisations taking a single-taker need at once exactly one wins; the other gets
// EConflict "need.taken".
func (a *App) TakeNeed(ctx context.Context, p *zhiyuan.Principal, id, orgID int64) (*zhiyuan.Activity, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "activity.org_not_approved")
	}
	n, err := a.Need(ctx, p, id)
	if err != nil {
		return nil, err
	}
	act := NeedActivityInput(n).activity(orgID)
	if err := a.validateActivity(ctx, act, o); err != nil {
		return nil, err
	}
	if err := a.store.TakeNeed(ctx, id, orgID, act, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "need.take", "need", strconv.FormatInt(id, 10), n.RegionCode, orgID, n.Title); err != nil {
		return nil, err
	}
	return act, nil
}

// DefaultTakingOrg is the organisation the caller takes needs for when they name none:
// their only organisation, or 0 when they administer none or several.
func DefaultTakingOrg(p *zhiyuan.Principal) int64 {
	var id int64
	for _, r := range p.Roles {
		if r.Kind == zhiyuan.RoleOrgAdmin && r.OrgID != 0 {
			if id != 0 && id != r.OrgID {
				return 0
			}
			id = r.OrgID
		}
	}
	return id
}

// RateNeed is the community's confirmation that a taken need was served, with a rating of
// 1–5 and a comment; the need becomes served and the rating counts on the organisations'
// pages. Only who speaks for the community that posted it may.
func (a *App) RateNeed(ctx context.Context, p *zhiyuan.Principal, id int64, rating int, comment string) (*zhiyuan.Need, error) {
	n, err := a.Need(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	if !a.CanActForNeed(ctx, p, n) {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	pr := zhiyuan.Problems{}
	if rating < 1 || rating > 5 {
		pr.Add("rating", "need.rating_range")
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > zhiyuan.NeedRatingComment {
		pr.Add("comment", "need.rating_comment_long", "max", zhiyuan.NeedRatingComment)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	// Served means a session of its activities was held; before that there is nothing to rate.
	if n.SessionsHeld == 0 && (n.Status == zhiyuan.NeedOpen || n.Status == zhiyuan.NeedTaken) {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "need.not_served", "status", n.Status.Chinese())
	}
	if err := a.store.RateNeed(ctx, id, rating, comment); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "need.rate", "need", strconv.FormatInt(id, 10), n.RegionCode, n.PostedOrgID, strconv.Itoa(rating)); err != nil {
		return nil, err
	}
	return a.store.FindNeed(ctx, id)
}

// OrgNeedRatings is the average and count of the ratings of the needs an organisation took.
func (a *App) OrgNeedRatings(ctx context.Context, orgID int64) (zhiyuan.NeedRatings, error) {
	return a.store.OrgNeedRatings(ctx, orgID)
}

// CloseNeed ends a need for the community that posted it: an open need nobody will take,
// or one served. It can no longer be taken or rated; audited.
func (a *App) CloseNeed(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Need, error) {
	n, err := a.Need(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	if !a.CanActForNeed(ctx, p, n) {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	if err := a.store.CloseNeed(ctx, id); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "need.close", "need", strconv.FormatInt(id, 10), n.RegionCode, n.PostedOrgID, n.Title); err != nil {
		return nil, err
	}
	return a.store.FindNeed(ctx, id)
}

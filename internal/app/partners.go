package app

import (
	"context"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/uscc"
)

// PartnerInput is a partner's application as typed by its applicant.
type PartnerInput struct {
	Name         string
	CreditCode   string
	RegionCode   string
	ContactName  string
	ContactPhone string
}

// ApplyPartner records a partner's application (pending) on behalf of the caller, who
// becomes its first admin; a city or the province approves it (ApprovePartner). Every bad
// field is reported at once.
func (a *App) ApplyPartner(ctx context.Context, p *zhiyuan.Principal, in PartnerInput) (*zhiyuan.Partner, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	pt := &zhiyuan.Partner{Name: strings.TrimSpace(in.Name), ContactName: strings.TrimSpace(in.ContactName), CreatedBy: p.AccountID}
	probs := zhiyuan.Problems{}
	switch n := utf8.RuneCountInString(pt.Name); {
	case n == 0:
		probs.Add("name", "partner.name_required")
	case n > zhiyuan.MaxPartnerNameRunes:
		probs.Add("name", "partner.name_long", "max", zhiyuan.MaxPartnerNameRunes)
	}
	if cc := strings.TrimSpace(in.CreditCode); cc == "" {
		probs.Add("credit_code", "partner.credit_code_required")
	} else if v, err := uscc.Validate(cc); err != nil {
		probs.Add("credit_code", creditCodeReason(err))
	} else {
		pt.CreditCode = v
	}
	code, ok := a.Regions.Normalize(strings.TrimSpace(in.RegionCode))
	switch {
	case strings.TrimSpace(in.RegionCode) == "":
		probs.Add("region_code", "org.region_required")
	case !ok:
		probs.Add("region_code", "region.unknown")
	default:
		if reg, _ := a.Regions.Lookup(code); reg.Level == region.Street {
			probs.Add("region_code", "org.region_county")
		}
	}
	pt.RegionCode = code
	switch n := utf8.RuneCountInString(pt.ContactName); {
	case n == 0:
		probs.Add("contact_name", "org.contact_name_required")
	case n > zhiyuan.MaxContactNameRunes:
		probs.Add("contact_name", "org.contact_name_long", "max", zhiyuan.MaxContactNameRunes)
	}
	if strings.TrimSpace(in.ContactPhone) == "" {
		probs.Add("contact_phone", "org.contact_phone_required")
	} else if phone, err := pii.NormalizePhone(in.ContactPhone); err != nil {
		probs.Add("contact_phone", "org.contact_phone_format")
	} else {
		pt.ContactPhone = phone
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if err := a.store.CreatePartner(ctx, pt); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "partner.apply", "partner", strconv.FormatInt(pt.ID, 10), pt.RegionCode, 0, pt.Name); err != nil {
		return nil, err
	}
	return a.store.FindPartnerByID(ctx, pt.ID)
}

// Partner returns a partner: an approved one to anyone, a pending or rejected one only to
// its own accounts and to whoever may decide on it.
func (a *App) Partner(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Partner, error) {
	pt, err := a.store.FindPartnerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if pt.Status == zhiyuan.OrgApproved || a.CanApprovePartner(p, pt) || a.partnerOf(p) == pt.ID {
		return pt, nil
	}
	return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.partner")
}

// CanApprovePartner reports whether p may approve or reject pt (a regional admin whose
// region holds it, or the platform), for showing the buttons.
func (a *App) CanApprovePartner(p *zhiyuan.Principal, pt *zhiyuan.Partner) bool {
	return p != nil && zhiyuan.Authorize(p, zhiyuan.ActPartnerApprove, pt.Resource()) == nil
}

// CanManagePartner reports whether p is an admin of pt.
func (a *App) CanManagePartner(p *zhiyuan.Principal, pt *zhiyuan.Partner) bool {
	return p != nil && zhiyuan.Authorize(p, zhiyuan.ActPartnerManage, pt.Resource()) == nil
}

// partnerOf returns the partner p works for, or 0.
func (a *App) partnerOf(p *zhiyuan.Principal) int64 {
	if p == nil {
		return 0
	}
	for _, r := range p.Roles {
		if r.Kind == zhiyuan.RolePartner && r.PartnerID != 0 {
			return r.PartnerID
		}
	}
	return 0
}

// MyPartner returns the partner the caller works for; ENotFound when none.
func (a *App) MyPartner(ctx context.Context, p *zhiyuan.Principal) (*zhiyuan.Partner, error) {
	id := a.partnerOf(p)
	if id == 0 {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "partner.none")
	}
	return a.store.FindPartnerByID(ctx, id)
}

// PendingPartners lists the partners waiting for the caller's decision (in their regions),
// and with status "all" every partner there.
func (a *App) PendingPartners(ctx context.Context, p *zhiyuan.Principal, all bool) ([]*zhiyuan.Partner, error) {
	scopes := p.RegionScopes()
	if len(scopes) == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	prefixes := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if s == "*" {
			prefixes = append(prefixes, "*")
		} else if pre := zhiyuan.ScopePrefix(s); pre != "" {
			prefixes = append(prefixes, pre)
		}
	}
	if len(prefixes) == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	status := zhiyuan.OrgPending
	if all {
		status = ""
	}
	return a.store.FindPartners(ctx, status, prefixes, zhiyuan.BenefitListMax)
}

// ApprovePartner approves a pending partner; of two decisions at once one wins (409).
func (a *App) ApprovePartner(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Partner, error) {
	return a.decidePartner(ctx, p, id, zhiyuan.OrgApproved, "")
}

// RejectPartner rejects a pending partner with a reason its applicant sees.
func (a *App) RejectPartner(ctx context.Context, p *zhiyuan.Principal, id int64, reason string) (*zhiyuan.Partner, error) {
	reason, err := rejectReason(reason)
	if err != nil {
		return nil, err
	}
	return a.decidePartner(ctx, p, id, zhiyuan.OrgRejected, reason)
}

func (a *App) decidePartner(ctx context.Context, p *zhiyuan.Principal, id int64, status zhiyuan.OrgStatus, reason string) (*zhiyuan.Partner, error) {
	pt, err := a.store.FindPartnerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActPartnerApprove, pt.Resource()); err != nil {
		return nil, err
	}
	action, detail := "partner.approve", pt.Name
	if status == zhiyuan.OrgRejected {
		action, detail = "partner.reject", pt.Name+"："+reason
	}
	entry := a.auditEntry(ctx, p, action, "partner", strconv.FormatInt(pt.ID, 10), pt.RegionCode, 0, detail)
	if err := a.store.DecidePartner(ctx, pt.ID, status, reason, p.AccountID, entry); err != nil {
		return nil, err
	}
	return a.store.FindPartnerByID(ctx, pt.ID)
}

// authorizePartner loads a partner and checks act on it.
func (a *App) authorizePartner(ctx context.Context, p *zhiyuan.Principal, act zhiyuan.Action, id int64) (*zhiyuan.Partner, error) {
	pt, err := a.store.FindPartnerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, act, pt.Resource()); err != nil {
		return nil, err
	}
	return pt, nil
}

// AddPartnerStaff adds the registered account with phone to the partner's staff (admin:
// may publish benefits and add staff too). Only the partner's admins may; audited.
func (a *App) AddPartnerStaff(ctx context.Context, p *zhiyuan.Principal, partnerID int64, phone string, admin bool) error {
	pt, err := a.authorizePartner(ctx, p, zhiyuan.ActPartnerManage, partnerID)
	if err != nil {
		return err
	}
	norm, err := pii.NormalizePhone(phone)
	if err != nil {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "phone", "org.contact_phone_format")
	}
	acc, _, err := a.store.FindAccountByPhone(ctx, norm)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "phone", "partner.staff_unknown")
	}
	if err != nil {
		return err
	}
	entry := a.auditEntry(ctx, p, "partner.staff_add", "partner", strconv.FormatInt(pt.ID, 10), pt.RegionCode, 0,
		"account "+strconv.FormatInt(acc.ID, 10))
	return a.store.AddPartnerStaff(ctx, pt.ID, acc.ID, admin, p.AccountID, entry)
}

// RemovePartnerStaff takes an account off the partner's staff: from its next request it
// can no longer check at the gate or manage the partner. Only the partner's admins may,
// and the last admin stays; audited.
func (a *App) RemovePartnerStaff(ctx context.Context, p *zhiyuan.Principal, partnerID, accountID int64) error {
	pt, err := a.authorizePartner(ctx, p, zhiyuan.ActPartnerManage, partnerID)
	if err != nil {
		return err
	}
	entry := a.auditEntry(ctx, p, "partner.staff_remove", "partner", strconv.FormatInt(pt.ID, 10), pt.RegionCode, 0,
		"account "+strconv.FormatInt(accountID, 10))
	return a.store.RemovePartnerStaff(ctx, pt.ID, accountID, entry)
}

// PartnerStaff lists a partner's accounts (phones masked) for its admins.
func (a *App) PartnerStaff(ctx context.Context, p *zhiyuan.Principal, partnerID int64) ([]zhiyuan.PartnerStaff, error) {
	if _, err := a.authorizePartner(ctx, p, zhiyuan.ActPartnerManage, partnerID); err != nil {
		return nil, err
	}
	list, err := a.store.PartnerStaff(ctx, partnerID)
	for i := range list {
		list[i].Phone = pii.MaskPhone(list[i].Phone)
	}
	return list, err
}

// BenefitInput is a benefit as its partner types it. Dates are days (Beijing time) or RFC
// 3339 times; ValidUntil's day is included.
type BenefitInput struct {
	Title, Description, Category string
	RegionCode, Address          string
	Lat, Lng                     float64
	ValidFrom, ValidUntil        string
	Eligibility                  string  // a zhiyuan.EligibilityKind
	MinStars                     int     // for "stars"
	MinHours                     float64 // for "recent_hours"
	PriceRule                    string  // "100,80,70,60,50,0"; empty for zhiyuan.DefaultPriceRule
	LimitCount                   int
	LimitPeriod                  string
	Stock                        int
}

// PublishBenefit publishes a benefit of an approved partner; only its admins may.
func (a *App) PublishBenefit(ctx context.Context, p *zhiyuan.Principal, partnerID int64, in BenefitInput) (*zhiyuan.Benefit, error) {
	pt, err := a.authorizePartner(ctx, p, zhiyuan.ActPartnerManage, partnerID)
	if err != nil {
		return nil, err
	}
	if pt.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "partner.not_approved")
	}
	b := &zhiyuan.Benefit{
		PartnerID: pt.ID, Title: in.Title, Description: in.Description, Category: strings.TrimSpace(in.Category),
		Address: in.Address, Lat: in.Lat, Lng: in.Lng, LimitCount: in.LimitCount,
		LimitPeriod: zhiyuan.LimitPeriod(strings.TrimSpace(in.LimitPeriod)), Stock: in.Stock, CreatedBy: p.AccountID,
		Condition: zhiyuan.BenefitCondition{Kind: zhiyuan.EligibilityKind(strings.TrimSpace(in.Eligibility))},
	}
	probs := zhiyuan.Problems{}
	switch b.Condition.Kind {
	case zhiyuan.EligibleStars:
		b.Condition.Value = int64(in.MinStars)
	case zhiyuan.EligibleRecentHours:
		b.Condition.Value = zhiyuan.HoursToMinutes(in.MinHours)
	}
	if strings.TrimSpace(in.PriceRule) == "" {
		b.Price = zhiyuan.DefaultPriceRule
	} else if r, ok := zhiyuan.ParsePriceRule(in.PriceRule); ok {
		b.Price = r
	} else {
		probs.Add("price_rule", "benefit.price_rule_format")
	}
	var ok bool
	if b.ValidFrom, ok = parseDay(in.ValidFrom, false); !ok {
		probs.Add("valid_from", "form.date_format")
	}
	if b.ValidUntil, ok = parseDay(in.ValidUntil, true); !ok {
		probs.Add("valid_until", "form.date_format")
	}
	b.RegionCode = pt.RegionCode
	if rc := strings.TrimSpace(in.RegionCode); rc != "" {
		if code, ok := a.Regions.Normalize(rc); ok {
			b.RegionCode = code
		} else {
			probs.Add("region_code", "region.unknown")
		}
	}
	zhiyuan.ValidateBenefit(b, probs)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if err := a.store.CreateBenefit(ctx, b); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "benefit.publish", "benefit", strconv.FormatInt(b.ID, 10), b.RegionCode, 0, b.Title); err != nil {
		return nil, err
	}
	return a.store.FindBenefitByID(ctx, b.ID)
}

// BenefitView is a benefit as one volunteer sees it: whether they qualify and why not,
// and what they would pay.
type BenefitView struct {
	*zhiyuan.Benefit
	RegionName   string
	Rule         string // the condition, in words
	Eligible     bool
	Reason       string // why not, when not ("还差12.5小时")
	PricePercent int    // what the viewer pays, in percent of the full price
	Price        string // the same in words (8折, 免费)
	DistanceKm   float64
}

// BenefitQuery filters the benefits list.
type BenefitQuery struct {
	Near     string // "lat,lng"
	WithinKm string
	Category string
	Region   string
	Eligible bool // only those the caller qualifies for
}

// Benefits lists the open benefits of approved partners by the query, each with whether
// the caller (a volunteer; anyone else sees the rules only) qualifies, and why not.
func (a *App) Benefits(ctx context.Context, p *zhiyuan.Principal, q BenefitQuery) ([]BenefitView, error) {
	f := sqlstore.BenefitFilter{OpenAt: a.store.Now(), Category: strings.TrimSpace(q.Category)}
	probs := zhiyuan.Problems{}
	if f.Category != "" && !zhiyuan.ValidBenefitCategory(f.Category) {
		probs.Add("category", "benefit.category_unknown", "categories", strings.Join(zhiyuan.BenefitCategories, "、"))
	}
	if r := strings.TrimSpace(q.Region); r != "" {
		if code, ok := a.Regions.Normalize(r); ok {
			f.RegionPrefix = zhiyuan.ScopePrefix(code)
		} else {
			probs.Add("region", "region.unknown")
		}
	}
	if n := strings.TrimSpace(q.Near); n != "" {
		parts := strings.Split(n, ",")
		var lat, lng float64
		var err1, err2 error
		if len(parts) == 2 {
			lat, err1 = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
			lng, err2 = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		}
		if len(parts) != 2 || err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			probs.Add("near", "search.near_format")
		} else {
			f.Near = &zhiyuan.LatLng{Lat: lat, Lng: lng}
		}
		f.WithinKm = zhiyuan.NearKm
		if q.WithinKm != "" {
			km, err := strconv.ParseFloat(q.WithinKm, 64)
			if err != nil || km <= 0 || km > 100 {
				probs.Add("within_km", "search.within_range")
			} else {
				f.WithinKm = km
			}
		}
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	var st *zhiyuan.Standing
	if p != nil && p.AccountID != 0 {
		if v, err := a.store.FindVolunteerByAccountID(ctx, p.AccountID); err == nil {
			s, err := a.standing(ctx, v.ID)
			if err != nil {
				return nil, err
			}
			st = &s
		} else if zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			return nil, err
		}
	}
	if q.Eligible && st == nil {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "eligible", "benefit.eligible_needs_volunteer")
	}
	list, err := a.store.FindBenefits(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]BenefitView, 0, len(list))
	for _, b := range list {
		v := a.benefitView(b, st)
		if f.Near != nil {
			v.DistanceKm = zhiyuan.DistanceKm(*f.Near, zhiyuan.LatLng{Lat: b.Lat, Lng: b.Lng})
			if v.DistanceKm > f.WithinKm {
				continue
			}
		}
		if q.Eligible && !v.Eligible {
			continue
		}
		out = append(out, v)
	}
	if f.Near != nil {
		// Near me: the nearest first.
		sort.SliceStable(out, func(i, j int) bool { return out[i].DistanceKm < out[j].DistanceKm })
	}
	return out, nil
}

func (a *App) benefitView(b *zhiyuan.Benefit, st *zhiyuan.Standing) BenefitView {
	v := BenefitView{Benefit: b, RegionName: a.regionName(b.RegionCode), Rule: b.Condition.Describe()}
	stars := 0
	if st != nil {
		stars = st.StarLevel
		v.Eligible, v.Reason = b.Condition.Check(*st)
		if v.Eligible && b.Limited() && b.StockLeft == 0 {
			v.Eligible, v.Reason = false, zhiyuan.Text("benefit.sold_out")
		}
	}
	v.PricePercent, v.Price = b.Price.For(stars), b.Price.Describe(stars)
	return v
}

// Benefit returns one benefit as the caller sees it. A benefit of a partner not approved
// is shown only to that partner's accounts.
func (a *App) Benefit(ctx context.Context, p *zhiyuan.Principal, id int64) (*BenefitView, error) {
	b, err := a.store.FindBenefitByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := a.Partner(ctx, p, b.PartnerID); err != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.benefit")
	}
	var st *zhiyuan.Standing
	if p != nil && p.AccountID != 0 {
		if vol, err := a.store.FindVolunteerByAccountID(ctx, p.AccountID); err == nil {
			s, err := a.standing(ctx, vol.ID)
			if err != nil {
				return nil, err
			}
			st = &s
		}
	}
	v := a.benefitView(b, st)
	return &v, nil
}

// PartnerBenefits lists a partner's benefits (all dates) for its own accounts.
func (a *App) PartnerBenefits(ctx context.Context, p *zhiyuan.Principal, partnerID int64) ([]*zhiyuan.Benefit, error) {
	if _, err := a.authorizePartner(ctx, p, zhiyuan.ActPartnerGate, partnerID); err != nil {
		return nil, err
	}
	return a.store.FindBenefits(ctx, sqlstore.BenefitFilter{PartnerID: partnerID})
}

// standing reads what every condition needs to know of a volunteer (the list of benefits).
func (a *App) standing(ctx context.Context, volunteerID int64) (zhiyuan.Standing, error) {
	return a.standingFor(ctx, volunteerID, "")
}

// standingFor reads the star level (every price depends on it) and what the condition of
// kind needs besides; "" reads everything. A claim or a scan of a star-level benefit costs
// one read instead of three.
func (a *App) standingFor(ctx context.Context, volunteerID int64, kind zhiyuan.EligibilityKind) (zhiyuan.Standing, error) {
	var s zhiyuan.Standing
	t, err := a.store.HourTotals(ctx, volunteerID)
	if err != nil {
		return s, err
	}
	s.StarLevel = zhiyuan.StarLevel(t.ConfirmedMinutes)
	if kind == "" || kind == zhiyuan.EligibleCardHolder {
		if s.CardHolder, err = a.store.HasActiveCard(ctx, volunteerID); err != nil {
			return s, err
		}
	}
	if kind == "" || kind == zhiyuan.EligibleRecentHours {
		if s.RecentMinutes, err = a.store.RecentConfirmedMinutes(ctx, volunteerID, a.store.Now().Add(-zhiyuan.RecentHoursWindow)); err != nil {
			return s, err
		}
	}
	if kind == "" || kind == zhiyuan.EligibleGoodStanding {
		_, s.Credit, err = a.creditWith(ctx, volunteerID, t.ConfirmedMinutes)
	}
	return s, err
}

// ClaimResult is a claim with its signed redemption code.
type ClaimResult struct {
	Claim   *zhiyuan.BenefitClaim
	Benefit *zhiyuan.Benefit
	Code    string // the redemption payload the QR code carries
}

// ClaimBenefit claims a benefit for the calling volunteer: checks the condition, takes one
// unit of stock and one use of the per-volunteer allowance in the database, and signs a
// redemption code that expires after zhiyuan.ClaimTTL (or when the benefit ends).
func (a *App) ClaimBenefit(ctx context.Context, p *zhiyuan.Principal, benefitID int64) (*ClaimResult, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	b, err := a.store.FindBenefitByID(ctx, benefitID)
	if err != nil {
		return nil, err
	}
	if pt, err := a.store.FindPartnerByID(ctx, b.PartnerID); err != nil {
		return nil, err
	} else if pt.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.benefit")
	}
	now := a.store.Now()
	if !b.Open(now) {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "benefit.closed")
	}
	st, err := a.standingFor(ctx, v.ID, b.Condition.Kind)
	if err != nil {
		return nil, err
	}
	if ok, why := b.Condition.Check(st); !ok {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "benefit", "benefit.not_eligible", "reason", why)
	}
	exp := now.Add(zhiyuan.ClaimTTL).Truncate(time.Second)
	if b.ValidUntil.Before(exp) {
		exp = b.ValidUntil.Truncate(time.Second)
	}
	c, err := a.store.ClaimBenefit(ctx, sqlstore.ClaimRequest{Benefit: b, VolunteerID: v.ID, PeriodKey: b.LimitPeriod.Key(now), ExpiresAt: exp})
	if err != nil {
		return nil, err
	}
	code, err := a.redemptionCode(c)
	if err != nil {
		return nil, err
	}
	return &ClaimResult{Claim: c, Benefit: b, Code: code}, nil
}

func (a *App) redemptionCode(c *zhiyuan.BenefitClaim) (string, error) {
	issued := c.ClaimedAt.Truncate(time.Second)
	exp := c.ExpiresAt
	if !exp.After(issued) {
		exp = issued.Add(time.Second)
	}
	return a.Signer.SignRedemption(proof.RedemptionClaims{ClaimID: c.ID, BenefitID: c.BenefitID, IssuedAt: issued, ExpiresAt: exp})
}

// MyClaim is one of the caller's claims with its code (while it can still be used).
type MyClaim struct {
	zhiyuan.BenefitClaim
	Benefit *zhiyuan.Benefit
	Code    string // empty once used or expired
	Expired bool
}

// MyClaims lists the caller's claims, newest first, with a code for each one still usable.
func (a *App) MyClaims(ctx context.Context, p *zhiyuan.Principal) ([]MyClaim, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	list, err := a.store.VolunteerClaims(ctx, v.ID, zhiyuan.BenefitListMax)
	if err != nil {
		return nil, err
	}
	now := a.store.Now()
	out := make([]MyClaim, 0, len(list))
	benefits := map[int64]*zhiyuan.Benefit{}
	for _, c := range list {
		b, ok := benefits[c.BenefitID]
		if !ok {
			if b, err = a.store.FindBenefitByID(ctx, c.BenefitID); err != nil {
				return nil, err
			}
			benefits[c.BenefitID] = b
		}
		m := MyClaim{BenefitClaim: c, Benefit: b, Expired: !now.Before(c.ExpiresAt)}
		if c.UsedAt.IsZero() && !m.Expired {
			if m.Code, err = a.redemptionCode(&c); err != nil {
				return nil, err
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// MyBenefitUses lists the uses partners recorded for the caller, newest first.
func (a *App) MyBenefitUses(ctx context.Context, p *zhiyuan.Principal) ([]zhiyuan.BenefitUse, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	return a.store.VolunteerUses(ctx, v.ID, zhiyuan.BenefitListMax)
}

// GateAnswer is all partner staff learn at the gate: eligible or not and why, the benefit
// and the price that applies, the star level and a masked name. Never an identity number,
// a phone, a full name or hours.
type GateAnswer struct {
	Eligible     bool
	Reason       string
	BenefitID    int64
	Benefit      string
	PriceRule    string // what this volunteer pays, in words
	PricePercent int
	StarLevel    int
	MaskedName   string
	Kind         string // "card" or "redemption"
	UseID        int64  // set once a use is recorded
	UsedAt       time.Time
	volunteerID  int64
	claimID      int64
	benefit      *zhiyuan.Benefit
}

// GateInput is what staff scanned or typed: a card's QR (its payload or its /verify/card
// address) or a redemption code, and for a card the benefit to check it against (the
// partner's only open benefit when there is one).
type GateInput struct {
	Payload   string
	BenefitID int64
}

// GatePayload extracts the payload from what a scanner read: a bare payload, a card's
// /verify/card/{payload} address or an address with ?code=.
func GatePayload(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "/verify/card/"); i >= 0 {
		return strings.TrimSpace(s[i+len("/verify/card/"):])
	}
	if strings.Contains(s, "://") || strings.HasPrefix(s, "/") {
		if u, err := url.Parse(s); err == nil {
			if c := u.Query().Get("code"); c != "" {
				return c
			}
		}
	}
	return s
}

// gateRefusal is the 422 for a payload that is not a live, genuine code.
func gateRefusal(reason string) error {
	switch reason {
	case proof.ReasonExpired:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.expired")
	case proof.ReasonForged:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.forged")
	case proof.ReasonUnknownKey:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.unknown_key")
	}
	return zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.malformed")
}

// CheckAtGate answers a scan by partner staff. A forged, expired or unreadable payload is
// refused (422 on "payload"); otherwise the answer says whether the volunteer qualifies
// for the benefit, and why not.
func (a *App) CheckAtGate(ctx context.Context, p *zhiyuan.Principal, in GateInput) (*GateAnswer, error) {
	partnerID := a.partnerOf(p)
	if partnerID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "partner.none")
	}
	pt, err := a.authorizePartner(ctx, p, zhiyuan.ActPartnerGate, partnerID)
	if err != nil {
		return nil, err
	}
	if pt.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "partner.not_approved")
	}
	payload := GatePayload(in.Payload)
	if payload == "" {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.payload_required")
	}
	now := a.store.Now()
	ans := &GateAnswer{}
	var b *zhiyuan.Benefit
	if proof.IsRedemption(payload) {
		rc, err := proof.VerifyRedemption(payload, a.Signer.PublicKeys(), now)
		if err != nil {
			return nil, gateRefusal(proof.Reason(err))
		}
		c, err := a.store.FindClaimByID(ctx, rc.ClaimID)
		if err != nil || c.BenefitID != rc.BenefitID {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.malformed")
		}
		if b, err = a.store.FindBenefitByID(ctx, c.BenefitID); err != nil {
			return nil, err
		}
		if b.PartnerID != partnerID {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.other_partner")
		}
		ans.Kind, ans.volunteerID, ans.claimID = "redemption", c.VolunteerID, c.ID
		if !c.UsedAt.IsZero() {
			ans.Reason = zhiyuan.Text("gate.used_at", "at", c.UsedAt.In(zhiyuan.Beijing).Format("2006-01-02 15:04"))
		}
	} else {
		cc, err := proof.VerifyCard(payload, a.Signer.PublicKeys(), now)
		if err != nil {
			return nil, gateRefusal(proof.Reason(err))
		}
		card, err := a.store.FindCardByNumber(ctx, cc.CardNumber)
		if err != nil {
			if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
				return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.malformed")
			}
			return nil, err
		}
		if card.Status != zhiyuan.CardActive {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "payload", "gate.card_inactive", "status", CardReasonChinese(string(card.Status)))
		}
		if b, err = a.gateBenefit(ctx, partnerID, in.BenefitID, now); err != nil {
			return nil, err
		}
		ans.Kind, ans.volunteerID = "card", card.VolunteerID
	}
	vol, err := a.store.FindVolunteerByID(ctx, ans.volunteerID)
	if err != nil {
		return nil, err
	}
	st, err := a.standingFor(ctx, vol.ID, b.Condition.Kind)
	if err != nil {
		return nil, err
	}
	ans.benefit, ans.BenefitID, ans.Benefit = b, b.ID, b.Title
	ans.StarLevel, ans.MaskedName = st.StarLevel, pii.MaskName(vol.Name)
	ans.PricePercent, ans.PriceRule = b.Price.For(st.StarLevel), b.Price.Describe(st.StarLevel)
	if ans.Reason != "" {
		return ans, nil
	}
	switch ok, why := b.Condition.Check(st); {
	case !b.Open(now):
		ans.Reason = zhiyuan.Text("benefit.closed")
	case !ok:
		ans.Reason = why
	case ans.Kind == "card" && b.Limited() && b.StockLeft == 0:
		ans.Reason = zhiyuan.Text("benefit.sold_out")
	default:
		ans.Eligible = true
	}
	if ans.Eligible && ans.Kind == "card" && b.LimitCount > 0 {
		// A card scan is a claim used at once: say so now when the allowance is used up
		// (recording it would be refused by the database all the same).
		used, err := a.store.QuotaUsed(ctx, b.ID, vol.ID, b.LimitPeriod.Key(now))
		if err != nil {
			return nil, err
		}
		if used >= b.LimitCount {
			ans.Eligible, ans.Reason = false, zhiyuan.Text("benefit.limit_reached", "count", b.LimitCount, "period", b.LimitPeriod.Chinese())
		}
	}
	return ans, nil
}

// gateBenefit is the benefit a card is checked against: the one chosen, which must be the
// partner's, or the partner's only open benefit.
func (a *App) gateBenefit(ctx context.Context, partnerID, benefitID int64, now time.Time) (*zhiyuan.Benefit, error) {
	if benefitID != 0 {
		b, err := a.store.FindBenefitByID(ctx, benefitID)
		if err != nil || b.PartnerID != partnerID {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "benefit_id", "gate.benefit_other")
		}
		return b, nil
	}
	list, err := a.store.FindBenefits(ctx, sqlstore.BenefitFilter{PartnerID: partnerID})
	if err != nil {
		return nil, err
	}
	var open []*zhiyuan.Benefit
	for _, b := range list {
		if b.Open(now) {
			open = append(open, b)
		}
	}
	if len(open) != 1 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "benefit_id", "gate.benefit_required")
	}
	return open[0], nil
}

// RecordUse checks a scan as CheckAtGate does and, when the volunteer qualifies, records
// the use with the staff account and time: a redemption code once (the database refuses a
// second use, 409), a card scan as a claim used at once (stock and the per-volunteer
// limit taken in the same transaction). A volunteer who does not qualify gets the answer
// with Eligible false and nothing recorded.
func (a *App) RecordUse(ctx context.Context, p *zhiyuan.Principal, in GateInput) (*GateAnswer, error) {
	ans, err := a.CheckAtGate(ctx, p, in)
	if err != nil || !ans.Eligible {
		return ans, err
	}
	u := &zhiyuan.BenefitUse{BenefitID: ans.BenefitID, VolunteerID: ans.volunteerID, StaffID: p.AccountID,
		StarLevel: ans.StarLevel, PricePercent: ans.PricePercent}
	if ans.Kind == "redemption" {
		u.ClaimID = ans.claimID
		if err := a.store.RecordUse(ctx, u); err != nil {
			return nil, err
		}
	} else {
		now := a.store.Now()
		if _, err := a.store.ClaimBenefit(ctx, sqlstore.ClaimRequest{Benefit: ans.benefit, VolunteerID: ans.volunteerID,
			PeriodKey: ans.benefit.LimitPeriod.Key(now), ExpiresAt: now.Add(time.Second), Use: u}); err != nil {
			return nil, err
		}
	}
	ans.UseID, ans.UsedAt = u.ID, u.UsedAt
	return ans, nil
}

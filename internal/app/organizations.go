package app

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/uscc"
)

// OrgInput is an organisation's registration as typed by its registrant.
type OrgInput struct {
	Name         string
	Type         string
	RegionCode   string
	ParentID     int64
	CreditCode   string
	ContactName  string
	ContactPhone string
	Description  string
}

// RegisterOrganization registers an organisation as pending on behalf of the caller, who
// becomes its first admin at once (an admin of a pending organisation can see it and its
// status but cannot publish until it is approved). Every bad field is reported at once.
func (a *App) RegisterOrganization(ctx context.Context, p *zhiyuan.Principal, in OrgInput) (*zhiyuan.Organization, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	o := &zhiyuan.Organization{
		Name: in.Name, Type: in.Type, ParentID: in.ParentID, ContactName: in.ContactName,
		Description: in.Description, CreatedBy: p.AccountID,
	}
	probs := zhiyuan.Problems{}
	zhiyuan.ValidateOrgText(o, probs)

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
	o.RegionCode = code

	if cc := strings.TrimSpace(in.CreditCode); cc != "" {
		v, err := uscc.Validate(cc)
		if err != nil {
			probs.Add("credit_code", creditCodeReason(err))
		}
		o.CreditCode = v
	}
	if strings.TrimSpace(in.ContactPhone) == "" {
		probs.Add("contact_phone", "org.contact_phone_required")
	} else if phone, err := pii.NormalizePhone(in.ContactPhone); err != nil {
		probs.Add("contact_phone", "org.contact_phone_format")
	} else {
		o.ContactPhone = phone
	}

	if in.ParentID < 0 {
		probs.Add("parent_id", "org.parent_unknown")
	} else if in.ParentID > 0 {
		parent, err := a.store.FindOrganizationByID(ctx, in.ParentID)
		switch {
		case zhiyuan.ErrorCode(err) == zhiyuan.ENotFound:
			probs.Add("parent_id", "org.parent_unknown")
		case err != nil:
			return nil, err
		case parent.Status != zhiyuan.OrgApproved:
			probs.Add("parent_id", "org.parent_not_approved")
		case o.RegionCode != "" && !zhiyuan.ChildRegionAllowed(parent.RegionCode, o.RegionCode):
			probs.Add("region_code", "org.region_outside_parent", "parent_region", a.regionName(parent.RegionCode))
		}
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if err := a.store.CreateOrganization(ctx, o); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "org.register", "organization", strconv.FormatInt(o.ID, 10), o.RegionCode, o.ID, o.Name); err != nil {
		return nil, err
	}
	return a.store.FindOrganizationByID(ctx, o.ID)
}

// Organization returns an organisation by id for anyone: approved ones are public. A
// pending or rejected one is shown only to whoever may manage or approve it (its
// registrant is its first admin); to others it does not exist.
func (a *App) Organization(ctx context.Context, id int64) (*zhiyuan.Organization, error) {
	o, err := a.store.FindOrganizationByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.Status == zhiyuan.OrgApproved {
		return o, nil
	}
	p := zhiyuan.PrincipalFrom(ctx)
	if a.CanManageOrg(p, o) || a.CanApproveOrg(p, o) {
		return o, nil
	}
	return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.org")
}

// SubOrgCount returns how many organisations lie below an organisation at any depth, a
// public figure of its page; one range count on the path index.
func (a *App) SubOrgCount(ctx context.Context, id int64) (int, error) {
	return a.store.CountDescendants(ctx, id)
}

// AuthorizeOrg loads an organisation and checks that the caller may do act on it
// (org.manage for an admin of it or of an ancestor, or a regional admin of its region;
// org.approve for a parent's admin or a regional admin). A missing organisation is
// ENotFound, whoever asks.
func (a *App) AuthorizeOrg(ctx context.Context, p *zhiyuan.Principal, act zhiyuan.Action, orgID int64) (*zhiyuan.Organization, error) {
	o, err := a.store.FindOrganizationByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, act, o.Resource()); err != nil {
		return nil, err
	}
	return o, nil
}

// CanManageOrg reports whether p may manage o; pages use it to decide what to show, the
// actions themselves go through AuthorizeOrg.
func (a *App) CanManageOrg(p *zhiyuan.Principal, o *zhiyuan.Organization) bool {
	return p != nil && zhiyuan.Authorize(p, zhiyuan.ActOrgManage, o.Resource()) == nil
}

// CanApproveOrg reports whether p may approve or reject o, for showing the buttons.
func (a *App) CanApproveOrg(p *zhiyuan.Principal, o *zhiyuan.Organization) bool {
	return p != nil && zhiyuan.Authorize(p, zhiyuan.ActOrgApprove, o.Resource()) == nil
}

// ApproveOrganization approves a pending organisation. Of two admins approving at once,
// one succeeds and the other gets EConflict.
func (a *App) ApproveOrganization(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Organization, error) {
	return a.decideOrganization(ctx, p, id, zhiyuan.OrgApproved, "")
}

// RejectOrganization rejects a pending organisation with a reason its registrant sees.
func (a *App) RejectOrganization(ctx context.Context, p *zhiyuan.Principal, id int64, reason string) (*zhiyuan.Organization, error) {
	reason, err := rejectReason(reason)
	if err != nil {
		return nil, err
	}
	return a.decideOrganization(ctx, p, id, zhiyuan.OrgRejected, reason)
}

// rejectReason checks the reason a rejected applicant (an organisation or a partner)
// is given: required, at most zhiyuan.OrgReasonMax characters.
func rejectReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return "", zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "org.reject_reason_required")
	case n > zhiyuan.OrgReasonMax:
		return "", zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "reason.long", "max", strconv.Itoa(zhiyuan.OrgReasonMax))
	}
	return reason, nil
}

func (a *App) decideOrganization(ctx context.Context, p *zhiyuan.Principal, id int64, status zhiyuan.OrgStatus, reason string) (*zhiyuan.Organization, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgApprove, id)
	if err != nil {
		return nil, err
	}
	action, detail := "org.approve", o.Name
	if status == zhiyuan.OrgRejected {
		action, detail = "org.reject", o.Name+"："+reason
	}
	entry := a.auditEntry(ctx, p, action, "organization", strconv.FormatInt(o.ID, 10), o.RegionCode, o.ID, detail)
	if err := a.store.DecideOrganization(ctx, o.ID, status, reason, p.AccountID, entry); err != nil {
		return nil, err
	}
	return a.store.FindOrganizationByID(ctx, o.ID)
}

// auditEntry builds an audit entry for a store method that writes it in the same
// transaction as the change it records.
func (a *App) auditEntry(ctx context.Context, p *zhiyuan.Principal, action, targetType, targetID, regionCode string, orgID int64, detail string) *zhiyuan.AuditEntry {
	c := zhiyuan.ClientFrom(ctx)
	return &zhiyuan.AuditEntry{
		ActorID: p.AccountIDOrZero(), Action: action, TargetType: targetType, TargetID: targetID,
		RegionCode: regionCode, OrgID: orgID, IP: c.IP, RequestID: c.RequestID, Detail: detail,
	}
}

// OrgQuery is a list request from the directory or an admin.
type OrgQuery struct {
	Status string // "" or "approved": the public directory; pending, rejected, all: admins
	Region string // region code; its whole subtree is listed
	Type   string
	Query  string
	After  int64
	Limit  int
}

// Organizations lists organisations. The public directory (status empty or approved)
// shows approved organisations to anyone. Other statuses are for admins and are limited to
// their scope: a regional admin's region, an org admin's organisations and everything
// below them, everything for the platform.
func (a *App) Organizations(ctx context.Context, p *zhiyuan.Principal, q OrgQuery) ([]*zhiyuan.Organization, error) {
	f, err := a.orgFilter(ctx, p, q)
	if err != nil {
		return nil, err
	}
	return a.store.FindOrganizations(ctx, f)
}

// CountOrganizations counts what Organizations lists for q (After and Limit aside), up
// to zhiyuan.CountCap; the same checks and scope.
func (a *App) CountOrganizations(ctx context.Context, p *zhiyuan.Principal, q OrgQuery) (int, error) {
	f, err := a.orgFilter(ctx, p, q)
	if err != nil {
		return 0, err
	}
	return a.store.CountOrganizations(ctx, f)
}

// orgFilter checks q and turns it into the store's filter, scoped to what p oversees.
func (a *App) orgFilter(ctx context.Context, p *zhiyuan.Principal, q OrgQuery) (zhiyuan.OrgFilter, error) {
	f := zhiyuan.OrgFilter{Type: strings.TrimSpace(q.Type), Query: strings.TrimSpace(q.Query), After: q.After, Limit: q.Limit}
	if f.Type != "" && !zhiyuan.ValidOrgType(f.Type) {
		return f, zhiyuan.FieldFail(zhiyuan.EInvalid, "type", "org.type_unknown", "types", strings.Join(zhiyuan.OrgTypes, "、"))
	}
	var regionCode string
	if r := strings.TrimSpace(q.Region); r != "" {
		code, ok := a.Regions.Normalize(r)
		if !ok {
			return f, zhiyuan.FieldFail(zhiyuan.EInvalid, "region", "region.unknown")
		}
		regionCode = code
		f.RegionPrefix = zhiyuan.ScopePrefix(code)
	}
	switch q.Status {
	case "", string(zhiyuan.OrgApproved):
		return f, nil
	case string(zhiyuan.OrgPending), string(zhiyuan.OrgRejected), "all":
	default:
		return f, zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "org.status_filter_unknown")
	}
	if p == nil || p.AccountID == 0 {
		return f, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	if q.Status != "all" {
		f.Status = zhiyuan.OrgStatus(q.Status)
	}
	scope := a.orgScope(p)
	if !scope.All && len(scope.RegionPrefixes) == 0 && len(scope.OrgIDs) == 0 {
		// Nobody to oversee: ask the one authorisation function, which refuses.
		if err := a.authorize(ctx, p, zhiyuan.ActOrgApprove, zhiyuan.Resource{RegionCode: regionCode}); err != nil {
			return f, err
		}
	}
	f.Scope = &scope
	return f, nil
}

// orgScope is the union of regions and organisation subtrees p oversees.
func (a *App) orgScope(p *zhiyuan.Principal) zhiyuan.OrgScope {
	var sc zhiyuan.OrgScope
	for _, r := range p.Roles {
		switch r.Kind {
		case zhiyuan.RolePlatform:
			sc.All = true
		case zhiyuan.RoleRegional:
			if prefix := zhiyuan.ScopePrefix(r.RegionCode); prefix != "" {
				sc.RegionPrefixes = append(sc.RegionPrefixes, prefix)
			}
		case zhiyuan.RoleOrgAdmin:
			if r.OrgID != 0 {
				sc.OrgIDs = append(sc.OrgIDs, r.OrgID)
			}
		}
	}
	return sc
}

// Children lists the organisations directly below id: approved ones for everyone, all of
// them for whoever manages id.
func (a *App) Children(ctx context.Context, p *zhiyuan.Principal, id int64, after int64, limit int) ([]*zhiyuan.Organization, error) {
	o, err := a.Organization(zhiyuan.WithPrincipal(ctx, p), id)
	if err != nil {
		return nil, err
	}
	f := zhiyuan.OrgFilter{ParentID: o.ID, After: after, Limit: limit}
	if a.CanManageOrg(p, o) {
		f.Scope = &zhiyuan.OrgScope{All: true}
	}
	return a.store.FindOrganizations(ctx, f)
}

// AddOrgAdmin makes the account registered with phone an admin of the organisation; the
// caller must manage it (its own admins, admins of an ancestor, the regional admin).
func (a *App) AddOrgAdmin(ctx context.Context, p *zhiyuan.Principal, orgID int64, phone string) (*zhiyuan.Account, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	norm, err := pii.NormalizePhone(phone)
	if err != nil {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "phone", "phone.format")
	}
	acc, _, err := a.store.FindAccountByPhone(ctx, norm)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "phone", "admin.phone_not_registered")
	}
	if err != nil {
		return nil, err
	}
	if err := a.store.GrantRole(ctx, acc.ID, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: o.ID}, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "org.admin.add", "account", strconv.FormatInt(acc.ID, 10), o.RegionCode, o.ID, o.Name); err != nil {
		return nil, err
	}
	return acc, nil
}

// OrgAdminView is one admin of an organisation as its managers see it.
type OrgAdminView struct {
	AccountID   int64
	Name        string
	PhoneMasked string
	Since       time.Time
}

// OrgAdmins lists an organisation's own admins, for those who manage it.
func (a *App) OrgAdmins(ctx context.Context, p *zhiyuan.Principal, orgID int64) ([]OrgAdminView, error) {
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
		return nil, err
	}
	admins, err := a.store.FindOrgAdmins(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]OrgAdminView, 0, len(admins))
	for _, ad := range admins {
		out = append(out, OrgAdminView{AccountID: ad.AccountID, Name: ad.Name, PhoneMasked: pii.MaskPhone(ad.Phone), Since: ad.Since})
	}
	return out, nil
}

// RegionName returns the full name of a region code ("广东省广州市天河区"), or the code.
func (a *App) RegionName(code string) string { return a.regionName(code) }

func (a *App) regionName(code string) string {
	if r, ok := a.Regions.Lookup(code); ok {
		return r.FullName
	}
	return code
}

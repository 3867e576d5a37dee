package app

import (
	"context"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/pii"
)

// JoinOrganization records the caller's application to join an organisation as their own
// volunteer record. The organisation must be approved; applying again while pending or as
// a member is a conflict, applying again after a rejection or after leaving is allowed.
func (a *App) JoinOrganization(ctx context.Context, p *zhiyuan.Principal, orgID int64) (*zhiyuan.Membership, error) {
	v, err := a.MyVolunteer(ctx, p)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "member.register_first")
	}
	if err != nil {
		return nil, err
	}
	o, err := a.Organization(zhiyuan.WithPrincipal(ctx, p), orgID)
	if err != nil {
		return nil, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "member.org_not_approved")
	}
	m, err := a.store.ApplyMembership(ctx, o.ID, v.ID)
	if err != nil {
		return nil, err
	}
	m.OrgName, m.VolunteerName, m.VolunteerNo = o.Name, v.Name, v.VolunteerNo
	return m, nil
}

// LeaveOrganization ends the caller's membership of an organisation, or withdraws a
// pending application.
func (a *App) LeaveOrganization(ctx context.Context, p *zhiyuan.Principal, orgID int64) error {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return err
	}
	return a.store.LeaveOrganization(ctx, orgID, v.ID)
}

// ApproveMember admits a volunteer's pending application; the caller must manage the
// organisation (its admins, an ancestor's admins, the regional admin).
func (a *App) ApproveMember(ctx context.Context, p *zhiyuan.Principal, orgID, volunteerID int64) (*zhiyuan.Membership, error) {
	return a.decideMember(ctx, p, orgID, volunteerID, zhiyuan.MemberApproved)
}

// RejectMember turns a volunteer's pending application down.
func (a *App) RejectMember(ctx context.Context, p *zhiyuan.Principal, orgID, volunteerID int64) (*zhiyuan.Membership, error) {
	return a.decideMember(ctx, p, orgID, volunteerID, zhiyuan.MemberRejected)
}

func (a *App) decideMember(ctx context.Context, p *zhiyuan.Principal, orgID, volunteerID int64, status zhiyuan.MemberStatus) (*zhiyuan.Membership, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	action := "org.member.approve"
	if status == zhiyuan.MemberRejected {
		action = "org.member.reject"
	}
	entry := a.auditEntry(ctx, p, action, "volunteer", strconv.FormatInt(volunteerID, 10), o.RegionCode, o.ID, o.Name)
	if err := a.store.DecideMembership(ctx, o.ID, volunteerID, status, p.AccountID, entry); err != nil {
		return nil, err
	}
	m, err := a.store.FindMembership(ctx, o.ID, volunteerID)
	if err != nil {
		return nil, err
	}
	m.Phone = pii.MaskPhone(m.Phone)
	return m, nil
}

// PendingMember returns a volunteer's application to an organisation the caller manages,
// phone masked, for the confirmation of a decision: ENotFound when there is none,
// EConflict when it has been decided, as RejectMember would answer.
func (a *App) PendingMember(ctx context.Context, p *zhiyuan.Principal, orgID, volunteerID int64) (*zhiyuan.Membership, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	m, err := a.store.FindMembership(ctx, o.ID, volunteerID)
	if err != nil {
		return nil, err
	}
	if m.Status != zhiyuan.MemberPending {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "member.decided", "status", m.Status.Chinese())
	}
	m.Phone = pii.MaskPhone(m.Phone)
	return m, nil
}

// MemberQuery is an admin's request for one page of an organisation's members.
type MemberQuery struct {
	OrgID  int64
	Status string // pending, approved, rejected, left or "" for all
	Query  string // start of the name or of the volunteer number
	After  int64
	Limit  int
}

// Members returns one page of an organisation's members for those who manage it, with
// phone numbers masked. Pages follow the membership id, so every member appears exactly
// once however the list is paged.
func (a *App) Members(ctx context.Context, p *zhiyuan.Principal, q MemberQuery) ([]*zhiyuan.Membership, error) {
	f, err := a.memberFilter(ctx, p, q)
	if err != nil {
		return nil, err
	}
	list, err := a.store.FindMembers(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, m := range list {
		m.Phone = pii.MaskPhone(m.Phone)
	}
	return list, nil
}

// CountMembers counts what Members lists for q (After and Limit aside), up to
// zhiyuan.CountCap; the same checks.
func (a *App) CountMembers(ctx context.Context, p *zhiyuan.Principal, q MemberQuery) (int, error) {
	f, err := a.memberFilter(ctx, p, q)
	if err != nil {
		return 0, err
	}
	return a.store.CountMembers(ctx, f)
}

// memberFilter checks q for a caller who manages the organisation.
func (a *App) memberFilter(ctx context.Context, p *zhiyuan.Principal, q MemberQuery) (zhiyuan.MemberFilter, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, q.OrgID)
	if err != nil {
		return zhiyuan.MemberFilter{}, err
	}
	status := zhiyuan.MemberStatus(strings.TrimSpace(q.Status))
	if status != "" && !status.Valid() {
		return zhiyuan.MemberFilter{}, zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "member.status_filter_unknown")
	}
	return zhiyuan.MemberFilter{OrgID: o.ID, Status: status, Query: q.Query, After: q.After, Limit: q.Limit}, nil
}

// MyOrganizations is what the caller belongs to and what they administer.
type MyOrganizations struct {
	Memberships []*zhiyuan.Membership   // as a volunteer, every status, newest first
	Administers []*zhiyuan.Organization // organisations the caller is an admin of, any status
}

// MyOrgs returns the caller's memberships and the organisations they administer (with
// their approval status and any reason for a rejection).
func (a *App) MyOrgs(ctx context.Context, p *zhiyuan.Principal) (*MyOrganizations, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return nil, err
	}
	out := &MyOrganizations{Memberships: []*zhiyuan.Membership{}, Administers: []*zhiyuan.Organization{}}
	v, err := a.MyVolunteer(ctx, p)
	switch {
	case err == nil:
		if out.Memberships, err = a.store.FindMembershipsOfVolunteer(ctx, v.ID); err != nil {
			return nil, err
		}
		for _, m := range out.Memberships {
			m.Phone = pii.MaskPhone(m.Phone)
		}
	case zhiyuan.ErrorCode(err) != zhiyuan.ENotFound:
		return nil, err
	}
	// The roles come from the session, so this reads at most a handful of rows.
	for _, r := range p.Roles {
		if r.Kind != zhiyuan.RoleOrgAdmin || r.OrgID == 0 {
			continue
		}
		o, err := a.store.FindOrganizationByID(ctx, r.OrgID)
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out.Administers = append(out.Administers, o)
	}
	return out, nil
}

// MyMembership returns the caller's membership of one organisation, or nil when the caller
// has none (or is not a volunteer); pages use it to show "申请加入" or the status.
func (a *App) MyMembership(ctx context.Context, p *zhiyuan.Principal, orgID int64) (*zhiyuan.Membership, error) {
	if p == nil {
		return nil, nil
	}
	v, err := a.MyVolunteer(ctx, p)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound || zhiyuan.ErrorCode(err) == zhiyuan.EForbidden {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := a.store.FindMembership(ctx, orgID, v.ID)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return nil, nil
	}
	return m, err
}

package app

import (
	"context"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
)

// AdminInput describes an administrator to create or promote.
type AdminInput struct {
	Phone    string
	Name     string
	Password string
	Role     zhiyuan.Role
}

// CreateAdmin creates an account holding an administrative role, or grants the role to the
// account that already has the phone number. actor is nil when the operator bootstraps
// from the command line on the server itself; otherwise a platform admin may create any
// admin and a regional admin may create regional admins inside their own region.
func (a *App) CreateAdmin(ctx context.Context, actor *zhiyuan.Principal, in AdminInput) (*zhiyuan.Account, error) {
	p := zhiyuan.Problems{}
	phone, err := pii.NormalizePhone(in.Phone)
	if err != nil {
		p.Add("phone", "phone.format")
	}
	in.Name = strings.TrimSpace(in.Name)
	switch in.Role.Kind {
	case zhiyuan.RoleRegional:
		code, ok := a.Regions.Normalize(in.Role.RegionCode)
		if !ok {
			p.Add("region", "region.unknown")
		}
		in.Role.RegionCode, in.Role.OrgID = code, 0
	case zhiyuan.RolePlatform, zhiyuan.RolePartner, zhiyuan.RoleJudge:
		in.Role.RegionCode, in.Role.OrgID = "", 0
	case zhiyuan.RoleOrgAdmin:
		if in.Role.OrgID <= 0 {
			p.Add("org", "admin.org_required")
		}
		in.Role.RegionCode = ""
	default:
		p.Add("role", "admin.role_unknown")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if actor != nil {
		act, res := zhiyuan.ActPlatformAdmin, zhiyuan.Resource{}
		if in.Role.Kind == zhiyuan.RoleRegional {
			act, res = zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: in.Role.RegionCode}
		}
		if err := a.authorize(ctx, actor, act, res); err != nil {
			return nil, err
		}
	}

	acc, _, err := a.store.FindAccountByPhone(ctx, phone)
	switch {
	case err == nil:
		if err := a.store.GrantRole(ctx, acc.ID, in.Role, actor.AccountIDOrZero()); err != nil {
			return nil, err
		}
	case zhiyuan.ErrorCode(err) == zhiyuan.ENotFound:
		pw := zhiyuan.Problems{}
		if checkPassword(pw, "password", in.Password); len(pw) > 0 {
			return nil, pw.Err()
		}
		if in.Name == "" {
			in.Name = in.Role.Kind.Chinese()
		}
		hash, err := password.Hash(in.Password, a.Config.Password)
		if err != nil {
			return nil, err
		}
		acc = &zhiyuan.Account{Phone: phone, Name: in.Name, Roles: []zhiyuan.Role{in.Role}}
		if err := a.store.CreateAccount(ctx, acc, hash); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if err := a.audit(ctx, actor, "admin.grant", "account", strconv.FormatInt(acc.ID, 10), in.Role.RegionCode, in.Role.OrgID, string(in.Role.Kind)); err != nil {
		return nil, err
	}
	return a.store.FindAccountByID(ctx, acc.ID)
}

// AuditQuery selects audit entries for a reader.
type AuditQuery struct {
	Region string // defaults to the reader's own region
	Action string
	Before int64
	Limit  int
}

// Audit returns audit entries of a region the caller administers, newest first.
func (a *App) Audit(ctx context.Context, p *zhiyuan.Principal, q AuditQuery) ([]zhiyuan.AuditEntry, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	region := q.Region
	if region == "" {
		if scopes := p.RegionScopes(); len(scopes) > 0 {
			region = scopes[0]
		}
	}
	prefix := "*"
	if region != "*" {
		code, ok := a.Regions.Normalize(region)
		if !ok && region != "" {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "region", "region.unknown")
		}
		region = code
		prefix = zhiyuan.ScopePrefix(code)
	}
	res := zhiyuan.Resource{RegionCode: region}
	if prefix == "*" {
		res.RegionCode = ""
	}
	if err := a.authorize(ctx, p, zhiyuan.ActAuditRead, res); err != nil {
		return nil, err
	}
	return a.store.FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: prefix, Action: q.Action, Before: q.Before, Limit: q.Limit})
}

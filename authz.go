package zhiyuan

import "strings"

// RoleKind is what a role lets its holder do; the scope (region or organisation) says where.
type RoleKind string

// Role kinds.
const (
	RoleVolunteer RoleKind = "volunteer"
	RoleOrgAdmin  RoleKind = "org_admin" // scoped to one organisation and its sub-organisations
	RoleRegional  RoleKind = "regional"  // scoped to a region code and everything below it
	RolePartner   RoleKind = "partner"
	RoleJudge     RoleKind = "judge"
	RolePlatform  RoleKind = "platform" // the operator of the whole platform
)

// Valid reports whether k is one of the known role kinds.
func (k RoleKind) Valid() bool {
	switch k {
	case RoleVolunteer, RoleOrgAdmin, RoleRegional, RolePartner, RoleJudge, RolePlatform:
		return true
	}
	return false
}

// Chinese is the role's name on pages.
func (k RoleKind) Chinese() string {
	switch k {
	case RoleVolunteer:
		return "志愿者"
	case RoleOrgAdmin:
		return "组织管理员"
	case RoleRegional:
		return "区域管理员"
	case RolePartner:
		return "合作单位"
	case RoleJudge:
		return "评委"
	case RolePlatform:
		return "平台管理员"
	}
	return string(k)
}

// Role is one grant held by an account.
type Role struct {
	Kind       RoleKind `json:"role"`
	RegionCode string   `json:"region_code,omitempty"`
	OrgID      int64    `json:"org_id,omitempty"`
	// PartnerID and PartnerAdmin scope a partner role to one partner (联合激励单位): its
	// staff check volunteers at the gate, its admins also publish benefits and add staff.
	PartnerID    int64 `json:"partner_id,omitempty"`
	PartnerAdmin bool  `json:"partner_admin,omitempty"`
}

// Principal is the authenticated caller of a request.
type Principal struct {
	AccountID int64
	Name      string
	Roles     []Role

	// Account is the caller's account as read together with the session, so that showing
	// it (GET /api/v1/me, the page header) costs no second read; nil when the principal
	// was made otherwise. It is a pointer so that printing a Principal prints no phone.
	Account *Account
}

// Has reports whether p holds a role of kind k (in any scope).
func (p *Principal) Has(k RoleKind) bool {
	if p == nil {
		return false
	}
	for _, r := range p.Roles {
		if r.Kind == k {
			return true
		}
	}
	return false
}

// IsAdmin reports whether p holds any administrative role; pages use it for navigation only,
// never for decisions (Authorize decides).
func (p *Principal) IsAdmin() bool {
	return p.Has(RoleOrgAdmin) || p.Has(RoleRegional) || p.Has(RolePlatform)
}

// RegionScopes returns the region codes p administers as a regional admin; a platform admin
// gets the empty-prefix wildcard "*".
func (p *Principal) RegionScopes() []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, r := range p.Roles {
		switch r.Kind {
		case RolePlatform:
			return []string{"*"}
		case RoleRegional:
			out = append(out, r.RegionCode)
		}
	}
	return out
}

// Action names something a caller wants to do. Each action has one rule in Authorize.
type Action string

// Actions.
const (
	ActAuditRead     Action = "audit.read"     // read the audit log of a region
	ActRegionManage  Action = "region.manage"  // regional administration: approvals, card batches
	ActOrgManage     Action = "org.manage"     // run an organisation: members, activities, hours
	ActOrgApprove    Action = "org.approve"    // approve or reject a pending organisation
	ActPIIReveal     Action = "pii.reveal"     // see one full identity number
	ActSelf          Action = "self"           // act on one's own records
	ActPlatformAdmin Action = "platform.admin" // create admins, platform settings

	// Partners (partner.go).
	ActPartnerApprove Action = "partner.approve" // approve or reject a partner's application
	ActPartnerManage  Action = "partner.manage"  // publish benefits, add staff
	ActPartnerGate    Action = "partner.gate"    // check a volunteer at the gate, record a use
)

// Resource describes the record an action touches, as far as authorisation needs it.
type Resource struct {
	RegionCode   string  // the record's region (county or street code), or the requested scope
	OrgID        int64   // the organisation the record belongs to, if any
	OrgAncestors []int64 // the organisation's parents, nearest first
	OwnerID      int64   // the account the record belongs to, for ActSelf
	PartnerID    int64   // the partner the record belongs to, if any
}

// Authorize is the one decision on who may do what, by role and scope. Every handler of
// pages and API reaches it through the application layer; there is no second path. It
// returns nil, EUnauthorized for an anonymous caller, or EForbidden.
func Authorize(p *Principal, act Action, res Resource) error {
	if p == nil || p.AccountID == 0 {
		return Fail(EUnauthorized, "auth.login_required")
	}
	if act == ActSelf {
		if res.OwnerID != 0 && res.OwnerID == p.AccountID {
			return nil
		}
		return Fail(EForbidden, "auth.own_only")
	}
	for _, r := range p.Roles {
		if roleAllows(r, act, res) {
			return nil
		}
	}
	return Fail(EForbidden, "auth.forbidden")
}

func roleAllows(r Role, act Action, res Resource) bool {
	switch r.Kind {
	case RolePlatform:
		return true
	case RoleRegional:
		switch act {
		case ActAuditRead, ActRegionManage, ActOrgManage, ActOrgApprove, ActPIIReveal, ActPartnerApprove:
			return RegionContains(r.RegionCode, res.RegionCode)
		}
	case RolePartner:
		// Only the partner's own accounts act for it; a regional admin approves a partner
		// but does not run its gate or publish its benefits.
		if r.PartnerID == 0 || r.PartnerID != res.PartnerID {
			return false
		}
		switch act {
		case ActPartnerGate:
			return true
		case ActPartnerManage:
			return r.PartnerAdmin
		}
	case RoleOrgAdmin:
		switch act {
		case ActOrgManage:
			return r.OrgID != 0 && (r.OrgID == res.OrgID || containsID(res.OrgAncestors, r.OrgID))
		case ActOrgApprove:
			// Only a parent approves a child: an organisation never approves itself.
			return r.OrgID != 0 && containsID(res.OrgAncestors, r.OrgID)
		}
	}
	return false
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// ScopePrefix turns a region code into the prefix shared by it and everything below it:
// province 440000 → "44", city 440100 → "4401", county 440106 → "440106", street codes
// stay whole. Working on the code itself, not a table, keeps historical codes (still found
// in identity numbers and old records) inside their province and city. It returns "" for
// anything that is not a region code.
func ScopePrefix(code string) string {
	if len(code) != 6 && len(code) != 9 && len(code) != 12 {
		return ""
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return ""
		}
	}
	if len(code) > 6 {
		return code
	}
	switch {
	case code[2:] == "0000":
		return code[:2]
	case code[4:] == "00":
		return code[:4]
	}
	return code
}

// RegionContains reports whether code is scope itself or lies anywhere below it.
func RegionContains(scope, code string) bool {
	prefix := ScopePrefix(scope)
	if prefix == "" || code == "" {
		return false
	}
	return strings.HasPrefix(code, prefix)
}

// AccountIDOrZero returns p's account id, or 0 for an anonymous caller.
func (p *Principal) AccountIDOrZero() int64 {
	if p == nil {
		return 0
	}
	return p.AccountID
}

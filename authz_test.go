package zhiyuan

import "testing"

// The organisations of the table: a city federation (1) with a district team (2) under it
// and a street sub-team (3) under that; 9 is an unrelated organisation elsewhere.
var (
	orgCity     = Resource{OrgID: 1, RegionCode: "440100"}
	orgDistrict = Resource{OrgID: 2, OrgAncestors: []int64{1}, RegionCode: "440106"}
	orgStreet   = Resource{OrgID: 3, OrgAncestors: []int64{2, 1}, RegionCode: "440106001"}
	orgOther    = Resource{OrgID: 9, OrgAncestors: []int64{8}, RegionCode: "440304"}
)

func principal(id int64, roles ...Role) *Principal {
	return &Principal{AccountID: id, Name: "测试", Roles: roles}
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	guangzhou := principal(10, Role{Kind: RoleRegional, RegionCode: "440100"})
	province := principal(11, Role{Kind: RoleRegional, RegionCode: "440000"})
	tianhe := principal(12, Role{Kind: RoleRegional, RegionCode: "440106"})
	platform := principal(13, Role{Kind: RolePlatform})
	volunteer := principal(14, Role{Kind: RoleVolunteer})
	districtAdmin := principal(15, Role{Kind: RoleOrgAdmin, OrgID: 2})
	partner := principal(16, Role{Kind: RolePartner})
	judge := principal(17, Role{Kind: RoleJudge})
	// Someone holding two grants: volunteer and admin of the unrelated org 9.
	twoHats := principal(18, Role{Kind: RoleVolunteer}, Role{Kind: RoleOrgAdmin, OrgID: 9})
	// A regional role with a malformed scope must not become a wildcard.
	broken := principal(19, Role{Kind: RoleRegional, RegionCode: ""})

	tests := []struct {
		name string
		p    *Principal
		act  Action
		res  Resource
		want Code // "" for allowed
	}{
		// Anonymous callers are unauthorized whatever they ask, even for their "own" record.
		{"anonymous audit", nil, ActAuditRead, Resource{RegionCode: "440106"}, EUnauthorized},
		{"anonymous self", nil, ActSelf, Resource{OwnerID: 0}, EUnauthorized},
		{"zero account", &Principal{}, ActOrgManage, orgCity, EUnauthorized},

		// Regional admins: their region and everything below it, nothing beside or above.
		{"city reads district audit", guangzhou, ActAuditRead, Resource{RegionCode: "440106"}, ""},
		{"city reads own audit", guangzhou, ActAuditRead, Resource{RegionCode: "440100"}, ""},
		{"city reads street audit", guangzhou, ActAuditRead, Resource{RegionCode: "440106001"}, ""},
		{"city reads other city", guangzhou, ActAuditRead, Resource{RegionCode: "440300"}, EForbidden},
		{"city reads other city's district", guangzhou, ActAuditRead, Resource{RegionCode: "440304"}, EForbidden},
		{"city reads province", guangzhou, ActAuditRead, Resource{RegionCode: "440000"}, EForbidden},
		{"city reads everything", guangzhou, ActAuditRead, Resource{RegionCode: ""}, EForbidden},
		{"city manages district", guangzhou, ActRegionManage, Resource{RegionCode: "440106"}, ""},
		{"city manages other city", guangzhou, ActRegionManage, Resource{RegionCode: "440300"}, EForbidden},
		{"city approves org in district", guangzhou, ActOrgApprove, orgDistrict, ""},
		{"city approves org in other city", guangzhou, ActOrgApprove, orgOther, EForbidden},
		{"city manages org in district", guangzhou, ActOrgManage, orgStreet, ""},
		{"city reveals PII in scope", guangzhou, ActPIIReveal, Resource{RegionCode: "440106"}, ""},
		{"city reveals PII out of scope", guangzhou, ActPIIReveal, Resource{RegionCode: "440304"}, EForbidden},
		{"city is no platform admin", guangzhou, ActPlatformAdmin, Resource{}, EForbidden},
		{"district reads its city", tianhe, ActAuditRead, Resource{RegionCode: "440100"}, EForbidden},
		{"district reads sibling", tianhe, ActAuditRead, Resource{RegionCode: "440105"}, EForbidden},
		{"province reads any city", province, ActAuditRead, Resource{RegionCode: "440304"}, ""},
		{"province reads another province", province, ActAuditRead, Resource{RegionCode: "450100"}, EForbidden},
		{"malformed scope", broken, ActAuditRead, Resource{RegionCode: "440106"}, EForbidden},

		// Platform admins may do everything.
		{"platform reads anything", platform, ActAuditRead, Resource{RegionCode: "110101"}, ""},
		{"platform admin action", platform, ActPlatformAdmin, Resource{}, ""},
		{"platform approves", platform, ActOrgApprove, orgOther, ""},

		// Org admins: their organisation and its sub-organisations only.
		{"org manages itself", districtAdmin, ActOrgManage, orgDistrict, ""},
		{"org manages child", districtAdmin, ActOrgManage, orgStreet, ""},
		{"org manages parent", districtAdmin, ActOrgManage, orgCity, EForbidden},
		{"org manages other", districtAdmin, ActOrgManage, orgOther, EForbidden},
		{"org approves child", districtAdmin, ActOrgApprove, orgStreet, ""},
		{"org approves itself", districtAdmin, ActOrgApprove, orgDistrict, EForbidden},
		{"org approves parent", districtAdmin, ActOrgApprove, orgCity, EForbidden},
		{"org approves other", districtAdmin, ActOrgApprove, orgOther, EForbidden},
		{"org reads region audit", districtAdmin, ActAuditRead, Resource{RegionCode: "440106"}, EForbidden},
		{"org reveals PII", districtAdmin, ActPIIReveal, orgDistrict, EForbidden},
		{"org admin of zero org", principal(20, Role{Kind: RoleOrgAdmin}), ActOrgManage, Resource{}, EForbidden},
		{"second hat does not reach", twoHats, ActOrgManage, orgDistrict, EForbidden},
		{"second hat works in its org", twoHats, ActOrgManage, orgOther, ""},

		// Volunteers, partners and judges hold no administrative power.
		{"volunteer audit", volunteer, ActAuditRead, Resource{RegionCode: "440106"}, EForbidden},
		{"volunteer manage", volunteer, ActOrgManage, orgDistrict, EForbidden},
		{"volunteer platform", volunteer, ActPlatformAdmin, Resource{}, EForbidden},
		{"partner audit", partner, ActAuditRead, Resource{RegionCode: "440106"}, EForbidden},
		{"judge approve", judge, ActOrgApprove, orgStreet, EForbidden},

		// ActSelf: only the owner, whatever other roles the caller holds.
		{"self own record", volunteer, ActSelf, Resource{OwnerID: 14}, ""},
		{"self other's record", volunteer, ActSelf, Resource{OwnerID: 15}, EForbidden},
		{"self unowned record", volunteer, ActSelf, Resource{}, EForbidden},
		{"platform is not self", platform, ActSelf, Resource{OwnerID: 14}, EForbidden},
		{"regional is not self", guangzhou, ActSelf, Resource{OwnerID: 14, RegionCode: "440106"}, EForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Authorize(tc.p, tc.act, tc.res)
			if got := ErrorCode(err); got != tc.want {
				t.Errorf("Authorize(%s) = %v, want code %q", tc.act, err, tc.want)
			}
			if err != nil && ErrorMessage(err) == "" {
				t.Errorf("refusal without a message")
			}
		})
	}
}

func TestScopePrefix(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{
		"440000":       "44",
		"440100":       "4401",
		"440106":       "440106",
		"440606":       "440606", // 顺德区 stays a county inside 佛山市 by its code
		"440106001":    "440106001",
		"440106001001": "440106001001",
		"":             "",
		"4401":         "",
		"44010":        "",
		"4401000":      "",
		"44010a":       "",
		"４４０１００":       "", // full-width digits are not a code
	} {
		if got := ScopePrefix(code); got != want {
			t.Errorf("ScopePrefix(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestRegionContains(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scope, code string
		want        bool
	}{
		{"440100", "440106", true},
		{"440100", "440100", true},
		{"440100", "440106001", true},
		{"440000", "440606", true},
		{"440600", "440606", true},
		{"440100", "440300", false},
		{"440100", "440000", false},
		{"440106", "440100", false},
		{"440106", "440105", false},
		{"440000", "450100", false},
		{"440100", "", false},
		{"", "440100", false},   // an empty scope is no wildcard
		{"44", "440100", false}, // nor is a bare prefix
		{"440106001", "440106001002", true},
		{"440106001", "440106002", false},
	}
	for _, tc := range tests {
		if got := RegionContains(tc.scope, tc.code); got != tc.want {
			t.Errorf("RegionContains(%q, %q) = %v, want %v", tc.scope, tc.code, got, tc.want)
		}
	}
}

package servertest

import (
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/sqlstore"
)

// LeagueTree is the organisations of the League-rate tests by letter, as Env.LeagueTree
// makes them:
//
//	A 校团委 (天河 440106, roster 10)
//	├── B 学院团委 (天河, 20)
//	│   ├── D 班级团支部 (天河, 5)
//	│   └── E 班级团支部 (海珠 440105, no roster)
//	└── C 学院团委 (越秀 440104, 30)
//	F 区团委 (深圳南山 440305, 1)   — another city
//	P (天河, pending, 50)            — not approved: counts nowhere
type LeagueTree map[string]int64

// LeagueTree builds the tree and its volunteers straight in the store:
//
//	v1 团员 A · v2 团员 B and D · v3 团员 D · v4 团员 E · v5 群众 D · v6 团员 C pending ·
//	v7 团员 C · v8 团员 C, account closed · v9 团员 F · v10 团员 C and F · v11 团员 P
func (e *Env) LeagueTree() LeagueTree {
	t := e.T
	t.Helper()
	ctx := t.Context()
	hash, _ := password.Hash("test1234", password.Fast)
	acc := &zhiyuan.Account{Phone: e.NewPhone(), Name: "登记人"}
	if err := e.Store.CreateAccount(ctx, acc, hash); err != nil {
		t.Fatal(err)
	}
	owner := acc.ID
	ids := LeagueTree{}
	mk := func(name, region, parent string, status zhiyuan.OrgStatus) *zhiyuan.Organization {
		return &zhiyuan.Organization{Name: "测试" + name + "团委", Type: "团委", RegionCode: region, ParentID: ids[parent],
			ContactName: "王老师", ContactPhone: "13800138000", Status: status, CreatedBy: owner}
	}
	levels := [][]struct {
		key, region, parent string
		status              zhiyuan.OrgStatus
	}{
		{{"A", "440106", "", zhiyuan.OrgApproved}, {"F", "440305", "", zhiyuan.OrgApproved}},
		{{"B", "440106", "A", zhiyuan.OrgApproved}, {"C", "440104", "A", zhiyuan.OrgApproved}, {"P", "440106", "A", zhiyuan.OrgPending}},
		{{"D", "440106", "B", zhiyuan.OrgApproved}, {"E", "440105", "B", zhiyuan.OrgApproved}},
	}
	for _, level := range levels {
		var orgs []*zhiyuan.Organization
		for _, o := range level {
			orgs = append(orgs, mk(o.key, o.region, o.parent, o.status))
		}
		if err := e.Store.BulkCreateOrganizations(ctx, orgs); err != nil {
			t.Fatal(err)
		}
		for i, o := range level {
			ids[o.key] = orgs[i].ID
		}
	}
	// Rosters as each unit's admin would record them (the store, not the API: the API's
	// own test is below).
	for key, n := range map[string]int{"A": 10, "B": 20, "D": 5, "C": 30, "F": 1, "P": 50} {
		if _, err := e.Store.SetLeagueRoster(ctx, ids[key], n, nil); err != nil {
			t.Fatal(err)
		}
	}
	member := func(status string, orgs ...string) int64 {
		phone := e.NewPhone()
		v := &zhiyuan.Volunteer{Name: "团员" + phone[7:], IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X",
			Phone: phone, RegionCode: "440106", BirthDate: time.Date(2004, 5, 1, 0, 0, 0, 0, time.UTC), Sex: "female",
			PoliticalStatus: status}
		if err := e.Store.CreateVolunteer(ctx, v, sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberIndex: "ix" + phone}); err != nil {
			t.Fatal(err)
		}
		var ms []zhiyuan.Membership
		for _, o := range orgs {
			st := zhiyuan.MemberApproved
			if strings.HasSuffix(o, "?") {
				o, st = strings.TrimSuffix(o, "?"), zhiyuan.MemberPending
			}
			ms = append(ms, zhiyuan.Membership{OrgID: ids[o], VolunteerID: v.ID, Status: st})
		}
		if err := e.Store.BulkAddMembers(ctx, ms); err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	const league = zhiyuan.LeagueMemberStatus
	member(league, "A")
	member(league, "B", "D")
	member(league, "D")
	member(league, "E")
	member("群众", "D")
	member(league, "C?")
	member(league, "C")
	closed := member(league, "C")
	if err := e.Store.CloseVolunteer(ctx, closed); err != nil {
		t.Fatal(err)
	}
	member(league, "F")
	member(league, "C", "F")
	member(league, "P")
	return ids
}

package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// orgAccount creates a plain account to register organisations with.
func orgAccount(t *testing.T, s *sqlstore.Store, phone string) int64 {
	t.Helper()
	acc := &zhiyuan.Account{Phone: phone, Name: "登记人"}
	if err := s.CreateAccount(context.Background(), acc, "h"); err != nil {
		t.Fatal(err)
	}
	return acc.ID
}

func newOrg(t *testing.T, s *sqlstore.Store, by int64, name, region string, parent int64) *zhiyuan.Organization {
	t.Helper()
	o := &zhiyuan.Organization{Name: name, Type: "团委", RegionCode: region, ParentID: parent,
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: by}
	if err := s.CreateOrganization(context.Background(), o); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return o
}

func approveOrg(t *testing.T, s *sqlstore.Store, id, by int64) {
	t.Helper()
	if err := s.DecideOrganization(context.Background(), id, zhiyuan.OrgApproved, "", by, nil); err != nil {
		t.Fatalf("approve %d: %v", id, err)
	}
}

func TestOrganizationTree(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		by := orgAccount(t, s, "13800000001")
		school := newOrg(t, s, by, "华南理工大学团委", "440106", 0)
		approveOrg(t, s, school.ID, by)
		college := newOrg(t, s, by, "计算机学院团委", "440106", school.ID)
		approveOrg(t, s, college.ID, by)
		class := newOrg(t, s, by, "计科2201班团支部", "440113", college.ID)

		got, err := s.FindOrganizationByID(ctx, class.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Ancestors, []int64{college.ID, school.ID}) || got.ParentID != college.ID ||
			got.ParentName != "计算机学院团委" || got.Status != zhiyuan.OrgPending || got.CreatedBy != by {
			t.Fatalf("class: %+v", got)
		}
		// The registrant became the organisation's admin in the same transaction.
		acc, err := s.FindAccountByID(ctx, by)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(acc.Roles, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: class.ID}) {
			t.Fatalf("roles %+v", acc.Roles)
		}
		if n, err := s.CountDescendants(ctx, school.ID); err != nil || n != 2 {
			t.Fatalf("descendants of school: %d %v", n, err)
		}
		// A parent that is not approved takes no children.
		o := &zhiyuan.Organization{Name: "不该存在", Type: "团委", RegionCode: "440113", ParentID: class.ID,
			ContactName: "x", ContactPhone: "13800001111", CreatedBy: by}
		if err := s.CreateOrganization(ctx, o); zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorFields(err)["parent_id"] == "" {
			t.Fatalf("child of pending: %v", err)
		}
		if _, err := s.FindOrganizationByID(ctx, 987654); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("missing org: %v", err)
		}

		// An org admin's scope is its subtree and nothing else; ids 10 and 1 must not mix
		// (path '/1/' is not a prefix of '/10/').
		other := newOrg(t, s, by, "别的学校团委", "440106", 0)
		for i := 0; i < 8; i++ {
			newOrg(t, s, by, fmt.Sprintf("填充组织%d", i), "440104", 0)
		}
		list, err := s.FindOrganizations(ctx, zhiyuan.OrgFilter{Scope: &zhiyuan.OrgScope{OrgIDs: []int64{college.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		if ids := orgIDs(list); !slices.Equal(ids, []int64{college.ID, class.ID}) {
			t.Fatalf("college scope: %v", ids)
		}
		list, _ = s.FindOrganizations(ctx, zhiyuan.OrgFilter{Scope: &zhiyuan.OrgScope{OrgIDs: []int64{school.ID}}, Status: zhiyuan.OrgPending})
		if ids := orgIDs(list); !slices.Equal(ids, []int64{class.ID}) {
			t.Fatalf("pending in school scope: %v", ids)
		}
		list, _ = s.FindOrganizations(ctx, zhiyuan.OrgFilter{Scope: &zhiyuan.OrgScope{RegionPrefixes: []string{"440106"}}})
		if ids := orgIDs(list); !slices.Equal(ids, []int64{school.ID, college.ID, other.ID}) {
			t.Fatalf("天河 scope: %v", ids)
		}
		// Public directory: approved only, whatever the filter asks.
		list, _ = s.FindOrganizations(ctx, zhiyuan.OrgFilter{Status: zhiyuan.OrgPending})
		if ids := orgIDs(list); !slices.Equal(ids, []int64{school.ID, college.ID}) {
			t.Fatalf("public: %v", ids)
		}
		list, _ = s.FindOrganizations(ctx, zhiyuan.OrgFilter{Query: "计算机"})
		if ids := orgIDs(list); !slices.Equal(ids, []int64{college.ID}) {
			t.Fatalf("query: %v", ids)
		}
		list, _ = s.FindOrganizations(ctx, zhiyuan.OrgFilter{Query: "%"})
		if len(list) != 0 {
			t.Fatalf("%% matched %d", len(list))
		}
		list, _ = s.FindOrganizations(ctx, zhiyuan.OrgFilter{ParentID: school.ID})
		if ids := orgIDs(list); !slices.Equal(ids, []int64{college.ID}) {
			t.Fatalf("children: %v", ids)
		}
	})
}

func orgIDs(list []*zhiyuan.Organization) []int64 {
	var out []int64
	for _, o := range list {
		out = append(out, o.ID)
	}
	return out
}

func TestOrganizationUniques(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		by := orgAccount(t, s, "13800000001")
		a := newOrg(t, s, by, "天河区团委", "440106", 0)
		dup := &zhiyuan.Organization{Name: "天河区团委", Type: "团委", RegionCode: "440106", ContactName: "x", ContactPhone: "13800001111", CreatedBy: by}
		if err := s.CreateOrganization(ctx, dup); zhiyuan.ErrorCode(err) != zhiyuan.EConflict || zhiyuan.ErrorProblems(err)["name"].Reason != "org.name_taken" {
			t.Fatalf("duplicate name: %v", err)
		}
		// Same name elsewhere is fine.
		newOrg(t, s, by, "天河区团委", "440104", 0)
		// Once rejected, the name is free again.
		if err := s.DecideOrganization(ctx, a.ID, zhiyuan.OrgRejected, "材料不全", by, nil); err != nil {
			t.Fatal(err)
		}
		newOrg(t, s, by, "天河区团委", "440106", 0)

		cc := "51440106MJ0000012X"
		o1 := &zhiyuan.Organization{Name: "甲协会", Type: "社会组织", RegionCode: "440106", CreditCode: cc, ContactName: "x", ContactPhone: "13800001111", CreatedBy: by}
		if err := s.CreateOrganization(ctx, o1); err != nil {
			t.Fatal(err)
		}
		o2 := &zhiyuan.Organization{Name: "乙协会", Type: "社会组织", RegionCode: "440106", CreditCode: cc, ContactName: "x", ContactPhone: "13800001111", CreatedBy: by}
		if err := s.CreateOrganization(ctx, o2); zhiyuan.ErrorCode(err) != zhiyuan.EConflict || zhiyuan.ErrorProblems(err)["credit_code"].Reason != "org.credit_code_taken" {
			t.Fatalf("duplicate credit code: %v", err)
		}
		got, _ := s.FindOrganizationByID(ctx, o1.ID)
		if got.CreditCode != cc {
			t.Fatalf("credit code %q", got.CreditCode)
		}
	})
}

func TestOrganizationDecideOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		by := orgAccount(t, s, "13800000001")
		o := newOrg(t, s, by, "番禺区团委", "440113", 0)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := &zhiyuan.AuditEntry{Action: "org.approve", TargetType: "organization", TargetID: fmt.Sprint(o.ID), RegionCode: "440113"}
				errs[i] = s.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", by, e)
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch zhiyuan.ErrorCode(err) {
			case "":
				ok++
			case zhiyuan.EConflict:
				conflicts++
			default:
				t.Errorf("unexpected %v", err)
			}
		}
		if ok != 1 || conflicts != n-1 {
			t.Fatalf("ok %d conflicts %d", ok, conflicts)
		}
		entries, _ := s.FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: "440113", Action: "org.approve"})
		if len(entries) != 1 {
			t.Fatalf("%d audit entries", len(entries))
		}
		got, _ := s.FindOrganizationByID(ctx, o.ID)
		if got.Status != zhiyuan.OrgApproved || got.DecidedBy != by || got.DecidedAt.IsZero() {
			t.Fatalf("after: %+v", got)
		}
		if err := s.DecideOrganization(ctx, 99999, zhiyuan.OrgApproved, "", by, nil); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("missing: %v", err)
		}
	})
}

// orgVolunteers registers n volunteers in bulk and returns their ids.
func orgVolunteers(t testing.TB, s *sqlstore.Store, first, n int) []int64 {
	t.Helper()
	batch := make([]sqlstore.BulkVolunteer, n)
	vs := make([]*zhiyuan.Volunteer, n)
	for i := range n {
		vs[i] = &zhiyuan.Volunteer{
			Name: fmt.Sprintf("志愿者%d", first+i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
			Phone: fmt.Sprintf("136%08d", first+i), RegionCode: "440106", BirthDate: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male",
		}
		batch[i] = sqlstore.BulkVolunteer{Volunteer: vs[i], Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("ix%d", first+i)}}
	}
	if err := s.BulkCreateVolunteers(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, v := range vs {
		ids[i] = v.ID
	}
	return ids
}

func TestMemberships(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		by := orgAccount(t, s, "13800000001")
		o := newOrg(t, s, by, "社区志愿服务队", "440106", 0)
		vols := orgVolunteers(t, s, 1, 3)
		// Not approved yet: no applications.
		if _, err := s.ApplyMembership(ctx, o.ID, vols[0]); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("apply to pending org: %v", err)
		}
		approveOrg(t, s, o.ID, by)
		for _, v := range vols {
			if _, err := s.ApplyMembership(ctx, o.ID, v); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ApplyMembership(ctx, o.ID, vols[0]); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("apply twice: %v", err)
		}
		if err := s.DecideMembership(ctx, o.ID, vols[0], zhiyuan.MemberApproved, by, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideMembership(ctx, o.ID, vols[0], zhiyuan.MemberRejected, by, nil); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("decide twice: %v", err)
		}
		if err := s.DecideMembership(ctx, o.ID, vols[1], zhiyuan.MemberRejected, by, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideMembership(ctx, o.ID, 424242, zhiyuan.MemberApproved, by, nil); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("decide missing: %v", err)
		}
		for v, want := range map[int64]bool{vols[0]: true, vols[1]: false, vols[2]: false} {
			if got, err := s.IsMember(ctx, o.ID, v); err != nil || got != want {
				t.Fatalf("IsMember(%d) = %v %v", v, got, err)
			}
		}
		got, _ := s.FindOrganizationByID(ctx, o.ID)
		if got.MemberCount != 1 {
			t.Fatalf("member count %d", got.MemberCount)
		}
		// A rejected volunteer may apply again.
		if _, err := s.ApplyMembership(ctx, o.ID, vols[1]); err != nil {
			t.Fatalf("apply after rejection: %v", err)
		}
		list, err := s.FindMembers(ctx, zhiyuan.MemberFilter{OrgID: o.ID, Status: zhiyuan.MemberPending})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].VolunteerID != vols[1] || list[0].Phone != "13600000002" || list[0].VolunteerName != "志愿者2" {
			t.Fatalf("pending list %+v", list)
		}
		list, _ = s.FindMembers(ctx, zhiyuan.MemberFilter{OrgID: o.ID, Query: "志愿者3"})
		if len(list) != 1 || list[0].VolunteerID != vols[2] {
			t.Fatalf("query list %+v", list)
		}
		v3, _ := s.FindVolunteerByID(ctx, vols[2])
		list, _ = s.FindMembers(ctx, zhiyuan.MemberFilter{OrgID: o.ID, Query: v3.VolunteerNo[:10]})
		if len(list) == 0 {
			t.Fatalf("volunteer number prefix found nothing")
		}
		// Leaving takes the member off the count.
		if err := s.LeaveOrganization(ctx, o.ID, vols[0]); err != nil {
			t.Fatal(err)
		}
		got, _ = s.FindOrganizationByID(ctx, o.ID)
		if got.MemberCount != 0 {
			t.Fatalf("member count after leaving %d", got.MemberCount)
		}
		mine, err := s.FindMembershipsOfVolunteer(ctx, vols[0])
		if err != nil || len(mine) != 1 || mine[0].Status != zhiyuan.MemberLeft || mine[0].OrgName != "社区志愿服务队" {
			t.Fatalf("mine %+v %v", mine, err)
		}
	})
}

func TestMemberPagesVisitEveryoneOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		by := orgAccount(t, s, "13800000001")
		o := newOrg(t, s, by, "大队", "440106", 0)
		approveOrg(t, s, o.ID, by)
		vols := orgVolunteers(t, s, 1, 137)
		for _, v := range vols {
			if _, err := s.ApplyMembership(ctx, o.ID, v); err != nil {
				t.Fatal(err)
			}
		}
		seen := map[int64]int{}
		var after int64
		pages := 0
		for {
			page, err := s.FindMembers(ctx, zhiyuan.MemberFilter{OrgID: o.ID, After: after, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			pages++
			for _, m := range page {
				seen[m.VolunteerID]++
			}
			after = page[len(page)-1].ID
		}
		if len(seen) != len(vols) || pages != 7 {
			t.Fatalf("saw %d of %d in %d pages", len(seen), len(vols), pages)
		}
		for v, n := range seen {
			if n != 1 {
				t.Fatalf("volunteer %d seen %d times", v, n)
			}
		}
	})
}

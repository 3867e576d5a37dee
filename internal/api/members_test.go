package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

type memberResp struct {
	ID          int64  `json:"id"`
	VolunteerID int64  `json:"volunteer_id"`
	Name        string `json:"name"`
	VolunteerNo string `json:"volunteer_no"`
	PhoneMasked string `json:"phone_masked"`
	Status      string `json:"status"`
	OrgName     string `json:"org_name"`
	JoinedAt    string `json:"joined_at"`
}

type memberPage struct {
	Items      []memberResp `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// approvedOrg registers and approves an organisation and returns it with its admin's token.
func approvedOrg(t *testing.T, e *servertest.Env, approver, name string) (orgResp, string) {
	t.Helper()
	admin, _ := orgUser(t, e)
	o := registerOrg(t, e, admin, orgBody(name, "440106", 0))
	wantStatus(t, "approve "+name, e.Do("POST", orgPath(o.ID, "/approve"), approver, nil), http.StatusOK)
	return o, admin
}

func memberPath(org, volunteer int64, action string) string {
	return orgPath(org, fmt.Sprintf("/members/%d/%s", volunteer, action))
}

func TestMembershipApplyAndDecide(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		a, adminA := approvedOrg(t, e, city, "天河区青年志愿者协会")
		b, adminB := approvedOrg(t, e, city, "天河区社区志愿服务队")
		v1, id1 := orgVolunteer(t, e, "陈小明")
		v2, id2 := orgVolunteer(t, e, "欧阳娜娜")

		// Someone who is not a volunteer cannot apply; a volunteer can, once per org.
		wantStatus(t, "admin without volunteer record applies", e.Do("POST", orgPath(a.ID, "/members"), adminB, nil), http.StatusForbidden)
		res := e.Do("POST", orgPath(a.ID, "/members"), v1, nil)
		wantStatus(t, "apply", res, http.StatusCreated)
		var m memberResp
		res.Decode(&m)
		if m.Status != "pending" || m.VolunteerID != id1 || m.OrgName != a.Name {
			t.Fatalf("applied %+v", m)
		}
		wantStatus(t, "apply twice", e.Do("POST", orgPath(a.ID, "/members"), v1, nil), http.StatusConflict)
		wantStatus(t, "apply to missing org", e.Do("POST", orgPath(987654, "/members"), v1, nil), http.StatusNotFound)
		wantStatus(t, "apply 2", e.Do("POST", orgPath(a.ID, "/members"), v2, nil), http.StatusCreated)
		// A volunteer may belong to several organisations.
		wantStatus(t, "apply to b", e.Do("POST", orgPath(b.ID, "/members"), v1, nil), http.StatusCreated)
		pendingOrg := registerOrg(t, e, adminA, orgBody("尚未审核的队伍", "440106", 0))
		wantStatus(t, "apply to pending org", e.Do("POST", orgPath(pendingOrg.ID, "/members"), v1, nil), http.StatusNotFound)

		// The admin of B gets 403 on A's members and on A's approve and reject routes.
		wantStatus(t, "B lists A", e.Do("GET", orgPath(a.ID, "/members"), adminB, nil), http.StatusForbidden)
		wantStatus(t, "B approves in A", e.Do("POST", memberPath(a.ID, id1, "approve"), adminB, nil), http.StatusForbidden)
		wantStatus(t, "B rejects in A", e.Do("POST", memberPath(a.ID, id2, "reject"), adminB, nil), http.StatusForbidden)
		wantStatus(t, "B adds admin to A", e.Do("POST", orgPath(a.ID, "/admins"), adminB, map[string]string{"phone": "13700000001"}), http.StatusForbidden)
		wantStatus(t, "volunteer lists A", e.Do("GET", orgPath(a.ID, "/members"), v1, nil), http.StatusForbidden)
		wantStatus(t, "anonymous lists A", e.Do("GET", orgPath(a.ID, "/members"), "", nil), http.StatusUnauthorized)

		wantStatus(t, "A approves 1", e.Do("POST", memberPath(a.ID, id1, "approve"), adminA, nil), http.StatusOK)
		wantStatus(t, "A approves 1 again", e.Do("POST", memberPath(a.ID, id1, "approve"), adminA, nil), http.StatusConflict)
		wantStatus(t, "A rejects 2", e.Do("POST", memberPath(a.ID, id2, "reject"), adminA, nil), http.StatusOK)
		wantStatus(t, "A decides a stranger", e.Do("POST", memberPath(a.ID, 424242, "approve"), adminA, nil), http.StatusNotFound)
		// The city admin manages organisations in the city too.
		wantStatus(t, "city approves in B", e.Do("POST", memberPath(b.ID, id1, "approve"), city, nil), http.StatusOK)

		var list memberPage
		e.Do("GET", orgPath(a.ID, "/members"), adminA, nil).Decode(&list)
		if len(list.Items) != 2 {
			t.Fatalf("members %+v", list.Items)
		}
		first := list.Items[0]
		if first.Name != "陈小明" || first.Status != "approved" || first.JoinedAt == "" || !strings.Contains(first.PhoneMasked, "****") || first.VolunteerNo == "" {
			t.Fatalf("member row %+v", first)
		}
		if strings.Contains(string(e.Do("GET", orgPath(a.ID, "/members"), adminA, nil).Body), "id_number") {
			t.Fatal("member list carries identity numbers")
		}
		e.Do("GET", orgPath(a.ID, "/members?status=rejected"), adminA, nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].VolunteerID != id2 {
			t.Fatalf("rejected filter %+v", list.Items)
		}
		e.Do("GET", orgPath(a.ID, "/members?q=欧阳"), adminA, nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].VolunteerID != id2 {
			t.Fatalf("name filter %+v", list.Items)
		}
		wantStatus(t, "bad status filter", e.Do("GET", orgPath(a.ID, "/members?status=x"), adminA, nil), http.StatusUnprocessableEntity)

		var got orgResp
		e.Do("GET", orgPath(a.ID, ""), "", nil).Decode(&got)
		if got.MemberCount != 1 {
			t.Fatalf("member count %d", got.MemberCount)
		}
		// The volunteer sees both memberships; the rejected one may apply again.
		var mine struct {
			Items       []memberResp `json:"items"`
			Administers []orgResp    `json:"administers"`
		}
		e.Do("GET", "/api/v1/me/organizations", v1, nil).Decode(&mine)
		if len(mine.Items) != 2 || mine.Items[0].Status != "approved" || mine.Items[1].Status != "approved" {
			t.Fatalf("mine %+v", mine.Items)
		}
		wantStatus(t, "reapply after rejection", e.Do("POST", orgPath(a.ID, "/members"), v2, nil), http.StatusCreated)
		e.Do("GET", "/api/v1/me/organizations", adminA, nil).Decode(&mine)
		if len(mine.Items) != 0 || len(mine.Administers) != 2 {
			t.Fatalf("admin's own %+v", mine)
		}
		// Leaving takes the member off the public count.
		wantStatus(t, "leave", e.Do("DELETE", orgPath(a.ID, "/members/me"), v1, nil), http.StatusNoContent)
		e.Do("GET", orgPath(a.ID, ""), "", nil).Decode(&got)
		if got.MemberCount != 0 {
			t.Fatalf("member count after leaving %d", got.MemberCount)
		}
	})
}

func TestOrgAddAdmin(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		a, adminA := approvedOrg(t, e, city, "天河区团委")
		phone := e.NewPhone()
		// An unknown phone is a field error.
		res := e.Do("POST", orgPath(a.ID, "/admins"), adminA, map[string]string{"phone": phone})
		if _, _, f := res.Error(); res.Status != http.StatusUnprocessableEntity || f["phone"] == "" {
			t.Fatalf("unknown phone: %d %s", res.Status, res.Body)
		}
		volunteer, vid := orgVolunteer(t, e, "李四")
		wantStatus(t, "volunteer lists admins", e.Do("GET", orgPath(a.ID, "/admins"), volunteer, nil), http.StatusForbidden)
		v, err := e.Store.FindVolunteerByID(t.Context(), vid)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, "add admin", e.Do("POST", orgPath(a.ID, "/admins"), adminA, map[string]string{"phone": v.Phone}), http.StatusCreated)
		// The new admin's next token carries the role.
		tok := e.Token(v.Phone, "test1234")
		wantStatus(t, "new admin lists members", e.Do("GET", orgPath(a.ID, "/members"), tok, nil), http.StatusOK)
		var admins struct {
			Items []struct {
				PhoneMasked string `json:"phone_masked"`
			}
		}
		e.Do("GET", orgPath(a.ID, "/admins"), adminA, nil).Decode(&admins)
		if len(admins.Items) != 2 || strings.Contains(admins.Items[1].PhoneMasked, v.Phone) {
			t.Fatalf("admins %+v", admins)
		}
	})
}

func TestMemberListCursorVisitsEveryoneOnce(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		a, adminA := approvedOrg(t, e, city, "大型志愿者协会")
		ids := orgBulkMembers(t, e, a.ID, 113)
		seen := map[int64]int{}
		cursor, pages := "", 0
		for {
			var page memberPage
			res := e.Do("GET", orgPath(a.ID, "/members?limit=25&cursor="+cursor), adminA, nil)
			wantStatus(t, "page", res, http.StatusOK)
			res.Decode(&page)
			pages++
			for _, m := range page.Items {
				seen[m.VolunteerID]++
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		if len(seen) != len(ids) || pages != 5 {
			t.Fatalf("saw %d of %d members in %d pages", len(seen), len(ids), pages)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("volunteer %d listed %d times", id, n)
			}
		}
	})
}

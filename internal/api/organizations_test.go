package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/uscc"
)

type orgResp struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	Status       string  `json:"status"`
	RegionCode   string  `json:"region_code"`
	RegionName   string  `json:"region_name"`
	ParentID     int64   `json:"parent_id"`
	Ancestors    []int64 `json:"ancestors"`
	RejectReason string  `json:"reject_reason"`
	ContactPhone string  `json:"contact_phone"`
	MemberCount  int     `json:"member_count"`
	CanApprove   bool    `json:"can_approve"`
	SubOrgCount  int     `json:"sub_org_count"`
	Children     []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"children"`
}

type orgPage struct {
	Items      []orgResp `json:"items"`
	NextCursor string    `json:"next_cursor"`
}

// orgBody is a valid registration; change what a test needs.
func orgBody(name, region string, parent int64) map[string]any {
	return map[string]any{
		"name": name, "type": "团委", "region_code": region, "parent_id": parent,
		"contact_name": "王老师", "contact_phone": "138 0013 8000", "description": "测试组织",
	}
}

// orgUser is an account that may register organisations; a registrant needs nothing but
// an account, so a volunteer-less account with no roles will do.
func orgUser(t *testing.T, e *servertest.Env) (token string, accountID int64) {
	t.Helper()
	phone := e.NewPhone()
	hash, _ := password.Hash("test1234", password.Fast)
	acc := &zhiyuan.Account{Phone: phone, Name: "登记人"}
	if err := e.Store.CreateAccount(t.Context(), acc, hash); err != nil {
		t.Fatal(err)
	}
	return e.Token(phone, "test1234"), acc.ID
}

// orgVolunteer registers a volunteer straight in the store (the registration API has its
// own tests) and returns a token and the volunteer id.
func orgVolunteer(t *testing.T, e *servertest.Env, name string) (token string, volunteerID int64) {
	t.Helper()
	phone := e.NewPhone()
	hash, _ := password.Hash("test1234", password.Fast)
	v := &zhiyuan.Volunteer{Name: name, IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X", Phone: phone,
		RegionCode: "440106", BirthDate: time.Date(1998, 5, 1, 0, 0, 0, 0, time.UTC), Sex: "female"}
	if err := e.Store.CreateVolunteer(t.Context(), v, sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberIndex: "ix" + phone}); err != nil {
		t.Fatal(err)
	}
	return e.Token(phone, "test1234"), v.ID
}

func registerOrg(t *testing.T, e *servertest.Env, token string, body map[string]any) orgResp {
	t.Helper()
	res := e.Do("POST", "/api/v1/organizations", token, body)
	if res.Status != http.StatusCreated {
		t.Fatalf("register %v: %d %s", body["name"], res.Status, res.Body)
	}
	var o orgResp
	res.Decode(&o)
	return o
}

func orgPath(id int64, rest string) string {
	return "/api/v1/organizations/" + strconv.FormatInt(id, 10) + rest
}

func wantStatus(t *testing.T, what string, res *servertest.Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, res.Status, status, res.Body)
	}
}

func TestOrgRegistrationValidation(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		token, _ := orgUser(t, e)
		platform, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RolePlatform})
		good := uscc.Generate("52", "440106", 1234)
		bad := []byte(good)
		bad[17] = map[bool]byte{true: '1', false: '2'}[bad[17] != '1']
		cases := []struct {
			name  string
			patch map[string]any
			field string
		}{
			{"bad credit code", map[string]any{"credit_code": string(bad)}, "credit_code"},
			{"short credit code", map[string]any{"credit_code": "9144"}, "credit_code"},
			{"unknown region", map[string]any{"region_code": "449999"}, "region_code"},
			{"street region", map[string]any{"region_code": "440106001"}, "region_code"},
			{"missing region", map[string]any{"region_code": ""}, "region_code"},
			{"missing name", map[string]any{"name": "  "}, "name"},
			{"unknown type", map[string]any{"type": "公司"}, "type"},
			{"bad phone", map[string]any{"contact_phone": "020-12345678"}, "contact_phone"},
			{"missing contact", map[string]any{"contact_name": ""}, "contact_name"},
			{"unknown parent", map[string]any{"parent_id": 999999}, "parent_id"},
		}
		for _, c := range cases {
			body := orgBody("校验测试团委", "440106", 0)
			for k, v := range c.patch {
				body[k] = v
			}
			res := e.Do("POST", "/api/v1/organizations", token, body)
			code, msg, fields := res.Error()
			if res.Status != http.StatusUnprocessableEntity || code != zhiyuan.EInvalid || fields[c.field] == "" {
				t.Errorf("%s: %d %s %v", c.name, res.Status, msg, fields)
			}
		}
		// Nothing was stored by any of them.
		var list orgPage
		e.Do("GET", "/api/v1/organizations?status=all", platform, nil).Decode(&list)
		if len(list.Items) != 0 {
			t.Fatalf("stored after failures: %+v", list.Items)
		}
		if res := e.Do("POST", "/api/v1/organizations", "", orgBody("匿名团委", "440106", 0)); res.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous: %d", res.Status)
		}

		body := orgBody("天河区团委", "440106", 0)
		body["credit_code"] = good
		o := registerOrg(t, e, token, body)
		if o.Status != "pending" || o.ID == 0 || o.RegionName != "广东省广州市天河区" {
			t.Fatalf("registered %+v", o)
		}
		// Same name, same region, no parent: conflict on the name; the same code again:
		// conflict on the code.
		res := e.Do("POST", "/api/v1/organizations", token, orgBody("天河区团委", "440106", 0))
		if _, _, fields := res.Error(); res.Status != http.StatusConflict || fields["name"] == "" {
			t.Fatalf("duplicate name: %d %s", res.Status, res.Body)
		}
		body = orgBody("另一个协会", "440106", 0)
		body["credit_code"] = good
		res = e.Do("POST", "/api/v1/organizations", token, body)
		if _, _, fields := res.Error(); res.Status != http.StatusConflict || fields["credit_code"] == "" {
			t.Fatalf("duplicate credit code: %d %s", res.Status, res.Body)
		}
		// The registrant sees the pending organisation; the public does not.
		wantStatus(t, "registrant reads", e.Do("GET", orgPath(o.ID, ""), token, nil), http.StatusOK)
		wantStatus(t, "anonymous reads pending", e.Do("GET", orgPath(o.ID, ""), "", nil), http.StatusNotFound)
		other, _ := orgUser(t, e)
		wantStatus(t, "stranger reads pending", e.Do("GET", orgPath(o.ID, ""), other, nil), http.StatusNotFound)
	})
}

func TestOrgApprovalByRegion(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		token, _ := orgUser(t, e)
		guangzhou, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		shenzhen, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		a := registerOrg(t, e, token, orgBody("天河区青年志愿者协会", "440106", 0))
		b := registerOrg(t, e, token, orgBody("越秀区团委", "440104", 0))

		// The registrant is its admin but cannot approve its own organisation.
		wantStatus(t, "self approval", e.Do("POST", orgPath(a.ID, "/approve"), token, nil), http.StatusForbidden)
		wantStatus(t, "深圳 approves 广州", e.Do("POST", orgPath(a.ID, "/approve"), shenzhen, nil), http.StatusForbidden)
		wantStatus(t, "深圳 reads pending 广州", e.Do("GET", orgPath(a.ID, ""), shenzhen, nil), http.StatusNotFound)

		// The city admin sees both pending organisations; 深圳 sees none.
		var list orgPage
		e.Do("GET", "/api/v1/organizations?status=pending", guangzhou, nil).Decode(&list)
		if len(list.Items) != 2 || !list.Items[0].CanApprove {
			t.Fatalf("广州 pending: %+v", list.Items)
		}
		e.Do("GET", "/api/v1/organizations?status=pending", shenzhen, nil).Decode(&list)
		if len(list.Items) != 0 {
			t.Fatalf("深圳 pending: %+v", list.Items)
		}
		e.Do("GET", "/api/v1/organizations?status=pending&region=440104", guangzhou, nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ID != b.ID {
			t.Fatalf("越秀 pending: %+v", list.Items)
		}
		volunteerToken, _ := orgVolunteer(t, e, "张三")
		wantStatus(t, "volunteer lists pending", e.Do("GET", "/api/v1/organizations?status=pending", volunteerToken, nil), http.StatusForbidden)
		wantStatus(t, "anonymous lists pending", e.Do("GET", "/api/v1/organizations?status=pending", "", nil), http.StatusUnauthorized)

		res := e.Do("POST", orgPath(a.ID, "/approve"), guangzhou, nil)
		wantStatus(t, "广州 approves", res, http.StatusOK)
		var got orgResp
		res.Decode(&got)
		if got.Status != "approved" {
			t.Fatalf("after approval %+v", got)
		}
		wantStatus(t, "approve twice", e.Do("POST", orgPath(a.ID, "/approve"), guangzhou, nil), http.StatusConflict)

		// Rejection needs a reason, and the registrant reads it.
		res = e.Do("POST", orgPath(b.ID, "/reject"), guangzhou, map[string]string{"reason": " "})
		if _, _, fields := res.Error(); res.Status != http.StatusUnprocessableEntity || fields["reason"] == "" {
			t.Fatalf("reject without reason: %d %s", res.Status, res.Body)
		}
		wantStatus(t, "reject with no body", e.Do("POST", orgPath(b.ID, "/reject"), guangzhou, nil), http.StatusUnprocessableEntity)
		wantStatus(t, "深圳 rejects", e.Do("POST", orgPath(b.ID, "/reject"), shenzhen, map[string]string{"reason": "x"}), http.StatusForbidden)
		wantStatus(t, "广州 rejects", e.Do("POST", orgPath(b.ID, "/reject"), guangzhou, map[string]string{"reason": "证明材料不全"}), http.StatusOK)
		e.Do("GET", orgPath(b.ID, ""), token, nil).Decode(&got)
		if got.Status != "rejected" || got.RejectReason != "证明材料不全" {
			t.Fatalf("registrant sees %+v", got)
		}
		wantStatus(t, "approve missing", e.Do("POST", orgPath(987654, "/approve"), guangzhou, nil), http.StatusNotFound)

		// Both decisions are in the audit log of 广州.
		var audit struct {
			Items []struct {
				Action   string `json:"action"`
				TargetID string `json:"target_id"`
			}
		}
		e.Do("GET", "/api/v1/audit?region=440100", guangzhou, nil).Decode(&audit)
		seen := map[string]string{}
		for _, it := range audit.Items {
			seen[it.Action] = it.TargetID
		}
		if seen["org.approve"] != fmt.Sprint(a.ID) || seen["org.reject"] != fmt.Sprint(b.ID) {
			t.Fatalf("audit %+v", audit.Items)
		}
	})
}

func TestOrgTreeParentApprovesChild(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		schoolAdmin, _ := orgUser(t, e)
		collegeAdmin, _ := orgUser(t, e)
		classAdmin, _ := orgUser(t, e)
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})

		school := registerOrg(t, e, schoolAdmin, orgBody("华南理工大学团委", "440106", 0))
		// A child of a pending organisation cannot be registered yet.
		res := e.Do("POST", "/api/v1/organizations", collegeAdmin, orgBody("计算机学院团委", "440106", school.ID))
		if _, _, f := res.Error(); res.Status != http.StatusUnprocessableEntity || f["parent_id"] == "" {
			t.Fatalf("child of pending: %d %s", res.Status, res.Body)
		}
		wantStatus(t, "city approves school", e.Do("POST", orgPath(school.ID, "/approve"), city, nil), http.StatusOK)

		// A child outside the parent's city is refused.
		res = e.Do("POST", "/api/v1/organizations", collegeAdmin, orgBody("深圳研究院团委", "440305", school.ID))
		if _, _, f := res.Error(); res.Status != http.StatusUnprocessableEntity || f["region_code"] == "" {
			t.Fatalf("child in another city: %d %s", res.Status, res.Body)
		}
		// In another district of the same city it is fine (a campus in 番禺).
		college := registerOrg(t, e, collegeAdmin, orgBody("计算机学院团委", "440113", school.ID))
		if college.ParentID != school.ID || len(college.Ancestors) != 1 || college.Ancestors[0] != school.ID {
			t.Fatalf("college %+v", college)
		}
		// The college's own admin cannot approve it; the school's admin can.
		wantStatus(t, "college approves itself", e.Do("POST", orgPath(college.ID, "/approve"), collegeAdmin, nil), http.StatusForbidden)
		var pending orgPage
		e.Do("GET", "/api/v1/organizations?status=pending", schoolAdmin, nil).Decode(&pending)
		if len(pending.Items) != 1 || pending.Items[0].ID != college.ID {
			t.Fatalf("school admin's pending list: %+v", pending.Items)
		}
		wantStatus(t, "school approves college", e.Do("POST", orgPath(college.ID, "/approve"), schoolAdmin, nil), http.StatusOK)

		class := registerOrg(t, e, classAdmin, orgBody("计科2201班团支部", "440113", college.ID))
		if len(class.Ancestors) != 2 || class.Ancestors[0] != college.ID || class.Ancestors[1] != school.ID {
			t.Fatalf("class ancestors %v", class.Ancestors)
		}
		// The class admin cannot approve its parent or itself; the grandparent's admin can
		// approve the class.
		wantStatus(t, "class approves college", e.Do("POST", orgPath(college.ID, "/reject"), classAdmin, map[string]string{"reason": "x"}), http.StatusForbidden)
		wantStatus(t, "class approves itself", e.Do("POST", orgPath(class.ID, "/approve"), classAdmin, nil), http.StatusForbidden)
		wantStatus(t, "school approves class", e.Do("POST", orgPath(class.ID, "/approve"), schoolAdmin, nil), http.StatusOK)

		// The tree reads from the top: the school's page lists the college, the college's
		// children list the class.
		var got orgResp
		e.Do("GET", orgPath(school.ID, ""), "", nil).Decode(&got)
		if len(got.Children) != 1 || got.Children[0].ID != college.ID || got.ContactPhone != "" || got.SubOrgCount != 2 {
			t.Fatalf("school page %+v", got)
		}
		var kids orgPage
		e.Do("GET", orgPath(college.ID, "/children"), "", nil).Decode(&kids)
		if len(kids.Items) != 1 || kids.Items[0].ID != class.ID {
			t.Fatalf("college children %+v", kids.Items)
		}
		// The school's admin oversees everything below it; the class admin only its class.
		var all orgPage
		e.Do("GET", "/api/v1/organizations?status=all", schoolAdmin, nil).Decode(&all)
		if len(all.Items) != 3 {
			t.Fatalf("school admin sees %d", len(all.Items))
		}
		e.Do("GET", "/api/v1/organizations?status=all", classAdmin, nil).Decode(&all)
		if len(all.Items) != 1 || all.Items[0].ID != class.ID {
			t.Fatalf("class admin sees %+v", all.Items)
		}
	})
}

func TestOrgConcurrentApproval(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		token, _ := orgUser(t, e)
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		for round := 0; round < 5; round++ {
			o := registerOrg(t, e, token, orgBody(fmt.Sprintf("并发审核团委%d", round), "440106", 0))
			var wg sync.WaitGroup
			statuses := make([]int, 2)
			for i, tok := range []string{province, city} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = e.Do("POST", orgPath(o.ID, "/approve"), tok, nil).Status
				}()
			}
			wg.Wait()
			ok, conflict := 0, 0
			for _, s := range statuses {
				switch s {
				case http.StatusOK:
					ok++
				case http.StatusConflict:
					conflict++
				}
			}
			if ok != 1 || conflict != 1 {
				t.Fatalf("round %d: statuses %v", round, statuses)
			}
		}
	})
}

func TestOrgPublicDirectory(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		token, _ := orgUser(t, e)
		platform, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RolePlatform})
		a := registerOrg(t, e, token, orgBody("天河区团委", "440106", 0))
		body := orgBody("南山区阳光志愿服务队", "440305", 0)
		body["type"] = "志愿服务队"
		b := registerOrg(t, e, token, body)
		registerOrg(t, e, token, orgBody("待审核的团委", "440106", 0))
		for _, id := range []int64{a.ID, b.ID} {
			wantStatus(t, "approve", e.Do("POST", orgPath(id, "/approve"), platform, nil), http.StatusOK)
		}
		var list orgPage
		e.Do("GET", "/api/v1/organizations", "", nil).Decode(&list)
		if len(list.Items) != 2 || list.Items[0].ID != a.ID || list.Items[1].ID != b.ID {
			t.Fatalf("directory %+v", list.Items)
		}
		// Asking the public directory for approved is the same thing.
		e.Do("GET", "/api/v1/organizations?status=approved&region=440300", "", nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ID != b.ID {
			t.Fatalf("深圳 %+v", list.Items)
		}
		e.Do("GET", "/api/v1/organizations?type=志愿服务队", "", nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ID != b.ID {
			t.Fatalf("type %+v", list.Items)
		}
		e.Do("GET", "/api/v1/organizations?q=天河", "", nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ID != a.ID {
			t.Fatalf("q %+v", list.Items)
		}
		e.Do("GET", "/api/v1/organizations?limit=1", "", nil).Decode(&list)
		if len(list.Items) != 1 || list.NextCursor == "" {
			t.Fatalf("page 1 %+v", list)
		}
		e.Do("GET", "/api/v1/organizations?limit=1&cursor="+list.NextCursor, "", nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ID != b.ID {
			t.Fatalf("page 2 %+v", list)
		}
		wantStatus(t, "bad region", e.Do("GET", "/api/v1/organizations?region=999999", "", nil), http.StatusUnprocessableEntity)
		wantStatus(t, "bad status", e.Do("GET", "/api/v1/organizations?status=x", "", nil), http.StatusUnprocessableEntity)
		var one orgResp
		e.Do("GET", orgPath(a.ID, ""), "", nil).Decode(&one)
		if one.Name != "天河区团委" || one.RegionName != "广东省广州市天河区" || one.ContactPhone != "" {
			t.Fatalf("public page %+v", one)
		}
	})
}

// orgBulkMembers registers n volunteers in one batch and makes each apply to org; it
// returns their ids.
func orgBulkMembers(t *testing.T, e *servertest.Env, org int64, n int) []int64 {
	t.Helper()
	batch := make([]sqlstore.BulkVolunteer, n)
	for i := range batch {
		batch[i] = sqlstore.BulkVolunteer{
			Volunteer: &zhiyuan.Volunteer{Name: fmt.Sprintf("成员%d", i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X",
				Phone: e.NewPhone(), RegionCode: "440106", BirthDate: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male"},
			Secrets: sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: fmt.Sprintf("bulk%d-%d", org, i)},
		}
	}
	if err := e.Store.BulkCreateVolunteers(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, b := range batch {
		ids[i] = b.Volunteer.ID
		if _, err := e.Store.ApplyMembership(t.Context(), org, b.Volunteer.ID); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// orgPageUser creates an account with a password and returns its phone.
func orgPageUser(t *testing.T, e *servertest.Env, volunteer bool, name string) string {
	t.Helper()
	phone := e.NewPhone()
	hash, _ := password.Hash("test1234", password.Fast)
	if volunteer {
		v := &zhiyuan.Volunteer{Name: name, IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X", Phone: phone,
			RegionCode: "440106", BirthDate: time.Date(1997, 3, 3, 0, 0, 0, 0, time.UTC), Sex: "male"}
		if err := e.Store.CreateVolunteer(t.Context(), v, sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberIndex: "w" + phone}); err != nil {
			t.Fatal(err)
		}
		return phone
	}
	if err := e.Store.CreateAccount(t.Context(), &zhiyuan.Account{Phone: phone, Name: name}, hash); err != nil {
		t.Fatal(err)
	}
	return phone
}

func orgPageAdmin(t *testing.T, e *servertest.Env, role zhiyuan.Role) string {
	t.Helper()
	phone := e.NewPhone()
	if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "管理员", Password: "test1234", Role: role}); err != nil {
		t.Fatal(err)
	}
	return phone
}

func browserAs(t *testing.T, e *servertest.Env, phone string) *servertest.Browser {
	t.Helper()
	b := e.Browser()
	b.Login(phone, "test1234")
	return b
}

func expectPage(t *testing.T, what string, res *servertest.Response, status int, texts ...string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.Status, status, res.Body)
	}
	for _, s := range texts {
		if !strings.Contains(string(res.Body), s) {
			t.Fatalf("%s: page lacks %q\n%s", what, s, res.Body)
		}
	}
}

var orgLocation = regexp.MustCompile(`^/orgs/(\d+)\?done=registered$`)

func TestOrgPagesRegisterApproveJoin(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		registrant := browserAs(t, e, orgPageUser(t, e, false, "登记人"))
		form := url.Values{"name": {"天河区青年志愿者协会"}, "type": {"社会组织"}, "region_code": {"440106"},
			"credit_code": {"91440106MA59XXXX1X"}, "contact_name": {"王老师"}, "contact_phone": {"13800138000"}, "description": {"服务社区"}}
		res := registrant.Post("/orgs/new", form)
		expectPage(t, "bad credit code", res, http.StatusUnprocessableEntity, "统一社会信用代码", "天河区青年志愿者协会")
		form.Set("credit_code", "")
		res = registrant.Post("/orgs/new", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
		m := orgLocation.FindStringSubmatch(res.Header.Get("Location"))
		if m == nil {
			t.Fatalf("redirect to %q", res.Header.Get("Location"))
		}
		orgURL := "/orgs/" + m[1]
		expectPage(t, "registrant's page", registrant.Get(res.Header.Get("Location")), http.StatusOK, "待审核", "等待")
		expectPage(t, "anonymous on pending", e.Browser().Get(orgURL), http.StatusNotFound)
		expectPage(t, "directory before approval", e.Browser().Get("/orgs"), http.StatusOK, "没有找到")

		// The 深圳 admin neither sees nor approves it; the 广州 admin does both.
		shenzhen := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"}))
		expectPage(t, "深圳 list", shenzhen.Get("/admin/orgs"), http.StatusOK, "暂无待审核")
		expectPage(t, "深圳 approves", shenzhen.Post(orgURL+"/approve", confirmed), http.StatusForbidden)
		city := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}))
		expectPage(t, "广州 list", city.Get("/admin/orgs"), http.StatusOK, "天河区青年志愿者协会", "审核通过", "驳回原因")
		expectPage(t, "reject without reason", city.Post(orgURL+"/reject", url.Values{"reason": {""}, "confirm": {"1"}}), http.StatusUnprocessableEntity, "请填写不通过的原因")
		res = city.Post(orgURL+"/approve", confirmed)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/orgs") {
			t.Fatalf("approve: %d %s", res.Status, res.Header.Get("Location"))
		}
		expectPage(t, "directory after approval", e.Browser().Get("/orgs?region=440100"), http.StatusOK, "天河区青年志愿者协会")
		expectPage(t, "directory elsewhere", e.Browser().Get("/orgs?region=440300"), http.StatusOK, "没有找到")

		// A volunteer applies from the organisation's page; the admin admits them from the
		// members page.
		vol := browserAs(t, e, orgPageUser(t, e, true, "陈小明"))
		expectPage(t, "volunteer sees join", vol.Get(orgURL), http.StatusOK, "申请加入")
		if res := vol.Post(orgURL+"/join", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("join: %d %s", res.Status, res.Body)
		}
		expectPage(t, "volunteer pending", vol.Get(orgURL), http.StatusOK, "我的状态：待审核", "撤回申请")
		expectPage(t, "volunteer on members page", vol.Get(orgURL+"/members"), http.StatusForbidden)
		members := registrant.Get(orgURL + "/members?status=pending")
		expectPage(t, "members page", members, http.StatusOK, "陈小明", "****", "通过")
		action := regexp.MustCompile(`action="(/orgs/\d+/members/\d+/approve)"`).FindStringSubmatch(string(members.Body))
		if action == nil {
			t.Fatalf("no approve form in %s", members.Body)
		}
		res = registrant.Post(action[1], url.Values{"back": {orgURL + "/members?status=pending"}})
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), orgURL+"/members") {
			t.Fatalf("admit: %d %s", res.Status, res.Header.Get("Location"))
		}
		expectPage(t, "member count", e.Browser().Get(orgURL), http.StatusOK, "1 人")
		expectPage(t, "my orgs", vol.Get("/me/orgs"), http.StatusOK, "天河区青年志愿者协会", "已加入")

		// Another organisation's admin gets 403 on this members page and its forms.
		other := browserAs(t, e, orgPageUser(t, e, false, "别的登记人"))
		form.Set("name", "越秀区团委")
		form.Set("region_code", "440104")
		if res := other.Post("/orgs/new", form); res.Status != http.StatusSeeOther {
			t.Fatalf("other register: %d", res.Status)
		}
		expectPage(t, "other admin on members", other.Get(orgURL+"/members"), http.StatusForbidden)
		expectPage(t, "other admin admits", other.Post(action[1], nil), http.StatusForbidden)

		// Add an admin by phone: an unknown phone is shown on the form.
		expectPage(t, "unknown admin phone", registrant.Post(orgURL+"/admins", url.Values{"phone": {"13911112222"}}), http.StatusUnprocessableEntity, "尚未注册")
	})
}

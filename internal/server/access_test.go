package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

type auditItem struct {
	ID         int64  `json:"id"`
	ActorID    int64  `json:"actor_id"`
	ActorName  string `json:"actor_name"`
	Action     string `json:"action"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	RegionCode string `json:"region_code"`
	IP         string `json:"ip"`
	RequestID  string `json:"request_id"`
	Detail     string `json:"detail"`
}

type auditPage struct {
	Items      []auditItem `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

// TestRegionalAdminScope: the 广州市 admin acts and reads the audit log in 天河区 and the
// rest of 广州, and is refused everything in 深圳市, above 广州 and across the country.
func TestRegionalAdminScope(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		gz := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		newAdmin(t, e, "深圳市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})

		// Acting in 天河区: create its district admin. The answer is 201 and the grant is in
		// the audit log with who did it and from where.
		thPhone := e.NewPhone()
		res := e.Do("POST", "/api/v1/admins", gz.Token, map[string]any{
			"phone": thPhone, "name": "天河区管理员", "password": testPassword, "role": "regional", "region_code": "440106"})
		if res.Status != http.StatusCreated {
			t.Fatalf("广州 creates 天河 admin: %d %s", res.Status, res.Body)
		}
		var created struct{ ID int64 }
		res.Decode(&created)

		// Acting in 深圳市 (and in a 深圳 district) is refused, and nothing is created.
		for _, code := range []string{"440300", "440304", "440000"} {
			phone := e.NewPhone()
			res := e.Do("POST", "/api/v1/admins", gz.Token, map[string]any{
				"phone": phone, "password": testPassword, "role": "regional", "region_code": code})
			assertAPIError(t, "广州 creates admin in "+code, res.Status, res.Header, res.Body, http.StatusForbidden, zhiyuan.EForbidden)
			if _, _, err := e.Store.FindAccountByPhone(t.Context(), phone); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
				t.Errorf("refused grant in %s still created the account (err %v)", code, err)
			}
		}

		// Bad input is named field by field, and nothing is created.
		for field, body := range map[string]map[string]any{
			"region":   {"phone": e.NewPhone(), "password": testPassword, "role": "regional", "region_code": "449999"},
			"phone":    {"phone": "020-1234567", "password": testPassword, "role": "regional", "region_code": "440106"},
			"password": {"phone": e.NewPhone(), "password": "short", "role": "regional", "region_code": "440106"},
			"role":     {"phone": e.NewPhone(), "password": testPassword, "role": "emperor", "region_code": "440106"},
		} {
			res := e.Do("POST", "/api/v1/admins", gz.Token, body)
			assertAPIError(t, "admin with bad "+field, res.Status, res.Header, res.Body, http.StatusUnprocessableEntity, zhiyuan.EInvalid)
			if _, _, f := res.Error(); f[field] == "" {
				t.Errorf("bad %s not named in fields: %s", field, res.Body)
			}
		}
		if res := e.Do("POST", "/api/v1/admins", gz.Token, map[string]any{"phone": 13800000000}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("phone as a number: %d %s", res.Status, res.Body)
		}

		// Reading 天河区's log: 200, only entries inside 天河区, among them the grant above.
		res = e.Do("GET", "/api/v1/audit?region=440106", gz.Token, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("audit 440106: %d %s", res.Status, res.Body)
		}
		var page auditPage
		res.Decode(&page)
		found := false
		for _, it := range page.Items {
			if !strings.HasPrefix(it.RegionCode, "440106") {
				t.Errorf("audit of 440106 holds an entry of %s", it.RegionCode)
			}
			if it.Action == "admin.grant" && it.TargetID == strconv.FormatInt(created.ID, 10) {
				found = true
				if it.ActorID != gz.ID || it.ActorName != "广州市管理员" {
					t.Errorf("grant recorded actor %d %q, want %d 广州市管理员", it.ActorID, it.ActorName, gz.ID)
				}
				if it.IP != "127.0.0.1" || it.RequestID == "" {
					t.Errorf("grant recorded from %q with request id %q", it.IP, it.RequestID)
				}
			}
		}
		if !found {
			t.Errorf("the grant in 天河区 is missing from its audit log: %s", res.Body)
		}

		// Without a region the log is the admin's own scope: 广州 entries, no 深圳 ones.
		res = e.Do("GET", "/api/v1/audit", gz.Token, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("audit default scope: %d %s", res.Status, res.Body)
		}
		page = auditPage{}
		res.Decode(&page)
		regions := map[string]bool{}
		for _, it := range page.Items {
			regions[it.RegionCode] = true
			if !strings.HasPrefix(it.RegionCode, "4401") {
				t.Errorf("广州's audit log holds an entry of %s", it.RegionCode)
			}
		}
		if !regions["440100"] || !regions["440106"] {
			t.Errorf("广州's audit log should show its own bootstrap and the 天河 grant, has regions %v", regions)
		}

		// Other cities, the province, the whole country: 403.
		for _, q := range []string{"440300", "440304", "440000", "110000", "*"} {
			res := e.Do("GET", "/api/v1/audit?region="+q, gz.Token, nil)
			assertAPIError(t, "广州 reads audit "+q, res.Status, res.Header, res.Body, http.StatusForbidden, zhiyuan.EForbidden)
		}
		// A code that does not exist is the caller's mistake, named as such.
		res = e.Do("GET", "/api/v1/audit?region=449999", gz.Token, nil)
		assertAPIError(t, "audit of an unknown region", res.Status, res.Header, res.Body, http.StatusUnprocessableEntity, zhiyuan.EInvalid)
		if _, _, f := res.Error(); f["region"] == "" {
			t.Errorf("unknown region not named in fields: %s", res.Body)
		}

		// The new 天河 admin sees 天河 but not the city above it.
		th := user{Token: e.Token(thPhone, testPassword)}
		if res := e.Do("GET", "/api/v1/audit?region=440106", th.Token, nil); res.Status != http.StatusOK {
			t.Errorf("天河 reads 天河: %d", res.Status)
		}
		res = e.Do("GET", "/api/v1/audit?region=440100", th.Token, nil)
		assertAPIError(t, "天河 reads 广州", res.Status, res.Header, res.Body, http.StatusForbidden, zhiyuan.EForbidden)

		// The page behaves the same for a browser.
		b := e.Browser()
		b.Login(gz.Phone, testPassword)
		p := b.Get("/admin/audit?region=440106")
		if p.Status != http.StatusOK {
			t.Errorf("audit page 440106: %d", p.Status)
		}
		// Names, not codes: the action, the region and the record read in Chinese.
		body := string(p.Body)
		if !strings.Contains(body, "<h1>审计日志</h1>") || !strings.Contains(body, `<td data-label="操作">授予管理员</td>`) ||
			!strings.Contains(body, `<td data-label="区域">广东省广州市天河区</td>`) || strings.Contains(body, `<td data-label="区域">广东省广州市</td>`) ||
			!strings.Contains(body, `<td data-label="对象">账号`) {
			t.Errorf("audit page 440106 should list the 天河 grant, by name, and nothing of the city level")
		}
		// No action code is shown as text (option values are not shown).
		for _, a := range zhiyuan.AuditActions() {
			if strings.Contains(body, ">"+a.Code) || strings.Contains(body, a.Code+"<") {
				t.Errorf("audit page shows the raw action code %s", a.Code)
			}
		}
		if strings.Contains(body, ">440106<") || strings.Contains(body, `name="region" value=`) {
			t.Errorf("audit page shows a region code or asks for one typed")
		}
		if !strings.Contains(body, `<option value="440106" selected>广东省广州市天河区</option>`) {
			t.Errorf("audit page's region picker does not offer 天河区 by name, selected")
		}
		p = b.Get("/admin/audit?region=440300")
		if p.Status != http.StatusForbidden || !strings.Contains(string(p.Body), "没有权限") {
			t.Errorf("audit page 440300: %d, want the 403 page", p.Status)
		}
		if strings.Contains(string(p.Body), "<h1>审计日志</h1>") {
			t.Errorf("the 403 page shows the audit table")
		}
	})
}

// TestVolunteerRefusedOnAdminRoutes: an account holding only the volunteer role gets 403
// on every admin route of the API and on the admin page, and nothing is written.
func TestVolunteerRefusedOnAdminRoutes(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := newVolunteer(t, e)
		newPhone := e.NewPhone()
		calls := []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/audit", nil},
			{"GET", "/api/v1/audit?region=440106", nil},
			{"GET", "/api/v1/audit?region=440000", nil},
			{"POST", "/api/v1/admins", map[string]any{"phone": newPhone, "password": testPassword, "role": "regional", "region_code": "440106"}},
			{"POST", "/api/v1/admins", map[string]any{"phone": newPhone, "password": testPassword, "role": "platform"}},
		}
		for _, c := range calls {
			res := e.Do(c.method, c.path, v.Token, c.body)
			assertAPIError(t, "volunteer "+c.method+" "+c.path, res.Status, res.Header, res.Body, http.StatusForbidden, zhiyuan.EForbidden)
		}
		if _, _, err := e.Store.FindAccountByPhone(t.Context(), newPhone); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Errorf("a volunteer's refused grant created an account (err %v)", err)
		}
		// Nor can the volunteer grant themselves a role by naming their own phone.
		res := e.Do("POST", "/api/v1/admins", v.Token, map[string]any{"phone": v.Phone, "role": "platform"})
		assertAPIError(t, "volunteer promotes self", res.Status, res.Header, res.Body, http.StatusForbidden, zhiyuan.EForbidden)
		if acc, _ := e.Store.FindAccountByID(t.Context(), v.ID); len(acc.Roles) != 1 {
			t.Errorf("volunteer holds %v after promoting self", acc.Roles)
		}

		b := e.Browser()
		b.Login(v.Phone, testPassword)
		home := b.Get("/")
		if strings.Contains(string(home.Body), `href="/admin/audit"`) {
			t.Errorf("a volunteer's navigation links to the audit log")
		}
		for _, path := range []string{"/admin/audit", "/admin/audit?region=440106"} {
			p := b.Get(path)
			if p.Status != http.StatusForbidden || !strings.Contains(string(p.Body), "没有权限") {
				t.Errorf("volunteer GET %s: %d, want the 403 page", path, p.Status)
			}
		}
	})
}

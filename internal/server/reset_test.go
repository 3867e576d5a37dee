package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/server/servertest"
)

var resetCodeRE = regexp.MustCompile(`验证码(\d{6})`)

// outboxCode returns the newest reset code the development sender kept for phone.
func outboxCode(t *testing.T, e *servertest.Env, phone string) string {
	t.Helper()
	for _, m := range e.App.Outbox.Messages() {
		if m.Phone == phone && m.Template == app.TemplatePasswordReset {
			if sub := resetCodeRE.FindStringSubmatch(m.Body); sub != nil {
				return sub[1]
			}
		}
	}
	t.Fatalf("no reset code for %s in the outbox", phone)
	return ""
}

// registered is a volunteer registered through the API, with its identity number.
type registered struct {
	user
	VolunteerID int64
	IDNumber    string
}

func registerVolunteer(t *testing.T, e *servertest.Env, county string, n int) registered {
	t.Helper()
	phone := e.NewPhone()
	id := idcard.Generate(county, time.Date(1995, 3, 1+n%28, 0, 0, 0, 0, time.UTC), 100+n, idcard.Female)
	res := e.Do("POST", "/api/v1/volunteers", "", map[string]any{"name": "王小芳", "id_number": id, "phone": phone,
		"password": testPassword, "region_code": county})
	if res.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", res.Status, res.Body)
	}
	var out struct {
		ID int64 `json:"id"`
	}
	res.Decode(&out)
	return registered{user: user{Phone: phone, Token: e.Token(phone, testPassword)}, VolunteerID: out.ID, IDNumber: id}
}

// TestResetAPI: the reset routes of the JSON API on both engines: the same 202 for a
// registered and an unknown number, the code from the outbox sets a new password, old
// tokens stop working, a reused or wrong code is 422 naming "code", and the admin route
// answers 200 in scope, 403 out of it, 404 for no such volunteer, 422 unconfirmed.
func TestResetAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := registerVolunteer(t, e, "440106", 1)
		known := e.Do("POST", "/api/v1/auth/reset-code", "", map[string]string{"phone": v.Phone})
		unknown := e.Do("POST", "/api/v1/auth/reset-code", "", map[string]string{"phone": "13799998888"})
		if known.Status != http.StatusAccepted || unknown.Status != http.StatusAccepted || string(known.Body) != string(unknown.Body) {
			t.Fatalf("reset-code: %d %s / unknown %d %s", known.Status, known.Body, unknown.Status, unknown.Body)
		}
		if res := e.Do("POST", "/api/v1/auth/reset-code", "", map[string]string{"phone": "12"}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("malformed phone: %d", res.Status)
		} else if _, _, f := res.Error(); f["phone"] == "" {
			t.Errorf("malformed phone names %v", f)
		}
		code := outboxCode(t, e, v.Phone)
		if strings.Contains(e.Log.String(), code) {
			t.Errorf("the code is in the log")
		}
		wrong := code[:5] + string(rune('0'+(code[5]-'0'+1)%10))
		res := e.Do("POST", "/api/v1/auth/reset", "", map[string]string{"phone": v.Phone, "code": wrong, "new_password": "fresh1234"})
		if c, _, _ := res.Error(); res.Status != http.StatusUnprocessableEntity || c != zhiyuan.EInvalid || fieldReason(res, "code") != "reset.code_wrong" {
			t.Errorf("wrong code: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", "/api/v1/auth/reset", "", map[string]string{"phone": v.Phone, "code": code, "new_password": "fresh1234"}); res.Status != http.StatusNoContent {
			t.Fatalf("reset: %d %s", res.Status, res.Body)
		}
		if res := e.Do("GET", "/api/v1/me", v.Token, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("old token after the reset: %d", res.Status)
		}
		e.Token(v.Phone, "fresh1234")
		res = e.Do("POST", "/api/v1/auth/reset", "", map[string]string{"phone": v.Phone, "code": code, "new_password": "again1234"})
		if res.Status != http.StatusUnprocessableEntity || fieldReason(res, "code") != "reset.code_no_code" {
			t.Errorf("reused code: %d %s", res.Status, res.Body)
		}

		// The admin route.
		city := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		sz := newAdmin(t, e, "深圳市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		path := fmt.Sprintf("/api/v1/volunteers/%d/reset-access", v.VolunteerID)
		body := map[string]any{"id_number": v.IDNumber, "confirm": true}
		if res := e.Do("POST", path, sz.Token, body); res.Status != http.StatusForbidden {
			t.Errorf("another city's admin: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", fmt.Sprintf("/api/v1/volunteers/%d/reset-access", v.VolunteerID+999), city.Token, body); res.Status != http.StatusNotFound {
			t.Errorf("no such volunteer: %d", res.Status)
		}
		if res := e.Do("POST", path, v.Token, body); res.Status != http.StatusUnauthorized {
			t.Errorf("the ended token: %d", res.Status)
		}
		if res := e.Do("POST", path, city.Token, map[string]any{"id_number": v.IDNumber}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("unconfirmed: %d %s", res.Status, res.Body)
		}
		fresh := e.Token(v.Phone, "fresh1234")
		res = e.Do("POST", path, city.Token, body)
		var out struct {
			TemporaryPassword string `json:"temporary_password"`
		}
		res.Decode(&out)
		if res.Status != http.StatusOK || out.TemporaryPassword == "" || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("admin reset: %d %s", res.Status, res.Body)
		}
		if res := e.Do("GET", "/api/v1/me", fresh, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("the volunteer's token after the admin reset: %d", res.Status)
		}
		e.Token(v.Phone, out.TemporaryPassword)
		if strings.Contains(e.Log.String(), out.TemporaryPassword) || strings.Contains(e.Log.String(), v.IDNumber) {
			t.Errorf("the log holds the temporary password or the identity number")
		}
		res = e.Do("GET", "/api/v1/audit?action=account.reset", city.Token, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), fmt.Sprint(v.VolunteerID)) || strings.Contains(string(res.Body), out.TemporaryPassword) {
			t.Errorf("audit: %d %s", res.Status, res.Body)
		}
	})
}

// TestResetPages: the pages work as plain forms: 忘记密码 from the login page, the code
// from the outbox page (platform admins only), the new password, the login page saying so;
// the admin view shows the identity number masked and resets access only when confirmed.
func TestResetPages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := registerVolunteer(t, e, "440106", 2)
		b := e.Browser()
		if res := b.Get("/login"); !strings.Contains(string(res.Body), `href="/forgot"`) {
			t.Errorf("the login page has no 忘记密码 link")
		}
		res := b.Post("/forgot", url.Values{"phone": {v.Phone}})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), app.ResetSentMessage) || !strings.Contains(string(res.Body), `action="/reset"`) {
			t.Fatalf("forgot: %d", res.Status)
		}
		// The outbox: the platform's operator reads it; a regional admin and anonymous do not.
		ops := newAdmin(t, e, "平台管理员", zhiyuan.Role{Kind: zhiyuan.RolePlatform})
		city := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		opsB, cityB := e.Browser(), e.Browser()
		opsB.Login(ops.Phone, testPassword)
		cityB.Login(city.Phone, testPassword)
		code := outboxCode(t, e, v.Phone)
		page := opsB.Get("/admin/outbox")
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), code) || strings.Contains(string(page.Body), v.Phone) {
			t.Errorf("outbox page: %d, shows the code %v, hides the phone %v", page.Status,
				strings.Contains(string(page.Body), code), !strings.Contains(string(page.Body), v.Phone))
		}
		if res := cityB.Get("/admin/outbox"); res.Status != http.StatusForbidden {
			t.Errorf("a regional admin reads the outbox: %d", res.Status)
		}
		if res := e.Browser().Get("/admin/outbox"); res.Status != http.StatusSeeOther {
			t.Errorf("anonymous outbox: %d", res.Status)
		}
		res = b.Post("/reset", url.Values{"phone": {v.Phone}, "code": {code}, "new_password": {"short"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "密码至少8位") {
			t.Errorf("weak password: %d", res.Status)
		}
		res = b.Post("/reset", url.Values{"phone": {v.Phone}, "code": {code}, "new_password": {"fresh1234"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login?reset=1" {
			t.Fatalf("reset: %d %s", res.Status, res.Header.Get("Location"))
		}
		if res := b.Get("/login?reset=1"); !strings.Contains(string(res.Body), "密码已重置") {
			t.Errorf("the login page does not say the password was reset")
		}
		b.Login(v.Phone, "fresh1234")

		// The admin view, in scope and out of it.
		vpath := fmt.Sprintf("/admin/volunteers/%d", v.VolunteerID)
		res = cityB.Post("/admin/volunteers", url.Values{"no": {"12345"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("find by a bad number: %d", res.Status)
		}
		page = cityB.Get(vpath)
		if page.Status != http.StatusOK || strings.Contains(string(page.Body), v.IDNumber) || !strings.Contains(string(page.Body), v.IDNumber[len(v.IDNumber)-4:]) {
			t.Errorf("admin view: %d, or it shows the full identity number", page.Status)
		}
		sz := newAdmin(t, e, "深圳市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		szB := e.Browser()
		szB.Login(sz.Phone, testPassword)
		if res := szB.Get(vpath); res.Status != http.StatusForbidden {
			t.Errorf("another city's admin view: %d", res.Status)
		}
		if res := szB.Post(vpath+"/reset-access", url.Values{"id_number": {v.IDNumber}, "confirm": {"yes"}}); res.Status != http.StatusForbidden {
			t.Errorf("another city's reset: %d", res.Status)
		}
		res = cityB.Post(vpath+"/reset-access", url.Values{"id_number": {v.IDNumber}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "请确认已当面核对证件") {
			t.Errorf("unconfirmed reset: %d", res.Status)
		}
		if res := b.Get("/me"); res.Status != http.StatusOK {
			t.Fatalf("the volunteer's page before the admin reset: %d", res.Status)
		}
		res = cityB.Post(vpath+"/reset-access", url.Values{"id_number": {v.IDNumber}, "confirm": {"yes"}})
		temp := regexp.MustCompile(`id="temp-password">([a-z0-9]+)<`).FindStringSubmatch(string(res.Body))
		if res.Status != http.StatusOK || temp == nil {
			t.Fatalf("admin reset page: %d", res.Status)
		}
		if res := b.Get("/me"); res.Status != http.StatusSeeOther {
			t.Errorf("the volunteer's session after the admin reset: %d", res.Status)
		}
		e.Browser().Login(v.Phone, temp[1])
	})
}

// fieldReason is the catalogue key of the API error's problem with field.
func fieldReason(res *servertest.Response, field string) zhiyuan.Msg {
	_, f := res.Reasons()
	return f[field]
}

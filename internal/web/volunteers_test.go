package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/server/servertest"
)

var seq atomic.Int64

func idOfAge(years int) string {
	now := time.Now().In(zhiyuan.Beijing)
	birth := time.Date(now.Year()-years, now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -3)
	return idcard.Generate("440106", birth, int(seq.Add(1)%1000), idcard.Female)
}

func registerForm(e *servertest.Env, id string) url.Values {
	return url.Values{
		"name": {"王小明"}, "id_type": {"resident_id"}, "id_number": {id}, "phone": {e.NewPhone()},
		"password": {"secret123"}, "region_code": {"440106"}, "political_status": {"共青团员"},
		"skills": {"急救、摄影, 手语"}, "categories": {"elderly", "education"},
	}
}

var vnoRe = regexp.MustCompile(`class="vno big">(\d+)<`)

func TestRegisterPage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		b := e.Browser()
		home := b.Get("/")
		if !strings.Contains(string(home.Body), `href="/register"`) {
			t.Error("anonymous navigation lacks 注册")
		}
		page := b.Get("/register")
		body := string(page.Body)
		// No region is chosen for the visitor: the picker starts at the province.
		if page.Status != 200 || !strings.Contains(body, `<option value="440000">广东省</option>`) ||
			strings.Contains(body, `name="region_code_2"`) || strings.Contains(body, "<script>") {
			t.Fatalf("register page: %d", page.Status)
		}

		// Choosing a province without JS sends the form back with the cities to choose
		// and everything typed kept (the password excepted); nothing is registered.
		form := registerForm(e, "440106199902301234")
		delete(form, "region_code")
		form.Set("region_code_1", "110000")
		form.Set("pick", "region_code")
		res := b.Post("/register", form)
		body = string(res.Body)
		if res.Status != 200 || !strings.Contains(body, `<option value="110100">北京市</option>`) ||
			!strings.Contains(body, `value="王小明"`) || !strings.Contains(body, `value="`+form.Get("phone")+`"`) ||
			!strings.Contains(body, `value="440106199902301234"`) || strings.Contains(body, "secret123") ||
			strings.Contains(body, "field-error") {
			t.Fatalf("choosing a province: %d %s", res.Status, body)
		}
		form.Set("region_code_2", "110100")
		if body := string(b.Post("/register", form).Body); !strings.Contains(body, `<option value="110101">东城区</option>`) {
			t.Error("choosing a city does not offer its districts")
		}

		// A bad identity number: the form comes back with the message beside the field and
		// the input kept, the identity number in its own field only, never the password.
		form = registerForm(e, "440106199902301234")
		res = b.Post("/register", form)
		body = string(res.Body)
		if res.Status != 422 || !strings.Contains(body, `class="field-error"`) || !strings.Contains(body, zhiyuan.Text("idcard.birth_date")) ||
			!strings.Contains(body, `value="王小明"`) || strings.Count(body, "440106199902301234") != 1 ||
			!strings.Contains(body, `name="id_number" type="text" autocomplete="off" maxlength="20" value="440106199902301234"`) ||
			strings.Contains(body, "secret123") {
			t.Fatalf("bad id number: %d %s", res.Status, body)
		}
		// Under 14: the reason is given.
		res = b.Post("/register", registerForm(e, idOfAge(12)))
		if res.Status != 422 || !strings.Contains(string(res.Body), "未满14周岁不能自行注册") {
			t.Errorf("12-year-old: %d", res.Status)
		}

		// A good registration logs in and lands on the profile with the number shown.
		form = registerForm(e, idOfAge(20))
		res = b.Post("/register", form)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/me?done=registered" {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
		me := b.Get("/me?done=registered")
		body = string(me.Body)
		m := vnoRe.FindStringSubmatch(body)
		if me.Status != 200 || m == nil || !zhiyuan.ValidVolunteerNo(m[1]) || !strings.Contains(body, zhiyuan.Text("notice.profile.registered")) ||
			!strings.Contains(body, "急救、手语、摄影") || !strings.Contains(body, "敬老服务") || !strings.Contains(body, `href="/me"`) {
			t.Fatalf("profile after registration: %d %s", me.Status, body)
		}
		if strings.Contains(body, form.Get("id_number")) || strings.Contains(body, form.Get("phone")) {
			t.Error("profile shows the identity number or phone in full")
		}
		// The volunteer number logs in on the login page too.
		e.Browser().Login(m[1], "secret123")

		// The same identity number again: conflict shown on the form.
		again := registerForm(e, form.Get("id_number"))
		res = e.Browser().Post("/register", again)
		if res.Status != 409 || !strings.Contains(string(res.Body), "该证件号码已注册") {
			t.Errorf("duplicate: %d", res.Status)
		}
	})
}

func TestProfilePage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		b := e.Browser()
		form := registerForm(e, idOfAge(16))
		if res := b.Post("/register", form); res.Status != http.StatusSeeOther {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
		me := string(b.Get("/me").Body)
		if !strings.Contains(me, "须记录监护人同意") || !strings.Contains(me, `action="/me/guardian-consent"`) {
			t.Fatal("a minor without consent is not asked for it")
		}
		// Consent without ticking the box: the message is beside the box.
		res := b.Post("/me/guardian-consent", url.Values{"guardian_name": {"王大明"}, "guardian_phone": {e.NewPhone()}, "guardian_relation": {"父亲"}})
		if res.Status != 422 || !strings.Contains(string(res.Body), "需监护人确认同意") || !strings.Contains(string(res.Body), `value="王大明"`) {
			t.Errorf("consent without the box: %d", res.Status)
		}
		res = b.Post("/me/guardian-consent", url.Values{"guardian_name": {"王大明"}, "guardian_phone": {e.NewPhone()}, "guardian_relation": {"父亲"}, "guardian_consent": {"yes"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("consent: %d %s", res.Status, res.Body)
		}
		if me := string(b.Get("/me?done=consent").Body); !strings.Contains(me, "监护人王大明（父亲）已于") {
			t.Error("consent not shown")
		}

		// Edit the profile.
		res = b.Post("/me", url.Values{"political_status": {"群众"}, "skills": {"编程，绘画"}, "categories": {"online"},
			"service_areas": {"440106", "440104"}, "weekdays": {"6", "7"}, "times": {"morning"}, "email": {"wxm@example.com"}, "address": {"天河区五山路1号"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/me?done=saved" {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		me = string(b.Get("/me").Body)
		for _, want := range []string{"绘画、编程", "网络文明", "广东省广州市天河区", "周六、周日 上午", `value="wxm@example.com"`, `value="天河区五山路1号"`} {
			if !strings.Contains(me, want) {
				t.Errorf("profile lacks %s", want)
			}
		}
		// What the page shows opened is stored sealed only.
		var clear, sealed int
		e.Store.DB().QueryRow(`SELECT COUNT(*) FROM volunteers WHERE email <> '' OR address <> '' OR guardian_name <> '' OR guardian_phone <> ''`).Scan(&clear)
		e.Store.DB().QueryRow(`SELECT COUNT(*) FROM volunteers WHERE email_sealed IS NOT NULL AND address_sealed IS NOT NULL AND guardian_name_sealed IS NOT NULL`).Scan(&sealed)
		if clear != 0 || sealed != 1 {
			t.Errorf("%d rows with contact details in clear, %d sealed", clear, sealed)
		}
		res = b.Post("/me", url.Values{"email": {"nope"}})
		if res.Status != 422 || !strings.Contains(string(res.Body), "电子邮箱格式不正确") {
			t.Errorf("bad email: %d", res.Status)
		}

		// Password: mismatch and wrong old are shown on the password form; a change keeps
		// this browser logged in and logs the other one out.
		other := e.Browser()
		other.Login(form.Get("phone"), "secret123")
		res = b.Post("/me/password", url.Values{"old_password": {"secret123"}, "new_password": {"newpass123"}, "new_password2": {"newpass124"}})
		if res.Status != 422 || !strings.Contains(string(res.Body), "两次输入的新密码不一致") {
			t.Errorf("mismatch: %d", res.Status)
		}
		res = b.Post("/me/password", url.Values{"old_password": {"wrong1234"}, "new_password": {"newpass123"}, "new_password2": {"newpass123"}})
		if res.Status != 422 || !strings.Contains(string(res.Body), "原密码不正确") {
			t.Errorf("wrong old: %d", res.Status)
		}
		res = b.Post("/me/password", url.Values{"old_password": {"secret123"}, "new_password": {"newpass123"}, "new_password2": {"newpass123"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("change password: %d %s", res.Status, res.Body)
		}
		if res := b.Get("/me"); res.Status != 200 {
			t.Errorf("this browser after the change: %d", res.Status)
		}
		if res := other.Get("/me"); res.Status != http.StatusSeeOther {
			t.Errorf("other browser after the change: %d", res.Status)
		}

		// Export downloads a JSON file.
		res = b.Get("/me/export")
		if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(string(res.Body), `"volunteer_no"`) {
			t.Errorf("export: %d %s", res.Status, res.Header)
		}

		// Close: confirmation needed, then the account is gone and the browser logged out.
		if res := b.Get("/me/close"); res.Status != 200 || !strings.Contains(string(res.Body), "确认注销") {
			t.Errorf("close page: %d", res.Status)
		}
		res = b.Post("/me/close", url.Values{"password": {"newpass123"}})
		if res.Status != 422 || !strings.Contains(string(res.Body), "请勾选确认注销") {
			t.Errorf("close without confirmation: %d", res.Status)
		}
		res = b.Post("/me/close", url.Values{"password": {"newpass123"}, "confirm": {"yes"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/goodbye" {
			t.Fatalf("close: %d %s", res.Status, res.Body)
		}
		if res := b.Get("/me"); res.Status != http.StatusSeeOther {
			t.Errorf("after close /me: %d", res.Status)
		}
		v, err := e.Store.FindVolunteerByNo(context.Background(), vnoRe.FindStringSubmatch(me)[1])
		if err != nil || v.Status != zhiyuan.VolunteerClosed || v.Name != zhiyuan.ClosedName {
			t.Errorf("closed volunteer %+v %v", v, err)
		}
	})
}

func TestProfilePageForAdmins(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(context.Background(), nil, appAdmin(phone)); err != nil {
			t.Fatal(err)
		}
		b := e.Browser()
		b.Login(phone, "admin1234")
		res := b.Get("/me")
		if res.Status != 200 || !strings.Contains(string(res.Body), "还没有志愿者档案") {
			t.Errorf("admin /me: %d", res.Status)
		}
		if strings.Contains(string(b.Get("/").Body), `href="/me"`) {
			t.Error("admin without a volunteer record gets the 我的 link")
		}
	})
}

func appAdmin(phone string) app.AdminInput {
	return app.AdminInput{Phone: phone, Name: "区管理员", Password: "admin1234",
		Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"}}
}

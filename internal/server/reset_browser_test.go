package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/server/servertest"
)

// TestBrowserPasswordReset walks the reset in Chromium at a phone's size, as a person who
// forgot their password would, with the operator reading the development outbox: 忘记密码
// from the login page, the phone number, the outbox page (as the platform admin, in the
// same browser), a wrong code, then the right code and a new password, and a login with
// it. A screenshot of each step goes to artifacts/screenshots.
func TestBrowserPasswordReset(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ctx := browsertest.New(t)
		v := registerVolunteer(t, e, "440106", 3)
		ops := newAdmin(t, e, "平台管理员", zhiyuan.Role{Kind: zhiyuan.RolePlatform})
		shot := func(name string) { browsertest.Screenshot(t, ctx, "reset-"+name+"-"+e.Engine) }
		base := e.HTTP.URL

		browsertest.Open(t, ctx, base+"/login")
		browsertest.Click(t, ctx, `a[href="/forgot"]`)
		if h1 := browsertest.Text(t, ctx, "main h1"); h1 != "忘记密码" {
			t.Fatalf("forgot page headline %q", h1)
		}
		browsertest.Fill(t, ctx, "#phone", v.Phone)
		shot("forgot")
		browsertest.Click(t, ctx, "form.form button[type=submit]")
		if notice := browsertest.Text(t, ctx, ".notice"); !strings.Contains(notice, "验证码已发送") {
			t.Errorf("after asking for a code: %q", notice)
		}
		shot("code-sent")

		// The operator reads the outbox.
		browsertest.Login(t, ctx, base, ops.Phone, testPassword)
		browsertest.Click(t, ctx, `nav a[href="/manage"]`) // a phone's 管理
		browsertest.Click(t, ctx, `.menu-list a[href="/admin/outbox"]`)
		body := browsertest.Text(t, ctx, ".outbox-msg .outbox-body")
		sub := resetCodeRE.FindStringSubmatch(body)
		if sub == nil {
			t.Fatalf("no code in the outbox: %q", body)
		}
		code := sub[1]
		if strings.Contains(browsertest.Text(t, ctx, "main"), v.Phone) {
			t.Errorf("the outbox page shows the full phone number")
		}
		shot("outbox")
		browsertest.Click(t, ctx, `form[action="/logout"] button`)

		// Back as the volunteer: a wrong code first, then the right one.
		if status := browsertest.Open(t, ctx, base+"/reset"); status != http.StatusOK {
			t.Fatalf("reset page: %d", status)
		}
		wrong := code[:5] + string(rune('0'+(code[5]-'0'+1)%10))
		browsertest.Fill(t, ctx, "#phone", v.Phone)
		browsertest.Fill(t, ctx, "#code", wrong)
		browsertest.Fill(t, ctx, "#new_password", "fresh1234")
		browsertest.Click(t, ctx, "form.form button[type=submit]")
		if msg := browsertest.Text(t, ctx, ".field-error"); msg != "验证码不正确，还可尝试4次" {
			t.Errorf("wrong code says %q", msg)
		}
		shot("wrong-code")
		browsertest.Fill(t, ctx, "#code", code)
		browsertest.Fill(t, ctx, "#new_password", "fresh1234")
		browsertest.Click(t, ctx, "form.form button[type=submit]")
		if notice := browsertest.Text(t, ctx, ".notice"); notice != "密码已重置，请用新密码登录。" {
			t.Errorf("after the reset the login page says %q", notice)
		}
		shot("done")
		browsertest.Login(t, ctx, base, v.Phone, "fresh1234")
		if name := browsertest.Text(t, ctx, ".who .me"); name != "王小芳" {
			t.Errorf("logged in as %q", name)
		}
		shot("logged-in")
		browsertest.Click(t, ctx, `form[action="/logout"] button`)

		// In person: the city's admin finds the volunteer by number, checks the document,
		// confirms, and reads out the temporary password, which works.
		vol, err := e.Store.FindVolunteerByID(t.Context(), v.VolunteerID)
		if err != nil {
			t.Fatal(err)
		}
		city := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		browsertest.Login(t, ctx, base, city.Phone, testPassword)
		browsertest.Click(t, ctx, `nav a[href="/manage"]`) // a phone's 管理
		browsertest.Click(t, ctx, `.menu-list a[href="/admin/volunteers"]`)
		browsertest.Fill(t, ctx, "#no", vol.VolunteerNo)
		browsertest.Click(t, ctx, "form.form button[type=submit]")
		if text := browsertest.Text(t, ctx, "main"); strings.Contains(text, v.IDNumber) || !strings.Contains(text, vol.IDNumberMasked) {
			t.Errorf("the admin view shows the full identity number, or not the masked one")
		}
		shot("admin-view")
		browsertest.Fill(t, ctx, "#id_number", v.IDNumber)
		browsertest.Click(t, ctx, "form.form button[type=submit]")
		if msg := browsertest.Text(t, ctx, ".field-error"); !strings.Contains(msg, "请确认已当面核对证件") {
			t.Errorf("reset without confirming says %q", msg)
		}
		browsertest.Fill(t, ctx, "#id_number", v.IDNumber)
		if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(`input[name=confirm]`), chromedp.NodeVisible)); err != nil {
			t.Fatalf("tick the confirmation: %v", err)
		}
		browsertest.Click(t, ctx, "form.form button[type=submit]")
		temp := browsertest.Text(t, ctx, "#temp-password")
		shot("admin-done")
		browsertest.Click(t, ctx, `form[action="/logout"] button`)
		browsertest.Login(t, ctx, base, vol.VolunteerNo, temp)
	})
}

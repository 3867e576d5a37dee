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

// TestBrowserFoundation walks the foundation's pages in Chromium at a phone's size: the
// home page, a failed and a good login through the form, the name and the audit link in
// the header, the audit page, an unknown page and logout, with a screenshot of each.
func TestBrowserFoundation(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ctx := browsertest.New(t)
		gz := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		// Something in the audit log besides the bootstrap: 广州 creates 天河's admin.
		if res := e.Do("POST", "/api/v1/admins", gz.Token, map[string]any{"phone": e.NewPhone(), "name": "天河区管理员",
			"password": testPassword, "role": "regional", "region_code": "440106"}); res.Status != http.StatusCreated {
			t.Fatalf("create 天河 admin: %d %s", res.Status, res.Body)
		}
		shot := func(name string) { browsertest.Screenshot(t, ctx, "foundation-"+name+"-"+e.Engine) }
		base := e.HTTP.URL

		if status := browsertest.Open(t, ctx, base+"/"); status != http.StatusOK {
			t.Fatalf("home: %d", status)
		}
		if h1 := browsertest.Text(t, ctx, "main h1"); !strings.Contains(h1, "志愿服务") {
			t.Errorf("home headline %q", h1)
		}
		if browsertest.Exists(t, ctx, `a[href="/admin/audit"]`) {
			t.Errorf("an anonymous visitor sees the audit link")
		}
		shot("home")

		// A wrong password: the form comes back with the message and the login kept.
		browsertest.Click(t, ctx, `.who a[href="/login"]`)
		browsertest.Fill(t, ctx, "#login", gz.Phone)
		browsertest.Fill(t, ctx, "#password", "wrong-pass-1")
		browsertest.Click(t, ctx, "form.form button[type=submit]")
		if msg := browsertest.Text(t, ctx, ".alert"); msg != "账号或密码错误" {
			t.Errorf("failed login says %q", msg)
		}
		if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#login"))); v != gz.Phone {
			t.Errorf("the login field lost what was typed: %q", v)
		}
		shot("login-error")

		browsertest.Fill(t, ctx, "#password", testPassword)
		browsertest.Click(t, ctx, "form.form button[type=submit]")
		if name := browsertest.Text(t, ctx, ".who .me"); name != "广州市管理员" {
			t.Errorf("header shows %q, want the admin's name", name)
		}
		// On a phone the admin's sections are behind 管理 (/manage).
		browsertest.Click(t, ctx, `nav a[href="/manage"]`)
		if link := browsertest.Text(t, ctx, `.menu-list a[href="/admin/audit"]`); link != "审计日志" {
			t.Errorf("audit link reads %q", link)
		}
		// The session cookie is out of reach of scripts.
		if cookies, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.cookie")); strings.Contains(cookies, "zy_session") {
			t.Errorf("the session cookie is readable by scripts")
		}
		shot("home-admin")

		browsertest.Click(t, ctx, `.menu-list a[href="/admin/audit"]`)
		if h1 := browsertest.Text(t, ctx, "main h1"); h1 != "审计日志" {
			t.Fatalf("audit page headline %q", h1)
		}
		table := browsertest.Text(t, ctx, "table.list tbody")
		// Names, not codes: the action's label and the region's full name.
		if !strings.Contains(table, "授予管理员") || !strings.Contains(table, "广东省广州市天河区") || !strings.Contains(table, "广州市管理员") ||
			strings.Contains(table, "admin.grant") || strings.Contains(table, "440106") {
			t.Errorf("audit table lacks the 天河 grant by 广州:\n%s", table)
		}
		if aria, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`nav a[href="/admin/audit"]`), "aria-current")); aria.Value != "page" {
			t.Errorf("the audit link is not marked as the current page")
		}
		shot("audit")

		// The region filter offers only the admin's own regions; 深圳 asked for by address
		// is refused with the error page in the site's layout.
		if browsertest.Exists(t, ctx, `select[name=region] option[value="440300"]`) {
			t.Errorf("the region filter offers 深圳 to 广州's admin")
		}
		browsertest.Open(t, ctx, base+"/admin/audit?region=440300")
		if status := browsertest.Text(t, ctx, ".error-page .status"); status != "403" {
			t.Errorf("filtering to 深圳 shows status %q, want 403", status)
		}
		shot("audit-forbidden")

		if status := browsertest.Open(t, ctx, base+"/no-such-page"); status != http.StatusNotFound {
			t.Errorf("unknown page: %d", status)
		}
		if h1 := browsertest.Text(t, ctx, "main h1"); h1 != "页面不存在" {
			t.Errorf("404 page headline %q", h1)
		}
		shot("not-found")

		browsertest.Click(t, ctx, `form[action="/logout"] button`)
		if browsertest.Exists(t, ctx, ".who .me") || !browsertest.Exists(t, ctx, `.who a[href="/login"]`) {
			t.Errorf("still logged in after logout")
		}
		if loc := browsertest.Location(t, ctx); loc != base+"/" {
			t.Errorf("logout landed on %s", loc)
		}
		// The audit page now asks to log in again.
		browsertest.Open(t, ctx, base+"/admin/audit")
		if loc := browsertest.Location(t, ctx); !strings.HasPrefix(loc, base+"/login?next=") {
			t.Errorf("audit page after logout: at %s, want the login page", loc)
		}
		shot("logged-out-login")
	})
}

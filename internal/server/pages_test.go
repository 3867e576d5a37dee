package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// TestErrorPages: unknown pages and refusals render in the site's layout with a Chinese
// title; unknown API paths answer in the API's JSON shape.
func TestErrorPages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		b := e.Browser()
		p := b.Get("/no-such-page")
		checkErrorPage(t, "unknown page", p, http.StatusNotFound, "页面不存在")

		v := newVolunteer(t, e)
		b.Login(v.Phone, testPassword)
		p = b.Get("/admin/audit")
		checkErrorPage(t, "volunteer on the audit page", p, http.StatusForbidden, "没有权限")
		if !strings.Contains(string(p.Body), "志愿者小李") {
			t.Errorf("the 403 page does not show who is logged in")
		}

		// Anonymous visitors of a protected page are sent to log in and brought back,
		// filters included.
		anon := e.Browser().Get("/admin/audit?region=440106")
		if anon.Status != http.StatusSeeOther || anon.Header.Get("Location") != "/login?next=%2Fadmin%2Faudit%3Fregion%3D440106" {
			t.Errorf("anonymous audit page: %d to %q", anon.Status, anon.Header.Get("Location"))
		}
		// and posts without a session get the 401 page.
		checkErrorPage(t, "anonymous logout", e.Browser().Post("/logout", nil), http.StatusUnauthorized, "请先登录")

		for _, path := range []string{"/api/v1/nope", "/api/v1/me/extra", "/api/v2/me", "/api/"} {
			res := e.Do("GET", path, "", nil)
			assertAPIError(t, path, res.Status, res.Header, res.Body, http.StatusNotFound, zhiyuan.ENotFound)
		}
	})
}

func checkErrorPage(t *testing.T, what string, p *servertest.Response, status int, title string) {
	t.Helper()
	body := string(p.Body)
	if p.Status != status {
		t.Errorf("%s: status %d, want %d", what, p.Status, status)
	}
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	if !strings.Contains(body, "<title>"+title+" · 志愿服务平台</title>") {
		t.Errorf("%s: title is not %q", what, title)
	}
	// The layout: stylesheet, header with the brand, navigation, footer.
	for _, part := range []string{`<html lang="zh-CN">`, `href="/static/app.`, `<meta name="description"`, `<link rel="icon"`, `class="brand"`, `aria-label="主导航"`, `class="foot"`, `返回首页`} {
		if !strings.Contains(body, part) {
			t.Errorf("%s: page lacks %s", what, part)
		}
	}
}

var (
	inlineScript = regexp.MustCompile(`<script(\s[^>]*)?>\s*[^<\s]`)
	styleAttr    = regexp.MustCompile(`\sstyle\s*=`)
	eventAttr    = regexp.MustCompile(`\son[a-z]+\s*=`)
)

// TestSecurityHeaders: pages, API answers, errors and static files all carry the headers;
// the CSP allows no inline code, and the pages do not need any.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		gz := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		b := e.Browser()
		b.Login(gz.Phone, testPassword)
		check := func(what string, h http.Header) {
			t.Helper()
			csp := h.Get("Content-Security-Policy")
			if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("%s: CSP %q", what, csp)
			}
			for _, d := range []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("%s: CSP lacks %s", what, d)
				}
			}
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: X-Content-Type-Options %q", what, h.Get("X-Content-Type-Options"))
			}
			switch rp := h.Get("Referrer-Policy"); rp {
			case "same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin":
			default:
				t.Errorf("%s: Referrer-Policy %q", what, rp)
			}
			if h.Get("X-Request-ID") == "" {
				t.Errorf("%s: no X-Request-ID", what)
			}
		}
		for _, path := range []string{"/", "/login", "/admin/audit", "/no-such-page"} {
			p := b.Get(path)
			check(path, p.Header)
			body := string(p.Body)
			if inlineScript.MatchString(body) || styleAttr.MatchString(body) || eventAttr.MatchString(body) {
				t.Errorf("%s: the page has inline code the CSP would block", path)
			}
		}
		check("static", b.Get("/static/app.css").Header)
		for _, path := range []string{"/api/v1/me", "/api/v1/openapi.json", "/api/v1/nope"} {
			check(path, e.Do("GET", path, gz.Token, nil).Header)
		}
		check("401", e.Do("GET", "/api/v1/me", "", nil).Header)
		check("healthz", e.Do("GET", "/healthz", "", nil).Header)
	})
}

// TestMe: the caller's own account with roles and scopes, the phone only masked.
func TestMe(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		gz := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		res := e.Do("GET", "/api/v1/me", gz.Token, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("me: %d %s", res.Status, res.Body)
		}
		var me struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			PhoneMasked string `json:"phone_masked"`
			Roles       []struct {
				Role       string `json:"role"`
				Name       string `json:"name"`
				RegionCode string `json:"region_code"`
				RegionName string `json:"region_name"`
			} `json:"roles"`
		}
		res.Decode(&me)
		if me.ID != gz.ID || me.Name != "广州市管理员" {
			t.Errorf("me is %d %q, want %d 广州市管理员", me.ID, me.Name, gz.ID)
		}
		if want := gz.Phone[:3] + "****" + gz.Phone[7:]; me.PhoneMasked != want {
			t.Errorf("phone_masked %q, want %q", me.PhoneMasked, want)
		}
		if strings.Contains(string(res.Body), gz.Phone) || strings.Contains(string(res.Body), gz.Phone[3:]) {
			t.Errorf("me reveals the phone number: %s", res.Body)
		}
		if len(me.Roles) != 1 || me.Roles[0].Role != "regional" || me.Roles[0].RegionCode != "440100" ||
			me.Roles[0].Name != "区域管理员" || !strings.Contains(me.Roles[0].RegionName, "广州市") {
			t.Errorf("roles %+v, want one regional role scoped to 440100 广州市", me.Roles)
		}

		v := newVolunteer(t, e)
		res = e.Do("GET", "/api/v1/me", v.Token, nil)
		me.Roles = nil // decoding into old elements would keep their fields
		res.Decode(&me)
		if me.ID != v.ID || len(me.Roles) != 1 || me.Roles[0].Role != "volunteer" || me.Roles[0].RegionCode != "" {
			t.Errorf("volunteer me: %s", res.Body)
		}
		if strings.Contains(string(res.Body), v.Phone) {
			t.Errorf("me reveals the phone number: %s", res.Body)
		}
	})
}

package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/server/servertest"
)

// TestLoginRateLimit: after LoginMaxFailures wrong passwords for one login from one
// address, that login is locked there (429, even with the right password), while the same
// login from another address and other logins from the same address still work.
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		victim := newVolunteer(t, e)
		other := newVolunteer(t, e)
		n := app.DefaultConfig().LoginMaxFailures
		if n != e.App.Config.LoginMaxFailures {
			t.Fatalf("test platform runs with %d allowed failures, default is %d", e.App.Config.LoginMaxFailures, n)
		}
		attacker := clientFrom("127.0.0.1")
		login := func(c *http.Client, phone, pw string) reply {
			return send(t, c, "POST", e.HTTP.URL+"/api/v1/auth/token", http.Header{"Content-Type": {"application/json"}},
				jsonBody(t, map[string]string{"login": phone, "password": pw}))
		}
		for i := 1; i < n; i++ {
			r := login(attacker, victim.Phone, "wrong-pass-1")
			assertAPIError(t, "wrong password", r.Status, r.Header, r.Body, http.StatusUnauthorized, zhiyuan.EUnauthorized)
		}
		r := login(attacker, victim.Phone, "wrong-pass-1")
		assertAPIError(t, "wrong password N times", r.Status, r.Header, r.Body, http.StatusTooManyRequests, zhiyuan.ERateLimited)
		r = login(attacker, victim.Phone, testPassword)
		assertAPIError(t, "right password while locked", r.Status, r.Header, r.Body, http.StatusTooManyRequests, zhiyuan.ERateLimited)
		if !strings.Contains(string(r.Body), "分钟后再试") {
			t.Errorf("the lock does not tell when to try again: %s", r.Body)
		}

		// The page form answers the same, on the form.
		lockedForm := send(t, attacker, "POST", e.HTTP.URL+"/login", http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"same-origin"}, "Origin": {e.HTTP.URL}},
			formBody(url.Values{"login": {victim.Phone}, "password": {testPassword}}))
		if lockedForm.Status != http.StatusTooManyRequests || !strings.Contains(string(lockedForm.Body), "登录失败次数过多") || sessionCookie(lockedForm.Header) != nil {
			t.Errorf("locked login form: %d, cookie %v", lockedForm.Status, sessionCookie(lockedForm.Header))
		}

		// The owner, from their own address, is not locked out by someone else's guessing.
		owner := clientFrom("127.0.0.2")
		if r := login(owner, victim.Phone, testPassword); r.Status != http.StatusOK {
			t.Errorf("owner from another address: %d %s", r.Status, r.Body)
		}
		// Other people logging in from the guessing address are unaffected too.
		if r := login(attacker, other.Phone, testPassword); r.Status != http.StatusOK {
			t.Errorf("another account from the locked address: %d %s", r.Status, r.Body)
		}
		// A wrong password from the owner's address counts there from zero.
		if r := login(owner, victim.Phone, "wrong-pass-1"); r.Status != http.StatusUnauthorized {
			t.Errorf("first failure from a fresh address: %d", r.Status)
		}
	})
}

// TestCrossOriginFormRefused: a login form posted from another site is refused and starts
// no session; the same post from the platform's own pages works.
func TestCrossOriginFormRefused(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := newVolunteer(t, e)
		c := clientFrom("127.0.0.1")
		form := url.Values{"login": {v.Phone}, "password": {testPassword}, "next": {"/"}}
		r := send(t, c, "POST", e.HTTP.URL+"/login", http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}},
			formBody(form))
		if r.Status != http.StatusForbidden {
			t.Errorf("cross-site login post: %d, want 403", r.Status)
		}
		if sessionCookie(r.Header) != nil {
			t.Errorf("cross-site login post set a session cookie")
		}
		if !strings.Contains(string(r.Body), "拒绝跨站提交的请求") || !strings.Contains(string(r.Body), "<title>没有权限") {
			t.Errorf("cross-site refusal is not the 403 page: %s", r.Body)
		}
		// An old browser sending only Origin is refused as well.
		r = send(t, c, "POST", e.HTTP.URL+"/login", http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"http://evil.example"}}, formBody(form))
		if r.Status != http.StatusForbidden || sessionCookie(r.Header) != nil {
			t.Errorf("cross-origin post with Origin only: %d", r.Status)
		}
		// A cross-site post to the API from a browser is refused in the API's shape.
		r = send(t, c, "POST", e.HTTP.URL+"/api/v1/auth/token", http.Header{
			"Content-Type": {"application/json"}, "Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}},
			jsonBody(t, map[string]string{"login": v.Phone, "password": testPassword}))
		assertAPIError(t, "cross-site token post", r.Status, r.Header, r.Body, http.StatusForbidden, zhiyuan.EForbidden)
		var sessions int
		if err := e.Store.DB().QueryRow("SELECT COUNT(*) FROM sessions WHERE kind = 'web'").Scan(&sessions); err != nil {
			t.Fatal(err)
		}
		if sessions != 0 {
			t.Errorf("refused posts left %d web sessions", sessions)
		}

		// The platform's own form, same origin, logs in.
		ok := e.Browser().Post("/login", form)
		if ok.Status != http.StatusSeeOther || sessionCookie(ok.Header) == nil {
			t.Errorf("same-origin login: %d", ok.Status)
		}
	})
}

// TestAPITokens: no token → 401 in the error shape; a token works until it is revoked;
// tokens and page sessions are not interchangeable.
func TestAPITokens(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := newVolunteer(t, e)
		for _, path := range []string{"/api/v1/me", "/api/v1/audit"} {
			res := e.Do("GET", path, "", nil)
			assertAPIError(t, "no token "+path, res.Status, res.Header, res.Body, http.StatusUnauthorized, zhiyuan.EUnauthorized)
			if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without a WWW-Authenticate challenge")
			}
		}
		res := e.Do("DELETE", "/api/v1/auth/token", "", nil)
		assertAPIError(t, "logout without token", res.Status, res.Header, res.Body, http.StatusUnauthorized, zhiyuan.EUnauthorized)
		res = e.Do("GET", "/api/v1/me", "not-a-token", nil)
		assertAPIError(t, "made-up token", res.Status, res.Header, res.Body, http.StatusUnauthorized, zhiyuan.EUnauthorized)

		// The token answer is not cached anywhere on the way.
		res = e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": v.Phone, "password": testPassword})
		if res.Status != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("token: %d, Cache-Control %q", res.Status, res.Header.Get("Cache-Control"))
		}
		var tok struct {
			Token     string `json:"token"`
			ExpiresAt string `json:"expires_at"`
		}
		res.Decode(&tok)
		if len(tok.Token) < 32 || tok.ExpiresAt == "" {
			t.Fatalf("token answer %s", res.Body)
		}
		second := e.Token(v.Phone, testPassword)
		if second == tok.Token {
			t.Fatalf("two logins gave the same token")
		}
		if res := e.Do("GET", "/api/v1/me", tok.Token, nil); res.Status != http.StatusOK {
			t.Fatalf("me with a fresh token: %d", res.Status)
		}
		if res := e.Do("DELETE", "/api/v1/auth/token", tok.Token, nil); res.Status != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", res.Status, res.Body)
		}
		res = e.Do("GET", "/api/v1/me", tok.Token, nil)
		assertAPIError(t, "revoked token", res.Status, res.Header, res.Body, http.StatusUnauthorized, zhiyuan.EUnauthorized)
		// Only that token is revoked.
		if res := e.Do("GET", "/api/v1/me", second, nil); res.Status != http.StatusOK {
			t.Errorf("the account's other token stopped working: %d", res.Status)
		}
		// Bad logins name the field, or say who is wrong without telling which part.
		res = e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": "", "password": ""})
		assertAPIError(t, "empty login", res.Status, res.Header, res.Body, http.StatusUnprocessableEntity, zhiyuan.EInvalid)
		if _, _, f := res.Error(); f["login"] == "" || f["password"] == "" {
			t.Errorf("empty login does not name both fields: %s", res.Body)
		}
		unknown := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": e.NewPhone(), "password": testPassword})
		wrong := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": v.Phone, "password": "wrong-pass-1"})
		if unknown.Status != http.StatusUnauthorized || wrong.Status != http.StatusUnauthorized {
			t.Errorf("unknown login %d, wrong password %d; want 401 both", unknown.Status, wrong.Status)
		}
		if _, m1, _ := unknown.Error(); true {
			if _, m2, _ := wrong.Error(); m1 != m2 {
				t.Errorf("unknown login (%q) and wrong password (%q) are told apart", m1, m2)
			}
		}

		// A page session is no API token, and an API token is no page session.
		b := e.Browser()
		login := b.Post("/login", url.Values{"login": {v.Phone}, "password": {testPassword}})
		cookie := sessionCookie(login.Header)
		if cookie == nil {
			t.Fatalf("page login set no cookie")
		}
		res = e.Do("GET", "/api/v1/me", cookie.Value, nil)
		assertAPIError(t, "page session as bearer token", res.Status, res.Header, res.Body, http.StatusUnauthorized, zhiyuan.EUnauthorized)
		r := send(t, clientFrom("127.0.0.1"), "GET", e.HTTP.URL+"/", http.Header{"Cookie": {"zy_session=" + second}}, nil)
		if strings.Contains(string(r.Body), "志愿者小李") {
			t.Errorf("an API token works as a page cookie")
		}
	})
}

// TestPageSessions: the login sets a new HttpOnly, SameSite=Lax session at every login,
// and logout ends the session on the server, so a copied cookie is useless afterwards.
func TestPageSessions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		gz := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		b := e.Browser()
		form := url.Values{"login": {gz.Phone}, "password": {testPassword}, "next": {"/admin/audit"}}
		first := b.Post("/login", form)
		if first.Status != http.StatusSeeOther || first.Header.Get("Location") != "/admin/audit" {
			t.Fatalf("login: %d to %q", first.Status, first.Header.Get("Location"))
		}
		c1 := sessionCookie(first.Header)
		if c1 == nil || c1.Value == "" {
			t.Fatalf("login set no session cookie")
		}
		if !c1.HttpOnly || c1.SameSite != http.SameSiteLaxMode || c1.Path != "/" {
			t.Errorf("cookie flags: HttpOnly %v SameSite %v Path %q", c1.HttpOnly, c1.SameSite, c1.Path)
		}
		if c1.Secure {
			t.Errorf("cookie is Secure on plain HTTP; the browser would never send it back")
		}
		if c1.Expires.IsZero() {
			t.Errorf("cookie has no expiry")
		}

		withCookie := func(value, path string) reply {
			return send(t, clientFrom("127.0.0.1"), "GET", e.HTTP.URL+path, http.Header{"Cookie": {"zy_session=" + value}}, nil)
		}
		if r := withCookie(c1.Value, "/admin/audit"); r.Status != http.StatusOK {
			t.Fatalf("audit page with the session: %d", r.Status)
		}

		// Logging in again, even with a session, mints a new id and ends the old one.
		second := b.Post("/login", form)
		c2 := sessionCookie(second.Header)
		if c2 == nil || c2.Value == c1.Value {
			t.Fatalf("second login kept the session id")
		}
		if r := withCookie(c1.Value, "/admin/audit"); r.Status != http.StatusSeeOther {
			t.Errorf("the replaced session still opens the audit page: %d", r.Status)
		}
		// A session id planted before login (fixation) is not adopted.
		planted := send(t, clientFrom("127.0.0.1"), "POST", e.HTTP.URL+"/login", http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"same-origin"},
			"Cookie": {"zy_session=attacker-chosen-id"}}, formBody(form))
		if c := sessionCookie(planted.Header); c == nil || c.Value == "attacker-chosen-id" {
			t.Errorf("login adopted a planted session id")
		}

		// Logout: 303 home, the cookie is cleared, and the session is dead on the server.
		out := b.Post("/logout", nil)
		if out.Status != http.StatusSeeOther || out.Header.Get("Location") != "/" {
			t.Errorf("logout: %d to %q", out.Status, out.Header.Get("Location"))
		}
		if c := sessionCookie(out.Header); c == nil || c.MaxAge >= 0 && c.Value != "" {
			t.Errorf("logout did not clear the cookie: %v", c)
		}
		r := withCookie(c2.Value, "/admin/audit")
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("replayed cookie after logout: %d to %q, want the login page", r.Status, r.Header.Get("Location"))
		}
		r = withCookie(c2.Value, "/")
		if strings.Contains(string(r.Body), "广州市管理员") {
			t.Errorf("replayed cookie after logout still shows the admin's name")
		}
		if c := sessionCookie(r.Header); c == nil || c.Value != "" {
			t.Errorf("a dead session cookie is not cleared")
		}
	})
}

// TestLoginRedirectStaysOnSite: the page to return to after login is always a page of
// the platform, however the next parameter is spelled.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := newVolunteer(t, e)
		for next, want := range map[string]string{
			"/admin/audit?region=440106": "/admin/audit?region=440106",
			"//evil.example/":            "/",
			"/\\evil.example":            "/",
			"https://evil.example/":      "/",
			"/\t/evil.example":           "/", // browsers drop the tab: //evil.example
			"/\r\n/evil.example":         "/",
			"":                           "/",
		} {
			r := send(t, clientFrom("127.0.0.1"), "POST", e.HTTP.URL+"/login", http.Header{
				"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"same-origin"}},
				formBody(url.Values{"login": {v.Phone}, "password": {testPassword}, "next": {next}}))
			if strings.ContainsAny(next, "\t\r\n") {
				// Control characters are refused at the boundary, before any redirect.
				if r.Status != http.StatusUnprocessableEntity || r.Header.Get("Location") != "" {
					t.Errorf("login with next %q: %d to %q, want 422", next, r.Status, r.Header.Get("Location"))
				}
				continue
			}
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
				t.Errorf("login with next %q: %d to %q, want %q", next, r.Status, r.Header.Get("Location"), want)
			}
			// A logged-in visitor of the login page is sent on the same way.
			c := sessionCookie(r.Header)
			if c == nil {
				t.Fatalf("no session")
			}
			r = send(t, clientFrom("127.0.0.1"), "GET", e.HTTP.URL+"/login?next="+url.QueryEscape(next),
				http.Header{"Cookie": {"zy_session=" + c.Value}}, nil)
			if r.Header.Get("Location") != want {
				t.Errorf("login page with next %q sends to %q, want %q", next, r.Header.Get("Location"), want)
			}
		}
	})
}

package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/server"
	"zhiyuan/internal/server/servertest"
)

// TestLogHoldsNoSecrets drives logins, token use, failures and errors, then reads the
// whole log: it must hold no phone number, password or token, in any spelling the
// requests carried them.
func TestLogHoldsNoSecrets(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		const secretPw = "Sesame9-open"
		const wrongPw = "Guess7-wrong"
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{
			Phone: phone, Name: "广州市管理员", Password: secretPw, Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
			t.Fatal(err)
		}
		// Failed logins, by API and by form, with the phone written in several ways.
		for _, login := range []string{phone, "+86 " + phone[:3] + " " + phone[3:7] + " " + phone[7:]} {
			e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": login, "password": wrongPw})
		}
		e.Browser().Post("/login", url.Values{"login": {phone}, "password": {wrongPw}})
		e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": e.NewPhone(), "password": secretPw})
		// Successful logins and token use.
		token := e.Token(phone, secretPw)
		b := e.Browser()
		login := b.Post("/login", url.Values{"login": {phone}, "password": {secretPw}})
		cookie := sessionCookie(login.Header)
		if cookie == nil {
			t.Fatal("no session cookie")
		}
		b.Get("/admin/audit")
		e.Do("GET", "/api/v1/me", token, nil)
		e.Do("GET", "/api/v1/audit?region=440300", token, nil) // forbidden: logged as such
		// Errors that carry the secrets in the request: a bad admin, a phone in a path and a query.
		e.Do("POST", "/api/v1/admins", token, map[string]any{"phone": phone, "password": "weak", "role": "regional", "region_code": "449999"})
		e.Do("GET", "/api/v1/accounts/"+phone, token, nil)
		e.Do("GET", "/api/v1/me?phone="+phone+"&token="+token, token, nil)
		b.Get("/u/" + phone + "?password=" + secretPw)
		e.Do("GET", "/api/v1/me", token+"x", nil)
		e.Do("DELETE", "/api/v1/auth/token", token, nil)
		e.Do("GET", "/api/v1/me", token, nil) // revoked
		b.Post("/logout", nil)

		log := e.Log.String()
		// The log is really being captured: it has the lines these requests produce.
		for _, want := range []string{"login failed", "msg=login", "msg=forbidden", `route="GET /api/v1/me"`, "status=401", "status=422"} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %q; is it captured?", want)
			}
		}
		secrets := map[string]string{
			"phone": phone, "phone without prefix": phone[3:], "password": secretPw, "wrong password": wrongPw,
			"token": token, "session cookie": cookie.Value,
		}
		for what, s := range secrets {
			if strings.Contains(log, s) {
				t.Errorf("the log holds the %s", what)
			}
		}
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
}

// TestHealthAndMetrics: /healthz reports the engine; /metrics counts requests by route
// pattern (never by raw path) and shows the database pools.
func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		res := e.Do("GET", "/healthz", "", nil)
		var h struct{ Status, Database string }
		res.Decode(&h)
		if res.Status != http.StatusOK || h.Status != "ok" || h.Database != e.Engine {
			t.Errorf("healthz: %d %s", res.Status, res.Body)
		}

		gz := newAdmin(t, e, "广州市管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		for range 3 {
			e.Do("GET", "/api/v1/me", gz.Token, nil)
		}
		secretPath := "/api/v1/accounts/" + gz.Phone
		e.Do("GET", secretPath, gz.Token, nil)
		e.Browser().Get("/u/" + gz.Phone)

		// Without a token the main listener refuses /metrics to every peer (loopback too:
		// a reverse proxy on the same host is loopback); its own listener serves it.
		if res = e.Do("GET", "/metrics", "", nil); res.Status != http.StatusForbidden {
			t.Errorf("metrics on the main listener without a token: %d, want 403", res.Status)
		}
		own := httptest.NewServer(e.Server.MetricsHandler)
		defer own.Close()
		got, err := http.Get(own.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if got.StatusCode != http.StatusOK {
			t.Fatalf("metrics listener: %d", got.StatusCode)
		}
		m := string(body)
		for _, want := range []string{
			`zhiyuan_http_requests_total{method="GET",route="GET /api/v1/me",status="200"} 3`,
			`zhiyuan_http_requests_total{method="POST",route="POST /api/v1/auth/token",status="200"} 1`,
			`zhiyuan_http_request_duration_seconds_bucket{route="GET /api/v1/me",le=`,
			"zhiyuan_http_requests_in_flight 0\n", // the scrape itself is not a request of the platform
			`zhiyuan_db_open_connections{pool=`,
			`zhiyuan_db_in_use_connections{pool=`,
			`zhiyuan_db_wait_count_total{pool=`,
			`go_goroutines`,
		} {
			if !strings.Contains(m, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if strings.Contains(m, gz.Phone) {
			t.Errorf("metrics carry a raw path with a phone number")
		}

		// With ZHIYUAN_METRICS_TOKEN the main listener serves it to the token only.
		withToken, err := server.New(e.App, e.App.Log, server.Options{MetricsToken: "scrape-me"})
		if err != nil {
			t.Fatal(err)
		}
		main := httptest.NewServer(withToken)
		defer main.Close()
		for bearer, want := range map[string]int{"": http.StatusUnauthorized, "guess": http.StatusUnauthorized, "scrape-me": http.StatusOK} {
			req, _ := http.NewRequest("GET", main.URL+"/metrics", nil)
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("metrics on the main listener with token %q: %d, want %d", bearer, res.StatusCode, want)
			}
		}
	})
}

package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"zhiyuan/internal/server"
	"zhiyuan/internal/server/servertest"
)

// TestHTTPSCookiesAndHSTS: with an https base URL (TLS ended at the operator's proxy) the
// session cookie is Secure, logout's clearing cookie too, and every answer carries HSTS;
// with an http base URL, X-Forwarded-Proto: https changes nothing unless the proxy is
// trusted (--trust-proxy).
func TestHTTPSCookiesAndHSTS(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := newVolunteer(t, e)
		for _, tc := range []struct {
			name       string
			baseURL    string
			trustProxy bool
			forwarded  bool
			https      bool
		}{
			{"http base URL", "http://127.0.0.1:8080", false, false, false},
			{"http base URL, X-Forwarded-Proto without --trust-proxy", "http://127.0.0.1:8080", false, true, false},
			{"http base URL, X-Forwarded-Proto from a trusted proxy", "http://127.0.0.1:8080", true, true, true},
			{"https base URL", "https://zhiyuan.example.cn", false, false, true},
			{"https base URL behind a trusted proxy", "https://zhiyuan.example.cn", true, true, true},
		} {
			e.App.Config.BaseURL = tc.baseURL
			srv, err := server.New(e.App, e.App.Log, server.Options{TrustProxy: tc.trustProxy})
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"same-origin"}}
			if tc.forwarded {
				header.Set("X-Forwarded-Proto", "https")
			}
			wantHSTS := map[bool]string{true: "max-age=31536000; includeSubDomains"}[tc.https]

			login := send(t, clientFrom("127.0.0.1"), "POST", hs.URL+"/login", header,
				formBody(url.Values{"login": {v.Phone}, "password": {testPassword}, "next": {"/"}}))
			c := sessionCookie(login.Header)
			if login.Status != http.StatusSeeOther || c == nil || c.Value == "" {
				t.Fatalf("%s: login %d, cookie %v", tc.name, login.Status, c)
			}
			if c.Secure != tc.https || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("%s: session cookie Secure %v HttpOnly %v SameSite %v, want Secure %v", tc.name, c.Secure, c.HttpOnly, c.SameSite, tc.https)
			}
			if got := login.Header.Get("Strict-Transport-Security"); got != wantHSTS {
				t.Errorf("%s: login answer HSTS %q, want %q", tc.name, got, wantHSTS)
			}
			header.Set("Cookie", "zy_session="+c.Value)
			logout := send(t, clientFrom("127.0.0.1"), "POST", hs.URL+"/logout", header, nil)
			if c := sessionCookie(logout.Header); c == nil || c.Secure != tc.https {
				t.Errorf("%s: logout cookie %v, want Secure %v", tc.name, c, tc.https)
			}
			for _, path := range []string{"/", "/api/v1/activities", "/healthz"} {
				r := send(t, clientFrom("127.0.0.1"), "GET", hs.URL+path, http.Header{"X-Forwarded-Proto": header["X-Forwarded-Proto"]}, nil)
				if got := r.Header.Get("Strict-Transport-Security"); got != wantHSTS {
					t.Errorf("%s: GET %s HSTS %q, want %q", tc.name, path, got, wantHSTS)
				}
			}
			hs.Close()
		}
	})
}

package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/server"
	"zhiyuan/internal/server/servertest"
)

// TestRegisterRateLimit: with a limit of two registrations per address, two clients at
// one address register through the API, the third gets 429 ratelimited with a Chinese
// message, the registration page from that address shows the same message with the form
// kept (status 429, nothing stored), and a client at another address (behind the
// operator's proxy) still registers.
func TestRegisterRateLimit(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		e.App.Config.RegisterPerIP, e.App.Config.RegisterWindow = 2, time.Hour
		n := 0
		newID := func() string {
			n++
			return idcard.Generate("440106", time.Date(1996, 4, n, 0, 0, 0, 0, time.UTC), 100+n, idcard.Male)
		}
		for i := range 2 {
			if res := e.Do("POST", "/api/v1/volunteers", "", registration(e, newID())); res.Status != http.StatusCreated {
				t.Fatalf("registration %d: %d %s", i+1, res.Status, res.Body)
			}
		}
		refused := registration(e, newID())
		res := e.Do("POST", "/api/v1/volunteers", "", refused)
		// The wording of the API: the message reads in Chinese with the wait filled in.
		reason, _ := res.Reasons()
		if code, msg, _ := res.Error(); res.Status != http.StatusTooManyRequests || code != zhiyuan.ERateLimited ||
			reason != "volunteer.register_rate_limited" || msg != "当前网络注册次数过多，请60分钟后再试" {
			t.Fatalf("third registration: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": refused["phone"].(string), "password": "secret123"}); res.Status != http.StatusUnauthorized {
			t.Errorf("the refused registration logs in: %d %s", res.Status, res.Body)
		}

		// The registration page from the same address: the message, the form kept (the
		// identity number only in its own field, see TestRegisterPage).
		form := url.Values{"name": {"王小明"}, "id_type": {"resident_id"}, "id_number": {newID()}, "phone": {e.NewPhone()},
			"password": {"secret123"}, "region_code": {"440106"}}
		page := e.Browser().Post("/register", form)
		body := string(page.Body)
		if page.Status != http.StatusTooManyRequests || !strings.Contains(body, `role="alert">`+zhiyuan.Text("volunteer.register_rate_limited", "minutes", 60)) ||
			!strings.Contains(body, `value="王小明"`) || strings.Count(body, form.Get("id_number")) != 1 ||
			!strings.Contains(body, `value="`+form.Get("id_number")+`"`) {
			t.Errorf("register page at the limit: %d\n%s", page.Status, body)
		}

		// Another address, as the operator's reverse proxy reports it.
		srv, err := server.New(e.App, e.App.Log, server.Options{TrustProxy: true})
		if err != nil {
			t.Fatal(err)
		}
		proxied := httptest.NewServer(srv)
		defer proxied.Close()
		post := func(ip string) (int, []byte) {
			b, _ := json.Marshal(registration(e, newID()))
			req, _ := http.NewRequest("POST", proxied.URL+"/api/v1/volunteers", bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", ip)
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Body.Close()
			var out bytes.Buffer
			out.ReadFrom(r.Body)
			return r.StatusCode, out.Bytes()
		}
		if status, body := post("198.51.100.20"); status != http.StatusCreated {
			t.Errorf("another address: %d %s", status, body)
		}
		if status, body := post("127.0.0.1"); status != http.StatusTooManyRequests {
			t.Errorf("the limited address through the proxy: %d %s", status, body)
		}
	})
}

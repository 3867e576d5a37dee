package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"zhiyuan"
)

func TestMetricsGuard(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	for _, tc := range []struct {
		name, token, ip, bearer string
		main                    bool
		want                    int
	}{
		// Behind a reverse proxy on the same host every peer is loopback: no exception.
		{"main listener, loopback, no token configured", "", "127.0.0.1", "", true, 403},
		{"main listener, ipv6 loopback", "", "::1", "", true, 403},
		{"main listener, remote, no token configured", "", "203.0.113.9", "", true, 403},
		{"main listener, the right token", "s3cret", "203.0.113.9", "s3cret", true, 200},
		{"main listener, a wrong token", "s3cret", "203.0.113.9", "guess", true, 401},
		{"main listener, loopback must present the token", "s3cret", "127.0.0.1", "", true, 401},
		{"metrics listener, no token configured", "", "127.0.0.1", "", false, 200},
		{"metrics listener asks for the token once one is configured", "s3cret", "127.0.0.1", "", false, 401},
		{"metrics listener with the token", "s3cret", "198.51.100.7", "s3cret", false, 200},
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req = req.WithContext(zhiyuan.WithClient(req.Context(), zhiyuan.Client{IP: tc.ip}))
		if tc.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+tc.bearer)
		}
		rec := httptest.NewRecorder()
		metricsGuard(tc.token, tc.main, ok).ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, rec.Code, tc.want)
		}
	}
}

package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"zhiyuan"
)

func TestMetricsGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	for _, tc := range []struct {
		name, token, ip, bearer string
		want                    int
	}{
		{"loopback without token", "", "127.0.0.1", "", 200},
		{"ipv6 loopback", "", "::1", "", 200},
		{"remote without token configured", "", "203.0.113.9", "", 403},
		{"remote with the right token", "s3cret", "203.0.113.9", "s3cret", 200},
		{"remote with a wrong token", "s3cret", "203.0.113.9", "guess", 401},
		{"loopback must present the token once one is configured", "s3cret", "127.0.0.1", "", 401},
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req = req.WithContext(zhiyuan.WithClient(req.Context(), zhiyuan.Client{IP: tc.ip}))
		if tc.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+tc.bearer)
		}
		rec := httptest.NewRecorder()
		metricsGuard(tc.token, ok).ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, rec.Code, tc.want)
		}
	}
}

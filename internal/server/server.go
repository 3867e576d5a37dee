// Package server assembles the whole HTTP handler: pages, API, health and metrics behind
// one middleware chain. Tests build it exactly as the binary does, so handler tests go
// through the real router.
package server

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/api"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/web"
)

// Options tune the handler.
type Options struct {
	TrustProxy   bool
	MetricsToken string // bearer token for /metrics; without one only loopback clients may scrape
}

// Server is the assembled handler with its parts exposed for tests.
type Server struct {
	http.Handler
	API     *api.API
	Web     *web.Web
	Metrics *httpx.Metrics
}

// New builds the handler.
func New(a *app.App, log *slog.Logger, opt Options) (*Server, error) {
	pages, err := web.New(a, log)
	if err != nil {
		return nil, err
	}
	apiHandler := api.New(a, log)
	metrics := httpx.NewMetrics(a.Store.DBStats)

	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("GET /metrics", metricsGuard(opt.MetricsToken, metrics.Handler()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Store.Ping(ctx); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": a.Store.Engine()})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": a.Store.Engine()})
	})
	mux.Handle("/", pages)

	crossOriginDenied := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := zhiyuan.Errorf(zhiyuan.EForbidden, "拒绝跨站提交的请求")
		if len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/" {
			httpx.WriteJSONError(w, err)
			return
		}
		pages.ErrorPage(w, r, err)
	})
	h := httpx.Chain(httpx.RecordRoute(mux),
		httpx.ClientInfo(opt.TrustProxy),
		httpx.Recover(log, pages.ErrorPage),
		httpx.SecurityHeaders,
		metrics.Middleware,
		httpx.AccessLog(log),
		httpx.CrossOrigin(crossOriginDenied),
		httpx.Authenticate(a),
	)
	return &Server{Handler: h, API: apiHandler, Web: pages, Metrics: metrics}, nil
}

// metricsGuard keeps /metrics (route names, pool sizes, process details) from the public:
// with a token, scrapers must present it; without one, only the machine itself may read it.
func metricsGuard(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			got, _ := httpx.BearerToken(r)
			if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				httpx.WriteJSONError(w, zhiyuan.Errorf(zhiyuan.EUnauthorized, "需要监控令牌"))
				return
			}
		} else if ip := net.ParseIP(zhiyuan.ClientFrom(r.Context()).IP); ip == nil || !ip.IsLoopback() {
			httpx.WriteJSONError(w, zhiyuan.Errorf(zhiyuan.EForbidden, "监控指标仅限本机访问，或配置 ZHIYUAN_METRICS_TOKEN"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Package server assembles the whole HTTP handler: pages, API, health and metrics behind
// one middleware chain. Tests build it exactly as the binary does, so handler tests go
// through the real router.
package server

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"zhiyuan"
	"zhiyuan/internal/api"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/web"
)

// Options tune the handler.
type Options struct {
	TrustProxy bool // believe X-Forwarded-For and X-Forwarded-Proto (behind the operator's proxy)
	// MetricsToken is the bearer token for /metrics on the main listener; without one
	// /metrics is refused there and served only by MetricsHandler on its own listener.
	MetricsToken string
}

// Server is the assembled handler with its parts exposed for tests.
type Server struct {
	http.Handler
	API     *api.API
	Web     *web.Web
	Metrics *httpx.Metrics
	// MetricsHandler serves /metrics alone, for the --metrics-addr listener: the
	// listener's address keeps it private (and the token, when one is set).
	MetricsHandler http.Handler
}

// New builds the handler.
func New(a *app.App, log *slog.Logger, opt Options) (*Server, error) {
	pages, err := web.New(a, log)
	if err != nil {
		return nil, err
	}
	apiHandler := api.New(a, log)
	metrics := httpx.NewMetrics(a.DBStats)

	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("GET /metrics", metricsGuard(opt.MetricsToken, true, metrics.Handler()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Ping(ctx); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": a.Engine()})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": a.Engine()})
	})
	mux.Handle("/", pages)

	crossOriginDenied := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := zhiyuan.Fail(zhiyuan.EForbidden, "http.cross_site")
		if len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/" {
			httpx.WriteJSONError(w, err)
			return
		}
		pages.ErrorPage(w, r, err)
	})
	compress, err := compression()
	if err != nil {
		return nil, err
	}
	h := httpx.Chain(httpx.RecordRoute(mux),
		httpx.ClientInfo(opt.TrustProxy),
		httpx.HTTPS(strings.HasPrefix(a.Config.BaseURL, "https://"), opt.TrustProxy),
		httpx.Recover(log, pages.ErrorPage),
		compress,
		httpx.SecurityHeaders,
		metrics.Middleware,
		httpx.AccessLog(log),
		httpx.CrossOrigin(crossOriginDenied),
		httpx.Authenticate(a),
		httpx.CheckText(pages.ErrorPage), // after Authenticate, so its error page shows who is signed in
	)
	own := http.NewServeMux()
	own.Handle("GET /metrics", metricsGuard(opt.MetricsToken, false, metrics.Handler()))
	return &Server{Handler: h, API: apiHandler, Web: pages, Metrics: metrics, MetricsHandler: own}, nil
}

// compression gzips pages, style sheets, scripts, JSON and SVG for clients that accept it
// (every browser), with klauspost/compress's gzhttp: a page of the site shrinks to about a
// fifth, which is what a phone on a slow network waits for. Answers under gzhttp's
// minimum size (1 KiB) and images, PDFs, spreadsheets and archives, which are compressed
// already, go out as they are.
func compression() (httpx.Middleware, error) {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.EnableZstd(false), // gzip alone: every browser and proxy knows it
		gzhttp.ContentTypes([]string{"text/html", "text/css", "text/javascript", "application/javascript",
			"application/json", "application/problem+json", "image/svg+xml", "text/plain", "text/csv"}),
	)
	if err != nil {
		return nil, err
	}
	return func(h http.Handler) http.Handler { return wrap(h) }, nil
}

// metricsGuard keeps /metrics (route names, pool sizes, process details) from the public.
// With a token, scrapers must present it. Without one, the main listener refuses
// everyone: behind a reverse proxy on the same host every peer is loopback, so the peer's
// address proves nothing; the metrics listener (--metrics-addr) serves it instead.
func metricsGuard(token string, mainListener bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			got, _ := httpx.BearerToken(r)
			if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				httpx.WriteJSONError(w, zhiyuan.Fail(zhiyuan.EUnauthorized, "http.metrics_token_required"))
				return
			}
		} else if mainListener {
			httpx.WriteJSONError(w, zhiyuan.Fail(zhiyuan.EForbidden, "http.metrics_elsewhere"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

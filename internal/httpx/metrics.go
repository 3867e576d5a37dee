package httpx

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"zhiyuan/internal/password"
)

// Metrics counts requests and their latencies by route pattern (never by raw path, which
// would let codes in URLs explode the label set) and exposes database pool statistics.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

// NewMetrics returns Metrics with its own registry; dbStats is read at every scrape.
func NewMetrics(dbStats func() map[string]sql.DBStats) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zhiyuan_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "zhiyuan_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		// What a graceful shutdown waits for, and what tells a test that the server is
		// inside a request.
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "zhiyuan_http_requests_in_flight", Help: "HTTP requests being served now.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.inFlight, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The password hashing pool: a queue that grows here, not memory, is what a burst of
	// registrations or logins looks like (package password).
	pool := func(name, help string, v func(password.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zhiyuan_password_hash_" + name, Help: help},
			func() float64 { return v(password.PoolStats()) })
	}
	m.reg.MustRegister(
		pool("limit", "Password hashes that may run at once (one per core).", func(s password.Stats) float64 { return float64(s.Limit) }),
		pool("running", "Password hashes running now.", func(s password.Stats) float64 { return float64(s.Running) }),
		pool("waiting", "Callers queued for a password hashing slot now.", func(s password.Stats) float64 { return float64(s.Waiting) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zhiyuan_password_hash_wait_seconds_total",
			Help: "Time callers spent queued for a password hashing slot."}, func() float64 { return password.PoolStats().WaitSeconds }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zhiyuan_password_hashes_total",
			Help: "Password hashes computed (made or checked)."}, func() float64 { return float64(password.PoolStats().Hashes) }),
	)
	if dbStats != nil {
		m.reg.MustRegister(dbCollector(dbStats))
	}
	return m
}

// Middleware records every request.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := routeOf(r)
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(outcome(r, sw.status))).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

type dbStatsCollector struct {
	stats                                  func() map[string]sql.DBStats
	open, inUse, idle, waitCount, waitTime *prometheus.Desc
}

func dbCollector(stats func() map[string]sql.DBStats) prometheus.Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("zhiyuan_db_"+name, help, []string{"pool"}, nil)
	}
	return &dbStatsCollector{
		stats:     stats,
		open:      d("open_connections", "Open connections."),
		inUse:     d("in_use_connections", "Connections in use."),
		idle:      d("idle_connections", "Idle connections."),
		waitCount: d("wait_count_total", "Times a caller waited for a connection."),
		waitTime:  d("wait_seconds_total", "Time spent waiting for a connection."),
	}
}

func (c *dbStatsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.open
	ch <- c.inUse
	ch <- c.idle
	ch <- c.waitCount
	ch <- c.waitTime
}

func (c *dbStatsCollector) Collect(ch chan<- prometheus.Metric) {
	for pool, s := range c.stats() {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(s.OpenConnections), pool)
		ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(s.InUse), pool)
		ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(s.Idle), pool)
		ch <- prometheus.MustNewConstMetric(c.waitCount, prometheus.CounterValue, float64(s.WaitCount), pool)
		ch <- prometheus.MustNewConstMetric(c.waitTime, prometheus.CounterValue, s.WaitDuration.Seconds(), pool)
	}
}

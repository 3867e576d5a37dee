// Package config reads the platform's configuration from command-line flags and ZHIYUAN_*
// environment variables (flags win), validates it at start with clear messages, and hands
// one struct to the constructors. There are no globals.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything the binary can be told.
type Config struct {
	DataDir    string // folder for the embedded database and generated keys
	DB         string // postgres:// URL; empty means SQLite in DataDir
	Addr       string // serve: listen address
	LogLevel   string // debug, info, warn, error
	LogFormat  string // text or json
	TrustProxy bool   // take client addresses from X-Forwarded-For (behind the operator's proxy)
	PIIKeys    string // encryption keys for personal data; empty means DataDir/pii.keys
	FontPath   string // TrueType CJK font for PDFs; empty means search the usual places
	BaseURL    string // public address printed in QR codes and links
	// MetricsToken lets a Prometheus server elsewhere scrape /metrics; never a flag.
	MetricsToken string
	// MetricsAddr is the separate listener serving /metrics; empty means none.
	MetricsAddr string
	// Rules are the tunable platform rules (rules.go); nil unless RegisterRules was called.
	Rules *Rules
	// Pool sizes the database connection pools (pool.go).
	Pool Pool
	// SenderURL is the HTTP gateway that SMS and email go to (app.WebhookSender); empty
	// keeps them in the development outbox (/admin/outbox).
	SenderURL string
	// JobTimeout bounds one attempt of a background job; a job left running by a server
	// that died runs again about twice this long later (jobs.Options).
	JobTimeout time.Duration
}

// Register defines the common flags on fs, with defaults from the environment.
func (c *Config) Register(fs *flag.FlagSet, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv("ZHIYUAN_" + name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.DataDir, "data", env("DATA", "./zhiyuan-data"), "data folder for the embedded database and keys (ZHIYUAN_DATA)")
	fs.StringVar(&c.DB, "db", env("DB", ""), "PostgreSQL URL postgres://…; empty for the embedded SQLite database (ZHIYUAN_DB)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (ZHIYUAN_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", "text"), "text or json (ZHIYUAN_LOG_FORMAT)")
	fs.StringVar(&c.FontPath, "font", env("FONT", ""), "TrueType CJK font for PDF proofs (ZHIYUAN_FONT)")
	c.PIIKeys = getenv("ZHIYUAN_PII_KEYS") // never a flag: flags show up in process lists
	c.registerPool(fs, getenv)
}

// RegisterServe adds the flags of the serve command.
func (c *Config) RegisterServe(fs *flag.FlagSet, getenv func(string) string) {
	addr := getenv("ZHIYUAN_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	fs.StringVar(&c.Addr, "addr", addr, "listen address (ZHIYUAN_ADDR)")
	c.MetricsToken = getenv("ZHIYUAN_METRICS_TOKEN")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", getenv("ZHIYUAN_TRUST_PROXY") == "true", "trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy (ZHIYUAN_TRUST_PROXY)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", getenv("ZHIYUAN_METRICS_ADDR"), "separate listen address for /metrics, e.g. 127.0.0.1:9090; empty for none (ZHIYUAN_METRICS_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", getenv("ZHIYUAN_BASE_URL"), "public base URL, e.g. https://zhiyuan.example.cn (ZHIYUAN_BASE_URL)")
	fs.StringVar(&c.SenderURL, "sender-url", getenv("ZHIYUAN_SENDER_URL"), "HTTP gateway for SMS and email (JSON POST with an Idempotency-Key); empty keeps them in /admin/outbox (ZHIYUAN_SENDER_URL)")
	c.JobTimeout = time.Minute
	if v := getenv("ZHIYUAN_JOB_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			c.JobTimeout = d
		} else {
			c.JobTimeout = -1 // reported by Validate
		}
	}
	fs.DurationVar(&c.JobTimeout, "job-timeout", c.JobTimeout, "longest attempt of a background job, 1s to 1h; a job of a server that died runs again about twice this later (ZHIYUAN_JOB_TIMEOUT)")
}

// Validate checks the configuration and fills derived values.
func (c *Config) Validate() error {
	var errs []error
	if c.DB != "" && !postgresURL(c.DB) {
		errs = append(errs, fmt.Errorf("--db must be a postgres:// URL (got a value of another form); leave it empty for SQLite"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("--data must not be empty"))
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Errorf("--addr %q is not host:port", c.Addr))
		}
	}
	if err := c.validateMetricsAddr(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.Level(); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat))
	}
	if c.SenderURL != "" {
		if u, err := url.Parse(c.SenderURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("--sender-url must be an http:// or https:// URL"))
		}
	}
	if c.Addr != "" && (c.JobTimeout < time.Second || c.JobTimeout > time.Hour) {
		errs = append(errs, errors.New("--job-timeout (or ZHIYUAN_JOB_TIMEOUT) must be between 1s and 1h"))
	}
	if err := c.Pool.validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Rules != nil {
		if err := c.Rules.validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.BaseURL == "" && c.Addr != "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return errors.Join(errs...)
}

// validateMetricsAddr refuses a metrics listener that is not host:port, and one open
// beyond this machine without ZHIYUAN_METRICS_TOKEN: the metrics name every route and
// describe the process, and a listener on all interfaces would publish them.
func (c *Config) validateMetricsAddr() error {
	if c.MetricsAddr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(c.MetricsAddr)
	if err != nil || port == "" {
		return fmt.Errorf("--metrics-addr %q is not host:port", c.MetricsAddr)
	}
	if ip := net.ParseIP(host); c.MetricsToken == "" && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--metrics-addr %q is reachable from other machines; listen on 127.0.0.1 or set ZHIYUAN_METRICS_TOKEN", c.MetricsAddr)
	}
	return nil
}

// DSN is what the store opens: the PostgreSQL URL, or the SQLite file in the data folder.
func (c *Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return SQLitePath(c.DataDir)
}

// SQLitePath is where the embedded database lives inside a data folder.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, "zhiyuan.db") }

// postgresURL reports whether s is a PostgreSQL URL, the only form --db takes (SQLite is
// chosen by leaving it empty). The store tells the engines apart by the same prefixes
// (sqlstore.IsPostgres; TestConfigAgreesWithStore), and anything else would be opened
// as a SQLite file of that name.
func postgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Level parses LogLevel.
func (c *Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", c.LogLevel)
	}
	return l, nil
}

// Logger builds the process logger.
func (c *Config) Logger() *slog.Logger {
	level, _ := c.Level()
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// EnsureDataDir creates the data folder, readable by its owner only.
func (c *Config) EnsureDataDir() error {
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return err
	}
	c.DataDir = abs
	return os.MkdirAll(abs, 0o700)
}

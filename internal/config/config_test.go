package config

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"zhiyuan/internal/sqlstore"

	"zhiyuan"
)

func parse(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	var c Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	getenv := func(k string) string { return env[k] }
	c.Register(fs, getenv)
	c.RegisterServe(fs, getenv)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c, c.Validate()
}

func TestDefaultsEnvAndFlags(t *testing.T) {
	t.Parallel()
	c, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./zhiyuan-data" || c.DSN() != "zhiyuan-data/zhiyuan.db" {
		t.Fatalf("defaults: %+v dsn=%s", c, c.DSN())
	}
	c, err = parse(t, map[string]string{"ZHIYUAN_DB": "postgres://u@h/db", "ZHIYUAN_ADDR": "0.0.0.0:9000"}, "--addr", "127.0.0.1:7000")
	if err != nil {
		t.Fatal(err)
	}
	if c.DSN() != "postgres://u@h/db" || c.Addr != "127.0.0.1:7000" {
		t.Fatalf("env and flag: %+v", c)
	}
}

func TestValidateNamesTheBadSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", "mysql://x"}, "--db"},
		{[]string{"--addr", "nonsense"}, "--addr"},
		{[]string{"--log-level", "loud"}, "--log-level"},
		{[]string{"--log-format", "xml"}, "--log-format"},
	} {
		_, err := parse(t, nil, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want one naming %s", tc.args, err, tc.want)
		}
	}
}

var testDefaults = Rules{
	RegisterPerIP:    20,
	LoginMaxFailures: 5,
	LoginLock:        15 * time.Minute,
	Hours:            zhiyuan.HourRules{RoundTo: 30 * time.Minute, MinCounted: 15 * time.Minute, MinShare: 0.6},
	LikesPerDay:      zhiyuan.DefaultLikesPerDay,
	LikesPerIP:       zhiyuan.DefaultLikesPerIPHour,
}

// parseRules parses like serve: common, serve and rule flags.
func parseRules(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	var c Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	getenv := func(k string) string { return env[k] }
	c.Register(fs, getenv)
	c.RegisterServe(fs, getenv)
	c.RegisterRules(fs, getenv, testDefaults)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c, c.Validate()
}

// TestMetricsAddr: no metrics listener unless asked; one that other machines can reach
// needs ZHIYUAN_METRICS_TOKEN.
func TestMetricsAddr(t *testing.T) {
	t.Parallel()
	c, err := parse(t, nil)
	if err != nil || c.MetricsAddr != "" {
		t.Fatalf("default: %q, %v", c.MetricsAddr, err)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		ok   bool
	}{
		{nil, []string{"--metrics-addr", "127.0.0.1:9090"}, true},
		{nil, []string{"--metrics-addr", "[::1]:9090"}, true},
		{nil, []string{"--metrics-addr", "localhost:9090"}, true},
		{map[string]string{"ZHIYUAN_METRICS_ADDR": "127.0.0.1:9091"}, nil, true},
		{nil, []string{"--metrics-addr", "9090"}, false},
		{nil, []string{"--metrics-addr", ":9090"}, false},
		{nil, []string{"--metrics-addr", "0.0.0.0:9090"}, false},
		{nil, []string{"--metrics-addr", "10.0.0.5:9090"}, false},
		{map[string]string{"ZHIYUAN_METRICS_TOKEN": "s3cret"}, []string{"--metrics-addr", "0.0.0.0:9090"}, true},
	} {
		_, err := parse(t, tc.env, tc.args...)
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), "--metrics-addr") {
			t.Errorf("%v %v: err = %v, want ok %v", tc.env, tc.args, err, tc.ok)
		}
	}
}

func TestRulesDefaultWhenNothingIsSet(t *testing.T) {
	t.Parallel()
	c, err := parseRules(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := *c.Rules
	r.specs = nil
	if r.RegisterPerIP != 20 || r.LoginMaxFailures != 5 || r.LoginLock != 15*time.Minute || r.Hours != testDefaults.Hours || r.HolidaysFile != "" || len(r.WorkCalendar.Holidays) != 0 {
		t.Fatalf("defaults: %+v", r)
	}
	// Commands without the rule flags leave the application's defaults alone.
	if c, err := parse(t, nil); err != nil || c.Rules != nil {
		t.Fatalf("rules without RegisterRules: %v %v", c.Rules, err)
	}
}

func TestRuleFlagsParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want func(r *Rules) bool
	}{
		{nil, []string{"--register-per-ip", "3"}, func(r *Rules) bool { return r.RegisterPerIP == 3 }},
		{nil, []string{"--register-per-ip", "0"}, func(r *Rules) bool { return r.RegisterPerIP == 0 }},
		{map[string]string{"ZHIYUAN_REGISTER_PER_IP": "7"}, nil, func(r *Rules) bool { return r.RegisterPerIP == 7 }},
		{nil, []string{"--login-max-failures", "10"}, func(r *Rules) bool { return r.LoginMaxFailures == 10 }},
		{map[string]string{"ZHIYUAN_LOGIN_MAX_FAILURES": "8"}, nil, func(r *Rules) bool { return r.LoginMaxFailures == 8 }},
		{nil, []string{"--login-lock", "1h30m"}, func(r *Rules) bool { return r.LoginLock == 90*time.Minute }},
		{map[string]string{"ZHIYUAN_LOGIN_LOCK": "2m"}, nil, func(r *Rules) bool { return r.LoginLock == 2*time.Minute }},
		{nil, []string{"--hour-round", "1h"}, func(r *Rules) bool { return r.Hours.RoundTo == time.Hour }},
		{map[string]string{"ZHIYUAN_HOUR_ROUND": "15m"}, nil, func(r *Rules) bool { return r.Hours.RoundTo == 15*time.Minute }},
		{nil, []string{"--hour-min-counted", "0s"}, func(r *Rules) bool { return r.Hours.MinCounted == 0 }},
		{map[string]string{"ZHIYUAN_HOUR_MIN_COUNTED": "45m"}, nil, func(r *Rules) bool { return r.Hours.MinCounted == 45*time.Minute }},
		{nil, []string{"--hour-min-share", "0.5"}, func(r *Rules) bool { return r.Hours.MinShare == 0.5 }},
		{nil, []string{"--hour-min-share", "75%"}, func(r *Rules) bool { return r.Hours.MinShare == 0.75 }},
		{map[string]string{"ZHIYUAN_HOUR_MIN_SHARE": "1"}, nil, func(r *Rules) bool { return r.Hours.MinShare == 1 }},
		{nil, []string{"--recommend-weights", "skill=5,distance=0"}, func(r *Rules) bool {
			return r.Recommend.Skill == 5 && r.Recommend.Distance == 0 && r.Recommend.Time == 2
		}},
		{map[string]string{"ZHIYUAN_RECOMMEND_WEIGHTS": "seats=4"}, nil, func(r *Rules) bool { return r.Recommend.Seats == 4 }},
		{nil, nil, func(r *Rules) bool { return r.LikesPerDay == 10 && r.LikesPerIP == 300 }},
		{nil, []string{"--likes-per-day", "3"}, func(r *Rules) bool { return r.LikesPerDay == 3 }},
		{map[string]string{"ZHIYUAN_LIKES_PER_IP": "0"}, nil, func(r *Rules) bool { return r.LikesPerIP == 0 }},
		// The flag wins over the environment, as for every other setting.
		{map[string]string{"ZHIYUAN_HOUR_ROUND": "15m"}, []string{"--hour-round", "1m"}, func(r *Rules) bool { return r.Hours.RoundTo == time.Minute }},
		{map[string]string{"ZHIYUAN_LOGIN_LOCK": "nonsense"}, []string{"--login-lock", "5m"}, func(r *Rules) bool { return r.LoginLock == 5*time.Minute }},
		{map[string]string{"ZHIYUAN_HOLIDAYS": "../../docs/holidays-2026.txt"}, nil, func(r *Rules) bool { return r.WorkCalendar.Holidays["2026-10-07"] }},
	} {
		c, err := parseRules(t, tc.env, tc.args...)
		if err != nil {
			t.Errorf("%v %v: %v", tc.env, tc.args, err)
			continue
		}
		if !tc.want(c.Rules) {
			r := *c.Rules
			r.specs = nil
			t.Errorf("%v %v: got %+v", tc.env, tc.args, r)
		}
	}
}

func TestRuleValidationNamesTheFlag(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("2026-10-01\n2026-13-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want []string
	}{
		{nil, []string{"--register-per-ip", "-1"}, []string{"--register-per-ip", "ZHIYUAN_REGISTER_PER_IP", "between 0 and 100000"}},
		{nil, []string{"--register-per-ip", "lots"}, []string{"--register-per-ip", "whole number"}},
		{nil, []string{"--login-max-failures", "0"}, []string{"--login-max-failures", "between 1 and 1000"}},
		{map[string]string{"ZHIYUAN_LOGIN_MAX_FAILURES": "2.5"}, nil, []string{"--login-max-failures", "ZHIYUAN_LOGIN_MAX_FAILURES", "whole number"}},
		{nil, []string{"--login-lock", "30s"}, []string{"--login-lock", "between 1m and 24h"}},
		{nil, []string{"--login-lock", "48h"}, []string{"--login-lock", "between 1m and 24h"}},
		{map[string]string{"ZHIYUAN_LOGIN_LOCK": "15"}, nil, []string{"--login-lock", "ZHIYUAN_LOGIN_LOCK", "duration such as 30m"}},
		{nil, []string{"--hour-round", "0s"}, []string{"--hour-round", "between 1m and 2h"}},
		{nil, []string{"--hour-round", "3h"}, []string{"--hour-round", "between 1m and 2h"}},
		{nil, []string{"--hour-round", "90s"}, []string{"--hour-round", "whole minutes"}},
		{nil, []string{"--hour-round", "half an hour"}, []string{"--hour-round", "duration"}},
		{nil, []string{"--hour-min-counted", "-5m"}, []string{"--hour-min-counted", "between 0s and 4h"}},
		{nil, []string{"--hour-min-counted", "5h"}, []string{"--hour-min-counted", "between 0s and 4h"}},
		{nil, []string{"--recommend-weights", "speed=1"}, []string{"--recommend-weights", "ZHIYUAN_RECOMMEND_WEIGHTS", "skill, distance"}},
		{nil, []string{"--recommend-weights", "skill=500"}, []string{"--recommend-weights", "0 to 100"}},
		{nil, []string{"--hour-min-share", "1.5"}, []string{"--hour-min-share", "between 0 and 1"}},
		{nil, []string{"--hour-min-share", "-0.1"}, []string{"--hour-min-share", "between 0 and 1"}},
		{nil, []string{"--hour-min-share", "120%"}, []string{"--hour-min-share", "between 0 and 1"}},
		{nil, []string{"--hour-min-share", "NaN"}, []string{"--hour-min-share", "number such as 0.6"}},
		{map[string]string{"ZHIYUAN_HOUR_MIN_SHARE": "most"}, nil, []string{"--hour-min-share", "ZHIYUAN_HOUR_MIN_SHARE"}},
		{nil, []string{"--holidays", "/nonexistent/holidays.txt"}, []string{"--holidays", "/nonexistent/holidays.txt", "no such file"}},
		{map[string]string{"ZHIYUAN_HOLIDAYS": bad}, nil, []string{"ZHIYUAN_HOLIDAYS", bad, "line 2", `"2026-13-01"`}},
	} {
		_, err := parseRules(t, tc.env, tc.args...)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%v %v: err = %v, want one containing %q", tc.env, tc.args, err, w)
			}
		}
	}
	// Every bad setting is reported at once, not one per restart.
	_, err := parseRules(t, nil, "--hour-round", "0s", "--hour-min-share", "2", "--login-lock", "1s")
	for _, w := range []string{"--hour-round", "--hour-min-share", "--login-lock"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("several bad settings: %v lacks %s", err, w)
		}
	}
}

// The shipped 2026 calendar parses, and the recording deadline follows it across the
// National Day week: an activity on 30 September has until 20 October (8–9 Oct are
// working days, so is Saturday 10 Oct; 1–7 Oct are not).
func TestSampleHolidaysFile(t *testing.T) {
	t.Parallel()
	cal, err := ReadHolidaysFile("../../docs/holidays-2026.txt")
	if err != nil {
		t.Fatal(err)
	}
	holidays, workdays := cal.Dates()
	if len(holidays) != 3+9+3+5+3+3+7 || len(workdays) != 1+2+1+2 {
		t.Fatalf("%d holidays, %d make-up days: %v %v", len(holidays), len(workdays), holidays, workdays)
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for d, want := range map[string]bool{
		"2026-01-01": false, "2026-01-04": true, "2026-02-16": false, "2026-02-14": true,
		"2026-05-05": false, "2026-05-09": true, "2026-10-05": false, "2026-10-08": true,
		"2026-10-10": true, "2026-10-11": false, "2026-03-02": true,
	} {
		if got := cal.IsWorkingDay(day(d)); got != want {
			t.Errorf("%s working day = %v, want %v", d, got, want)
		}
	}
	end := time.Date(2026, 9, 30, 18, 0, 0, 0, time.UTC)
	if got, want := zhiyuan.RecordingDeadline(end, time.UTC, cal), day("2026-10-21"); !got.Equal(want) {
		t.Errorf("deadline %s, want the end of 20 October", got)
	}
	if got, want := zhiyuan.RecordingDeadline(end, time.UTC, zhiyuan.WorkCalendar{}), day("2026-10-15"); !got.Equal(want) {
		t.Errorf("weekends-only deadline %s, want the end of 14 October", got)
	}
}

func TestParseHolidays(t *testing.T) {
	t.Parallel()
	cal, err := ParseHolidays(strings.NewReader("# 国庆\n\n  2026-10-01..2026-10-03  # 放假\n+2026-10-10\n2026-05-01\n2026-05-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	h, w := cal.Dates()
	if strings.Join(h, " ") != "2026-05-01 2026-10-01 2026-10-02 2026-10-03" || strings.Join(w, " ") != "2026-10-10" {
		t.Fatalf("holidays %v, workdays %v", h, w)
	}
	for _, tc := range []struct{ text, want string }{
		{"2026-10-01\n1 October\n", `line 2: "1 October" is not a date`},
		{"2026-02-30\n", `line 1: "2026-02-30" is not a date`},
		{"# x\n+2026-10-12\n", "line 2: +2026-10-12 is a Monday"},
		{"2026-10-07..2026-10-01\n", "line 1: range 2026-10-07..2026-10-01 must run forwards"},
		{"2026-01-01..2026-12-31\n", "at most 31 days"},
		{"2026-10-01..tomorrow\n", `line 1: "tomorrow" is not a date`},
		{"2026-10-10\n\n+2026-10-10\n", "line 3: 2026-10-10 is both a holiday and a make-up working day (see line 1)"},
	} {
		_, err := ParseHolidays(strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.text, err, tc.want)
		}
	}
	// Every bad line is named, not just the first.
	_, err = ParseHolidays(strings.NewReader("x\n2026-10-01\ny\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("two bad lines: %v", err)
	}
}

// TestPoolSettings: the pool defaults to 2×cores+2 connections, all kept idle, renewed
// never and closed after 5 idle minutes; each setting comes from its flag or variable.
func TestPoolSettings(t *testing.T) {
	t.Parallel()
	c, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Pool{MaxConns: 2*runtime.NumCPU() + 2, MaxIdle: 2*runtime.NumCPU() + 2, ConnMaxIdleTime: 5 * time.Minute}
	if got := c.Pool; got.MaxConns != want.MaxConns || got.MaxIdle != want.MaxIdle || got.ConnMaxLifetime != 0 || got.ConnMaxIdleTime != want.ConnMaxIdleTime {
		t.Fatalf("defaults: %+v, want %+v", got, want)
	}
	c, err = parse(t, map[string]string{"ZHIYUAN_DB_MAX_CONNS": "40", "ZHIYUAN_DB_CONN_MAX_LIFETIME": "30m"},
		"--db-max-idle", "0", "--db-conn-max-idle-time", "0", "--db-max-conns", "50")
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Pool; p.MaxConns != 50 || p.MaxIdle != 0 || p.ConnMaxLifetime != 30*time.Minute || p.ConnMaxIdleTime != 0 {
		t.Fatalf("env and flags: %+v", p)
	}
	c, err = parse(t, map[string]string{"ZHIYUAN_DB_MAX_CONNS": "12"})
	if err != nil || c.Pool.MaxIdle != 12 {
		t.Fatalf("idle follows max conns: %+v, %v", c.Pool, err)
	}
}

func TestPoolValidationNamesTheFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--db-max-conns", "0"}, `--db-max-conns "0" (or ZHIYUAN_DB_MAX_CONNS): must be between 1 and 1000`},
		{map[string]string{"ZHIYUAN_DB_MAX_CONNS": "many"}, nil, `--db-max-conns "many" (or ZHIYUAN_DB_MAX_CONNS): must be a whole number`},
		{nil, []string{"--db-max-conns", "5000"}, "--db-max-conns"},
		{nil, []string{"--db-max-conns", "4", "--db-max-idle", "9"}, `--db-max-idle "9" (or ZHIYUAN_DB_MAX_IDLE): must be between 0 and 4 (--db-max-conns is 4)`},
		{nil, []string{"--db-max-idle", "-1"}, "--db-max-idle"},
		{map[string]string{"ZHIYUAN_DB_CONN_MAX_LIFETIME": "forever"}, nil, `--db-conn-max-lifetime "forever" (or ZHIYUAN_DB_CONN_MAX_LIFETIME): must be a duration`},
		{nil, []string{"--db-conn-max-idle-time", "-5m"}, `--db-conn-max-idle-time "-5m" (or ZHIYUAN_DB_CONN_MAX_IDLE_TIME): must be 0 or between 1s and 24h`},
		{nil, []string{"--db-conn-max-lifetime", "48h"}, "--db-conn-max-lifetime"},
	} {
		_, err := parse(t, tc.env, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: err = %v, want one saying %s", tc.env, tc.args, err, tc.want)
		}
	}
}

// TestConfigAgreesWithStore: config does not import the store (it is read before anything
// opens), so the two rules they share are written twice and checked here: which --db
// values the store opens as PostgreSQL, and the default pool size.
func TestConfigAgreesWithStore(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"postgres://u@h/db", "postgresql://h/db?sslmode=disable", "postgres:/x", "mysql://h/db",
		"zhiyuan-data/zhiyuan.db", "POSTGRES://h/db", ""} {
		if got, want := postgresURL(dsn), sqlstore.IsPostgres(dsn); got != want {
			t.Errorf("%q: config takes it for PostgreSQL: %v, the store: %v", dsn, got, want)
		}
	}
	if DefaultMaxConns() != sqlstore.DefaultMaxConns() {
		t.Errorf("default pool: config %d, store %d", DefaultMaxConns(), sqlstore.DefaultMaxConns())
	}
}

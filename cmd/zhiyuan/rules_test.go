package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRulesReachTheApp: the tunable rules given to serve are the ones the application
// runs with, and the hour rules volunteers are shown on /me/hours say so.
func TestRulesReachTheApp(t *testing.T) {
	data := t.TempDir()
	c, err := flags("serve", []string{"--data", data, "--register-per-ip", "3", "--login-max-failures", "4",
		"--login-lock", "1h", "--hour-round", "1h", "--hour-min-counted", "20m", "--hour-min-share", "50%",
		"--holidays", "../../docs/holidays-2026.txt"}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, store, err := openApp(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := a.Config
	if cfg.RegisterPerIP != 3 || cfg.LoginMaxFailures != 4 || cfg.LoginLock != time.Hour ||
		cfg.Hours.RoundTo != time.Hour || cfg.Hours.MinCounted != 20*time.Minute || cfg.Hours.MinShare != 0.5 ||
		!cfg.WorkCalendar.Holidays["2026-10-01"] || !cfg.WorkCalendar.Workdays["2026-10-10"] {
		t.Fatalf("app config: %+v", cfg)
	}
	got := a.HourRules().Describe()
	for _, want := range []string{"50%", "不足20分钟不计", "按1小时向下取整", "计2小时"} {
		if !strings.Contains(got, want) {
			t.Errorf("shown rules %q lack %q", got, want)
		}
	}
	// Commands without the rule flags (admin) keep the defaults.
	c, err = flags("admin create", []string{"--data", data}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	a2, store2, err := openApp(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer store2.Close()
	if a2.Config.LoginMaxFailures != 5 || a2.Config.Hours.RoundTo != 30*time.Minute {
		t.Errorf("admin config: %+v", a2.Config)
	}
}

// TestBadRulesStopTheBinary: a bad rule from a flag or the environment stops serve at
// once with exit 1 and a message naming the setting (and the line of a holidays file).
func TestBadRulesStopTheBinary(t *testing.T) {
	holidays := filepath.Join(t.TempDir(), "holidays.txt")
	if err := os.WriteFile(holidays, []byte("# 2026\n2026-10-01\n+2026-10-12\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"serve", "--hour-round", "3h"}, `--hour-round "3h" (or ZHIYUAN_HOUR_ROUND): must be between 1m and 2h`},
		{[]string{"ZHIYUAN_HOUR_MIN_SHARE=1.2"}, []string{"serve"}, `--hour-min-share "1.2" (or ZHIYUAN_HOUR_MIN_SHARE)`},
		{[]string{"ZHIYUAN_LOGIN_MAX_FAILURES=0"}, []string{"demo"}, "--login-max-failures"},
		{[]string{"ZHIYUAN_HOLIDAYS=" + holidays}, []string{"serve"}, "line 3: +2026-10-12 is a Monday"},
	} {
		_, stderr, exit := run(t, tc.env, append(tc.args, "--data", t.TempDir())...)
		if exit != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v %v: exit %d, stderr %q, want %q", tc.env, tc.args, exit, stderr, tc.want)
		}
	}
}

package app_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/jobs"
)

// failures records the background tasks that logged a failure.
type failures struct {
	mu    sync.Mutex
	tasks []string
}

func (f *failures) Enabled(context.Context, slog.Level) bool { return true }
func (f *failures) WithAttrs([]slog.Attr) slog.Handler       { return f }
func (f *failures) WithGroup(string) slog.Handler            { return f }
func (f *failures) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		task := r.Message
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "task" || a.Key == "error" {
				task += " " + a.Value.String()
			}
			return true
		})
		f.mu.Lock()
		f.tasks = append(f.tasks, task)
		f.mu.Unlock()
	}
	return nil
}

func (f *failures) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.tasks...)
}

// TestRunBackgroundAtStart: the periodic tasks that serve starts (River periodic jobs)
// run at once, not an interval later: an expired login is purged and today's ledger
// anchor is made right after start, with no task reporting a failure, on either engine.
func TestRunBackgroundAtStart(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, c *clock) {
		logged := &failures{}
		a.Log = slog.New(logged)
		acc, err := a.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: "13900000009", Name: "平台管理员", Password: "good1234",
			Role: zhiyuan.Role{Kind: zhiyuan.RolePlatform}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := storeOf(a).CreateSession(t.Context(), acc.ID, zhiyuan.SessionWeb, time.Hour, zhiyuan.Client{}); err != nil {
			t.Fatal(err)
		}
		c.Add(2 * time.Hour) // the login has expired
		sessions := func() int {
			var n int
			if err := storeOf(a).DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM sessions").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := sessions(); n != 1 {
			t.Fatalf("%d sessions before start, want 1", n)
		}

		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r, err := a.RunBackground(ctx, jobs.Options{PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Stop(context.Background())
		var anchors []zhiyuan.LedgerAnchor
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			anchors, err = a.LedgerAnchors(t.Context(), 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(anchors) == 1 && sessions() == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("10 s after start: %d anchors (want today's), %d sessions (want the expired one purged)", len(anchors), sessions())
			}
		}
		if want := zhiyuan.AnchorDay(storeOf(a).Now()); anchors[0].Day != want {
			t.Errorf("anchor of %q, want today's (%q)", anchors[0].Day, want)
		}
		cancel()
		// Whatever failed by then: the tasks start together, and a failure of any is logged.
		if f := logged.list(); len(f) > 0 {
			t.Errorf("background tasks failed: %q", f)
		}
	})
}

// TestSweepsRunOnceAcrossServers: two servers working the same database (two runners)
// run each periodic task once at start, not once each: only the elected leader inserts
// the sweeps. On either engine.
func TestSweepsRunOnceAcrossServers(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, c *clock) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		for range 2 {
			r, err := a.RunBackground(ctx, jobs.Options{PollInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Stop(context.Background())
		}
		sweeps := func() (done, all int) {
			q := storeOf(a).Rebind("SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'completed' THEN 1 ELSE 0 END), 0) FROM river_job WHERE kind = ?")
			if err := storeOf(a).DB().QueryRowContext(t.Context(), q, jobs.Sweep{}.Kind()).Scan(&all, &done); err != nil {
				t.Fatal(err)
			}
			return done, all
		}
		want := len(a.PeriodicJobs())
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if done, _ := sweeps(); done >= want {
				break
			}
			if time.Now().After(deadline) {
				done, all := sweeps()
				t.Fatalf("20 s after start %d of %d sweeps done (%d queued)", done, want, all)
			}
		}
		time.Sleep(time.Second) // time for a second leader, were there one, to insert its own
		if done, all := sweeps(); all != want || done != want {
			t.Fatalf("%d sweeps queued, %d done; want each of the %d once", all, done, want)
		}
	})
}

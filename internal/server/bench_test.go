package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/server"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// The benchmarks time themselves: each iteration measures the platform and a reference in
// many short alternating rounds, so one iteration (make bench runs -benchtime 1x) already
// gives a figure, and bursts of load from elsewhere on the machine fall on both alike.
// Beside the rates they report the process's CPU time per request, which contention
// disturbs less than wall-clock rates (it includes the client goroutines, alike for both).
const (
	benchRounds = 12
	benchRound  = 250 * time.Millisecond
)

// benchPlatform starts the platform as `zhiyuan serve` runs it: production store options,
// production password cost unless cheap is set, a text logger at info level (its output
// discarded, its cost kept).
func benchPlatform(b *testing.B, engine string, pw password.Params) (*app.App, *httptest.Server) {
	b.Helper()
	store := storetest.New(b, engine, sqlstore.Options{})
	keys, err := pii.NewKeys()
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg := app.DefaultConfig()
	cfg.Password = pw
	a := app.New(store, keys, region.Default(), log, cfg)
	srv, err := server.New(a, log, server.Options{})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	b.Cleanup(hs.Close)
	return a, hs
}

// load runs clients goroutines, each calling do in a loop, for d; it returns the calls
// completed. do returns an error for an answer that is not the expected one.
func load(clients int, d time.Duration, do func() error) (int64, error) {
	var n atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if err := do(); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return n.Load(), err
	}
	return n.Load(), nil
}

// getter returns a function that GETs url with a keep-alive client of up to conns
// connections and checks the status.
func getter(url, token string, conns int) func() error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	return func() error {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", url, res.StatusCode)
		}
		return err
	}
}

// compare measures subject and reference in alternating rounds and reports both rates,
// their ratio, and the CPU time per call of each.
func compare(b *testing.B, clients int, unit, refUnit string, subject, reference func() error) {
	b.Helper()
	// Warm up: connections, prepared statements, caches.
	if _, err := load(clients, 200*time.Millisecond, subject); err != nil {
		b.Fatal(err)
	}
	if _, err := load(clients, 200*time.Millisecond, reference); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var got, ref int64
	var gotCPU, refCPU time.Duration
	run := func(f func() error, n *int64, cpu *time.Duration) {
		c0 := cpuTime()
		k, err := load(clients, benchRound, f)
		if err != nil {
			b.Fatal(err)
		}
		*cpu += cpuTime() - c0
		*n += k
	}
	for range b.N {
		for i := range benchRounds {
			// Alternate which goes first, so a trend in the machine's load favours neither.
			if i%2 == 0 {
				run(subject, &got, &gotCPU)
				run(reference, &ref, &refCPU)
			} else {
				run(reference, &ref, &refCPU)
				run(subject, &got, &gotCPU)
			}
		}
	}
	secs := float64(b.N*benchRounds) * benchRound.Seconds()
	b.ReportMetric(float64(got)/secs, unit)
	b.ReportMetric(float64(ref)/secs, refUnit)
	b.ReportMetric(100*float64(got)/float64(ref), "ratio_pct")
	b.ReportMetric(float64(gotCPU.Microseconds())/float64(got), "cpu_us/"+strings.TrimSuffix(unit, "/s"))
	b.ReportMetric(float64(refCPU.Microseconds())/float64(ref), "cpu_us/"+strings.TrimSuffix(refUnit, "/s"))
}

// perRequest reports what one request costs the server itself, served in process (no
// network, no client): the statements the store runs and the heap allocations (those of
// the request and recorder the measurement makes included, a handful).
func perRequest(b *testing.B, a *app.App, h http.Handler, newReq func() *http.Request) {
	b.Helper()
	const runs = 200
	serve := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, newReq())
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	serve() // warm: kept statements, caches
	q0 := a.Statements()
	allocs := testing.AllocsPerRun(runs, serve) // runs once more to warm up, then runs times
	b.ReportMetric(float64(a.Statements()-q0)/(runs+1), "queries/req")
	b.ReportMetric(allocs, "allocs/req")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAPIMe: authenticated GET /api/v1/me through the whole middleware chain
// (request id, recovery, headers, metrics, access log, cross-origin check, token lookup,
// authorisation, account read) over loopback HTTP with 8 keep-alive clients, beside a bare
// net/http handler answering a small JSON the same way. Target: at least 40% of bare.
// The token is resolved from memory after its first request (zhiyuan.TokenCacheTTL), so
// queries/req is that of the requests after it and queries/first_req that of the first.
func BenchmarkAPIMe(b *testing.B) {
	const clients = 8
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]any{"id": 1, "name": "志愿者", "phone_masked": "138****0001"})
	}))
	b.Cleanup(bare.Close)
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			a, hs := benchPlatform(b, engine, password.Fast)
			phone := "13800000001"
			if _, err := a.CreateAdmin(b.Context(), nil, app.AdminInput{Phone: phone, Name: "广州市管理员", Password: "bench1234",
				Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
				b.Fatal(err)
			}
			sess, _, err := a.Login(b.Context(), phone, "bench1234", zhiyuan.SessionAPI)
			if err != nil {
				b.Fatal(err)
			}
			compare(b, clients, "req/s", "bare_req/s",
				getter(hs.URL+"/api/v1/me", sess.Token, clients),
				getter(bare.URL+"/", "", clients))
			perRequest(b, a, hs.Config.Handler, func() *http.Request {
				r := httptest.NewRequest("GET", "/api/v1/me", nil)
				r.Header.Set("Authorization", "Bearer "+sess.Token)
				return r
			})
			// A token's first request reads it (the rest are answered from memory for
			// zhiyuan.TokenCacheTTL): the queries of that one.
			fresh, _, err := a.Login(b.Context(), phone, "bench1234", zhiyuan.SessionAPI)
			if err != nil {
				b.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/api/v1/me", nil)
			r.Header.Set("Authorization", "Bearer "+fresh.Token)
			q0 := a.Statements()
			w := httptest.NewRecorder()
			hs.Config.Handler.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatalf("first request of a token: %d", w.Code)
			}
			b.ReportMetric(float64(a.Statements()-q0), "queries/first_req")
		})
	}
}

// BenchmarkLogin: logins per second through POST /api/v1/auth/token with the production
// argon2id cost (password.Default), beside raw argon2id hashes per second at the same
// cost and concurrency (one worker per core): the login can never beat the hash, and
// should not fall far below it.
func BenchmarkLogin(b *testing.B) {
	workers := runtime.GOMAXPROCS(0)
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			a, hs := benchPlatform(b, engine, password.Default)
			phone := "13800000001"
			if _, err := a.CreateAdmin(b.Context(), nil, app.AdminInput{Phone: phone, Name: "广州市管理员", Password: "bench1234",
				Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
				b.Fatal(err)
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
			body := `{"login":"` + phone + `","password":"bench1234"}`
			login := func() error {
				res, err := client.Post(hs.URL+"/api/v1/auth/token", "application/json", strings.NewReader(body))
				if err != nil {
					return err
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					return fmt.Errorf("login: %d", res.StatusCode)
				}
				return nil
			}
			hash := func() error {
				_, err := password.Hash("bench1234", password.Default)
				return err
			}
			compare(b, workers, "logins/s", "argon2id_hashes/s", login, hash)
		})
	}
}

// BenchmarkPageQueries: what one signed-in page view costs the server itself (statements
// and heap allocations, served in process), for a volunteer's home page, the activity
// search and an activity's page, beside the same page for an anonymous visitor in the same
// run (the reference: the difference is what being signed in costs). The session cookie
// is resolved from memory after its first request (zhiyuan.TokenCacheTTL).
func BenchmarkPageQueries(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			e := hourstest.New(b, engine, hourstest.Options{Volunteers: 1, Quiet: true, Production: true})
			sess, err := e.Store.CreateSession(b.Context(), e.Volunteers[0].AccountID, zhiyuan.SessionWeb, time.Hour, zhiyuan.Client{})
			if err != nil {
				b.Fatal(err)
			}
			h := e.HTTP.Config.Handler
			for range b.N {
				for _, page := range []struct{ name, path string }{
					{"home", "/"}, {"search", "/activities"}, {"activity", fmt.Sprintf("/activities/%d", e.Activity.ID)},
				} {
					for _, signedIn := range []bool{true, false} {
						q0 := e.Store.Statements()
						allocs := testing.AllocsPerRun(50, func() {
							r := httptest.NewRequest("GET", page.path, nil)
							if signedIn {
								r.AddCookie(&http.Cookie{Name: "zy_session", Value: sess.Token})
							}
							w := httptest.NewRecorder()
							h.ServeHTTP(w, r)
							if w.Code != http.StatusOK {
								b.Fatalf("%s: %d", page.path, w.Code)
							}
						})
						who := "anonymous"
						if signedIn {
							who = "signed_in"
						}
						b.ReportMetric(float64(e.Store.Statements()-q0)/51, "queries/"+page.name+"_"+who)
						b.ReportMetric(allocs, "allocs/"+page.name+"_"+who)
					}
				}
			}
		})
	}
}

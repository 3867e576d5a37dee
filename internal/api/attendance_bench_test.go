package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// rushVolunteers check in at once in BenchmarkCheckinRush, from rushClients connections.
const (
	rushVolunteers = 1000
	rushClients    = 50
)

// addSeatedSession adds a session to the env's activity on the given day and gives every
// volunteer a confirmed seat in it.
func addSeatedSession(b *testing.B, e *hourstest.Env, start time.Time) zhiyuan.ActivitySession {
	b.Helper()
	ctx := context.Background()
	s := e.Store
	se := []zhiyuan.ActivitySession{{StartsAt: start.UTC(), EndsAt: start.Add(3 * time.Hour).UTC(), Capacity: len(e.Volunteers) + 10}}
	if err := s.AddSessions(ctx, e.Activity.ID, se); err != nil {
		b.Fatal(err)
	}
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, v := range e.Volunteers {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se[0].ID, ActivityID: e.Activity.ID, VolunteerID: v.ID,
				Mode: zhiyuan.SignupFirstCome, StartsAt: se[0].StartsAt, EndsAt: se[0].EndsAt}); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
	return se[0]
}

// checkinRush runs one job per volunteer from clients goroutines and returns the elapsed time
// and every job's latency.
func checkinRush(n, clients int, job func(i int) error) (time.Duration, []time.Duration, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t := time.Now()
				if err := job(i); err != nil {
					firstErr.CompareAndSwap(nil, err)
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if err, ok := firstErr.Load().(error); ok {
		return took, lat, err
	}
	return took, lat, nil
}

func latencyP99(lat []time.Duration) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[len(s)*99/100]
}

// BenchmarkCheckinRush: 1,000 volunteers with seats scan the organiser's code at once
// through POST /api/v1/attendance (50 keep-alive clients: authentication, code check,
// session and volunteer look-ups, geofence, the conditional INSERT), checks per second
// and p99 latency, beside the raw database limit measured in the same run: the same
// conditional INSERT through the store, same concurrency, into a second session.
func BenchmarkCheckinRush(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			e := hourstest.New(b, engine, hourstest.Options{Volunteers: rushVolunteers, Quiet: true, Production: true})
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: rushClients, MaxConnsPerHost: rushClients}}
			var apiTime, rawTime time.Duration
			var lats []time.Duration
			var apiStatements int64
			var ratios []float64
			rounds := b.N * benchRepeats()
			for i := range rounds {
				day := hourstest.Day("09:00").AddDate(0, 0, 7*(i+1))
				apiSession := e.Session
				if i > 0 {
					apiSession = addSeatedSession(b, e, day)
				}
				rawSession := addSeatedSession(b, e, day.Add(5*time.Hour))
				e.Clock.Set(apiSession.StartsAt.Add(-5 * time.Minute))
				code := e.Code(apiSession.ID)
				body := func(code string) []byte {
					bb, _ := json.Marshal(map[string]any{"code": code, "action": "in", "lat": 23.1505, "lng": 113.3502})
					return bb
				}(code)
				q0 := e.Store.Statements()
				took, lat, err := checkinRush(len(e.Volunteers), rushClients, func(j int) error {
					req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/attendance", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+e.Volunteers[j].Token)
					req.Header.Set("Content-Type", "application/json")
					res, err := client.Do(req)
					if err != nil {
						return err
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusCreated {
						return fmt.Errorf("check-in: %d", res.StatusCode)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				apiTime += took
				apiStatements += e.Store.Statements() - q0
				lats = append(lats, lat...)
				apiTook := took
				took, _, err = checkinRush(len(e.Volunteers), rushClients, func(j int) error {
					_, err := e.Store.CheckIn(context.Background(), sqlstore.CheckinInput{SessionID: rawSession.ID,
						VolunteerID: e.Volunteers[j].ID, At: e.Clock.Now(), Method: zhiyuan.MethodCode, DistM: 60})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				rawTime += took
				ratios = append(ratios, 100*took.Seconds()/apiTook.Seconds())
			}
			n := float64(rounds * len(e.Volunteers))
			b.ReportMetric(n/apiTime.Seconds(), "checkins/s")
			b.ReportMetric(float64(latencyP99(lats).Microseconds())/1000, "p99_ms")
			b.ReportMetric(n/rawTime.Seconds(), "raw_inserts/s")
			b.ReportMetric(100*rawTime.Seconds()/apiTime.Seconds(), "ratio_pct")
			b.ReportMetric(float64(apiStatements)/n, "queries/req") // the raw reference runs 1
			reportSpread(b, "ratio_pct", ratios)
		})
	}
}

// BenchmarkMyHours: GET /api/v1/me/hours for a volunteer with 10 entries and for one
// with 10,000, in alternation, both asking for a page of 10 entries (so both answers are
// the same size); the totals come from one row and the page from an index, so the two
// must cost about the same (ratio near 1, not near 1000).
func BenchmarkMyHours(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			e := hourstest.New(b, engine, hourstest.Options{Volunteers: 2, Quiet: true, Production: true})
			few, many := e.Volunteers[0], e.Volunteers[1]
			fillLedger(b, e, few.ID, 10)
			fillLedger(b, e, many.ID, 10000)
			client := &http.Client{}
			get := func(v hourstest.Volunteer) error {
				req, _ := http.NewRequest("GET", e.HTTP.URL+"/api/v1/me/hours?limit=10", nil)
				req.Header.Set("Authorization", "Bearer "+v.Token)
				res, err := client.Do(req)
				if err != nil {
					return err
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					return fmt.Errorf("me/hours: %d", res.StatusCode)
				}
				return nil
			}
			for range 20 { // warm up
				get(few)
				get(many)
			}
			const rounds = 200
			var tFew, tMany time.Duration
			for range b.N {
				for range rounds {
					t := time.Now()
					if err := get(few); err != nil {
						b.Fatal(err)
					}
					tFew += time.Since(t)
					t = time.Now()
					if err := get(many); err != nil {
						b.Fatal(err)
					}
					tMany += time.Since(t)
				}
			}
			n := float64(b.N * rounds)
			b.ReportMetric(float64(tFew.Microseconds())/n, "us/req_10_entries")
			b.ReportMetric(float64(tMany.Microseconds())/n, "us/req_10000_entries")
			b.ReportMetric(tMany.Seconds()/tFew.Seconds(), "ratio")
		})
	}
}

// fillLedger appends n confirmed entries to a volunteer's ledger through the store, as years
// of service would.
func fillLedger(b *testing.B, e *hourstest.Env, volunteerID int64, n int) {
	b.Helper()
	for i := range n {
		en := &zhiyuan.HourEntry{VolunteerID: volunteerID, Kind: zhiyuan.HourMakeup, Minutes: 30 + int64(i%6)*30, OrgID: e.Org.ID,
			Reason: "历史记录导入", RecordedBy: e.OrgAdmin}
		if err := e.Store.AppendHourEntry(context.Background(), en, sqlstore.EntryPlace{}, &zhiyuan.HourConfirmation{ConfirmedBy: e.OrgAdmin}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLedgerVerifyDB: `zhiyuan ledger verify` over 10,000 stored entries (chains,
// confirmation seals, totals, pending list), entries per second, beside raw SHA-256 of
// the same canonical bytes in memory (the floor no verifier can beat).
func BenchmarkLedgerVerifyDB(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			e := hourstest.New(b, engine, hourstest.Options{Volunteers: 10, Quiet: true, Production: true})
			var wg sync.WaitGroup
			for _, v := range e.Volunteers {
				wg.Add(1)
				go func() { defer wg.Done(); fillLedger(b, e, v.ID, 1000) }()
			}
			wg.Wait()
			var raw [][]byte
			for _, v := range e.Volunteers {
				list, err := e.Store.VolunteerHourEntries(context.Background(), v.ID, 0, 200)
				if err != nil {
					b.Fatal(err)
				}
				for _, en := range list {
					raw = append(raw, en.Canonical(nil))
				}
			}
			var verifyTime, hashTime time.Duration
			var entries int64
			for range b.N {
				t := time.Now()
				r, err := e.App.VerifyLedger(context.Background(), 10)
				if err != nil || !r.OK() {
					b.Fatalf("verify: %+v %v", r, err)
				}
				verifyTime += time.Since(t)
				entries += r.Entries
				t = time.Now()
				for k := int64(0); k < r.Entries; k++ {
					sha256.Sum256(raw[k%int64(len(raw))])
				}
				hashTime += time.Since(t)
			}
			b.ReportMetric(float64(entries)/verifyTime.Seconds(), "entries/s")
			b.ReportMetric(float64(entries)/hashTime.Seconds(), "raw_sha256/s")
			b.ReportMetric(100*hashTime.Seconds()/verifyTime.Seconds(), "ratio_pct")
		})
	}
}

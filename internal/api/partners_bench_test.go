package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore/storetest"
)

const (
	gateChecks     = 4000 // scans checked per run
	gateClients    = 16   // gates scanning at once
	gateVolunteers = 200  // distinct redemption codes
	stockRushUsers = 2000 // volunteers rushing a benefit
	stockRushUnits = 500
	stockRushConns = 200
)

// BenchmarkGateCheck: partner staff scan redemption codes at 16 gates at once through the
// HTTP API (POST /partner/redemptions, check only: signature, claim, benefit, the
// volunteer's standing, the answer) and the figure is checks per second, beside raw
// Ed25519 verification of the same payloads on as many goroutines in the same run: the
// ratio says what the database and HTTP add to the signature.
func BenchmarkGateCheck(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchGateCheck(b, engine)
			}
		})
	}
}

func benchGateCheck(b *testing.B, engine string) {
	h := hourstest.New(b, engine, hourstest.Options{Quiet: true, Production: true})
	f := newPartner(b, h, 11)
	id := publishBenefit(b, h, f, map[string]any{"min_stars": 0})
	vols := h.AddVolunteers(gateVolunteers, false)
	codes := make([]string, len(vols))
	for i, v := range vols {
		res := h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", id), v.Token, nil)
		var c struct{ Code string }
		res.Decode(&c)
		if res.Status != http.StatusCreated {
			b.Fatalf("claim: %d %s", res.Status, res.Body)
		}
		codes[i] = c.Code
	}
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: gateClients, MaxIdleConnsPerHost: gateClients}}
	defer client.CloseIdleConnections()
	bodies := make([][]byte, len(codes))
	for i, c := range codes {
		bodies[i], _ = json.Marshal(map[string]any{"payload": c, "check_only": true})
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range gateClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= gateChecks {
					return
				}
				req, _ := http.NewRequest("POST", h.HTTP.URL+"/api/v1/partner/redemptions", bytes.NewReader(bodies[i%int64(len(bodies))]))
				req.Header.Set("Authorization", "Bearer "+f.StaffToken)
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Errorf("check: %d", res.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	gateRate := gateChecks / time.Since(start).Seconds()

	// Raw: Ed25519 verification of the same payloads, as many at once, no database.
	keys := h.App.Signer.PublicKeys()
	now := h.Clock.Now()
	next.Store(0)
	var verified atomic.Int64
	start = time.Now()
	for range gateClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= gateChecks*4 {
					return
				}
				if _, err := proof.VerifyRedemption(codes[i%int64(len(codes))], keys, now); err == nil {
					verified.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	rawRate := float64(gateChecks*4) / time.Since(start).Seconds()
	if verified.Load() != gateChecks*4 {
		b.Fatalf("%d of %d payloads verified", verified.Load(), gateChecks*4)
	}
	b.ReportMetric(gateRate, "checks/s")
	b.ReportMetric(rawRate, "ed25519_verify/s")
	b.ReportMetric(gateRate/rawRate, "gate/raw")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkBenefitStockRush: 2,000 volunteers claim a benefit of 500 units at once through
// the HTTP API; claims per second (every answer, 201 or 409) and the 99th percentile as
// clients see it, beside the raw limit measured in the same run: the bare transaction of
// the conditional stock UPDATE and the claim's INSERT, 2,000 at once without HTTP. It
// checks the outcome too: exactly 500 claims, stock 0, no 5xx.
func BenchmarkBenefitStockRush(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchStockRush(b, engine)
			}
		})
	}
}

func benchStockRush(b *testing.B, engine string) {
	h := hourstest.New(b, engine, hourstest.Options{Quiet: true, Production: true})
	f := newPartner(b, h, 12)
	vols := h.AddVolunteers(stockRushUsers, false)
	rawRate0 := rawStockRush(b, h, f)

	id := publishBenefit(b, h, f, map[string]any{"min_stars": 0, "stock": stockRushUnits})
	tokens := make([]string, len(vols))
	for i, v := range vols {
		tokens[i] = v.Token
	}
	claims := fmt.Sprintf("%s/api/v1/benefits/%d/claims", h.HTTP.URL, id)
	rush := postRush(b, tokens, stockRushConns, func(int) string { return claims })
	counts := map[int]int{}
	for _, s := range rush.status {
		counts[s]++
	}
	if counts[http.StatusCreated] != stockRushUnits || counts[http.StatusConflict] != stockRushUsers-stockRushUnits {
		b.Fatalf("outcomes %v", counts)
	}
	var left int
	h.Store.DB().QueryRow(h.Store.Rebind("SELECT stock_left FROM benefits WHERE id = ?"), id).Scan(&left)
	if left != 0 {
		b.Fatalf("stock left %d", left)
	}
	apiRate := float64(stockRushUsers) / rush.elapsed.Seconds()
	rawRate := max(rawStockRush(b, h, f), rawRate0)
	b.ReportMetric(apiRate, "claims/s")
	rush.report(b)
	b.ReportMetric(rawRate, "raw_tx/s")
	b.ReportMetric(apiRate/rawRate, "api/raw")
	b.ReportMetric(0, "ns/op")
}

// rawStockRush runs the bare claim transaction (the conditional stock UPDATE, then the
// claim's INSERT) stockRushUsers times at once on a fresh benefit and returns
// transactions per second; measured before and after the API run, the better is the limit.
func rawStockRush(b *testing.B, h *hourstest.Env, f partnerFixture) float64 {
	b.Helper()
	id := publishBenefit(b, h, f, map[string]any{"min_stars": 0, "stock": stockRushUnits})
	s := h.Store
	db := s.DB()
	var vid int64
	if err := db.QueryRow("SELECT MIN(id) FROM volunteers").Scan(&vid); err != nil {
		b.Fatal(err)
	}
	upd := s.Rebind("UPDATE benefits SET stock_left = stock_left - 1 WHERE id = ? AND stock_left > 0")
	ins := s.Rebind("INSERT INTO benefit_claims (benefit_id, volunteer_id, period_key, claimed_at, expires_at) VALUES (?, ?, 'ever', ?, ?)")
	ctx := context.Background()
	gate := make(chan struct{})
	var wg sync.WaitGroup
	var got atomic.Int64
	for range stockRushUsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Error(err)
				return
			}
			defer tx.Rollback()
			r, err := tx.Exec(upd, id)
			if err != nil {
				b.Error(err)
				return
			}
			if n, _ := r.RowsAffected(); n == 0 {
				return
			}
			now := time.Now().UTC()
			if _, err := tx.Exec(ins, id, vid, now, now.Add(time.Hour)); err != nil {
				b.Error(err)
				return
			}
			if err := tx.Commit(); err != nil {
				b.Error(err)
				return
			}
			got.Add(1)
		}()
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	rate := stockRushUsers / time.Since(start).Seconds()
	if got.Load() != stockRushUnits {
		b.Fatalf("raw rush: %d claims", got.Load())
	}
	return rate
}

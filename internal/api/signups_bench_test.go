package api_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// The rush: a popular activity opens and everyone presses the button at once.
const (
	signupRushClients  = 5000
	signupRushSessions = 10
	signupRushSeats    = 100 // per session: 1,000 seats in all
	signupRushConns    = 200
)

// BenchmarkSignupRush sends 5,000 sign-ups at once through the HTTP API over 200
// connections (each its own volunteer and bearer token, spread over 10 sessions of 100
// seats) and reports sign-ups per second and the latency at 200 connections (p50_ms,
// p99_ms: on the connection, as a load generator measures it; crowd_p99_ms: from the
// moment all 5,000 pressed, the wait behind the others included), beside the raw limit of
// the same database measured in the same run: the bare transaction of a conditional
// seat UPDATE and the INSERT of the sign-up, 5,000 of them at once without HTTP. It
// checks the outcome too: exactly 1,000 confirmed, seat counts equal to the rows, no 5xx.
func BenchmarkSignupRush(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			var ratios, p99s []float64
			for range b.N * benchRepeats() {
				ratio, p99 := benchSignupRush(b, engine)
				ratios, p99s = append(ratios, ratio), append(p99s, p99)
			}
			reportSpread(b, "api/raw", ratios)
			reportSpread(b, "p99_ms", p99s)
		})
	}
}

// signupRushActivity creates and publishes an activity of signupRushSessions sessions starting day
// days from now and returns its session ids.
func signupRushActivity(b *testing.B, e *servertest.Env, orgID, by int64, day int) []int64 {
	b.Helper()
	s := e.Store
	start := s.Now().Add(time.Duration(day) * 24 * time.Hour).Truncate(time.Hour)
	a := &zhiyuan.Activity{OrgID: orgID, Title: "城市马拉松志愿者招募", Category: zhiyuan.CatLargeEvents, RegionCode: "440106", Address: "天河体育中心"}
	for i := range signupRushSessions {
		st := start.Add(time.Duration(i) * 24 * time.Hour * 3)
		a.Sessions = append(a.Sessions, zhiyuan.ActivitySession{StartsAt: st, EndsAt: st.Add(4 * time.Hour), Capacity: signupRushSeats})
	}
	if err := a.Validate(s.Now()); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := s.CreateActivity(ctx, a, by); err != nil {
		b.Fatal(err)
	}
	if err := s.PublishActivity(ctx, a.ID); err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(a.Sessions))
	for i, se := range a.Sessions {
		ids[i] = se.ID
	}
	return ids
}

// benchSignupRush runs the rush once in a fresh environment, reports its figures and
// returns api/raw and the p99 at the 200 connections, in milliseconds.
func benchSignupRush(b *testing.B, engine string) (ratio, p99ms float64) {
	e := servertest.New(b, engine)
	s := e.Store
	ctx := context.Background()
	hash, _ := password.Hash("test1234", password.Fast)
	acc := &zhiyuan.Account{Phone: e.NewPhone(), Name: "组织管理员"}
	if err := s.CreateAccount(ctx, acc, hash); err != nil {
		b.Fatal(err)
	}
	org := &zhiyuan.Organization{Name: "广州马拉松组委会", Type: "社会组织", RegionCode: "440106", ContactName: "x", ContactPhone: "1", CreatedBy: acc.ID}
	if err := s.CreateOrganization(ctx, org); err != nil {
		b.Fatal(err)
	}
	if err := s.DecideOrganization(ctx, org.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		b.Fatal(err)
	}
	batch, tokens := rushCrowd(b, e, signupRushClients, "rush", "跑友", hash)

	rawRate0 := rawRush(b, e, org.ID, acc.ID, 120, batch)

	// Through the API.
	sessions := signupRushActivity(b, e, org.ID, acc.ID, 3)
	q0 := s.Statements()
	rush := postRush(b, tokens, signupRushConns, func(i int) string {
		return fmt.Sprintf("%s/api/v1/sessions/%d/signups", e.HTTP.URL, sessions[i%signupRushSessions])
	})
	statements := float64(s.Statements()-q0) / signupRushClients
	counts := map[int]int{}
	for _, st := range rush.status {
		counts[st]++
	}
	if counts[http.StatusCreated] != signupRushSessions*signupRushSeats || counts[http.StatusConflict] != signupRushClients-signupRushSessions*signupRushSeats {
		b.Fatalf("outcomes %v", counts)
	}
	for _, id := range sessions {
		se, _, err := s.FindSessionByID(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		rows, _ := s.SessionCounts(ctx, id)
		if se.SeatsTaken != signupRushSeats || rows[zhiyuan.SignupConfirmed] != signupRushSeats {
			b.Fatalf("session %d: seats %d, confirmed rows %d", id, se.SeatsTaken, rows[zhiyuan.SignupConfirmed])
		}
	}
	apiRate := float64(signupRushClients) / rush.elapsed.Seconds()

	// Raw: the same transaction without HTTP, on fresh sessions of the same database, with
	// as many at once; measured before and after the API run on sessions of their own, and
	// the better of the two is the limit (the machine is shared: a limit measured during
	// someone else's build would flatter the ratio).
	rawRate := max(rawRush(b, e, org.ID, acc.ID, 60, batch), rawRate0)
	b.ReportMetric(apiRate, "signups/s")
	rush.report(b)
	b.ReportMetric(rawRate, "raw_tx/s")
	b.ReportMetric(apiRate/rawRate, "api/raw")
	// Statements per request, the token lookup included, over the 1,000 that took a
	// seat and the 4,000 refused as full.
	b.ReportMetric(statements, "queries/req")
	b.ReportMetric(0, "ns/op")
	return apiRate / rawRate, rush.p99ms()
}

// rawRush runs the bare sign-up transaction (conditional seat UPDATE, then the INSERT)
// once per volunteer, all at once, on a fresh activity day days ahead, and returns
// transactions per second.
func rawRush(b *testing.B, e *servertest.Env, orgID, by int64, day int, batch []sqlstore.BulkVolunteer) float64 {
	b.Helper()
	s := e.Store
	ctx := context.Background()
	raw := signupRushActivity(b, e, orgID, by, day)
	db := s.DB()
	upd := s.Rebind(`UPDATE activity_sessions SET seats_taken = seats_taken + 1 WHERE id = ? AND seats_taken < capacity`)
	ins := s.Rebind(`INSERT INTO signups (session_id, activity_id, volunteer_id, status, late, created_at, updated_at)
		SELECT ?, activity_id, ?, 'confirmed', FALSE, ?, ? FROM activity_sessions WHERE id = ?`)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := 0
	for i := range signupRushClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sid, vid := raw[i%signupRushSessions], batch[i].Volunteer.ID
			<-gate
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Error(err)
				return
			}
			defer tx.Rollback()
			r, err := tx.Exec(upd, sid)
			if err != nil {
				b.Error(err)
				return
			}
			if n, _ := r.RowsAffected(); n == 0 {
				return // full
			}
			now := time.Now().UTC()
			if _, err := tx.Exec(ins, sid, vid, now, now, sid); err != nil {
				b.Error(err)
				return
			}
			if err := tx.Commit(); err != nil {
				b.Error(err)
				return
			}
			mu.Lock()
			got++
			mu.Unlock()
		}()
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	rate := float64(signupRushClients) / time.Since(start).Seconds()
	if got != signupRushSessions*signupRushSeats {
		b.Fatalf("raw: %d confirmed", got)
	}
	return rate
}

package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

const (
	groupBenchVolunteers = 2000
	groupBenchSeats      = 1000 // half the rush is refused as full, as in a real one
	groupBenchWorkers    = 200
	groupBenchLone       = 400 // sign-ups one after another, for the latency of a lone one
	groupBenchRounds     = 4   // each way, in ABBA order; the best of each counts (the machine is shared)
)

// BenchmarkGroupCommit measures the sign-up transaction of the store (CreateSignup) with
// group commit (group.go: concurrent requests share SQLite's writer transactions, a
// savepoint each) and the check-in by scan (CheckInScan) with its coalesced statement
// (coalesce.go: concurrent scans share one INSERT, a row each, on both engines) beside
// one transaction or statement per request, in the same run, each way four times in
// ABBA order on fresh sessions:
//
//   - rush: 2,000 volunteers, 200 at once, for 1,000 seats: sign-ups per second
//     (group/alone above 1: the batch beats the transaction per request); then the same
//     2,000 scan in at the session's start (CheckInScan; the 1,000 without a seat are
//     refused, writing nothing): check-ins per second, checkin_group/alone;
//   - lone: 400 sign-ups one after another, every second one grouped (paired): the
//     median latency of each way (lone/alone near 1: a request with nothing queued runs
//     at once, as before), four times, min/median/max of the ratio.
//
// On PostgreSQL sign-ups have no group: both ways are the same path, and the sign-up
// ratios show the noise of the measurement.
func BenchmarkGroupCommit(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchGroupCommit(b, engine)
			}
		})
	}
}

func benchGroupCommit(b *testing.B, engine string) {
	ctx := context.Background()
	s := storetest.New(b, engine, sqlstore.Options{})
	defer sqlstore.SetGroupCommit(s, true)
	acc := &zhiyuan.Account{Phone: "13600000002", Name: "组织管理员"}
	if err := s.CreateAccount(ctx, acc, "x"); err != nil {
		b.Fatal(err)
	}
	org := &zhiyuan.Organization{Name: "批量提交基准组织", Type: "社会组织", RegionCode: "440106", ContactName: "x", ContactPhone: "1", CreatedBy: acc.ID}
	if err := s.CreateOrganization(ctx, org); err != nil {
		b.Fatal(err)
	}
	if err := s.DecideOrganization(ctx, org.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		b.Fatal(err)
	}
	batch := make([]sqlstore.BulkVolunteer, groupBenchVolunteers)
	for i := range batch {
		batch[i] = sqlstore.BulkVolunteer{
			Volunteer: &zhiyuan.Volunteer{Name: fmt.Sprintf("志愿者%d", i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X",
				Phone: fmt.Sprintf("135%08d", i), RegionCode: "440106", BirthDate: time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC), Sex: "male"},
			Secrets: sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: fmt.Sprintf("gc%d", i)},
		}
	}
	if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
		b.Fatal(err)
	}
	round := 0
	// session makes a fresh published session of seats seats, a day after the last one.
	session := func(seats int) zhiyuan.ActivitySession {
		round++
		start := s.Now().Add(time.Duration(round) * 24 * time.Hour).Truncate(time.Hour)
		act := &zhiyuan.Activity{OrgID: org.ID, Title: "基准活动", Category: zhiyuan.CatCommunity, RegionCode: "440106", Address: "天河区",
			Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: seats}}}
		if err := act.Validate(s.Now()); err != nil {
			b.Fatal(err)
		}
		if err := s.CreateActivity(ctx, act, acc.ID); err != nil {
			b.Fatal(err)
		}
		if err := s.PublishActivity(ctx, act.ID); err != nil {
			b.Fatal(err)
		}
		return act.Sessions[0]
	}
	signup := func(se zhiyuan.ActivitySession, i int) error {
		_, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: se.ActivityID, VolunteerID: batch[i].Volunteer.ID,
			Mode: zhiyuan.SignupFirstCome, StartsAt: se.StartsAt, EndsAt: se.EndsAt})
		return err
	}
	// clear deletes a round's sign-ups, so every round starts from the same rows.
	clear := func(se zhiyuan.ActivitySession) {
		if _, err := s.DB().Exec(s.Rebind(`DELETE FROM attendance WHERE session_id = ?`), se.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := s.DB().Exec(s.Rebind(`DELETE FROM signups WHERE session_id = ?`), se.ID); err != nil {
			b.Fatal(err)
		}
	}
	// parallel runs job for every volunteer, groupBenchWorkers at once, and returns jobs
	// per second.
	parallel := func(job func(i int)) float64 {
		next := make(chan int, groupBenchVolunteers)
		for i := range batch {
			next <- i
		}
		close(next)
		var wg sync.WaitGroup
		t0 := time.Now()
		for range groupBenchWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					job(i)
				}
			}()
		}
		wg.Wait()
		return float64(groupBenchVolunteers) / time.Since(t0).Seconds()
	}
	// rush returns sign-ups per second, then check-ins by scan per second of the same
	// volunteers at the session's start (the half with a seat is let in).
	rush := func(group bool) (float64, float64) {
		sqlstore.SetGroupCommit(s, group)
		se := session(groupBenchSeats)
		defer clear(se)
		var mu sync.Mutex
		full, in := 0, 0
		signups := parallel(func(i int) {
			err := signup(se, i)
			if zhiyuan.ErrorCode(err) == zhiyuan.EFull {
				mu.Lock()
				full++
				mu.Unlock()
			} else if err != nil {
				b.Errorf("sign-up: %v", err)
			}
		})
		if full != groupBenchVolunteers-groupBenchSeats {
			b.Fatalf("%d refused as full, want %d", full, groupBenchVolunteers-groupBenchSeats)
		}
		checkins := parallel(func(i int) {
			_, ok, err := s.CheckInScan(ctx, sqlstore.RushCheckinInput{SessionID: se.ID, AccountID: batch[i].Volunteer.AccountID,
				At: se.StartsAt, DistM: 50})
			if err != nil {
				b.Errorf("check-in: %v", err)
			}
			if ok {
				mu.Lock()
				in++
				mu.Unlock()
			}
		})
		if in != groupBenchSeats {
			b.Fatalf("%d checked in, want %d", in, groupBenchSeats)
		}
		return signups, checkins
	}
	// lone makes groupBenchLone sign-ups one after another, every second one with the
	// group on, the others with a transaction each (paired, so both meet the same moments
	// of a shared machine), and returns the median latency of each way.
	lone := func() (grouped, alone time.Duration) {
		se := session(groupBenchLone)
		defer clear(se)
		defer sqlstore.SetGroupCommit(s, true)
		var lat [2][]time.Duration
		for i := range groupBenchLone {
			way := i % 2
			sqlstore.SetGroupCommit(s, way == 0)
			t0 := time.Now()
			if err := signup(se, i); err != nil {
				b.Fatal(err)
			}
			lat[way] = append(lat[way], time.Since(t0))
		}
		for _, l := range lat {
			slices.Sort(l)
		}
		return lat[0][len(lat[0])/2], lat[1][len(lat[1])/2]
	}
	var grouped, alone, inGrouped, inAlone float64
	for i := range 2 * groupBenchRounds {
		// ABBA order: neither way always runs first.
		if group := i%4 == 0 || i%4 == 3; group {
			r, c := rush(true)
			grouped, inGrouped = max(grouped, r), max(inGrouped, c)
		} else {
			r, c := rush(false)
			alone, inAlone = max(alone, r), max(inAlone, c)
		}
	}
	var loneRatios []float64
	var loneGrouped, loneAlone time.Duration
	for range groupBenchRounds {
		g, a := lone()
		loneRatios = append(loneRatios, g.Seconds()/a.Seconds())
		loneGrouped, loneAlone = loneGrouped+g/groupBenchRounds, loneAlone+a/groupBenchRounds
	}
	slices.Sort(loneRatios)
	b.ReportMetric(grouped, "signups/s")
	b.ReportMetric(alone, "alone_signups/s")
	b.ReportMetric(grouped/alone, "group/alone")
	b.ReportMetric(inGrouped, "checkins/s")
	b.ReportMetric(inAlone, "alone_checkins/s")
	b.ReportMetric(inGrouped/inAlone, "checkin_group/alone")
	b.ReportMetric(float64(loneGrouped.Microseconds()), "lone_p50_us")
	b.ReportMetric(float64(loneAlone.Microseconds()), "alone_lone_p50_us")
	b.ReportMetric(loneRatios[0], "lone/alone_min")
	b.ReportMetric(loneRatios[len(loneRatios)/2], "lone/alone_median")
	b.ReportMetric(loneRatios[len(loneRatios)-1], "lone/alone_max")
	b.ReportMetric(0, "ns/op")
}

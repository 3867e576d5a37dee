package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

const (
	creditBenchVolunteers = 2000
	creditBenchWorkers    = 32
	creditBenchRounds     = 4 // each way, in ABBA order; the best of each counts (the machine is shared)
)

// BenchmarkSignupCreditCheck measures sign-ups per second through the store's sign-up
// transaction (CreateSignup: the seat UPDATE, the volunteer's UPDATE, the duplicate and
// overlap check, the INSERT) with the credit check in the volunteer's UPDATE
// (suspended_until) beside the same transaction without it, in the same run, on both
// engines: 2,000 volunteers (every second one with a suspension that has ended, so the
// condition is evaluated, not short-cut by NULL), 32 at once, each way four times in ABBA
// order, on a fresh session each time. credit/plain is the cost of the check (1.0: none).
func BenchmarkSignupCreditCheck(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchSignupCredit(b, engine)
			}
		})
	}
}

func benchSignupCredit(b *testing.B, engine string) {
	ctx := context.Background()
	s := storetest.New(b, engine, sqlstore.Options{})
	acc := &zhiyuan.Account{Phone: "13600000001", Name: "组织管理员"}
	if err := s.CreateAccount(ctx, acc, "x"); err != nil {
		b.Fatal(err)
	}
	org := &zhiyuan.Organization{Name: "信用基准组织", Type: "社会组织", RegionCode: "440106", ContactName: "x", ContactPhone: "1", CreatedBy: acc.ID}
	if err := s.CreateOrganization(ctx, org); err != nil {
		b.Fatal(err)
	}
	if err := s.DecideOrganization(ctx, org.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		b.Fatal(err)
	}
	batch := make([]sqlstore.BulkVolunteer, creditBenchVolunteers)
	for i := range batch {
		batch[i] = sqlstore.BulkVolunteer{
			Volunteer: &zhiyuan.Volunteer{Name: fmt.Sprintf("志愿者%d", i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X",
				Phone: fmt.Sprintf("135%08d", i), RegionCode: "440106", BirthDate: time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC), Sex: "male"},
			Secrets: sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: fmt.Sprintf("cb%d", i)},
		}
	}
	if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
		b.Fatal(err)
	}
	ended := s.Now().Add(-24 * time.Hour)
	if _, err := s.DB().Exec(s.Rebind(`UPDATE volunteers SET suspended_until = ? WHERE id % 2 = 0`), ended); err != nil {
		b.Fatal(err)
	}
	round := 0
	run := func(check bool) float64 {
		round++
		sqlstore.SetCreditCheck(s, check)
		defer sqlstore.SetCreditCheck(s, true)
		start := s.Now().Add(time.Duration(round) * 24 * time.Hour).Truncate(time.Hour)
		act := &zhiyuan.Activity{OrgID: org.ID, Title: "基准活动", Category: zhiyuan.CatCommunity, RegionCode: "440106", Address: "天河区",
			Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: creditBenchVolunteers}}}
		if err := act.Validate(s.Now()); err != nil {
			b.Fatal(err)
		}
		if err := s.CreateActivity(ctx, act, acc.ID); err != nil {
			b.Fatal(err)
		}
		if err := s.PublishActivity(ctx, act.ID); err != nil {
			b.Fatal(err)
		}
		se := act.Sessions[0]
		next := make(chan int, creditBenchVolunteers)
		for i := range batch {
			next <- i
		}
		close(next)
		var wg sync.WaitGroup
		t0 := time.Now()
		for range creditBenchWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: batch[i].Volunteer.ID,
						Mode: zhiyuan.SignupFirstCome, StartsAt: se.StartsAt, EndsAt: se.EndsAt}); err != nil {
						b.Errorf("sign-up: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		rate := float64(creditBenchVolunteers) / time.Since(t0).Seconds()
		// Each round starts from the same rows: the volunteers' earlier sign-ups would make
		// later rounds' overlap checks longer and favour whichever way ran first.
		if _, err := s.DB().Exec(s.Rebind(`DELETE FROM signups WHERE session_id = ?`), se.ID); err != nil {
			b.Fatal(err)
		}
		return rate
	}
	var credit, plain float64
	for i := range 2 * creditBenchRounds {
		// ABBA order: neither way always runs first.
		if check := i%4 == 0 || i%4 == 3; check {
			credit = max(credit, run(true))
		} else {
			plain = max(plain, run(false))
		}
	}
	b.ReportMetric(credit, "signups/s")
	b.ReportMetric(plain, "plain_signups/s")
	b.ReportMetric(credit/plain, "credit/plain")
	b.ReportMetric(0, "ns/op")
}

package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestGroupCommitSavepoints: sign-ups that queue for SQLite's writer run as one
// transaction with a savepoint each (group.go). In one batch, a volunteer's second
// sign-up to the same session (a duplicate, refused after it had taken a seat) and a
// sign-up refused as full undo only themselves: the first sign-up keeps its seat, the
// next volunteer gets the seat the duplicate took for a moment, and each caller told
// "confirmed" finds the sign-up already committed (a fresh reader sees it). A caller
// who gave up while queued is refused with its context's error and writes nothing.
// SQLite only: PostgreSQL has no single writer and no batch (its sign-ups are covered
// by the race tests in signups_test.go on both engines).
func TestGroupCommitSavepoints(t *testing.T) {
	t.Parallel()
	s := storetest.New(t, "sqlite", sqlstore.Options{})
	f := newActivityFixture(t, s, 2, func(a *zhiyuan.Activity) { a.Waitlist = false })
	sessionID := f.activity.Sessions[0].ID
	vols := orgVolunteers(t, s, 1, 4)
	a, b, c, gone := vols[0], vols[1], vols[2], vols[3]

	type outcome struct {
		sg  *zhiyuan.Signup
		err error
		// seen: the sign-up was found by a separate read the moment its caller got it.
		seen bool
	}
	goneCtx, giveUp := context.WithCancel(context.Background())
	order := []struct {
		vol int64
		ctx context.Context
	}{{a, context.Background()}, {a, context.Background()}, {gone, goneCtx}, {b, context.Background()}, {c, context.Background()}}
	out := make([]outcome, len(order))

	release := s.HoldWriter()
	var wg sync.WaitGroup
	for i, r := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sg, err := s.CreateSignup(r.ctx, f.request(r.vol))
			out[i] = outcome{sg: sg, err: err}
			if err == nil {
				_, err := s.FindSignupByID(context.Background(), sg.ID)
				out[i].seen = err == nil
			}
		}()
		// Queue them one by one, so the batch runs them in this order.
		waitQueued(t, s, i+1)
	}
	giveUp()
	release()
	wg.Wait()

	if got := s.WriteBatches(); got != 1 {
		t.Fatalf("%d batches, want the five sign-ups in one", got)
	}
	for i, want := range []zhiyuan.Code{"", zhiyuan.EConflict, "", "", zhiyuan.EFull} {
		if i == 2 {
			if !errors.Is(out[i].err, context.Canceled) {
				t.Fatalf("sign-up given up while queued: %v, want context canceled", out[i].err)
			}
			continue
		}
		if got := zhiyuan.ErrorCode(out[i].err); got != want {
			t.Fatalf("sign-up %d: %v (code %q), want code %q", i, out[i].err, got, want)
		}
		if want == "" && (out[i].sg.Status != zhiyuan.SignupConfirmed || !out[i].seen) {
			t.Fatalf("sign-up %d: status %s, committed when answered %v", i, out[i].sg.Status, out[i].seen)
		}
	}
	if out[0].sg.VolunteerID != a || out[3].sg.VolunteerID != b {
		t.Fatalf("seats went to volunteers %d and %d, want %d and %d", out[0].sg.VolunteerID, out[3].sg.VolunteerID, a, b)
	}
	se := checkCounters(t, s, sessionID)
	if se.SeatsTaken != 2 {
		t.Fatalf("seats taken %d, want 2", se.SeatsTaken)
	}
	mine, err := s.FindVolunteerActivitySignups(context.Background(), gone, f.activity.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 0 {
		t.Fatalf("the volunteer who gave up has %d sign-ups", len(mine))
	}
}

// waitQueued waits until n write requests queue for the writer.
func waitQueued(t *testing.T, s *sqlstore.Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.WritesQueued() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued, want %d", s.WritesQueued(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGroupCommitBatchFails: when the batch's transaction itself is lost (here a request
// that ends it, standing for an I/O error that takes a transaction down), no caller is
// answered from it: every request of the batch runs again alone, so the sign-ups before
// and after the failing request are made once each and the failing one gets its own
// error.
func TestGroupCommitBatchFails(t *testing.T) {
	t.Parallel()
	s := storetest.New(t, "sqlite", sqlstore.Options{})
	f := newActivityFixture(t, s, 5, nil)
	vols := orgVolunteers(t, s, 1, 2)
	broken := errors.New("lost the transaction")

	release := s.HoldWriter()
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 1 {
				errs[i] = s.WriteBreakingBatch(context.Background(), broken)
				return
			}
			_, errs[i] = s.CreateSignup(context.Background(), f.request(vols[i/2]))
		}()
		waitQueued(t, s, i+1)
	}
	release()
	wg.Wait()

	if errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], broken) {
		t.Fatalf("answers %v", errs)
	}
	if got := s.WriteBatches(); got != 0 {
		t.Fatalf("%d batches committed, want none", got)
	}
	se := checkCounters(t, s, f.activity.Sessions[0].ID)
	if se.SeatsTaken != 2 {
		t.Fatalf("seats taken %d, want 2", se.SeatsTaken)
	}
}

// TestGroupCommitPanic: a write request that panics (a bug) in a batch fails only
// itself, in its caller's own goroutine (where the handler's recovery answers it): the
// sign-ups before and after it in the batch are made, and the writer is free afterwards.
func TestGroupCommitPanic(t *testing.T) {
	t.Parallel()
	s := storetest.New(t, "sqlite", sqlstore.Options{})
	f := newActivityFixture(t, s, 5, nil)
	vols := orgVolunteers(t, s, 1, 3)

	release := s.HoldWriter()
	errs := make([]error, 3)
	panicked := false
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 1 {
				defer func() { panicked = recover() != nil }()
				s.WritePanicking(context.Background())
				return
			}
			_, errs[i] = s.CreateSignup(context.Background(), f.request(vols[i/2]))
		}()
		waitQueued(t, s, i+1)
	}
	release()
	wg.Wait()

	if !panicked || errs[0] != nil || errs[2] != nil {
		t.Fatalf("panicked %v, the others' answers %v", panicked, errs)
	}
	if got := s.WriteBatches(); got != 1 {
		t.Fatalf("%d batches, want 1", got)
	}
	if se := checkCounters(t, s, f.activity.Sessions[0].ID); se.SeatsTaken != 2 {
		t.Fatalf("seats taken %d, want 2", se.SeatsTaken)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.CreateSignup(context.Background(), f.request(vols[2]))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the writer is still taken after the panic")
	}
}

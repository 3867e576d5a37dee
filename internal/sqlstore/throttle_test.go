package sqlstore_test

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestThrottleCount: events racing on one key are each counted once (the counts handed
// out are exactly 1..n), keys do not share counts, the window ends where the first event
// put it, and after it the count starts again at one.
func TestThrottleCount(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			var now atomic.Pointer[time.Time]
			set := func(tm time.Time) { now.Store(&tm) }
			start := time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
			set(start)
			s := storetest.New(t, engine, sqlstore.Options{Now: func() time.Time { return *now.Load() }, MaxOpenConns: 20})
			ctx := t.Context()
			const n, window = 40, time.Hour

			counts := make([]int, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					c, ends, err := s.ThrottleCount(ctx, "reg:203.0.113.7", window)
					if err != nil {
						t.Error(err)
						return
					}
					if !ends.Equal(start.Add(window)) {
						t.Errorf("window ends %v, want %v", ends, start.Add(window))
					}
					counts[i] = c
				})
			}
			wg.Wait()
			slices.Sort(counts)
			for i, c := range counts {
				if c != i+1 {
					t.Fatalf("racing events got counts %v, want 1..%d each once", counts, n)
				}
			}

			if c, _, err := s.ThrottleCount(ctx, "reg:198.51.100.20", window); err != nil || c != 1 {
				t.Errorf("another key starts at %d (%v), want 1", c, err)
			}
			// Still inside the window: the count goes on and the end stays put.
			set(start.Add(window - time.Second))
			if c, ends, err := s.ThrottleCount(ctx, "reg:203.0.113.7", window); err != nil || c != n+1 || !ends.Equal(start.Add(window)) {
				t.Errorf("late in the window: count %d ends %v (%v), want %d at %v", c, ends, err, n+1, start.Add(window))
			}
			// After it: a new window from now.
			later := start.Add(window + time.Second)
			set(later)
			if c, ends, err := s.ThrottleCount(ctx, "reg:203.0.113.7", window); err != nil || c != 1 || !ends.Equal(later.Add(window)) {
				t.Errorf("after the window: count %d ends %v (%v), want 1 at %v", c, ends, err, later.Add(window))
			}
		})
	}
}

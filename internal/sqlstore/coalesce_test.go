package sqlstore

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// coalesceProbe is a request of TestCoalescer: answered counts the batches that answered it.
type coalesceProbe struct {
	id       int
	answered int
}

// TestCoalescer: a lone request runs at once in a batch of its own; requests arriving
// while every lane is busy wait and are then answered in batches of at most max, each
// exactly once, in batches of max taken in arrival order; lanes batches run at once; a batch that panics fails
// its leader and releases the others unanswered.
func TestCoalescer(t *testing.T) {
	var mu sync.Mutex
	var batches [][]int
	running, most := 0, 0
	release := make(chan struct{})
	hold := false
	c := &coalescer[coalesceProbe]{max: 4, lanes: 2}
	c.run = func(_ context.Context, reqs []*coalesceProbe) {
		mu.Lock()
		running++
		most = max(most, running)
		ids := make([]int, len(reqs))
		for i, r := range reqs {
			ids[i] = r.id
		}
		batches = append(batches, ids)
		h := hold
		mu.Unlock()
		if h {
			<-release
		}
		mu.Lock()
		running--
		for _, r := range reqs {
			r.answered++
		}
		panics := slices.Contains(ids, -1)
		mu.Unlock()
		if panics {
			panic("probe")
		}
	}
	ctx := context.Background()

	lone := &coalesceProbe{id: 0}
	c.do(ctx, lone)
	if lone.answered != 1 || len(batches) != 1 || len(batches[0]) != 1 {
		t.Fatalf("a lone request: answered %d, batches %v", lone.answered, batches)
	}

	// Two leaders hold both lanes; ten requests queue behind them.
	mu.Lock()
	hold, batches = true, nil
	mu.Unlock()
	probes := make([]*coalesceProbe, 12)
	var wg sync.WaitGroup
	start := func(i int) {
		probes[i] = &coalesceProbe{id: i + 1}
		wg.Add(1)
		go func() { defer wg.Done(); c.do(ctx, probes[i]) }()
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	start(0)
	start(1)
	waitFor("two batches running", func() bool { mu.Lock(); defer mu.Unlock(); return running == 2 })
	for i := 2; i < 12; i++ {
		start(i)
		waitFor("the request queued", func() bool { c.mu.Lock(); defer c.mu.Unlock(); return len(c.queue) == i-1 })
	}
	mu.Lock()
	hold = false
	mu.Unlock()
	close(release)
	wg.Wait()
	var ids []int
	for _, b := range batches {
		if len(b) > c.max {
			t.Errorf("a batch of %d, more than max %d: %v", len(b), c.max, b)
		}
		ids = append(ids, b...)
	}
	slices.Sort(ids)
	if want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; !slices.Equal(ids, want) {
		t.Errorf("requests in batches %v, want each of 1…12 once", batches)
	}
	for _, p := range probes {
		if p.answered != 1 {
			t.Errorf("request %d answered %d times", p.id, p.answered)
		}
	}
	if most != 2 {
		t.Errorf("%d batches ran at once, want the 2 lanes", most)
	}
	slices.SortFunc(batches, func(a, b []int) int { return a[0] - b[0] })
	if want := [][]int{{1}, {2}, {3, 4, 5, 6}, {7, 8, 9, 10}, {11, 12}}; !slices.EqualFunc(batches, want, slices.Equal) {
		t.Errorf("batches %v, want %v: the two leaders alone, then the ten queued in batches of 4 in order", batches, want)
	}

	// A panicking batch: its leader panics, and nothing is left waiting.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the leader of a panicking batch did not panic")
			}
		}()
		c.do(ctx, &coalesceProbe{id: -1})
	}()
	after := &coalesceProbe{id: 99}
	c.do(ctx, after)
	if after.answered != 1 || c.running != 0 {
		t.Errorf("after a panic: answered %d, lanes busy %d", after.answered, c.running)
	}
}

// TestPadRows: batches are padded to a power of two, so a batch statement has few texts.
func TestPadRows(t *testing.T) {
	pad := []any{nil}
	for n, want := range map[int]int{1: 1, 2: 2, 3: 4, 5: 8, 33: 64, 64: 64} {
		rows := make([][]any, n)
		if got := len(padRows(rows, pad)); got != want {
			t.Errorf("%d rows padded to %d, want %d", n, got, want)
		}
	}
}

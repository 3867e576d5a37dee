package sqlstore

import (
	"context"
	"slices"
	"sync"
)

// coalescer turns concurrent requests of one kind into few statements: each batch of
// requests is answered by one query (a multi-row INSERT, a lookup of many keys), where
// one query each would cost a round trip to PostgreSQL, or on SQLite a read transaction
// that reloads its pages after every commit (WAL readers drop their cache when the file
// changed) or a turn of the single writer.
//
// Like group commit (group.go) it never waits for a timer: a request finding fewer than
// lanes batches running runs at once, alone, so a lone request costs what it did; the
// requests arriving while the lanes are busy queue, and when a batch ends the next max
// of them, in the order they came, make the next batch, led by the first. Each caller
// gets its answer only when its batch has returned.
type coalescer[R any] struct {
	max   int // requests in one batch at most
	lanes int // batches running at once at most
	// run answers every request of reqs (at least one) in one go; ctx is the leading
	// request's context without its cancellation, as the batch answers others too.
	run func(ctx context.Context, reqs []*R)

	mu      sync.Mutex
	running int
	queue   []*coalesced[R]
}

// coalesced is one request waiting for, or leading, a batch.
type coalesced[R any] struct {
	req *R
	ctx context.Context
	// batch is set (before done is signalled) when this request is to lead the next
	// batch: the requests of that batch, this one first, taken from the queue in order.
	batch []*coalesced[R]
	done  chan struct{} // signalled once: the request is answered, or batch is set
}

// do answers req, in a batch of its own or with others. A panic in run fails only the
// request that led the batch; the others are released with their requests unanswered,
// which run's callers treat as a failure.
func (c *coalescer[R]) do(ctx context.Context, req *R) {
	me := &coalesced[R]{req: req, ctx: ctx}
	c.mu.Lock()
	// Requests queue only while every lane is busy, and a lane is only freed with the
	// queue empty: a request finding a free lane has nobody to take along.
	if c.running >= c.lanes {
		me.done = make(chan struct{}, 1)
		c.queue = append(c.queue, me)
		c.mu.Unlock()
		<-me.done
		if me.batch == nil {
			return
		}
	} else {
		c.running++
		c.mu.Unlock()
		me.batch = []*coalesced[R]{me}
	}
	c.lead(me.batch)
}

// lead runs batch, then hands the lane to the next batch from the queue (or frees it)
// and releases the batch's other requests.
func (c *coalescer[R]) lead(batch []*coalesced[R]) {
	defer func() {
		c.mu.Lock()
		var next []*coalesced[R]
		if n := min(len(c.queue), c.max); n > 0 {
			next = slices.Clone(c.queue[:n])
			c.queue = append(c.queue[:0], c.queue[n:]...)
		} else {
			c.running--
		}
		c.mu.Unlock()
		if next != nil {
			next[0].batch = next
			next[0].done <- struct{}{}
		}
		for _, o := range batch[1:] {
			o.done <- struct{}{}
		}
	}()
	reqs := make([]*R, len(batch))
	for i, b := range batch {
		reqs[i] = b.req
	}
	c.run(context.WithoutCancel(batch[0].ctx), reqs)
}

// padRows pads rows with copies of pad up to the next power of two, so that a batch
// statement built for len(rows) (dialect.rowsSource: a VALUES list on SQLite) has one of
// seven texts for batches of up to 64, not one per size, in the statement cache. pad
// must match nothing.
func padRows(rows [][]any, pad []any) [][]any {
	n := 1
	for n < len(rows) {
		n *= 2
	}
	for len(rows) < n {
		rows = append(rows, pad)
	}
	return rows
}

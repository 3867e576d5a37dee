package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Group commit on SQLite's one writer (dialect.groupCommit).
//
// On SQLite every write runs on the write pool's single connection, one transaction
// after another. In a rush (a popular activity opening, a viral candidate) hundreds of
// sign-ups or likes wait for that connection, and each pays a BEGIN IMMEDIATE, a COMMIT
// that appends its pages to the WAL, and a hand-over of the connection between
// goroutines. inGroup lets them share: the first caller to find the writer idle runs at
// once (a lone request never waits for a timer or a batch); callers arriving while it
// runs queue, and when it ends the next caller in line takes up to writeGroup.max of the queued
// requests into one transaction, each inside a SAVEPOINT of its own. A request that
// fails (a refusal: full, duplicate, daily limit) rolls back to its savepoint only, so
// it never undoes another's seat; the requests after it see exactly what the ones
// before it wrote, as in one-at-a-time transactions. Every caller gets its answer only
// after the batch's COMMIT returned (as durable as any commit of the store: WAL with
// synchronous=NORMAL). If the batch itself fails (its BEGIN, a savepoint, or its
// COMMIT), it is rolled back and each request runs again alone, in its own transaction,
// so no caller learns of another's failure.
//
// PostgreSQL has no single writer to share and keeps one transaction per request.

// groupCall is one request waiting for, or run by, a batch.
type groupCall struct {
	ctx context.Context
	fn  func(ctx context.Context, tx conn) error
	err error
	// panicked is what fn panicked with (a bug), re-raised in the caller's own goroutine
	// once the batch is done: it fails only its own request, like any error.
	panicked any
	stack    []byte
	lead     bool          // set before done is signalled: this caller runs the next batch
	done     chan struct{} // signalled once: the answer is in err, or lead is set
}

// writeGroup is the queue of requests for the writer.
type writeGroup struct {
	max   int // requests in one transaction at most (dialect.groupCommit)
	mu    sync.Mutex
	busy  bool // a batch is being run; new callers queue
	queue []*groupCall

	batches atomic.Int64 // transactions of more than one request committed, for tests
}

// inGroup runs fn in a write transaction, possibly shared with other callers of inGroup
// (see above): fn must touch nothing outside the transaction tx but its own variables,
// since on a failed batch it runs a second time alone. ctx is the caller's context
// without its cancellation once fn runs (an interrupted statement would roll back the
// whole shared transaction); a caller whose context ended before its turn is refused
// with the context's error, having written nothing.
func (s *Store) inGroup(ctx context.Context, fn func(ctx context.Context, tx conn) error) error {
	return s.group.do(s, &groupCall{ctx: ctx, fn: fn})
}

// do runs c as inGroup says; g nil (PostgreSQL) runs it alone.
func (g *writeGroup) do(s *Store, c *groupCall) error {
	if g == nil {
		s.runAlone(c)
		return c.answer()
	}
	g.mu.Lock()
	if g.busy {
		c.done = make(chan struct{}, 1)
		g.queue = append(g.queue, c)
		g.mu.Unlock()
		// Not abandoned on ctx: once queued, the request is answered by what the batch did.
		<-c.done
		if !c.lead {
			return c.answer()
		}
	} else {
		g.busy = true
		g.mu.Unlock()
	}
	s.leadGroup(g, c)
	return c.answer()
}

// answer is c's error, or c's own panic raised again in the caller's goroutine.
func (c *groupCall) answer() error {
	if c.panicked != nil {
		panic(fmt.Sprintf("write request: %v\n%s", c.panicked, c.stack))
	}
	return c.err
}

// call runs c.fn on tx, turning a panic into an error (so that its savepoint or its
// transaction is rolled back like any failed request's) and keeping it for answer.
func (c *groupCall) call(ctx context.Context, tx conn) (err error) {
	defer func() {
		if v := recover(); v != nil {
			c.panicked, c.stack = v, debug.Stack()
			err = errRequestPanicked
		}
	}()
	return c.fn(ctx, tx)
}

// errRequestPanicked is the error a panicking request's transaction ends with.
var errRequestPanicked = errors.New("write request panicked")

// leadGroup runs a batch headed by c, hands the writer to the next queued caller (or
// marks it idle) and answers the batch's other callers; c's answer is in c.
func (s *Store) leadGroup(g *writeGroup, c *groupCall) {
	g.mu.Lock()
	n := min(len(g.queue), g.max-1)
	batch := []*groupCall{c} // alone: no allocation beyond this one
	if n > 0 {
		batch = make([]*groupCall, 0, n+1)
		batch = append(batch, c)
		batch = append(batch, g.queue[:n]...)
		g.queue = append(g.queue[:0], g.queue[n:]...)
	}
	g.mu.Unlock()

	ran := false
	// Deferred, so that a panic in the batch's own work leaves neither the writer taken
	// nor the batch's callers waiting: they hear that the batch failed, its transaction
	// rolled back (runBatch). A request's own panic is caught sooner (call).
	defer func() {
		if !ran {
			for _, o := range batch {
				o.err = errBatchPanicked
			}
		}
		g.mu.Lock()
		var next *groupCall
		if len(g.queue) > 0 {
			next = g.queue[0]
			g.queue = append(g.queue[:0], g.queue[1:]...)
			next.lead = true
		} else {
			g.busy = false
		}
		g.mu.Unlock()
		if next != nil {
			next.done <- struct{}{}
		}
		for _, o := range batch[1:] {
			o.done <- struct{}{}
		}
	}()
	if s.runGroup(batch) {
		g.batches.Add(1)
	}
	ran = true
}

// errBatchPanicked answers the callers of a batch whose own work panicked.
var errBatchPanicked = errors.New("write batch panicked; its transaction was rolled back")

// runGroup runs batch and sets each call's err; it reports whether the batch ran as one
// transaction. One call alone runs as any transaction.
func (s *Store) runGroup(batch []*groupCall) (batched bool) {
	if len(batch) == 1 {
		s.runAlone(batch[0])
		return false
	}
	if err := s.runBatch(batch); err != nil {
		// The batch's transaction is gone, and with it what each call wrote and every
		// refusal it met (a refusal may have been caused by a seat now undone): each
		// runs again alone.
		for _, c := range batch {
			s.runAlone(c)
		}
		return false
	}
	return true
}

// runAlone runs c in a transaction of its own.
func (s *Store) runAlone(c *groupCall) {
	c.err = s.inTx(c.ctx, func(tx conn) error { return c.call(c.ctx, tx) })
}

// runBatch runs batch in one transaction, each call in a savepoint, and commits. An
// error is the batch's own (begin, savepoint, commit): the transaction was rolled back.
func (s *Store) runBatch(batch []*groupCall) error {
	ctx := context.Background()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	var missed []string
	defer func() {
		for _, q := range missed {
			s.writer().stmt(ctx, q)
		}
	}()
	// After a commit, a no-op; after a panic, it frees the writer (before the deferred
	// preparing above, which needs it).
	defer tx.Rollback()
	tc := conn{s: s, db: tx, missed: &missed}
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			continue
		}
		if err := s.groupExec(ctx, tx, &missed, "SAVEPOINT zhiyuan_group"); err != nil {
			tx.Rollback()
			return err
		}
		c.err = c.call(context.WithoutCancel(c.ctx), tc)
		if c.err != nil {
			// ROLLBACK TO keeps the savepoint open; RELEASE then ends it. A failure here
			// means the error took the whole transaction with it.
			if err := s.groupExec(ctx, tx, &missed, "ROLLBACK TO zhiyuan_group"); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := s.groupExec(ctx, tx, &missed, "RELEASE zhiyuan_group"); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// groupExec runs one of the batch's own savepoint statements in tx, prepared once and
// kept like the store's other statements. It is not counted in Statements: those count
// the requests' own statements, the same with or without a batch.
func (s *Store) groupExec(ctx context.Context, tx *sql.Tx, missed *[]string, query string) error {
	var err error
	if v, ok := s.stmts.Load(stmtKey{s.write, query}); ok {
		_, err = tx.StmtContext(ctx, v.(*sql.Stmt)).ExecContext(ctx)
	} else {
		*missed = append(*missed, query)
		_, err = tx.ExecContext(ctx, query)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", query, err)
	}
	return nil
}

package sqlstore

import "context"

// HoldWriter occupies SQLite's writer with a write request that waits until release is
// called, so that the write requests made meanwhile queue and then run as one batch
// (group.go). It returns once the writer is held; on PostgreSQL (no group) at once.
func (s *Store) HoldWriter() (release func()) {
	if s.group == nil {
		return func() {}
	}
	held, free := make(chan struct{}), make(chan struct{})
	go s.inGroup(context.Background(), func(context.Context, conn) error {
		close(held)
		<-free
		return nil
	})
	<-held
	return func() { close(free) }
}

// WritesQueued is how many write requests wait for SQLite's writer.
func (s *Store) WritesQueued() int {
	if s.group == nil {
		return 0
	}
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	return len(s.group.queue)
}

// WriteBatches is how many transactions of more than one write request were committed.
func (s *Store) WriteBatches() int64 {
	if s.group == nil {
		return 0
	}
	return s.group.batches.Load()
}

// SetGroupCommit turns the sharing of the writer's transactions on (where the engine has
// it) and of the check-in statement (both engines: coalesce.go) on or off, for the
// benchmark that measures them against a transaction or a statement per request. Only
// while no write runs.
func SetGroupCommit(s *Store, on bool) {
	s.group = nil
	if n := s.dialect.groupCommit(); on && n > 1 {
		s.group = &writeGroup{max: n}
	}
	s.scans.max = 1
	if on {
		s.scans.max = scanBatch
	}
}

// WriteBreakingBatch is a write request that ends the transaction it runs in (a ROLLBACK
// of its own) and fails with fail, standing for an error that takes a shared transaction
// down with it: in a batch, the batch fails and every request in it runs again alone.
func (s *Store) WriteBreakingBatch(ctx context.Context, fail error) error {
	return s.inGroup(ctx, func(ctx context.Context, tx conn) error {
		tx.exec(ctx, "ROLLBACK")
		return fail
	})
}

// WritePanicking is a write request that panics, standing for a bug in one.
func (s *Store) WritePanicking(ctx context.Context) error {
	return s.inGroup(ctx, func(context.Context, conn) error { panic("a bug in a write request") })
}

package sqlstore

import (
	"context"

	"github.com/riverqueue/river"
)

// EnqueueInTx queues args in a write transaction that then ends as end says: nil
// commits, an error rolls back (and is returned). For the test that a job is part of the
// transaction that queues it.
func (s *Store) EnqueueInTx(ctx context.Context, end error, args ...river.JobArgs) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := s.enqueue(ctx, tx, args...); err != nil {
			return err
		}
		return end
	})
}

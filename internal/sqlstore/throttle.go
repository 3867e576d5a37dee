package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// ThrottleLocked reports until when key is locked, or the zero time when it is not.
func (s *Store) ThrottleLocked(ctx context.Context, key string) (time.Time, error) {
	var until sql.NullTime
	err := s.reader().queryRow(ctx, "SELECT locked_until FROM login_throttle WHERE key = ?", key).Scan(&until)
	if err == sql.ErrNoRows || (err == nil && (!until.Valid || !until.Time.After(s.now()))) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return until.Time.UTC(), nil
}

// ThrottleFail counts one failure against key within a sliding window and locks the key
// for lockFor once max failures fall in one window. The count is one upsert, so racing
// failures are all counted.
func (s *Store) ThrottleFail(ctx context.Context, key string, max int, window, lockFor time.Duration) (locked bool, err error) {
	now := s.now()
	var failures int
	err = s.inTx(ctx, func(tx conn) error {
		err := tx.queryRow(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, ?)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN login_throttle.window_start > ? THEN login_throttle.failures + 1 ELSE 1 END,
				window_start = CASE WHEN login_throttle.window_start > ? THEN login_throttle.window_start ELSE excluded.window_start END
			RETURNING failures`, key, now, now.Add(-window), now.Add(-window)).Scan(&failures)
		if err != nil {
			return err
		}
		if failures >= max {
			_, err = tx.exec(ctx, "UPDATE login_throttle SET locked_until = ?, failures = 0, window_start = ? WHERE key = ?",
				now.Add(lockFor), now, key)
		}
		return err
	})
	return failures >= max, err
}

// ThrottleReset forgets the failures of key (after a successful login).
func (s *Store) ThrottleReset(ctx context.Context, key string) error {
	_, err := s.writer().exec(ctx, "DELETE FROM login_throttle WHERE key = ?", key)
	return err
}

// ThrottleCount counts one event against key in a fixed window that opens with the first
// event and lasts window, and returns how many events the window now holds (this one
// included) and when it ends. It is one upsert, so events racing each other are each
// counted once and exactly the first max of them see a count of at most max; a check
// followed by ThrottleFail would let a burst through before the lock lands.
func (s *Store) ThrottleCount(ctx context.Context, key string, window time.Duration) (count int, ends time.Time, err error) {
	return s.throttleCount(ctx, s.writer(), key, window)
}

// throttleCount is ThrottleCount on c, so that a write transaction (a like) can count
// itself in the same commit.
func (s *Store) throttleCount(ctx context.Context, c conn, key string, window time.Duration) (count int, ends time.Time, err error) {
	now := s.now()
	var start time.Time
	err = c.queryRow(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, ?)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_throttle.window_start > ? THEN login_throttle.failures + 1 ELSE 1 END,
			window_start = CASE WHEN login_throttle.window_start > ? THEN login_throttle.window_start ELSE excluded.window_start END
		RETURNING failures, window_start`, key, now, now.Add(-window), now.Add(-window)).Scan(&count, &start)
	if err != nil {
		return 0, time.Time{}, err
	}
	return count, start.UTC().Add(window), nil
}

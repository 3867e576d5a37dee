package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"zhiyuan"
	"zhiyuan/internal/jobs"
)

// Background jobs (package jobs) live in River's tables in this database. The store
// inserts them inside its own transactions, next to the change that causes them: a
// change that rolls back leaves no job, and one that commits has its job.

// quietLog drops River's own log lines about the store's client and migrations; the
// runner (package jobs) logs what an operator needs.
var quietLog = slog.New(slog.DiscardHandler)

// openJobs makes the store's insert-only River client (no queues, no workers: it
// starts nothing).
func (s *Store) openJobs() error {
	c, err := river.NewClient(s.JobDriver(), &river.Config{Logger: quietLog})
	if err != nil {
		return fmt.Errorf("river client: %w", err)
	}
	s.jobs = c
	return nil
}

// JobDriver returns River's driver for the engine on the store's write pool, for the
// runner (package jobs). On SQLite that pool is one connection: River's writes queue
// with the requests' in Go (see dialect.go).
func (s *Store) JobDriver() riverdriver.Driver[*sql.Tx] { return s.dialect.jobDriver(s.write) }

// enqueue inserts jobs in the transaction tx.
func (s *Store) enqueue(ctx context.Context, tx conn, args ...river.JobArgs) error {
	if len(args) == 0 {
		return nil
	}
	t, ok := tx.db.(*sql.Tx)
	if !ok {
		return errors.New("enqueue outside a transaction")
	}
	params := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		params[i] = river.InsertManyParams{Args: a}
	}
	_, err := s.jobs.InsertManyTx(ctx, t, params)
	return err
}

// notifyOut writes an in-app notification and queues its delivery by SMS and email, as
// far as the account has a number and an address, all in tx.
func (s *Store) notifyOut(ctx context.Context, tx conn, n *zhiyuan.Notification) error {
	if err := s.insertNotification(ctx, tx, n); err != nil {
		return err
	}
	ch, err := s.channels(ctx, tx, []int64{n.AccountID})
	if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, deliveries(n.ID, ch[n.AccountID])...)
}

// reach is how an account can be reached outside the platform.
type reach struct{ sms, email bool }

// channels reads, in tx, by which channels each account can be reached.
func (s *Store) channels(ctx context.Context, tx conn, accounts []int64) (map[int64]reach, error) {
	out := make(map[int64]reach, len(accounts))
	if len(accounts) == 0 {
		return out, nil
	}
	rows, err := tx.query(ctx, `SELECT ac.id, CASE WHEN ac.phone <> '' THEN 1 ELSE 0 END,
		CASE WHEN v.email <> '' OR v.email_sealed IS NOT NULL THEN 1 ELSE 0 END
		FROM accounts ac LEFT JOIN volunteers v ON v.account_id = ac.id
		WHERE ac.id IN (`+placeholders(len(accounts))+`)`, int64Args(accounts)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sms, email int
		if err := rows.Scan(&id, &sms, &email); err != nil {
			return nil, err
		}
		out[id] = reach{sms: sms == 1, email: email == 1}
	}
	return out, rows.Err()
}

// deliveries are the delivery jobs of one notification.
func deliveries(notificationID int64, r reach) []river.JobArgs {
	var out []river.JobArgs
	if r.sms {
		out = append(out, jobs.Deliver{NotificationID: notificationID, Channel: jobs.ChannelSMS})
	}
	if r.email {
		out = append(out, jobs.Deliver{NotificationID: notificationID, Channel: jobs.ChannelEmail})
	}
	return out
}

// fanoutJobs are the fan-out jobs telling accounts about n, FanoutChunk accounts a job.
func fanoutJobs(n zhiyuan.Notification, accounts []int64) []river.JobArgs {
	var out []river.JobArgs
	for len(accounts) > 0 {
		k := min(len(accounts), jobs.FanoutChunk)
		out = append(out, jobs.Fanout{Notice: n.Kind, Title: n.Title, Body: n.Body, Link: n.Link, AccountIDs: accounts[:k]})
		accounts = accounts[k:]
	}
	return out
}

// FanOut does a fan-out job: one in-app notification to each account and a delivery job
// for each of its channels, and complete (the job's own completion, river.JobCompleteTx)
// in the same transaction, so a crash leaves either all of it or none. It returns how
// many notifications it wrote.
func (s *Store) FanOut(ctx context.Context, f jobs.Fanout, complete func(tx *sql.Tx) error) (int, error) {
	var written int
	err := s.inTx(ctx, func(tx conn) error {
		written = 0
		ch, err := s.channels(ctx, tx, f.AccountIDs)
		if err != nil {
			return err
		}
		var out []river.JobArgs
		for _, acc := range f.AccountIDs {
			if _, ok := ch[acc]; !ok {
				continue // the account is gone: nobody to tell
			}
			n := zhiyuan.Notification{AccountID: acc, Kind: f.Notice, Title: f.Title, Body: f.Body, Link: f.Link}
			if err := s.insertNotification(ctx, tx, &n); err != nil {
				return err
			}
			written++
			out = append(out, deliveries(n.ID, ch[acc])...)
		}
		if err := s.enqueue(ctx, tx, out...); err != nil {
			return err
		}
		return complete(tx.db.(*sql.Tx))
	})
	return written, err
}

// Delivery is what a delivery job needs to send one notification by one channel.
type Delivery struct {
	Notification zhiyuan.Notification
	VolunteerID  int64
	Phone        string
	Email        string // in clear only on a row not sealed yet
	EmailSealed  []byte // otherwise sealed; App opens it
	Delivered    bool   // already sent and recorded: the job has nothing left to do
}

// FindDelivery reads the notification, the recipient's current address and whether the
// delivery was recorded already. A notification that is gone is ENotFound.
func (s *Store) FindDelivery(ctx context.Context, notificationID int64, channel string) (*Delivery, error) {
	var d Delivery
	var vid sql.NullInt64
	var email sql.NullString
	var delivered int
	err := s.reader().queryRow(ctx, `SELECT n.id, n.account_id, n.kind, n.title, n.body, n.link, n.created_at,
		v.id, COALESCE(ac.phone, ''), v.email, v.email_sealed,
		(SELECT COUNT(*) FROM deliveries d WHERE d.notification_id = n.id AND d.channel = ?)
		FROM notifications n LEFT JOIN accounts ac ON ac.id = n.account_id LEFT JOIN volunteers v ON v.account_id = n.account_id
		WHERE n.id = ?`, channel, notificationID).Scan(&d.Notification.ID, &d.Notification.AccountID, &d.Notification.Kind,
		&d.Notification.Title, &d.Notification.Body, &d.Notification.Link, &d.Notification.CreatedAt,
		&vid, &d.Phone, &email, &d.EmailSealed, &delivered)
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.notification")
	}
	if err != nil {
		return nil, err
	}
	d.VolunteerID, d.Email, d.Delivered = vid.Int64, email.String, delivered > 0
	if d.Email != "" {
		d.EmailSealed = nil
	}
	return &d, nil
}

// RecordDelivery records that the notification went out by channel and runs complete
// (the job's completion) in the same transaction: either both are kept or neither.
func (s *Store) RecordDelivery(ctx context.Context, notificationID int64, channel string, complete func(tx *sql.Tx) error) error {
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `INSERT INTO deliveries (notification_id, channel, delivered_at) VALUES (?, ?, ?)`,
			notificationID, channel, s.now()); err != nil {
			return s.translate(err, nil)
		}
		return complete(tx.db.(*sql.Tx))
	})
}

// CountDeliveries counts the recorded deliveries, for tests and the crash check.
func (s *Store) CountDeliveries(ctx context.Context) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, "SELECT COUNT(*) FROM deliveries").Scan(&n)
	return n, err
}

// JobProblems lists the jobs that failed: waiting for another attempt (retryable) or
// given up (discarded, the dead letters), newest first.
func (s *Store) JobProblems(ctx context.Context, limit int) ([]*rivertype.JobRow, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	res, err := s.jobs.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateRetryable, rivertype.JobStateDiscarded).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, err
	}
	return res.Jobs, nil
}

// FindJob returns one job; ENotFound when there is none.
func (s *Store) FindJob(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	j, err := s.jobs.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return nil, notFound("notfound.job")
	}
	return j, err
}

// RetryJob makes a failed job available to run again now (a discarded one gets one
// more attempt). A job that has not failed (waiting, running, completed) is EConflict.
func (s *Store) RetryJob(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	j, err := s.FindJob(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.State != rivertype.JobStateRetryable && j.State != rivertype.JobStateDiscarded {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "state", "job.retry_not_failed")
	}
	j, err = s.jobs.JobRetry(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return nil, notFound("notfound.job")
	}
	return j, err
}

// JobsPending counts the jobs not finished yet (waiting, scheduled, running or to be
// retried), so a test or an operator can tell when the queue has drained.
func (s *Store) JobsPending(ctx context.Context) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM river_job
		WHERE state IN ('available', 'pending', 'running', 'retryable', 'scheduled')`).Scan(&n)
	return n, err
}

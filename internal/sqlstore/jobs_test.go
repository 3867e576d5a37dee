package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// queuedJob is a row of River's job table as the tests look at it.
type queuedJob struct {
	ID          int64
	State       string
	EncodedArgs []byte
}

// queuedJobs lists the jobs of kind in River's table, oldest first.
func queuedJobs(t testing.TB, s *sqlstore.Store, kind string) []queuedJob {
	t.Helper()
	args := "args"
	if s.Engine() == "sqlite" {
		args = "json(args)" // River keeps SQLite's binary JSON
	}
	rows, err := s.DB().QueryContext(context.Background(), s.Rebind("SELECT id, state, "+args+" FROM river_job WHERE kind = ? ORDER BY id"), kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []queuedJob
	for rows.Next() {
		var j queuedJob
		if err := rows.Scan(&j.ID, &j.State, &j.EncodedArgs); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestJobIsPartOfItsTransaction: a job queued in a transaction that rolls back is not
// there; one queued in a transaction that commits is, waiting to run.
func TestJobIsPartOfItsTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		boom := errors.New("the change failed")
		if err := s.EnqueueInTx(ctx, boom, jobs.Deliver{NotificationID: 1, Channel: jobs.ChannelSMS}); !errors.Is(err, boom) {
			t.Fatalf("rolled back: %v", err)
		}
		if j := queuedJobs(t, s, jobs.Deliver{}.Kind()); len(j) != 0 {
			t.Fatalf("a rolled-back transaction left %d jobs", len(j))
		}
		if err := s.EnqueueInTx(ctx, nil, jobs.Deliver{NotificationID: 1, Channel: jobs.ChannelSMS}); err != nil {
			t.Fatal(err)
		}
		j := queuedJobs(t, s, jobs.Deliver{}.Kind())
		if len(j) != 1 || j[0].State != "available" {
			t.Fatalf("after commit: %+v", j)
		}
		if n, err := s.JobsPending(ctx); err != nil || n != 1 {
			t.Fatalf("pending %d %v", n, err)
		}
	})
}

// TestEndActivityRefusedQueuesNothing: closing an activity that cannot be closed changes
// nothing and tells nobody.
func TestEndActivityRefusedQueuesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 2, nil)
		for _, v := range orgVolunteers(t, s, 1, 2) {
			if _, err := s.CreateSignup(ctx, f.request(v)); err != nil {
				t.Fatal(err)
			}
		}
		notice := zhiyuan.ActivityNotice(zhiyuan.NoticeActivityCancelled, f.activity.Title, f.activity.ID)
		if _, err := s.EndActivity(ctx, f.activity.ID, zhiyuan.ActivityCancelled, notice); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EndActivity(ctx, f.activity.ID, zhiyuan.ActivityCancelled, notice); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("cancel twice: %v", err)
		}
		if j := queuedJobs(t, s, jobs.Fanout{}.Kind()); len(j) != 1 {
			t.Fatalf("%d fan-out jobs, want the first cancellation's only", len(j))
		}
	})
}

// TestDeliveryRecordedOnce: a delivery is recorded with the job's completion; a second
// record of the same message and channel is refused (so a retry cannot record it twice),
// and FindDelivery then says it is done.
func TestDeliveryRecordedOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		acc := orgAccount(t, s, "13500000077")
		n := &zhiyuan.Notification{AccountID: acc, Kind: "test", Title: "标题", Body: "正文"}
		if err := s.CreateNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
		d, err := s.FindDelivery(ctx, n.ID, jobs.ChannelSMS)
		if err != nil || d.Delivered || d.Phone != "13500000077" || d.Notification.Title != "标题" {
			t.Fatalf("before: %+v %v", d, err)
		}
		completed := 0
		complete := func(*sql.Tx) error { completed++; return nil }
		if err := s.RecordDelivery(ctx, n.ID, jobs.ChannelSMS, complete); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordDelivery(ctx, n.ID, jobs.ChannelSMS, complete); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("second record: %v", err)
		}
		if completed != 1 {
			t.Fatalf("completed %d times", completed)
		}
		// A completion that fails takes the record with it.
		if err := s.RecordDelivery(ctx, n.ID, jobs.ChannelEmail, func(*sql.Tx) error { return errors.New("lost") }); err == nil {
			t.Fatal("record with a failed completion succeeded")
		}
		if d, err := s.FindDelivery(ctx, n.ID, jobs.ChannelEmail); err != nil || d.Delivered {
			t.Fatalf("email after a failed completion: %+v %v", d, err)
		}
		if d, err := s.FindDelivery(ctx, n.ID, jobs.ChannelSMS); err != nil || !d.Delivered {
			t.Fatalf("sms after: %+v %v", d, err)
		}
	})
}

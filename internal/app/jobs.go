package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"zhiyuan"
	"zhiyuan/internal/jobs"
)

// Background jobs (package jobs, run by River in the platform's database). What causes
// a job inserts it in its own transaction (sqlstore); here is what each job does.

// JobWorkers is every kind of background job and its worker, here and nowhere else: a
// feature that needs a job adds its line (and its arguments type in package jobs).
func (a *App) JobWorkers() *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &fanoutWorker{a: a})  // an activity ended: tell everyone signed up
	river.AddWorker(w, &deliverWorker{a: a}) // one message by SMS or email, through the Sender
	river.AddWorker(w, &sweepWorker{a: a})   // the periodic housekeeping (background.go)
	river.AddWorker(w, &importWorker{a: a})  // a member list: check the rows, then write them (imports.go)
	return w
}

// RunBackground starts working the job queue (deliveries, fan-outs and, on the server
// elected leader, the periodic sweeps) until the returned runner is stopped.
func (a *App) RunBackground(ctx context.Context, opt jobs.Options) (*jobs.Runner, error) {
	opt.Workers, opt.Periodic = a.JobWorkers(), a.PeriodicJobs()
	if opt.Log == nil {
		opt.Log = a.Log
	}
	return jobs.Start(ctx, a.store.JobDriver(), opt)
}

// completeIn is the job's completion as part of the store's transaction tx: the job's
// effect and its being done commit together.
func completeIn[T river.JobArgs](ctx context.Context, job *river.Job[T]) func(tx *sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job)
		return err
	}
}

type fanoutWorker struct {
	river.WorkerDefaults[jobs.Fanout]
	a *App
}

// Work writes the notices and queues their deliveries, then completes, in one
// transaction: a retry after a crash finds either nothing done or the job completed.
func (w *fanoutWorker) Work(ctx context.Context, job *river.Job[jobs.Fanout]) error {
	n, err := w.a.store.FanOut(ctx, job.Args, completeIn(ctx, job))
	if err != nil {
		return err
	}
	w.a.Log.InfoContext(ctx, "notices written", slog.String("notice", job.Args.Notice), slog.Int("count", n))
	return nil
}

type deliverWorker struct {
	river.WorkerDefaults[jobs.Deliver]
	a *App
}

// Work sends one message and records it with the job's completion. The message carries
// its idempotency key: if this server dies after the gateway accepted it and before the
// record commits, the retry sends it again with the same key, for the gateway to drop.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[jobs.Deliver]) error {
	a, args := w.a, job.Args
	d, err := a.store.FindDelivery(ctx, args.NotificationID, args.Channel)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return river.JobCancel(errors.New("notification no longer exists"))
	}
	if err != nil {
		return err
	}
	if d.Delivered {
		return nil // sent and recorded by an earlier attempt
	}
	to := Recipient{VolunteerID: d.VolunteerID, AccountID: d.Notification.AccountID}
	switch args.Channel {
	case jobs.ChannelSMS:
		to.Phone = d.Phone
	case jobs.ChannelEmail:
		to.Email = d.Email
		if d.EmailSealed != nil {
			if to.Email, err = a.open(d.EmailSealed, sealEmail); err != nil {
				return river.JobCancel(errors.New("recipient email does not open"))
			}
		}
	}
	if to.Phone == "" && to.Email == "" {
		return nil // the number or address was removed since: nothing to send
	}
	n := d.Notification
	msg := Message{Key: args.Key(), Template: n.Kind, Title: n.Title, Body: n.Body, Link: n.Link}
	if err := a.sender().Send(ctx, to, msg); err != nil {
		return fmt.Errorf("send %s: %w", args.Channel, err)
	}
	err = a.store.RecordDelivery(ctx, args.NotificationID, args.Channel, completeIn(ctx, job))
	if zhiyuan.ErrorCode(err) == zhiyuan.EConflict {
		return nil // another attempt (one rescued from a server thought dead) recorded it first
	}
	return err
}

type sweepWorker struct {
	river.WorkerDefaults[jobs.Sweep]
	a *App
}

// Work runs the named periodic task.
func (w *sweepWorker) Work(ctx context.Context, job *river.Job[jobs.Sweep]) error {
	for _, p := range periodics() {
		if p.Name == job.Args.Name {
			return p.Run(ctx, w.a)
		}
	}
	return river.JobCancel(fmt.Errorf("no periodic task %q", job.Args.Name))
}

// PeriodicJobs are the periodic tasks (periodics) as River periodic jobs: each inserts a
// jobs.Sweep every Every, and once at start, on the elected leader only.
func (a *App) PeriodicJobs() []*river.PeriodicJob {
	var out []*river.PeriodicJob
	for _, p := range periodics() {
		args := jobs.Sweep{Name: p.Name}
		out = append(out, river.NewPeriodicJob(river.PeriodicInterval(p.Every),
			func() (river.JobArgs, *river.InsertOpts) { return args, nil },
			&river.PeriodicJobOpts{ID: strings.ReplaceAll(p.Name, " ", "_"), RunOnStart: true}))
	}
	return out
}

// JobProblem is a background job that failed, as the administrators' page shows it.
type JobProblem struct {
	ID          int64
	Kind        string // the job's kind (jobs.Deliver.Kind(), …)
	State       string // "retryable" (another attempt is scheduled) or "discarded" (given up)
	Attempt     int
	MaxAttempts int
	LastError   string // the last attempt's error, without personal data (workers never put any in)
	CreatedAt   time.Time
	AttemptedAt time.Time // the last attempt
	NextAt      time.Time // the next attempt, for a retryable job
	FinalizedAt time.Time // when it was given up, for a discarded one
}

// KindChinese names the kind of job for people.
func (p JobProblem) KindChinese() string {
	switch p.Kind {
	case jobs.Deliver{}.Kind():
		return "短信/邮件发送"
	case jobs.Fanout{}.Kind():
		return "活动通知分发"
	case jobs.Sweep{}.Kind():
		return "定时维护"
	case jobs.Import{}.Kind():
		return "名单导入"
	}
	return p.Kind
}

// StateChinese names the state for people.
func (p JobProblem) StateChinese() string {
	if p.State == string(rivertype.JobStateDiscarded) {
		return "已放弃"
	}
	return "等待重试"
}

// jobErrorMax bounds the error text shown: an error is a line, not a dump.
const jobErrorMax = 300

func jobProblem(j *rivertype.JobRow) JobProblem {
	p := JobProblem{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
		CreatedAt: j.CreatedAt.UTC()}
	if n := len(j.Errors); n > 0 {
		p.LastError = j.Errors[n-1].Error
		if len(p.LastError) > jobErrorMax {
			p.LastError = strings.ToValidUTF8(p.LastError[:jobErrorMax], "") + "…"
		}
	}
	if j.AttemptedAt != nil {
		p.AttemptedAt = j.AttemptedAt.UTC()
	}
	if j.State == rivertype.JobStateRetryable {
		p.NextAt = j.ScheduledAt.UTC()
	}
	if j.FinalizedAt != nil {
		p.FinalizedAt = j.FinalizedAt.UTC()
	}
	return p
}

// JobProblems lists the background jobs that failed, waiting to retry or given up,
// newest first: platform administrators only.
func (a *App) JobProblems(ctx context.Context, p *zhiyuan.Principal) ([]JobProblem, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActPlatformAdmin, zhiyuan.Resource{}); err != nil {
		return nil, err
	}
	rows, err := a.store.JobProblems(ctx, 200)
	if err != nil {
		return nil, err
	}
	out := make([]JobProblem, len(rows))
	for i, j := range rows {
		out[i] = jobProblem(j)
	}
	return out, nil
}

// RetryJob runs a failed job again now: platform administrators only, audited.
func (a *App) RetryJob(ctx context.Context, p *zhiyuan.Principal, id int64) (*JobProblem, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActPlatformAdmin, zhiyuan.Resource{}); err != nil {
		return nil, err
	}
	j, err := a.store.RetryJob(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "job.retry", "job", fmt.Sprint(id), "", 0, j.Kind); err != nil {
		return nil, err
	}
	jp := jobProblem(j)
	return &jp, nil
}

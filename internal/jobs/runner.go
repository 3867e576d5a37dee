package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// Options configure the runner. The zero value of each field is its default.
type Options struct {
	// Workers are the workers of every kind of job (app.JobWorkers); Periodic the
	// sweeps on a schedule (app.PeriodicJobs).
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
	Log      *slog.Logger

	// MaxWorkers is how many jobs this server works at once (default 10). Jobs spend
	// their time waiting on a gateway, not on the database.
	MaxWorkers int
	// PollInterval is how often the runner looks for new jobs (default 1 s). Both
	// engines' drivers run without LISTEN/NOTIFY here (docs/ARCHITECTURE.md), so a job
	// waits up to this long before it starts.
	PollInterval time.Duration
	// JobTimeout bounds one attempt of a job (default 1 min). A job left running by a
	// server that died is given back to the queue RescueAfter later.
	JobTimeout  time.Duration
	RescueAfter time.Duration // default 2 × JobTimeout (at least 10 s)
	// RetryPolicy spaces the attempts of a failing job (default River's attempt⁴ s).
	RetryPolicy river.ClientRetryPolicy
}

// Runner works the queue: the River client of a serving process.
type Runner struct {
	client *river.Client[*sql.Tx]
	log    *slog.Logger
}

// Start starts working jobs with driver (sqlstore.Store.JobDriver) until Stop. Several
// servers may run one each on the same database: each job is worked by one of them, and
// the periodic sweeps are inserted by the one elected leader.
func Start(ctx context.Context, driver riverdriver.Driver[*sql.Tx], opt Options) (*Runner, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.MaxWorkers <= 0 {
		opt.MaxWorkers = 10
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Second
	}
	if opt.JobTimeout <= 0 {
		opt.JobTimeout = time.Minute
	}
	if opt.RescueAfter <= 0 {
		opt.RescueAfter = max(2*opt.JobTimeout, 10*time.Second)
	}
	c, err := river.NewClient(driver, &river.Config{
		// River logs at its own levels; only its warnings and errors reach ours.
		Logger:               slog.New(levelAtLeast{opt.Log.Handler(), slog.LevelWarn}),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opt.MaxWorkers}},
		Workers:              opt.Workers,
		PeriodicJobs:         opt.Periodic,
		PollOnly:             true,
		FetchPollInterval:    opt.PollInterval,
		FetchCooldown:        min(opt.PollInterval, river.FetchCooldownDefault),
		JobTimeout:           opt.JobTimeout,
		RescueStuckJobsAfter: opt.RescueAfter,
		RetryPolicy:          opt.RetryPolicy,
		// Dead letters stay a month for the administrators to see (/admin/jobs).
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	if err := c.Start(ctx); err != nil {
		return nil, fmt.Errorf("start river: %w", err)
	}
	return &Runner{client: c, log: opt.Log}, nil
}

// Stop stops fetching jobs and waits for those running to finish, until ctx ends; then
// they are cancelled (and given back to the queue by a later rescue).
func (r *Runner) Stop(ctx context.Context) error {
	return r.client.Stop(ctx)
}

// levelAtLeast passes on only records at min or above.
type levelAtLeast struct {
	slog.Handler
	min slog.Level
}

func (h levelAtLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelAtLeast) WithAttrs(as []slog.Attr) slog.Handler {
	return levelAtLeast{h.Handler.WithAttrs(as), h.min}
}

func (h levelAtLeast) WithGroup(name string) slog.Handler {
	return levelAtLeast{h.Handler.WithGroup(name), h.min}
}

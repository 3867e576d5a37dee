// Package jobs is the platform's durable background work, run by River
// (github.com/riverqueue/river) in the platform's own database: the kinds of job and their
// arguments, and the runner that works them. A job is a row inserted in the same
// transaction as the change that causes it (sqlstore does that), so a change that rolls
// back leaves no job, and a job whose change committed survives a crash: some server
// works it, retrying with backoff until it succeeds or runs out of attempts (then it is
// "discarded", the dead letters an administrator sees on /admin/jobs).
//
// What each job does is in package app (jobs.go there lists every worker); this package
// knows River, not the platform.
package jobs

import (
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Channels a message goes out by. Each delivery is one job for one channel, so a failing
// email gateway does not repeat a text message that went out.
const (
	ChannelSMS   = "sms"
	ChannelEmail = "email"
)

// Rules of the queue, in one place for the runner, the store and the tests.
const (
	// DeliverMaxAttempts is how often a message is tried before it is discarded. With
	// River's backoff (attempt⁴ seconds, jittered) the tenth try comes about three
	// hours after the first: a gateway down for an afternoon loses nothing.
	DeliverMaxAttempts = 10
	// SweepMaxAttempts: a failed sweep is retried a few times; the next period runs it
	// anew anyway.
	SweepMaxAttempts = 3
	// FanoutChunk is how many accounts one fan-out job notifies, so the transaction that
	// writes their notifications and deliveries stays short (on SQLite it holds the
	// only write connection; see docs/ARCHITECTURE.md).
	FanoutChunk = 100
	// ImportMaxAttempts: an import job that fails (the database away) is tried again;
	// each attempt resumes from the first row not yet done.
	ImportMaxAttempts = 10
	// ImportSlice is how long one run of an import job works before it gives the queue
	// back (snoozes at once); it is cut to half the job timeout when that is shorter,
	// so a 100,000-row import is many slices, never one attempt that a timeout or a
	// rescue (after twice the timeout, at least 10 s) would cut.
	ImportSlice = 8 * time.Second
)

// Fanout writes one in-app notification to each of AccountIDs and queues a Deliver job
// for each channel each of them can be reached by, in one transaction.
type Fanout struct {
	Notice     string  `json:"notice"` // the notification's kind (zhiyuan.Notice…), also the message template
	Title      string  `json:"title"`
	Body       string  `json:"body"`
	Link       string  `json:"link"`
	AccountIDs []int64 `json:"account_ids"`
}

// Kind implements river.JobArgs.
func (Fanout) Kind() string { return "notify_fanout" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (Fanout) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: DeliverMaxAttempts} }

// Deliver sends one in-app notification out by one channel through the Sender. The
// arguments hold no personal data: the address is read when the job runs.
type Deliver struct {
	NotificationID int64  `json:"notification_id"`
	Channel        string `json:"channel"`
}

// Kind implements river.JobArgs.
func (Deliver) Kind() string { return "deliver" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (Deliver) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: DeliverMaxAttempts}
}

// Key is the delivery's idempotency key: the same for every attempt, different for every
// message, handed to the gateway so that it can drop a repeat (see app.Message.Key).
func (d Deliver) Key() string { return fmt.Sprintf("notification-%d-%s", d.NotificationID, d.Channel) }

// Sweep runs one of the periodic housekeeping tasks by name (app.periodics).
type Sweep struct {
	Name string `json:"name"`
}

// Kind implements river.JobArgs.
func (Sweep) Kind() string { return "sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts. A sweep is unique among those not
// yet finished, so a slow one does not pile up copies behind it.
func (Sweep) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: SweepMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}}
}

// Import phases.
const (
	ImportValidate = "validate" // compare the rows with the registry: new, existing or conflict
	ImportRun      = "run"      // write the rows, in batches
)

// Import checks or writes the rows of one import of a member list (Phase). The
// arguments hold no personal data: the rows are in the import's staging table.
type Import struct {
	ImportID int64  `json:"import_id"`
	Phase    string `json:"phase"`
}

// Kind implements river.JobArgs.
func (Import) Kind() string { return "import" }

// InsertOpts implements river.JobArgsWithInsertOpts. One job per import and phase until
// it finishes.
func (Import) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: ImportMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}}
}

// Periodic is a sweep on a schedule. Only the elected leader among the servers sharing
// the database inserts them, so each runs on one server per period.
type Periodic struct {
	Name  string
	Every time.Duration
}

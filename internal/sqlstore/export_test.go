package sqlstore

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"zhiyuan"

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

// SearchPlan returns how the engine runs the first page of a search: SQLite's EXPLAIN
// QUERY PLAN, PostgreSQL's EXPLAIN ANALYZE (run, with the rows each step produced and
// the buffers it read), one line per step. BenchmarkActivitySearch prints them with
// ZHIYUAN_BENCH_PLANS=1 (docs/activities.md, "Search plans").
func (s *Store) SearchPlan(ctx context.Context, f zhiyuan.ActivityFilter) (string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	if f.Now.IsZero() {
		f.Now = s.now()
	}
	q, args, ok, err := s.pageQuery(ctx, f, "", nil)
	if err != nil || !ok {
		return "", err
	}
	return s.explain(ctx, s.reader(), "ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF", q, args...)
}

// TopOrgsPlan is how the engine runs FigureTopOrgs' query, as SearchPlan says it but with
// PostgreSQL's costs and timings: BenchmarkFiguresCityDashboard prints it at both sizes
// with ZHIYUAN_BENCH_PLANS=1.
func (s *Store) TopOrgsPlan(ctx context.Context, regionPrefix, from, to string, limit int) (string, error) {
	lo, hi := regionRange(regionPrefix)
	plan, err := s.explain(ctx, s.reader(), "ANALYZE, BUFFERS", topOrgsQuery, lo, hi, from, to, limit)
	if err != nil || s.Engine() != "postgres" {
		return plan, err
	}
	// Beside it, the plan PostgreSQL did not choose: fig_org read by its key per
	// organisation, without a sequential scan or parallel workers.
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	for _, q := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL max_parallel_workers_per_gather = 0"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return "", err
		}
	}
	other, err := s.explain(ctx, conn{s: s, db: tx}, "ANALYZE, BUFFERS", topOrgsQuery, lo, hi, from, to, limit)
	return plan + "without a sequential scan or workers:\n" + other, err
}

// explain is SQLite's EXPLAIN QUERY PLAN of q, or PostgreSQL's EXPLAIN with its options
// pg, one line per step.
func (s *Store) explain(ctx context.Context, c conn, pg, q string, args ...any) (string, error) {
	explain := "EXPLAIN QUERY PLAN "
	if s.Engine() == "postgres" {
		explain = "EXPLAIN (" + pg + ") "
	}
	rows, err := c.query(ctx, explain+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		last := vals[len(vals)-1] // SQLite: id, parent, notused, detail; PostgreSQL: one line
		if raw, ok := last.([]byte); ok {
			last = string(raw)
		}
		line := fmt.Sprint(last)
		if s.Engine() == "sqlite" {
			line = fmt.Sprintf("%v/%v %s", vals[0], vals[1], line)
		}
		b.WriteString(line + "\n")
	}
	return b.String(), rows.Err()
}

// LookupTokensTogether resolves tokens (each of the kind at the same index) as one batch
// of concurrent lookups is resolved (coalescer: one query), and returns each caller or
// refusal.
func (s *Store) LookupTokensTogether(ctx context.Context, tokens []string, kinds []zhiyuan.SessionKind) ([]*zhiyuan.Principal, []error) {
	ls := make([]*tokenLookup, len(tokens))
	for i, tok := range tokens {
		ls[i] = &tokenLookup{digest: sha256.Sum256([]byte(tok)), kind: kinds[i]}
	}
	s.lookupTokens(ctx, ls)
	ps, errs := make([]*zhiyuan.Principal, len(ls)), make([]error, len(ls))
	for i, l := range ls {
		if !l.answered {
			errs[i] = errLookupUnanswered
			continue
		}
		ps[i], errs[i] = l.p, l.err
	}
	return ps, errs
}

// CheckInScansTogether writes ins as one batch of concurrent scans is written (one
// statement) and returns each attendance, nil where refused.
func (s *Store) CheckInScansTogether(ctx context.Context, ins []RushCheckinInput) ([]*zhiyuan.Attendance, error) {
	scs := make([]*scanCheckin, len(ins))
	for i, in := range ins {
		in.At = in.At.UTC().Truncate(time.Microsecond)
		scs[i] = &scanCheckin{in: in}
	}
	s.checkInScans(ctx, scs)
	atts := make([]*zhiyuan.Attendance, len(scs))
	for i, sc := range scs {
		if !sc.answered || sc.err != nil {
			return nil, fmt.Errorf("scan %d: answered %v, %v", i, sc.answered, sc.err)
		}
		atts[i] = sc.att
	}
	return atts, nil
}

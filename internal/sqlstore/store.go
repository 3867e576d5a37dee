// Package sqlstore keeps the platform's records in SQLite (embedded, the default) or
// PostgreSQL through one SQL code path. Queries are written once with ? placeholders and
// rebound for PostgreSQL; the few things that truly differ live in dialect.go. Invariants
// (uniqueness, capacity, append-only ledgers) are enforced by the database, never by a
// check-then-write in Go.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"zhiyuan"
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	write   *sql.DB // SQLite: exactly one connection, so writers queue in Go, not on locks
	read    *sql.DB // SQLite: several read-only connections; PostgreSQL: the same pool as write
	dialect dialect
	now     func() time.Time
	dsn     string

	// jobs inserts background jobs inside the store's transactions (jobs.go). It only
	// inserts, lists and retries; the runner that works them is package jobs'.
	jobs *river.Client[*sql.Tx]

	rebound sync.Map // query text → rebound text, so rebinding costs nothing after the first use

	// Statements run on the pools, not in transactions, are prepared once per connection
	// and kept where the dialect asks for it (SQLite; see cacheStatements in dialect.go).
	cacheStmts bool
	stmts      sync.Map // stmtKey → *sql.Stmt

	// statements counts the statements run through conn, for the benchmarks' figure of
	// queries per request (one atomic add per statement is lost in a round trip).
	statements atomic.Int64
	nstmts     atomic.Int32

	// signupLock is the sign-up's volunteer UPDATE (signups.go): signupLockCredit, which
	// refuses a suspended volunteer; a benchmark swaps in signupLockPlain to measure it.
	signupLock string

	// principals keeps resolved login tokens for a few seconds (token_cache.go).
	principals principalCache

	// group queues sign-ups and likes for SQLite's one writer, to share its transactions
	// (group.go); nil on PostgreSQL.
	group *writeGroup

	// tokenLookups and scans answer concurrent requests of one kind with one statement
	// (coalesce.go): login tokens no cached entry answers (login_sessions.go) and check-ins
	// by scan (attendance_rush.go).
	tokenLookups coalescer[tokenLookup]
	scans        coalescer[scanCheckin]
}

// maxStmts bounds the statement cache, in case some query text is built with values in it.
const maxStmts = 1000

type stmtKey struct {
	db    *sql.DB
	query string
}

// Options tune Open. The zero value gives the defaults; config.Pool fills them from the
// operator's flags.
type Options struct {
	MaxOpenConns int // PostgreSQL pool size and SQLite read pool size; 0: DefaultMaxConns
	MaxIdleConns int // idle connections kept in those pools; 0: MaxOpenConns, negative: none
	// PostgreSQL only (SQLite's connections are the file itself, nothing to renew):
	ConnMaxLifetime time.Duration    // replace a connection after this long; 0 or negative: never
	ConnMaxIdleTime time.Duration    // close a connection idle this long; 0: 5 minutes, negative: never
	Now             func() time.Time // clock, replaceable in tests
}

// DefaultMaxConns is the pool size when none is given: two connections per core, so one
// can wait on the database while another runs, and two spare for the background jobs
// and a health check.
func DefaultMaxConns() int { return 2*runtime.NumCPU() + 2 }

// Open connects to dsn (a postgres:// URL or a SQLite file path), checks the connection
// and applies pending migrations.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	s, err := open(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxOpenConns <= 0 {
		opt.MaxOpenConns = DefaultMaxConns()
	}
	switch {
	case opt.MaxIdleConns == 0 || opt.MaxIdleConns > opt.MaxOpenConns:
		opt.MaxIdleConns = opt.MaxOpenConns
	case opt.MaxIdleConns < 0:
		opt.MaxIdleConns = 0 // database/sql: none kept
	}
	if opt.ConnMaxIdleTime == 0 {
		opt.ConnMaxIdleTime = 5 * time.Minute
	}
	s := &Store{now: func() time.Time { return opt.Now().UTC().Truncate(time.Microsecond) }, dsn: dsn, signupLock: signupLockCredit}
	if IsPostgres(dsn) {
		db, err := openPostgres(dsn, opt)
		if err != nil {
			return nil, err
		}
		s.write, s.read, s.dialect = db, db, postgresDialect{}
	} else {
		w, r, err := openSQLite(ctx, dsn, opt)
		if err != nil {
			return nil, err
		}
		s.write, s.read, s.dialect = w, r, sqliteDialect{}
	}
	s.cacheStmts = s.dialect.cacheStatements()
	if n := s.dialect.groupCommit(); n > 1 {
		s.group = &writeGroup{max: n}
	}
	s.tokenLookups = coalescer[tokenLookup]{max: tokenLookupBatch, lanes: tokenLookupLanes, run: s.lookupTokens}
	s.scans = coalescer[scanCheckin]{max: scanBatch, lanes: s.dialect.writeLanes(), run: s.checkInScans}
	if err := s.write.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := s.openJobs(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes both pools.
func (s *Store) Close() error {
	s.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	err := s.write.Close()
	if s.read != s.write {
		if e := s.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Engine names the database engine: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.dialect.name() }

// Now is the store's clock, in UTC at microsecond precision (what both engines keep).
func (s *Store) Now() time.Time { return s.now() }

// DBStats returns the pools' statistics for /metrics.
func (s *Store) DBStats() map[string]sql.DBStats {
	if s.read == s.write {
		return map[string]sql.DBStats{"main": s.write.Stats()}
	}
	return map[string]sql.DBStats{"write": s.write.Stats(), "read": s.read.Stats()}
}

// Statements returns how many statements the store has run since it was opened (those of
// its own queries and writes; not River's, nor the migrations'), for benchmarks that print
// the statements one request costs.
func (s *Store) Statements() int64 { return s.statements.Load() }

// WarmReaders opens every connection of SQLite's read pool at once and has each read the
// schema, so that the first burst of requests after a start (a rush at 09:00 on a server
// restarted at 08:59) does not pay, request by request, for opening connections and
// parsing the schema of every migration in each: BenchmarkCheckinRush's first round was
// a third slower than the next ones. Nothing to do on PostgreSQL, whose server keeps
// the schema.
func (s *Store) WarmReaders(ctx context.Context) error {
	if s.read == s.write {
		return nil
	}
	n := s.read.Stats().MaxOpenConnections
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := s.read.Conn(ctx)
		if err != nil {
			return err
		}
		conns = append(conns, c)
		var one int
		if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions WHERE token_hash = ''").Scan(&one); err != nil {
			return err
		}
	}
	return nil
}

// Ping checks that the database answers, for /healthz.
func (s *Store) Ping(ctx context.Context) error { return s.read.PingContext(ctx) }

// DB returns the write pool, for tests and tools that must reach under the store (the
// tamper tests of the ledger, benchmarks of the raw database). What they write bypasses
// conn, so the cached login tokens are forgotten here: a write made after DB() returns is
// seen by the next token lookup.
func (s *Store) DB() *sql.DB {
	s.principals.forget()
	return s.write
}

// Rebind turns ? placeholders into the engine's own, for tests and tools using DB().
func (s *Store) Rebind(q string) string { return s.q(q) }

// q returns the query rebound for the engine, cached.
func (s *Store) q(query string) string {
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	r := s.dialect.rebind(query)
	s.rebound.Store(query, r)
	return r
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs rebound queries on a pool or a transaction.
type conn struct {
	s  *Store
	db querier
	// missed collects, in a write transaction, the queries that had no kept statement yet;
	// inTx prepares them on the write pool once the transaction has ended (the pool's one
	// SQLite connection is busy until then).
	missed *[]string
	// grants is set, in a write transaction, once a statement that may change what a login
	// token grants has run; inTx then forgets the cached tokens again after the commit.
	grants *bool
}

func (c conn) exec(ctx context.Context, query string, args ...any) (res sql.Result, err error) {
	c.s.statements.Add(1)
	if st := c.stmt(ctx, query); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = c.db.ExecContext(ctx, c.s.q(query), args...)
	}
	c.wrote(query)
	return res, err
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.s.statements.Add(1)
	c.wrote(query)
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, c.s.q(query), args...)
}

// placeholders returns n comma-separated ? marks, for an IN list.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// int64Args turns ids into query arguments, for an IN list.
func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// scanInt64 scans a one-column row of an integer, for queryAll.
func scanInt64(r rowScanner) (int64, error) {
	var v int64
	err := r.Scan(&v)
	return v, err
}

// queryAll runs a list query on c and scans every row with scan. No rows is an empty
// slice, not nil, so lists encode as [] rather than null.
func queryAll[T any](ctx context.Context, c conn, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	c.s.statements.Add(1)
	c.wrote(query)
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, c.s.q(query), args...)
}

// stmt returns the kept prepared statement for query on c's pool, or nil to run the query
// unprepared: in a transaction, on PostgreSQL, once the cache is full, or when preparing
// fails (the unprepared call then reports the error).
func (c conn) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx, ok := c.db.(*sql.Tx); ok && c.s.cacheStmts {
		// A statement kept on the write pool is prepared on its only connection, the
		// one this transaction holds: the transaction reuses it as it is.
		if v, ok := c.s.stmts.Load(stmtKey{c.s.write, query}); ok {
			return tx.StmtContext(ctx, v.(*sql.Stmt))
		}
		if c.missed != nil {
			*c.missed = append(*c.missed, query)
		}
		return nil
	}
	db, ok := c.db.(*sql.DB)
	if !ok || !c.s.cacheStmts {
		return nil
	}
	key := stmtKey{db, query}
	if v, ok := c.s.stmts.Load(key); ok {
		return v.(*sql.Stmt)
	}
	if c.s.nstmts.Load() >= maxStmts {
		return nil
	}
	st, err := db.PrepareContext(ctx, c.s.q(query))
	if err != nil {
		return nil
	}
	if v, loaded := c.s.stmts.LoadOrStore(key, st); loaded {
		st.Close()
		return v.(*sql.Stmt)
	}
	c.s.nstmts.Add(1)
	return st
}

// insert runs an INSERT … RETURNING id and returns the id.
func (c conn) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := c.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// reader returns a conn on the read pool.
func (s *Store) reader() conn { return conn{s: s, db: s.read} }

// writer returns a conn on the write pool, for single statements outside a transaction.
func (s *Store) writer() conn { return conn{s: s, db: s.write} }

// inTx runs fn in a write transaction and commits when fn returns nil. On SQLite the
// transaction begins IMMEDIATE, so it holds the write lock from the start and cannot
// fail half-way on a lock upgrade.
func (s *Store) inTx(ctx context.Context, fn func(tx conn) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	var missed []string
	var grants bool
	defer func() {
		for _, q := range missed {
			s.writer().stmt(ctx, q)
		}
	}()
	if err := fn(conn{s: s, db: tx, missed: &missed, grants: &grants}); err != nil {
		tx.Rollback()
		return err
	}
	err = tx.Commit()
	if grants {
		s.principals.forget() // see principalCache: after the commit, not only before
	}
	if err != nil {
		return s.translate(fmt.Errorf("commit: %w", err), nil)
	}
	return nil
}

// translate turns driver errors into the domain's: no rows → notfound, unique violations →
// conflict naming the field (uniques maps a column or constraint fragment to the field name
// and message). Other errors pass through wrapped as they are.
func (s *Store) translate(err error, uniques map[string][2]string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.record")
	}
	if detail, ok := s.dialect.uniqueViolation(err); ok {
		for frag, fm := range uniques {
			if strings.Contains(detail, frag) {
				return zhiyuan.FieldFail(zhiyuan.EConflict, fm[0], zhiyuan.Msg(fm[1]))
			}
		}
		return zhiyuan.Fail(zhiyuan.EConflict, "conflict.record")
	}
	return err
}

// notFound returns the domain's not-found error for a kind of record, named by its
// catalogue key ("notfound.activity").
func notFound(what zhiyuan.Msg) error {
	return zhiyuan.Fail(zhiyuan.ENotFound, what)
}

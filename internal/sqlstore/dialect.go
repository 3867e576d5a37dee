package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"modernc.org/sqlite" // registers "sqlite"; its errors carry the extended codes
)

// dialect is everything that differs between the engines, and this file is the only one
// that knows which engine it runs on: opening the pools, the drivers' error codes, and
// the few statements that are not shared SQL. Keep it small: shared SQL goes in the
// aggregate files.
type dialect interface {
	name() string
	rebind(query string) string
	uniqueViolation(err error) (detail string, ok bool)
	// retryable reports whether err is a transient conflict between transactions (a
	// deadlock or a serialisation failure) after which the transaction may run again.
	retryable(err error) bool
	// cacheStatements reports whether statements run on the pools are worth preparing
	// once per connection and keeping (store.go, stmt).
	cacheStatements() bool
	// ledgerGuardCount is a query counting the ledger's four append-only triggers
	// (VerifyLedger) that are in place and enabled, by name: other triggers on the same
	// tables (the figures' summaries) must not stand in for a lifted guard.
	ledgerGuardCount() string
	// beginBulkLoad prepares the write pool for a long run of bulk inserts and returns
	// what ends it (Store.BeginBulkLoad).
	beginBulkLoad(ctx context.Context, write *sql.DB) (end func())
	// lockMigrations serialises migrations between processes starting at once.
	lockMigrations(ctx context.Context, c conn) error
	// planArgs are leading query arguments that make the engine plan a statement with its
	// actual parameters every time (search.go: a generic plan cannot tell a selective
	// filter from an unselective one).
	planArgs() []any
	// jobDriver is River's driver for the engine on db (jobs.go). Both work on
	// database/sql, so a job is inserted with the store's own *sql.Tx.
	jobDriver(db *sql.DB) riverdriver.Driver[*sql.Tx]
	// migrateJobs brings River's own tables up to the version of River built in, after
	// the store's migrations, safely when several processes start at once.
	migrateJobs(ctx context.Context, s *Store) error
	// lockTables is a statement making other users of the tables wait until the
	// transaction ends ("" where the engine has one writer anyway): figures rebuild.
	lockTables(names []string) string
	// scratchTable is the statement creating a temporary table name of the transaction's
	// connection with columns cols ("c TYPE NOT NULL, …"), key being the columns later
	// statements group by, in that order (figures rebuild). SQLite keeps it as a B-tree on
	// key (WITHOUT ROWID), so a GROUP BY on a prefix of key reads it in order instead of
	// sorting it again; PostgreSQL hashes or sorts anyway and is spared the index.
	scratchTable(name, cols, key string) string
	// scratchFilled are the statements to run once a scratch table is filled, before it is
	// read: PostgreSQL's ANALYZE (a new temporary table has no statistics, so the planner
	// would guess its size), none on SQLite.
	scratchFilled(name string) []string
	// afterRebuild are the statements to run on tables once a transaction that emptied
	// and refilled them has committed, outside any transaction (figures rebuild):
	// PostgreSQL's VACUUM (ANALYZE), none on SQLite.
	afterRebuild(tables []string) []string
	// bigSorts is a statement giving the rest of the transaction more memory for its
	// sorts and hash tables ("" where the engine has no such setting): figures rebuild,
	// which groups millions of rows a few times.
	bigSorts() string
	// signupCall is the statement that makes a sign-up in one round trip (signups.go,
	// createSignupCall), or "" where the transaction of createSignup is as cheap.
	signupCall() string
	// signupRefusal returns the reason a signupCall raised ("volunteer", "other:<id>").
	signupRefusal(err error) (reason string, ok bool)
	// writeLanes is how many batches of coalesced writes (coalesce.go: check-ins by scan)
	// run at once: one on SQLite, whose one writer runs one anyway, more on PostgreSQL.
	writeLanes() int
	// groupCommit is how many concurrent write requests (sign-ups, likes) may share one
	// transaction, each in a savepoint (group.go), or 0 where each keeps a transaction of
	// its own.
	groupCommit() int
	// snapshotTx are the options of a read transaction that sees one moment throughout
	// (figures verify).
	snapshotTx() *sql.TxOptions
	// leagueVolunteers is the volunteers table, as v, in the League rate's statements
	// (league.go), which look each approved membership's volunteer up by id only to test
	// its status and political status.
	leagueVolunteers() string
	// lockCampaignActivity makes confirmations of an activity's hours wait while it is
	// entered into a campaign (campaigns.go; the confirmation trigger of migration 0028
	// takes the same lock shared), so that each confirmation is counted exactly once.
	lockCampaignActivity(ctx context.Context, c conn, activityID int64) error
	// rowsSource is the source of a multi-row INSERT of rows, each one value per column of
	// types (SQL type names: BIGINT, TEXT, BYTEA, DATE, TIMESTAMPTZ, BOOLEAN; a nil value
	// is NULL), and its arguments: "VALUES (?, …), …" with a parameter a value on SQLite;
	// on PostgreSQL "SELECT * FROM unnest(CAST(? AS type[]), …)" with one array a column,
	// parsed and bound once per column instead of once per value (the import's batches).
	rowsSource(types []string, rows [][]any) (string, []any)
	// copyRows writes rows (one value a column of cols; nil is NULL) into table in the
	// transaction open on c by the engine's bulk path, and reports whether it did: COPY on
	// PostgreSQL (through pgx's own connection), which skips parsing and planning an
	// INSERT of thousands of values; false on SQLite, where an INSERT is as fast (the
	// caller then inserts them itself).
	copyRows(ctx context.Context, c *sql.Conn, table string, cols []string, rows [][]any) (bool, error)
	// series is a FROM-clause source of the integers 0 … n-1 as column i of alias g (the
	// campaign benchmark's set-based loader, campaign_bulk.go): generate_series on
	// PostgreSQL, a recursive CTE on SQLite. n is written into the SQL as a number.
	series(n int64) string
	// suspendInsertTriggers removes the AFTER INSERT triggers of table for the rest of the
	// transaction c and returns what puts them back (before it commits): PostgreSQL
	// disables them (ALTER TABLE takes the table's exclusive lock until the end), SQLite
	// drops and recreates them from their own text, DDL being transactional there too.
	suspendInsertTriggers(ctx context.Context, c conn, table string) (resume func() error, err error)
}

// IsPostgres reports whether dsn names a PostgreSQL database; anything else is the path of
// a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

type sqliteDialect struct{}

// sqliteReaderCacheKiB is the page cache of each reader connection (SQLite's cache_size,
// in KiB; the default is 2 MB). It holds only pages a reader has read, so it grows to
// its size only under reads that range over that much of the file.
const sqliteReaderCacheKiB = 64 << 10

// openSQLite opens a SQLite file (creating it private) as a writer pool of exactly one
// connection whose transactions begin IMMEDIATE, so writers queue in Go instead of
// fighting over the file lock and no lock upgrade fails half-way, and a pool of
// query_only readers.
func openSQLite(ctx context.Context, dsn string, opt Options) (w, r *sql.DB, err error) {
	if dir := filepath.Dir(dsn); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	if err := createPrivate(dsn); err != nil {
		return nil, nil, err
	}
	// busy_timeout first so that the pragmas after it wait instead of failing while
	// another process holds the lock; then WAL so readers never block the writer.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	w, err = sql.Open("sqlite", "file:"+dsn+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Create the file and switch it to WAL before the readers open it.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	// Readers keep a 64 MiB page cache instead of SQLite's 2 MB: a page of a
	// province-sized table read once is then in memory the next time, which is what keeps
	// the bounded, index-driven walks (recommendations, candidates, search) as fast at
	// 200,000 activities or 1,000,000 volunteers as at 2,000 (docs/recommendations.md).
	// They used to map the file instead (mmap_size), but a WAL reader unmaps and maps it
	// again at the start of every read transaction after a commit, and under a rush of
	// writes that cost more than the reads (BenchmarkCheckinRush: 4,000 check-ins a
	// second mapped, 6,400 cached); every reader drops its cache then too, mapped or not.
	r, err = sql.Open("sqlite", "file:"+dsn+"?"+pragmas+"&_pragma=query_only(1)&_pragma=cache_size(-"+strconv.Itoa(sqliteReaderCacheKiB)+")")
	if err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	r.SetMaxOpenConns(opt.MaxOpenConns)
	r.SetMaxIdleConns(opt.MaxIdleConns)
	r.SetConnMaxIdleTime(0)
	return w, r, nil
}

// createPrivate creates a new SQLite database file with mode 0600 before SQLite opens it.
// SQLite would create it 0644 less the umask; it then creates the -wal and -shm files (and
// again whenever they reappear after the last connection closed) with the database file's
// own permissions, so making the database private makes all three private. An existing
// file is left as it is: serve warns when it is readable by others (see DataDirWarnings).
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

func (sqliteDialect) name() string { return "sqlite" }

func (sqliteDialect) rebind(q string) string { return q }

func (sqliteDialect) uniqueViolation(err error) (string, bool) {
	var e *sqlite.Error
	if errors.As(err, &e) {
		// 2067 SQLITE_CONSTRAINT_UNIQUE, 1555 SQLITE_CONSTRAINT_PRIMARYKEY
		if c := e.Code(); c == 2067 || c == 1555 {
			return e.Error(), true // "UNIQUE constraint failed: accounts.phone"
		}
	}
	return "", false
}

// SQLite has one writer, which waits for the file lock (busy_timeout) rather than fail:
// no conflict between transactions is left to retry.
func (sqliteDialect) retryable(error) bool { return false }

// SQLite compiles a statement anew for every unprepared call, and for short reads the
// compiling was most of the time (BenchmarkAPIMe).
func (sqliteDialect) cacheStatements() bool { return true }

func (sqliteDialect) ledgerGuardCount() string {
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN
		('hour_entries_no_update', 'hour_entries_no_delete', 'hour_confirmations_no_update', 'hour_confirmations_no_delete')`
}

// On SQLite a bulk load gives the write connection a 256 MB page cache for the duration:
// blind indexes are random, so a bulk load touches index pages all over the file, and the
// default 2 MB cache makes it re-read them for every batch (measured: twice as fast with
// the large cache).
func (sqliteDialect) beginBulkLoad(ctx context.Context, write *sql.DB) (end func()) {
	var old int64
	if err := write.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&old); err != nil {
		return func() {}
	}
	if _, err := write.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
		return func() {}
	}
	return func() {
		write.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = "+strconv.FormatInt(old, 10))
	}
}

// SQLite needs no lock: the write pool's single connection and BEGIN IMMEDIATE serialise
// migrations already.
func (sqliteDialect) lockMigrations(context.Context, conn) error { return nil }

// One writer at a time: a confirmation cannot run beside an entry.
func (sqliteDialect) lockCampaignActivity(context.Context, conn, int64) error { return nil }

// SQLite plans without looking at parameter values (no STAT4): nothing to ask for.
func (sqliteDialect) planArgs() []any { return nil }

// On SQLite the League rate reads the volunteers through volunteers_league_idx (id,
// political_status, status), migration 0019: looked up by the integer primary key, each
// volunteer costs a page of the wide volunteers table (sealed contact details, search
// text), a whole province's memberships once per level above them. The narrow covering
// index holds the same answer in a fraction of the pages; measured on the 20,000-volunteer
// demo, the province-wide figures became 3–4 times faster. SQLite, without ANALYZE
// statistics, does not choose it by itself (the primary key looks cheaper), so the
// statement names it. PostgreSQL plans the same joins with hash joins and needs no hint.
func (sqliteDialect) rowsSource(types []string, rows [][]any) (string, []any) {
	args := make([]any, 0, len(types)*len(rows))
	for _, r := range rows {
		args = append(args, r...)
	}
	return "VALUES " + repeatTuple("("+placeholders(len(types))+")", len(rows)), args
}

func (sqliteDialect) copyRows(context.Context, *sql.Conn, string, []string, [][]any) (bool, error) {
	return false, nil
}

func (sqliteDialect) leagueVolunteers() string {
	return "volunteers v INDEXED BY volunteers_league_idx"
}

// River's SQLite driver on the write pool: River's queries queue for its one connection
// with the requests' writes, in Go, instead of fighting them for the file's lock.
func (sqliteDialect) jobDriver(db *sql.DB) riverdriver.Driver[*sql.Tx] { return riversqlite.New(db) }

// On SQLite all of River's migrations run in one write transaction, which BEGIN
// IMMEDIATE serialises with any other process migrating (SQLite has none of the
// statements that must commit before the next may use them).
func (d sqliteDialect) migrateJobs(ctx context.Context, s *Store) error {
	m, err := rivermigrate.New(d.jobDriver(s.write), &rivermigrate.Config{Logger: quietLog})
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx conn) error {
		// Deprecated for PostgreSQL's sake (see migrateJobs there); right for SQLite.
		//lint:ignore SA1019 one transaction is what serialises concurrent starts here
		_, err := m.MigrateTx(ctx, tx.db.(*sql.Tx), rivermigrate.DirectionUp, nil)
		return err
	})
}

// In process, a statement costs no round trip: the sign-up stays a transaction in Go.
func (sqliteDialect) signupCall() string                 { return "" }
func (sqliteDialect) signupRefusal(error) (string, bool) { return "", false }

// One writer: requests queued for it share its transactions, up to 64 at once (group.go).
func (sqliteDialect) groupCommit() int { return 64 }

func (sqliteDialect) writeLanes() int { return 1 }

// A DELETE puts SQLite's pages on the file's free list, and the INSERT after it takes them
// back: nothing is left to clean.
func (sqliteDialect) afterRebuild([]string) []string { return nil }

// SQLite's one writer already keeps every other writer out.
func (sqliteDialect) lockTables([]string) string { return "" }

func (sqliteDialect) scratchTable(name, cols, key string) string {
	return "CREATE TEMP TABLE " + name + " (" + cols + ", PRIMARY KEY (" + key + ")) WITHOUT ROWID"
}

func (sqliteDialect) scratchFilled(string) []string { return nil }

// modernc's SQLite sorts in its page cache and temporary files: nothing to raise per
// transaction.
func (sqliteDialect) bigSorts() string { return "" }

// A SQLite read transaction in WAL mode sees one snapshot from its first read on.
func (sqliteDialect) snapshotTx() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

type postgresDialect struct{}

// openPostgres opens the one pool that both reads and writes on PostgreSQL.
func openPostgres(dsn string, opt Options) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(opt.MaxOpenConns)
	db.SetMaxIdleConns(opt.MaxIdleConns)
	db.SetConnMaxLifetime(max(opt.ConnMaxLifetime, 0)) // database/sql: 0 is never
	db.SetConnMaxIdleTime(max(opt.ConnMaxIdleTime, 0))
	return db, nil
}

func (postgresDialect) name() string { return "postgres" }

// rebind turns ? into $1, $2, … outside string literals.
func (postgresDialect) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inString := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inString = !inString
			b.WriteByte(c)
		case c == '?' && !inString:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (postgresDialect) uniqueViolation(err error) (string, bool) {
	var e *pgconn.PgError
	if errors.As(err, &e) && e.Code == "23505" {
		return e.ConstraintName + " " + e.Detail, true
	}
	return "", false
}

// 40P01 deadlock_detected, 40001 serialization_failure.
func (postgresDialect) retryable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == "40P01" || e.Code == "40001")
}

// The sign-up's transaction as one call of the server-side function of migration 0034.
func (postgresDialect) signupCall() string {
	return `SELECT outcome, signup_id, place, session_status FROM zhiyuan_signup(?, ?, ?, ?, ?, ?, ?, ?, ?)`
}

// The function raises its refusals (P0001, raise_exception) with a message
// "zhiyuan_signup:<reason>", so the call's seat is undone with it.
func (postgresDialect) signupRefusal(err error) (string, bool) {
	var e *pgconn.PgError
	if errors.As(err, &e) && e.Code == "P0001" {
		return strings.CutPrefix(e.Message, "zhiyuan_signup:")
	}
	return "", false
}

// Many connections write at once: no single writer to share, and the sign-up is one
// call already.
func (postgresDialect) groupCommit() int { return 0 }

// Two batches at once: while one waits for its round trip, the next is being built and
// sent, and the pool's other connections stay free for the rest of the platform.
func (postgresDialect) writeLanes() int { return 2 }

// The rebuild's DELETE leaves every old row of the tables dead beside the new ones until
// autovacuum passes, and readers step over them meanwhile (at 10,000,000 entries fig_org
// held 215,844 dead rows beside 120,000 live, and the top organisations were read 5–6
// times slower than at 100,000); the statistics are those of before the rebuild too.
func (postgresDialect) afterRebuild(tables []string) []string {
	qs := make([]string, len(tables))
	for i, t := range tables {
		qs[i] = "VACUUM (ANALYZE) " + t
	}
	return qs
}

// pgx keeps its own statement cache per connection.
func (postgresDialect) cacheStatements() bool { return false }

func (postgresDialect) ledgerGuardCount() string {
	return `SELECT COUNT(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		WHERE c.relnamespace = to_regnamespace(current_schema())::oid
		AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgname IN
		('hour_entries_append_only', 'hour_entries_no_truncate', 'hour_confirmations_append_only', 'hour_confirmations_no_truncate')`
}

// PostgreSQL's bulk loads need nothing: the server's cache is the operator's.
func (postgresDialect) beginBulkLoad(context.Context, *sql.DB) (end func()) { return func() {} }

// PostgreSQL switches a prepared statement to a generic plan after five runs; pgx's
// "exec" mode sends an unnamed statement each time, which is planned for its values.
func (postgresDialect) planArgs() []any { return []any{pgx.QueryExecModeExec} }

func (postgresDialect) leagueVolunteers() string { return "volunteers v" }

func (postgresDialect) rowsSource(types []string, rows [][]any) (string, []any) {
	casts := make([]string, len(types))
	args := make([]any, len(types))
	for j, t := range types {
		casts[j] = "CAST(? AS " + t + "[])"
		switch t {
		case "BIGINT":
			col := make([]int64, len(rows))
			for i, r := range rows {
				switch v := r[j].(type) {
				case int64:
					col[i] = v
				case int:
					col[i] = int64(v)
				}
			}
			args[j] = col
		case "TEXT":
			col := make([]*string, len(rows))
			for i, r := range rows {
				if v, ok := r[j].(string); ok {
					col[i] = &v
				}
			}
			args[j] = col
		case "BYTEA":
			col := make([][]byte, len(rows))
			for i, r := range rows {
				col[i], _ = r[j].([]byte)
			}
			args[j] = col
		case "BOOLEAN":
			col := make([]bool, len(rows))
			for i, r := range rows {
				col[i], _ = r[j].(bool)
			}
			args[j] = col
		case "DATE", "TIMESTAMPTZ":
			col := make([]*time.Time, len(rows))
			for i, r := range rows {
				if v, ok := r[j].(time.Time); ok {
					col[i] = &v
				}
			}
			args[j] = col
		default:
			panic("rowsSource: no array for type " + t)
		}
	}
	return "SELECT * FROM unnest(" + strings.Join(casts, ", ") + ")", args
}

func (postgresDialect) copyRows(ctx context.Context, c *sql.Conn, table string, cols []string, rows [][]any) (bool, error) {
	err := c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copyRows: %T is not pgx's connection", dc)
		}
		_, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	return err == nil, err
}

// River's database/sql driver on the store's pool (pgx's stdlib). It has no LISTEN
// connection of its own, so the runner polls (jobs.Options.PollInterval); see
// docs/ARCHITECTURE.md.
func (postgresDialect) jobDriver(db *sql.DB) riverdriver.Driver[*sql.Tx] {
	return riverdatabasesql.New(db)
}

// On PostgreSQL River migrates each version in its own transaction (some must commit
// before the next uses them), so processes starting at once are serialised by a
// session-level advisory lock held on a connection of its own for the whole run.
func (d postgresDialect) migrateJobs(ctx context.Context, s *Store) error {
	m, err := rivermigrate.New(d.jobDriver(s.write), &rivermigrate.Config{Logger: quietLog})
	if err != nil {
		return err
	}
	// The lock's connection is not taken from the pool, which may be one connection
	// (--db-max-conns 1) that River's migrations then need.
	lockDB, err := sql.Open("pgx", s.dsn)
	if err != nil {
		return err
	}
	defer lockDB.Close()
	c, err := lockDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock river migrations: %w", err)
	}
	defer c.Close() // closing the session releases the lock, also when Migrate fails
	if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock(7261737)"); err != nil {
		return fmt.Errorf("lock river migrations: %w", err)
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

func (postgresDialect) lockMigrations(ctx context.Context, c conn) error {
	// A transaction-scoped advisory lock: released by commit or rollback.
	_, err := c.exec(ctx, "SELECT pg_advisory_xact_lock(7261736)")
	return err
}

// The exclusive side of the advisory lock the confirmation trigger takes shared (class 16,
// the activity id folded into an int4: a collision only makes one more writer wait).
func (postgresDialect) lockCampaignActivity(ctx context.Context, c conn, activityID int64) error {
	_, err := c.exec(ctx, "SELECT pg_advisory_xact_lock(16, CAST(CAST(? AS BIGINT) % 2147483647 AS INTEGER))", activityID)
	return err
}

// ACCESS EXCLUSIVE mode makes every reader and writer of the tables wait. The rebuild
// suspends the insert triggers of two of them (suspendInsertTriggers: ALTER TABLE …
// DISABLE TRIGGER takes this mode); taking it for all at the start means the rebuild
// never upgrades a lock it holds mid-way, which could deadlock with a transaction that
// read one of the tables and then waits to write another.
func (postgresDialect) lockTables(names []string) string {
	return "LOCK TABLE " + strings.Join(names, ", ") + " IN ACCESS EXCLUSIVE MODE"
}

func (postgresDialect) scratchTable(name, cols, _ string) string {
	return "CREATE TEMP TABLE " + name + " (" + cols + ")"
}

func (postgresDialect) scratchFilled(name string) []string { return []string{"ANALYZE " + name} }

// work_mem is per sort or hash node; 4 MB by default, with which grouping a few million
// rows spills to disk in many passes. SET LOCAL ends with the transaction.
func (postgresDialect) bigSorts() string { return "SET LOCAL work_mem = '128MB'" }

// PostgreSQL's READ COMMITTED takes a new snapshot per statement; REPEATABLE READ keeps one.
func (postgresDialect) snapshotTx() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// The campaign benchmark's set-based loader (campaign_bulk.go).

func (sqliteDialect) series(n int64) string {
	m := strconv.FormatInt(n, 10)
	return `(WITH RECURSIVE g(i) AS (SELECT 0 WHERE 0 < ` + m + ` UNION ALL SELECT i + 1 FROM g WHERE i + 1 < ` + m + `) SELECT i FROM g) AS g`
}

func (postgresDialect) series(n int64) string {
	// BIGINT bounds make i a BIGINT: with INTEGER ones i × stride overflows past 271,000.
	return `generate_series(CAST(0 AS BIGINT), CAST(` + strconv.FormatInt(n-1, 10) + ` AS BIGINT)) AS g(i)`
}

func (sqliteDialect) suspendInsertTriggers(ctx context.Context, c conn, table string) (func() error, error) {
	type trig struct{ name, sql string }
	var list []trig
	err := eachRow(ctx, c, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?
		AND upper(sql) LIKE '%AFTER INSERT ON%' ORDER BY name`, []any{table}, func(r rowScanner) error {
		var t trig
		if err := r.Scan(&t.name, &t.sql); err != nil {
			return err
		}
		list = append(list, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		if _, err := c.exec(ctx, `DROP TRIGGER "`+t.name+`"`); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, t := range list {
			if _, err := c.exec(ctx, t.sql); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

func (postgresDialect) suspendInsertTriggers(ctx context.Context, c conn, table string) (func() error, error) {
	var names []string
	err := eachRow(ctx, c, `SELECT t.tgname FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
		WHERE r.relname = ? AND NOT t.tgisinternal AND t.tgenabled <> 'D'
		AND (t.tgtype & 4) <> 0 AND (t.tgtype & 66) = 0 ORDER BY t.tgname`, []any{table}, func(r rowScanner) error {
		var n string
		if err := r.Scan(&n); err != nil {
			return err
		}
		names = append(names, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := c.exec(ctx, `ALTER TABLE `+table+` DISABLE TRIGGER `+n); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, n := range names {
			if _, err := c.exec(ctx, `ALTER TABLE `+table+` ENABLE TRIGGER `+n); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

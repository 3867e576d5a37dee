package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"modernc.org/sqlite"
)

// dialect is everything that differs between the engines. Keep it small: shared SQL
// goes in the aggregate files.
type dialect interface {
	name() string
	rebind(query string) string
	uniqueViolation(err error) (detail string, ok bool)
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
}

type sqliteDialect struct{}

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

// SQLite needs no lock: the write pool's single connection and BEGIN IMMEDIATE serialise
// migrations already.
func (sqliteDialect) lockMigrations(context.Context, conn) error { return nil }

// SQLite plans without looking at parameter values (no STAT4): nothing to ask for.
func (sqliteDialect) planArgs() []any { return nil }

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

type postgresDialect struct{}

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

// PostgreSQL switches a prepared statement to a generic plan after five runs; pgx's
// "exec" mode sends an unnamed statement each time, which is planned for its values.
func (postgresDialect) planArgs() []any { return []any{pgx.QueryExecModeExec} }

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

package sqlstore

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

func (postgresDialect) lockMigrations(ctx context.Context, c conn) error {
	// A transaction-scoped advisory lock: released by commit or rollback.
	_, err := c.exec(ctx, "SELECT pg_advisory_xact_lock(7261736)")
	return err
}

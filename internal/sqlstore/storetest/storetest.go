// Package storetest runs one test body against every database engine: SQLite always, and
// PostgreSQL when ZHIYUAN_TEST_POSTGRES_URL names a server (make test starts one). Without
// it the PostgreSQL half of each test is skipped, saying so (or fails when
// ZHIYUAN_TEST_REQUIRE_POSTGRES=1; see testneed). Each test gets a fresh database: a
// temporary SQLite file, or a PostgreSQL schema of its own that is dropped afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/testneed"
)

// EnvPostgres names the variable holding the PostgreSQL server for tests.
const EnvPostgres = "ZHIYUAN_TEST_POSTGRES_URL"

// Engines returns the engines every test runs on. Both always: where no PostgreSQL server
// is given, DSN and New skip the PostgreSQL subtest with the reason, so a run without
// one says what it left out instead of passing quietly on SQLite alone.
func Engines() []string { return []string{"sqlite", "postgres"} }

// Each runs fn as a subtest once per engine, each with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) {
			fn(t, New(t, engine, sqlstore.Options{}))
		})
	}
}

// New opens a fresh, migrated store on engine; it is closed and removed when t ends.
func New(t testing.TB, engine string, opt sqlstore.Options) *sqlstore.Store {
	t.Helper()
	dsn := DSN(t, engine)
	s, err := sqlstore.Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// DSN returns a connection string to a fresh, empty database on engine. For PostgreSQL
// without ZHIYUAN_TEST_POSTGRES_URL it skips t (see testneed.Postgres).
func DSN(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "zhiyuan.db")
	case "postgres":
		base := os.Getenv(EnvPostgres)
		if base == "" {
			testneed.Postgres.Missing(t, EnvPostgres+" is unset")
		}
		return freshSchema(t, base)
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// freshSchema creates a schema with a random name and returns base with its search_path
// pointing there, so every table the migrations create lands in it.
func freshSchema(t testing.TB, base string) string {
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

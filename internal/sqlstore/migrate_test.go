package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestMigrationPairs checks that both engines have the same migration files and that each
// pair creates the same tables with the same columns, by reading the SQL itself (so it
// runs without PostgreSQL).
func TestMigrationPairs(t *testing.T) {
	t.Parallel()
	lite, err := sqlstore.MigrationFiles("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqlstore.MigrationFiles("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lite, pg) {
		t.Fatalf("migration files differ:\nsqlite   %v\npostgres %v", lite, pg)
	}
	for _, name := range lite {
		a := schemaOf(t, "internal/sqlstore/migrations/sqlite/"+name)
		b := schemaOf(t, "internal/sqlstore/migrations/postgres/"+name)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: tables and columns differ\nsqlite   %v\npostgres %v", name, a, b)
		}
	}
}

var (
	createTable = regexp.MustCompile(`(?is)CREATE TABLE (?:IF NOT EXISTS )?(\w+)\s*\((.*?)\n\)(?: WITHOUT ROWID)?;`) // WITHOUT ROWID: SQLite only
	alterAdd    = regexp.MustCompile(`(?i)ALTER TABLE (\w+) ADD COLUMN (\w+)`)
	columnLine  = regexp.MustCompile(`^\s*(\w+)\s`)
)

func schemaOf(t *testing.T, path string) map[string][]string {
	t.Helper()
	body, err := os.ReadFile("../../" + path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, m := range createTable.FindAllStringSubmatch(string(body), -1) {
		var cols []string
		for _, line := range strings.Split(m[2], "\n") {
			c := columnLine.FindStringSubmatch(line)
			if c == nil {
				continue
			}
			switch strings.ToUpper(c[1]) {
			case "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT":
				continue
			}
			cols = append(cols, strings.ToLower(c[1]))
		}
		sort.Strings(cols)
		out[strings.ToLower(m[1])] = cols
	}
	for _, m := range alterAdd.FindAllStringSubmatch(string(body), -1) {
		out[strings.ToLower(m[1])+"+"] = append(out[strings.ToLower(m[1])+"+"], strings.ToLower(m[2]))
	}
	return out
}

// TestMigrateTwice checks that migrating an up-to-date database changes nothing.
func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.DB().QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		files, _ := sqlstore.MigrationFiles(s.Engine())
		if n != len(files) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(files))
		}
	})
}

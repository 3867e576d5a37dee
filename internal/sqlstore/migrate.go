package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Migrations come in pairs, one file per engine with the same name; migrate_test.go checks
// that both sets have the same files, tables and columns.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// MigrationFiles lists the migration file names of an engine ("sqlite" or "postgres"), in
// the order they apply.
func MigrationFiles(engine string) ([]string, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations/"+engine)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Migrate applies the migrations not yet applied, each in its own transaction, and records
// them in schema_migrations. Safe to run from several processes at once.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.writer().exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY,
		applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := MigrationFiles(s.dialect.name())
	if err != nil {
		return err
	}
	for _, name := range names {
		body, err := migrationFS.ReadFile(path.Join("migrations", s.dialect.name(), name))
		if err != nil {
			return err
		}
		err = s.inTx(ctx, func(tx conn) error {
			if err := s.dialect.lockMigrations(ctx, tx); err != nil {
				return err
			}
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.db.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.exec(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", name, s.now())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	// River's tables come after ours, from River's own migrator, so that a newer River
	// brings its schema changes with it (docs/ARCHITECTURE.md, "Background jobs").
	if err := s.dialect.migrateJobs(ctx, s); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

//go:build unix

package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"zhiyuan/internal/sqlstore"
)

// TestNewDataFolderIsPrivate: opening a new data folder makes the folder 0700 and the
// database with its -wal and -shm files 0600, even under a umask that lets everyone read
// (SQLite alone would make them 0644 less the umask), also when the -wal and -shm files
// appear again after a restart.
func TestNewDataFolderIsPrivate(t *testing.T) {
	t.Parallel()
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "new", "data")
	path := filepath.Join(dir, "zhiyuan.db")
	for round := range 2 {
		s, err := sqlstore.Open(context.Background(), path, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// A write, so the -wal file has content and the read pool maps the -shm file.
		if _, err := s.DB().Exec("CREATE TABLE IF NOT EXISTS perms_probe (x INTEGER)"); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{path, path + "-wal", path + "-shm"} {
			info, err := os.Stat(name)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("round %d: %s has mode %04o, want 0600", round, filepath.Base(name), info.Mode().Perm())
			}
		}
		s.Close()
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if info, err := os.Stat(d); err != nil || info.Mode().Perm() != 0o700 {
			t.Errorf("folder %s: %v %v, want 0700", d, info.Mode().Perm(), err)
		}
	}
}

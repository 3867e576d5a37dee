//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/config"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestWarnOpenDataDir: a data folder made beforehand with 0755, holding a database file
// of an older version (0644), gets one warning naming the folder, its mode, the files and
// the chmod to run; a private folder gets none.
func TestWarnOpenDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "zhiyuan.db"), nil, 0o600)
	os.Chmod(filepath.Join(dir, "zhiyuan.db"), 0o644)
	os.WriteFile(filepath.Join(dir, "pii.keys"), nil, 0o600)

	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	if !warnOpenDataDir(log, dir) {
		t.Fatal("no warning for a 0755 folder")
	}
	out := buf.String()
	for _, want := range []string{"level=WARN", "folder=" + dir, "mode=0755", "zhiyuan.db 0644",
		"chmod 700 " + dir, "chmod 600 " + filepath.Join(dir, "zhiyuan.db")} {
		if !strings.Contains(out, want) {
			t.Errorf("warning does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "pii.keys") || strings.Count(out, "\n") != 1 {
		t.Errorf("want one warning naming only the open files:\n%s", out)
	}

	// After the chmod it suggests, all is quiet.
	os.Chmod(dir, 0o700)
	os.Chmod(filepath.Join(dir, "zhiyuan.db"), 0o600)
	buf.Reset()
	if warnOpenDataDir(log, dir) || buf.Len() != 0 {
		t.Errorf("warning for a private folder:\n%s", buf.String())
	}
}

// TestNewDataFolderPrivate: the binary creates a data folder of its own 0700, with the
// database and the personal-data keys 0600.
func TestNewDataFolderPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fresh", "data")
	if out, stderr, exit := run(t, nil, "migrate", "--data", dir); exit != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", exit, out, stderr)
	}
	want := map[string]os.FileMode{dir: 0o700, config.SQLitePath(dir): 0o600, filepath.Join(dir, pii.FileName): 0o600}
	for path, mode := range want {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != mode {
			t.Errorf("%s: %v, want %04o", path, err, mode)
		}
	}
}

// TestUpgradeSealsContactDetails: a database holding email, address and guardian name and
// phone in clear (as before migration 0011) has none left in clear after the binary opened
// it, on both engines, and each value opens back to what it was with the keys in use.
func TestUpgradeSealsContactDetails(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			data := t.TempDir()
			args := []string{"--data", data}
			dsn := config.SQLitePath(data)
			if engine == "postgres" {
				dsn = storetest.DSN(t, engine)
				args = append(args, "--db", dsn)
			}
			keys, err := pii.NewKeys()
			if err != nil {
				t.Fatal(err)
			}
			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			const n = 30
			batch := make([]sqlstore.BulkVolunteer, n)
			for i := range batch {
				batch[i] = sqlstore.BulkVolunteer{Volunteer: &zhiyuan.Volunteer{Name: "旧数据", IDType: zhiyuan.IDResident,
					Phone: fmt.Sprintf("139%08d", i), RegionCode: "440106", Sex: "female", Minor: true,
					BirthDate: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)},
					Secrets: sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: fmt.Sprint("old", i)}}
			}
			if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
				t.Fatal(err)
			}
			clear := func(i int) [4]string {
				return [4]string{fmt.Sprintf("v%d@example.com", i), fmt.Sprintf("佛山市顺德区%d号", i),
					fmt.Sprintf("家长%d", i), fmt.Sprintf("136%08d", i)}
			}
			for i, b := range batch {
				c := clear(i)
				if _, err := s.DB().ExecContext(ctx, s.Rebind(`UPDATE volunteers SET email = ?, address = ?,
					guardian_name = ?, guardian_phone = ? WHERE id = ?`), c[0], c[1], c[2], c[3], b.Volunteer.ID); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()

			env := []string{pii.EnvVar + "=" + keys.Marshal()}
			if out, stderr, exit := run(t, env, append([]string{"migrate"}, args...)...); exit != 0 ||
				!strings.Contains(out, fmt.Sprintf("sealed for %d volunteers", n)) {
				t.Fatalf("migrate: exit %d\n%s%s", exit, out, stderr)
			}

			s, err = sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var left int
			s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteers
				WHERE email <> '' OR address <> '' OR guardian_name <> '' OR guardian_phone <> ''`).Scan(&left)
			if left != 0 {
				t.Fatalf("%d rows still in clear", left)
			}
			for i, b := range batch {
				v, err := s.FindVolunteerByID(ctx, b.Volunteer.ID)
				if err != nil {
					t.Fatal(err)
				}
				var got [4]string
				for k, f := range []struct {
					b   []byte
					col string
				}{{v.Sealed.Email, "email"}, {v.Sealed.Address, "address"}, {v.Sealed.GuardianName, "guardian_name"},
					{v.Sealed.GuardianPhone, "guardian_phone"}} {
					if got[k], err = keys.Open(f.b, f.col); err != nil {
						t.Fatalf("volunteer %d %s: %v", i, f.col, err)
					}
				}
				if got != clear(i) {
					t.Errorf("volunteer %d reads back %q, want %q", i, got, clear(i))
				}
			}
		})
	}
}

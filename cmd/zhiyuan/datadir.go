package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// warnOpenDataDir logs one warning when the data folder, or a file in it (the SQLite
// database and its -wal and -shm files, pii.keys, signing.keys), gives group or others any
// access: the folder holds the database and the keys that open its personal data. What
// the platform creates itself is private (folder 0700, files 0600); a folder made
// beforehand, or files from an older version, keep their modes, because changing an
// operator's choice silently could break their backups. The warning names the folder,
// the modes found and the chmod to run, and reports whether there was anything to warn
// about.
func warnOpenDataDir(log *slog.Logger, dir string) bool {
	if runtime.GOOS == "windows" { // no Unix modes to check
		return false
	}
	info, err := os.Stat(dir)
	if err != nil {
		return false
	}
	var fixes, files []string
	if info.Mode().Perm()&0o077 != 0 {
		fixes = append(fixes, "chmod 700 "+shellQuote(dir))
	}
	entries, _ := os.ReadDir(dir)
	var open []string
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		files = append(files, fmt.Sprintf("%s %04o", e.Name(), fi.Mode().Perm()))
		open = append(open, shellQuote(filepath.Join(dir, e.Name())))
	}
	if len(open) > 0 {
		fixes = append(fixes, "chmod 600 "+strings.Join(open, " "))
	}
	if len(fixes) == 0 {
		return false
	}
	log.Warn("data folder readable by others: it holds the database and the keys to its personal data",
		slog.String("folder", dir), slog.String("mode", fmt.Sprintf("%04o", info.Mode().Perm())),
		slog.String("files", strings.Join(files, ", ")), slog.String("fix", strings.Join(fixes, " && ")))
	return true
}

// shellQuote quotes a path for the suggested command when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Package keyfile keeps a secret in a file of the data folder: created once at first start,
// atomically and with mode 0600, and replaced atomically afterwards. The platform's key
// sets (personal-data encryption, card signing) all live this way, so a crash never leaves
// a truncated key file and two processes starting at once never end up with different keys.
package keyfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreate returns the contents of dir/name. When the file does not exist it writes
// the text that create returns (creating dir with mode 0700) and returns that; when
// another process created it first, it returns the other process's file instead.
func LoadOrCreate(dir, name string, create func() (string, error)) (string, error) {
	path := filepath.Join(dir, name)
	if b, err := os.ReadFile(path); !errors.Is(err, fs.ErrNotExist) {
		return string(b), err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating key folder: %w", err)
	}
	text, err := create()
	if err != nil {
		return "", err
	}
	tmp, err := writeTemp(dir, name, text)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	// A hard link fails when the target exists (a rename would overwrite it), so a second
	// process starting at the same moment reads the first one's keys instead.
	err = os.Link(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		return read(path)
	}
	if err != nil {
		// Some file systems (certain network and FUSE mounts) have no hard links: fall back
		// to rename, accepting a tiny race on simultaneous first starts rather than
		// refusing to start at all.
		if _, serr := os.Lstat(path); serr == nil {
			return read(path)
		}
		if rerr := os.Rename(tmp, path); rerr != nil {
			return "", fmt.Errorf("installing key file: %w", rerr)
		}
	}
	syncDir(dir)
	return text, nil
}

// Write replaces dir/name with text atomically, with mode 0600 (after a key rotation).
func Write(dir, name, text string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating key folder: %w", err)
	}
	tmp, err := writeTemp(dir, name, text)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replacing key file: %w", err)
	}
	syncDir(dir)
	return nil
}

func read(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// writeTemp writes text to a temporary file in dir (mode 0600) and flushes it to disk, so
// that after a crash the key file is either complete or absent, never truncated.
func writeTemp(dir, name, text string) (string, error) {
	f, err := os.CreateTemp(dir, name+".tmp*")
	if err != nil {
		return "", fmt.Errorf("writing key file: %w", err)
	}
	_, err = f.WriteString(text)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing key file: %w", err)
	}
	return f.Name(), nil
}

// syncDir makes the new directory entry durable; best effort, since some platforms
// cannot sync directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

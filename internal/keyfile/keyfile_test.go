package keyfile

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestLoadOrCreate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	calls := 0
	create := func() (string, error) { calls++; return "secret-1\n", nil }
	got, err := LoadOrCreate(dir, "k.keys", create)
	if err != nil || got != "secret-1\n" {
		t.Fatalf("first start: %q, %v", got, err)
	}
	info, err := os.Stat(filepath.Join(dir, "k.keys"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v, %v", info.Mode(), err)
	}
	if d, _ := os.Stat(dir); d.Mode().Perm() != 0o700 {
		t.Errorf("key folder mode %v", d.Mode().Perm())
	}
	got, err = LoadOrCreate(dir, "k.keys", func() (string, error) { return "other", nil })
	if err != nil || got != "secret-1\n" || calls != 1 {
		t.Fatalf("second start must read the file: %q, %v, %d calls", got, err, calls)
	}
	if err := Write(dir, "k.keys", "secret-2\n"); err != nil {
		t.Fatal(err)
	}
	if got, _ := LoadOrCreate(dir, "k.keys", create); got != "secret-2\n" {
		t.Fatalf("after Write: %q", got)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestConcurrentFirstStart: processes starting at once all end up with one key set.
func TestConcurrentFirstStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var wg sync.WaitGroup
	results := make([]string, 16)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			text, err := LoadOrCreate(dir, "k.keys", func() (string, error) { return string(rune('a' + i)), nil })
			if err != nil {
				t.Error(err)
			}
			results[i] = text
		}(i)
	}
	wg.Wait()
	for _, r := range results {
		if r != results[0] {
			t.Fatalf("different keys after a concurrent first start: %q", results)
		}
	}
}

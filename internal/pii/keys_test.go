package pii

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func mustKeys(t *testing.T) *Keys {
	t.Helper()
	k, err := NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	for _, plain := range []string{"", "11010519491231002X", "张三", strings.Repeat("长文本", 1000)} {
		ct, err := k.Seal(plain, "id_number")
		if err != nil {
			t.Fatal(err)
		}
		if len(plain) > 4 && bytes.Contains(ct, []byte(plain)) {
			t.Fatal("ciphertext contains the plaintext")
		}
		got, err := k.Open(ct, "id_number")
		if err != nil || got != plain {
			t.Fatalf("Open = %q, %v; want %q", got, err, plain)
		}
	}
}

func TestSealIsRandomised(t *testing.T) {
	t.Parallel()
	// Equal plaintexts must not produce equal ciphertexts, or the encrypted
	// column would leak which volunteers share a value.
	k := mustKeys(t)
	a, _ := k.Seal("13812345678", "phone")
	b, _ := k.Seal("13812345678", "phone")
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same value are identical")
	}
}

func TestSealRequiresContext(t *testing.T) {
	t.Parallel()
	if _, err := mustKeys(t).Seal("x", ""); err == nil {
		t.Fatal("Seal with empty context succeeded")
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	ct, err := k.Seal("11010519491231002X", "id_number")
	if err != nil {
		t.Fatal(err)
	}
	// Flip every bit position in turn: each must be detected.
	for i := range ct {
		for bit := 0; bit < 8; bit++ {
			bad := bytes.Clone(ct)
			bad[i] ^= 1 << bit
			if got, err := k.Open(bad, "id_number"); err == nil {
				t.Fatalf("tampered byte %d bit %d opened as %q", i, bit, got)
			}
		}
	}
	for _, bad := range [][]byte{nil, {}, {formatV1}, ct[:headerLen], ct[:len(ct)-1], append(bytes.Clone(ct), 0)} {
		if _, err := k.Open(bad, "id_number"); err == nil {
			t.Fatalf("malformed ciphertext %x opened", bad)
		}
	}
}

func TestOpenRejectsWrongContext(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	ct, _ := k.Seal("13812345678", "phone")
	for _, ctx := range []string{"id_number", "Phone", "phone ", "phon", ""} {
		if _, err := k.Open(ct, ctx); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Open with context %q: err = %v, want ErrDecrypt", ctx, err)
		}
	}
}

func TestOpenRejectsOtherKeySet(t *testing.T) {
	t.Parallel()
	ct, _ := mustKeys(t).Seal("secret", "id_number")
	if _, err := mustKeys(t).Open(ct, "id_number"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("err = %v, want ErrDecrypt", err)
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k, err := LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := k.Seal("old value", "id_number")
	if id, _ := KeyIDOf(old); id != 1 || k.ActiveKeyID() != 1 {
		t.Fatalf("initial key ID = %d, active %d; want 1", id, k.ActiveKeyID())
	}
	bi := k.BlindIndex("id_number", "old value")

	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	if k.ActiveKeyID() != 2 {
		t.Fatalf("active after Rotate = %d, want 2", k.ActiveKeyID())
	}
	fresh, _ := k.Seal("new value", "id_number")
	if id, _ := KeyIDOf(fresh); id != 2 {
		t.Fatalf("new ciphertext key ID = %d, want 2", id)
	}
	if got, err := k.Open(old, "id_number"); err != nil || got != "old value" {
		t.Fatalf("old ciphertext after Rotate: %q, %v", got, err)
	}
	if k.BlindIndex("id_number", "old value") != bi {
		t.Fatal("Rotate changed the blind index")
	}
	if err := k.Save(dir); err != nil {
		t.Fatal(err)
	}

	fromFile, err := LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	fromString, err := KeysFromString(k.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Keys{"file": fromFile, "string": fromString} {
		if r.ActiveKeyID() != 2 {
			t.Errorf("%s: active = %d, want 2", name, r.ActiveKeyID())
		}
		if got, err := r.Open(old, "id_number"); err != nil || got != "old value" {
			t.Errorf("%s: old ciphertext: %q, %v", name, got, err)
		}
		if got, err := r.Open(fresh, "id_number"); err != nil || got != "new value" {
			t.Errorf("%s: new ciphertext: %q, %v", name, got, err)
		}
		ct, _ := r.Seal("x", "id_number")
		if id, _ := KeyIDOf(ct); id != 2 {
			t.Errorf("%s: seals with key %d, want 2", name, id)
		}
		if r.BlindIndex("id_number", "old value") != bi {
			t.Errorf("%s: blind index changed", name)
		}
	}
}

func TestOpenUnknownKey(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	stale, err := KeysFromString(k.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	ct, _ := k.Seal("v", "c")
	// A key file restored from before the rotation cannot know key 2.
	if _, err := stale.Open(ct, "c"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("err = %v, want ErrUnknownKey", err)
	}
}

func TestRotateLimit(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	for i := 2; i <= maxKeyID; i++ {
		if err := k.Rotate(); err != nil {
			t.Fatalf("Rotate to %d: %v", i, err)
		}
	}
	if err := k.Rotate(); err == nil {
		t.Fatal("Rotate beyond the maximum key ID succeeded")
	}
	ct, _ := k.Seal("v", "c")
	if id, _ := KeyIDOf(ct); id != maxKeyID {
		t.Fatalf("key ID = %d, want %d", id, maxKeyID)
	}
	r, err := KeysFromString(k.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.Open(ct, "c"); err != nil || got != "v" {
		t.Fatalf("Open after reload: %q, %v", got, err)
	}
}

func TestConcurrentRotateAndSeal(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				ct, err := k.Seal("v", "c")
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := k.Open(ct, "c"); err != nil || got != "v" {
					t.Errorf("Open: %q, %v", got, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := 0; i < 20; i++ {
			if err := k.Rotate(); err != nil {
				t.Error(err)
			}
			_ = k.Marshal()
		}
	})
	wg.Wait()
}

func TestBlindIndex(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	a := k.BlindIndex("id_number", "11010519491231002X")
	if len(a) != 64 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("blind index %q is not 64 hex characters", a)
	}
	if k.BlindIndex("id_number", "11010519491231002X") != a {
		t.Fatal("blind index not deterministic")
	}
	if k.BlindIndex("id_number", " 11010519491231002x ") != a {
		t.Fatal("blind index does not normalise case and spaces")
	}
	if k.BlindIndex("passport", "11010519491231002X") == a {
		t.Fatal("blind index equal across kinds")
	}
	if k.BlindIndex("id_number", "11010519491231003X") == a {
		t.Fatal("blind index equal for different values")
	}
	// The NUL separator keeps ("ab", "c") and ("a", "bc") apart.
	if k.BlindIndex("ab", "C") == k.BlindIndex("a", "BC") {
		t.Fatal("kind/value boundary is ambiguous")
	}
	if mustKeys(t).BlindIndex("id_number", "11010519491231002X") == a {
		t.Fatal("blind index independent of the key")
	}
	reloaded, err := KeysFromString(k.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if reloaded.BlindIndex("id_number", "11010519491231002X") != a {
		t.Fatal("blind index changed after reload")
	}
}

func TestBlindIndexPanicsOnBadKind(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	for _, kind := range []string{"", "a\x00b"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("BlindIndex(%q, ...) did not panic", kind)
				}
			}()
			k.BlindIndex(kind, "v")
		}()
	}
}

func TestLoadOrCreateKeys(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "keys") // does not exist yet
	k1, err := LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "#") || !strings.Contains(string(data), k1.Marshal()) {
		t.Fatalf("unexpected key file contents:\n%s", data)
	}

	ct, _ := k1.Seal("value", "ctx")
	k2, err := LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Marshal() != k1.Marshal() {
		t.Fatal("second load generated new keys instead of reusing the file")
	}
	if got, err := k2.Open(ct, "ctx"); err != nil || got != "value" {
		t.Fatalf("Open with reloaded keys: %q, %v", got, err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
		t.Fatal("second load rewrote the key file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestLoadOrCreateKeysConcurrentFirstStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 8
	results := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := LoadOrCreateKeys(dir)
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = k.Marshal()
		})
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if results[i] != results[0] {
			t.Fatal("concurrent first starts ended up with different keys")
		}
	}
}

func TestLoadOrCreateKeysRejectsCorruptFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Silently generating new keys here would orphan all encrypted data.
	if _, err := LoadOrCreateKeys(dir); err == nil {
		t.Fatal("corrupt key file accepted")
	}
}

func TestSaveKeepsMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := mustKeys(t)
	if err := k.Save(dir); err != nil {
		t.Fatal(err)
	}
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := k.Save(dir); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestKeysFromStringErrors(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	good := k.Marshal()
	bi := strings.Split(good, ",")[1]
	k1 := strings.Split(good, ",")[2]
	short := "AAAA"
	tests := map[string]string{
		"empty":           "",
		"wrong prefix":    "pii2," + bi + "," + k1,
		"no blind key":    "pii1," + k1,
		"no enc key":      "pii1," + bi,
		"duplicate bi":    "pii1," + bi + "," + bi + "," + k1,
		"duplicate id":    good + "," + k1,
		"short key":       "pii1," + bi + ",k1=" + short,
		"short blind key": "pii1,bi=" + short + "," + k1,
		"bad base64":      "pii1," + bi + ",k1=!!!",
		"id zero":         "pii1," + bi + ",k0=" + strings.TrimPrefix(k1, "k1="),
		"id too large":    "pii1," + bi + ",k256=" + strings.TrimPrefix(k1, "k1="),
		"id leading zero": "pii1," + bi + ",k01=" + strings.TrimPrefix(k1, "k1="),
		"unknown field":   good + ",x=AAAA",
		"missing equals":  good + ",k2",
		"trailing comma":  good + ",",
	}
	for name, s := range tests {
		if _, err := KeysFromString(s); err == nil {
			t.Errorf("%s: accepted %q", name, s)
		} else if strings.Contains(err.Error(), strings.TrimPrefix(k1, "k1=")) {
			t.Errorf("%s: error message leaks key material: %v", name, err)
		}
	}
}

func TestKeysFromStringAcceptsFileFormat(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	s := "# comment\n\n  " + k.Marshal() + "  \n# trailing comment\n"
	r, err := KeysFromString(s)
	if err != nil {
		t.Fatal(err)
	}
	if r.Marshal() != k.Marshal() {
		t.Fatal("round trip through file format changed the keys")
	}
}

func TestKeysDoNotPrintSecrets(t *testing.T) {
	t.Parallel()
	k := mustKeys(t)
	secret := strings.TrimPrefix(strings.Split(k.Marshal(), ",")[1], "bi=")
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k)} {
		if strings.Contains(s, secret) || strings.Contains(s, "[") {
			t.Fatalf("formatted keys reveal material: %s", s)
		}
	}
}

func TestKeyIDOf(t *testing.T) {
	t.Parallel()
	for _, bad := range [][]byte{nil, {formatV1}, {9, 1}} {
		if _, err := KeyIDOf(bad); err == nil {
			t.Errorf("KeyIDOf(%x) succeeded", bad)
		}
	}
}

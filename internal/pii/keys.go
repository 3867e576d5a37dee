// Package pii protects the personal data volunteers entrust to the platform:
// identity document numbers, phone numbers and names.
//
// Three complementary tools are provided:
//
//   - Seal and Open encrypt a value for storage (AES-256-GCM), so a leaked
//     database dump or backup does not expose identity numbers.
//   - BlindIndex derives a keyed, deterministic token from a value, so the
//     database can still enforce uniqueness and answer "is this ID number
//     already registered?" without storing the number in clear.
//   - The Mask functions produce the partially hidden forms shown in the user
//     interface and on public certificate checks.
//
// NormalizePhone canonicalises mainland mobile numbers so that the blind index
// of "+86 138 1234 5678" and "13812345678" is the same.
//
// Keys live in a small file (see LoadOrCreateKeys) or in an environment
// variable (see KeysFromString and EnvVar). Losing them makes every sealed
// value unreadable, so operators must back them up separately from the
// database; storing them next to the database dump would defeat the purpose.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"zhiyuan/internal/keyfile"
)

// FileName is the name of the key file inside the directory given to
// LoadOrCreateKeys.
const FileName = "pii.keys"

// EnvVar is the environment variable in which deployments that cannot keep a
// key file (e.g. some container platforms) pass the output of Keys.Marshal.
const EnvVar = "ZHIYUAN_PII_KEYS"

// keySize is 32 bytes: AES-256 for encryption and a full SHA-256 block's worth
// of secret for HMAC.
const keySize = 32

// formatV1 is the first byte of every ciphertext, so a future change of
// algorithm can be recognised instead of failing as "tampered".
const formatV1 = 1

// headerLen is the format byte plus the key ID byte.
const headerLen = 2

// marshalPrefix starts the serialised key set and doubles as its version.
const marshalPrefix = "pii1"

// maxKeyID is the largest key ID; IDs are stored in one byte of every
// ciphertext, and 255 rotations is far beyond any realistic key lifetime.
const maxKeyID = 255

var (
	// ErrDecrypt is returned by Open when a ciphertext is malformed, was
	// modified, or was sealed under a different context. The causes are
	// deliberately not distinguished, as is usual for authenticated encryption.
	ErrDecrypt = errors.New("pii: ciphertext cannot be opened (corrupted, tampered with, or wrong context)")
	// ErrUnknownKey is returned by Open when the ciphertext names a key ID
	// that is not in the loaded key set, typically because an old key file
	// was restored after a rotation.
	ErrUnknownKey = errors.New("pii: ciphertext was sealed with a key that is not loaded")
)

// Keys holds the encryption keys (for Seal/Open) and the blind-index key. It
// is safe for concurrent use, including Rotate while other goroutines seal
// and open.
//
// Encryption keys can be rotated: each has a small integer ID (1-255) that is
// written into every ciphertext, new data is sealed with the newest (active)
// key, and old data still opens with the key its ID names. The blind-index
// key, in contrast, never rotates: blind indexes stored in the database are
// compared with freshly computed ones on every look-up and unique-index
// check, so changing that key would silently break duplicate detection for
// all existing rows.
type Keys struct {
	mu     sync.RWMutex
	raw    map[int][]byte
	aeads  map[int]cipher.AEAD
	active int
	blind  []byte
}

// NewKeys generates a fresh key set with one encryption key (ID 1) and a
// blind-index key, using crypto/rand.
func NewKeys() (*Keys, error) {
	k := &Keys{raw: map[int][]byte{}, aeads: map[int]cipher.AEAD{}}
	k.blind = make([]byte, keySize)
	if _, err := rand.Read(k.blind); err != nil {
		return nil, fmt.Errorf("pii: generating blind-index key: %w", err)
	}
	if err := k.addNewKey(1); err != nil {
		return nil, err
	}
	return k, nil
}

// addNewKey generates a key with the given ID and makes it active; the caller
// holds k.mu or owns k exclusively.
func (k *Keys) addNewKey(id int) error {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("pii: generating encryption key: %w", err)
	}
	if err := k.addKey(id, key); err != nil {
		return err
	}
	k.active = id
	return nil
}

// addKey registers an existing key; the caller holds k.mu or owns k.
func (k *Keys) addKey(id int, key []byte) error {
	if len(key) != keySize {
		return fmt.Errorf("pii: encryption key %d has %d bytes, want %d", id, len(key), keySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return fmt.Errorf("pii: encryption key %d: %w", id, err)
	}
	// Random nonces are safe here: each key would need 2^32 sealed values
	// before collisions become a concern, and rotation resets the count.
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return fmt.Errorf("pii: encryption key %d: %w", id, err)
	}
	k.raw[id] = key
	k.aeads[id] = aead
	return nil
}

// Rotate adds a new encryption key and makes it active; existing keys are
// kept so that previously sealed data still opens. The blind-index key is not
// changed (see Keys). Call Save afterwards to persist the new key, or the
// data sealed with it becomes unreadable after a restart.
func (k *Keys) Rotate() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.active >= maxKeyID {
		return fmt.Errorf("pii: cannot rotate: key ID %d is the maximum", maxKeyID)
	}
	return k.addNewKey(k.active + 1)
}

// ActiveKeyID returns the ID of the key that Seal currently uses, so a
// re-encryption job can find rows still sealed with older keys.
func (k *Keys) ActiveKeyID() int {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.active
}

// KeyIDOf returns the encryption key ID recorded in a ciphertext produced by
// Seal, without decrypting it.
func KeyIDOf(ciphertext []byte) (int, error) {
	if len(ciphertext) < headerLen || ciphertext[0] != formatV1 {
		return 0, ErrDecrypt
	}
	return int(ciphertext[1]), nil
}

// Seal encrypts plaintext with the active key. context names the column or
// purpose (e.g. "id_number") and is authenticated but not stored: a
// ciphertext copied into another column fails to open there, which stops an
// attacker with write access to the database from swapping values around to
// make the application decrypt them in a visible place. The result is
// format byte, key ID byte, nonce, then ciphertext and tag.
func (k *Keys) Seal(plaintext string, context string) ([]byte, error) {
	if context == "" {
		return nil, errors.New("pii: Seal needs a non-empty context")
	}
	k.mu.RLock()
	id := k.active
	aead := k.aeads[id]
	k.mu.RUnlock()
	header := [headerLen]byte{formatV1, byte(id)}
	out := make([]byte, headerLen, headerLen+aead.Overhead()+len(plaintext))
	copy(out, header[:])
	return aead.Seal(out, nil, []byte(plaintext), additionalData(header, context)), nil
}

// Open decrypts a ciphertext produced by Seal with the same context. It
// returns ErrUnknownKey if the key it names is not loaded and ErrDecrypt for
// anything else that goes wrong.
func (k *Keys) Open(ciphertext []byte, context string) (string, error) {
	if len(ciphertext) < headerLen || ciphertext[0] != formatV1 {
		return "", ErrDecrypt
	}
	id := int(ciphertext[1])
	k.mu.RLock()
	aead, ok := k.aeads[id]
	k.mu.RUnlock()
	if !ok {
		return "", fmt.Errorf("%w (key ID %d)", ErrUnknownKey, id)
	}
	header := [headerLen]byte{ciphertext[0], ciphertext[1]}
	plain, err := aead.Open(nil, nil, ciphertext[headerLen:], additionalData(header, context))
	if err != nil {
		return "", ErrDecrypt
	}
	return string(plain), nil
}

// additionalData binds the header (so the key ID cannot be altered) and the
// context (so ciphertexts cannot move between columns). The header has a fixed
// length, so the concatenation is unambiguous.
func additionalData(header [headerLen]byte, context string) []byte {
	ad := make([]byte, 0, headerLen+len(context))
	ad = append(ad, header[:]...)
	return append(ad, context...)
}

// BlindIndex returns a deterministic token for value, suitable for an
// indexed, UNIQUE database column: HMAC-SHA256 under the blind-index key over
// kind, a NUL byte and the normalised value, hex-encoded (64 characters).
// kind (e.g. "id_number", "phone") separates namespaces so equal strings of
// different kinds do not match. The value is trimmed and upper-cased as a
// safety net, but callers should pass canonical forms (idcard.Number.String,
// NormalizePhone) because only they know the real equivalences. kind must be
// non-empty and free of NUL bytes; anything else panics, as it is a
// programming error that would make indexes ambiguous.
func (k *Keys) BlindIndex(kind, value string) string {
	if kind == "" || strings.IndexByte(kind, 0) >= 0 {
		panic("pii: BlindIndex kind must be non-empty and contain no NUL byte: " + strconv.Quote(kind))
	}
	mac := hmac.New(sha256.New, k.blind)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(strings.ToUpper(strings.TrimSpace(value))))
	return hex.EncodeToString(mac.Sum(nil))
}

// String describes the key set without revealing key material, so that
// accidentally logging a *Keys is harmless.
func (k *Keys) String() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return fmt.Sprintf("pii.Keys{active: %d, encryption keys: %d}", k.active, len(k.raw))
}

// GoString is like String, so that %#v does not print key material either.
func (k *Keys) GoString() string { return k.String() }

var b64 = base64.RawURLEncoding

// Marshal serialises the key set into a single line that is safe in
// environment variables and shell files:
//
//	pii1,bi=<blind-index key>,k1=<key 1>,k2=<key 2>...
//
// with keys in unpadded base64url. The highest ID is the active key. The
// result is as secret as the keys themselves.
func (k *Keys) Marshal() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	var b strings.Builder
	b.WriteString(marshalPrefix)
	b.WriteString(",bi=")
	b.WriteString(b64.EncodeToString(k.blind))
	ids := make([]int, 0, len(k.raw))
	for id := range k.raw {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, ",k%d=%s", id, b64.EncodeToString(k.raw[id]))
	}
	return b.String()
}

// KeysFromString parses the output of Marshal. Lines starting with '#' and
// surrounding white space are ignored, so the contents of a key file are
// accepted too. The active key is the one with the highest ID, which makes a
// separate "active" field (and its possible inconsistency) unnecessary.
func KeysFromString(s string) (*Keys, error) {
	var parts []string
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts = append(parts, line)
	}
	fields := strings.Split(strings.Join(parts, ""), ",")
	if fields[0] != marshalPrefix {
		return nil, fmt.Errorf("pii: key string must start with %q", marshalPrefix)
	}
	k := &Keys{raw: map[int][]byte{}, aeads: map[int]cipher.AEAD{}}
	for _, f := range fields[1:] {
		name, val, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("pii: malformed key field %q", redact(f))
		}
		key, err := b64.DecodeString(val)
		if err != nil {
			return nil, fmt.Errorf("pii: key %q is not base64url", name)
		}
		switch {
		case name == "bi":
			if k.blind != nil {
				return nil, errors.New("pii: duplicate blind-index key")
			}
			if len(key) != keySize {
				return nil, fmt.Errorf("pii: blind-index key has %d bytes, want %d", len(key), keySize)
			}
			k.blind = key
		case strings.HasPrefix(name, "k"):
			id, err := strconv.Atoi(name[1:])
			if err != nil || id < 1 || id > maxKeyID || name[1:] != strconv.Itoa(id) {
				return nil, fmt.Errorf("pii: invalid key ID in %q", name)
			}
			if _, dup := k.raw[id]; dup {
				return nil, fmt.Errorf("pii: duplicate key ID %d", id)
			}
			if err := k.addKey(id, key); err != nil {
				return nil, err
			}
			k.active = max(k.active, id)
		default:
			return nil, fmt.Errorf("pii: unknown key field %q", name)
		}
	}
	if k.blind == nil {
		return nil, errors.New("pii: missing blind-index key")
	}
	if len(k.raw) == 0 {
		return nil, errors.New("pii: no encryption key")
	}
	return k, nil
}

// redact keeps error messages from echoing key material.
func redact(field string) string {
	if len(field) > 8 {
		return field[:8] + "..."
	}
	return field
}

// fileHeader is written above the key line to warn whoever opens the file.
const fileHeader = `# zhiyuan personal-data keys (generated automatically).
# Without this file, encrypted ID and phone numbers cannot be read; anyone who
# has it and the database can read them. Back it up securely and separately
# from the database, never commit it, and keep its mode at 0600.
`

// LoadOrCreateKeys reads dir/pii.keys, or, if it does not exist, generates a
// new key set with crypto/rand and writes it there with mode 0600 (creating
// dir with mode 0700 if needed). If two processes start at once, creation is
// atomic and both end up with the same keys.
func LoadOrCreateKeys(dir string) (*Keys, error) {
	text, err := keyfile.LoadOrCreate(dir, FileName, func() (string, error) {
		k, err := NewKeys()
		if err != nil {
			return "", err
		}
		return fileHeader + k.Marshal() + "\n", nil
	})
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	k, err := KeysFromString(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, FileName), err)
	}
	return k, nil
}

// Save writes the key set to dir/pii.keys with mode 0600, replacing any
// existing file atomically. It is needed after Rotate.
func (k *Keys) Save(dir string) error {
	if err := keyfile.Write(dir, FileName, fileHeader+k.Marshal()+"\n"); err != nil {
		return fmt.Errorf("pii: %w", err)
	}
	return nil
}

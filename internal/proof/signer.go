// Package proof makes what the platform hands out and anyone can check: the signed QR
// payload of the digital volunteer card, card numbers with a check character, the PDF
// proof of service (志愿服务记录证明) with an embedded CJK font subset and a QR code, and
// the card photo, re-encoded so that nothing but pixels rides along. It has no database
// access: the application decides what to sign or print and stores what comes out.
//
// Card payloads are signed with an Ed25519 key of the platform, generated into the data
// folder at first start (LoadOrCreateSigner). The public keys are published as a JWK set
// (Signer.JWKS) so a partner's app can verify a card offline; every payload names the key
// that signed it, so keys can rotate while older payloads still verify.
package proof

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"zhiyuan/internal/keyfile"
)

// KeyFileName is the name of the signing key file inside the data folder.
const KeyFileName = "signing.keys"

// keyIDLen is the number of bytes of a key ID: the first bytes of the SHA-256 of the
// public key. Six bytes (eight base64url characters) keep payloads short while making a
// collision between the few keys a platform ever has practically impossible.
const keyIDLen = 6

// keyFilePrefix starts every key line and doubles as the file format's version.
const keyFilePrefix = "ed25519"

// b64 is unpadded base64url, strict so that a payload has exactly one text form: the
// loose decoder ignores the spare bits of the last character, which would let a changed
// character still verify. Even strict, encoding/base64 skips CR and LF anywhere in its
// input; decodeCanonical closes that too.
var b64 = base64.RawURLEncoding.Strict()

// decodeCanonical decodes s only if s is the one canonical spelling of its bytes (the
// re-encoding of what it decodes to): no CR or LF inside, no padding, no spare bits.
func decodeCanonical(s string) ([]byte, bool) {
	raw, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(raw) != s {
		return nil, false
	}
	return raw, true
}

// PublicKeys are the keys a verifier accepts, by key ID.
type PublicKeys map[string]ed25519.PublicKey

// KeyID returns the key ID of an Ed25519 public key: base64url of the first six bytes
// of its SHA-256. Deriving it from the key (instead of numbering keys) means two
// platforms or two rotations can never hand out the same ID for different keys.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return b64.EncodeToString(sum[:keyIDLen])
}

// Signer holds the platform's signing keys: the active one signs, all of them verify.
// It is safe for concurrent use.
type Signer struct {
	mu     sync.RWMutex
	keys   []ed25519.PrivateKey // oldest first; the last one is active
	public PublicKeys
}

// NewSigner generates a signer with one fresh key.
func NewSigner() (*Signer, error) {
	s := &Signer{public: PublicKeys{}}
	if err := s.addNew(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Signer) addNew() error {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("proof: generating signing key: %w", err)
	}
	s.add(priv)
	return nil
}

func (s *Signer) add(priv ed25519.PrivateKey) {
	s.keys = append(s.keys, priv)
	pub := priv.Public().(ed25519.PublicKey)
	s.public[KeyID(pub)] = pub
}

// active returns the signing key and its ID.
func (s *Signer) active() (ed25519.PrivateKey, string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := s.keys[len(s.keys)-1]
	return k, KeyID(k.Public().(ed25519.PublicKey))
}

// ActiveKeyID returns the ID of the key that signs now.
func (s *Signer) ActiveKeyID() string {
	_, id := s.active()
	return id
}

// PublicKeys returns a copy of every key the signer has, for verification.
func (s *Signer) PublicKeys() PublicKeys {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(PublicKeys, len(s.public))
	for id, k := range s.public {
		out[id] = k
	}
	return out
}

// Rotate adds a new key and makes it the one that signs; older keys keep verifying the
// payloads they signed. Call Save afterwards, or the new key is lost at restart and
// what it signed stops verifying.
func (s *Signer) Rotate() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addNew()
}

// String describes the signer without key material, so logging it is harmless.
func (s *Signer) String() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fmt.Sprintf("proof.Signer{active: %s, keys: %d}", KeyID(s.keys[len(s.keys)-1].Public().(ed25519.PublicKey)), len(s.keys))
}

// GoString is like String.
func (s *Signer) GoString() string { return s.String() }

// JWK is one public key in the JSON Web Key form of RFC 8037 (OKP, Ed25519), which
// common JOSE libraries read directly.
type JWK struct {
	KeyType string `json:"kty"`
	Curve   string `json:"crv"`
	KeyID   string `json:"kid"`
	X       string `json:"x"`
	Use     string `json:"use"`
	Alg     string `json:"alg"`
	Active  bool   `json:"active"` // the key that signs new payloads; the others only verify
}

// JWKS is the published key set: GET /api/v1/keys.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWKS returns the public keys as a JWK set, newest first.
func (s *Signer) JWKS() JWKS {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := JWKS{Keys: make([]JWK, 0, len(s.keys))}
	for i := len(s.keys) - 1; i >= 0; i-- {
		pub := s.keys[i].Public().(ed25519.PublicKey)
		out.Keys = append(out.Keys, JWK{
			KeyType: "OKP", Curve: "Ed25519", KeyID: KeyID(pub), X: b64.EncodeToString(pub),
			Use: "sig", Alg: "EdDSA", Active: i == len(s.keys)-1,
		})
	}
	return out
}

// ParseJWKS reads a published key set (the body of GET /api/v1/keys) into the keys
// VerifyCard accepts. A key whose kid does not match its x is refused: the ID is derived
// from the key, so a mismatch means the set was altered.
func ParseJWKS(data []byte) (PublicKeys, error) {
	var set JWKS
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("proof: key set: %w", err)
	}
	out := PublicKeys{}
	for _, k := range set.Keys {
		if k.KeyType != "OKP" || k.Curve != "Ed25519" {
			continue
		}
		x, ok := decodeCanonical(k.X)
		if !ok || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("proof: key %q: x is not an Ed25519 public key", k.KeyID)
		}
		pub := ed25519.PublicKey(x)
		if KeyID(pub) != k.KeyID {
			return nil, fmt.Errorf("proof: key %q: kid does not match the key", k.KeyID)
		}
		out[k.KeyID] = pub
	}
	if len(out) == 0 {
		return nil, errors.New("proof: key set has no Ed25519 key")
	}
	return out, nil
}

// Marshal writes the signer's private keys, one line per key, oldest first:
// "ed25519 <kid> <seed in base64url>". The result is as secret as the keys.
func (s *Signer) Marshal() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var b strings.Builder
	for _, k := range s.keys {
		fmt.Fprintf(&b, "%s %s %s\n", keyFilePrefix, KeyID(k.Public().(ed25519.PublicKey)), b64.EncodeToString(k.Seed()))
	}
	return b.String()
}

// SignerFromString reads the output of Marshal; lines starting with '#' and blank lines
// are ignored. The last key is the active one.
func SignerFromString(text string) (*Signer, error) {
	s := &Signer{public: PublicKeys{}}
	n := 0
	for line := range strings.Lines(text) {
		n++
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || f[0] != keyFilePrefix {
			return nil, fmt.Errorf("proof: key line %d: want %q, kid and seed", n, keyFilePrefix)
		}
		seed, err := b64.DecodeString(f[2])
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("proof: key line %d: seed is not %d bytes of base64url", n, ed25519.SeedSize)
		}
		priv := ed25519.NewKeyFromSeed(seed)
		if id := KeyID(priv.Public().(ed25519.PublicKey)); id != f[1] {
			return nil, fmt.Errorf("proof: key line %d: kid %s does not match the key", n, f[1])
		}
		s.add(priv)
	}
	if len(s.keys) == 0 {
		return nil, errors.New("proof: no signing key")
	}
	return s, nil
}

const keyFileHeader = `# zhiyuan card signing keys (generated automatically). The last line signs.
# Anyone who has this file can make volunteer cards that verify: keep it at mode 0600,
# back it up separately from the database and never commit it. After a rotation keep
# the older lines, or the cards they signed stop verifying.
`

// LoadOrCreateSigner reads dir/signing.keys or, on first start, generates a key and
// writes it there with mode 0600 (creating dir with mode 0700). Creation is atomic: two
// processes starting at once end up with the same key.
func LoadOrCreateSigner(dir string) (*Signer, error) {
	text, err := keyfile.LoadOrCreate(dir, KeyFileName, func() (string, error) {
		s, err := NewSigner()
		if err != nil {
			return "", err
		}
		return keyFileHeader + s.Marshal(), nil
	})
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	s, err := SignerFromString(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, KeyFileName), err)
	}
	return s, nil
}

// Save writes the signer's keys to dir/signing.keys (mode 0600), replacing the file
// atomically; needed after Rotate.
func (s *Signer) Save(dir string) error {
	if err := keyfile.Write(dir, KeyFileName, keyFileHeader+s.Marshal()); err != nil {
		return fmt.Errorf("proof: %w", err)
	}
	return nil
}

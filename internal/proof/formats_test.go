package proof

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"zhiyuan/internal/formatdoc"
)

// The tests in this file check the published formats of this package against the
// known-answer vectors in docs/formats.md, read from the document itself: a change to a
// format, or to the document, fails here.

// docSigner returns a signer holding the document's keys named in list ("key 1, key 2"),
// in that order, so the last one signs. Each key is checked against its vector on the way:
// public key, the SHA-256 the key id is cut from, the key id and the JWK x.
func docSigner(t *testing.T, list string) *Signer {
	t.Helper()
	var lines strings.Builder
	for name := range strings.SplitSeq(list, ",") {
		v := formatdoc.One(t, strings.TrimSpace(name))
		seed := v.Hex(t, "seed")
		if len(seed) != ed25519.SeedSize {
			t.Fatalf("%s: seed of %d bytes", v, len(seed))
		}
		pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		if got := hex.EncodeToString(pub); got != v.Get(t, "public") {
			t.Errorf("%s: public key %s", v, got)
		}
		sum := sha256.Sum256(pub)
		if got := hex.EncodeToString(sum[:]); got != v.Get(t, "sha256") {
			t.Errorf("%s: sha256 %s", v, got)
		}
		kid := v.Get(t, "kid")
		if got := KeyID(pub); got != kid {
			t.Errorf("%s: KeyID %s, want %s", v, got, kid)
		}
		if got := b64.EncodeToString(pub); got != v.Get(t, "x") {
			t.Errorf("%s: x %s", v, got)
		}
		// The key file line carries the document's kid: SignerFromString refuses a
		// kid that is not derived from the key.
		lines.WriteString("ed25519 " + kid + " " + b64.EncodeToString(seed) + "\n")
	}
	s, err := SignerFromString(lines.String())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFormatKeySet: GET /api/v1/keys is exactly the published JWK set, newest first,
// and a verifier reading it gets every key under its derived id.
func TestFormatKeySet(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "key set")
	list := v.Get(t, "keys")
	s := docSigner(t, list)
	got := mustJSON(t, s.JWKS())
	want := v.Get(t, "json")
	if string(got) != want {
		t.Fatalf("key set\n%s\nwant\n%s", got, want)
	}
	keys, err := ParseJWKS([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	for id, pub := range s.PublicKeys() {
		if !pub.Equal(keys[id]) {
			t.Errorf("key %s read back as %x", id, keys[id])
		}
	}
	if len(keys) != strings.Count(list, ",")+1 {
		t.Errorf("read %d keys from the set", len(keys))
	}
}

// TestFormatCardPayload: fixed claims and key give exactly the published body, signed
// message, signature and payload; the payload verifies until its expiry instant and
// not at it.
func TestFormatCardPayload(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "card payload")
	s := docSigner(t, v.Get(t, "key"))
	claims := CardClaims{
		CardNumber:       v.Get(t, "card_number"),
		VolunteerNo:      v.Get(t, "volunteer_no"),
		MaskedName:       v.Get(t, "masked_name"),
		StarLevel:        int(v.Int(t, "star_level")),
		ConfirmedMinutes: v.Int(t, "confirmed_minutes"),
		RegionCode:       v.Get(t, "region_code"),
		IssuedAt:         v.Time(t, "issued_at"),
		ExpiresAt:        v.Time(t, "expires_at"),
	}
	payload, err := s.SignCard(claims)
	if err != nil {
		t.Fatal(err)
	}
	if want := v.Get(t, "payload"); payload != want {
		t.Errorf("payload\n%s\nwant\n%s", payload, want)
	}
	raw, ok := decodeCanonical(payload)
	if !ok || len(raw) < ed25519.SignatureSize {
		t.Fatalf("payload does not decode: %q", payload)
	}
	body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	if want := v.Parts(t, "body"); string(body) != string(want) {
		t.Errorf("body\n%x\nwant\n%x", body, want)
	}
	signed := v.Hex(t, "signed")
	if got := signedMessage(body); string(got) != string(signed) {
		t.Errorf("signed message\n%x\nwant\n%x", got, signed)
	}
	if want := v.Hex(t, "signature"); string(sig) != string(want) {
		t.Errorf("signature\n%x\nwant\n%x", sig, want)
	}
	// What a partner does with the document alone: the published signature verifies
	// over the published message with the published key.
	pub := s.PublicKeys()[s.ActiveKeyID()]
	if !ed25519.Verify(pub, signed, v.Hex(t, "signature")) {
		t.Error("the published signature does not verify over the published message")
	}

	got, err := VerifyCard(payload, s.PublicKeys(), v.Time(t, "verifies_at"))
	if err != nil {
		t.Fatalf("verify before expiry: %v", err)
	}
	claims.KeyID = s.ActiveKeyID()
	claims.IssuedAt, claims.ExpiresAt = claims.IssuedAt.UTC(), claims.ExpiresAt.UTC()
	if got != claims {
		t.Errorf("claims read back\n%+v\nwant\n%+v", got, claims)
	}
	if _, err := VerifyCard(payload, s.PublicKeys(), v.Time(t, "expired_at")); !errors.Is(err, ErrExpired) {
		t.Errorf("at the expiry instant: %v, want expired", err)
	}
}

// TestFormatCardRejected: every published bad payload is refused for its published reason.
func TestFormatCardRejected(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "card rejected")
	keys := docSigner(t, v.Get(t, "keys")).PublicKeys()
	now := v.Time(t, "now")
	n := 0
	for _, reason := range []string{ReasonMalformed, ReasonUnknownKey, ReasonForged, ReasonExpired} {
		for _, payload := range v.All(reason) {
			n++
			if _, err := VerifyCard(payload, keys, now); Reason(err) != reason {
				t.Errorf("%q: %v, want %s", payload, err, reason)
			}
		}
	}
	if n < 3 {
		t.Errorf("only %d rejected payloads", n)
	}
}

// TestFormatCardNumbers: card numbers and their MOD 11-2 check character.
func TestFormatCardNumbers(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "card numbers")
	for _, line := range v.All("card") {
		f := strings.Fields(line)
		if len(f) != 4 {
			t.Fatalf("card line %q: want region year sequence number", line)
		}
		year, _ := strconv.Atoi(f[1])
		seq, _ := strconv.ParseInt(f[2], 10, 64)
		got, err := MakeCardNumber(f[0], year, seq)
		if err != nil || got != f[3] {
			t.Errorf("MakeCardNumber(%s, %d, %d) = %s, %v; want %s", f[0], year, seq, got, err, f[3])
		}
		if !ValidCardNumber(f[3]) {
			t.Errorf("%s is not valid", f[3])
		}
		// Any other check character is refused.
		for _, c := range "0123456789X" {
			if other := f[3][:CardNumberLen-1] + string(c); other != f[3] && ValidCardNumber(other) {
				t.Errorf("%s is valid too", other)
			}
		}
	}
}

// TestFormatProofCode: how a code is made from random bytes, and how what people type
// becomes the canonical code or is refused.
func TestFormatProofCode(t *testing.T) {
	t.Parallel()
	made := formatdoc.One(t, "proof code made")
	var rnd [proofCodeLen]byte
	if n := copy(rnd[:], made.Hex(t, "random")); n != proofCodeLen {
		t.Fatalf("%d random bytes", n)
	}
	code := made.Get(t, "code")
	if got := proofCodeFrom(rnd); got != code {
		t.Errorf("code from %x: %s, want %s", rnd, got, code)
	}
	if got, ok := NormalizeProofCode(code); !ok || got != code {
		t.Errorf("a made code is not canonical: %q %v", got, ok)
	}

	v := formatdoc.One(t, "proof code normalisation")
	for _, line := range v.All("accept") {
		canon, rest, _ := strings.Cut(line, " ")
		display, quoted, _ := strings.Cut(rest, " ")
		typed, err := strconv.Unquote(quoted)
		if err != nil {
			t.Fatalf("accept line %q: %v", line, err)
		}
		if got, ok := NormalizeProofCode(typed); !ok || got != canon {
			t.Errorf("NormalizeProofCode(%q) = %q, %v; want %s", typed, got, ok, canon)
		}
		if got := FormatProofCode(canon); got != display {
			t.Errorf("FormatProofCode(%s) = %s, want %s", canon, got, display)
		}
	}
	for _, typed := range v.All("refuse") {
		if got, ok := NormalizeProofCode(typed); ok {
			t.Errorf("NormalizeProofCode(%q) accepted as %s", typed, got)
		}
	}
}

// TestFormatAnchorSignature: what an anchor signature covers, and the signature a fixed
// key makes over a fixed anchor hash.
func TestFormatAnchorSignature(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "anchor 2026-12-06 signature")
	s := docSigner(t, v.Get(t, "key"))
	hash := v.Hex(t, "hash")
	if got := string(AnchorMessage(hash)); got != v.Get(t, "signed") {
		t.Errorf("signed message %q", got)
	}
	kid, sig := s.SignAnchor(hash)
	if want := v.Get(t, "signature"); kid != s.ActiveKeyID() || b64.EncodeToString(sig) != want {
		t.Errorf("signature %s %s, want %s", kid, b64.EncodeToString(sig), want)
	}
	// It verifies with the published key set, and not for another hash or another key.
	keys, err := ParseJWKS(mustJSON(t, s.JWKS()))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyAnchor(keys, kid, hash, sig); err != nil {
		t.Fatalf("own signature: %v", err)
	}
	other := append([]byte(nil), hash...)
	other[0] ^= 1
	if err := VerifyAnchor(keys, kid, other, sig); !errors.Is(err, ErrAnchorSignature) {
		t.Errorf("signature verified for another hash: %v", err)
	}
	fresh, _ := NewSigner()
	if err := VerifyAnchor(fresh.PublicKeys(), kid, hash, sig); !errors.Is(err, ErrAnchorSignature) {
		t.Errorf("signature verified without the platform's key: %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

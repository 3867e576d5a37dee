package proof

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"
)

// TestAnchorSignatureKnownAnswer pins what an anchor signature covers: Ed25519 is
// deterministic, so a fixed key and a fixed anchor hash give exactly this signature,
// which anyone can reproduce from the message text documented in docs/hours.md.
func TestAnchorSignatureKnownAnswer(t *testing.T) {
	// The seed is the bytes 0, 1, …, 31.
	s, err := SignerFromString("ed25519 Vkdap1Rj AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := hex.DecodeString("5827923ae3b3c8a5b8c023f71789acb7606f6a574b921e0533494f362dbfbebb")
	if got := string(AnchorMessage(hash)); got != "zhiyuan-ledger-anchor-signature-v1 5827923ae3b3c8a5b8c023f71789acb7606f6a574b921e0533494f362dbfbebb" {
		t.Fatalf("signed message %q", got)
	}
	kid, sig := s.SignAnchor(hash)
	const want = "Lt9QyoOadHZ_CCejWQGb-GhrWdwq0If6wNBLKlmxh3BVpV8SnPK6O7v_-ASih4S5nLmdEJkP9aLpCqCWcwbyCg"
	if kid != "Vkdap1Rj" || base64.RawURLEncoding.EncodeToString(sig) != want {
		t.Fatalf("signature %s %s, want Vkdap1Rj %s", kid, base64.RawURLEncoding.EncodeToString(sig), want)
	}
	// It verifies with the published key set, and not for another hash or another key.
	jwks := `{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"Vkdap1Rj","x":"` + s.JWKS().Keys[0].X + `"}]}`
	keys, err := ParseJWKS([]byte(jwks))
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

package proof

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
)

// anchorContext starts every signed anchor message, so an anchor signature can never be
// taken for a card signature made with the same key, nor the reverse.
const anchorContext = "zhiyuan-ledger-anchor-signature-v1 "

// AnchorMessage is what the platform signs for a ledger anchor: the ASCII text
// "zhiyuan-ledger-anchor-signature-v1 " followed by the anchor hash in lowercase hex
// (docs/formats.md). Text, so an outsider can rebuild it with any tool.
func AnchorMessage(hash []byte) []byte {
	return hex.AppendEncode([]byte(anchorContext), hash)
}

// SignAnchor signs an anchor hash with the active key and returns the key's ID and the
// signature.
func (s *Signer) SignAnchor(hash []byte) (keyID string, sig []byte) {
	priv, kid := s.active()
	return kid, ed25519.Sign(priv, AnchorMessage(hash))
}

// ErrAnchorSignature says an anchor's signature does not verify with the key it names, or
// names a key the verifier does not have.
var ErrAnchorSignature = errors.New("anchor signature does not verify with the platform key")

// VerifyAnchor checks an anchor signature against the platform's public keys.
func VerifyAnchor(keys PublicKeys, keyID string, hash, sig []byte) error {
	pub, ok := keys[keyID]
	if !ok || len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, AnchorMessage(hash), sig) {
		return ErrAnchorSignature
	}
	return nil
}

package proof

import (
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// RedemptionClaims is what a benefit's redemption code (核销码) says: which claim of which
// benefit, and until when. It names no person: the platform finds the volunteer from the
// claim when partner staff scan it, and the gate shows only a masked name.
type RedemptionClaims struct {
	ClaimID   int64
	BenefitID int64
	IssuedAt  time.Time // second precision
	ExpiresAt time.Time
	KeyID     string // filled by SignRedemption
}

// redemptionMarker is the first byte of a redemption payload ('R'); card payloads start
// with payloadVersion (1), so a scanned code tells which it is by its first byte.
const redemptionMarker = 'R'

// redemptionContext is signed with the payload so that no other signature of the
// platform's key (a card, an anchor) can ever pass as a redemption code.
const redemptionContext = "zhiyuan/redemption/v1\x00"

// maxRedemptionLen bounds a payload before any decoding.
const maxRedemptionLen = 128

// SignRedemption signs r with the active key and returns the payload for the QR code,
// unpadded base64url like a card's.
func (s *Signer) SignRedemption(r RedemptionClaims) (string, error) {
	priv, kid := s.active()
	raw, err := b64.DecodeString(kid)
	if err != nil || len(raw) != keyIDLen {
		return "", fmt.Errorf("proof: bad key id %q", kid)
	}
	if r.ClaimID <= 0 || r.BenefitID <= 0 {
		return "", errors.New("proof: redemption needs a claim and a benefit")
	}
	if r.IssuedAt.Unix() < 0 || r.IssuedAt.Unix() > maxUnix ||
		r.ExpiresAt.Unix() <= r.IssuedAt.Unix() || r.ExpiresAt.Unix()-r.IssuedAt.Unix() > maxTTL {
		return "", errors.New("proof: a redemption code must expire after it is issued, within a year")
	}
	b := make([]byte, 0, 40)
	b = append(b, redemptionMarker)
	b = append(b, raw...)
	b = binary.AppendUvarint(b, uint64(r.ClaimID))
	b = binary.AppendUvarint(b, uint64(r.BenefitID))
	b = binary.AppendUvarint(b, uint64(r.IssuedAt.Unix()))
	b = binary.AppendUvarint(b, uint64(r.ExpiresAt.Unix()-r.IssuedAt.Unix()))
	sig := ed25519.Sign(priv, redemptionMessage(b))
	return b64.EncodeToString(append(b, sig...)), nil
}

func redemptionMessage(body []byte) []byte {
	msg := make([]byte, 0, len(redemptionContext)+len(body))
	msg = append(msg, redemptionContext...)
	return append(msg, body...)
}

// IsRedemption reports whether payload looks like a redemption code (by its first byte)
// rather than a card payload; it says nothing about whether it verifies.
func IsRedemption(payload string) bool {
	if len(payload) < 4 || len(payload) > b64.EncodedLen(maxRedemptionLen) {
		return false
	}
	raw, err := b64.DecodeString(payload[:4]) // four characters are three whole bytes
	return err == nil && len(raw) > 0 && raw[0] == redemptionMarker
}

// VerifyRedemption checks a payload made by SignRedemption at the instant now. Errors are
// *VerifyError with the same reasons as a card's, checked in the same order (malformed,
// unknown key, forged, expired). Whether the code was already used is the application's
// question.
func VerifyRedemption(payload string, keys PublicKeys, now time.Time) (RedemptionClaims, error) {
	if len(payload) == 0 || len(payload) > b64.EncodedLen(maxRedemptionLen) {
		return RedemptionClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: "empty or too long"}
	}
	raw, ok := decodeCanonical(payload)
	if !ok {
		return RedemptionClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: "not canonical base64url"}
	}
	if len(raw) < 1+keyIDLen+ed25519.SignatureSize || raw[0] != redemptionMarker {
		return RedemptionClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: "not a redemption code"}
	}
	body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	var c RedemptionClaims
	c.KeyID = b64.EncodeToString(body[1 : 1+keyIDLen])
	r := &reader{b: body[1+keyIDLen:]}
	c.ClaimID = int64(r.uvarint("claim", 1<<53))
	c.BenefitID = int64(r.uvarint("benefit", 1<<53))
	issued := r.uvarint("issued at", maxUnix)
	ttl := r.uvarint("lifetime", maxTTL)
	if r.err != nil || len(r.b) != 0 || c.ClaimID == 0 || c.BenefitID == 0 || ttl == 0 {
		return RedemptionClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: "bad fields"}
	}
	c.IssuedAt = time.Unix(int64(issued), 0).UTC()
	c.ExpiresAt = c.IssuedAt.Add(time.Duration(ttl) * time.Second)
	pub, ok := keys[c.KeyID]
	if !ok || len(pub) != ed25519.PublicKeySize {
		return RedemptionClaims{}, &VerifyError{Reason: ReasonUnknownKey, Detail: "key " + c.KeyID}
	}
	if !ed25519.Verify(pub, redemptionMessage(body), sig) {
		return RedemptionClaims{}, &VerifyError{Reason: ReasonForged, Detail: "signature does not match"}
	}
	if !now.Before(c.ExpiresAt) {
		return c, &VerifyError{Reason: ReasonExpired, Detail: "expired at " + c.ExpiresAt.Format(time.RFC3339)}
	}
	return c, nil
}

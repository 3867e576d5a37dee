package proof

import (
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// CardTTL is how long a card payload stays valid. The digital card page refreshes its
// QR code more often than this, so a live page always verifies while a screenshot or a
// photo of the screen stops working within minutes.
const CardTTL = 5 * time.Minute

// CardClaims is what a card's QR code says about its holder: only what a partner or a
// passer-by needs to see, never an identity or phone number.
type CardClaims struct {
	CardNumber       string    // the card's number (MakeCardNumber)
	VolunteerNo      string    // the holder's volunteer number
	MaskedName       string    // the holder's name, masked (张*三)
	StarLevel        int       // 0 to 5
	ConfirmedMinutes int64     // confirmed service time in minutes
	RegionCode       string    // the issuing region
	IssuedAt         time.Time // when the payload was signed (second precision)
	ExpiresAt        time.Time // after this the payload no longer verifies
	KeyID            string    // the key that signed it; filled by SignCard
}

// Reasons a payload does not verify; the application adds its own (revoked, lost) from
// the card's status. The strings are the API's "reason" values.
const (
	ReasonMalformed  = "malformed"   // not a card payload at all
	ReasonUnknownKey = "unknown_key" // signed by a key the verifier does not know
	ReasonForged     = "forged"      // the signature does not match: altered or forged
	ReasonExpired    = "expired"     // genuine but too old: a screenshot, not a live card
)

// VerifyError says why a payload does not verify.
type VerifyError struct {
	Reason string // one of the Reason constants
	Detail string // for logs and tests; never shown as the reason itself
}

func (e *VerifyError) Error() string { return "proof: card payload " + e.Reason + ": " + e.Detail }

// Is lets errors.Is(err, ErrExpired) and friends match by reason.
func (e *VerifyError) Is(target error) bool {
	t, ok := target.(*VerifyError)
	return ok && t.Reason == e.Reason && t.Detail == ""
}

// Sentinels for errors.Is.
var (
	ErrMalformed  = &VerifyError{Reason: ReasonMalformed}
	ErrUnknownKey = &VerifyError{Reason: ReasonUnknownKey}
	ErrForged     = &VerifyError{Reason: ReasonForged}
	ErrExpired    = &VerifyError{Reason: ReasonExpired}
)

// Reason returns the reason string of a VerifyCard error ("" for nil).
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve.Reason
	}
	return ReasonMalformed
}

// payloadVersion is the first byte of every payload, so a later format is recognised
// instead of being reported as forged.
const payloadVersion = 1

// cardContext is signed together with the payload so that a signature made for anything
// else the platform may sign with the same key can never pass as a card.
const cardContext = "zhiyuan/card/v1\x00"

// Field limits keep a payload small enough for a QR code that a phone reads at a glance,
// and let the parser refuse absurd lengths before allocating anything.
const (
	maxCardNumber  = 32
	maxVolunteerNo = 32
	maxMaskedName  = 96
	maxRegionCode  = 12
	maxPayloadLen  = 512
)

// SignCard signs c with the active key and returns the payload for the QR code: base64url
// without padding, so it can stand in a URL path (/verify/card/{payload}) as is. Partners
// verify it offline, so the bytes are a published format (docs/formats.md). The
// times are kept to the second; c.ExpiresAt must be after c.IssuedAt.
func (s *Signer) SignCard(c CardClaims) (string, error) {
	priv, kid := s.active()
	c.KeyID = kid
	body, err := encodeCard(c)
	if err != nil {
		return "", err
	}
	sig := ed25519.Sign(priv, signedMessage(body))
	return b64.EncodeToString(append(body, sig...)), nil
}

func signedMessage(body []byte) []byte {
	msg := make([]byte, 0, len(cardContext)+len(body))
	msg = append(msg, cardContext...)
	return append(msg, body...)
}

func encodeCard(c CardClaims) ([]byte, error) {
	kid, err := b64.DecodeString(c.KeyID)
	if err != nil || len(kid) != keyIDLen {
		return nil, fmt.Errorf("proof: bad key id %q", c.KeyID)
	}
	switch {
	case len(c.CardNumber) == 0 || len(c.CardNumber) > maxCardNumber:
		return nil, fmt.Errorf("proof: card number must have 1 to %d bytes", maxCardNumber)
	case len(c.VolunteerNo) > maxVolunteerNo:
		return nil, fmt.Errorf("proof: volunteer number longer than %d bytes", maxVolunteerNo)
	case len(c.MaskedName) > maxMaskedName || !utf8.ValidString(c.MaskedName):
		return nil, errors.New("proof: masked name too long or not UTF-8")
	case len(c.RegionCode) > maxRegionCode:
		return nil, fmt.Errorf("proof: region code longer than %d bytes", maxRegionCode)
	case c.StarLevel < 0 || c.StarLevel > 5:
		return nil, fmt.Errorf("proof: star level %d out of range", c.StarLevel)
	case c.ConfirmedMinutes < 0:
		return nil, errors.New("proof: negative confirmed minutes")
	case !utf8.ValidString(c.CardNumber) || !utf8.ValidString(c.VolunteerNo) || !utf8.ValidString(c.RegionCode):
		return nil, errors.New("proof: card fields must be UTF-8")
	case c.IssuedAt.Unix() < 0 || c.IssuedAt.Unix() > maxUnix:
		return nil, errors.New("proof: issue time out of range")
	case c.ExpiresAt.Unix() <= c.IssuedAt.Unix() || c.ExpiresAt.Unix()-c.IssuedAt.Unix() > maxTTL:
		return nil, errors.New("proof: the payload must expire after it is issued, within a year")
	}
	b := make([]byte, 0, 128)
	b = append(b, payloadVersion)
	b = append(b, kid...)
	b = appendString(b, c.CardNumber)
	b = appendString(b, c.VolunteerNo)
	b = appendString(b, c.MaskedName)
	b = append(b, byte(c.StarLevel))
	b = binary.AppendUvarint(b, uint64(c.ConfirmedMinutes))
	b = appendString(b, c.RegionCode)
	b = binary.AppendUvarint(b, uint64(c.IssuedAt.Unix()))
	// The lifetime, not the expiry, is stored: a few minutes fit in one or two bytes.
	b = binary.AppendUvarint(b, uint64(c.ExpiresAt.Unix()-c.IssuedAt.Unix()))
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// VerifyCard checks a payload made by SignCard against keys at the instant now and
// returns its claims. The error is a *VerifyError whose Reason tells a malformed payload,
// an unknown key, a bad signature (one changed byte is enough) and an expired payload
// apart; checked in that order, so an altered payload is called forged even when it is
// also old. Whether the card itself was revoked is the application's question: VerifyCard
// only knows what was signed.
func VerifyCard(payload string, keys PublicKeys, now time.Time) (CardClaims, error) {
	if len(payload) == 0 || len(payload) > b64.EncodedLen(maxPayloadLen) {
		return CardClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: "empty or too long"}
	}
	raw, ok := decodeCanonical(payload)
	if !ok {
		return CardClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: "not canonical base64url"}
	}
	if len(raw) < 1+keyIDLen+ed25519.SignatureSize {
		return CardClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: "too short"}
	}
	if raw[0] != payloadVersion {
		return CardClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: fmt.Sprintf("unknown version %d", raw[0])}
	}
	body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	c, err := decodeCard(body)
	if err != nil {
		return CardClaims{}, &VerifyError{Reason: ReasonMalformed, Detail: err.Error()}
	}
	pub, ok := keys[c.KeyID]
	if !ok || len(pub) != ed25519.PublicKeySize {
		return CardClaims{}, &VerifyError{Reason: ReasonUnknownKey, Detail: "key " + c.KeyID}
	}
	if !ed25519.Verify(pub, signedMessage(body), sig) {
		return CardClaims{}, &VerifyError{Reason: ReasonForged, Detail: "signature does not match"}
	}
	if !now.Before(c.ExpiresAt) {
		return c, &VerifyError{Reason: ReasonExpired, Detail: "expired at " + c.ExpiresAt.Format(time.RFC3339)}
	}
	return c, nil
}

// reader decodes the payload body, remembering the first failure so the decoder can
// read straight through and check once.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = errors.New(what)
	}
	r.b = nil
}

func (r *reader) byte1(what string) byte {
	if len(r.b) < 1 {
		r.fail(what + ": truncated")
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) uvarint(what string, limit uint64) uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > limit {
		r.fail(what + ": bad number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) str(what string, limit int) string {
	n := r.uvarint(what, uint64(limit))
	if r.err != nil {
		return ""
	}
	if uint64(len(r.b)) < n {
		r.fail(what + ": truncated")
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	if !utf8.ValidString(s) {
		r.fail(what + ": not UTF-8")
	}
	return s
}

// maxUnix bounds times to year 9999 so time arithmetic never overflows; maxTTL bounds a
// payload's lifetime to a year (card payloads live minutes; a printed card's QR longer).
const (
	maxUnix = 253402300799
	maxTTL  = 366 * 24 * 3600
)

func decodeCard(body []byte) (CardClaims, error) {
	r := &reader{b: body[1:]}
	var c CardClaims
	if len(r.b) < keyIDLen {
		return c, errors.New("key id: truncated")
	}
	c.KeyID = b64.EncodeToString(r.b[:keyIDLen])
	r.b = r.b[keyIDLen:]
	c.CardNumber = r.str("card number", maxCardNumber)
	c.VolunteerNo = r.str("volunteer number", maxVolunteerNo)
	c.MaskedName = r.str("name", maxMaskedName)
	c.StarLevel = int(r.byte1("star level"))
	c.ConfirmedMinutes = int64(r.uvarint("minutes", 1<<40))
	c.RegionCode = r.str("region", maxRegionCode)
	issued := r.uvarint("issued at", maxUnix)
	ttl := r.uvarint("lifetime", maxTTL)
	if r.err != nil {
		return CardClaims{}, r.err
	}
	if len(r.b) != 0 {
		return CardClaims{}, errors.New("trailing bytes")
	}
	if c.StarLevel > 5 || c.CardNumber == "" || ttl == 0 {
		return CardClaims{}, errors.New("field out of range")
	}
	c.IssuedAt = time.Unix(int64(issued), 0).UTC()
	c.ExpiresAt = c.IssuedAt.Add(time.Duration(ttl) * time.Second)
	return c, nil
}

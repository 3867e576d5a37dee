// Package checkin issues and verifies the rotating check-in codes that an organiser's
// screen shows as a QR code: each code names one activity session and one 30-second
// window, and carries an HMAC-SHA256 tag made with a server key, so only the server can
// make one and a photo of the screen stops working within a minute. It keeps no state and
// touches no database: any server holding the key verifies any other server's codes. The
// code's bytes are published with known answers in docs/formats.md.
package checkin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"zhiyuan"
)

// Window is how long one code is shown before the next replaces it.
const Window = 30 * time.Second

// version is the first byte of every code, so a later format is recognised as such.
const version = 1

// tagLen is the length of the truncated HMAC. 80 bits leave a forger one chance in 2^80
// per guess, for a code that lives one minute behind a rate-limited endpoint.
const tagLen = 10

// maxCodeLen bounds what Verify even tries to decode (a real code is about 26 characters).
const maxCodeLen = 64

// The errors Verify returns, each a 422 naming the field "code" with a message for the
// volunteer. Compare with errors.Is.
var (
	ErrExpired      = zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "checkin.code_expired")
	ErrForged       = zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "checkin.code_invalid")
	ErrOtherSession = zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "checkin.code_other_session")
)

// enc is unpadded base64url, strict about the last character's spare bits. Even strict,
// encoding/base64 skips CR and LF anywhere in its input, so decode also compares the
// input with the re-encoding of what it decoded: a code has exactly one spelling.
var enc = base64.RawURLEncoding.Strict()

// decode returns the bytes of code if code is their one canonical spelling.
func decode(code string) ([]byte, bool) {
	raw, err := enc.DecodeString(code)
	if err != nil || enc.EncodeToString(raw) != code {
		return nil, false
	}
	return raw, true
}

// Signer makes and checks codes with one key.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer using key, which must hold at least 16 bytes of secret.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < 16 {
		return nil, errors.New("checkin: key must have at least 16 bytes")
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

// window returns the number of the 30-second window holding t.
func window(t time.Time) int64 {
	return t.Unix() / int64(Window/time.Second)
}

// Issue returns the code for sessionID in the window holding now, and when it stops
// being accepted (the end of the next window: a volunteer who scans just before the
// screen changes still gets in). The screen should show a new code at RefreshAt(now).
func (s *Signer) Issue(sessionID int64, now time.Time) (code string, expiresAt time.Time) {
	w := window(now)
	return s.encode(sessionID, w), time.Unix((w+2)*int64(Window/time.Second), 0).UTC()
}

// RefreshAt returns when the screen should show the next code: the end of the current
// window.
func RefreshAt(now time.Time) time.Time {
	return time.Unix((window(now)+1)*int64(Window/time.Second), 0).UTC()
}

func (s *Signer) encode(sessionID, w int64) string {
	buf := make([]byte, 0, 1+2*binary.MaxVarintLen64+tagLen)
	buf = append(buf, version)
	buf = binary.AppendUvarint(buf, uint64(sessionID))
	buf = binary.AppendUvarint(buf, uint64(w))
	buf = append(buf, s.tag(buf)...)
	return enc.EncodeToString(buf)
}

func (s *Signer) tag(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("zhiyuan-checkin\x00"))
	m.Write(payload)
	return m.Sum(nil)[:tagLen]
}

// parse decodes code and checks its tag, returning the session and window it names.
func (s *Signer) parse(code string) (sessionID, w int64, err error) {
	if len(code) == 0 || len(code) > maxCodeLen {
		return 0, 0, ErrForged
	}
	raw, ok := decode(code)
	if !ok || len(raw) < 1+2+tagLen || raw[0] != version {
		return 0, 0, ErrForged
	}
	payload, tag := raw[:len(raw)-tagLen], raw[len(raw)-tagLen:]
	if !hmac.Equal(tag, s.tag(payload)) {
		return 0, 0, ErrForged
	}
	sid, n := binary.Uvarint(payload[1:])
	if n <= 0 {
		return 0, 0, ErrForged
	}
	win, m := binary.Uvarint(payload[1+n:])
	if m <= 0 || 1+n+m != len(payload) || sid == 0 || sid > 1<<62 || win > 1<<62 {
		return 0, 0, ErrForged
	}
	return int64(sid), int64(win), nil
}

// fresh reports whether window w is the current or the previous one at now. A window
// ahead of now is refused too: it can only come from a server whose clock runs fast.
func fresh(w int64, now time.Time) bool {
	cur := window(now)
	return w == cur || w == cur-1
}

// Verify checks that code was issued by this server for sessionID within the current or
// the previous window. It returns nil, ErrForged (not a code of ours, or altered),
// ErrOtherSession (genuine, but for another session) or ErrExpired (genuine, but too old).
func (s *Signer) Verify(code string, sessionID int64, now time.Time) error {
	sid, w, err := s.parse(code)
	if err != nil {
		return err
	}
	if sid != sessionID {
		return ErrOtherSession
	}
	if !fresh(w, now) {
		return ErrExpired
	}
	return nil
}

// Open checks code like Verify but without an expected session, and returns the session
// it was issued for: a volunteer's scan names its session through the code alone.
func (s *Signer) Open(code string, now time.Time) (sessionID int64, err error) {
	sid, w, err := s.parse(code)
	if err != nil {
		return 0, err
	}
	if !fresh(w, now) {
		return 0, ErrExpired
	}
	return sid, nil
}

// ShortDigits is the length of the short code: six digits, easy to read off a projector
// and type on a phone. One guess in a million is far weaker than the long code's tag, so
// the platform limits wrong short codes per account and session
// (zhiyuan.MaxCheckinCodeFailures); it is the limit, not the length, that makes guessing
// hopeless within the two windows a code lives.
const ShortDigits = 6

// shortDomain separates the short code's MAC from the long code's under the same key.
const shortDomain = "zhiyuan-checkin-short\x00"

// Short returns the short code of sessionID in the window holding now: the first 8 bytes
// of HMAC-SHA256(key, "zhiyuan-checkin-short" ‖ 00 ‖ payload), read as a big-endian
// unsigned integer, modulo 10^6, written with leading zeros. The payload is the long
// code's, so both name the same session and window.
func (s *Signer) Short(sessionID int64, now time.Time) string {
	return s.short(sessionID, window(now))
}

func (s *Signer) short(sessionID, w int64) string {
	buf := make([]byte, 0, 1+2*binary.MaxVarintLen64)
	buf = append(buf, version)
	buf = binary.AppendUvarint(buf, uint64(sessionID))
	buf = binary.AppendUvarint(buf, uint64(w))
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(shortDomain))
	m.Write(buf)
	n := binary.BigEndian.Uint64(m.Sum(nil)[:8]) % 1_000_000
	return fmt.Sprintf("%0*d", ShortDigits, n)
}

// NormalizeShort returns code without the spaces and dashes a screen or a person puts
// between its digits, and whether what is left is a short code (ShortDigits digits). A
// long code never is: it is longer.
func NormalizeShort(code string) (string, bool) {
	b := make([]byte, 0, ShortDigits)
	for _, r := range code {
		switch {
		case r == ' ' || r == '-' || r == '\u3000':
		case r >= '0' && r <= '9' && len(b) < ShortDigits+1:
			b = append(b, byte(r))
		case r >= '０' && r <= '９' && len(b) < ShortDigits+1: // full-width digits from a Chinese keyboard
			b = append(b, byte('0'+(r-'０')))
		default:
			return "", false
		}
	}
	return string(b), len(b) == ShortDigits
}

// VerifyShort checks a short code (already normalised) for sessionID with the long
// code's rules: accepted in its own window and the next one; a code of the window before
// those is ErrExpired; anything else is ErrForged (a wrong guess, for the caller to
// count). The comparison takes constant time.
func (s *Signer) VerifyShort(code string, sessionID int64, now time.Time) error {
	cur := window(now)
	if hmac.Equal([]byte(code), []byte(s.short(sessionID, cur))) || hmac.Equal([]byte(code), []byte(s.short(sessionID, cur-1))) {
		return nil
	}
	if hmac.Equal([]byte(code), []byte(s.short(sessionID, cur-2))) {
		return ErrExpired
	}
	return ErrForged
}

package checkin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"zhiyuan/internal/formatdoc"
)

// TestFormatCheckinCode checks the published check-in code format (docs/formats.md, read
// from the document): a fixed key, session and instant give exactly the published window,
// payload, HMAC and code; the code is accepted and refused at the published instants, and
// the published bad codes are refused as forged.
func TestFormatCheckinCode(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "checkin code")
	s, err := NewSigner(v.Hex(t, "key"))
	if err != nil {
		t.Fatal(err)
	}
	session := v.Int(t, "session_id")
	at := v.Time(t, "issued_at")
	if got := window(at); got != v.Int(t, "window") {
		t.Errorf("window %d", got)
	}
	code, expires := s.Issue(session, at)
	if want := v.Get(t, "code"); code != want {
		t.Errorf("code %s, want %s", code, want)
	}
	if want := v.Time(t, "expires_at"); !expires.Equal(want) {
		t.Errorf("expires at %s, want %s", expires, want)
	}
	if got, want := RefreshAt(at), v.Time(t, "refresh_at"); !got.Equal(want) {
		t.Errorf("refresh at %s, want %s", got, want)
	}

	raw, ok := decode(code)
	if !ok || len(raw) < tagLen {
		t.Fatalf("code does not decode: %q", code)
	}
	payload, tag := raw[:len(raw)-tagLen], raw[len(raw)-tagLen:]
	if want := v.Parts(t, "payload"); string(payload) != string(want) {
		t.Errorf("payload %x, want %x", payload, want)
	}
	// The MAC, recomputed from the document alone: HMAC-SHA256 under the key over the
	// published input, cut to the published tag.
	input := v.Hex(t, "mac_input")
	if want := append([]byte("zhiyuan-checkin\x00"), payload...); string(input) != string(want) {
		t.Errorf("MAC input %x, want %x", input, want)
	}
	m := hmac.New(sha256.New, v.Hex(t, "key"))
	m.Write(input)
	if got := hex.EncodeToString(m.Sum(nil)); got != v.Get(t, "hmac") {
		t.Errorf("HMAC %s", got)
	}
	if want := v.Hex(t, "tag"); string(tag) != string(want) || string(s.tag(payload)) != string(want) {
		t.Errorf("tag %x (signer %x), want %x", tag, s.tag(payload), want)
	}

	for _, when := range v.All("accepted_at") {
		tm := parseTime(t, when)
		if err := s.Verify(code, session, tm); err != nil {
			t.Errorf("at %s: %v", when, err)
		}
		if sid, err := s.Open(code, tm); err != nil || sid != session {
			t.Errorf("Open at %s: %d %v", when, sid, err)
		}
	}
	for _, when := range v.All("expired_at") {
		if err := s.Verify(code, session, parseTime(t, when)); !errors.Is(err, ErrExpired) {
			t.Errorf("at %s: %v, want expired", when, err)
		}
	}
	for _, bad := range v.All("forged") {
		if err := s.Verify(bad, session, at); !errors.Is(err, ErrForged) {
			t.Errorf("%q: %v, want forged", bad, err)
		}
	}
	other, err := strconv.ParseInt(v.Get(t, "other_session"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(code, other, at); !errors.Is(err, ErrOtherSession) {
		t.Errorf("for session %d: %v, want other session", other, err)
	}
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestFormatCheckinShortCode checks the published short code (docs/formats.md): the MAC
// input and HMAC recomputed from the document, the six digits the signer gives, the
// instants it is accepted and refused at, and the published wrong and expired codes.
func TestFormatCheckinShortCode(t *testing.T) {
	t.Parallel()
	v := formatdoc.One(t, "checkin short code")
	key := v.Hex(t, "key")
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	session := v.Int(t, "session_id")
	at := v.Time(t, "issued_at")
	// The input is the domain and the long code's payload for the same session and window.
	raw, _ := decode(s.encode(session, window(at)))
	input := v.Hex(t, "input")
	if want := append([]byte(shortDomain), raw[:len(raw)-tagLen]...); string(input) != string(want) {
		t.Errorf("input %x, want %x", input, want)
	}
	m := hmac.New(sha256.New, key)
	m.Write(input)
	sum := m.Sum(nil)
	if got := hex.EncodeToString(sum); got != v.Get(t, "hmac") {
		t.Errorf("HMAC %s", got)
	}
	want := v.Get(t, "short")
	if got := fmt.Sprintf("%06d", binary.BigEndian.Uint64(sum[:8])%1_000_000); got != want {
		t.Errorf("digits from the document's HMAC %s, want %s", got, want)
	}
	if got := s.Short(session, at); got != want || len(got) != ShortDigits {
		t.Errorf("short code %s, want %s", got, want)
	}
	for _, when := range v.All("accepted_at") {
		if err := s.VerifyShort(want, session, parseTime(t, when)); err != nil {
			t.Errorf("at %s: %v", when, err)
		}
	}
	for _, when := range v.All("expired_at") {
		if err := s.VerifyShort(want, session, parseTime(t, when)); !errors.Is(err, ErrExpired) {
			t.Errorf("at %s: %v, want expired", when, err)
		}
	}
	for _, c := range v.All("expired") {
		if err := s.VerifyShort(c, session, at); !errors.Is(err, ErrExpired) {
			t.Errorf("%s: %v, want expired", c, err)
		}
	}
	for _, c := range v.All("wrong") {
		if err := s.VerifyShort(c, session, at); !errors.Is(err, ErrForged) {
			t.Errorf("%s: %v, want wrong", c, err)
		}
	}
	// What a person types around the digits is ignored; a long code is never short.
	for _, typed := range []string{want[:3] + " " + want[3:], want[:3] + "-" + want[3:], " " + want + " "} {
		if got, ok := NormalizeShort(typed); !ok || got != want {
			t.Errorf("NormalizeShort(%q) = %q %v", typed, got, ok)
		}
	}
	code, _ := s.Issue(session, at)
	for _, bad := range []string{code, want + "0", want[:5], "12a456"} {
		if _, ok := NormalizeShort(bad); ok {
			t.Errorf("NormalizeShort(%q) takes it as a short code", bad)
		}
	}
}

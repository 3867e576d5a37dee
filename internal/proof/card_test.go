package proof

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func claims() CardClaims {
	return CardClaims{
		CardNumber: "44010620260000127", VolunteerNo: "44010600012345", MaskedName: "欧*晓晴",
		StarLevel: 3, ConfirmedMinutes: 612*60 + 30, RegionCode: "440106",
		IssuedAt: t0, ExpiresAt: t0.Add(CardTTL),
	}
}

func mustSigner(t testing.TB) *Signer {
	t.Helper()
	s, err := NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sign(t testing.TB, s *Signer, c CardClaims) string {
	t.Helper()
	p, err := s.SignCard(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCardPayloadValid(t *testing.T) {
	t.Parallel()
	s := mustSigner(t)
	c := claims()
	payload := sign(t, s, c)
	if strings.ContainsAny(payload, "+/=") || len(payload) > 250 {
		t.Fatalf("payload %q (%d chars) is not compact base64url", payload, len(payload))
	}
	got, err := VerifyCard(payload, s.PublicKeys(), t0.Add(time.Minute))
	if err != nil {
		t.Fatalf("valid payload refused: %v", err)
	}
	c.KeyID = s.ActiveKeyID()
	if got != c {
		t.Fatalf("claims = %+v, want %+v", got, c)
	}
}

func TestCardPayloadOneByteChanged(t *testing.T) {
	t.Parallel()
	s := mustSigner(t)
	payload := sign(t, s, claims())
	raw, _ := b64.DecodeString(payload)
	for i := range raw {
		for _, delta := range []byte{1, 0x80} {
			b := append([]byte(nil), raw...)
			b[i] ^= delta
			_, err := VerifyCard(b64.EncodeToString(b), s.PublicKeys(), t0)
			if err == nil {
				t.Fatalf("byte %d changed (^%#x): payload still verifies", i, delta)
			}
		}
	}
	// Changing one character of the text form is caught too.
	for i := range payload {
		c := byte('A')
		if payload[i] == 'A' {
			c = 'B'
		}
		changed := payload[:i] + string(c) + payload[i+1:]
		if _, err := VerifyCard(changed, s.PublicKeys(), t0); err == nil {
			t.Fatalf("character %d changed: payload still verifies", i)
		}
	}
}

// TestCardPayloadOneSpelling: a live payload with CR or LF inserted (a %0A in the
// /verify/card URL), padded, or with its last character's spare bits set is malformed,
// not a second spelling of a valid card.
func TestCardPayloadOneSpelling(t *testing.T) {
	t.Parallel()
	s := mustSigner(t)
	payload := sign(t, s, claims())
	if len(payload)%4 == 0 {
		t.Fatalf("payload of %d characters has no spare bits to test", len(payload))
	}
	var variants []string
	for i := 0; i <= len(payload); i++ {
		for _, ins := range []string{"\n", "\r", "\r\n", "=", " ", "\x00"} {
			variants = append(variants, payload[:i]+ins+payload[i:])
		}
	}
	variants = append(variants, payload+"=", payload+"==")
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for _, c := range alphabet {
		if v := payload[:len(payload)-1] + string(c); v != payload {
			variants = append(variants, v)
		}
	}
	for _, v := range variants {
		if _, err := VerifyCard(v, s.PublicKeys(), t0); err == nil {
			t.Fatalf("variant %q of a live payload verifies", v)
		} else if Reason(err) != ReasonMalformed && Reason(err) != ReasonForged {
			t.Fatalf("variant %q: %v, want malformed or forged", v, err)
		}
	}
}

func TestCardPayloadOtherKey(t *testing.T) {
	t.Parallel()
	ours, theirs := mustSigner(t), mustSigner(t)
	payload := sign(t, theirs, claims())
	_, err := VerifyCard(payload, ours.PublicKeys(), t0)
	if !errors.Is(err, ErrUnknownKey) || Reason(err) != ReasonUnknownKey {
		t.Fatalf("other key: err = %v, want unknown key", err)
	}
	// The forger's payload relabelled with our key ID: the signature fails.
	raw, _ := b64.DecodeString(payload)
	kid, _ := b64.DecodeString(ours.ActiveKeyID())
	copy(raw[1:1+keyIDLen], kid)
	_, err = VerifyCard(b64.EncodeToString(raw), ours.PublicKeys(), t0)
	if !errors.Is(err, ErrForged) || Reason(err) != ReasonForged {
		t.Fatalf("relabelled: err = %v, want forged", err)
	}
}

func TestCardPayloadExpires(t *testing.T) {
	t.Parallel()
	s := mustSigner(t)
	payload := sign(t, s, claims())
	if _, err := VerifyCard(payload, s.PublicKeys(), t0.Add(CardTTL-time.Second)); err != nil {
		t.Fatalf("just before expiry: %v", err)
	}
	c, err := VerifyCard(payload, s.PublicKeys(), t0.Add(CardTTL))
	if !errors.Is(err, ErrExpired) || Reason(err) != ReasonExpired {
		t.Fatalf("at expiry: err = %v, want expired", err)
	}
	if c.CardNumber != claims().CardNumber {
		t.Error("an expired payload should still say which card it was")
	}
}

func TestCardPayloadMalformed(t *testing.T) {
	t.Parallel()
	s := mustSigner(t)
	for _, p := range []string{"", "not base64!", "AAAA", strings.Repeat("A", 5000), b64.EncodeToString(make([]byte, 80))} {
		_, err := VerifyCard(p, s.PublicKeys(), t0)
		if Reason(err) != ReasonMalformed {
			t.Errorf("VerifyCard(%.20q) = %v, want malformed", p, err)
		}
	}
}

func TestSignCardRefusesBadClaims(t *testing.T) {
	t.Parallel()
	s := mustSigner(t)
	for name, mod := range map[string]func(*CardClaims){
		"no number":       func(c *CardClaims) { c.CardNumber = "" },
		"star 6":          func(c *CardClaims) { c.StarLevel = 6 },
		"negative":        func(c *CardClaims) { c.ConfirmedMinutes = -1 },
		"no lifetime":     func(c *CardClaims) { c.ExpiresAt = c.IssuedAt },
		"long name":       func(c *CardClaims) { c.MaskedName = strings.Repeat("名", 40) },
		"bad utf8 name":   func(c *CardClaims) { c.MaskedName = "\xff" },
		"long region":     func(c *CardClaims) { c.RegionCode = strings.Repeat("4", 13) },
		"long volunteer#": func(c *CardClaims) { c.VolunteerNo = strings.Repeat("4", 33) },
	} {
		c := claims()
		mod(&c)
		if _, err := s.SignCard(c); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}

func TestSignerFileAndRotation(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	s1, err := LoadOrCreateSigner(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	s2, err := LoadOrCreateSigner(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s1.ActiveKeyID() != s2.ActiveKeyID() {
		t.Fatal("second start generated a new key")
	}
	old := sign(t, s1, claims())
	if err := s2.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := s2.Save(dir); err != nil {
		t.Fatal(err)
	}
	s3, err := LoadOrCreateSigner(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s3.ActiveKeyID() == s1.ActiveKeyID() || s3.ActiveKeyID() != s2.ActiveKeyID() {
		t.Fatal("rotated key not active after reload")
	}
	// Cards signed before the rotation still verify, by their key ID.
	if _, err := VerifyCard(old, s3.PublicKeys(), t0); err != nil {
		t.Fatalf("payload from the old key: %v", err)
	}
	fresh := sign(t, s3, claims())
	if c, err := VerifyCard(fresh, s3.PublicKeys(), t0); err != nil || c.KeyID != s3.ActiveKeyID() {
		t.Fatalf("new payload: %v %v", c.KeyID, err)
	}
	if strings.Contains(s3.String(), b64.EncodeToString(s3.keys[0].Seed())) {
		t.Fatal("String leaks key material")
	}
}

func TestSignerConcurrentFirstStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := LoadOrCreateSigner(dir)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = s.ActiveKeyID()
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("processes starting together got different keys: %v", ids)
		}
	}
}

func TestSignerFileRejectsDamage(t *testing.T) {
	t.Parallel()
	s := mustSigner(t)
	good := s.Marshal()
	for name, text := range map[string]string{
		"empty":     "",
		"bad seed":  "ed25519 " + s.ActiveKeyID() + " !!!\n",
		"wrong kid": strings.Replace(good, s.ActiveKeyID(), "AAAAAAAA", 1),
		"other alg": strings.Replace(good, "ed25519", "rsa", 1),
	} {
		if _, err := SignerFromString(text); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestJWKSRoundTrip(t *testing.T) {
	t.Parallel()
	s := mustSigner(t)
	s.Rotate()
	data, err := json.Marshal(s.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"d"`) {
		t.Fatal("published key set contains private material")
	}
	keys, err := ParseJWKS(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("%d keys, want 2", len(keys))
	}
	// A partner's app verifies offline from the published set alone.
	if _, err := VerifyCard(sign(t, s, claims()), keys, t0); err != nil {
		t.Fatal(err)
	}
	set := s.JWKS()
	if !set.Keys[0].Active || set.Keys[1].Active || set.Keys[0].KeyID != s.ActiveKeyID() {
		t.Fatal("newest key should be listed first and marked active")
	}
	// A set whose kid was swapped onto another key is refused.
	other := mustSigner(t).JWKS()
	other.Keys[0].KeyID = s.ActiveKeyID()
	bad, _ := json.Marshal(other)
	if _, err := ParseJWKS(bad); err == nil {
		t.Fatal("tampered key set accepted")
	}
}

func TestKeyIDIsStable(t *testing.T) {
	t.Parallel()
	pub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
	if got := KeyID(pub); len(got) != 8 || got != KeyID(pub) {
		t.Fatalf("KeyID = %q", got)
	}
}

func FuzzVerifyCard(f *testing.F) {
	s, _ := NewSigner()
	p, _ := s.SignCard(claims())
	f.Add(p)
	f.Add("")
	f.Add("AQ")
	f.Add(p[:len(p)/2])
	// Line breaks and padding around a genuine payload: encoding/base64 skips CR and LF.
	f.Add(p[:20] + "\n" + p[20:])
	f.Add(p + "\r\n")
	f.Add(p + "=")
	keys := s.PublicKeys()
	f.Fuzz(func(t *testing.T, payload string) {
		_, err := VerifyCard(payload, keys, t0)
		// Ed25519 signatures are deterministic and the body has one encoding, so the
		// genuine payload is the only string that verifies: any other spelling of it
		// (CR/LF inside, padding, spare bits) must be refused.
		if err == nil && payload != p {
			t.Fatalf("payload %q verified; only the canonical %q may", payload, p)
		}
		if err != nil && Reason(err) == "" {
			t.Fatal("error without a reason")
		}
	})
}

func FuzzSignCardRoundTrip(f *testing.F) {
	s, _ := NewSigner()
	f.Add("44010620260000127", "44010600012345", "张*", 3, int64(600), "440106", int64(1700000000), int64(300))
	f.Fuzz(func(t *testing.T, number, vno, name string, star int, minutes int64, region string, issued, ttl int64) {
		if ttl < 0 || ttl > 1<<40 {
			return
		}
		c := CardClaims{CardNumber: number, VolunteerNo: vno, MaskedName: name, StarLevel: star,
			ConfirmedMinutes: minutes, RegionCode: region, IssuedAt: time.Unix(issued, 0).UTC(),
			ExpiresAt: time.Unix(issued+ttl, 0).UTC()}
		p, err := s.SignCard(c)
		if err != nil {
			return
		}
		got, err := VerifyCard(p, s.PublicKeys(), c.IssuedAt)
		if err != nil {
			t.Fatalf("signed claims do not verify: %v", err)
		}
		if got.CardNumber != number || got.MaskedName != name || got.ConfirmedMinutes != minutes || !got.ExpiresAt.Equal(c.ExpiresAt) {
			t.Fatalf("round trip changed claims: %+v vs %+v", got, c)
		}
	})
}

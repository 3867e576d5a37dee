package checkin

import (
	"errors"
	"testing"
	"time"

	"zhiyuan"
)

func signer(t testing.TB) *Signer {
	s, err := NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var t0 = time.Date(2026, 3, 7, 9, 0, 10, 0, time.UTC)

func TestFreshCodeVerifies(t *testing.T) {
	t.Parallel()
	s := signer(t)
	code, exp := s.Issue(42, t0)
	if err := s.Verify(code, 42, t0); err != nil {
		t.Fatalf("fresh code: %v", err)
	}
	// Accepted through the next window (the grace), refused after.
	if err := s.Verify(code, 42, t0.Add(Window)); err != nil {
		t.Errorf("code of the previous window refused: %v", err)
	}
	if !exp.After(t0.Add(Window)) || exp.After(t0.Add(2*Window)) {
		t.Errorf("expires_at %v for a code issued at %v", exp, t0)
	}
	if err := s.Verify(code, 42, exp); !errors.Is(err, ErrExpired) {
		t.Errorf("at expires_at: %v, want expired", err)
	}
	if sid, err := s.Open(code, t0); err != nil || sid != 42 {
		t.Errorf("Open: %d %v", sid, err)
	}
	if len(code) > 32 {
		t.Errorf("code %q is %d characters; QR codes want it short", code, len(code))
	}
	if RefreshAt(t0) != time.Date(2026, 3, 7, 9, 0, 30, 0, time.UTC) {
		t.Errorf("RefreshAt = %v", RefreshAt(t0))
	}
}

func TestCodeFromTwoMinutesAgoIsExpired(t *testing.T) {
	t.Parallel()
	s := signer(t)
	code, _ := s.Issue(42, t0.Add(-2*time.Minute))
	err := s.Verify(code, 42, t0)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("2-minute-old code: %v, want expired", err)
	}
	if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorFields(err)["code"] == "" {
		t.Errorf("expired is not a 422 naming code: %v", err)
	}
	if _, err := s.Open(code, t0); !errors.Is(err, ErrExpired) {
		t.Errorf("Open of an old code: %v", err)
	}
	// A code from the future (a fast clock elsewhere) is not accepted either.
	future, _ := s.Issue(42, t0.Add(time.Minute))
	if err := s.Verify(future, 42, t0); !errors.Is(err, ErrExpired) {
		t.Errorf("future code: %v", err)
	}
}

func TestAnyChangedByteIsForged(t *testing.T) {
	t.Parallel()
	s := signer(t)
	code, _ := s.Issue(42, t0)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range len(code) {
		for _, c := range []byte(alphabet + "=+/ .") {
			if c == code[i] {
				continue
			}
			b := []byte(code)
			b[i] = c
			if err := s.Verify(string(b), 42, t0); !errors.Is(err, ErrForged) {
				t.Fatalf("code with byte %d changed to %q: %v, want forged", i, c, err)
			}
		}
	}
	for _, bad := range []string{"", "x", code + "A", code[:len(code)-1], "not a code at all"} {
		if err := s.Verify(bad, 42, t0); !errors.Is(err, ErrForged) {
			t.Errorf("%q: %v, want forged", bad, err)
		}
	}
	// A code made with another key is forged too.
	other, _ := NewSigner([]byte("another key of sixteen bytes or more"))
	foreign, _ := other.Issue(42, t0)
	if err := s.Verify(foreign, 42, t0); !errors.Is(err, ErrForged) {
		t.Errorf("foreign key: %v", err)
	}
}

func TestCodeOfAnotherSession(t *testing.T) {
	t.Parallel()
	s := signer(t)
	code, _ := s.Issue(43, t0)
	if err := s.Verify(code, 42, t0); !errors.Is(err, ErrOtherSession) {
		t.Fatalf("code for session 43 at session 42: %v, want other session", err)
	}
	// The three refusals are told apart, so the volunteer reads the right advice.
	if ErrOtherSession.Message == ErrExpired.Message || ErrForged.Message == ErrExpired.Message {
		t.Error("refusal messages are not distinct")
	}
}

func TestShortKeyRefused(t *testing.T) {
	t.Parallel()
	if _, err := NewSigner([]byte("short")); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}

// TestCodeHasOneSpelling: a genuine code with CR or LF inserted anywhere, with padding,
// or with its last character's spare bits set is refused. encoding/base64 skips CR and LF
// even in strict mode, which FuzzVerify found ("ASr49ZYca-wQ-T5mIekIr\ng" verified).
func TestCodeHasOneSpelling(t *testing.T) {
	t.Parallel()
	s := signer(t)
	code, _ := s.Issue(42, t0)
	if code != "ASr49ZYca-wQ-T5mIekIrg" {
		t.Fatalf("test key and clock give %q; the regression below expects another code", code)
	}
	if err := s.Verify("ASr49ZYca-wQ-T5mIekIr\ng", 42, t0); !errors.Is(err, ErrForged) {
		t.Fatalf("code with LF inside: %v, want forged", err)
	}
	var variants []string
	for i := 0; i <= len(code); i++ {
		for _, ins := range []string{"\n", "\r", "\r\n", "=", " ", "\t", "\x00"} {
			variants = append(variants, code[:i]+ins+code[i:])
		}
	}
	variants = append(variants, code+"==", code+"=")
	// Spare bits: the last character carries fewer than 6 bits of data; every other
	// character decoding to the same bytes is a second spelling.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for _, c := range alphabet {
		if v := code[:len(code)-1] + string(c); v != code {
			variants = append(variants, v)
		}
	}
	for _, v := range variants {
		if err := s.Verify(v, 42, t0); !errors.Is(err, ErrForged) {
			t.Errorf("variant %q of a genuine code: %v, want forged", v, err)
		}
		if _, err := s.Open(v, t0); !errors.Is(err, ErrForged) {
			t.Errorf("Open(%q): %v, want forged", v, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	s := signer(f)
	code, _ := s.Issue(42, t0)
	f.Add(code, int64(42))
	f.Add("", int64(0))
	f.Add("AQAAAAAAAAAAAAAAAAAAAAAAAAAA", int64(-1))
	f.Add("Af__________________________________", int64(1<<62))
	// Regression: the genuine code above with a line feed inside used to verify.
	f.Add("ASr49ZYca-wQ-T5mIekIr\ng", int64(42))
	f.Add(code+"\r\n", int64(42))
	f.Fuzz(func(t *testing.T, code string, session int64) {
		err := s.Verify(code, session, t0)
		if err == nil {
			// Only a genuine code verifies, and only in its one canonical spelling: it
			// must be exactly what the signer issues for its session and window.
			sid, w, perr := s.parse(code)
			if perr != nil || sid != session || s.encode(sid, w) != code {
				t.Fatalf("accepted %q for session %d", code, session)
			}
		}
		if sid, err := s.Open(code, t0); err == nil {
			if _, w, _ := s.parse(code); s.encode(sid, w) != code {
				t.Fatalf("Open accepted the non-canonical %q", code)
			}
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	s := signer(b)
	code, _ := s.Issue(123456, t0)
	for b.Loop() {
		if err := s.Verify(code, 123456, t0); err != nil {
			b.Fatal(err)
		}
	}
}

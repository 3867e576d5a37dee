package uscc

import (
	"errors"
	"strings"
	"testing"
)

// publishedCodes are codes printed on publicly displayed business licences.
// A random string passes both checks with a probability of about 1 in 341, so
// these also cross-check the weight tables against reality.
var publishedCodes = []string{
	"91350100M000100Y43", // the example used in GB 32100 explanations
	"914403001922038216",
	"9144030071526726XG",
	"91110000802100433B",
	"91330100716105852F",
}

func reasonOf(t *testing.T, err error) Reason {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not *Error", err, err)
	}
	if e.Error() == "" {
		t.Fatalf("empty message for reason %d", e.Reason)
	}
	return e.Reason
}

// replaceAt returns s with position i (0-based) replaced by c.
func replaceAt(s string, i int, c byte) string {
	b := []byte(s)
	b[i] = c
	return string(b)
}

// wrongCheck returns code with its last character replaced by a different
// valid alphabet character.
func wrongCheck(code string) string {
	c := byte('0')
	if code[17] == '0' {
		c = '1'
	}
	return replaceAt(code, 17, c)
}

func TestValidateAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{" 91350100m000100y43 ", "91350100M000100Y43"},
		{Generate("52", "440305", 12345678), Generate("52", "440305", 12345678)},
		{Generate("11", "110000", 0), Generate("11", "110000", 0)},
		{Generate("Y1", "650102", 99999999), Generate("Y1", "650102", 99999999)},
		{Generate("N2", "320583", 4242), Generate("N2", "320583", 4242)},
		{Generate("A1", "110108", 7), Generate("A1", "110108", 7)},
		{Generate("92", "310115", 31415926), Generate("92", "310115", 31415926)},
	}
	for _, code := range publishedCodes {
		tests = append(tests, struct{ in, want string }{code, code})
	}
	for _, tt := range tests {
		got, err := Validate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Validate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	good := "91350100M000100Y43"
	tests := []struct {
		name string
		in   string
		want Reason
		msg  string
	}{
		{"empty", "", ReasonEmpty, "请填写统一社会信用代码"},
		{"blank", " \t", ReasonEmpty, ""},
		{"17 chars", good[:17], ReasonLength, "统一社会信用代码应为18位"},
		{"19 chars", good + "0", ReasonLength, "统一社会信用代码应为18位"},
		{"15-digit old licence number", "440301103456789", ReasonLength, ""},
		{"letter I", replaceAt(good, 8, 'I'), ReasonChars, ""},
		{"letter O", replaceAt(good, 8, 'O'), ReasonChars, ""},
		{"letter Z", replaceAt(good, 8, 'Z'), ReasonChars, ""},
		{"letter S", replaceAt(good, 8, 'S'), ReasonChars, ""},
		{"letter V", replaceAt(good, 8, 'V'), ReasonChars, ""},
		{"punctuation", replaceAt(good, 5, '-'), ReasonChars, ""},
		{"full-width digit", "9135010０M000100Y43", ReasonChars, ""},
		{"authority 0", replaceAt(good, 0, '0'), ReasonAuthority, ""},
		{"authority B", replaceAt(good, 0, 'B'), ReasonAuthority, ""},
		{"type 0", replaceAt(good, 1, '0'), ReasonType, ""},
		{"type letter", replaceAt(good, 1, 'A'), ReasonType, ""},
		{"region letter", replaceAt(good, 4, 'A'), ReasonRegion, ""},
		{"org code digit typo", replaceAt(good, 10, '1'), ReasonOrgCode, ""},
		{"org code check wrong", replaceAt(good, 16, '5'), ReasonOrgCode, ""},
		{"wrong check char", "91350100M000100Y44", ReasonChecksum, "统一社会信用代码校验位不正确，请核对"},
		{"wrong check char generated", wrongCheck(Generate("52", "440305", 1)), ReasonChecksum, ""},
		{"wrong check char published", wrongCheck("914403001922038216"), ReasonChecksum, ""},
		{"region typo caught by final check", replaceAt(good, 3, '6'), ReasonChecksum, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Validate(tt.in)
			if err == nil {
				t.Fatalf("Validate(%q) = %q, want error", tt.in, got)
			}
			if r := reasonOf(t, err); r != tt.want {
				t.Fatalf("Validate(%q) reason = %d (%s), want %d", tt.in, r, err, tt.want)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message = %q, want %q", err.Error(), tt.msg)
			}
			if got != "" {
				t.Errorf("returned %q together with an error", got)
			}
		})
	}
}

func TestOrgCheckCharMapping(t *testing.T) {
	t.Parallel()
	// Remainders that map to the special characters X (10) and 0 (11).
	var sawX, saw0 bool
	for seq := 0; seq < 200 && !(sawX && saw0); seq++ {
		code := Generate("91", "110000", seq)
		switch code[16] {
		case 'X':
			sawX = true
		case '0':
			saw0 = true
		}
		if _, err := Validate(code); err != nil {
			t.Fatalf("Generate(seq %d) = %s rejected: %v", seq, code, err)
		}
	}
	if !sawX || !saw0 {
		t.Fatalf("expected both X and 0 organisation check characters (X=%v, 0=%v)", sawX, saw0)
	}
}

func TestEveryFinalCheckCharIsReachable(t *testing.T) {
	t.Parallel()
	// Exercises the 31 -> 0 wrap-around and confirms every alphabet character
	// can appear as the final check character.
	seen := map[byte]bool{}
	for seq := 0; seq < 5000 && len(seen) < len(alphabet); seq++ {
		seen[Generate("52", "440305", seq)[17]] = true
	}
	if len(seen) != len(alphabet) {
		t.Fatalf("only %d of %d check characters produced", len(seen), len(alphabet))
	}
}

func TestSingleSubstitutionsAreCaught(t *testing.T) {
	t.Parallel()
	// Every single-character substitution in a valid code must be rejected;
	// the mod-31 check guarantees this for all positions.
	for _, code := range append([]string{Generate("91", "440300", 55555)}, publishedCodes...) {
		for i := 0; i < 18; i++ {
			for j := 0; j < len(alphabet); j++ {
				if alphabet[j] == code[i] {
					continue
				}
				typo := replaceAt(code, i, alphabet[j])
				if _, err := Validate(typo); err == nil {
					t.Fatalf("typo %s of %s accepted", typo, code)
				}
			}
		}
	}
}

func TestGeneratePanics(t *testing.T) {
	t.Parallel()
	cases := map[string]func(){
		"short prefix":  func() { Generate("9", "440300", 1) },
		"bad authority": func() { Generate("01", "440300", 1) },
		"bad type":      func() { Generate("9A", "440300", 1) },
		"short region":  func() { Generate("91", "44030", 1) },
		"letter region": func() { Generate("91", "44030A", 1) },
		"negative seq":  func() { Generate("91", "440300", -1) },
		"seq too large": func() { Generate("91", "440300", 100000000) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: did not panic", name)
				}
			}()
			f()
		}()
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range append([]string{
		"", "91350100m000100y43", "91350100M000100Y44", "ABCDEFGHIJKLMNOPQR",
		"9135010０M000100Y43", Generate("52", "440305", 1),
	}, publishedCodes...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Validate(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Error() == "" || got != "" {
				t.Fatalf("Validate(%q) returned %q with bad error %v", s, got, err)
			}
			return
		}
		if len(got) != 18 || got != strings.ToUpper(strings.TrimSpace(s)) {
			t.Fatalf("Validate(%q) normalised to %q", s, got)
		}
		if orgCheckChar(got[8:16]) != got[16] {
			t.Fatalf("accepted %q with a bad organisation code check", got)
		}
		if checkChar(got[:17]) != got[17] {
			t.Fatalf("accepted %q with a bad final check", got)
		}
		if again, err := Validate(got); err != nil || again != got {
			t.Fatalf("re-validating %q gave %q, %v", got, again, err)
		}
	})
}

package mod112

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestKnownAnswers: the worked example of GB 11643-1999 and numbers whose check characters
// were worked out by hand from the standard's weighted sum.
func TestKnownAnswers(t *testing.T) {
	t.Parallel()
	for digits, want := range map[string]byte{
		"11010519491231002": 'X', // GB 11643-1999, annex
		"44010620260000127": '9', // Σ digit×weight = 157 ≡ 3 (mod 11)
		"4401062026000127":  '1', // a card number's 16 digits: Σ = 176 ≡ 0 (mod 11)
		"0":                 '1',
		"":                  '1',
	} {
		if got := Check(digits); got != want {
			t.Errorf("Check(%q) = %c, want %c", digits, got, want)
		}
	}
}

// weighted is the definition as GB 11643 writes it: the sum of each digit times
// 2^(n-i) mod 11, and the check character that makes sum + check ≡ 1 (mod 11).
func weighted(digits string) byte {
	n := len(digits)
	sum, w := 0, 2 // the last digit weighs 2, each one before it twice as much mod 11
	for i := n - 1; i >= 0; i-- {
		sum += int(digits[i]-'0') * w
		w = w * 2 % 11
	}
	return "10X98765432"[sum%11]
}

func TestCheckAgreesWithWeightedSum(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		b := make([]byte, r.IntN(30))
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		if got, want := Check(string(b)), weighted(string(b)); got != want {
			t.Fatalf("Check(%s) = %c, the weighted sum gives %c", b, got, want)
		}
	}
}

// TestCatchesTypos: every single wrong digit and every swap of two different neighbours
// (check character included) turns a valid number invalid.
func TestCatchesTypos(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		b := make([]byte, 16+r.IntN(2))
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		n := string(b) + string(Check(string(b)))
		if !Valid(n) {
			t.Fatalf("Valid(%s) = false", n)
		}
		for i := range len(n) {
			for _, d := range []byte("0123456789X") {
				if d == n[i] || (d == 'X' && i != len(n)-1) {
					continue
				}
				if typo := n[:i] + string(d) + n[i+1:]; Valid(typo) {
					t.Fatalf("%s with character %d changed to %c passes", n, i, d)
				}
			}
		}
		for i := range len(n) - 1 {
			if n[i] == n[i+1] {
				continue
			}
			if swapped := n[:i] + string(n[i+1]) + string(n[i]) + n[i+2:]; Valid(swapped) {
				t.Fatalf("%s with %d and %d swapped passes", n, i, i+1)
			}
		}
	}
}

func TestValidRefusesNonDigits(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "X", "5", "1101051949123100Ax", "11010519491231002x", "1101O519491231002X", " 11010519491231002X"} {
		if Valid(s) {
			t.Errorf("Valid(%q) = true", s)
		}
	}
	if !Valid("11010519491231002X") {
		t.Error("the GB 11643 example is refused")
	}
}

func TestCheckPanicsOnNonDigits(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"1a", "-1", "１２"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Check(%q) did not panic", in)
				}
			}()
			Check(in)
		}()
	}
}

func ExampleCheck() {
	fmt.Printf("%c\n", Check("11010519491231002"))
	// Output: X
}

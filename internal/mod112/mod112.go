// Package mod112 computes the ISO 7064 MOD 11-2 check character: the last character of a
// resident identity number (GB 11643) and of the platform's volunteer card numbers. One
// check character ('0' to '9', or 'X' for ten) after a string of digits catches every
// single mistyped digit and every swap of two different neighbouring digits, the two
// mistakes people make reading a number off a card.
package mod112

// Check returns the check character ('0'-'9' or 'X') of digits, a string of ASCII digits
// of any length. It panics on any other character: callers check their input first, so
// a non-digit here is a bug, not bad input.
func Check(digits string) byte {
	// The pure system's recursion: p ← (p + d) × 2 mod 11 over the digits, then the
	// character that brings the whole, check included, to 1 mod 11. It equals the
	// weighted sum of GB 11643 (weights 2^(n-i) mod 11) without a table of weights, so it
	// serves numbers of any length.
	p := 0
	for i := 0; i < len(digits); i++ {
		d := digits[i]
		if d < '0' || d > '9' {
			panic("mod112: Check needs ASCII digits, got a " + string(rune(d)))
		}
		p = (p + int(d-'0')) * 2 % 11
	}
	c := (12 - p) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

// Valid reports whether s is one or more ASCII digits followed by their check character
// (an upper-case X for ten: callers that forgive a lower-case x normalise first).
func Valid(s string) bool {
	if len(s) < 2 {
		return false
	}
	body := s[:len(s)-1]
	for i := 0; i < len(body); i++ {
		if body[i] < '0' || body[i] > '9' {
			return false
		}
	}
	return Check(body) == s[len(s)-1]
}

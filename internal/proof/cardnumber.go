package proof

import (
	"fmt"
	"strconv"

	"zhiyuan/internal/mod112"
)

// A card number is 17 characters: the 6-digit code of the issuing region, the 4-digit
// year of issue, a 6-digit sequence within that region and year, and a check character
// (ISO 7064 MOD 11-2, package mod112, the scheme of resident identity numbers: 0-9 or X). It is one
// character shorter than an identity number so the two are never mistaken for each
// other, and the check character catches every single mistyped digit and every swap of
// two neighbours when someone reads a number off a card.
const (
	CardNumberLen  = 17
	MaxCardSeq     = 999999
	cardRegionLen  = 6
	cardYearLen    = 4
	cardSeqLen     = 6
	cardPayloadLen = cardRegionLen + cardYearLen + cardSeqLen
)

// MakeCardNumber builds the card number for the seq-th card (1 to 999999) issued in
// region (a 6-digit code) in year.
func MakeCardNumber(region string, year int, seq int64) (string, error) {
	if len(region) != cardRegionLen || !allDigits(region) {
		return "", fmt.Errorf("proof: card region %q is not a 6-digit code", region)
	}
	if year < 2000 || year > 9999 {
		return "", fmt.Errorf("proof: card year %d out of range", year)
	}
	if seq < 1 || seq > MaxCardSeq {
		return "", fmt.Errorf("proof: card sequence %d out of range 1..%d", seq, MaxCardSeq)
	}
	body := fmt.Sprintf("%s%04d%06d", region, year, seq)
	return body + string(mod112.Check(body)), nil
}

// ValidCardNumber reports whether s is a well-formed card number with a correct check
// character. It does not say the card exists: that is the database's question.
func ValidCardNumber(s string) bool {
	if len(s) != CardNumberLen || !allDigits(s[:cardPayloadLen]) {
		return false
	}
	year, _ := strconv.Atoi(s[cardRegionLen : cardRegionLen+cardYearLen])
	seq, _ := strconv.Atoi(s[cardRegionLen+cardYearLen : cardPayloadLen])
	return year >= 2000 && seq >= 1 && mod112.Valid(s)
}

// CardNumberRegion returns the issuing region code of a valid card number, or "".
func CardNumberRegion(s string) string {
	if !ValidCardNumber(s) {
		return ""
	}
	return s[:cardRegionLen]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Package uscc validates the unified social credit code (统一社会信用代码,
// GB 32100-2015) that organisations hosting volunteer activities register
// with.
//
// A code is 18 characters:
//
//	position 1     registration authority (登记管理部门代码)
//	position 2     organisation type (机构类别代码)
//	positions 3-8  administrative region code (登记管理机关行政区划码)
//	positions 9-17 organisation code with its own GB 11714 check character
//	position 18    GB 32100 check character over positions 1-17
//
// Both check characters are verified, which catches nearly all single typos
// and transpositions before an organisation is submitted for manual review.
// The package is pure and its errors carry Chinese, user-facing messages.
package uscc

import (
	"strconv"
	"strings"
)

// Reason identifies why a code was rejected, for programmatic handling.
type Reason int

// The reasons a code can be rejected.
const (
	// ReasonEmpty means nothing (or only white space) was entered.
	ReasonEmpty Reason = iota + 1
	// ReasonLength means the code is not 18 characters long.
	ReasonLength
	// ReasonChars means a character outside the GB 32100 alphabet was used.
	ReasonChars
	// ReasonAuthority means position 1 is not a registration authority code.
	ReasonAuthority
	// ReasonType means position 2 is not an organisation type code.
	ReasonType
	// ReasonRegion means positions 3-8 are not six digits.
	ReasonRegion
	// ReasonOrgCode means the organisation code in positions 9-17 fails its
	// GB 11714 check.
	ReasonOrgCode
	// ReasonChecksum means position 18 does not match the GB 32100 check.
	ReasonChecksum
)

// Error describes why a code was rejected; its message is Chinese and
// addressed to the person who typed the code.
type Error struct {
	// Reason is the machine-readable cause.
	Reason Reason
	msg    string
}

// Error returns the Chinese, user-facing message.
func (e *Error) Error() string { return e.msg }

func newError(r Reason, msg string) *Error { return &Error{Reason: r, msg: msg} }

// alphabet is the GB 32100 character set; a character's index is its value in
// the final checksum. I, O, Z, S and V are excluded because they are easily
// confused with 1, 0, 2, 5 and U.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// uscWeights are 3^i mod 31 for positions 1-17.
var uscWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the 8-character organisation code body.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// authorities lists registration authority codes in use: 1 机构编制, 2 外交,
// 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 市场监管(工商),
// A 中央军委改革和编制办公室, N 农业农村, Y 其他. The type codes that follow
// differ per authority but are all digits 1-9, which is what is checked; a
// stricter per-authority table would reject codes from types added later.
const authorities = "123456789ANY"

// Validate checks a unified social credit code and returns it trimmed and
// upper-cased. Errors are *Error values with Chinese messages.
func Validate(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", newError(ReasonEmpty, "请填写统一社会信用代码")
	}
	if len([]rune(s)) != 18 {
		return "", newError(ReasonLength, "统一社会信用代码应为18位")
	}
	if len(s) != 18 {
		// 18 runes but more bytes: something non-ASCII was typed.
		return "", newError(ReasonChars, "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）")
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return "", newError(ReasonChars, "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）")
		}
	}
	if strings.IndexByte(authorities, s[0]) < 0 {
		return "", newError(ReasonAuthority, "统一社会信用代码第1位（登记管理部门代码）不正确，请核对")
	}
	if s[1] < '1' || s[1] > '9' {
		return "", newError(ReasonType, "统一社会信用代码第2位（机构类别代码）不正确，请核对")
	}
	if !allDigits(s[2:8]) {
		return "", newError(ReasonRegion, "统一社会信用代码第3至8位应为行政区划代码（6位数字）")
	}
	if orgCheckChar(s[8:16]) != s[16] {
		return "", newError(ReasonOrgCode, "统一社会信用代码第9至17位（组织机构代码）不正确，请核对")
	}
	if checkChar(s[:17]) != s[17] {
		return "", newError(ReasonChecksum, "统一社会信用代码校验位不正确，请核对")
	}
	return s, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// orgValue is the GB 11714 value of a character: digits are themselves and
// letters count from A = 10 over the full Latin alphabet. This differs from the
// GB 32100 alphabet index (where Y is 30, not 34), which is why the two checks
// need separate value tables.
func orgValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

// orgCheckChar returns the GB 11714 check character for an 8-character body
// of digits and upper-case letters: 11 - (weighted sum mod 11), with 10
// written X and 11 written 0.
func orgCheckChar(body string) byte {
	sum := 0
	for i, w := range orgWeights {
		sum += orgValue(body[i]) * w
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// checkChar returns the GB 32100 check character for 17 alphabet characters:
// 31 - (weighted sum mod 31), with 31 written 0.
func checkChar(first17 string) byte {
	sum := 0
	for i, w := range uscWeights {
		sum += strings.IndexByte(alphabet, first17[i]) * w
	}
	return alphabet[(31-sum%31)%31]
}

// Generate builds a valid code for demo data and tests from a two-character
// prefix (authority and type, e.g. "91" for an enterprise or "52" for a
// private non-enterprise unit such as many volunteer associations), a
// six-digit region code and a sequence number 0-99999999 that becomes the
// organisation code body. It panics on malformed arguments because callers
// pass constants.
func Generate(prefix2, region6 string, seq int) string {
	if len(prefix2) != 2 || strings.IndexByte(authorities, prefix2[0]) < 0 || prefix2[1] < '1' || prefix2[1] > '9' {
		panic("uscc: Generate needs a valid 2-character prefix, got " + strconv.Quote(prefix2))
	}
	if len(region6) != 6 || !allDigits(region6) {
		panic("uscc: Generate needs a 6-digit region code, got " + strconv.Quote(region6))
	}
	if seq < 0 || seq > 99999999 {
		panic("uscc: Generate seq out of range 0-99999999: " + strconv.Itoa(seq))
	}
	body := strconv.Itoa(100000000 + seq)[1:]
	first17 := prefix2 + region6 + body + string(orgCheckChar(body))
	return first17 + string(checkChar(first17))
}

// Package idcard validates the identity documents volunteers register with:
// the 18-character Chinese resident identity number (GB 11643-1999) and,
// by format only, the travel permits of Hong Kong, Macao and Taiwan residents
// and passports.
//
// The package is pure: it performs no I/O and takes the current time as an
// argument, so that validation is deterministic in tests and the caller
// decides which clock and time zone count as "today".
//
// All errors are *Error values whose messages are written in Chinese for the
// person filling in the form, so handlers can show err.Error() directly.
package idcard

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan/internal/mod112"
)

// Reason identifies why a document number was rejected, so callers can react
// programmatically without parsing the Chinese message.
type Reason int

// The reasons a document number can be rejected.
const (
	// ReasonEmpty means nothing (or only white space) was entered.
	ReasonEmpty Reason = iota + 1
	// ReasonLength means an identity number is not 18 characters long.
	ReasonLength
	// ReasonChars means an identity number contains characters other than
	// 17 digits followed by a digit or X.
	ReasonChars
	// ReasonChecksum means the 18th character does not match ISO 7064 MOD 11-2.
	ReasonChecksum
	// ReasonBirthDate means the embedded birth date is not a calendar date or
	// lies before 1900-01-01.
	ReasonBirthDate
	// ReasonFuture means the embedded birth date lies after today.
	ReasonFuture
	// ReasonProvince means the first two digits are not a province-level code.
	ReasonProvince
	// ReasonFormat means a permit or passport number has the wrong shape.
	ReasonFormat
)

// Error describes why a document number was rejected; its message is Chinese
// and addressed to the person who typed the number.
type Error struct {
	// Reason is the machine-readable cause.
	Reason Reason
	msg    string
}

// Error returns the Chinese, user-facing message.
func (e *Error) Error() string { return e.msg }

func newError(r Reason, msg string) *Error { return &Error{Reason: r, msg: msg} }

// Sex is the sex recorded in an identity number. The zero value is deliberately
// not a valid sex so that an unset field is never silently read as male.
type Sex uint8

// The two sexes an identity number can encode.
const (
	// Male is encoded by an odd 17th digit.
	Male Sex = iota + 1
	// Female is encoded by an even 17th digit.
	Female
)

// String returns "male" or "female" (or "unknown" for the zero value), the
// spelling used in JSON and the database.
func (s Sex) String() string {
	switch s {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return "unknown"
}

// Chinese returns "男" or "女" for display, or "" for the zero value.
func (s Sex) Chinese() string {
	switch s {
	case Male:
		return "男"
	case Female:
		return "女"
	}
	return ""
}

// Number is a validated, normalised 18-character resident identity number.
// It can only be obtained from Parse, so holding one proves validity.
type Number struct {
	s string
}

// provinces lists the province-level codes that exist. 71 (Taiwan), 81 (Hong
// Kong) and 82 (Macao) are included because residence permits for residents
// of those regions carry 18-character numbers with these prefixes.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// minBirth is the earliest accepted birth date; anything earlier is almost
// certainly a typo rather than a living volunteer.
var minBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// CheckChar returns the ISO 7064 MOD 11-2 check character ('0'-'9' or 'X')
// for the first 17 digits of an identity number (package mod112, shared with
// the card numbers). It panics if first17 is not exactly 17 ASCII digits,
// because that is a bug in the caller, not bad input.
func CheckChar(first17 string) byte {
	if len(first17) != 17 || !allDigits(first17) {
		panic("idcard: CheckChar needs exactly 17 digits, got " + strconv.Quote(first17))
	}
	return mod112.Check(first17)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Parse validates an identity number typed by a person and returns it
// normalised (surrounding white space removed, a trailing lower-case x turned
// into X). now decides what counts as a future birth date; its calendar date
// in its own location is "today".
//
// The checks run from the most general to the most specific, and the checksum
// runs last: a mistyped digit usually breaks the checksum, but if it also made
// the date impossible, "the birth date does not exist" is the more helpful hint.
func Parse(s string, now time.Time) (Number, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Number{}, newError(ReasonEmpty, "请填写身份证号码")
	}
	if utf8.RuneCountInString(s) != 18 {
		return Number{}, newError(ReasonLength, "身份证号码应为18位")
	}
	if len(s) == 18 && s[17] == 'x' {
		s = s[:17] + "X"
	}
	if len(s) != 18 || !allDigits(s[:17]) || !(s[17] == 'X' || (s[17] >= '0' && s[17] <= '9')) {
		return Number{}, newError(ReasonChars, "身份证号码应由17位数字和最后1位数字或X组成")
	}
	if !provinces[s[:2]] {
		return Number{}, newError(ReasonProvince, "身份证号码前两位不是有效的省级行政区代码，请核对")
	}
	birth, ok := parseDate(s[6:14])
	if !ok {
		return Number{}, newError(ReasonBirthDate, "身份证号码中的出生日期不存在，请核对")
	}
	if birth.Before(minBirth) {
		return Number{}, newError(ReasonBirthDate, "身份证号码中的出生日期早于1900年，请核对")
	}
	if birth.After(civilDate(now)) {
		return Number{}, newError(ReasonFuture, "身份证号码中的出生日期晚于今天，请核对")
	}
	if !mod112.Valid(s) {
		return Number{}, newError(ReasonChecksum, "身份证号码校验位不正确，请核对")
	}
	return Number{s: s}, nil
}

// parseDate reads YYYYMMDD and reports whether it names a real calendar day.
// time.Date normalises overflow (Feb 30 becomes Mar 2), so a round trip
// through the fields detects impossible dates.
func parseDate(d string) (time.Time, bool) {
	y, _ := strconv.Atoi(d[0:4])
	m, _ := strconv.Atoi(d[4:6])
	day, _ := strconv.Atoi(d[6:8])
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != day {
		return time.Time{}, false
	}
	return t, true
}

// civilDate returns t's calendar date (in t's own location) as UTC midnight,
// the same representation BirthDate uses, so the two compare as dates.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// String returns the normalised 18-character number.
func (n Number) String() string { return n.s }

// BirthDate returns the birth date as midnight UTC; only the date is
// meaningful, the time zone is fixed so values compare and serialise stably.
func (n Number) BirthDate() time.Time {
	if len(n.s) != 18 {
		return time.Time{}
	}
	t, _ := parseDate(n.s[6:14])
	return t
}

// Sex returns the sex encoded by the parity of the 17th digit.
func (n Number) Sex() Sex {
	if len(n.s) != 18 {
		return 0
	}
	if (n.s[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// RegionCode returns the first six digits, the county-level administrative
// division where the number was first issued (not necessarily where the
// person lives now).
func (n Number) RegionCode() string {
	if len(n.s) != 18 {
		return ""
	}
	return n.s[:6]
}

// ProvinceCode returns the first two digits, the province-level division.
func (n Number) ProvinceCode() string {
	if len(n.s) != 18 {
		return ""
	}
	return n.s[:2]
}

// Age returns the age in full years on the calendar date of on (in on's own
// location). The age increases on the birthday itself; someone born on
// 29 February turns a year older on 1 March in common years. Dates before the
// birth date yield 0 rather than a negative age.
func (n Number) Age(on time.Time) int {
	if len(n.s) != 18 {
		return 0
	}
	return ageOn(n.BirthDate(), on)
}

func ageOn(birth, on time.Time) int {
	y, m, d := on.Date()
	by, bm, bd := birth.Date()
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	if age < 0 {
		return 0
	}
	return age
}

// Generate builds a valid identity number for demo data and tests. seq (0-999)
// chooses the three order digits; the last of them is adjusted by at most one
// so its parity encodes sex. Generate panics on a region code that is not six
// digits or a seq out of range, because callers pass constants. The result is
// only guaranteed to pass Parse if regionCode starts with an existing province
// code and birth lies between 1900 and now.
func Generate(regionCode string, birth time.Time, seq int, sex Sex) string {
	if len(regionCode) != 6 || !allDigits(regionCode) {
		panic("idcard: Generate needs a 6-digit region code, got " + strconv.Quote(regionCode))
	}
	if seq < 0 || seq > 999 {
		panic("idcard: Generate seq out of range 0-999: " + strconv.Itoa(seq))
	}
	if sex != Male && sex != Female {
		panic("idcard: Generate needs Male or Female")
	}
	order := []byte(strconv.Itoa(1000 + seq)[1:])
	odd := (order[2]-'0')%2 == 1
	switch {
	case sex == Male && !odd:
		order[2]++ // 0..8 -> 1..9
	case sex == Female && odd:
		order[2]-- // 1..9 -> 0..8
	}
	first17 := regionCode + birth.Format("20060102") + string(order)
	return first17 + string(mod112.Check(first17))
}

// ValidateHKMacaoPermit checks the format of a Mainland Travel Permit for Hong
// Kong and Macao Residents (港澳居民来往内地通行证): H or M followed by 8 or 10
// digits. It returns the number trimmed and upper-cased. The permit has no
// public checksum, so only the shape can be verified.
func ValidateHKMacaoPermit(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", newError(ReasonEmpty, "请填写港澳居民来往内地通行证号码")
	}
	if (len(s) == 9 || len(s) == 11) && (s[0] == 'H' || s[0] == 'M') && allDigits(s[1:]) {
		return s, nil
	}
	return "", newError(ReasonFormat, "港澳居民来往内地通行证号码应为H或M开头，后接8位或10位数字")
}

// ValidateTaiwanPermit checks the format of a Mainland Travel Permit for
// Taiwan Residents (台湾居民来往大陆通行证): 8 digits. It returns the trimmed
// number.
func ValidateTaiwanPermit(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", newError(ReasonEmpty, "请填写台湾居民来往大陆通行证号码")
	}
	if len(s) == 8 && allDigits(s) {
		return s, nil
	}
	return "", newError(ReasonFormat, "台湾居民来往大陆通行证号码应为8位数字")
}

// ValidatePassport checks that a passport number is 5 to 17 ASCII letters or
// digits and returns it trimmed and upper-cased. Formats differ by issuing
// country, so this is deliberately lenient.
func ValidatePassport(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", newError(ReasonEmpty, "请填写护照号码")
	}
	ok := len(s) >= 5 && len(s) <= 17
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
	}
	if !ok {
		return "", newError(ReasonFormat, "护照号码应为5至17位字母或数字")
	}
	return s, nil
}

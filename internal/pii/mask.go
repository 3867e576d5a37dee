package pii

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrInvalidPhone is returned by NormalizePhone; its message is Chinese
// because it is shown to the person who typed the number.
var ErrInvalidPhone = errors.New("手机号码格式不正确")

// NormalizePhone returns a mainland China mobile number as its 11 digits.
// Spaces, hyphens, dots and parentheses are ignored and a +86, 0086 or 86
// country prefix is removed, so "+86 138 1234 5678", "138-1234-5678" and
// "13812345678" all give "13812345678" (and hence one blind index). Only
// numbers of the form 1[3-9]xxxxxxxxx are accepted, because the platform
// sends SMS notifications and cannot reach landlines or foreign numbers.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch r {
		case ' ', '-', '.', '(', ')', '\t':
			continue
		}
		b.WriteRune(r)
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+86"):
		d = d[3:]
	case strings.HasPrefix(d, "0086"):
		d = d[4:]
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' {
		return "", ErrInvalidPhone
	}
	for i := 2; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return "", ErrInvalidPhone
		}
	}
	return d, nil
}

// keep is how many leading and trailing characters a mask leaves visible.
type keep struct{ head, tail int }

// maskMiddle replaces all but the first head and last tail runes of s with
// '*', using the first option that reveals at most half of the characters.
// The length is preserved so the masked form still looks like the document.
func maskMiddle(s string, options ...keep) string {
	r := []rune(strings.TrimSpace(s))
	k := keep{}
	for _, o := range options {
		if o.head+o.tail <= len(r)/2 {
			k = o
			break
		}
	}
	for i := k.head; i < len(r)-k.tail; i++ {
		r[i] = '*'
	}
	return string(r)
}

// MaskIDNumber hides the middle of an identity document number for display.
// An 18-character resident ID keeps its first 3 and last 4 characters
// ("440***********123X"), which identifies the province for support staff
// without revealing the birth date. Shorter documents such as passports and
// permits keep the first 1 and last 2 ("E******78"), and very short inputs
// less, so that never more than half of the characters are visible.
func MaskIDNumber(s string) string {
	return maskMiddle(s, keep{3, 4}, keep{1, 2}, keep{1, 1}, keep{1, 0})
}

// MaskPhone hides the middle of a phone number. Mainland mobile numbers in
// any accepted spelling become "138****5678", the form Chinese users are used
// to; anything else keeps at most two characters at each end and never more
// than half of the characters.
func MaskPhone(s string) string {
	if d, err := NormalizePhone(s); err == nil {
		return d[:3] + "****" + d[7:]
	}
	return maskMiddle(s, keep{2, 2}, keep{1, 1}, keep{1, 0})
}

// MaskVolunteerNo hides the middle of a volunteer number for public pages such as the
// proof check: "44010600001237" → "4401*******237". The number is a login identifier, so
// the public check shows only enough to compare it with the printed proof; never more
// than half of the digits are visible.
func MaskVolunteerNo(s string) string {
	return maskMiddle(s, keep{4, 3}, keep{2, 2}, keep{1, 1}, keep{1, 0})
}

// compoundSurnames are two-character surnames common enough that, in a name
// of three or more characters, the first two characters are almost always
// the surname. Showing the whole surname matches what "张*" shows for
// single-character surnames and reveals nothing more about the person.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true,
	"皇甫": true, "尉迟": true, "公孙": true, "慕容": true, "长孙": true,
	"宇文": true, "司徒": true, "夏侯": true, "轩辕": true, "令狐": true,
	"钟离": true, "端木": true, "独孤": true, "南宫": true, "西门": true,
	"呼延": true, "申屠": true, "澹台": true, "公冶": true, "濮阳": true,
	"淳于": true, "单于": true, "太史": true, "闻人": true, "赫连": true,
	"万俟": true, "司空": true, "鲜于": true, "闾丘": true, "拓跋": true,
	"百里": true, "东郭": true, "第五": true, "左丘": true, "梁丘": true,
}

// nameSeparators stay visible so that masked minority and foreign names
// ("买**·***", "J*** *****") keep their familiar shape.
const nameSeparators = "·•・. "

// MaskName hides a person's name except for the surname, for public pages
// such as certificate verification: "张三" → "张*", "欧阳娜娜" → "欧阳**".
// A recognised compound surname is kept whole when at least one character
// remains hidden; otherwise only the first character is kept. A single
// character is fully masked, since showing it would show the whole name.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	visible := 1
	if len(r) >= 3 && compoundSurnames[string(r[:2])] {
		visible = 2
	}
	if len(r) == 1 {
		visible = 0
	}
	for i := visible; i < len(r); i++ {
		if !strings.ContainsRune(nameSeparators, r[i]) {
			r[i] = '*'
		}
	}
	return string(r)
}

// MaskIP returns a client address with its host part hidden, for records that must say
// which network something came from without naming the person's address: an IPv4
// address keeps its first three octets ("203.0.113.*"), an IPv6 address its /48 (the
// site a provider hands out, "2001:db8:1::/48"). Anything that does not parse as an
// address is replaced whole by "*".
func MaskIP(s string) string {
	addr, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return "*"
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		b := addr.As4()
		return fmt.Sprintf("%d.%d.%d.*", b[0], b[1], b[2])
	}
	return netip.PrefixFrom(addr, 48).Masked().String()
}

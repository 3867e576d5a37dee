package pii

import (
	"errors"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"13812345678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"+86-138-1234-5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{" 138 1234 5678 ", "13812345678"},
		{"0086 13812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"(+86) 199.1234.5678", "19912345678"},
		{"17012345678", "17012345678"},
		{"", ""},
		{"12812345678", ""},  // second digit 2 is not a mobile prefix
		{"10012345678", ""},  // nor 0
		{"23812345678", ""},  // must start with 1
		{"1381234567", ""},   // 10 digits
		{"138123456789", ""}, // 12 digits
		{"1381234567a", ""},
		{"010-12345678", ""}, // landline
		{"+852 9123 4567", ""},
		{"+1 13812345678", ""},
		{"86 1381234567", ""},
		{"１３８１２３４５６７８", ""}, // full-width digits are not silently accepted
		{"+86+8613812345678", ""},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrInvalidPhone) || got != "" {
				t.Errorf("NormalizePhone(%q) = %q, %v; want ErrInvalidPhone", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if ErrInvalidPhone.Error() != "手机号码格式不正确" {
		t.Errorf("message = %q", ErrInvalidPhone.Error())
	}
}

func TestMaskIDNumber(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"44030519900101123X", "440***********123X"},
		{" 11010519491231002X ", "110***********002X"},
		{"110105491231002", "110********1002"}, // 15-digit legacy number: 7 of 15 visible
		{"E12345678", "E******78"},             // passport
		{"H12345678", "H******78"},             // Hong Kong/Macao permit
		{"12345678", "1*****78"},               // Taiwan permit
		{"AB1234", "A***34"},
		{"AB123", "A***3"},
		{"ABCD", "A**D"},
		{"ABC", "A**"},
		{"AB", "A*"},
		{"A", "*"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskIDNumber(tt.in); got != tt.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskNeverRevealsMoreThanHalf(t *testing.T) {
	t.Parallel()
	s := ""
	for n := 0; n <= 30; n++ {
		for _, mask := range []func(string) string{MaskIDNumber, MaskPhone} {
			got := []rune(mask(s))
			if len(got) != n {
				t.Fatalf("mask of length %d changed length to %d", n, len(got))
			}
			visible := 0
			for _, r := range got {
				if r != '*' {
					visible++
				}
			}
			if visible > n/2 {
				t.Fatalf("mask %q of %q reveals %d of %d", string(got), s, visible, n)
			}
		}
		s += "A" // letters, so MaskPhone never treats s as a mobile number
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138 1234 5678", "138****5678"},
		{"138-1234-5678", "138****5678"},
		{"010-12345678", "01********78"},
		{"+852 9123 4567", "+8**********67"},
		{"12345", "1***5"},
		{"123", "1**"},
		{"1", "*"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"张三", "张*"},
		{"王小明", "王**"},
		{" 李四 ", "李*"},
		{"欧阳娜娜", "欧阳**"},
		{"欧阳锋", "欧阳*"},
		{"司马相如", "司马**"},
		{"欧阳", "欧*"}, // two characters: keep only one so something stays hidden
		{"张", "*"},
		{"买买提·吐尔逊", "买**·***"},
		{"John Smith", "J*** *****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMaskVolunteerNo: the public proof check shows at most half of a volunteer number,
// keeping the ends a reader compares with the printed proof.
func TestMaskVolunteerNo(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"44010600001237", "4401*******237"},
		{"4401060000123", "44*********23"}, // odd length: at most 6 of 13
		{"1234", "1**4"},
		{"", ""},
	} {
		if got := MaskVolunteerNo(tt.in); got != tt.want {
			t.Errorf("MaskVolunteerNo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMaskIP: an address in a record keeps its network, never its host.
func TestMaskIP(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"203.0.113.77":         "203.0.113.*",
		" 10.9.9.9 ":           "10.9.9.*",
		"::ffff:192.0.2.1":     "192.0.2.*",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1::/48",
		"fe80::1%eth0":         "fe80::/48",
		"not an address":       "*",
		"":                     "*",
	} {
		if got := MaskIP(in); got != want {
			t.Errorf("MaskIP(%q) = %q, want %q", in, got, want)
		}
	}
}

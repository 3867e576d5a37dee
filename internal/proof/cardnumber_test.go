package proof

import (
	"testing"

	"zhiyuan/internal/mod112"
)

func TestMakeCardNumber(t *testing.T) {
	t.Parallel()
	n, err := MakeCardNumber("440106", 2026, 127)
	if err != nil {
		t.Fatal(err)
	}
	if len(n) != CardNumberLen || n[:16] != "4401062026000127" || !ValidCardNumber(n) {
		t.Fatalf("MakeCardNumber = %q", n)
	}
	if CardNumberRegion(n) != "440106" {
		t.Fatalf("region = %q", CardNumberRegion(n))
	}
	for _, bad := range []struct {
		region string
		year   int
		seq    int64
	}{{"4401", 2026, 1}, {"44010A", 2026, 1}, {"440106", 1999, 1}, {"440106", 2026, 0}, {"440106", 2026, MaxCardSeq + 1}} {
		if _, err := MakeCardNumber(bad.region, bad.year, bad.seq); err == nil {
			t.Errorf("MakeCardNumber(%v) accepted", bad)
		}
	}
}

func TestCardNumberCatchesTypos(t *testing.T) {
	t.Parallel()
	for seq := int64(1); seq < 400; seq += 7 {
		n, _ := MakeCardNumber("440305", 2025, seq)
		// Every single wrong digit is caught.
		for i := 0; i < 16; i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d == n[i] {
					continue
				}
				typo := n[:i] + string(d) + n[i+1:]
				if ValidCardNumber(typo) {
					t.Fatalf("%s with digit %d changed to %c passes", n, i, d)
				}
			}
		}
		// Every swap of two different neighbours is caught.
		for i := 0; i < 16; i++ {
			if n[i] == n[i+1] {
				continue
			}
			swapped := n[:i] + string(n[i+1]) + string(n[i]) + n[i+2:]
			if ValidCardNumber(swapped) {
				t.Fatalf("%s with %d and %d swapped passes", n, i, i+1)
			}
		}
	}
	for _, bad := range []string{"", "4401062026000127", "440106202600012700", "44010620260000000", "4401061999000001X", "4401062026000127x"} {
		if ValidCardNumber(bad) {
			t.Errorf("ValidCardNumber(%q) = true", bad)
		}
	}
}

func FuzzValidCardNumber(f *testing.F) {
	n, _ := MakeCardNumber("440106", 2026, 1)
	f.Add(n)
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidCardNumber(s) {
			if CardNumberRegion(s) == "" || mod112.Check(s[:16]) != s[16] {
				t.Fatalf("%q valid but inconsistent", s)
			}
		}
	})
}

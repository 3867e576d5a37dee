package zhiyuan

import (
	"testing"
	"time"
)

func TestVolunteerNo(t *testing.T) {
	t.Parallel()
	no := MakeVolunteerNo("440106", 17)
	if no != "4401060000017"+string(luhnDigit("4401060000017")) || len(no) != 14 {
		t.Fatalf("MakeVolunteerNo = %q", no)
	}
	if !ValidVolunteerNo(no) || VolunteerNoRegion(no) != "440106" {
		t.Fatalf("%q not valid", no)
	}
	// Every single-digit error and every swap of unequal neighbours is caught.
	for i := range no {
		for d := byte('0'); d <= '9'; d++ {
			if d == no[i] {
				continue
			}
			bad := no[:i] + string(d) + no[i+1:]
			if ValidVolunteerNo(bad) {
				t.Errorf("single-digit error %q accepted", bad)
			}
		}
		if i+1 < len(no) && no[i] != no[i+1] && !(no[i] == '0' && no[i+1] == '9' || no[i] == '9' && no[i+1] == '0') {
			b := []byte(no)
			b[i], b[i+1] = b[i+1], b[i]
			if ValidVolunteerNo(string(b)) {
				t.Errorf("transposition %q accepted", b)
			}
		}
	}
	// Sequences past seven digits make longer numbers that still validate.
	if long := MakeVolunteerNo("441900", 12345678); len(long) != 15 || !ValidVolunteerNo(long) {
		t.Errorf("long number %q", long)
	}
	// Luhn of a known value: 7992739871 → 3.
	if luhnDigit("7992739871") != '3' {
		t.Errorf("luhn(7992739871) = %c", luhnDigit("7992739871"))
	}
	for _, bad := range []string{"", "44010600000", "4401060000017X", "44010600000171234567890", "4401060000017 "} {
		if ValidVolunteerNo(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	// A phone number is never a volunteer number (logins tell them apart by shape).
	if ValidVolunteerNo("13800000001") {
		t.Error("a phone number passes as a volunteer number")
	}
	for _, f := range []func(){func() { MakeVolunteerNo("4401", 1) }, func() { MakeVolunteerNo("440106", 0) }} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic on a bad argument")
				}
			}()
			f()
		}()
	}
}

func TestPoliticalStatus(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "群众", "共青团员", "中共党员", "中共预备党员", "民主党派", "other"} {
		if !ValidPoliticalStatus(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"党员", "团员", "Other", " 群众"} {
		if ValidPoliticalStatus(s) {
			t.Errorf("%q accepted", s)
		}
	}
	if PoliticalStatusChinese("other") != "其他" || PoliticalStatusChinese("") != "未填写" {
		t.Error("Chinese names")
	}
}

func TestAgeOnBeijing(t *testing.T) {
	t.Parallel()
	birth := time.Date(2010, 3, 1, 0, 0, 0, 0, time.UTC)
	// 2024-02-29 17:00 UTC is already 1 March 01:00 in Beijing: the 14th birthday.
	if got := AgeOn(birth, time.Date(2024, 2, 29, 17, 0, 0, 0, time.UTC)); got != 14 {
		t.Errorf("age at Beijing midnight = %d, want 14", got)
	}
	if got := AgeOn(birth, time.Date(2024, 2, 29, 15, 0, 0, 0, time.UTC)); got != 13 {
		t.Errorf("age the evening before = %d, want 13", got)
	}
}

func TestCleanListAndCategories(t *testing.T) {
	t.Parallel()
	if got := CleanList([]string{" 急救", "", "急救", "摄影 "}); len(got) != 2 || got[0] != "急救" || got[1] != "摄影" {
		t.Errorf("CleanList = %q", got)
	}
	if ServiceCategoryName("elderly_care") != "敬老服务" || ServiceCategoryName("elderly") != "" || ServiceCategoryName("nope") != "" {
		t.Error("ServiceCategoryName")
	}
	// Interests and activities share one vocabulary; the interests' old codes and names,
	// still sent by older programs and sheets, are read as the current codes.
	for in, want := range map[string]string{"elderly": "elderly_care", "敬老助老": "elderly_care", "敬老服务": "elderly_care",
		"online": "online_civility", "教育助学": "education", "health": "health", "nope": "nope"} {
		if got := NormalizeCategory(in); got != want {
			t.Errorf("NormalizeCategory(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range ServiceCategories {
		if !Category(c.Code).Valid() || Category(c.Code).Chinese() != c.Name {
			t.Errorf("interest category %+v is not an activity category", c)
		}
	}
	v := &Volunteer{Minor: true}
	if v.HasConsent() {
		t.Error("minor without guardian has consent")
	}
	v.Guardian = &Guardian{Name: "张大山"}
	if v.HasConsent() {
		t.Error("guardian without consent time counts as consent")
	}
	v.Guardian.ConsentAt = time.Now()
	if !v.HasConsent() || !(&Volunteer{}).HasConsent() {
		t.Error("consent not recognised")
	}
}

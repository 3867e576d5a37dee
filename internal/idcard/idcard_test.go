package idcard

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// now is fixed so that "future" and age tests do not drift with the clock.
var now = time.Date(2024, 6, 15, 10, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// withCheck appends the correct check character, so table entries can focus
// on the field under test.
func withCheck(first17 string) string { return first17 + string(CheckChar(first17)) }

// withWrongCheck appends a check character that is guaranteed wrong.
func withWrongCheck(first17 string) string {
	c := CheckChar(first17)
	if c == '0' {
		return first17 + "1"
	}
	return first17 + "0"
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

func TestCheckCharKnownExample(t *testing.T) {
	t.Parallel()
	// The worked example from GB 11643-1999 annex.
	if got := CheckChar("11010519491231002"); got != 'X' {
		t.Fatalf("CheckChar = %c, want X", got)
	}
}

func TestCheckCharPanicsOnBadInput(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "1234567890123456", "1101051949123100A", "110105194912310021"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("CheckChar(%q) did not panic", in)
				}
			}()
			CheckChar(in)
		}()
	}
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     string
		birth    time.Time
		sex      Sex
		region   string
		province string
	}{
		{"11010519491231002X", "11010519491231002X", date(1949, 12, 31), Female, "110105", "11"},
		{"11010519491231002x", "11010519491231002X", date(1949, 12, 31), Female, "110105", "11"},
		{"  11010519491231002x\t", "11010519491231002X", date(1949, 12, 31), Female, "110105", "11"},
		{withCheck("44030520000229123"), withCheck("44030520000229123"), date(2000, 2, 29), Male, "440305", "44"},
		{withCheck("71000019000101001"), withCheck("71000019000101001"), date(1900, 1, 1), Male, "710000", "71"},
		{withCheck("81000020240615002"), withCheck("81000020240615002"), date(2024, 6, 15), Female, "810000", "81"},
		{withCheck("82000019991231005"), withCheck("82000019991231005"), date(1999, 12, 31), Male, "820000", "82"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in, now)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if n.String() != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, n.String(), tt.want)
		}
		if !n.BirthDate().Equal(tt.birth) || n.BirthDate().Location() != time.UTC {
			t.Errorf("Parse(%q).BirthDate() = %v, want %v", tt.in, n.BirthDate(), tt.birth)
		}
		if n.Sex() != tt.sex {
			t.Errorf("Parse(%q).Sex() = %v, want %v", tt.in, n.Sex(), tt.sex)
		}
		if n.RegionCode() != tt.region || n.ProvinceCode() != tt.province {
			t.Errorf("Parse(%q) region/province = %q/%q", tt.in, n.RegionCode(), n.ProvinceCode())
		}
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Reason
		msg  string
	}{
		{"empty", "", ReasonEmpty, "请填写身份证号码"},
		{"blank", "   ", ReasonEmpty, "请填写身份证号码"},
		{"17 chars", "11010519491231002", ReasonLength, "身份证号码应为18位"},
		{"19 chars", "11010519491231002X1", ReasonLength, "身份证号码应为18位"},
		{"15 digit old style", "110105491231002", ReasonLength, "身份证号码应为18位"},
		{"letter inside", "1101051949A231002X", ReasonChars, ""},
		{"X not last", "X10105194912310021", ReasonChars, ""},
		{"other check letter", "11010519491231002Y", ReasonChars, ""},
		{"full-width digit", "11010519491231002１", ReasonChars, ""},
		{"inner space", "110105 1949123100X", ReasonChars, ""},
		{"wrong check char", "110105194912310021", ReasonChecksum, "身份证号码校验位不正确，请核对"},
		{"wrong check char 2", withWrongCheck("44030520000229123"), ReasonChecksum, ""},
		{"feb 30", withCheck("11010519990230001"), ReasonBirthDate, "身份证号码中的出生日期不存在，请核对"},
		{"month 13", withCheck("11010519991301001"), ReasonBirthDate, ""},
		{"month 0", withCheck("11010519990001001"), ReasonBirthDate, ""},
		{"day 0", withCheck("11010519990100001"), ReasonBirthDate, ""},
		{"feb 29 common year", withCheck("11010520230229001"), ReasonBirthDate, ""},
		{"feb 29 1900 not leap", withCheck("11010519000229001"), ReasonBirthDate, ""},
		{"before 1900", withCheck("11010518991231001"), ReasonBirthDate, ""},
		{"tomorrow", withCheck("11010520240616001"), ReasonFuture, "身份证号码中的出生日期晚于今天，请核对"},
		{"far future", withCheck("11010530000101001"), ReasonFuture, ""},
		{"province 99", withCheck("99010519491231002"), ReasonProvince, ""},
		{"province 00", withCheck("00010519491231002"), ReasonProvince, ""},
		{"province 72", withCheck("72010519491231002"), ReasonProvince, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in, now)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error", tt.in, n)
			}
			if got := reasonOf(t, err); got != tt.want {
				t.Fatalf("Parse(%q) reason = %d (%s), want %d", tt.in, got, err, tt.want)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message = %q, want %q", err.Error(), tt.msg)
			}
			if n != (Number{}) {
				t.Errorf("non-zero Number returned with error: %v", n)
			}
		})
	}
}

func TestParseFutureUsesNowsCalendarDate(t *testing.T) {
	t.Parallel()
	// At 23:30 UTC on 14 June it is already 15 June in Beijing; a baby born
	// on 15 June must be accepted when the caller passes Beijing time.
	beijing := time.FixedZone("CST", 8*3600)
	utcNow := time.Date(2024, 6, 14, 23, 30, 0, 0, time.UTC)
	id := withCheck("11010520240615001")
	if _, err := Parse(id, utcNow); err == nil || reasonOf(t, err) != ReasonFuture {
		t.Fatalf("expected future error in UTC, got %v", err)
	}
	if _, err := Parse(id, utcNow.In(beijing)); err != nil {
		t.Fatalf("expected acceptance in Beijing time, got %v", err)
	}
}

func TestAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		birth string // YYYYMMDD
		on    time.Time
		want  int
	}{
		{"20000615", date(2024, 6, 15), 24}, // birthday itself
		{"20000615", date(2024, 6, 14), 23}, // day before
		{"20000615", date(2024, 6, 16), 24},
		{"20000101", date(2023, 12, 31), 23},
		{"20001231", date(2024, 1, 1), 23},
		{"20000229", date(2023, 2, 28), 22}, // leap-day birthday, common year
		{"20000229", date(2023, 3, 1), 23},
		{"20000229", date(2024, 2, 28), 23},
		{"20000229", date(2024, 2, 29), 24},
		{"20060615", date(2024, 6, 14), 17}, // the under-18 boundary matters for consent
		{"20060615", date(2024, 6, 15), 18},
		{"20240615", date(2024, 6, 15), 0},
		{"20240615", date(2020, 1, 1), 0}, // before birth: clamp to 0
	}
	for _, tt := range tests {
		n, err := Parse(withCheck("110105"+tt.birth+"001"), date(2024, 12, 31))
		if err != nil {
			t.Fatalf("setup %s: %v", tt.birth, err)
		}
		if got := n.Age(tt.on); got != tt.want {
			t.Errorf("born %s, Age(%s) = %d, want %d", tt.birth, tt.on.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestAgeUsesCalendarDateOfOn(t *testing.T) {
	t.Parallel()
	n, err := Parse(withCheck("11010520000615001"), now)
	if err != nil {
		t.Fatal(err)
	}
	beijing := time.FixedZone("CST", 8*3600)
	on := time.Date(2024, 6, 14, 20, 0, 0, 0, time.UTC) // 15 June 04:00 in Beijing
	if got := n.Age(on); got != 23 {
		t.Errorf("Age in UTC = %d, want 23", got)
	}
	if got := n.Age(on.In(beijing)); got != 24 {
		t.Errorf("Age in Beijing = %d, want 24", got)
	}
}

func TestZeroNumber(t *testing.T) {
	t.Parallel()
	var n Number
	if n.String() != "" || !n.BirthDate().IsZero() || n.Sex() != 0 || n.RegionCode() != "" ||
		n.ProvinceCode() != "" || n.Age(now) != 0 {
		t.Fatal("zero Number should return zero values without panicking")
	}
}

func TestSexStrings(t *testing.T) {
	t.Parallel()
	if Male.String() != "male" || Female.String() != "female" || Sex(0).String() != "unknown" {
		t.Error("Sex.String mismatch")
	}
	if Male.Chinese() != "男" || Female.Chinese() != "女" || Sex(0).Chinese() != "" {
		t.Error("Sex.Chinese mismatch")
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	regions := []string{"110105", "440305", "650102", "710000", "810000", "820000"}
	births := []time.Time{date(1900, 1, 1), date(1949, 10, 1), date(2000, 2, 29), date(2024, 6, 15)}
	for _, region := range regions {
		for _, birth := range births {
			for _, seq := range []int{0, 1, 8, 9, 10, 123, 998, 999} {
				for _, sex := range []Sex{Male, Female} {
					s := Generate(region, birth, seq, sex)
					n, err := Parse(s, now)
					if err != nil {
						t.Fatalf("Generate(%s, %s, %d, %v) = %s rejected: %v", region, birth.Format(time.DateOnly), seq, sex, s, err)
					}
					if !n.BirthDate().Equal(birth) || n.Sex() != sex || n.RegionCode() != region {
						t.Fatalf("Generate(%s, %s, %d, %v) = %s decodes to %v %v %s", region, birth.Format(time.DateOnly), seq, sex, s, n.BirthDate(), n.Sex(), n.RegionCode())
					}
					// Only the last order digit may move, and only by one.
					want := 1000 + seq
					got := 1000 + int(s[14]-'0')*100 + int(s[15]-'0')*10 + int(s[16]-'0')
					if d := got - want; d < -1 || d > 1 {
						t.Fatalf("order digits %s too far from seq %d", s[14:17], seq)
					}
				}
			}
		}
	}
}

func TestGenerateDistinctSequences(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for seq := 0; seq < 1000; seq += 2 {
		s := Generate("110105", date(1990, 1, 1), seq, Male)
		if seen[s] {
			t.Fatalf("duplicate %s for seq %d", s, seq)
		}
		seen[s] = true
	}
}

func TestGeneratePanics(t *testing.T) {
	t.Parallel()
	cases := []func(){
		func() { Generate("11010", now, 1, Male) },
		func() { Generate("11010A", now, 1, Male) },
		func() { Generate("110105", now, -1, Male) },
		func() { Generate("110105", now, 1000, Male) },
		func() { Generate("110105", now, 1, 0) },
	}
	for i, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("case %d did not panic", i)
				}
			}()
			f()
		}()
	}
}

func TestValidateHKMacaoPermit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		reason   Reason
	}{
		{"H12345678", "H12345678", 0},
		{" m1234567890 ", "M1234567890", 0},
		{"h12345678", "H12345678", 0},
		{"", "", ReasonEmpty},
		{"H1234567", "", ReasonFormat},
		{"H123456789", "", ReasonFormat},
		{"H123456789012", "", ReasonFormat},
		{"A12345678", "", ReasonFormat},
		{"H1234567A", "", ReasonFormat},
		{"12345678", "", ReasonFormat},
	}
	for _, tt := range tests {
		got, err := ValidateHKMacaoPermit(tt.in)
		checkDoc(t, "ValidateHKMacaoPermit", tt.in, got, err, tt.want, tt.reason)
	}
}

func TestValidateTaiwanPermit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		reason   Reason
	}{
		{"12345678", "12345678", 0},
		{" 00012345 ", "00012345", 0},
		{"", "", ReasonEmpty},
		{"1234567", "", ReasonFormat},
		{"123456789", "", ReasonFormat},
		{"1234567A", "", ReasonFormat},
	}
	for _, tt := range tests {
		got, err := ValidateTaiwanPermit(tt.in)
		checkDoc(t, "ValidateTaiwanPermit", tt.in, got, err, tt.want, tt.reason)
	}
}

func TestValidatePassport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		reason   Reason
	}{
		{"E12345678", "E12345678", 0},
		{" ej1234567 ", "EJ1234567", 0},
		{"AB123", "AB123", 0},
		{strings.Repeat("A", 17), strings.Repeat("A", 17), 0},
		{"", "", ReasonEmpty},
		{"AB12", "", ReasonFormat},
		{strings.Repeat("A", 18), "", ReasonFormat},
		{"E1234-567", "", ReasonFormat},
		{"E1234 567", "", ReasonFormat},
		{"护照12345", "", ReasonFormat},
	}
	for _, tt := range tests {
		got, err := ValidatePassport(tt.in)
		checkDoc(t, "ValidatePassport", tt.in, got, err, tt.want, tt.reason)
	}
}

func checkDoc(t *testing.T, fn, in, got string, err error, want string, reason Reason) {
	t.Helper()
	if reason == 0 {
		if err != nil || got != want {
			t.Errorf("%s(%q) = %q, %v; want %q", fn, in, got, err, want)
		}
		return
	}
	if err == nil {
		t.Errorf("%s(%q) = %q, want error", fn, in, got)
		return
	}
	if r := reasonOf(t, err); r != reason {
		t.Errorf("%s(%q) reason = %d, want %d", fn, in, r, reason)
	}
	if got != "" {
		t.Errorf("%s(%q) returned %q with error", fn, in, got)
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"11010519491231002X", "11010519491231002x", " 11010519491231002X ",
		"110105194912310021", "11010519990230001X", "", "x", "11010519491231002",
		"11010519491231002X1", "99010519491231002X", "1101051949123100２X",
		Generate("440305", date(2000, 2, 29), 7, Female),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s, now)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Error() == "" {
				t.Fatalf("Parse(%q) error %v is not a non-empty *Error", s, err)
			}
			return
		}
		out := n.String()
		if len(out) != 18 || CheckChar(out[:17]) != out[17] {
			t.Fatalf("Parse(%q) accepted %q with a bad checksum", s, out)
		}
		if strings.ToUpper(strings.TrimSpace(s)) != out {
			t.Fatalf("Parse(%q) normalised to unexpected %q", s, out)
		}
		again, err := Parse(out, now)
		if err != nil || again != n {
			t.Fatalf("round trip of %q failed: %v, %v", out, again, err)
		}
		if b := n.BirthDate(); b.Before(minBirth) || b.After(now) {
			t.Fatalf("accepted birth date %v out of range", b)
		}
		if n.Sex() != Male && n.Sex() != Female {
			t.Fatalf("accepted number without a sex")
		}
	})
}

package zhiyuan

import (
	"fmt"
	"strings"
	"time"
)

// VolunteerNoSeqDigits is the minimum width of the sequence part of a volunteer number.
// Seven digits give every county ten million numbers; a larger sequence simply makes a
// longer number, which Validate accepts.
const VolunteerNoSeqDigits = 7

// MakeVolunteerNo builds a volunteer number from the 6-digit county code the volunteer
// registered in and a per-county sequence allocated by the database: code, sequence
// (zero-padded to VolunteerNoSeqDigits) and a Luhn check digit. It is all digits, so it
// can be typed on a phone keypad, and it never contains anything from the identity number.
// It panics on a code that is not six digits or a sequence below 1: both are bugs.
func MakeVolunteerNo(regionCode string, seq int64) string {
	if len(regionCode) != 6 || !allDigits(regionCode) {
		panic(fmt.Sprintf("zhiyuan: MakeVolunteerNo needs a 6-digit region code, got %q", regionCode))
	}
	if seq < 1 {
		panic(fmt.Sprintf("zhiyuan: MakeVolunteerNo needs a positive sequence, got %d", seq))
	}
	body := regionCode + fmt.Sprintf("%0*d", VolunteerNoSeqDigits, seq)
	return body + string(luhnDigit(body))
}

// ValidVolunteerNo reports whether s has the shape of a volunteer number and its check
// digit is right: a single mistyped digit or a swap of two neighbours is caught before
// any database look-up.
func ValidVolunteerNo(s string) bool {
	if len(s) < 6+VolunteerNoSeqDigits+1 || len(s) > 20 || !allDigits(s) {
		return false
	}
	return luhnDigit(s[:len(s)-1]) == s[len(s)-1]
}

// VolunteerNoRegion returns the county code a valid volunteer number was issued in.
func VolunteerNoRegion(no string) string {
	if !ValidVolunteerNo(no) {
		return ""
	}
	return no[:6]
}

// luhnDigit returns the Luhn check digit of a string of digits.
func luhnDigit(body string) byte {
	sum := 0
	double := true // the rightmost digit of the body is doubled once the check digit follows it
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// PoliticalStatuses are the political statuses (政治面貌) a volunteer may declare, in the
// order forms offer them. The empty string means "not given".
var PoliticalStatuses = []string{"群众", "共青团员", "中共党员", "中共预备党员", "民主党派", "other"}

// ValidPoliticalStatus reports whether s is one of PoliticalStatuses or empty.
func ValidPoliticalStatus(s string) bool {
	if s == "" {
		return true
	}
	for _, v := range PoliticalStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// PoliticalStatusChinese is how a political status is shown on pages.
func PoliticalStatusChinese(s string) string {
	switch s {
	case "other":
		return "其他"
	case "":
		return "未填写"
	}
	return s
}

// ServiceCategories are the service categories (服务类别) of volunteers' interests: the
// activities' categories (Categories), by stable code with the Chinese name, so that an
// interest and an activity's category are one vocabulary (recommendations match them).
var ServiceCategories = func() []struct{ Code, Name string } {
	out := make([]struct{ Code, Name string }, len(Categories))
	for i, c := range Categories {
		out[i].Code, out[i].Name = string(c), c.Chinese()
	}
	return out
}()

// legacyCategories are the codes and Chinese names volunteers' interests had before they
// shared the activities' list (migration 0035 rewrote the stored ones): a program or a
// spreadsheet that still sends them is understood.
var legacyCategories = map[string]Category{
	"poverty": CatPoverty, "elderly": CatElderly, "legal": CatLegalAid, "traffic": CatTraffic, "online": CatOnline,
	"敬老助老": CatElderly, "教育助学": CatEducation, "文化体育": CatCultureSports, "卫生健康": CatHealth,
}

// NormalizeCategory returns the category code for a code or Chinese name, current or
// legacy, and the input unchanged when it is none of them (for the rules to refuse).
func NormalizeCategory(s string) string {
	if c, ok := legacyCategories[s]; ok {
		return string(c)
	}
	for _, c := range Categories {
		if s == c.Chinese() {
			return string(c)
		}
	}
	return s
}

// ServiceCategoryName returns the Chinese name of a category code, or "" for an unknown one.
func ServiceCategoryName(code string) string {
	for _, c := range ServiceCategories {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// TimesOfDay are the parts of the day a volunteer can be available in.
var TimesOfDay = []struct{ Code, Name string }{
	{"morning", "上午"}, {"afternoon", "下午"}, {"evening", "晚上"},
}

// WeekdayNames are the Chinese names of ISO weekdays 1 (Monday) to 7 (Sunday), index 0 unused.
var WeekdayNames = [8]string{"", "周一", "周二", "周三", "周四", "周五", "周六", "周日"}

// Availability is when a volunteer can usually serve: ISO weekdays (1 = Monday … 7 =
// Sunday) and parts of the day (TimesOfDay codes).
type Availability struct {
	Weekdays []int
	Times    []string
}

// Guardian relations accepted at registration.
var GuardianRelations = []string{"父亲", "母亲", "祖父母", "外祖父母", "其他监护人"}

// Age limits of registration.
const (
	MinRegisterAge = 14 // younger children register only through a guardian, with an organisation
	AdultAge       = 18
)

// Beijing is the time zone that decides "today" for ages and birth dates: a volunteer
// turns 14 at midnight in China, not in UTC.
var Beijing = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// AgeOn returns the age in full years on day (taken in Beijing time) of someone born on
// birth (a calendar date).
func AgeOn(birth, day time.Time) int {
	y, m, d := day.In(Beijing).Date()
	age := y - birth.Year()
	if m < birth.Month() || (m == birth.Month() && d < birth.Day()) {
		age--
	}
	return age
}

// CleanList trims the items of a free-text list, drops empty ones and duplicates, and
// keeps the order given.
func CleanList(items []string) []string {
	out := make([]string, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" || seen[it] {
			continue
		}
		seen[it] = true
		out = append(out, it)
	}
	return out
}

package zhiyuan

import (
	"strings"
	"testing"
	"time"
)

func at(hhmm string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2026-03-07 "+hhmm)
	if err != nil {
		panic(err)
	}
	return t
}

func TestServiceTime(t *testing.T) {
	t.Parallel()
	rules := DefaultHourRules()
	start, end := at("09:00"), at("12:00")
	cases := []struct {
		name          string
		in, out       time.Time
		want          int64
		reasonContain string
	}{
		{"issue example: 09:05–11:50 is 2.5 h", at("09:05"), at("11:50"), 150, ""},
		{"below the minimum share counts nothing", at("09:00"), at("09:40"), 0, "不足活动时长"},
		{"whole session", at("09:00"), at("12:00"), 180, ""},
		{"early arrival and late leave are clipped", at("08:00"), at("13:30"), 180, ""},
		{"exactly 60 % counts", at("09:00"), at("10:48"), 90, ""},
		{"one minute under 60 % does not", at("09:00"), at("10:47"), 0, "不足活动时长"},
		{"rounded down, never up", at("09:00"), at("11:59"), 150, ""},
		{"check-out before check-in", at("11:00"), at("10:00"), 0, "早于签到"},
		{"outside the window", at("12:10"), at("13:00"), 0, "不在活动时段内"},
		{"no check-out", at("09:00"), time.Time{}, 0, "没有签退"},
	}
	for _, c := range cases {
		got, reason := ServiceTime(rules, start, end, c.in, c.out)
		if got != c.want {
			t.Errorf("%s: %d minutes, want %d (reason %q)", c.name, got, c.want, reason)
		}
		if c.reasonContain == "" && reason != "" {
			t.Errorf("%s: unexpected reason %q", c.name, reason)
		}
		if c.reasonContain != "" && !strings.Contains(reason, c.reasonContain) {
			t.Errorf("%s: reason %q, want it to mention %q", c.name, reason, c.reasonContain)
		}
	}
}

func TestServiceTimeMinCounted(t *testing.T) {
	t.Parallel()
	// A platform that counts whole minutes still ignores stays under 15 minutes.
	rules := HourRules{RoundTo: 0, MinCounted: 15 * time.Minute, MinShare: 0}
	start, end := at("09:00"), at("10:00")
	if m, reason := ServiceTime(rules, start, end, at("09:00"), at("09:14")); m != 0 || !strings.Contains(reason, "15分钟") {
		t.Errorf("14 minutes: %d %q", m, reason)
	}
	if m, _ := ServiceTime(rules, start, end, at("09:00"), at("09:17")); m != 17 {
		t.Errorf("17 minutes counted as %d", m)
	}
}

func TestHourRulesDescribeAndValidate(t *testing.T) {
	t.Parallel()
	d := DefaultHourRules().Describe()
	for _, want := range []string{"60%", "15分钟", "半小时", "2.5小时"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe() = %q, want it to mention %q", d, want)
		}
	}
	if err := DefaultHourRules().Validate(); err != nil {
		t.Errorf("default rules invalid: %v", err)
	}
	bad := HourRules{RoundTo: 90 * time.Second, MinShare: 1.5}
	err := bad.Validate()
	if f := ErrorFields(err); f["round_to"] == "" || f["min_share"] == "" {
		t.Errorf("bad rules: %v", err)
	}
}

func TestStarLevelChangesExactlyAtThresholds(t *testing.T) {
	t.Parallel()
	for i, h := range StarHours {
		if got := StarLevel(h*60 - 1); got != i {
			t.Errorf("%d h minus a minute: level %d, want %d", h, got, i)
		}
		if got := StarLevel(h * 60); got != i+1 {
			t.Errorf("%d h: level %d, want %d", h, got, i+1)
		}
	}
	if StarLevel(0) != 0 || StarLevel(-600) != 0 {
		t.Error("no hours, no star")
	}
	if got := HoursToNextLevel(99 * 60); got != 1 {
		t.Errorf("99 h: %v h to next level, want 1", got)
	}
	if got := HoursToNextLevel(100 * 60); got != 200 {
		t.Errorf("100 h: %v h to next level, want 200", got)
	}
	if got := HoursToNextLevel(2000 * 60); got != 0 {
		t.Errorf("2000 h: %v h to next level, want 0", got)
	}
	if got := LevelProgress(200 * 60); got != 50 {
		t.Errorf("200 h progress %d%%, want 50", got)
	}
	if got := LevelProgress(1500 * 60); got != 100 {
		t.Errorf("5 stars progress %d%%", got)
	}
}

// TestFormatHours: pages, messages and printed proofs write hours one way, to two
// decimals at most, without trailing zeros.
func TestFormatHours(t *testing.T) {
	t.Parallel()
	for m, want := range map[int64]string{0: "0", 60: "1", 90: "1.5", 150: "2.5", 20: "0.33", 1: "0.02",
		6000: "100", -60: "-1", -20: "-0.33", 45: "0.75", 61: "1.02", 59: "0.98", 599: "9.98"} {
		if got := FormatHours(m); got != want {
			t.Errorf("FormatHours(%d) = %q, want %q", m, got, want)
		}
	}
}

func TestHoursConversions(t *testing.T) {
	t.Parallel()
	if HoursToMinutes(2.5) != 150 || HoursToMinutes(-1) != -60 || HoursToMinutes(0.1) != 6 {
		t.Error("HoursToMinutes")
	}
	if MinutesToHours(20) != 0.33 || MinutesToHours(150) != 2.5 {
		t.Error("MinutesToHours")
	}
	// Summing minutes is exact where summing float hours is not.
	var sum int64
	for range 1000 {
		sum += HoursToMinutes(0.1)
	}
	if sum != 6000 {
		t.Errorf("1000 × 0.1 h = %d minutes", sum)
	}
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	cal, err := NewWorkCalendar([]string{"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"}, []string{"2026-10-10"})
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	cases := []struct {
		from string
		n    int
		cal  WorkCalendar
		want string
	}{
		{"2026-03-06", 1, WorkCalendar{}, "2026-03-09"},  // Friday → Monday
		{"2026-03-02", 10, WorkCalendar{}, "2026-03-16"}, // Monday + two weeks
		{"2026-03-07", 10, WorkCalendar{}, "2026-03-20"}, // from a Saturday
		{"2026-03-02", 0, WorkCalendar{}, "2026-03-02"},
		// National Day week: 1, 2, 5, 6, 7 off; Saturday the 10th worked.
		{"2026-09-30", 1, cal, "2026-10-08"},
		{"2026-09-30", 3, cal, "2026-10-10"},
		{"2026-09-30", 10, cal, "2026-10-20"},
	}
	for _, c := range cases {
		if got := AddWorkingDays(day(c.from), c.n, c.cal).Format(time.DateOnly); got != c.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", c.from, c.n, got, c.want)
		}
	}
	if _, err := NewWorkCalendar([]string{"2026/10/01"}, nil); err == nil {
		t.Error("a bad date was accepted")
	}
}

func TestRecordingDeadline(t *testing.T) {
	t.Parallel()
	sh := time.FixedZone("CST", 8*3600) // Asia/Shanghai has had no DST since 1991
	// Ends Monday 2026-03-02 23:30 in Shanghai (15:30 UTC): ten working days later is
	// Monday the 16th, overdue from the 17th 00:00 Shanghai time.
	end := time.Date(2026, 3, 2, 15, 30, 0, 0, time.UTC)
	got := RecordingDeadline(end, sh, WorkCalendar{})
	want := time.Date(2026, 3, 17, 0, 0, 0, 0, sh)
	if !got.Equal(want) {
		t.Errorf("deadline %v, want %v", got, want)
	}
}

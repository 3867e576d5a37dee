package zhiyuan

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Service time is kept in whole minutes everywhere (ledger entries, totals, API input
// converted once at the edge): integers add up exactly over millions of entries, while
// float hours drift (0.1 h has no exact binary form) and tenths of an hour cannot hold
// the 20 or 40 minutes that a make-up entry may carry. Hours are a display unit only;
// see MinutesToHours and HoursToMinutes.

// HourRules are the platform's rules for turning attendance into service time. They are
// set per platform and shown to volunteers (Describe) so nobody is surprised by a total.
type HourRules struct {
	// RoundTo is the unit counted time is rounded down to (default 30 minutes). Rounding
	// down, never up, because service time is time actually given: 2 h 45 min present
	// counts 2.5 h. Zero or less counts whole minutes.
	RoundTo time.Duration
	// MinCounted is the least present time that counts at all (default 15 minutes).
	MinCounted time.Duration
	// MinShare is the share of the session a volunteer must be present for before any
	// time counts (default 0.6).
	MinShare float64
}

// DefaultHourRules are the rules a new platform runs with: half hours, 15 minutes
// minimum, 60 % of the session.
func DefaultHourRules() HourRules {
	return HourRules{RoundTo: 30 * time.Minute, MinCounted: 15 * time.Minute, MinShare: 0.6}
}

// Validate checks that the rules make sense; an operator's typo must fail at start.
func (r HourRules) Validate() error {
	p := Problems{}
	if r.RoundTo < 0 || r.RoundTo > 4*time.Hour || r.RoundTo%time.Minute != 0 {
		p.Add("round_to", "hours.rule_rounding_range")
	}
	if r.MinCounted < 0 || r.MinCounted > 4*time.Hour {
		p.Add("min_counted", "hours.rule_minimum_range")
	}
	if !(r.MinShare >= 0 && r.MinShare <= 1) {
		p.Add("min_share", "hours.rule_presence_range")
	}
	return p.Err()
}

// Describe explains the rules in Chinese, for the pages that show hours.
func (r HourRules) Describe() string {
	var parts []string
	parts = append(parts, Text("hours.rules_window"))
	if r.MinShare > 0 {
		parts = append(parts, Text("hours.rules_min_share", "share", percent(r.MinShare)))
	}
	if r.MinCounted > 0 {
		parts = append(parts, Text("hours.rules_min_counted", "minimum", chineseDuration(r.MinCounted)))
	}
	if r.RoundTo > 0 {
		example := 2*time.Hour + 45*time.Minute
		counted := example.Truncate(r.RoundTo)
		unit := chineseDuration(r.RoundTo)
		if r.RoundTo == 30*time.Minute {
			unit = Text("hours.half_hour")
		}
		parts = append(parts, Text("hours.rules_rounding", "unit", unit, "present", chineseDuration(example), "counted", chineseDuration(counted)))
	} else {
		parts = append(parts, Text("hours.rules_exact"))
	}
	return Text("hours.rules", "rules", strings.Join(parts, "；"))
}

func percent(f float64) string {
	v := f * 100
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d%%", int(v))
	}
	return fmt.Sprintf("%.1f%%", v)
}

// chineseDuration writes a duration as people say it: 30分钟, 1小时, 2.5小时, 2小时45分钟.
func chineseDuration(d time.Duration) string {
	m := int64(d / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%d分钟", m)
	case m%60 == 0:
		return fmt.Sprintf("%d小时", m/60)
	case m%30 == 0:
		return fmt.Sprintf("%s小时", FormatHours(m))
	}
	return fmt.Sprintf("%d小时%d分钟", m/60, m%60)
}

// ServiceTime computes the service time, in whole minutes, that one attendance earns
// under rules: the time between checkIn and checkOut clipped to the session's window
// [sessionStart, sessionEnd], counted only when it reaches rules.MinShare of the session
// and rules.MinCounted, and rounded down to rules.RoundTo. When it counts nothing, reason
// says why in Chinese (shown to the volunteer and the organiser); otherwise reason is "".
func ServiceTime(rules HourRules, sessionStart, sessionEnd, checkIn, checkOut time.Time) (minutes int64, reason string) {
	length := sessionEnd.Sub(sessionStart)
	if length <= 0 {
		return 0, "活动场次的时间不正确"
	}
	if checkIn.IsZero() {
		return 0, "没有签到记录"
	}
	if checkOut.IsZero() {
		return 0, "没有签退记录"
	}
	if !checkOut.After(checkIn) {
		return 0, "签退时间早于签到时间"
	}
	in, out := checkIn, checkOut
	if in.Before(sessionStart) {
		in = sessionStart
	}
	if out.After(sessionEnd) {
		out = sessionEnd
	}
	present := out.Sub(in)
	if present <= 0 {
		return 0, "签到签退时间不在活动时段内"
	}
	// Compare in whole seconds so that 60 % of a 3 h session is exactly 108 minutes.
	if float64(present/time.Second) < rules.MinShare*float64(length/time.Second) {
		return 0, fmt.Sprintf("在岗%s，不足活动时长%s的%s，不计时长",
			chineseDuration(present.Truncate(time.Minute)), chineseDuration(length.Truncate(time.Minute)), percent(rules.MinShare))
	}
	if present < rules.MinCounted {
		return 0, fmt.Sprintf("在岗不足%s，不计时长", chineseDuration(rules.MinCounted))
	}
	counted := present.Truncate(time.Minute)
	if rules.RoundTo > 0 {
		counted = present.Truncate(rules.RoundTo)
	}
	if counted <= 0 {
		return 0, fmt.Sprintf("在岗不足%s，不计时长", chineseDuration(rules.RoundTo))
	}
	return int64(counted / time.Minute), ""
}

// MinutesToHours turns minutes into hours for display and JSON, rounded to hundredths so
// that 20 minutes shows as 0.33 and not 0.3333333.
func MinutesToHours(m int64) float64 {
	return math.Round(float64(m)/60*100) / 100
}

// HoursToMinutes turns hours given by a person (a make-up or a correction) into whole
// minutes, to the nearest minute.
func HoursToMinutes(h float64) int64 {
	return int64(math.Round(h * 60))
}

// FormatHours writes minutes as hours the one way pages, messages and printed proofs
// show them: to two decimals at most, without trailing zeros ("2.5", "100", "0.33").
func FormatHours(m int64) string {
	s := fmt.Sprintf("%.2f", MinutesToHours(m))
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// StarHours are the confirmed hours at which a volunteer reaches one to five stars.
var StarHours = [5]int64{100, 300, 600, 1000, 1500}

// MaxStarLevel is the highest star level.
const MaxStarLevel = len(StarHours)

// StarLevel returns the star level (0 to 5) that confirmedMinutes of confirmed service
// earn. The level changes exactly at each threshold: 100 h is one star, 99 h 59 min none.
func StarLevel(confirmedMinutes int64) int {
	level := 0
	for i, h := range StarHours {
		if confirmedMinutes >= h*60 {
			level = i + 1
		}
	}
	return level
}

// MinutesToNextLevel returns how many more confirmed minutes reach the next star level,
// or 0 at the highest level.
func MinutesToNextLevel(confirmedMinutes int64) int64 {
	level := StarLevel(confirmedMinutes)
	if level >= MaxStarLevel {
		return 0
	}
	if confirmedMinutes < 0 {
		confirmedMinutes = 0
	}
	return StarHours[level]*60 - confirmedMinutes
}

// HoursToNextLevel is MinutesToNextLevel in hours, or 0 at the highest level.
func HoursToNextLevel(confirmedMinutes int64) float64 {
	return MinutesToHours(MinutesToNextLevel(confirmedMinutes))
}

// LevelProgress returns how far confirmedMinutes are from the current level's threshold
// to the next one, as a percentage 0–100 (100 at the highest level), for progress bars.
func LevelProgress(confirmedMinutes int64) int {
	level := StarLevel(confirmedMinutes)
	if level >= MaxStarLevel {
		return 100
	}
	var from int64
	if level > 0 {
		from = StarHours[level-1] * 60
	}
	to := StarHours[level] * 60
	if confirmedMinutes <= from {
		return 0
	}
	return int((confirmedMinutes - from) * 100 / (to - from))
}

// RecordingWorkingDays is how many working days after an activity its hours must be
// recorded and confirmed in.
const RecordingWorkingDays = 10

// WorkCalendar says which days are working days: Monday to Friday, minus public
// holidays, plus the weekend days that the State Council's yearly holiday schedule turns
// into working days (调休). Days are "2006-01-02" in the venue's time zone.
type WorkCalendar struct {
	Holidays map[string]bool // weekdays off
	Workdays map[string]bool // weekend days worked
}

// NewWorkCalendar builds a calendar from lists of holiday and make-up working dates
// ("2006-01-02"), naming the first date it cannot read.
func NewWorkCalendar(holidays, workdays []string) (WorkCalendar, error) {
	c := WorkCalendar{Holidays: map[string]bool{}, Workdays: map[string]bool{}}
	for _, list := range []struct {
		days []string
		into map[string]bool
	}{{holidays, c.Holidays}, {workdays, c.Workdays}} {
		for _, d := range list.days {
			d = strings.TrimSpace(d)
			if d == "" {
				continue
			}
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return WorkCalendar{}, fmt.Errorf("日期 %q 格式不正确，应为 2006-01-02", d)
			}
			list.into[d] = true
		}
	}
	return c, nil
}

// IsWorkingDay reports whether day (its calendar date in its own location) is a working
// day.
func (c WorkCalendar) IsWorkingDay(day time.Time) bool {
	key := day.Format(time.DateOnly)
	if c.Workdays[key] {
		return true
	}
	if c.Holidays[key] {
		return false
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Dates lists the calendar's holidays and make-up working days, sorted, for showing.
func (c WorkCalendar) Dates() (holidays, workdays []string) {
	for d := range c.Holidays {
		holidays = append(holidays, d)
	}
	for d := range c.Workdays {
		workdays = append(workdays, d)
	}
	sort.Strings(holidays)
	sort.Strings(workdays)
	return holidays, workdays
}

// AddWorkingDays returns the n-th working day after day's date (n ≥ 0; n = 0 returns day
// itself), keeping day's clock time and location. The day itself never counts: a Monday
// activity with n = 1 gives Tuesday.
func AddWorkingDays(day time.Time, n int, cal WorkCalendar) time.Time {
	d := day
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if cal.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// RecordingDeadline is the instant after which a session's unconfirmed hours are
// overdue: the end (midnight) of the RecordingWorkingDays-th working day after the day
// the session ended, counted in the venue's time zone.
func RecordingDeadline(sessionEnd time.Time, loc *time.Location, cal WorkCalendar) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	local := sessionEnd.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	last := AddWorkingDays(midnight, RecordingWorkingDays, cal)
	return time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, loc)
}

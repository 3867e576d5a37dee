// Figures (issue 13): the dashboards' numbers for a region or an organisation subtree
// over a range of months, read from summary tables the database keeps exact (migration
// 0018_figures.sql holds the one definition of each figure).

package zhiyuan

import (
	"strconv"
	"time"
)

// FigureSmallGroup is the fewest registered volunteers a region or organisation must have
// before anonymous visitors see its personal split (sex, age band, political status): a
// split of a handful of people points at persons.
const FigureSmallGroup = 10

// FigureMaxMonths bounds a range of months asked for at once.
const FigureMaxMonths = 120

// Age bands, fixed at registration (the age reached on the day of registering).
var FigureAgeBands = []string{"0-17", "18-35", "36-59", "60+"}

// Figure series: how the rows under the totals are split.
const (
	FigureByMonth    = "month"
	FigureByCategory = "category"
	FigureByChild    = "child"
)

// FigureScope is what figures are asked about: a region (by the prefix its codes share,
// "" for the whole platform) or, when OrgID is set, an organisation and everything below
// it in the tree as it stands now.
type FigureScope struct {
	RegionPrefix string
	OrgID        int64
}

// FigureCounts are the service figures of one scope in one range (or one row of a
// series).
type FigureCounts struct {
	NewVolunteers    int64 `json:"new_volunteers"`    // registered in the range
	ClosedVolunteers int64 `json:"closed_volunteers"` // accounts closed in the range
	ActiveVolunteers int64 `json:"active_volunteers"` // distinct, with confirmed hours in the range (region: by home region; organisation: served in the subtree)
	Organizations    int64 `json:"new_organizations"` // approved in the range (region scopes)
	Activities       int64 `json:"activities"`        // published in the range
	Sessions         int64 `json:"sessions"`          // sessions (场次) starting in the range
	Signups          int64 `json:"signups"`           // sign-ups made in the range
	ConfirmedMinutes int64 `json:"confirmed_minutes"` // confirmed minutes recorded in the range, corrections included
}

// FigureTotals are a scope's totals for a range: the counts, the standing totals at the
// range's end, and the personal split (nil when it is withheld).
type FigureTotals struct {
	FigureCounts
	Volunteers    int64 // registered and not closed at the end of the range
	Organizations int64 // approved at the end of the range (organisation scopes: in the subtree now)
	Members       int64 // organisation scopes: approved members of the subtree now
	BySex         map[string]int64
	ByAgeBand     map[string]int64
	ByPolitical   map[string]int64
}

// AverageMinutes is the confirmed minutes per active volunteer, 0 when none was active.
func (t FigureTotals) AverageMinutes() int64 {
	if t.ActiveVolunteers == 0 {
		return 0
	}
	return t.ConfirmedMinutes / t.ActiveVolunteers
}

// FigureRow is one row of a series: a month, a category or a child region.
type FigureRow struct {
	Key   string
	Label string
	FigureCounts
	Volunteers int64 // child rows: registered and not closed at the end of the range
}

// ParseMonth reads "2026-01" into the first instant of that month in China time; ok is
// false for anything else.
func ParseMonth(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", s, Beijing)
	if err != nil || t.Format("2006-01") != s {
		return time.Time{}, false
	}
	return t, true
}

// MonthOf is the figures' month of t, in Beijing time as the database counts it
// (0018_figures.sql: Asia/Shanghai, UTC+8 all year).
func MonthOf(t time.Time) string { return t.In(Beijing).Format("2006-01") }

// MonthLabel is "2026年3月".
func MonthLabel(m string) string {
	t, ok := ParseMonth(m)
	if !ok {
		return m
	}
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月"
}

// MonthsBetween counts the months from..to inclusive (0 when to is before from).
func MonthsBetween(from, to string) int {
	a, ok1 := ParseMonth(from)
	b, ok2 := ParseMonth(to)
	if !ok1 || !ok2 {
		return 0
	}
	n := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month()) + 1
	return max(n, 0)
}

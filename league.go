package zhiyuan

import (
	"strconv"
	"strings"
	"time"
)

// LeagueMemberStatus is the political status (PoliticalStatuses) of a League member
// (共青团员): the volunteers the League registration rate counts.
const LeagueMemberStatus = "共青团员"

// LeagueRate is the League registration rate (团员注册率) of a unit, a subtree of
// units or a region: Members registered volunteers with political status
// LeagueMemberStatus (active, not closed) who are approved members of the units, over
// Roster, the League members the units report (团员总数). It is the one definition of the
// rate: pages, API, exports and tests all read it through these methods.
//
// A volunteer who is a member of two units of one subtree or region counts once there
// (Members is a count of distinct volunteers), while each unit's roster counts its own
// League members: a person is one League member of the 校团委 however many 班级团支部
// list them. Roster 0 means no roster was reported: there is no rate (无花名册), not a
// division by zero. Members may exceed Roster (an old roster, or members who are League
// members elsewhere): the rate is then shown above 100 % and flagged (Over).
type LeagueRate struct {
	Members int `json:"members"`
	Roster  int `json:"roster"`
}

// HasRoster reports whether a roster count was reported, so that there is a rate.
func (r LeagueRate) HasRoster() bool { return r.Roster > 0 }

// Ratio is Members / Roster (1 is 100 %); ok is false without a roster.
func (r LeagueRate) Ratio() (ratio float64, ok bool) {
	if r.Roster <= 0 {
		return 0, false
	}
	return float64(r.Members) / float64(r.Roster), true
}

// Over reports whether more members are registered than the roster lists: the rate is
// above 100 %, which a page flags for the unit to update its roster.
func (r LeagueRate) Over() bool { return r.Roster > 0 && r.Members > r.Roster }

// Percent is the rate in per cent rounded to one decimal ("87.5%"), or "无花名册" when no
// roster was reported.
func (r LeagueRate) Percent() string {
	ratio, ok := r.Ratio()
	if !ok {
		return LeagueNoRoster
	}
	return strconv.FormatFloat(ratio*100, 'f', 1, 64) + "%"
}

// Less orders rates for the units-behind list: lowest rate first, and units without a
// roster after every unit with one (they have no rate to compare); ties keep their order.
func (r LeagueRate) Less(o LeagueRate) bool {
	a, aok := r.Ratio()
	b, bok := o.Ratio()
	if aok != bok {
		return aok
	}
	return a < b
}

// Add returns the sum of two rates' counts, for figures of disjoint sets of units.
func (r LeagueRate) Add(o LeagueRate) LeagueRate {
	return LeagueRate{Members: r.Members + o.Members, Roster: r.Roster + o.Roster}
}

// LeagueNoRoster is what a rate reads without a roster count.
const LeagueNoRoster = "无花名册"

// LeagueOrgRate is one organisation's figures: Own counts its own members and roster,
// Subtree the organisation with everything below it (what its page and the units-behind
// list show).
type LeagueOrgRate struct {
	OrgID      int64      `json:"id"`
	Name       string     `json:"name"`
	RegionCode string     `json:"region_code"`
	ParentID   int64      `json:"parent_id,omitempty"`
	Own        LeagueRate `json:"own"`
	Subtree    LeagueRate `json:"subtree"`
}

// LeagueRegionRate is one region's figure: every approved organisation registered in the
// region or below it, each League member counted once.
type LeagueRegionRate struct {
	RegionCode string
	LeagueRate
}

// LeagueSort is the order of the units-behind list.
type LeagueSort string

// The orders of the units-behind list; LeagueByRate is the default.
const (
	LeagueByRate       LeagueSort = "rate"
	LeagueByRoster     LeagueSort = "roster"
	LeagueByRegistered LeagueSort = "registered"
	LeagueByName       LeagueSort = "name"
)

// LeagueSorts are the orders offered, in the order a page lists them.
var LeagueSorts = []LeagueSort{LeagueByRate, LeagueByRoster, LeagueByRegistered, LeagueByName}

// Valid reports whether s is one of LeagueSorts.
func (s LeagueSort) Valid() bool {
	for _, v := range LeagueSorts {
		if v == s {
			return true
		}
	}
	return false
}

// Chinese is the order's name on pages.
func (s LeagueSort) Chinese() string {
	switch s {
	case LeagueByRate:
		return "注册率"
	case LeagueByRoster:
		return "团员总数"
	case LeagueByRegistered:
		return "已注册团员"
	case LeagueByName:
		return "单位名称"
	}
	return string(s)
}

// LeagueUnitFilter selects the units of the units-behind list (落后单位): approved
// organisations within Scope (region prefixes; All for the platform), optionally within
// RegionPrefix, each with its subtree's figure, in Sort order (Desc reverses it), a page
// of Limit after Offset.
type LeagueUnitFilter struct {
	Scope        OrgScope
	RegionPrefix string
	Sort         LeagueSort
	Desc         bool
	Offset       int
	Limit        int
}

// ParseLeagueRoster reads a roster count as typed ("1200", " 1,200 ") in the field
// "count": a whole number from 0 to LeagueRosterMax, else a 422 naming the field.
func ParseLeagueRoster(s string) (int, error) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), "，", ""))
	if s == "" {
		return 0, FieldFail(EInvalid, "count", "league.roster_required")
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, FieldFail(EInvalid, "count", "league.roster_integer")
	}
	return v, CheckLeagueRoster(v)
}

// CheckLeagueRoster checks a roster count in the field "count": never negative, at most
// LeagueRosterMax.
func CheckLeagueRoster(n int) error {
	if n < 0 || n > LeagueRosterMax {
		return FieldFail(EInvalid, "count", "league.roster_range", "max", strconv.Itoa(LeagueRosterMax))
	}
	return nil
}

// LeagueRosterImportStatus is where a League roster import (团员总数导入) stands: checked
// and waiting to be applied, or applied.
type LeagueRosterImportStatus string

// The statuses of a League roster import.
const (
	LeagueRosterReady   LeagueRosterImportStatus = "ready"
	LeagueRosterApplied LeagueRosterImportStatus = "applied"
)

// LeagueRosterImport is an uploaded list of League roster counts (团员总数), one row per
// unit, checked on upload and kept as a preview until applied. OrgID is the unit whose
// subtree the list is for (its admin's import), 0 for the uploader's whole scope (a
// regional admin's). Total counts the data rows, Errors the bad ones, Changes the good
// rows whose count differs from the unit's when the list was checked, Applied the counts
// the apply changed.
type LeagueRosterImport struct {
	ID         int64
	OrgID      int64
	UploadedBy int64
	FileHash   string
	FileKind   string
	Status     LeagueRosterImportStatus
	Total      int
	Errors     int
	Changes    int
	Applied    int
	CreatedAt  time.Time
	AppliedAt  time.Time
	Rows       []LeagueRosterRow // set when the import is created; the store keeps them
}

// Valid is the number of good rows: the counts an apply writes (unchanged ones aside).
func (im *LeagueRosterImport) Valid() int { return im.Total - im.Errors }

// LeagueRosterRow is one row of a League roster import: its line in the sheet, the unit
// as the file names it, and either the unit found (OrgID, OrgName), its new Count and the
// count it had when checked (Old), or why the row is bad (Column and Reason, Chinese).
type LeagueRosterRow struct {
	Line    int    `json:"line"`
	Unit    string `json:"unit"`
	OrgID   int64  `json:"org_id,omitempty"`
	OrgName string `json:"org_name,omitempty"`
	Count   int    `json:"count"`
	Old     int    `json:"old"`
	Column  string `json:"column,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Bad reports whether the row will not be applied.
func (r LeagueRosterRow) Bad() bool { return r.Reason != "" }

// Package region is the administrative division tree of mainland China
// (province → city → county → street) that zhiyuan uses for addresses,
// cascading selects, statistics and — above all — authorisation scopes.
//
// The data are the National Bureau of Statistics' statistical division codes,
// embedded from data/ so the binary is self-contained (see data/README.md).
// Street-level data exist only for the provinces that use the platform
// (currently Guangdong).
//
// # Codes
//
// Provinces, cities and counties have 6-digit canonical codes, streets have
// 9 digits: province "440000", city "440100", county "440106", street
// "440106001". Every function that takes a code also accepts the short forms
// found in the source data and in older records — "44" for a province, "4401"
// for a city — and normalises them, so callers never have to pad codes
// themselves.
//
// # Scopes
//
// An administrator's scope is a region code; [Contains] and [ScopePrefix]
// decide scope membership from the code alone, because the codes being checked
// (resident identity numbers, records from before a boundary change) are not
// always in the current tree.
//
// # Placeholder city names
//
// The source names the city-level rows of the municipalities "市辖区" (urban
// districts) or "县" (counties). Those words are not names anybody would
// recognise in a drop-down, so the tree gives such cities the province's name
// ("北京市"), and FullName does not repeat it ("北京市东城区", not
// "北京市北京市东城区").
package region

import "fmt"

// Level is the tier of a region in the division hierarchy.
//
// The zero value is not a level, so a zero Region does not claim to be a
// province; the numbering starts at 1 and follows the depth of the tree.
type Level int

// The levels of the division hierarchy, from the top.
const (
	// Province is a provincial-level division (省, 自治区, 直辖市).
	Province Level = iota + 1
	// City is a prefecture-level division (地级市, 地区, 自治州, 盟).
	City
	// County is a county-level division (县, 市辖区, 县级市, 旗).
	County
	// Street is a township-level division (街道, 镇, 乡).
	Street
)

// String returns the English name of the level as used in APIs and logs.
func (l Level) String() string {
	switch l {
	case Province:
		return "province"
	case City:
		return "city"
	case County:
		return "county"
	case Street:
		return "street"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Chinese returns the Chinese label of the level for user interfaces.
func (l Level) Chinese() string {
	switch l {
	case Province:
		return "省"
	case City:
		return "市"
	case County:
		return "县(区)"
	case Street:
		return "街道(镇)"
	}
	return ""
}

// Region is one administrative division.
type Region struct {
	// Code is the canonical code: 6 digits, or 9 for a street.
	Code string
	// Name is the display name, e.g. "天河区".
	Name string
	// Level is the tier of the region.
	Level Level
	// ParentCode is the canonical code of the enclosing region, "" for a province.
	ParentCode string
	// FullName is the names from the province down, e.g. "广东省广州市天河区".
	FullName string
}

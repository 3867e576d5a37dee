package region

// statsCityLevel lists the regions below city level that a province counts as
// peers of its cities in province-wide statistics and campaigns. Keys are
// canonical county codes; adding another province's case is one line here.
var statsCityLevel = map[string]bool{
	"440606": true, // 顺德区, 佛山市: administered by Guangdong at city level
}

// StatsUnit returns the city-level unit that code belongs to in province-wide
// statistics: its city, or a region listed as city-level for statistics
// (顺德区) that contains it; it returns the zero Region when code is not
// within a known city.
//
// The tree itself is not changed by this: 顺德区's parent is still 佛山市, so
// authorisation by 佛山市 keeps covering 顺德区.
func (t *Tree) StatsUnit(code string) Region {
	c := canonical(code)
	if l := levelOf(c); l == 0 || l == Province {
		return Region{}
	}
	// The special units are counties, so the first six digits are enough and
	// keep this a map lookup rather than a scan.
	if statsCityLevel[c[:6]] {
		if r, ok := t.regions[c[:6]]; ok {
			return r
		}
	}
	// By prefix, so retired county codes still map to their current city.
	r, ok := t.regions[c[:4]+"00"]
	if !ok {
		return Region{}
	}
	return r
}

// StatsUnits returns the peer units of a province for province-wide
// statistics: its cities in code order, each followed by the regions inside
// it that count as city-level (for Guangdong, 21 cities and 顺德区 after
// 佛山市). It returns nil when provinceCode is not a known province.
func (t *Tree) StatsUnits(provinceCode string) []Region {
	p, ok := t.Lookup(provinceCode)
	if !ok || p.Level != Province {
		return nil
	}
	var units []Region
	for _, city := range t.children[p.Code] {
		units = append(units, city)
		// Counties come sorted, so special units keep code order within a city.
		for _, county := range t.children[city.Code] {
			if statsCityLevel[county.Code] {
				units = append(units, county)
			}
		}
	}
	return units
}

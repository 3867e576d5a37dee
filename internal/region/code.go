package region

import (
	"strings"

	"zhiyuan"
)

// canonical turns a code in any accepted form into its canonical form, or ""
// when it is not a well-formed code. It does not consult the tree, so it also
// accepts codes that have been retired.
//
// Accepted forms: 2 digits (province), 4 digits (city), 6 digits (any of
// province, city, county), 9 digits (street), and the NBS 12-digit form whose
// trailing zeros pad a 6-digit code ("440106000000") or a street ("440106001000"),
// because data exported by other government systems uses it.
func canonical(code string) string {
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return ""
		}
	}
	switch len(code) {
	case 2:
		code += "0000"
	case 4:
		code += "00"
	case 6, 9:
	case 12:
		switch {
		case strings.HasSuffix(code, "000000"):
			code = code[:6]
		case strings.HasSuffix(code, "000"):
			code = code[:9]
		default:
			// Village-level (村/社区) codes are below anything the tree models.
			return ""
		}
	default:
		return ""
	}
	// Province codes start at 11; "00" would make a scope that matches nothing
	// real, and is far more likely to be a zero-filled field than a code.
	if code[:2] == "00" {
		return ""
	}
	return code
}

// levelOf tells the level of a canonical code from its shape alone; it
// returns 0 for "" (what canonical returns for a malformed code).
func levelOf(code string) Level {
	switch {
	case code == "":
		return 0
	case len(code) == 9:
		return Street
	case strings.HasSuffix(code, "0000"):
		return Province
	case strings.HasSuffix(code, "00"):
		return City
	}
	return County
}

// ScopePrefix returns the prefix that every code inside the region code
// shares: "44" for province 440000, "4401" for city 440100, all 6 digits for a
// county and all 9 for a street; it returns "" for a malformed code.
//
// Other packages use it to filter by scope in SQL (code LIKE prefix || '%'),
// so its result is always digits only and safe to splice into a LIKE pattern.
func ScopePrefix(code string) string {
	// The rule itself lives in the domain package, which authorisation uses and which may
	// import nothing of ours; this accepts the short forms too.
	return zhiyuan.ScopePrefix(canonical(code))
}

// Contains reports whether code is the region scope itself or lies anywhere
// below it; a malformed or empty scope contains nothing.
//
// It decides by code prefix, not by walking the tree, so codes missing from
// the tree (retired county codes in old identity numbers, streets of provinces
// without street data) are still placed correctly.
func Contains(scope, code string) bool {
	return zhiyuan.RegionContains(canonical(scope), canonical(code))
}

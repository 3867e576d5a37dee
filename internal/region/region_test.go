package region

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// embeddedTree loads the embedded data through Load rather than Default, so a
// broken file fails here with an error instead of a panic in some other test.
func embeddedTree(t testing.TB) *Tree {
	t.Helper()
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := Load(sub)
	if err != nil {
		t.Fatalf("embedded data: %v", err)
	}
	return tree
}

func TestEmbeddedDataCounts(t *testing.T) {
	t.Parallel()
	tree := embeddedTree(t)

	counts := map[Level]int{}
	guangdongStreets := 0
	var walk func(code string)
	walk = func(code string) {
		for _, r := range tree.Children(code) {
			counts[r.Level]++
			if r.Level == Street && strings.HasPrefix(r.Code, "44") {
				guangdongStreets++
			}
			walk(r.Code)
		}
	}
	walk("")

	if got := counts[Province]; got != 31 {
		t.Errorf("provinces = %d, want 31", got)
	}
	if got := counts[City]; got != 342 {
		t.Errorf("cities = %d, want 342", got)
	}
	// The source lists 2,978 county-level codes; three of them are cities
	// without counties (东莞市, 中山市, 儋州市) that share the city's code and
	// are kept once, as cities.
	if got := len(tree.counties); got != 2978 {
		t.Errorf("county-level codes = %d, want 2978", got)
	}
	if got := counts[County]; got != 2978-3 {
		t.Errorf("county regions = %d, want %d", got, 2978-3)
	}
	if got := guangdongStreets; got != 1757 {
		t.Errorf("Guangdong streets = %d, want 1757", got)
	}
	if got, want := len(tree.regions), 31+342+2975+1757; got != want {
		t.Errorf("regions = %d, want %d (some region is not reachable from the root)", got, want)
	}
}

func TestDefault(t *testing.T) {
	t.Parallel()
	a, b := Default(), Default()
	if a != b {
		t.Error("Default returned different trees; the data should be parsed once")
	}
	if _, ok := a.Lookup("440106"); !ok {
		t.Error("Default tree lacks 440106")
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	tree := embeddedTree(t)
	tests := []struct {
		code     string
		wantCode string
		name     string
		level    Level
	}{
		{"44", "440000", "广东省", Province},
		{"440000", "440000", "广东省", Province},
		{"4401", "440100", "广州市", City},
		{"440100", "440100", "广州市", City},
		{"440106", "440106", "天河区", County},
		{"440106001", "440106001", "五山街道", Street},
		{"440106000000", "440106", "天河区", County},
		{"440106001000", "440106001", "五山街道", Street},
		{"1101", "110100", "北京市", City}, // "市辖区" in the source
		{"5002", "500200", "重庆市", City}, // "县" in the source
		{"4190", "419000", "省直辖县级行政区划", City},
		{"441900", "441900", "东莞市", City},
	}
	for _, tt := range tests {
		r, ok := tree.Lookup(tt.code)
		if !ok {
			t.Errorf("Lookup(%q) not found", tt.code)
			continue
		}
		if r.Code != tt.wantCode || r.Name != tt.name || r.Level != tt.level {
			t.Errorf("Lookup(%q) = %s %s %s, want %s %s %s",
				tt.code, r.Code, r.Name, r.Level, tt.wantCode, tt.name, tt.level)
		}
		if n, ok := tree.Normalize(tt.code); !ok || n != tt.wantCode {
			t.Errorf("Normalize(%q) = %q, %v; want %q, true", tt.code, n, ok, tt.wantCode)
		}
	}

	for _, code := range []string{"", "4", "440", "44010", "4401060", "abcdef", "44-100", "000000",
		"990000", "440199", "440106999", "440106001001", " 440106"} {
		if r, ok := tree.Lookup(code); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", code, r)
		}
		if n, ok := tree.Normalize(code); ok || n != "" {
			t.Errorf("Normalize(%q) = %q, %v; want \"\", false", code, n, ok)
		}
	}
}

func TestFullName(t *testing.T) {
	t.Parallel()
	tree := embeddedTree(t)
	tests := map[string]string{
		"440000":    "广东省",
		"440100":    "广东省广州市",
		"440106":    "广东省广州市天河区",
		"440106001": "广东省广州市天河区五山街道",
		"110100":    "北京市",
		"110101":    "北京市东城区",
		"500101":    "重庆市万州区",
		"500229":    "重庆市城口县",
		"419001":    "河南省济源市",
		"441900":    "广东省东莞市",
		"441900003": "广东省东莞市东城街道",
	}
	for code, want := range tests {
		r, ok := tree.Lookup(code)
		if !ok {
			t.Errorf("Lookup(%q) not found", code)
			continue
		}
		if r.FullName != want {
			t.Errorf("FullName(%s) = %q, want %q", code, r.FullName, want)
		}
	}
}

func codes(rs []Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func TestAncestorsAndChain(t *testing.T) {
	t.Parallel()
	tree := embeddedTree(t)
	tests := []struct {
		code      string
		ancestors []string
	}{
		{"440106001", []string{"440000", "440100", "440106"}},
		{"440106", []string{"440000", "440100"}},
		{"4401", []string{"440000"}},
		{"44", []string{}},
		{"441900003", []string{"440000", "441900"}},
	}
	for _, tt := range tests {
		if got := codes(tree.Ancestors(tt.code)); !slices.Equal(got, tt.ancestors) {
			t.Errorf("Ancestors(%q) = %v, want %v", tt.code, got, tt.ancestors)
		}
		want := append(slices.Clone(tt.ancestors), canonical(tt.code))
		if got := codes(tree.Chain(tt.code)); !slices.Equal(got, want) {
			t.Errorf("Chain(%q) = %v, want %v", tt.code, got, want)
		}
	}
	if got := tree.Ancestors("449999"); got != nil {
		t.Errorf("Ancestors(unknown) = %v, want nil", got)
	}
	if got := tree.Chain(""); got != nil {
		t.Errorf("Chain(\"\") = %v, want nil", got)
	}
}

func TestChildren(t *testing.T) {
	t.Parallel()
	tree := embeddedTree(t)

	provinces := tree.Children("")
	if len(provinces) != 31 {
		t.Fatalf("Children(\"\") has %d regions, want 31", len(provinces))
	}
	if !slices.Equal(codes(provinces), codes(tree.Provinces())) {
		t.Error("Provinces() differs from Children(\"\")")
	}
	for _, p := range provinces {
		if p.Level != Province || p.ParentCode != "" {
			t.Errorf("Children(\"\") holds %+v", p)
		}
	}

	for _, code := range []string{"", "44", "440000", "4401", "440106", "441900"} {
		kids := tree.Children(code)
		if len(kids) == 0 {
			t.Errorf("Children(%q) is empty", code)
		}
		if !slices.IsSorted(codes(kids)) {
			t.Errorf("Children(%q) is not sorted by code", code)
		}
		for _, k := range kids {
			if k.ParentCode != canonical(code) {
				t.Errorf("Children(%q) holds %s with parent %q", code, k.Code, k.ParentCode)
			}
		}
	}

	guangzhou := tree.Children("4401")
	if !slices.ContainsFunc(guangzhou, func(r Region) bool { return r.Code == "440106" && r.Name == "天河区" }) {
		t.Errorf("广州市's children lack 天河区: %v", codes(guangzhou))
	}
	if got := len(tree.Children("440000")); got != 21 {
		t.Errorf("广东省 has %d cities, want 21", got)
	}

	// The result belongs to the caller.
	guangzhou[0].Name = "changed"
	if tree.Children("4401")[0].Name == "changed" {
		t.Error("modifying the result of Children changed the tree")
	}

	for _, code := range []string{"440106001", "110101", "449999", "x"} {
		if got := tree.Children(code); len(got) != 0 {
			t.Errorf("Children(%q) = %v, want none", code, codes(got))
		}
	}
}

func TestIsCounty(t *testing.T) {
	t.Parallel()
	tree := embeddedTree(t)
	tests := map[string]bool{
		"440106":    true,
		"110101":    true,
		"441900":    true, // 东莞市: a city without counties, listed at both levels
		"440100":    false,
		"440000":    false,
		"440106001": false,
		"449999":    false, // well-formed, not in the tree
		"":          false,
	}
	for code, want := range tests {
		if got := tree.IsCounty(code); got != want {
			t.Errorf("IsCounty(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestContains(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scope, code string
		want        bool
	}{
		{"440100", "440106", true},
		{"440100", "440106001", true},
		{"440100", "440100", true},
		{"440100", "4401", true},
		{"4401", "440106", true},
		{"440100", "440300", false},
		{"440100", "440000", false},
		{"440000", "440300", true},
		{"440000", "440106001", true},
		{"44", "440300", true},
		{"440000", "450100", false},
		{"440106", "440100", false},
		{"440106", "440106", true},
		{"440106", "440106001", true},
		{"440106", "440105001", false},
		{"440106001", "440106001", true},
		{"440106001", "440106", false},
		{"440106001", "440106002", false},
		{"440600", "440606", true},        // 顺德区 stays inside 佛山市
		{"440600", "440606101", true},     // 顺德区's streets too
		{"440100", "440181", true},        // retired code (番禺市), not in the tree
		{"440000", "449999", true},        // not in the tree
		{"441900", "441900003", true},     // 东莞市's streets hang off the city
		{"", "440106", false},             // empty scope contains nothing
		{"", "", false},                   // not even itself
		{"4", "440106", false},            // malformed scope
		{"000000", "000001", false},       // zero-filled field
		{"44%", "440106", false},          // would be a LIKE wildcard
		{"440100", "", false},             // empty code
		{"440100", "4401xx", false},       // malformed code
		{"440100", "440106001999", false}, // village level is not modelled
	}
	tree := embeddedTree(t)
	for _, tt := range tests {
		if got := Contains(tt.scope, tt.code); got != tt.want {
			t.Errorf("Contains(%q, %q) = %v, want %v", tt.scope, tt.code, got, tt.want)
		}
		if got := tree.Contains(tt.scope, tt.code); got != tt.want {
			t.Errorf("Tree.Contains(%q, %q) = %v, want %v", tt.scope, tt.code, got, tt.want)
		}
	}
}

func TestScopePrefix(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"440000":       "44",
		"44":           "44",
		"440100":       "4401",
		"4401":         "4401",
		"440106":       "440106",
		"440106001":    "440106001",
		"440106000000": "440106",
		"441900":       "4419",
		"":             "",
		"4":            "",
		"44%":          "",
		"000000":       "",
	}
	for code, want := range tests {
		if got := ScopePrefix(code); got != want {
			t.Errorf("ScopePrefix(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestStatsUnit(t *testing.T) {
	t.Parallel()
	tree := embeddedTree(t)
	tests := map[string]string{
		"440606":    "440606", // 顺德区 is its own unit
		"440606101": "440606",
		"4406":      "440600",
		"440604":    "440600", // 禅城区
		"440605001": "440600",
		"440106":    "440100",
		"440106001": "440100",
		"440100":    "440100",
		"441900003": "441900",
		"110101":    "110100",
		"440199":    "440100", // unknown county, known city
		"440000":    "",       // a province is not within a city
		"449900":    "",
		"":          "",
	}
	for code, want := range tests {
		if got := tree.StatsUnit(code).Code; got != want {
			t.Errorf("StatsUnit(%q) = %q, want %q", code, got, want)
		}
	}

	// Counting for statistics does not move 顺德区 in the tree.
	shunde, _ := tree.Lookup("440606")
	if shunde.ParentCode != "440600" || shunde.Level != County {
		t.Errorf("顺德区 = %+v, want a county under 佛山市", shunde)
	}
	if !slices.Contains(codes(tree.Children("440600")), "440606") {
		t.Error("佛山市's children lack 顺德区")
	}
}

func TestStatsUnits(t *testing.T) {
	t.Parallel()
	tree := embeddedTree(t)
	units := tree.StatsUnits("44")
	if len(units) != 22 {
		t.Fatalf("StatsUnits(44) has %d units, want 22: %v", len(units), codes(units))
	}
	got := codes(units)
	foshan := slices.Index(got, "440600")
	if foshan < 0 || foshan+1 >= len(got) || got[foshan+1] != "440606" {
		t.Errorf("StatsUnits(44) = %v, want 顺德区 (440606) right after 佛山市 (440600)", got)
	}
	if units[foshan+1].Name != "顺德区" {
		t.Errorf("unit after 佛山市 is %q", units[foshan+1].Name)
	}
	cities := 0
	for _, u := range units {
		if u.Level == City {
			cities++
		}
		if su := tree.StatsUnit(u.Code); su.Code != u.Code {
			t.Errorf("StatsUnit(%s) = %s; every unit should be its own unit", u.Code, su.Code)
		}
	}
	if cities != 21 {
		t.Errorf("StatsUnits(44) has %d cities, want 21", cities)
	}
	if !slices.Equal(codes(tree.StatsUnits("440000")), got) {
		t.Error("StatsUnits differs between short and canonical province code")
	}

	// Without special cases a province's units are just its cities.
	if got := codes(tree.StatsUnits("11")); !slices.Equal(got, []string{"110100"}) {
		t.Errorf("StatsUnits(11) = %v, want [110100]", got)
	}
	for _, code := range []string{"", "4401", "99", "x"} {
		if got := tree.StatsUnits(code); got != nil {
			t.Errorf("StatsUnits(%q) = %v, want nil", code, codes(got))
		}
	}
}

func TestLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		l           Level
		str, chines string
	}{
		{Province, "province", "省"},
		{City, "city", "市"},
		{County, "county", "县(区)"},
		{Street, "street", "街道(镇)"},
		{0, "Level(0)", ""},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.str {
			t.Errorf("Level(%d).String() = %q, want %q", int(tt.l), got, tt.str)
		}
		if got := tt.l.Chinese(); got != tt.chines {
			t.Errorf("Level(%d).Chinese() = %q, want %q", int(tt.l), got, tt.chines)
		}
	}
}

func TestLoadRejectsBrokenData(t *testing.T) {
	t.Parallel()
	good := fstest.MapFS{
		"provinces.csv": {Data: []byte("code,name\n44,\"广东省\"\n")},
		"cities.csv":    {Data: []byte("code,name,provinceCode\n4401,\"广州市\",44\n")},
		"areas.csv":     {Data: []byte("code,name,cityCode,provinceCode\n440106,\"天河区\",4401,44\n")},
	}
	if tree, err := Load(good); err != nil {
		t.Fatalf("Load(fixture): %v", err)
	} else if r, _ := tree.Lookup("440106"); r.FullName != "广东省广州市天河区" {
		t.Errorf("fixture FullName = %q", r.FullName)
	}

	// Columns are found by name, and a byte order mark is tolerated.
	reordered := clone(good)
	reordered["cities.csv"] = &fstest.MapFile{Data: []byte("\ufeffprovinceCode,code,name\n44,4401,广州市\n")}
	if _, err := Load(reordered); err != nil {
		t.Errorf("Load(reordered columns): %v", err)
	}

	tests := map[string]fstest.MapFS{
		"missing file":     without(good, "areas.csv"),
		"missing column":   with(good, "areas.csv", "code,name,provinceCode\n440106,天河区,44\n"),
		"unknown parent":   with(good, "areas.csv", "code,name,cityCode\n440306,天河区,4403\n"),
		"parent mismatch":  with(good, "areas.csv", "code,name,cityCode\n440306,天河区,4401\n"),
		"short code":       with(good, "areas.csv", "code,name,cityCode\n44010,天河区,4401\n"),
		"duplicate":        with(good, "areas.csv", "code,name,cityCode\n440106,天河区,4401\n440106,天河区,4401\n"),
		"empty name":       with(good, "areas.csv", "code,name,cityCode\n440106,,4401\n"),
		"ragged row":       with(good, "areas.csv", "code,name,cityCode\n440106,天河区\n"),
		"street parent":    with(good, "streets-44.csv", "code,name,areaCode\n440106001,五山街道,440105\n"),
		"street not below": with(good, "streets-44.csv", "code,name,areaCode\n440105001,五山街道,440106\n"),
	}
	for name, fsys := range tests {
		_, err := Load(fsys)
		if err == nil {
			t.Errorf("%s: Load succeeded, want an error", name)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
	if _, err := Load(without(good, "areas.csv")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: error %v, want fs.ErrNotExist", err)
	}
}

func clone(m fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func with(m fstest.MapFS, name, data string) fstest.MapFS {
	out := clone(m)
	out[name] = &fstest.MapFile{Data: []byte(data)}
	return out
}

func without(m fstest.MapFS, name string) fstest.MapFS {
	out := clone(m)
	delete(out, name)
	return out
}

func BenchmarkLookup(b *testing.B) {
	tree := embeddedTree(b)
	for _, code := range []string{"440106", "4401", "440106001"} {
		b.Run(code, func(b *testing.B) {
			for b.Loop() {
				if _, ok := tree.Lookup(code); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}

func BenchmarkContains(b *testing.B) {
	for _, bc := range []struct{ scope, code string }{
		{"440000", "440106001"},
		{"440100", "440106"},
		{"44", "440106001"},
	} {
		b.Run(bc.scope+"/"+bc.code, func(b *testing.B) {
			for b.Loop() {
				if !Contains(bc.scope, bc.code) {
					b.Fatal("not contained")
				}
			}
		})
	}
}

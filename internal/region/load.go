package region

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// provinceNamedCities are city-level names in the source that are placeholders
// for a municipality's districts or counties; such cities take the province's
// name (see the package documentation).
var provinceNamedCities = map[string]bool{
	"市辖区": true,
	"县":   true,
}

// groupingCities are city-level rows that only group counties administered
// directly by the province; they are real choices in a select, but nobody
// writes them in an address, so FullName leaves them out.
var groupingCities = map[string]bool{
	"省直辖县级行政区划":   true,
	"自治区直辖县级行政区划": true,
}

// Load builds a tree from provinces.csv, cities.csv, areas.csv and any
// streets-*.csv at the root of fsys, in the layout of data/README.md.
//
// Tests use it to load small fixtures; the service uses [Default].
func Load(fsys fs.FS) (*Tree, error) {
	t := &Tree{
		regions:  make(map[string]Region),
		children: make(map[string][]Region),
		counties: make(map[string]bool),
	}
	streetFiles, err := fs.Glob(fsys, "streets-*.csv")
	if err != nil {
		return nil, err
	}
	// Parents before children: each row is checked against, and takes its
	// FullName from, a parent that is already loaded.
	steps := []loadStep{
		{"provinces.csv", []string{"code", "name"}, t.addProvince},
		{"cities.csv", []string{"code", "name", "provinceCode"}, t.addCity},
		{"areas.csv", []string{"code", "name", "cityCode"}, t.addCounty},
	}
	for _, f := range streetFiles {
		steps = append(steps, loadStep{f, []string{"code", "name", "areaCode"}, t.addStreet})
	}
	for _, s := range steps {
		if err := readCSV(fsys, s.file, s.cols, s.add); err != nil {
			return nil, err
		}
	}
	for parent, kids := range t.children {
		slices.SortFunc(kids, func(a, b Region) int { return cmp.Compare(a.Code, b.Code) })
		t.children[parent] = kids
	}
	return t, nil
}

// loadStep is one file of the source and the row handler that loads it.
type loadStep struct {
	file string
	cols []string // the columns the handler receives, in this order
	add  func(row []string) error
}

// readCSV calls add with the named columns of every data row of file, in the
// order of cols, so the loader does not depend on the column order.
func readCSV(fsys fs.FS, file string, cols []string, add func(row []string) error) error {
	f, err := fsys.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: reading header: %w", file, err)
	}
	// Spreadsheet programs prepend a byte order mark when saving UTF-8; a
	// hand-updated file should not fail on it.
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	idx := make([]int, len(cols))
	for i, col := range cols {
		idx[i] = slices.Index(header, col)
		if idx[i] < 0 {
			return fmt.Errorf("%s: no column %q in header", file, col)
		}
	}
	row := make([]string, len(cols))
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		for i, j := range idx {
			row[i] = rec[j]
		}
		if err := add(row); err != nil {
			line, _ := r.FieldPos(0)
			return fmt.Errorf("%s:%d: %w", file, line, err)
		}
	}
}

// sourceCode checks a source code of the given number of digits and returns its
// canonical form.
func sourceCode(code string, digits int, what string) (string, error) {
	c := canonical(code)
	if len(code) != digits || c == "" {
		return "", fmt.Errorf("%s code %q is not %d digits", what, code, digits)
	}
	return c, nil
}

// parent returns the loaded region with the given source code and level.
func (t *Tree) parent(code string, digits int, want Level) (Region, error) {
	c, err := sourceCode(code, digits, want.String())
	if err != nil {
		return Region{}, err
	}
	p, ok := t.regions[c]
	if !ok || p.Level != want {
		return Region{}, fmt.Errorf("unknown %s %q", want, code)
	}
	return p, nil
}

// add checks r against the loaded tree and inserts it.
func (t *Tree) add(r Region) error {
	if r.Name == "" {
		return fmt.Errorf("%s %s has no name", r.Level, r.Code)
	}
	if _, dup := t.regions[r.Code]; dup {
		return fmt.Errorf("duplicate code %s", r.Code)
	}
	if levelOf(r.Code) != r.Level {
		return fmt.Errorf("code %s does not have the shape of a %s code", r.Code, r.Level)
	}
	if r.ParentCode != "" && !Contains(r.ParentCode, r.Code) {
		// Contains and ScopePrefix rely on codes nesting by prefix.
		return fmt.Errorf("%s %s is not inside its parent %s by code", r.Level, r.Code, r.ParentCode)
	}
	t.regions[r.Code] = r
	t.children[r.ParentCode] = append(t.children[r.ParentCode], r)
	return nil
}

func (t *Tree) addProvince(row []string) error {
	c, err := sourceCode(row[0], 2, "province")
	if err != nil {
		return err
	}
	return t.add(Region{Code: c, Name: row[1], Level: Province, FullName: row[1]})
}

func (t *Tree) addCity(row []string) error {
	c, err := sourceCode(row[0], 4, "city")
	if err != nil {
		return err
	}
	p, err := t.parent(row[2], 2, Province)
	if err != nil {
		return err
	}
	r := Region{Code: c, Name: row[1], Level: City, ParentCode: p.Code, FullName: p.FullName + row[1]}
	if provinceNamedCities[r.Name] {
		r.Name, r.FullName = p.Name, p.FullName
	}
	return t.add(r)
}

func (t *Tree) addCounty(row []string) error {
	c, err := sourceCode(row[0], 6, "county")
	if err != nil {
		return err
	}
	p, err := t.parent(row[2], 4, City)
	if err != nil {
		return err
	}
	t.counties[c] = true
	if c == p.Code {
		// A city without counties (东莞市) is listed again at county level
		// under its own code; one code can only be one region, and the city
		// is the one statistics and scopes need, so the row adds nothing.
		return nil
	}
	return t.add(Region{Code: c, Name: row[1], Level: County, ParentCode: p.Code,
		FullName: t.addressBase(p) + row[1]})
}

func (t *Tree) addStreet(row []string) error {
	c, err := sourceCode(row[0], 9, "street")
	if err != nil {
		return err
	}
	pc, err := sourceCode(row[2], 6, "county")
	if err != nil {
		return err
	}
	// The parent is a county, or a city without counties (see addCounty).
	p, ok := t.regions[pc]
	if !ok || !t.counties[pc] {
		return fmt.Errorf("unknown county %q", row[2])
	}
	return t.add(Region{Code: c, Name: row[1], Level: Street, ParentCode: p.Code,
		FullName: t.addressBase(p) + row[1]})
}

// addressBase is the FullName that a child of p starts with: p's own, unless p
// only groups directly administered counties and so is not part of addresses.
func (t *Tree) addressBase(p Region) string {
	if p.Level == City && groupingCities[p.Name] {
		return t.regions[p.ParentCode].FullName
	}
	return p.FullName
}

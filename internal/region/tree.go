package region

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sync"
)

// embedded holds the division data so the service runs without data files.
//
//go:embed data/*.csv
var embedded embed.FS

// Tree is an immutable, loaded division tree; it is safe for concurrent use.
type Tree struct {
	regions  map[string]Region
	children map[string][]Region // by parent code; "" holds the provinces
	// counties is every code listed at county level in the source. It is not
	// the same as the regions with Level County: a city without counties
	// (东莞市) is listed at both levels under one code and kept as a city.
	counties map[string]bool
}

// loadDefault parses the embedded data at most once per process, on first use,
// so programs that never touch regions do not pay for it.
var loadDefault = sync.OnceValues(func() (*Tree, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, err
	}
	return Load(sub)
})

// Default returns the tree built from the embedded data.
//
// It panics if the embedded data cannot be parsed; that is a build defect,
// not a run-time condition, and the package's tests load the same data.
func Default() *Tree {
	t, err := loadDefault()
	if err != nil {
		panic(fmt.Sprintf("region: embedded division data is broken: %v", err))
	}
	return t
}

// Lookup returns the region with the given code, in canonical or short form.
func (t *Tree) Lookup(code string) (Region, bool) {
	r, ok := t.regions[canonical(code)]
	return r, ok
}

// Normalize returns the canonical form of code, and false (with "") when no
// region in the tree has that code.
//
// Use it before storing a code, so that "44" and "440000" are never saved as
// two different values.
func (t *Tree) Normalize(code string) (string, bool) {
	c := canonical(code)
	if _, ok := t.regions[c]; !ok {
		return "", false
	}
	return c, true
}

// Ancestors returns the regions enclosing code, from the province down to its
// parent; it is empty for a province and nil for an unknown code.
func (t *Tree) Ancestors(code string) []Region {
	r, ok := t.Lookup(code)
	if !ok {
		return nil
	}
	chain := t.Chain(r.Code)
	return chain[:len(chain)-1]
}

// Chain returns the ancestors of code followed by the region itself, or nil
// for an unknown code.
func (t *Tree) Chain(code string) []Region {
	r, ok := t.Lookup(code)
	if !ok {
		return nil
	}
	// Four levels at most; build bottom-up, then reverse.
	chain := make([]Region, 0, 4)
	for {
		chain = append(chain, r)
		if r.ParentCode == "" {
			break
		}
		r = t.regions[r.ParentCode] // present: Load checks every parent
	}
	slices.Reverse(chain)
	return chain
}

// Children returns the regions directly below code sorted by code, or the
// provinces when code is "", which is what a cascading select needs.
//
// The result is a fresh slice that the caller may modify. It is nil for an
// unknown code and for regions without children (streets, and counties of
// provinces that have no street data).
func (t *Tree) Children(code string) []Region {
	if code == "" {
		return slices.Clone(t.children[""])
	}
	c := canonical(code)
	if c == "" {
		return nil
	}
	return slices.Clone(t.children[c])
}

// Provinces returns all provincial-level regions sorted by code.
func (t *Tree) Provinces() []Region {
	return t.Children("")
}

// IsCounty reports whether code is listed at county level in the data.
//
// Besides the regions whose Level is County this includes the three cities
// without counties (东莞市 441900, 中山市 442000, 儋州市 460400), which the
// statistics list at both levels: they are the unit directly above streets,
// which is what callers asking "is this a county?" want to know.
func (t *Tree) IsCounty(code string) bool {
	return t.counties[canonical(code)]
}

// Contains reports whether code is scope or lies below it; it is the
// package-level [Contains], here for callers that already hold a Tree.
func (t *Tree) Contains(scope, code string) bool {
	return Contains(scope, code)
}

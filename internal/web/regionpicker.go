package web

import (
	"net/http"
	"strconv"
	"strings"

	"zhiyuan/internal/region"
)

// regionPicker is the one cascading region choice of every form (province → city →
// county → street, as deep as the form allows and the division data go): plain <select>s
// that a 选择 button submits to show the next level (no JS needed), which
// static/region-picker.js fills from GET /api/v1/regions?parent= instead when it can.
// Each select is named Field_1 … Field_4; pickedRegion reads the deepest consistent one.
type regionPicker struct {
	Field    string // the form field the chosen code stands for ("region_code")
	Label    string // what is being chosen, e.g. "所在区县"
	MaxLevel int    // the deepest level offered: 3 county, 4 street
	Levels   []pickerLevel
}

// pickerLevel is one select of a picker.
type pickerLevel struct {
	Depth       int // 1 for the province
	Name, Label string
	Options     []region.Region
	Selected    string // the chosen code, "" for none yet
}

// pickerSelect is the name of the picker's select at depth n (1 = province).
func pickerSelect(field string, n int) string { return field + "_" + strconv.Itoa(n) }

// newRegionPicker builds the selects for the chosen code (any level, "" for none):
// every level down to the chosen region, plus the next level when there is one within
// maxLevel, which starts unchosen. Nothing is chosen for the person: no default region.
func newRegionPicker(t *region.Tree, field, label, code string, maxLevel region.Level) regionPicker {
	p := regionPicker{Field: field, Label: label, MaxLevel: int(maxLevel)}
	chain := t.Chain(code)
	parent := ""
	for depth := 0; ; depth++ {
		opts := pickerChildren(t, parent, maxLevel)
		if len(opts) == 0 {
			break
		}
		lv := pickerLevel{Depth: depth + 1, Name: pickerSelect(field, depth+1), Label: opts[0].Level.Chinese(), Options: opts}
		if depth < len(chain) {
			lv.Selected = chain[depth].Code
		}
		p.Levels = append(p.Levels, lv)
		if lv.Selected == "" {
			break
		}
		parent = lv.Selected
	}
	return p
}

// pickerChildren is what may be chosen below parent, nothing past maxLevel. A city
// listed as a county too (东莞市) has streets as its children.
func pickerChildren(t *region.Tree, parent string, maxLevel region.Level) []region.Region {
	kids := t.Children(parent)
	if len(kids) == 0 || kids[0].Level > maxLevel {
		return nil
	}
	return kids
}

// pickedRegion reads a picker from the submitted form: the deepest select whose region
// lies directly below the one chosen above it (a city left over from another province
// is ignored). A form without the picker's selects (a program, an older page) may send
// the code itself as field.
func pickedRegion(t *region.Tree, r *http.Request, field string) string {
	code, seen := "", false
	// A search (GET) sends the picker in the address, a form (POST) in its body: the
	// form's values are both.
	r.FormValue(field)
	for n := 1; n <= int(region.Street); n++ {
		v := strings.TrimSpace(r.FormValue(pickerSelect(field, n)))
		if _, sent := r.Form[pickerSelect(field, n)]; sent {
			seen = true
		}
		if v == "" {
			break
		}
		reg, ok := t.Lookup(v)
		if !ok || reg.ParentCode != code {
			break
		}
		code = reg.Code
	}
	if !seen {
		return strings.TrimSpace(r.FormValue(field))
	}
	return code
}

// picking reports whether the form was sent by a picker's 选择 button: the page is shown
// again with the next level to choose and everything typed kept, nothing saved.
func picking(r *http.Request) bool { return r.FormValue("pick") != "" }

// pickerView is a picker with the form's field errors, what the partial renders.
type pickerView struct {
	regionPicker
	Fields map[string]string
}

// withFields pairs a picker with the form's errors: {{template "region-picker"
// (regionPicker .Picker .Fields)}}.
func withFields(p regionPicker, fields map[string]string) pickerView {
	return pickerView{regionPicker: p, Fields: fields}
}

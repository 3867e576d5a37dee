package web

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"zhiyuan"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
)

// funcs are the templates' helpers, every one of them here: the map is read, never added
// to, once the package is loaded.
var funcs = template.FuncMap{
	"maskPhone": pii.MaskPhone,
	"maskID":    pii.MaskIDNumber,
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(zhiyuan.Beijing).Format("2006-01-02 15:04")
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(zhiyuan.Beijing).Format("2006-01-02")
	},
	"fieldErr": func(fields map[string]string, name string) string { return fields[name] },
	// regionPicker pairs a cascading region choice with the form's errors (regionpicker.go).
	"regionPicker": withFields,
	// defaultRadius is the check-in radius a blank field stands for when coordinates are given.
	"defaultRadius": func() int { return zhiyuan.DefaultCheckinRadiusM },
	// fieldError and invalid tie a form field's error to its input, for screen readers:
	// {{fieldError .Fields "name"}} writes the message (nothing without one) with an id
	// that {{invalid .Fields "name"}}, inside the input's tag, points at with
	// aria-describedby, next to aria-invalid="true". An input that several of the
	// checks' field names speak about lists them all.
	"fieldError": fieldError,
	"invalid":    invalidAttrs,
	// asset is the fingerprinted address of a static file, "" when an optional one (from
	// npm) is not installed (static.go).
	"asset": func(name string) string { return staticAssets().URL(name) },
	// limit is a field's length limit for maxlength attributes, from the one definition
	// the checks use (zhiyuan.FieldLimit); an unknown name fails the page.
	"limit": zhiyuan.FieldLimit,
	// hours shows minutes of service as hours with their unit ("2.5 小时"), the one way
	// every page writes a duration (zhiyuan.FormatHours rounds).
	"hours": func(minutes int64) string { return zhiyuan.FormatHours(minutes) + " 小时" },

	// The competition 益苗计划: an amount in fen as yuan, a row's number from its index.
	"ymYuan": zhiyuan.Yuan,
	"ymNth":  func(i int) int { return i + 1 },

	// Cards.
	"cardEvent": zhiyuan.CardEventChinese,
	"cardHours": zhiyuan.FormatHours,
	// The ledger.
	"b64url": base64.RawURLEncoding.EncodeToString,
	// Proofs.
	"proofCode": proof.FormatProofCode,
	"hexHead":   func(b []byte) string { return hex.EncodeToString(b) },
	// Volunteers' checkboxes and selects of lists; prefixed to stay clear of other
	// features' helpers.
	"vHas":       listHas,
	"vPolitical": zhiyuan.PoliticalStatusChinese,
	"vCategory":  zhiyuan.ServiceCategoryName,
	"vItoa":      strconv.Itoa,
	// Needs: a distance that may be absent, in kilometres.
	"km": func(d *float64) string {
		if d == nil {
			return ""
		}
		return strconv.FormatFloat(*d, 'f', 1, 64)
	},
	"needStars": func() []int { return []int{5, 4, 3, 2, 1} },
	// The bottom tab bar's icons (nav.go).
	"tabIcon": tabIcon,
}

// page is the template set of one page: a copy of the layout and of every partial, with
// the page's own file (defining "content") parsed into it. It is built at the page's
// first render, not at start: a set is about 160 KB of parse trees, and the hundred of
// them held from the start were a third of the server's live heap (16 MB), which the
// garbage collector's headroom doubles in a burst (BenchmarkRegisterBurst's peak RSS);
// a server shows many of its pages rarely. parseTemplates still parses every page at
// start, so a broken template stops the server there as before.
type page struct {
	file   string
	layout *template.Template // never executed: only its clones are
	once   sync.Once
	t      *template.Template
	err    error
}

// template returns the page's set, building it on first use.
func (pg *page) template() (*template.Template, error) {
	pg.once.Do(func() { pg.t, pg.err = pg.parse() })
	return pg.t, pg.err
}

func (pg *page) parse() (*template.Template, error) {
	t, err := pg.layout.Clone()
	if err != nil {
		return nil, err
	}
	return t.ParseFS(templateFS, pg.file)
}

// parseTemplates checks that every page parses together with the layout (each page
// defines "content"), and keeps how to build each.
func (x *Web) parseTemplates() error {
	x.pages = map[string]*page{}
	x.htmx = map[string]bool{}
	// Partials (partial_*.html) define blocks that several pages share, such as the
	// fields of a form used for creating and for editing; every page can use them.
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partial_*.html")
	if err != nil {
		return err
	}
	partialHTMX := htmxPartials()
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || strings.HasPrefix(base, "partial_") {
			continue
		}
		pg := &page{file: name, layout: layout}
		if _, err := pg.parse(); err != nil {
			return fmt.Errorf("template %s: %w", base, err)
		}
		x.pages[base] = pg
		x.htmx[base] = usesHTMX(name, partialHTMX)
	}
	return nil
}

// pageTemplate returns the template set of the page in file name, answering the request
// with a 500 and false when there is none.
func (x *Web) pageTemplate(w http.ResponseWriter, r *http.Request, name string) (*template.Template, bool) {
	pg, ok := x.pages[name]
	if !ok {
		http.Error(w, "template "+name+" missing", http.StatusInternalServerError)
		return nil, false
	}
	t, err := pg.template()
	if err != nil {
		x.log.ErrorContext(r.Context(), "render", "page", name, "error", err.Error())
		http.Error(w, "template "+name+" broken", http.StatusInternalServerError)
		return nil, false
	}
	return t, true
}

// htmxAttr is how a template uses htmx: an hx- attribute.
var htmxAttr = regexp.MustCompile(`\shx-[a-z]+`)

// htmxPartials returns the names of the blocks that partials define with htmx in them.
func htmxPartials() map[string]bool {
	uses := map[string]bool{}
	names, _ := fs.Glob(templateFS, "templates/partial_*.html")
	for _, name := range names {
		src, _ := fs.ReadFile(templateFS, name)
		for _, block := range strings.Split(string(src), `{{define "`)[1:] {
			blockName, body, _ := strings.Cut(block, `"`)
			if htmxAttr.MatchString(body) {
				uses[blockName] = true
			}
		}
	}
	return uses
}

// usesHTMX reports whether the page in file name uses htmx itself or through a partial.
func usesHTMX(name string, partials map[string]bool) bool {
	src, _ := fs.ReadFile(templateFS, name)
	if htmxAttr.Match(src) {
		return true
	}
	for block := range partials {
		if strings.Contains(string(src), `{{template "`+block+`"`) {
			return true
		}
	}
	return false
}

// render executes a page into a buffer first, so a template error becomes a clean 500
// instead of half a page.
func (x *Web) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	t, ok := x.pageTemplate(w, r, page)
	if !ok {
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	p := zhiyuan.PrincipalFrom(r.Context())
	data["Me"] = p
	// A page that counted the unread notifications already (the home page, the
	// notifications page) passes the count as "Unread": no second query for the badge.
	unread, counted := data["Unread"].(int)
	if p != nil && !counted {
		unread = x.app.UnreadNotifications(r.Context(), p)
	}
	data["Nav"] = navFor(p, unread)
	data["Path"] = r.URL.Path
	// htmx is loaded only by the pages that use it; the layout also leaves it out when
	// npm's build is not installed, and those pages work without it.
	data["HTMX"] = x.htmx[page]
	if isHTMX(r) {
		// A whole page answering htmx's request (an error, a confirmation asked for
		// where the dialog could not be shown) replaces the page, as it would have
		// without htmx, instead of landing inside the part the request meant to change.
		w.Header().Set("HX-Retarget", "body")
		w.Header().Set("HX-Reswap", "innerHTML")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		x.log.ErrorContext(r.Context(), "render", "page", page, "error", err.Error())
		http.Error(w, zhiyuan.ErrorMessage(err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The same address answers htmx with a part and others with the whole page.
	w.Header().Add("Vary", "HX-Request")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// isHTMX reports whether htmx sent r to change a part of the page: the handler then
// answers with that part alone (renderPart). Restoring a page from the browser's
// history asks for the whole page, as does every request without htmx.
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// renderPart executes one block of a page (a part that htmx swaps in place of the
// page's own, defined in the page's template) with data, for a request of htmx's; the
// same block draws that part of the whole page, so both stay one markup.
func (x *Web) renderPart(w http.ResponseWriter, r *http.Request, status int, page, block string, data map[string]any) {
	t, ok := x.pageTemplate(w, r, page)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		x.log.ErrorContext(r.Context(), "render", "page", page, "block", block, "error", err.Error())
		http.Error(w, zhiyuan.ErrorMessage(err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Add("Vary", "HX-Request")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// formProblems returns the per-field messages of err for redisplaying a form, and a
// general message.
func formProblems(err error) (map[string]string, string) {
	return zhiyuan.ErrorFields(err), zhiyuan.ErrorMessage(err)
}

// isFormError reports whether err is the visitor's to fix (shown on the form) rather than
// a page-level failure.
func isFormError(err error) bool {
	switch zhiyuan.ErrorCode(err) {
	case zhiyuan.EInvalid, zhiyuan.EConflict, zhiyuan.EUnauthorized, zhiyuan.ERateLimited, zhiyuan.EFull:
		return true
	}
	return false
}

func trim(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }

// integerField reads a whole-number box: empty is 0, anything else that is not a whole
// number is a problem on field (so a typo is never taken as 0, "no limit").
func integerField(pr zhiyuan.Problems, field, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		pr.Add(field, "web.integer")
	}
	return v
}

// decimalField reads a number box that may have decimals, like integerField.
func decimalField(pr zhiyuan.Problems, field, s string) float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v {
		pr.Add(field, "web.decimal")
		return 0
	}
	return v
}

// fieldErrorID is the id of the element that shows the error of the field name.
func fieldErrorID(name string) string {
	return "err-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, name)
}

// fieldError is the error message of the field name, as a paragraph its input can
// point at, or nothing when the field has no error.
func fieldError(fields map[string]string, name string) template.HTML {
	msg, ok := fields[name]
	if !ok {
		return ""
	}
	return template.HTML(`<p class="field-error" id="` + fieldErrorID(name) + `">` + template.HTMLEscapeString(msg) + `</p>`)
}

// invalidAttrs marks an input whose field (any of names) has an error as invalid and
// describes it by the error's message, or returns nothing.
func invalidAttrs(fields map[string]string, names ...string) template.HTMLAttr {
	var ids []string
	for _, n := range names {
		if _, ok := fields[n]; ok {
			ids = append(ids, fieldErrorID(n))
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="` + strings.Join(ids, " ") + `"`)
}

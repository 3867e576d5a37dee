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
	"strconv"
	"strings"
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
	// limit is a field's length limit for maxlength attributes, from the one definition
	// the checks use (zhiyuan.FieldLimit); an unknown name fails the page.
	"limit": zhiyuan.FieldLimit,

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
}

// parseTemplates parses every page together with the layout; each page defines "content".
func (x *Web) parseTemplates() error {
	x.pages = map[string]*template.Template{}
	// Partials (partial_*.html) define blocks that several pages share, such as the
	// fields of a form used for creating and for editing; every page can use them.
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partial_*.html")
	if err != nil {
		return err
	}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || strings.HasPrefix(base, "partial_") {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, name)
		if err != nil {
			return fmt.Errorf("template %s: %w", base, err)
		}
		x.pages[base] = t
	}
	return nil
}

// render executes a page into a buffer first, so a template error becomes a clean 500
// instead of half a page.
func (x *Web) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	t, ok := x.pages[page]
	if !ok {
		http.Error(w, "template "+page+" missing", http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	p := zhiyuan.PrincipalFrom(r.Context())
	data["Me"] = p
	data["Nav"] = navFor(p)
	data["Path"] = r.URL.Path
	data["HTMX"] = x.htmx
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		x.log.ErrorContext(r.Context(), "render", "page", page, "error", err.Error())
		http.Error(w, zhiyuan.ErrorMessage(err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
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

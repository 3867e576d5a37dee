package httpx

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhiyuan"
)

// Text at the boundary. Every piece of text a client sends — query strings, form values,
// JSON strings — is checked here, once, before a handler sees it: it must be valid UTF-8
// without NUL or other control characters. PostgreSQL refuses NUL and invalid UTF-8
// outright (SQLSTATE 22021, which would be a 500) while SQLite stores them, so without this
// the two engines would disagree and neither would be right. Control characters have no
// business in names, phones or search words either: they hide text, forge log lines and
// break exports.
//
// Fields are single-line by default. The names in multiLineFields (the textareas of the
// pages and the same fields of the API) may also hold newlines (LF or CR LF) and tabs.
// A field is known by its last name segment, so "sessions[0].description" is multi-line
// like "description".

// multiLineFields are the fields that may span several lines. A new textarea adds its
// name here; everything else stays single-line, so forgetting is the safe mistake.
var multiLineFields = map[string]bool{
	"description":         true, // organisations, activities, projects
	"project_description": true,
	"reason":              true, // disputes, rejections, corrections, make-ups
	"comment":             true, // a volunteer's note with a confirmation; evaluations
	"note":                true, // care visits
	"insured_nos":         true, // an insurance policy's insured volunteers, one number a line
}

// MultiLine reports whether field (a form or query name, or a JSON path such as
// "sessions[0].description") may hold newlines and tabs.
func MultiLine(field string) bool {
	if i := strings.LastIndexAny(field, ".]"); i >= 0 {
		field = field[i+1:]
	}
	return multiLineFields[field]
}

// Catalogue keys naming what is wrong with a field's text.
const (
	msgBadEncoding zhiyuan.Msg = "text.bad_encoding"
	msgControl     zhiyuan.Msg = "text.control"
	msgControlML   zhiyuan.Msg = "text.control_multiline"
)

// nameProblem is the key for the same problem found in a field's name.
func nameProblem(m zhiyuan.Msg) zhiyuan.Msg {
	if m == msgBadEncoding {
		return "text.name_bad_encoding"
	}
	return "text.name_control"
}

// TextProblem returns (the catalogue key of) what is wrong with s as the value of field, or "" when it may be
// kept: invalid UTF-8 (lone surrogates included: Go's UTF-8 rejects their encodings), C0
// controls (but LF, CR LF and tab in a multi-line field), DEL and C1 controls.
func TextProblem(field, s string) zhiyuan.Msg {
	if !utf8.ValidString(s) {
		return msgBadEncoding
	}
	multi := MultiLine(field)
	for i, r := range s {
		switch {
		case r >= 0x20 && r < 0x7f, r > 0x9f:
			continue
		case multi && (r == '\n' || r == '\t'):
			continue
		case multi && r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			continue
		}
		if multi {
			return msgControlML
		}
		return msgControl
	}
	return ""
}

// textError is the one error for refused text: 422 invalid, each bad field with its
// message, and a general message naming the fields, for pages that show only that.
func textError(fields zhiyuan.Problems) error {
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, "「"+printable(f)+"」")
	}
	sort.Strings(names)
	return fields.ErrWith("text.fields_invalid", "fields", strings.Join(names, "、"))
}

// printable keeps a field name showable when the name itself is what is broken.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "?")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			return '?'
		}
		return r
	}, s)
}

// CheckValues checks every value (and name) of a parsed query string or form. It is
// what CheckText runs; handlers of multipart forms, which the middleware does not read,
// call it after parsing.
func CheckValues(v url.Values) error {
	bad := zhiyuan.Problems{}
	for name, values := range v {
		if msg := TextProblem("", name); msg != "" {
			bad.Add(printable(name), nameProblem(msg))
			continue
		}
		for _, s := range values {
			if msg := TextProblem(name, s); msg != "" {
				bad.Add(name, msg)
				break
			}
		}
	}
	if len(bad) > 0 {
		return textError(bad)
	}
	return nil
}

// CheckText refuses requests carrying bad text in the path, the query string or a
// URL-encoded form body, before any route runs, so every route gets the check. Refusals
// are JSON under /api/ and pages (through page) elsewhere. Multipart forms are left to
// their handlers (CheckValues), which bound the body before reading it; JSON bodies are
// checked by CheckJSON where the API decodes them.
func CheckText(page func(w http.ResponseWriter, r *http.Request, err error)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fail := func(err error) {
				if strings.HasPrefix(r.URL.Path, "/api/") || page == nil {
					WriteJSONError(w, err)
					return
				}
				page(w, r, err)
			}
			// No record has such a name, so a bad path is not found rather than invalid.
			if TextProblem("", r.URL.Path) != "" {
				fail(zhiyuan.Fail(zhiyuan.ENotFound, "notfound.address"))
				return
			}
			// Pairs that do not parse are dropped here as they are by r.URL.Query().
			query, _ := url.ParseQuery(r.URL.RawQuery)
			if err := CheckValues(query); err != nil {
				fail(err)
				return
			}
			if isURLEncodedForm(r) {
				// Parsed here once; handlers' ParseForm and FormValue reuse the result.
				if err := r.ParseForm(); err != nil {
					fail(zhiyuan.Fail(zhiyuan.EInvalid, "form.malformed"))
					return
				}
				if err := CheckValues(r.PostForm); err != nil {
					fail(err)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func isURLEncodedForm(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return false
	}
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded")
}

// CheckJSON checks every string of a JSON document (names and values) and names the bad
// ones by their path, e.g. "title" or "sessions[0].address". encoding/json turns invalid
// UTF-8 and lone surrogate escapes ("\ud800") into U+FFFD silently, so the raw text of
// each string is read too. A document that does not parse passes: decoding reports it.
func CheckJSON(raw []byte) error {
	type frame struct {
		object    bool
		expectKey bool
		key       string
		index     int
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.object {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			} else {
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			}
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].expectKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	bad := zhiyuan.Problems{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{object: t == '{', expectKey: true})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		case string:
			lit := raw[start:dec.InputOffset()]
			lit = lit[bytes.IndexByte(lit, '"'):]
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
				stack[n-1].expectKey = false
				stack[n-1].key = t
				if msg := jsonStringProblem("", lit, t); msg != "" {
					stack[n-1].key = printable(t)
					bad.Add(path(), nameProblem(msg))
				}
				continue
			}
			if msg := jsonStringProblem(path(), lit, t); msg != "" {
				bad.Add(path(), msg)
			}
		}
		valueDone()
	}
	if len(bad) > 0 {
		return textError(bad)
	}
	return nil
}

// jsonStringProblem checks one JSON string: its raw literal lit (quotes included) for
// invalid UTF-8 and lone surrogate escapes, and its decoded value s for control
// characters.
func jsonStringProblem(field string, lit []byte, s string) zhiyuan.Msg {
	if !utf8.Valid(lit) || loneSurrogate(lit) {
		return msgBadEncoding
	}
	return TextProblem(field, s)
}

// loneSurrogate reports whether a JSON string literal has a \u escape of a UTF-16
// surrogate that is not half of a high–low pair.
func loneSurrogate(lit []byte) bool {
	hex := func(i int) (rune, bool) {
		if i+6 > len(lit) || lit[i] != '\\' || lit[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(lit[i+2:i+6]), 16, 16)
		return rune(n), err == nil
	}
	for i := 0; i < len(lit); {
		if lit[i] != '\\' || i+1 >= len(lit) {
			i++
			continue
		}
		if lit[i+1] != 'u' {
			i += 2 // \" \\ \n …: the escaped character cannot start another escape
			continue
		}
		r, ok := hex(i)
		if !ok {
			return false // not valid JSON; decoding says so
		}
		i += 6
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			if low, ok := hex(i); !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 6
		}
	}
	return false
}

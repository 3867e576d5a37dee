// Package api serves the JSON API under /api/v1 for mobile and mini-program clients and
// other systems, and its OpenAPI 3 document. Handlers are one file per resource; each
// decodes, calls the application layer (which authorises) and encodes. Errors always have
// the shape {"error": {"code", "message", "fields"}}.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// API is the JSON API's handler.
type API struct {
	app  *app.App
	log  *slog.Logger
	mux  *http.ServeMux
	list []Route // what handle registered, in order, for Routes
	doc  []byte
}

// Route is one registered method and path, as written in the OpenAPI document.
type Route struct {
	Method string
	Path   string
	Public bool
}

// handlerFunc is an API handler: it gets the caller (nil when anonymous) and returns an
// error instead of writing one, so every error is written the same way.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error

// New returns the API with every route registered.
func New(a *app.App, log *slog.Logger) *API {
	x := &API{app: a, log: log, mux: http.NewServeMux()}
	doc, err := buildDocument()
	if err != nil {
		panic(err) // the embedded document is checked by tests; a broken one is a build bug
	}
	x.doc = doc
	x.routes() // routes.go: every route, in one place
	return x
}

// ServeHTTP implements http.Handler.
func (x *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { x.mux.ServeHTTP(w, r) }

// Routes lists the registered routes (the OpenAPI test compares them with the document).
func (x *API) Routes() []Route { return x.list }

// handle registers an API route. Unless public, an anonymous caller gets 401 before h runs.
func (x *API) handle(method, path string, public bool, h handlerFunc) {
	x.list = append(x.list, Route{Method: method, Path: path, Public: public})
	x.mux.HandleFunc(method+" "+Prefix+path, func(w http.ResponseWriter, r *http.Request) {
		p := zhiyuan.PrincipalFrom(r.Context())
		if p == nil && !public {
			httpx.WriteJSONError(w, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required"))
			return
		}
		if err := h(w, r, p); err != nil {
			httpx.LogError(r, x.log, err)
			httpx.WriteJSONError(w, err)
		}
	})
}

// maxBody bounds JSON request bodies.
const maxBody = 1 << 20

// decode reads a JSON body into v. Bad JSON is an EInvalid naming the field when it can;
// so is text that may not be stored (httpx.CheckJSON: control characters, invalid UTF-8,
// lone surrogates), checked here for every route that takes a body.
func decode(r *http.Request, v any) error {
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err == nil {
		err = json.NewDecoder(bytes.NewReader(raw)).Decode(v)
	}
	if err != nil {
		var typeErr *json.UnmarshalTypeError
		var maxErr *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return zhiyuan.Fail(zhiyuan.EInvalid, "api.body_empty")
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return zhiyuan.FieldFail(zhiyuan.EInvalid, typeErr.Field, "api.json_type", "kind", jsonType(typeErr.Type.Kind().String()))
		case errors.As(err, &maxErr):
			return zhiyuan.Fail(zhiyuan.EInvalid, "api.body_too_large")
		}
		return zhiyuan.Fail(zhiyuan.EInvalid, "api.body_not_json")
	}
	return httpx.CheckJSON(raw)
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "bool":
		return "boolean"
	case kind == "slice":
		return "array"
	case kind == "struct", kind == "map":
		return "object"
	}
	return kind
}

// pathID parses a numeric path value, answering 404 for anything that is not one.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.record")
	}
	return id, nil
}

// queryInt parses an optional integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, name, "api.non_negative_integer")
	}
	return n, nil
}

// pageParams reads a list's "cursor" and "limit" query parameters; a limit that is
// missing, zero or above most becomes def.
func pageParams(r *http.Request, def, most int64) (cursor, limit int64, err error) {
	if cursor, err = queryInt(r, "cursor"); err != nil {
		return 0, 0, err
	}
	if limit, err = queryInt(r, "limit"); err != nil {
		return 0, 0, err
	}
	if limit <= 0 || limit > most {
		limit = def
	}
	return cursor, limit, nil
}

// Page is the envelope of every list: the items and the cursor of the next page ("" at
// the end).
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

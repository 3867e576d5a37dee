// Package httpx is the HTTP plumbing shared by pages and API: request ids and client
// information, logging, panic recovery, security headers, cross-origin protection,
// metrics, authentication from cookies and bearer tokens, and the one mapping from error
// codes to HTTP statuses.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies middlewares so that the first one listed runs first.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Status maps an error code to its HTTP status. It is the only such mapping.
func Status(code zhiyuan.Code) int {
	switch code {
	case zhiyuan.EInvalid:
		return http.StatusUnprocessableEntity
	case zhiyuan.EUnauthorized:
		return http.StatusUnauthorized
	case zhiyuan.EForbidden:
		return http.StatusForbidden
	case zhiyuan.ENotFound:
		return http.StatusNotFound
	case zhiyuan.EConflict, zhiyuan.EFull:
		return http.StatusConflict
	case zhiyuan.ERateLimited:
		return http.StatusTooManyRequests
	case "":
		return http.StatusOK
	}
	return http.StatusInternalServerError
}

// StatusClientClosed is the status recorded (nginx's 499) for a request whose client went
// away before it was answered. Whatever the handler wrote then, typically a 500 from a
// query cancelled with the request's context, nobody read it and the server did nothing
// wrong, so logs and metrics must not count it as a server error.
const StatusClientClosed = 499

// clientClosed reports whether the client of r has gone: the server cancels a request's
// context when its connection closes (it also does so once ServeHTTP returns, which is why
// the middlewares below ask before they return).
func clientClosed(r *http.Request) bool {
	return r.Context().Err() != nil
}

// outcome is the status a request is logged and counted with: what the handler wrote,
// unless it was a server error written to a client that had already gone.
func outcome(r *http.Request, written int) int {
	if written >= 500 && clientClosed(r) {
		return StatusClientClosed
	}
	return written
}

// LogError logs err when it is internal (a bug or an outage); errors that are the
// caller's doing are not logged, so bad input cannot flood the log, and neither is a
// failure caused by the client hanging up (AccessLog records those with status 499).
func LogError(r *http.Request, log *slog.Logger, err error) {
	if zhiyuan.ErrorCode(err) == zhiyuan.EInternal && !clientClosed(r) {
		log.ErrorContext(r.Context(), "request failed", slog.String("route", r.Pattern), slog.String("error", err.Error()))
	}
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody. Code is the class, Reason the stable key of the
// message's sentence in the catalogue (messages.go), FieldReasons the key of each field's
// message; programs switch on these, people read Message and Fields.
type ErrorDetail struct {
	Code         zhiyuan.Code           `json:"code"`
	Reason       zhiyuan.Msg            `json:"reason,omitempty"`
	Message      string                 `json:"message"`
	Fields       map[string]string      `json:"fields,omitempty"`
	FieldReasons map[string]zhiyuan.Msg `json:"field_reasons,omitempty"`
}

// Detail returns err in the API's error shape.
func Detail(err error) ErrorDetail {
	code := zhiyuan.ErrorCode(err)
	if code == "" {
		code = zhiyuan.EInternal
	}
	d := ErrorDetail{Code: code, Reason: zhiyuan.ErrorReason(err), Message: zhiyuan.ErrorMessage(err)}
	if code != zhiyuan.EInternal {
		d.Fields = zhiyuan.ErrorFields(err)
		d.FieldReasons = zhiyuan.ErrorProblems(err).Reasons()
	}
	return d
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// WriteJSONError writes err in the API's error shape with the status its code maps to.
func WriteJSONError(w http.ResponseWriter, err error) {
	d := Detail(err)
	if d.Code == zhiyuan.EUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="zhiyuan"`)
	}
	WriteJSON(w, Status(d.Code), ErrorBody{Error: d})
}

// ClientInfo puts the request's Client (address, user agent, request id) into the context
// and echoes the request id in X-Request-ID. With trustProxy, the address is taken from
// the last hop of X-Forwarded-For, as set by the operator's own reverse proxy.
func ClientInfo(trustProxy bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get("X-Request-ID")
			if !validRequestID(id) {
				b := make([]byte, 8)
				rand.Read(b)
				id = hex.EncodeToString(b)
			}
			ip, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				ip = r.RemoteAddr
			}
			if trustProxy {
				if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
					parts := strings.Split(fwd, ",")
					// Only an address: a proxy that passes the header on unchanged would
					// otherwise let anything be stored as the client's address.
					if last := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(last) != nil {
						ip = last
					}
				}
			}
			ua := cleanHeaderText(r.UserAgent(), maxUserAgent)
			w.Header().Set("X-Request-ID", id)
			ctx := zhiyuan.WithClient(r.Context(), zhiyuan.Client{IP: ip, UserAgent: ua, RequestID: id})
			ctx = context.WithValue(ctx, routeKey{}, new(string))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// maxUserAgent bounds the User-Agent kept with sessions and audit entries, in bytes.
const maxUserAgent = 200

// cleanHeaderText makes a header value storable: HTTP allows bytes that are not UTF-8
// (and C1 controls) in header values, which PostgreSQL would refuse, so those are dropped,
// and the value is cut to at most max bytes at a character boundary. A header is not a
// field the client can fix, so it is cleaned rather than refused.
func cleanHeaderText(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) { // only the last character can be cut: at most 3 bytes go
			s = s[:len(s)-1]
		}
	}
	return s
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets streaming handlers flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// AccessLog logs one line per request: method, route pattern (never the raw path, which
// may carry codes), status, duration and request id. Query strings are never logged.
func AccessLog(log *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(sw, r)
			c := zhiyuan.ClientFrom(r.Context())
			status := outcome(r, sw.status)
			msg := "request"
			if status == StatusClientClosed {
				msg = "client closed request"
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, msg,
				slog.String("method", r.Method), slog.String("route", routeOf(r)),
				slog.Int("status", status), slog.Duration("duration", time.Since(start)),
				slog.String("request_id", c.RequestID))
		})
	}
}

type routeKey struct{}

// RecordRoute wraps the router and remembers the pattern that matched. The router sets
// r.Pattern on the request it was given, but middlewares further out hold earlier copies
// of the request (each WithContext makes one), so the pattern travels back in a holder
// that ClientInfo put into the context.
func RecordRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if h, ok := r.Context().Value(routeKey{}).(*string); ok {
			*h = r.Pattern
		}
	})
}

func routeOf(r *http.Request) string {
	if h, ok := r.Context().Value(routeKey{}).(*string); ok && *h != "" {
		return *h
	}
	if r.Pattern != "" {
		return r.Pattern
	}
	return "unmatched"
}

// Recover turns a panic into a 500 (JSON under /api/, a plain page elsewhere) and logs it.
func Recover(log *slog.Logger, page func(w http.ResponseWriter, r *http.Request, err error)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.ErrorContext(r.Context(), "panic", slog.Any("panic", v), slog.String("route", routeOf(r)))
					err := zhiyuan.Fail(zhiyuan.EInternal, zhiyuan.MsgInternal)
					if strings.HasPrefix(r.URL.Path, "/api/") || page == nil {
						WriteJSONError(w, err)
						return
					}
					page(w, r, err)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// SecurityHeaders sets the headers every response carries: a content security policy
// without inline scripts, no framing, no sniffing, a strict referrer policy (so codes in
// links never leak to other sites), and HSTS (with subdomains) over HTTPS (IsHTTPS).
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if IsHTTPS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// CrossOrigin refuses cross-origin unsafe requests (forms posted from another site) with
// net/http's CrossOriginProtection, which reads Sec-Fetch-Site and Origin. API clients
// that send neither header (programs, not browsers) pass; browsers on other origins don't.
func CrossOrigin(deny http.Handler) Middleware {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(deny)
	return cop.Handler
}

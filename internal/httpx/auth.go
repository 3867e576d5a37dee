package httpx

import (
	"context"
	"net/http"
	"strings"
	"time"

	"zhiyuan"
)

// SessionCookie is the name of the page session cookie.
const SessionCookie = "zy_session"

// Authenticator resolves a session token to its caller.
type Authenticator interface {
	Authenticate(ctx context.Context, token string, kind zhiyuan.SessionKind) (*zhiyuan.Principal, error)
}

// Authenticate puts the caller into the context: from a bearer token on /api/ routes, from
// the session cookie on pages. A bearer token that is wrong or revoked is refused with 401
// at once rather than served as anonymous, so a client learns its token is dead.
func Authenticate(auth Authenticator) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if strings.HasPrefix(r.URL.Path, "/api/") {
				if token, ok := BearerToken(r); ok {
					p, err := auth.Authenticate(ctx, token, zhiyuan.SessionAPI)
					if err != nil {
						WriteJSONError(w, err)
						return
					}
					ctx = zhiyuan.WithPrincipal(ctx, p)
				}
			} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
				if p, err := auth.Authenticate(ctx, c.Value, zhiyuan.SessionWeb); err == nil {
					ctx = zhiyuan.WithPrincipal(ctx, p)
				} else if zhiyuan.ErrorCode(err) == zhiyuan.EUnauthorized {
					ClearSessionCookie(w, r)
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// BearerToken returns the token of an "Authorization: Bearer" header.
func BearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

// SetSessionCookie stores a page session: HttpOnly, SameSite=Lax, Secure when the
// platform is reached over HTTPS (IsHTTPS).
func SetSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: IsHTTPS(r),
	})
}

// ClearSessionCookie removes the page session cookie.
func ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: IsHTTPS(r),
	})
}

type httpsKey struct{}

// HTTPS records whether the platform is reached over HTTPS, for IsHTTPS: always when its
// public base URL is https (the operator's proxy ends TLS), when the connection itself is
// TLS, or, with trustProxy only, when X-Forwarded-Proto says so. Without trustProxy that
// header is anyone's say-so and ignored.
func HTTPS(publicHTTPS, trustProxy bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			on := publicHTTPS || r.TLS != nil || trustProxy && r.Header.Get("X-Forwarded-Proto") == "https"
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), httpsKey{}, on)))
		})
	}
}

// IsHTTPS reports whether the request reached the platform over HTTPS, as HTTPS decided;
// outside that middleware, whether the connection is TLS. Cookies are Secure and HSTS is
// sent when it does.
func IsHTTPS(r *http.Request) bool {
	if on, ok := r.Context().Value(httpsKey{}).(bool); ok {
		return on
	}
	return r.TLS != nil
}

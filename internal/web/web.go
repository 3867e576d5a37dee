// Package web serves the platform's pages: server-rendered Chinese HTML, mobile-first and
// fully usable without JavaScript. Handlers are one file per page or action; they parse
// forms, call the application layer (which authorises) and render templates.
package web

import (
	"embed"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Web is the pages' handler.
type Web struct {
	app   *app.App
	log   *slog.Logger
	mux   *http.ServeMux
	pages map[string]*page // by file name (render.go)
	htmx  map[string]bool  // pages whose markup uses htmx (hx- attributes): only they load it
}

// handlerFunc is a page handler; a returned error is rendered as an error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error

// New returns the pages with every route registered.
func New(a *app.App, log *slog.Logger) (*Web, error) {
	x := &Web{app: a, log: log, mux: http.NewServeMux()}
	if err := x.parseTemplates(); err != nil {
		return nil, err
	}
	x.routes() // routes.go: every page, in one place
	return x, nil
}

// ServeHTTP implements http.Handler.
func (x *Web) ServeHTTP(w http.ResponseWriter, r *http.Request) { x.mux.ServeHTTP(w, r) }

// handle registers a page. Unless public, an anonymous visitor is sent to the login page
// and brought back afterwards.
func (x *Web) handle(pattern string, public bool, h handlerFunc) {
	x.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		p := zhiyuan.PrincipalFrom(r.Context())
		if p == nil && !public {
			if r.Method == http.MethodGet {
				login := "/login?next=" + url.QueryEscape(safeNext(r.URL.RequestURI()))
				if isHTMX(r) {
					// The whole browser goes to the login page, not the part htmx asked for.
					w.Header().Set("HX-Redirect", login)
					w.WriteHeader(http.StatusNoContent)
					return
				}
				http.Redirect(w, r, login, http.StatusSeeOther)
				return
			}
			x.renderError(w, r, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required"))
			return
		}
		if err := h(w, r, p); err != nil {
			x.renderError(w, r, err)
		}
	})
}

// safeNext keeps only same-site paths for the after-login redirect, so the login page
// cannot be used to send people elsewhere. Control characters are refused too: browsers
// drop tabs and newlines from a URL, so "/\t/evil.example" would become "//evil.example".
func safeNext(path string) string {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || strings.Contains(path, "\\") ||
		strings.ContainsFunc(path, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return path
}

// ErrorPage renders err as a page; the server uses it for panics and refused cross-origin
// posts.
func (x *Web) ErrorPage(w http.ResponseWriter, r *http.Request, err error) { x.renderError(w, r, err) }

func (x *Web) renderError(w http.ResponseWriter, r *http.Request, err error) {
	httpx.LogError(r, x.log, err)
	code := zhiyuan.ErrorCode(err)
	status := httpx.Status(code)
	title := map[int]string{400: "请求有误", 401: "请先登录", 403: "没有权限", 404: "页面不存在", 409: "操作冲突", 422: "信息有误", 429: "操作过于频繁"}[status]
	if title == "" {
		title = "出错了"
	}
	x.render(w, r, status, "error.html", map[string]any{
		"Title": title, "Status": status, "Message": zhiyuan.ErrorMessage(err), "Fields": zhiyuan.ErrorFields(err),
	})
}

package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zhiyuan/internal/server/servertest"
)

var (
	stylesheetLink = regexp.MustCompile(`<link rel="stylesheet" href="(/static/app\.[0-9a-f]{10}\.css)">`)
	iconLink       = regexp.MustCompile(`<link rel="icon" href="(/static/favicon\.[0-9a-f]{10}\.svg)" type="image/svg\+xml">`)
	description    = regexp.MustCompile(`<meta name="description" content="([^"]{20,})">`)
)

// TestStaticAssets: pages link the style sheet and the icon under fingerprinted names
// that a browser keeps for a year; the plain names are asked again each time; both answer
// 304 to a browser that has the same version (ETag); a stale fingerprint is not found;
// /favicon.ico is the icon; every page has a description.
func TestStaticAssets(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		b := e.Browser()
		home := string(b.Get("/").Body)
		css := stylesheetLink.FindStringSubmatch(home)
		icon := iconLink.FindStringSubmatch(home)
		if css == nil || icon == nil {
			t.Fatalf("the home page does not link a fingerprinted style sheet and icon:\n%.800s", home)
		}
		for _, path := range []string{"/", "/login", "/register", "/activities", "/no-such-page"} {
			page := string(b.Get(path).Body)
			if !description.MatchString(page) {
				t.Errorf("%s has no meta description", path)
			}
			// htmx (when npm installed it) is loaded only by pages that use it.
			if strings.Contains(page, "htmx") && !strings.Contains(page, " hx-") {
				t.Errorf("%s loads htmx and uses none of it", path)
			}
		}

		res := b.Get(css[1])
		etag := res.Header.Get("ETag")
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "--red") {
			t.Fatalf("%s: %d %.100s", css[1], res.Status, res.Body)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("fingerprinted style sheet: Cache-Control %q", cc)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
			t.Errorf("fingerprinted style sheet: Content-Type %q", ct)
		}
		if !regexp.MustCompile(`^W/"[0-9a-f]{10}"$`).MatchString(etag) || !strings.Contains(css[1], strings.Trim(etag, `W/"`)) {
			t.Errorf("fingerprinted style sheet: ETag %q does not name its version %s", etag, css[1])
		}

		plain := b.Get("/static/app.css")
		if plain.Status != http.StatusOK || !bytes.Equal(plain.Body, res.Body) {
			t.Errorf("/static/app.css: %d, same content %v", plain.Status, bytes.Equal(plain.Body, res.Body))
		}
		if cc := plain.Header.Get("Cache-Control"); cc != "no-cache" || plain.Header.Get("ETag") != etag {
			t.Errorf("/static/app.css: Cache-Control %q, ETag %q (want no-cache and %s)", cc, plain.Header.Get("ETag"), etag)
		}
		for _, path := range []string{css[1], "/static/app.css"} {
			req, _ := http.NewRequest("GET", e.HTTP.URL+path, nil)
			req.Header.Set("If-None-Match", etag)
			if res := b.Send(req); res.Status != http.StatusNotModified || len(res.Body) != 0 {
				t.Errorf("%s with the current ETag: %d with %d bytes, want 304 and nothing", path, res.Status, len(res.Body))
			}
			req, _ = http.NewRequest("GET", e.HTTP.URL+path, nil)
			req.Header.Set("If-None-Match", `W/"0000000000"`)
			if res := b.Send(req); res.Status != http.StatusOK {
				t.Errorf("%s with an old ETag: %d, want 200", path, res.Status)
			}
		}
		if res := b.Get("/static/app.0000000000.css"); res.Status != http.StatusNotFound {
			t.Errorf("a stale fingerprint: %d, want 404", res.Status)
		}

		svg := b.Get(icon[1])
		ico := b.Get("/favicon.ico")
		if svg.Status != http.StatusOK || ico.Status != http.StatusOK || !bytes.Equal(svg.Body, ico.Body) ||
			!strings.HasPrefix(ico.Header.Get("Content-Type"), "image/svg+xml") || !bytes.Contains(ico.Body, []byte("<svg")) {
			t.Errorf("icon: %s %d, /favicon.ico %d %q", icon[1], svg.Status, ico.Status, ico.Header.Get("Content-Type"))
		}
	})
}

// TestCompression: pages, style sheets and API answers are gzipped for a client that
// accepts it and sent as they are to one that does not; the gzipped page is the same page.
func TestCompression(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		get := func(path string, gz bool) (*servertest.Response, []byte) {
			t.Helper()
			req, _ := http.NewRequest("GET", e.HTTP.URL+path, nil)
			if gz {
				// Set by hand, Go's client hands back the compressed bytes as they came.
				req.Header.Set("Accept-Encoding", "gzip")
			}
			res := e.Send(req)
			if res.Header.Get("Content-Encoding") != "gzip" {
				return res, res.Body
			}
			r, err := gzip.NewReader(bytes.NewReader(res.Body))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			body, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return res, body
		}
		for _, path := range []string{"/", "/activities", "/static/app.css", "/api/v1/openapi.json"} {
			res, body := get(path, true)
			if res.Status != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s accepting gzip: %d, Content-Encoding %q", path, res.Status, res.Header.Get("Content-Encoding"))
				continue
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: Vary %q lacks Accept-Encoding, so a cache could serve gzip to anyone", path, res.Header.Get("Vary"))
			}
			plainRes, plain := get(path, false)
			if plainRes.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s without Accept-Encoding: Content-Encoding %q", path, plainRes.Header.Get("Content-Encoding"))
			}
			if path != "/" && path != "/activities" && !bytes.Equal(body, plain) {
				t.Errorf("%s: the gzipped answer is not the same file", path)
			}
			if len(res.Body) >= len(plain) {
				t.Errorf("%s: gzip made %d bytes of %d", path, len(res.Body), len(plain))
			}
			t.Logf("%s: %d bytes gzipped from %d", path, len(res.Body), len(plain))
		}
	})
}

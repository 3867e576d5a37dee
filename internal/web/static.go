package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// asset is one static file as served.
type asset struct {
	name      string // path in the static folder
	etag      string
	immutable bool // served under its fingerprinted name
}

// assets are the embedded static files. Each is served under its own name and under a
// fingerprinted one that holds a hash of its content (app.3f9c2a1b0d.css): pages link to
// the fingerprinted name, which a browser may keep for a year without asking again,
// because a changed file gets a new name. Both carry an ETag, so a browser that asks
// again for the plain name gets 304 Not Modified while the file has not changed.
type assets struct {
	fsys  fs.FS
	files map[string]asset  // request path below /static/ → the file
	urls  map[string]string // path in the static folder → its fingerprinted URL
}

// fingerprintLen is how many hex digits of a file's SHA-256 its fingerprinted name holds:
// 40 bits, plenty to tell one version of a file from the next.
const fingerprintLen = 10

// staticAssets reads and hashes the static files once, on first use.
var staticAssets = sync.OnceValue(func() *assets {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the folder is embedded: it cannot be missing
	}
	a, err := loadAssets(sub)
	if err != nil {
		panic(err)
	}
	return a
})

// loadAssets hashes every file of fsys.
func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{fsys: fsys, files: map[string]asset{}, urls: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		sum := hex.EncodeToString(h.Sum(nil))[:fingerprintLen]
		// Weak: the bytes differ when the response is compressed, the file does not.
		etag := `W/"` + sum + `"`
		ext := path.Ext(name)
		fp := strings.TrimSuffix(name, ext) + "." + sum + ext
		a.files[name] = asset{name: name, etag: etag}
		a.files[fp] = asset{name: name, etag: etag, immutable: true}
		a.urls[name] = "/static/" + fp
		return nil
	})
	return a, err
}

// URL returns the fingerprinted address of the static file name ("app.css",
// "vendor/htmx.min.js"), or "" when there is no such file: the npm packages under
// vendor/ are optional, and a page leaves out what is missing.
func (a *assets) URL(name string) string { return a.urls[name] }

// ServeHTTP serves a static file below /static/.
func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.serve(w, r, strings.TrimPrefix(r.URL.Path, "/static/"))
}

// serve serves the file at the request path name (plain or fingerprinted).
func (a *assets) serve(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := a.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	file, err := a.fsys.Open(f.name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer file.Close()
	content, ok := file.(io.ReadSeeker)
	if !ok { // embedded files always seek; anything else is a programming error
		http.Error(w, "static file cannot seek", http.StatusInternalServerError)
		return
	}
	if f.immutable {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// The plain name may change content with the next release: ask each time,
		// which costs a 304 while the ETag matches.
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", f.etag)
	// The modification time is left out (embedded files have none): the ETag decides.
	http.ServeContent(w, r, f.name, time.Time{}, content)
}

// favicon answers /favicon.ico, which browsers ask for on their own where a page names no
// icon (a PDF, an image): the same icon the layout links, instead of a 404.
func (a *assets) favicon(w http.ResponseWriter, r *http.Request) {
	a.serve(w, r, "favicon.svg")
}

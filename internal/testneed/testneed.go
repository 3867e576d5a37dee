// Package testneed decides what a test does when something it needs from outside Go is
// missing: a PostgreSQL server, Chromium (and axe-core from npm), poppler-utils or a CJK
// font. Plain `go test ./...` needs none of them: such a test is skipped with a message naming what is missing and
// how to get it (`go test -v ./... | grep 'not run:'` lists them all). When the Need's
// ZHIYUAN_TEST_REQUIRE_* variable is 1, the same test fails instead; `make test` and CI set
// all of them, so nothing is silently left out there.
package testneed

import (
	"os"
	"os/exec"
	"testing"
)

// A Need is one thing from outside Go that some tests use.
type Need struct {
	Env  string // ZHIYUAN_TEST_REQUIRE_*: "1" turns a skip into a failure
	What string // what is missing, in a person's words
	How  string // how to get it
}

// The needs of the platform's tests.
var (
	Postgres = Need{"ZHIYUAN_TEST_REQUIRE_POSTGRES", "a PostgreSQL server",
		"run the tests through scripts/with-postgres.sh (make test does; it needs apt-get install postgresql)"}
	Browser = Need{"ZHIYUAN_TEST_REQUIRE_BROWSER", "Chromium", "apt-get install chromium"}
	Poppler = Need{"ZHIYUAN_TEST_REQUIRE_POPPLER", "poppler-utils (pdftotext, pdffonts, pdftoppm)", "apt-get install poppler-utils"}
	Font    = Need{"ZHIYUAN_TEST_REQUIRE_FONT", "a CJK TrueType font", "apt-get install fonts-droid-fallback, or set ZHIYUAN_FONT to a .ttf"}
	// Axe is the accessibility checker the browser tests run in each page; it comes from
	// npm, so a browser test that needs it is required together with the browser.
	Axe = Need{"ZHIYUAN_TEST_REQUIRE_BROWSER", "axe-core from npm (node_modules/axe-core/axe.min.js)",
		"apt-get install npm, then make assets (npm install from package-lock.json)"}
	// Vendor is the pages' optional scripts from npm (htmx, jsQR) copied into the
	// embedded static folder: the pages work without them, the tests of what they add
	// need them, required together with the browser.
	Vendor = Need{"ZHIYUAN_TEST_REQUIRE_BROWSER", "the pages' scripts from npm (internal/web/static/vendor: htmx, jsQR)",
		"apt-get install npm, then make assets (copies them there), then build the tests again"}
)

// Required reports whether n's variable demands it.
func (n Need) Required() bool { return os.Getenv(n.Env) == "1" }

// Missing ends t because n is missing (detail says how it was found out): a skip, or a
// failure when n is required.
func (n Need) Missing(t testing.TB, detail string) {
	t.Helper()
	if detail != "" {
		detail = " (" + detail + ")"
	}
	if n.Required() {
		t.Fatalf("%s is missing%s and %s=1 requires it: %s", n.What, detail, n.Env, n.How)
	}
	t.Skipf("not run: %s is missing%s; to run it: %s; %s=1 makes this a failure", n.What, detail, n.How, n.Env)
}

// MissingIf ends t through n when err (from looking for n) is not nil.
func (n Need) MissingIf(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		n.Missing(t, err.Error())
	}
}

// Tool returns the path of the command name, or ends t through n when it is not on the
// PATH.
func (n Need) Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		n.Missing(t, name+" is not on the PATH")
	}
	return p
}

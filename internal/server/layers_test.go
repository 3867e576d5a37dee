package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The layers of docs/ARCHITECTURE.md ("Layout"), checked on the source: handlers talk only
// to app, app's exported API speaks root and app types, and the engines' differences stay
// in sqlstore/dialect.go. Tests (_test.go files) are left out: a test may set up rows
// through the store it opened.

const module = "zhiyuan"

// moduleRoot is the repository root, seen from this package's folder.
const moduleRoot = "../.."

// parseDir parses the non-test Go files of dir (relative to the module root), imports
// only unless full.
func parseDir(t *testing.T, dir string, full bool) map[string]*ast.File {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(moduleRoot, dir))
	if err != nil {
		t.Fatal(err)
	}
	mode := parser.ImportsOnly
	if full {
		mode = parser.SkipObjectResolution
	}
	files := map[string]*ast.File{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(moduleRoot, dir, name), nil, mode)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.ToSlash(filepath.Join(dir, name))] = f
	}
	if len(files) == 0 {
		t.Fatalf("%s: no Go files; has the package moved?", dir)
	}
	return files
}

func imports(f *ast.File) []string {
	var out []string
	for _, spec := range f.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		out = append(out, p)
	}
	return out
}

// TestLayers checks who may import whom among the module's own packages.
func TestLayers(t *testing.T) {
	t.Parallel()
	for _, rule := range []struct {
		dir     string
		allowed func(path string) bool // of the module's own packages
		why     string
	}{
		{".", func(string) bool { return false },
			"the domain (root package) imports nothing of ours"},
		{"internal/sqlstore", func(p string) bool { return p == module || p == module+"/internal/jobs" },
			"the store imports only the domain, and the kinds of job it queues with a change (jobs imports nothing of ours)"},
		{"internal/jobs", func(string) bool { return false },
			"jobs knows River, not the platform: the store and app both import it"},
		{"internal/config", func(p string) bool { return p == module },
			"config is read before anything opens and imports only the domain"},
		{"internal/api", notStore, "handlers reach records only through app"},
		{"internal/web", notStore, "handlers reach records only through app"},
		{"internal/httpx", notStore, "middleware reaches records only through app"},
		{"internal/server", notStore, "the server assembles app, pages and API; /healthz and /metrics ask app"},
	} {
		for name, f := range parseDir(t, rule.dir, false) {
			for _, p := range imports(f) {
				if (p == module || strings.HasPrefix(p, module+"/")) && !rule.allowed(p) {
					t.Errorf("%s imports %s: %s", name, p, rule.why)
				}
			}
		}
	}
}

func notStore(p string) bool {
	return p != module+"/internal/sqlstore" && !strings.HasPrefix(p, module+"/internal/sqlstore/")
}

// TestEngineDifferencesInDialect: only sqlstore/dialect.go imports the database drivers,
// so whatever differs between SQLite and PostgreSQL is found in that one file.
func TestEngineDifferencesInDialect(t *testing.T) {
	t.Parallel()
	drivers := []string{"github.com/jackc/pgx", "modernc.org/sqlite"}
	var dirs []string
	err := filepath.WalkDir(moduleRoot, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != moduleRoot && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			if matches, _ := filepath.Glob(filepath.Join(path, "*.go")); len(matches) > 0 {
				rel, _ := filepath.Rel(moduleRoot, path)
				dirs = append(dirs, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, dir := range dirs {
		if matches, _ := filepath.Glob(filepath.Join(moduleRoot, dir, "*.go")); !slices.ContainsFunc(matches, func(m string) bool { return !strings.HasSuffix(m, "_test.go") }) {
			continue // only tests here
		}
		for name, f := range parseDir(t, dir, false) {
			for _, p := range imports(f) {
				for _, d := range drivers {
					if p == d || strings.HasPrefix(p, d+"/") {
						if name == "internal/sqlstore/dialect.go" {
							seen = true
							continue
						}
						t.Errorf("%s imports %s: engine differences belong in internal/sqlstore/dialect.go", name, p)
					}
				}
			}
		}
	}
	if !seen {
		t.Error("internal/sqlstore/dialect.go imports no driver: has the check gone blind?")
	}
}

// TestAppSpeaksDomainTypes: app's exported functions, methods and types name no store
// type (but New, which takes the store), so nothing that calls app (pages, API) needs
// the store's types.
func TestAppSpeaksDomainTypes(t *testing.T) {
	t.Parallel()
	for name, f := range parseDir(t, "internal/app", true) {
		store := "sqlstore"
		for _, spec := range f.Imports {
			if p, _ := strconv.Unquote(spec.Path.Value); p == module+"/internal/sqlstore" && spec.Name != nil {
				store = spec.Name.Name
			}
		}
		report := func(what string, n ast.Node) {
			ast.Inspect(n, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == store {
						t.Errorf("%s: %s names %s.%s; return a root or app type instead", name, what, store, sel.Sel.Name)
					}
				}
				return true
			})
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || (d.Recv != nil && !exportedRecv(d.Recv)) {
					continue
				}
				if d.Recv == nil && d.Name.Name == "New" {
					continue // the constructor takes the store the wiring opened
				}
				report(d.Name.Name, d.Type)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() {
						continue
					}
					if st, ok := ts.Type.(*ast.StructType); ok {
						for _, field := range st.Fields.List {
							if len(field.Names) == 0 || field.Names[0].IsExported() {
								report(ts.Name.Name+" field", field.Type)
							}
						}
						continue
					}
					report(ts.Name.Name, ts.Type)
				}
			}
		}
	}
}

func exportedRecv(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok {
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// Package formatdoc reads the known-answer vectors published in docs/formats.md, so that the
// tests beside the code of each format check the very values a partner reads: changing a
// byte of the format or of the document fails a test, and the two cannot drift apart.
//
// A vector is a fenced block whose info string is "vector" followed by its name:
//
//	```vector anchor 2026-12-06
//	day: 2026-12-06
//	head: 12 1 3e23…
//	head: 7 3 ca97…
//	hash: 5827923a…
//	  …ed59c009d
//	```
//
// Each line is "key: value". The value is the rest of the line with surrounding spaces
// removed; one that starts with a double quote is a Go string literal, for values with
// spaces at their ends, control characters or nothing at all. A line that starts with a
// space continues the value above it (long hex is wrapped that way; the pieces are joined
// without a separator). A key may repeat, one case a line; keys "p.a", "p.b" … are the
// parts of one byte string p, in order (Parts). Lines starting with '#' and blank lines are
// ignored. Nothing else is allowed, so a typo in the document fails loudly.
//
// Every value a test reads is marked; when the test ends, a value nobody read fails it,
// so the document carries no number that no test checks. This package's own test checks
// that every vector of the document is named by some test.
package formatdoc

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Field is one "key: value" line of a vector.
type Field struct {
	Key, Value string
	Line       int // in the document, for messages
	read       bool
}

// Vector is one fenced vector block.
type Vector struct {
	Name   string
	Line   int // of the opening fence
	Fields []*Field
	mu     sync.Mutex
}

// Parse reads every vector block of a Markdown document.
func Parse(doc []byte) ([]*Vector, error) {
	var out []*Vector
	var cur *Vector
	var fence string
	sc := bufio.NewScanner(bytes.NewReader(doc))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		switch {
		case fence == "" && strings.HasPrefix(trimmed, "```"):
			// Any fenced block opens here; only "vector" blocks are read.
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
			info := strings.Fields(trimmed[len(fence):])
			if len(info) > 0 && info[0] == "vector" {
				if len(info) < 2 {
					return nil, fmt.Errorf("line %d: a vector block needs a name", n)
				}
				cur = &Vector{Name: strings.Join(info[1:], " "), Line: n}
				out = append(out, cur)
			}
		case fence != "" && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, "`") == "":
			fence, cur = "", nil
		case cur == nil:
			// Prose, or a block that is not a vector.
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		case line[0] == ' ' || line[0] == '\t':
			if len(cur.Fields) == 0 {
				return nil, fmt.Errorf("line %d: continuation line before any key", n)
			}
			f := cur.Fields[len(cur.Fields)-1]
			if strings.HasPrefix(f.Value, `"`) {
				return nil, fmt.Errorf("line %d: a quoted value cannot be continued", n)
			}
			f.Value += strings.TrimSpace(line)
		default:
			key, value, ok := strings.Cut(line, ":")
			if !ok || key == "" || strings.ContainsAny(key, " \t\"") {
				return nil, fmt.Errorf("line %d: want \"key: value\" in vector %q, got %q", n, cur.Name, line)
			}
			cur.Fields = append(cur.Fields, &Field{Key: key, Value: strings.TrimSpace(value), Line: n})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if fence != "" {
		return nil, fmt.Errorf("a fenced block is not closed at the end of the document")
	}
	// Unquote now, after continuations are joined.
	for _, v := range out {
		for _, f := range v.Fields {
			if strings.HasPrefix(f.Value, `"`) {
				s, err := strconv.Unquote(f.Value)
				if err != nil {
					return nil, fmt.Errorf("line %d: bad quoted value %s: %v", f.Line, f.Value, err)
				}
				f.Value = s
			}
		}
	}
	return out, nil
}

// Path returns the path of docs/formats.md, found by walking up from the working
// directory (a package's directory under go test) to the module root.
func Path() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "docs", "formats.md"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("formatdoc: no go.mod above the working directory")
		}
		dir = parent
	}
}

// All returns every vector of docs/formats.md, failing t when the document cannot be read
// or parsed.
func All(t testing.TB) []*Vector {
	t.Helper()
	path, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	all, err := Parse(doc)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return all
}

// One returns the vector of docs/formats.md named name, failing t when there is none.
// When t ends, any value of the vector that the test did not read fails it.
func One(t testing.TB, name string) *Vector {
	t.Helper()
	all := All(t)
	var found *Vector
	for _, v := range all {
		if v.Name == name {
			if found != nil {
				t.Fatalf("docs/formats.md has two vectors named %q (lines %d and %d)", name, found.Line, v.Line)
			}
			found = v
		}
	}
	if found == nil {
		t.Fatalf("docs/formats.md has no vector named %q", name)
	}
	t.Cleanup(func() {
		for _, f := range found.Fields {
			if !f.read {
				t.Errorf("docs/formats.md:%d: %q of vector %q is never checked by a test", f.Line, f.Key, name)
			}
		}
	})
	return found
}

// Get returns the value of key, which must appear exactly once.
func (v *Vector) Get(t testing.TB, key string) string {
	t.Helper()
	all := v.All(key)
	if len(all) != 1 {
		t.Fatalf("vector %q (docs/formats.md:%d): want one %q, found %d", v.Name, v.Line, key, len(all))
	}
	return all[0]
}

// All returns every value of key, in document order (none when it is absent).
func (v *Vector) All(key string) []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for _, f := range v.Fields {
		if f.Key == key {
			f.read = true
			out = append(out, f.Value)
		}
	}
	return out
}

// Int returns the value of key as a decimal int64.
func (v *Vector) Int(t testing.TB, key string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(v.Get(t, key), 10, 64)
	if err != nil {
		t.Fatalf("vector %q: %s: %v", v.Name, key, err)
	}
	return n
}

// Hex returns the value of key decoded from hex (spaces allowed between bytes).
func (v *Vector) Hex(t testing.TB, key string) []byte {
	t.Helper()
	b, err := DecodeHex(v.Get(t, key))
	if err != nil {
		t.Fatalf("vector %q: %s: %v", v.Name, key, err)
	}
	return b
}

// Parts returns the byte string written as the hex values of the keys "<prefix>.<part>",
// concatenated in document order; it fails t when there are none.
func (v *Vector) Parts(t testing.TB, prefix string) []byte {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []byte
	n := 0
	for _, f := range v.Fields {
		if !strings.HasPrefix(f.Key, prefix+".") {
			continue
		}
		b, err := DecodeHex(f.Value)
		if err != nil {
			t.Fatalf("vector %q: %s: %v", v.Name, f.Key, err)
		}
		f.read = true
		out = append(out, b...)
		n++
	}
	if n == 0 {
		t.Fatalf("vector %q has no %s.* parts", v.Name, prefix)
	}
	return out
}

// Time returns the value of key as an RFC 3339 time.
func (v *Vector) Time(t testing.TB, key string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, v.Get(t, key))
	if err != nil {
		t.Fatalf("vector %q: %s: %v", v.Name, key, err)
	}
	return tm
}

// DecodeHex decodes hex written with or without spaces between the digits.
func DecodeHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.Join(strings.Fields(s), ""))
}

// String names the vector for messages.
func (v *Vector) String() string { return fmt.Sprintf("%q (docs/formats.md:%d)", v.Name, v.Line) }

package formatdoc

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestParse: the syntax the document uses, including what a typo looks like.
func TestParse(t *testing.T) {
	t.Parallel()
	doc := "# Title\n\n```\nnot: a vector\n```\n\n" +
		"```vector sample one\n" +
		"# a comment\n" +
		"hex: 0001\n" +
		"  0203\n" +
		"empty: \"\"\n" +
		"spaced: \" a\\tb \"\n" +
		"part.a: ff\n" +
		"part.b: 00 01\n" +
		"case: x\n" +
		"case: y\n" +
		"```\n"
	vs, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Name != "sample one" || vs[0].Line != 7 {
		t.Fatalf("vectors %+v", vs)
	}
	v := vs[0]
	if got := v.Get(t, "hex"); got != "00010203" {
		t.Errorf("continued value %q", got)
	}
	if v.Get(t, "empty") != "" || v.Get(t, "spaced") != " a\tb " {
		t.Errorf("quoted values %q %q", v.All("empty"), v.All("spaced"))
	}
	if got := v.Parts(t, "part"); string(got) != "\xff\x00\x01" {
		t.Errorf("parts %x", got)
	}
	if got := v.All("case"); len(got) != 2 || got[0] != "x" || got[1] != "y" {
		t.Errorf("repeated key %q", got)
	}
	for _, bad := range []string{
		"```vector\n```\n",                     // no name
		"```vector x\nno colon here\n```\n",    // not key: value
		"```vector x\n  continued\n```\n",      // continuation first
		"```vector x\nk: \"open\n```\n",        // bad literal
		"```vector x\nk: \"a\"\n  more\n```\n", // continued literal
		"```vector x\nk: v\n",                  // not closed
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// TestEveryVectorIsChecked: each vector of docs/formats.md is checked by some test of the
// module, so none sits in the document unchecked. A vector counts as checked when a test
// file using this package names it as a string literal, or when a checked vector refers to
// it by name in a value (as "ledger chain" lists its entries, "card payload" its key).
// One then fails the test for any value of the vector it leaves unread.
func TestEveryVectorIsChecked(t *testing.T) {
	t.Parallel()
	vs := All(t)
	path, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) < 10 {
		t.Fatalf("only %d vectors in %s", len(vs), path)
	}
	var tests strings.Builder
	root := filepath.Dir(filepath.Dir(path))
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, "_test.go") || filepath.Dir(p) == filepath.Join(root, "internal", "formatdoc") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), `"zhiyuan/internal/formatdoc"`) {
			tests.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := map[string]bool{}
	for _, v := range vs {
		checked[v.Name] = strings.Contains(tests.String(), strconv.Quote(v.Name))
	}
	// Follow references from checked vectors until nothing changes.
	for grew := true; grew; {
		grew = false
		for _, v := range vs {
			if !checked[v.Name] {
				continue
			}
			for _, f := range v.Fields {
				for ref := range strings.SplitSeq(f.Value, ",") {
					if ref = strings.TrimSpace(ref); ref != v.Name && !checked[ref] {
						if _, ok := checked[ref]; ok {
							checked[ref], grew = true, true
						}
					}
				}
			}
		}
	}
	for _, v := range vs {
		if !checked[v.Name] {
			t.Errorf("vector %s is not checked by any test", v)
		}
	}
}

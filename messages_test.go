package zhiyuan

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// keyArg says where a function that takes a catalogue key has it, and which parameters
// the function supplies itself (the rest follow the key as name, value pairs).
type keyArg struct {
	index    int
	supplies []string
}

// keyTakers are the functions that take a catalogue key. A call with a literal key is
// checked: the key has text, and exactly the parameters its template names are passed.
var keyTakers = map[string]keyArg{
	"Fail":               {index: 1},
	"FieldFail":          {index: 2},
	"Add":                {index: 1}, // Problems.Add; other Add methods never get a key-shaped literal
	"ErrWith":            {index: 0},
	"Text":               {index: 0},
	"notFound":           {index: 0},                                // sqlstore
	"activityStateError": {index: 3, supplies: []string{"status"}},  // sqlstore
	"throttleReset":      {index: 3, supplies: []string{"minutes"}}, // app
	"photoErr":           {index: 0},                                // proof
}

var (
	keyShape    = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)
	placeholder = regexp.MustCompile(`\{([a-z0-9_]+)\}`)
	han         = regexp.MustCompile(`\p{Han}`)
)

func templateParams(t string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(t, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// TestCatalogue reads every Go file of the module (tests excepted) and checks the message
// catalogue against the code: every key passed as a literal has text, every parameter
// its template names is passed and no other, every catalogue entry is used somewhere,
// and no code still builds a sentence with the old Errorf/FieldError.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	for k, tmpl := range catalogue {
		if k != MsgInternal && !keyShape.MatchString(string(k)) {
			t.Errorf("catalogue key %q is not area.name", k)
		}
		if strings.Count(tmpl, "{") != strings.Count(tmpl, "}") || strings.Count(tmpl, "{") != len(placeholder.FindAllString(tmpl, -1)) {
			t.Errorf("catalogue %q: template %q has a malformed {parameter}", k, tmpl)
		}
	}
	used := map[Msg]bool{MsgInternal: true, MsgCheckFields: true}
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == "messages.go" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files++
		rootPkg := filepath.Dir(path) == "."
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, ok := stringLit(n); ok && Msg(s).Known() {
					used[Msg(s)] = true
				}
			case *ast.CallExpr:
				checkCall(t, fset, n, rootPkg)
			case *ast.CompositeLit:
				// An Error built field by field would carry text without a key.
				sel, ok := n.Type.(*ast.SelectorExpr)
				isErr := ok && sel.Sel.Name == "Error" && isIdent(sel.X, "zhiyuan")
				if id, ok := n.Type.(*ast.Ident); ok && rootPkg && id.Name == "Error" && path != "errors.go" {
					isErr = true
				}
				if isErr {
					t.Errorf("%s: a zhiyuan.Error literal; use Fail, FieldFail or Problems", fset.Position(n.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("read only %d Go files; is the test running in the module root?", files)
	}
	var unused []string
	for k := range catalogue {
		if !used[k] {
			unused = append(unused, string(k))
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		t.Errorf("catalogue entry %q is used nowhere in the code", k)
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func checkCall(t *testing.T, fset *token.FileSet, call *ast.CallExpr, rootPkg bool) {
	t.Helper()
	var name string
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		name = fn.Name
		if rootPkg && (name == "Errorf" || name == "FieldError") {
			t.Errorf("%s: %s writes its sentence at the call; use Fail/FieldFail with a catalogue key", fset.Position(call.Pos()), name)
		}
	case *ast.SelectorExpr:
		name = fn.Sel.Name
		if x, ok := fn.X.(*ast.Ident); ok && x.Name == "zhiyuan" && (name == "Errorf" || name == "FieldError") {
			t.Errorf("%s: zhiyuan.%s writes its sentence at the call; use Fail/FieldFail with a catalogue key", fset.Position(call.Pos()), name)
		}
	default:
		return
	}
	ka, ok := keyTakers[name]
	if !ok || len(call.Args) <= ka.index {
		return
	}
	key, ok := stringLit(call.Args[ka.index])
	if !ok {
		return // a key passed on from a variable is checked where it is written
	}
	pos := fset.Position(call.Pos())
	if !Msg(key).Known() {
		if keyShape.MatchString(key) || han.MatchString(key) || name != "Add" {
			t.Errorf("%s: %s(%q): no such key in the catalogue", pos, name, key)
		}
		return
	}
	rest := call.Args[ka.index+1:]
	if call.Ellipsis.IsValid() {
		t.Errorf("%s: %s(%q, ...) passes its parameters on from a slice; name them at the call", pos, name, key)
		return
	}
	if len(rest)%2 != 0 {
		t.Errorf("%s: %s(%q): parameters come as name, value pairs", pos, name, key)
		return
	}
	got := slices.Clone(ka.supplies)
	for i := 0; i < len(rest); i += 2 {
		p, ok := stringLit(rest[i])
		if !ok {
			t.Errorf("%s: %s(%q): parameter name %d is not a string literal", pos, name, key, i/2+1)
			return
		}
		got = append(got, p)
	}
	sort.Strings(got)
	if want := templateParams(catalogue[Msg(key)]); !slices.Equal(got, want) {
		t.Errorf("%s: %s(%q) passes parameters %v; its template %q names %v", pos, name, key, got, catalogue[Msg(key)], want)
	}
}

// TestRender checks the filling of templates, the fallback for text that is not a key,
// and that an error carries its key and parameters along with the rendered text.
func TestRender(t *testing.T) {
	t.Parallel()
	if got := Text("activity.title_long", "max", 40); got != "活动名称不能超过40个字" {
		t.Errorf("Text = %q", got)
	}
	if got := Msg("不是键").Render(nil); got != "不是键" {
		t.Errorf("unknown key renders as %q, want itself", got)
	}
	if got := Msg("activity.title_long").Render(nil); got != "活动名称不能超过{max}个字" {
		t.Errorf("missing parameter renders as %q, want the placeholder kept", got)
	}
	e := FieldFail(EConflict, "session_id", "signup.session_full")
	if e.Code != EConflict || e.Reason != "signup.session_full" || e.Problems["session_id"].Reason != "signup.session_full" || e.Fields["session_id"] != "该场次名额已满" {
		t.Errorf("FieldFail = %+v", e)
	}
	p := Problems{}
	p.Add("title", "activity.title_long", "max", 40)
	p.Add("title", "activity.title_required")
	p.Add("address", "activity.address_required")
	err := p.Err().(*Error)
	if err.Reason != MsgCheckFields || err.Message != "提交的信息有误，请检查标出的项目" {
		t.Errorf("two problems: reason %q message %q", err.Reason, err.Message)
	}
	if err.Problems["title"].Reason != "activity.title_long" || err.Problems["title"].Params["max"] != 40 || err.Fields["title"] != "活动名称不能超过40个字" {
		t.Errorf("first problem of a field should stay: %+v", err.Problems["title"])
	}
	if ErrorReason(nil) != "" || ErrorReason(errString("x")) != MsgInternal || ErrorReason(err) != MsgCheckFields {
		t.Error("ErrorReason")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// TestCatalogueWording is about wording: a sentence of each area, rendered with its
// parameters, reads as a person should see it. Other tests assert keys.
func TestCatalogueWording(t *testing.T) {
	t.Parallel()
	cases := []struct {
		got, want string
	}{
		{ErrorMessage(FieldFail(EInvalid, ReasonAge, "signup.too_young", "min_age", 18, "age", 16)), "本活动要求年满18周岁（活动当天您16周岁）"},
		{Text("signup.cancel_status", "status", SignupRejected.Chinese()), "该报名已未录用，不能取消"},
		{Text("activity.title_long", "max", MaxTitleRunes), "活动名称不能超过" + strconv.Itoa(MaxTitleRunes) + "个字"},
		{Text("hours.over_session", "recorded", "2.5", "adding", "1", "session_hours", "3"), "该志愿者本场次已记录2.5小时，再加1小时将超过场次时长3小时"},
		{Text("card.photo_too_wide", "width", 9000, "height", 100, "max", 4000), "照片像素过大（9000×100），宽和高都不能超过4000像素"},
		{Text("reset.code_wrong", "left", 4), "验证码不正确，还可尝试4次"},
		{Text("org.decided", "status", OrgApproved.Chinese()), "该组织已审核（已通过），不能重复审核"},
		{Text("notice.decided_some_failed", "count", 3, "failed", 1, "reason", Text("signup.admit_full")), "已处理 3 条，1 条未处理（该场次名额已满，不能再录用）"},
		{ErrorMessage(errString("disk full")), "服务器内部错误，请稍后再试"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got  %q\nwant %q", c.got, c.want)
		}
	}
	// The offer notice picks its key at run time; both bodies get every parameter.
	for _, kind := range []HourKind{HourAttended, HourMakeup} {
		o := &HourOffer{Kind: kind, Minutes: 150, ExpiresAt: time.Date(2026, 12, 9, 4, 0, 0, 0, time.UTC)}
		if n := HourOfferNotice(o, "社区长者探访", "天河区青年志愿者协会"); strings.Contains(n.Body, "{") ||
			!strings.HasPrefix(n.Body, "天河区青年志愿者协会为您记录了2.5小时") || !strings.Contains(n.Body, "请在2026-12-09 12:00前处理") {
			t.Errorf("offer notice (%s): %q", kind, n.Body)
		}
	}
	// A limit in a sentence is the limit in limits.go: a title one character too long is
	// refused with the number the form allows.
	a := &Activity{Title: strings.Repeat("长", MaxTitleRunes+1)}
	if got := ErrorFields(a.Validate(time.Now()))["title"]; got != Text("activity.title_long", "max", MaxTitleRunes) {
		t.Errorf("title too long: %q", got)
	}
}

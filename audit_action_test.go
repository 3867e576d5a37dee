package zhiyuan

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAuditActionLabels reads every action internal/app writes to the audit log (the third
// argument of App.audit and App.auditEntry: a literal, a variable assigned literals in the
// same function, or a literal prefix joined to a status) and requires a Chinese label for
// each, so the audit page never shows a code such as hours.confirm.
func TestAuditActionLabels(t *testing.T) {
	t.Parallel()
	// The statuses joined to a prefix, from their one definition each.
	suffixes := map[string][]string{
		"signup.":        {string(DecideAdmit), string(DecideReject), string(DecideNoShow)},
		"activity.":      {string(ActivityClosed), string(ActivityCancelled)},
		"hours.dispute.": {string(DisputeResolved), string(DisputeRejected)},
		"card.batch.":    {string(BatchPrinted), string(BatchIssued)},
		"need.":          {string(NeedApprove), string(NeedReject)},
		"nomination.":    {string(ReviewApprove), string(ReviewReturn), string(ReviewReject)},
	}
	files, err := filepath.Glob("internal/app/*.go")
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d files in internal/app (%v); is the test running in the module root?", len(files), err)
	}
	fset := token.NewFileSet()
	written := map[string]bool{}
	calls := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			// Literals assigned to each variable in this function.
			assigned := map[string][]string{}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
					for i, l := range as.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							if s, ok := lit(as.Rhs[i]); ok {
								assigned[id.Name] = append(assigned[id.Name], s)
							}
						}
					}
				}
				return true
			})
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) < 3 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "audit" && sel.Sel.Name != "auditEntry") {
					return true
				}
				calls++
				pos := fset.Position(call.Pos())
				if s, ok := lit(call.Args[3]); !ok {
					t.Errorf("%s: target type is not a literal", pos)
				} else if _, ok := AuditTargetChinese(s); !ok {
					t.Errorf("%s: target type %q has no Chinese label in auditTargets", pos, s)
				}
				switch arg := call.Args[2].(type) {
				case *ast.BasicLit:
					s, _ := lit(arg)
					written[s] = true
				case *ast.Ident:
					if len(assigned[arg.Name]) == 0 {
						t.Errorf("%s: action variable %s is never assigned a literal", pos, arg.Name)
					}
					for _, s := range assigned[arg.Name] {
						written[s] = true
					}
				case *ast.BinaryExpr:
					prefix, ok := lit(arg.X)
					if !ok || suffixes[prefix] == nil {
						t.Errorf("%s: action built from %q and a value this test does not know; add its values to suffixes", pos, prefix)
					}
					for _, s := range suffixes[prefix] {
						written[prefix+s] = true
					}
				default:
					t.Errorf("%s: action is not a literal, a variable or a prefix joined to a status", pos)
				}
				return true
			})
		}
	}
	if calls < 30 || len(written) < 30 {
		t.Fatalf("found %d audit calls writing %d actions; the parse missed them", calls, len(written))
	}
	for a := range written {
		label, ok := AuditActionChinese(a)
		if !ok {
			t.Errorf("audit action %q has no Chinese label in auditActions", a)
		}
		if strings.ContainsAny(label, "abcdefghijklmnopqrstuvwxyz._") {
			t.Errorf("label of %q is %q: not Chinese", a, label)
		}
	}
	for _, a := range AuditActions() {
		if !written[a.Code] {
			t.Errorf("auditActions labels %q, which the code never writes", a.Code)
		}
	}
}

func lit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

package training

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// actionTypes maps the prefix of an audit action built from a workflow
// step ("class." + string(st.Action)) to the step's type in this package:
// every constant of that type needs a label.
var actionTypes = map[string]string{
	"class.": "ClassAction", "teacher.": "TeacherAction", "fee.": "FeeAction", "exam.": "AppAction",
	"institution.": "InstitutionAction", "textbook.": "TextbookAction", "claim.": "ClaimAction",
	"complaint.": "ComplaintAction", "session.": "SessionAction", "rectification.": "OrderAction", "sanction.": "SanctionKind",
}

var actionName = regexp.MustCompile(`^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$`)

// TestEveryAuditActionHasALabel: every audit action the code can write —
// a literal given as an auditRecord's Action (or assigned to a variable
// named action), or a prefix plus a workflow step — has a Chinese label,
// so no history page shows class.create raw.
func TestEveryAuditActionHasALabel(t *testing.T) {
	fset := token.NewFileSet()
	consts := map[string][]string{} // type → values, from this package
	parse := func(dir string, each func(*ast.File)) {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(fset, f, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			each(file)
		}
	}
	parse(".", func(f *ast.File) {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				id, ok := vs.Type.(*ast.Ident)
				if !ok {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						consts[id.Name] = append(consts[id.Name], s)
					}
				}
			}
		}
	})
	used := map[string]string{} // action → where
	var dynamic []string
	check := func(e ast.Expr) {
		switch x := e.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(x.Value); err == nil && actionName.MatchString(s) {
				used[s] = fset.Position(x.Pos()).String()
			}
		case *ast.BinaryExpr:
			if lit, ok := x.X.(*ast.BasicLit); ok && x.Op == token.ADD {
				prefix, _ := strconv.Unquote(lit.Value)
				if !strings.HasSuffix(prefix, ".") {
					// Not an audit action ("domain." + step) but a page's
					// step-form key (web.StepForm{Action: "outcome-" + …}).
					return
				}
				typ, ok := actionTypes[prefix]
				if !ok {
					t.Errorf("%s: audit action %q + …: add its step type to actionTypes", fset.Position(x.Pos()), prefix)
					return
				}
				if len(consts[typ]) == 0 {
					t.Errorf("no constants of %s", typ)
				}
				for _, v := range consts[typ] {
					used[prefix+v] = fset.Position(x.Pos()).String() + " (" + typ + ")"
				}
				dynamic = append(dynamic, prefix)
			}
		}
	}
	for _, dir := range []string{"../repository", "../jobs", "../demo", "../server"} {
		parse(dir, func(f *ast.File) {
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.KeyValueExpr:
					if k, ok := x.Key.(*ast.Ident); ok && k.Name == "Action" {
						check(x.Value)
					}
				case *ast.AssignStmt:
					for i, l := range x.Lhs {
						if id, ok := l.(*ast.Ident); ok && strings.EqualFold(id.Name, "action") && i < len(x.Rhs) {
							check(x.Rhs[i])
						}
					}
					// status, kind, action := "rejected", "change_rejected", "class.change_reject"
					if len(x.Lhs) == len(x.Rhs) {
						for i, l := range x.Lhs {
							if id, ok := l.(*ast.Ident); ok && id.Name == "action" {
								check(x.Rhs[i])
							}
						}
					}
				}
				return true
			})
		})
	}
	if len(used) < 50 || len(dynamic) < 5 {
		t.Fatalf("found only %d actions (%d built from steps): is the scan still finding them?", len(used), len(dynamic))
	}
	for a, where := range used {
		if AuditActionLabel(a) == a {
			t.Errorf("audit action %s (%s) has no Chinese label in auditLabels (training/audit.go)", a, where)
		}
	}
}

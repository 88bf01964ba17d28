package training

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAuditLabels: every audit action the code can write has a Chinese
// label, so no history page shows class.create raw. The actions are read
// from where they are written: the Action of every auditRecord literal in
// the repository (the audit writer's only input). An Action is a string
// literal; a variable of the function, each of whose assigned values is
// resolved in turn; or "domain." + string(step), where the step is a
// constant of this package, a variable assigned such constants, or a
// parameter (or a parameter's field) of a step type, every constant of
// which is then an action the code can write.
func TestAuditLabels(t *testing.T) {
	fset := token.NewFileSet()
	parse := func(dir string) []*ast.File {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		var out []*ast.File
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
			out = append(out, file)
		}
		return out
	}
	training, repository := parse("."), parse("../repository")

	// This package's typed string constants (name → type, type → values)
	// and the struct fields of both packages (struct → field → type).
	constType := map[string]string{}
	constValue := map[string]string{}
	values := map[string][]string{}
	fields := map[string]map[string]string{}
	typeName := func(e ast.Expr) string {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name
		case *ast.SelectorExpr:
			return x.Sel.Name
		case *ast.StarExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				return id.Name
			}
		}
		return ""
	}
	for _, files := range [][]*ast.File{training, repository} {
		for _, f := range files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, sp := range g.Specs {
					switch s := sp.(type) {
					case *ast.ValueSpec:
						if g.Tok != token.CONST || s.Type == nil {
							continue
						}
						for i, v := range s.Values {
							if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING && i < len(s.Names) {
								val, _ := strconv.Unquote(lit.Value)
								typ := typeName(s.Type)
								constType[s.Names[i].Name], constValue[s.Names[i].Name] = typ, val
								values[typ] = append(values[typ], val)
							}
						}
					case *ast.TypeSpec:
						st, ok := s.Type.(*ast.StructType)
						if !ok {
							continue
						}
						m := map[string]string{}
						for _, fl := range st.Fields.List {
							for _, n := range fl.Names {
								m[n.Name] = typeName(fl.Type)
							}
						}
						fields[s.Name.Name] = m
					}
				}
			}
		}
	}

	used := map[string]string{} // action → where
	steps := 0
	for _, f := range repository {
		ast.Inspect(f, func(n ast.Node) bool {
			var body *ast.BlockStmt
			var params *ast.FieldList
			switch fn := n.(type) {
			case *ast.FuncDecl:
				body, params = fn.Body, fn.Type.Params
			default:
				return true
			}
			if body == nil {
				return false
			}
			// What the function assigns to each of its variables, and the
			// types of its parameters (closures included: they see both).
			assigned := map[string][]ast.Expr{}
			paramType := map[string]string{}
			for _, p := range params.List {
				for _, nm := range p.Names {
					paramType[nm.Name] = typeName(p.Type)
				}
			}
			ast.Inspect(body, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.AssignStmt:
					if len(x.Lhs) == len(x.Rhs) {
						for i, l := range x.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								assigned[id.Name] = append(assigned[id.Name], x.Rhs[i])
							}
						}
					}
				case *ast.FuncLit:
					for _, p := range x.Type.Params.List {
						for _, nm := range p.Names {
							paramType[nm.Name] = typeName(p.Type)
						}
					}
				}
				return true
			})
			// stepValues: the values a step expression (inside string(…))
			// can take.
			var stepValues func(e ast.Expr, depth int) ([]string, bool)
			stepValues = func(e ast.Expr, depth int) ([]string, bool) {
				if depth > 5 {
					return nil, false
				}
				switch x := e.(type) {
				case *ast.SelectorExpr:
					if pkg, ok := x.X.(*ast.Ident); ok {
						if pkg.Name == "training" {
							v, ok := constValue[x.Sel.Name]
							return []string{v}, ok
						}
						if typ, ok := paramType[pkg.Name]; ok {
							if ft := fields[typ][x.Sel.Name]; len(values[ft]) > 0 {
								return values[ft], true
							}
						}
					}
				case *ast.Ident:
					if rhs := assigned[x.Name]; len(rhs) > 0 {
						var out []string
						for _, r := range rhs {
							vs, ok := stepValues(r, depth+1)
							if !ok {
								return nil, false
							}
							out = append(out, vs...)
						}
						return out, true
					}
					if typ, ok := paramType[x.Name]; ok && len(values[typ]) > 0 {
						return values[typ], true
					}
				}
				return nil, false
			}
			var actions func(e ast.Expr, depth int) ([]string, bool)
			actions = func(e ast.Expr, depth int) ([]string, bool) {
				if depth > 5 {
					return nil, false
				}
				switch x := e.(type) {
				case *ast.BasicLit:
					s, err := strconv.Unquote(x.Value)
					return []string{s}, err == nil
				case *ast.Ident:
					rhs := assigned[x.Name]
					if len(rhs) == 0 {
						return nil, false
					}
					var out []string
					for _, r := range rhs {
						vs, ok := actions(r, depth+1)
						if !ok {
							return nil, false
						}
						out = append(out, vs...)
					}
					return out, true
				case *ast.BinaryExpr:
					lit, ok := x.X.(*ast.BasicLit)
					call, ok2 := x.Y.(*ast.CallExpr)
					if !ok || !ok2 || x.Op != token.ADD || len(call.Args) != 1 {
						return nil, false
					}
					if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "string" {
						return nil, false
					}
					prefix, _ := strconv.Unquote(lit.Value)
					vs, ok := stepValues(call.Args[0], 0)
					if !ok {
						return nil, false
					}
					steps++
					var out []string
					for _, v := range vs {
						out = append(out, prefix+v)
					}
					return out, true
				}
				return nil, false
			}
			ast.Inspect(body, func(n ast.Node) bool {
				cl, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				if id, ok := cl.Type.(*ast.Ident); !ok || id.Name != "auditRecord" {
					return true
				}
				for _, el := range cl.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); !ok || k.Name != "Action" {
						continue
					}
					vs, ok := actions(kv.Value, 0)
					if !ok {
						t.Errorf("%s: cannot tell which actions this audit record writes: give its Action as a literal, a variable assigned literals, or \"domain.\" + string(step)",
							fset.Position(kv.Value.Pos()))
						continue
					}
					for _, v := range vs {
						used[v] = fset.Position(kv.Value.Pos()).String()
					}
				}
				return true
			})
			return false
		})
	}
	if len(used) < 50 || steps < 5 {
		t.Fatalf("found only %d actions (%d built from steps): is the scan still finding them?", len(used), steps)
	}
	for a, where := range used {
		if AuditActionLabel(a) == a {
			t.Errorf("audit action %s (%s) has no Chinese label in auditLabels (training/audit.go)", a, where)
		}
	}
}

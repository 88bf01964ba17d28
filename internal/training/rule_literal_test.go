package training

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// articleCited matches a citation of the regulation's articles (第七条,
// 第十六条, 第五条（一）), not a row number (第3行).
var articleCited = regexp.MustCompile(`第[一二三四五六七八九十百]+条`)

// notRefusals are the top-level declarations (file: name) whose texts cite
// an article without refusing anything: labels, headings and notices a user
// reads after a step that succeeded. Each is a reason to keep short.
var notRefusals = map[string]string{
	"audit.go: auditLabels":              "the audit trail's label of INST-4's flag",
	"backstop.go: NoticeFeePaid":         "said after a fee was recorded",
	"backstop.go: NoticeFeesImported":    "said after fees were imported",
	"backstop.go: InactiveTodoLabel":     "a heading of the bureau's to-do list",
	"calendar.go: UncoveredYearsWarning": "a reminder on the filing form",
	"calendar.go: CalendarMissingNotice": "a reminder to the bureau",
	"exam_affairs.go: ExamAffairsNotes":  "the export's 说明 sheet",
	"roster_row.go: RosterColumns":       "the roster template's hint for a column",
}

// TestArticlesOnlyInNewRule fails when a string literal citing an article
// appears in this package's non-test Go code anywhere but as an argument of
// a NewRule call: a message built from a clause prefix ("第五条（一）：" +
// …) escapes the rule book (testdata/rulebook.txt), so the bureau could not
// read it there. Comments may cite articles, and so may the labels and
// notices listed in notRefusals.
func TestArticlesOnlyInNewRule(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Go files")
	}
	fset := token.NewFileSet()
	checked := 0
	used := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		inRule := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "NewRule" {
				for _, a := range call.Args {
					if lit, ok := a.(*ast.BasicLit); ok {
						inRule[lit] = true
					}
				}
			}
			return true
		})
		for _, u := range units(f) {
			ast.Inspect(u.node, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
				}
				if !articleCited.MatchString(s) {
					return true
				}
				checked++
				key := name + ": " + u.name
				if _, ok := notRefusals[key]; ok {
					used[key] = true
					return true
				}
				if !inRule[lit] {
					t.Errorf("%s (%s): %q cites an article outside a NewRule: declare the message as a rule", fset.Position(lit.Pos()), key, s)
				}
				return true
			})
		}
	}
	if checked == 0 {
		t.Fatal("no article cited in any NewRule: the test reads nothing")
	}
	for key := range notRefusals {
		if !used[key] {
			t.Errorf("notRefusals lists %s, which cites no article (any more): remove it", key)
		}
	}
}

// unit is a top-level function, or one spec of a const or var declaration,
// with its (first) name.
type unit struct {
	name string
	node ast.Node
}

func units(f *ast.File) []unit {
	var out []unit
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			out = append(out, unit{d.Name.Name, d})
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				if v, ok := spec.(*ast.ValueSpec); ok && len(v.Names) > 0 {
					out = append(out, unit{v.Names[0].Name, v})
				}
			}
		}
	}
	return out
}

package server_test

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

// TestNoRuleMessagesOutsideTraining fails when a string literal citing an
// article appears in the non-test Go code of the repository or server
// packages: rule messages are declared once, in internal/training (NewRule),
// and reach the user through a Decide function or a rule's Msg, so the rule
// book (internal/training/testdata/rulebook.txt) lists them all. Comments
// may cite articles; templates may cite them in headings and labels.
func TestNoRuleMessagesOutsideTraining(t *testing.T) {
	for _, dir := range []string{".", "../repository"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		fset := token.NewFileSet()
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					s = lit.Value
				}
				if articleCited.MatchString(s) {
					t.Errorf("%s: rule message %q: declare it in internal/training with NewRule", fset.Position(lit.Pos()), s)
				}
				return true
			})
		}
	}
}

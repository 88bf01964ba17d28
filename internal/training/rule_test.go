package training

import (
	"strings"
	"testing"
)

func TestRuleMsg(t *testing.T) {
	r := &Rule{ID: "SIZE-1", Article: "第七条", Text: "%s每班不超过%d人"}
	if got, want := r.Msg("职业资格类", 50), "第七条：职业资格类每班不超过50人"; got != want {
		t.Fatalf("Msg = %q, want %q", got, want)
	}
	plain := &Rule{Text: "请填写理由"}
	if got := plain.Msg(); got != "请填写理由" {
		t.Fatalf("Msg without article = %q", got)
	}
}

func TestArticleOrder(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"第三条", 3}, {"第十条", 10}, {"第十一条", 11}, {"第十六条", 16},
		{"第三条、第十六条", 3}, {"", 0}, {"附则", 0}, {"第二十条", 20},
	} {
		if got := articleOrder(c.in); got != c.want {
			t.Errorf("articleOrder(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestRefusalsErr(t *testing.T) {
	var rs Refusals
	if !rs.OK() || rs.Err() != nil {
		t.Fatal("empty refusals must be OK with a nil error")
	}
	a := &Rule{Article: "第七条", Text: "人数超过上限"}
	b := &Rule{Article: "第六条", Text: "不在许可范围内"}
	rs.Add("size", a)
	rs.Add("size", b) // the first message per field is kept
	rs.General(b)
	if rs.OK() {
		t.Fatal("refusals with entries must not be OK")
	}
	v, ok := AsValidation(rs.Err())
	if !ok {
		t.Fatalf("Err is not a validation error: %v", rs.Err())
	}
	if v.Fields["size"] != "第七条：人数超过上限" {
		t.Fatalf("field message = %q", v.Fields["size"])
	}
	if len(v.General) != 1 || v.General[0] != "第六条：不在许可范围内" {
		t.Fatalf("general = %q", v.General)
	}
	if got := strings.Join(rs.Messages(), "|"); got != "第七条：人数超过上限|第六条：不在许可范围内|第六条：不在许可范围内" {
		t.Fatalf("Messages = %q", got)
	}
}

// TestRulebookSorted checks that registered rules come back in the
// regulation's order.
func TestRulebookSorted(t *testing.T) {
	book := Rulebook()
	for i := 1; i < len(book); i++ {
		if articleOrder(book[i-1].Article) > articleOrder(book[i].Article) {
			t.Fatalf("rule book out of order at %d: %q before %q", i, book[i-1].Article, book[i].Article)
		}
	}
}

package training

import (
	"strings"
	"testing"
)

func TestResultListRules(t *testing.T) {
	if !DecideResultExport(0).OK() || !DecideResultExport(MaxResultExport).OK() {
		t.Fatal("an export within the limit refused")
	}
	rs := DecideResultExport(MaxResultExport + 1)
	if len(rs) != 1 || !strings.Contains(rs[0].Message, "共100001条") || !strings.Contains(rs[0].Message, "缩小范围") {
		t.Fatalf("over the limit: %v", rs.Messages())
	}
	sixty, absent := 60, PartScore{Absent: true}
	r := ResultListRow{Parts: Parts{Practical: true}, Theory: PartScore{Score: &sixty}, Practical: absent}
	if r.TheoryText() != "—" || r.PracticalText() != "缺考" {
		t.Fatalf("a retake's parts: %q %q", r.TheoryText(), r.PracticalText())
	}
	r.Parts.Theory = true
	if r.TheoryText() != "60" {
		t.Fatalf("theory %q", r.TheoryText())
	}
}

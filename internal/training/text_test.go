package training_test

import (
	"strings"
	"testing"

	"tianmu/internal/training"
)

func TestTooLong(t *testing.T) {
	if msg := training.TooLong("classes.venue", strings.Repeat("场", 200)); msg != "" {
		t.Fatalf("200 characters refused: %s", msg)
	}
	if msg := training.TooLong("classes.venue", strings.Repeat("场", 201)); msg != "培训场地不能超过200个字（现为201个字）" {
		t.Fatalf("201 characters: %q", msg)
	}
	err := training.CheckPlanText(training.Plan{Venue: strings.Repeat("x", 100_000), Content: strings.Repeat("纲", 5001)})
	v, ok := training.AsValidation(err)
	if !ok || v.Fields["venue"] == "" || v.Fields["content"] == "" {
		t.Fatalf("a 100 kB venue and a 5001-character syllabus: %v", err)
	}
	if err := training.CheckPlanText(training.Plan{Venue: "厂房", Content: "大纲"}); err != nil {
		t.Fatal(err)
	}
	for col, l := range training.TextLimits {
		if l.Max <= 0 || l.Label == "" || !strings.Contains(col, ".") {
			t.Errorf("%s: %+v", col, l)
		}
		if got := training.LenConstraintColumn(strings.ReplaceAll(col, ".", "_") + "_len"); got != col {
			t.Errorf("%s: the constraint name leads to %q", col, got)
		}
	}
}

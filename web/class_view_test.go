package web

import (
	"testing"
	"time"

	"tianmu/internal/training"
)

func TestPlanDiffPairsChangedLines(t *testing.T) {
	d := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	before := training.Plan{StartDate: d("2026-03-16"), EndDate: d("2026-03-20"), Venue: "二楼", PlannedSize: 40}
	after := before
	after.Venue = "三楼"
	got := PlanDiff(before, after, Names{})
	for i, l := range got {
		if l.Op == "removed" {
			if l.Text != "培训场地：二楼" || got[i+1] != (DiffLine{"培训场地：三楼", "added"}) {
				t.Fatalf("diff %+v", got)
			}
			return
		}
	}
	t.Fatalf("no removed line: %+v", got)
}

package web

import (
	"context"
	"strings"
	"testing"

	"tianmu/internal/training"
)

// TestSubsidyOverviewListsTheLargest: a year with more institutions than
// the table lists shows the largest twenty, says how many there are and
// points to the export; the chart keeps its fifteen.
func TestSubsidyOverviewListsTheLargest(t *testing.T) {
	o := training.SubsidyOverview{Year: 2026}
	for i := range 25 {
		o.Institutions = append(o.Institutions, training.SubsidyTotal{Key: int64(i + 1), Label: "机构" + Itoa(i+1), Lines: 1, Amount: int64(1000 - i)})
	}
	var b strings.Builder
	if err := SubsidyOverviewView(SubsidyOverviewPage{O: o, Years: []int{2026}}).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, "<td>机构20</td>") || strings.Contains(page, "<td>机构21</td>") {
		t.Fatal("not the largest twenty")
	}
	if !strings.Contains(page, "共25家，表中为补贴金额最多的20家") || !strings.Contains(page, `href="/subsidy-overview.xlsx?year=2026"`) {
		t.Fatal("no count or export")
	}
}

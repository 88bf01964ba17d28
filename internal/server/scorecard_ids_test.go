package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

// TestScorecardIDsAreUnique: an institution's scorecard with two evaluated
// years shows the outcome form once per year; its element ids are unique on
// the page and each label points at its own year's input.
func TestScorecardIDsAreUnique(t *testing.T) {
	e := newEnv(t)
	e.setClock(time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai))
	bureau := e.actorOf("bureau")
	for _, year := range []int{2024, 2025} {
		_, err := e.store.SaveEvaluationSettings(e.ctx(), bureau, web.EvalSettingsFormOf(training.DefaultEvalSettings(year)).Input)
		e.must(err)
		e.must(e.store.StartEvaluation(e.ctx(), bureau, year))
		_, err = e.store.RunEvaluation(e.ctx(), year)
		e.must(err)
	}
	inst := e.institutionID("杭州市临安区天目职业技能培训学校")
	r := e.login("bureau").get("/institutions/" + itoa(inst) + "/scorecard")
	if r.status != http.StatusOK {
		t.Fatalf("scorecard: %d", r.status)
	}
	// The demo evaluates a year of its own: these two come on top.
	if n := strings.Count(r.body, `data-testid="outcome-form"`); n < 2 {
		t.Fatalf("%d outcome forms, want one per evaluated year (2 and the demo's)", n)
	}
	doc, err := html.Parse(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	var labels []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch {
				case a.Key == "id":
					ids[a.Val]++
				case a.Key == "for" && n.Data == "label":
					labels = append(labels, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q appears %d times on the scorecard", id, n)
		}
	}
	for _, l := range labels {
		if ids[l] != 1 {
			t.Errorf("label for %q points at %d elements", l, ids[l])
		}
	}
	for _, want := range []string{"f-2024-outcome", "f-2025-outcome", "f-2024-note", "f-2025-note"} {
		if ids[want] != 1 {
			t.Errorf("no input %q: each year's form has its own", want)
		}
	}
}

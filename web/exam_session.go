package web

import (
	"strconv"

	"tianmu/internal/training"
)

// scoreCellView is one part of one candidate on the score page.
type scoreCellView struct {
	Name      string // the input's name, e.g. theory_12
	Label     string // for screen readers: the candidate's name and the part
	PartLabel string
	Value     string
	Absent    bool
	Required  bool
	Shown     string // the score as text when not editable
}

func scoreCellOf(p ScoresPage, e training.ExamEntry, part string) scoreCellView {
	c := scoreCellView{Name: part + "_" + strconv.FormatInt(e.ID, 10)}
	if part == "theory" {
		c.PartLabel, c.Required, c.Value, c.Absent = "应知成绩", e.Parts.Theory, p.Form.Theory[e.ID], p.Form.TheoryAbsent[e.ID]
		c.Shown = e.TheoryText()
	} else {
		c.PartLabel, c.Required, c.Value, c.Absent = "应会成绩", e.Parts.Practical, p.Form.Practical[e.ID], p.Form.PracticalAbsent[e.ID]
		c.Shown = e.PracticalText()
	}
	c.Label = e.Candidate() + " " + c.PartLabel
	return c
}

package web

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"tianmu/internal/training"
)

// Names resolves teacher and textbook ids to names for plan views.
type Names struct {
	Teachers  map[int64]string
	Textbooks map[int64]string
}

// NamesOf builds the lookup from the filing choices.
func NamesOf(c FilingChoices) Names {
	n := Names{Teachers: map[int64]string{}, Textbooks: map[int64]string{}}
	for _, t := range c.Teachers {
		n.Teachers[t.ID] = t.Name
	}
	for _, b := range c.Textbooks {
		n.Textbooks[b.ID] = "《" + b.Title + "》" + b.Edition
	}
	return n
}

func (n Names) teacher(id int64) string {
	if s, ok := n.Teachers[id]; ok {
		return s
	}
	if id == 0 {
		return "（未指定）"
	}
	return "教师#" + strconv.FormatInt(id, 10)
}

func (n Names) textbook(id int64) string {
	if s, ok := n.Textbooks[id]; ok {
		return s
	}
	return "教材#" + strconv.FormatInt(id, 10) + "（已不在可用目录中）"
}

// PlanLines renders a plan as comparable lines, for versions and the
// before/after view of a change request.
func PlanLines(p training.Plan, n Names) []string {
	lines := []string{
		"开班日期：" + Date(p.StartDate), "结业日期：" + Date(p.EndDate),
		"计划人数：" + strconv.Itoa(p.PlannedSize), "培训场地：" + p.Venue,
		fmt.Sprintf("计划学时：理论%d、实操%d", p.TheoryHours, p.PracticalHours),
		"培训内容：" + p.Content,
	}
	for _, t := range p.Teachers {
		lines = append(lines, "师资："+n.teacher(t.TeacherID)+"（"+t.Role.Label()+"）")
	}
	for _, s := range p.Sessions {
		lines = append(lines, fmt.Sprintf("课程：%s %s–%s %s %d学时 %s", Date(s.Date), s.Start, s.End, s.Kind.Label(), s.Hours, n.teacher(s.TeacherID)))
	}
	for _, id := range p.TextbookIDs {
		lines = append(lines, "教材："+n.textbook(id))
	}
	return lines
}

// DiffLine is one line of a before/after comparison.
type DiffLine struct {
	Text string
	Op   string // "same", "removed", "added"
}

// PlanDiff compares two plans line by line: what the change removes and
// what it adds, with the unchanged lines for context. An added line is
// shown right after the removed line of the same kind (开班日期, 课程 …).
func PlanDiff(before, after training.Plan, n Names) []DiffLine {
	a, b := PlanLines(before, n), PlanLines(after, n)
	inB := map[string]int{}
	for _, l := range b {
		inB[l]++
	}
	inA := map[string]int{}
	for _, l := range a {
		inA[l]++
	}
	var added []string
	for _, l := range b {
		if inA[l] > 0 {
			inA[l]--
			continue
		}
		added = append(added, l)
	}
	used := make([]bool, len(added))
	var out []DiffLine
	for _, l := range a {
		if inB[l] > 0 {
			inB[l]--
			out = append(out, DiffLine{l, "same"})
			continue
		}
		out = append(out, DiffLine{l, "removed"})
		for i, x := range added {
			if !used[i] && kindOf(x) == kindOf(l) {
				used[i] = true
				out = append(out, DiffLine{x, "added"})
				break
			}
		}
	}
	for i, x := range added {
		if !used[i] {
			out = append(out, DiffLine{x, "added"})
		}
	}
	return out
}

func kindOf(line string) string {
	k, _, _ := strings.Cut(line, "：")
	return k
}

func sortedValues(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

package training

import (
	"strconv"
	"strings"
)

// Scores imported from the centre's spreadsheet (EXAM-3, EXAM-4): the same
// checks as the score page, for every row of the file at once; any problem
// saves nothing, and the report names each row.

// The score file rules.
var (
	RuleScoreFileHeader     = NewRule("EXAM-4", "第十条", "成绩表须有「考号」列和「应知」「应会」列（第一行为表头）")
	RuleScoreFileUnknown    = NewRule("EXAM-3", "第十条", "考号%s不是本场次的考生")
	RuleScoreFileName       = NewRule("EXAM-3", "第十条", "考号%s的考生是%s，与表中姓名「%s」不符")
	RuleScoreFileTwice      = NewRule("EXAM-3", "第十条", "考号%s在文件中重复（第%d行已有）")
	RuleScoreFileNotSat     = NewRule("EXAM-5", "第十条", "%s是补考前已合格的科目，成绩保留，请留空")
	RuleScoreFileNotChecked = RuleIDNotChecked
	RuleScoreFileEmpty      = NewRule("EXAM-4", "第十条", "成绩表中没有考生的成绩")
)

// AbsentText is how the sheet marks a part the candidate missed.
const AbsentText = "缺考"

// ScoreHeader is the column of each field in a score file (-1: absent).
type ScoreHeader struct{ CandidateNo, Name, Theory, Practical int }

// ParseScoreHeader finds the columns by their Chinese names.
func ParseScoreHeader(cells []string) (ScoreHeader, string) {
	h := ScoreHeader{-1, -1, -1, -1}
	for i, c := range cells {
		c = strings.TrimSpace(strings.TrimPrefix(c, "\uFEFF"))
		switch {
		case c == "考号" || c == "准考证号":
			h.CandidateNo = i
		case c == "姓名":
			h.Name = i
		case strings.HasPrefix(c, "应知") || strings.HasPrefix(c, "理论"):
			h.Theory = i
		case strings.HasPrefix(c, "应会") || strings.HasPrefix(c, "操作") || strings.HasPrefix(c, "技能"):
			h.Practical = i
		}
	}
	if h.CandidateNo < 0 || h.Theory < 0 || h.Practical < 0 {
		return h, RuleScoreFileHeader.Msg()
	}
	return h, ""
}

// ScoreFileRow is one data row of a score file as typed.
type ScoreFileRow struct {
	Line        int // the row in the sheet, 1 = header
	CandidateNo string
	Name        string
	Theory      string
	Practical   string
}

// Row reads the cells of one line under header h.
func (h ScoreHeader) Row(line int, cells []string) ScoreFileRow {
	at := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	return ScoreFileRow{Line: line, CandidateNo: at(h.CandidateNo), Name: at(h.Name), Theory: at(h.Theory), Practical: at(h.Practical)}
}

// Blank reports a row with nothing in it.
func (r ScoreFileRow) Blank() bool {
	return r.CandidateNo == "" && r.Name == "" && r.Theory == "" && r.Practical == ""
}

// ScoreFileProblem is one row of the report.
type ScoreFileProblem struct {
	Line        int
	CandidateNo string
	Name        string
	Message     string
}

// CheckScoreFile checks every row of a score file against the session's
// candidates with the score page's rules: a candidate of this session
// under the same name, once; each part sat is blank, 0–100 or 缺考; a part
// a retake does not sit stays blank; no score before the ID check. It
// returns the rows to save — the file's candidates with their new scores,
// every other candidate unchanged — or the problems, every one of them.
func CheckScoreFile(entries []ExamEntry, rows []ScoreFileRow) ([]ScoreRow, []ScoreFileProblem) {
	byNo := make(map[string]int, len(entries))
	for i, e := range entries {
		byNo[e.CandidateNo] = i
	}
	out := make([]ScoreRow, len(entries))
	for i, e := range entries {
		out[i] = ScoreRow{EntryID: e.ID, Theory: e.Theory, Practical: e.Practical}
	}
	var problems []ScoreFileProblem
	seen := map[string]int{}
	for _, r := range rows {
		bad := func(msg string) {
			problems = append(problems, ScoreFileProblem{Line: r.Line, CandidateNo: r.CandidateNo, Name: r.Name, Message: msg})
		}
		i, ok := byNo[r.CandidateNo]
		switch {
		case !ok:
			bad(RuleScoreFileUnknown.Msg(orDashText(r.CandidateNo)))
			continue
		case seen[r.CandidateNo] != 0:
			bad(RuleScoreFileTwice.Msg(r.CandidateNo, seen[r.CandidateNo]))
			continue
		case r.Name != "" && r.Name != entries[i].Name:
			bad(RuleScoreFileName.Msg(r.CandidateNo, entries[i].Name, r.Name))
			continue
		}
		seen[r.CandidateNo] = r.Line
		e := entries[i]
		th, msg1 := scoreCell(e.Parts.Theory, "应知", r.Theory)
		pr, msg2 := scoreCell(e.Parts.Practical, "应会", r.Practical)
		for _, m := range []string{msg1, msg2} {
			if m != "" {
				bad(m)
			}
		}
		if msg1 != "" || msg2 != "" {
			continue
		}
		if !e.Checked() && (th.Score != nil || pr.Score != nil) {
			bad(RuleScoreFileNotChecked.Msg())
			continue
		}
		out[i].Theory, out[i].Practical = th, pr
	}
	if len(rows) == 0 {
		problems = append(problems, ScoreFileProblem{Message: RuleScoreFileEmpty.Msg()})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return out, nil
}

// scoreCell reads one part's cell: the score page's ParseScore, with 缺考
// for the absent box; a part not sat must stay blank.
func scoreCell(required bool, part, raw string) (PartScore, string) {
	if !required {
		if raw != "" {
			return PartScore{}, RuleScoreFileNotSat.Msg(part)
		}
		return PartScore{}, ""
	}
	// Excel may give a whole number as "78.0"; accept it as 78.
	if f, err := strconv.ParseFloat(raw, 64); err == nil && f == float64(int(f)) && strings.Contains(raw, ".") {
		raw = strconv.Itoa(int(f))
	}
	ps, msg := ParseScore(strings.TrimSuffix(raw, AbsentText), raw == AbsentText)
	if msg != "" {
		return ps, part + "：" + msg
	}
	return ps, ""
}

func orDashText(s string) string {
	if s == "" {
		return "（空）"
	}
	return s
}

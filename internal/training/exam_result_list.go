package training

import "time"

// ResultListRow is one candidate's final result on the results list (the
// bureau's, the centre's and an institution's): the session, the person
// (ID number masked), the class, the parts and the outcome, and the
// certificate of a pass.
type ResultListRow struct {
	EntryID         int64
	SessionID       int64
	SessionNo       string
	ExamDate        time.Time
	Status          ExamSessionStatus // approved or published
	Retake          bool
	CandidateNo     string
	Name            string
	IDNumber        string // masked (MaskID)
	ClassNo         string
	InstitutionName string
	OccupationName  string
	Level           Level
	EvalOrgName     string
	Parts           Parts
	Theory          PartScore
	Practical       PartScore
	Outcome         Outcome
	CertificateNo   string
}

// TheoryText and PracticalText are the parts as the list shows them: the
// score, 缺考, or "—" for a part this attempt did not sit (EXAM-5).
func (r ResultListRow) TheoryText() string { return PartText(r.Parts.Theory, r.Theory, nil) }

// PracticalText: see TheoryText.
func (r ResultListRow) PracticalText() string { return PartText(r.Parts.Practical, r.Practical, nil) }

// ResultListStatuses are the session states whose results the list shows:
// approved (not yet public) and published.
var ResultListStatuses = []ExamSessionStatus{SessApproved, SessPublished}

// MaxResultExport is the most results one export holds: a workbook of
// every result of the province would pass a spreadsheet's row limit, and
// nobody reads it; a year of one institution, or the failures of a year,
// fit easily.
const MaxResultExport = 100000

// RuleResultExportSize refuses an export of more than MaxResultExport
// results, asking for a narrower filter.
var RuleResultExportSize = NewRule("", "", "符合条件的考核结果共%d条，超过单次导出上限%d条；请按考试年度、培训机构或结果缩小范围后再导出")

// DecideResultExport says whether total results may be exported at once.
func DecideResultExport(total int) Refusals {
	var rs Refusals
	if total > MaxResultExport {
		rs.General(RuleResultExportSize, total, MaxResultExport)
	}
	return rs
}

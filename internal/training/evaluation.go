package training

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The annual evaluation (考评验审, SUP-6, 第十五条): each designated
// institution is scored from its pass rate, post-training employment rate
// and trainee satisfaction, weighted by the bureau's weights for the year,
// adjusted by upheld complaints, inspection findings, overdue
// rectifications, delivery shortfalls and recovered subsidies; graded by
// the year's bands; ranked. Scores are integer hundredths of a point.

// EvalStatus is the state of a year's evaluation.
type EvalStatus string

// Evaluation statuses: draft (settings editable, run possible), running,
// computed (re-runnable), published (frozen).
const (
	EvalDraft     EvalStatus = "draft"
	EvalRunning   EvalStatus = "running"
	EvalComputed  EvalStatus = "computed"
	EvalPublished EvalStatus = "published"
)

// Label is the Chinese name.
func (s EvalStatus) Label() string {
	switch s {
	case EvalDraft:
		return "草稿"
	case EvalRunning:
		return "计算中"
	case EvalComputed:
		return "已计算（未公布）"
	case EvalPublished:
		return "已公布"
	}
	return string(s)
}

// EvalAction is a step on a year's evaluation.
type EvalAction string

// Evaluation steps: run (or run again) the computation, publish the
// results, record the decision on one institution's outcome.
const (
	EvalActRun     EvalAction = "run"
	EvalActPublish EvalAction = "publish"
	EvalActOutcome EvalAction = "outcome"
	// EvalActCompute is the background job computing a year it was
	// started for (the year is "running" then).
	EvalActCompute EvalAction = "compute"
)

// DecideEvalStep says whether action may be taken on year's evaluation in
// status st (SUP-6, 第十五条): a published year is frozen (no run; its
// outcomes may still be recorded), a running one waits for its
// computation, and only a computed year is published.
func DecideEvalStep(year int, st EvalStatus, action EvalAction) Refusals {
	var rs Refusals
	switch {
	case action == EvalActCompute:
		if st == EvalPublished {
			rs.General(RuleEvalPublished, year)
		}
	case st == EvalRunning:
		rs.General(RuleEvalRunning, year)
	case st == EvalPublished && action != EvalActOutcome:
		rs.General(RuleEvalPublished, year)
	case action == EvalActPublish && st != EvalComputed:
		rs.General(RuleEvalNotRun, year)
	}
	return rs
}

// DecideEvalOutcome checks the outcome a bureau user records for an
// institution: one of the outcomes, and a note of at most 500 characters.
func DecideEvalOutcome(o EvalOutcome, note string) Refusals {
	var rs Refusals
	if !o.Valid() {
		rs.Add("outcome", RuleEvalOutcome)
	}
	if utf8.RuneCountInString(note) > 500 {
		rs.Add("note", RuleEvalNote)
	}
	return rs
}

// CanEvalStep is DecideEvalStep for showing a control: bureau staff, and
// the year's status allows it.
func CanEvalStep(a Actor, st EvalStatus, action EvalAction) bool {
	return a.IsBureau() && DecideEvalStep(0, st, action).OK()
}

// EvalSettings are the bureau's weights, deductions and grade bands for a
// year (data, not code).
type EvalSettings struct {
	Year int
	// Weights of the three rates, in per cent of the base score; they sum
	// to 100.
	WPass, WEmployment, WSatisfaction int
	// Deductions in points: per upheld complaint, per inspection finding,
	// per overdue rectification, per class delivered short, per ¥10,000
	// of subsidies recovered.
	DComplaint, DFinding, DOverdue, DShortfall, DRecovered int
	// Lower bounds of the grades, in points: 优秀 ≥ Excellent, 合格 ≥
	// Pass, 基本合格 ≥ Basic, else 不合格.
	Excellent, Pass, Basic int
	Status                 EvalStatus
	Total, Done            int // institutions to score, scored (progress)
	RunMillis              int
	Version                int
}

// DefaultEvalSettings is a starting point the bureau edits.
func DefaultEvalSettings(year int) EvalSettings {
	return EvalSettings{Year: year, WPass: 40, WEmployment: 35, WSatisfaction: 25, DComplaint: 3, DFinding: 2, DOverdue: 5,
		DShortfall: 2, DRecovered: 5, Excellent: 85, Pass: 70, Basic: 60, Status: EvalDraft}
}

// Rules of the evaluation.
var (
	RuleEvalWeights   = NewRule("SUP-6", "第十五条", "合格率、就业率和满意度的权重为0至100的整数，合计100")
	RuleEvalDeduction = NewRule("SUP-6", "", "扣分为0至50的整数")
	RuleEvalBands     = NewRule("SUP-6", "", "等级分数线须为0至100的整数，且 优秀 > 合格 > 基本合格")
	RuleEvalYear      = NewRule("SUP-6", "第十五条", "考评年度须在2020年至明年之间")
	RuleEvalPublished = NewRule("SUP-6", "第十五条", "%d年度考评结果已公布，不能修改或重新计算")
	RuleEvalRunning   = NewRule("SUP-6", "第十五条", "%d年度考评正在计算，请稍候")
	RuleEvalNotRun    = NewRule("SUP-6", "第十五条", "%d年度考评尚未计算，不能公布")
	RuleEvalOutcome   = NewRule("SUP-6", "第十五条", "请选择处理结果（继续认定、警告、暂停、不予续认）")
	RuleEvalNote      = NewRule("SUP-6", "", "说明最多500字")
	RuleEvalBureau    = NewRule("SUP-6", "第十五条", "只有区人力社保局可以进行年度考评")
)

// EvalSettingsInput is the settings form as typed.
type EvalSettingsInput struct {
	Year                                                   string
	WPass, WEmployment, WSatisfaction                      string
	DComplaint, DFinding, DOverdue, DShortfall, DRecovered string
	Excellent, Pass, Basic                                 string
}

// DecideEvalSettings parses and checks the settings of a year; thisYear
// bounds the year; current is the year's stored status ("" when new).
func DecideEvalSettings(a Actor, in EvalSettingsInput, thisYear int, current EvalStatus) (EvalSettings, Refusals) {
	var rs Refusals
	var s EvalSettings
	if !a.IsBureau() {
		rs.General(RuleEvalBureau)
		return s, rs
	}
	num := func(field, v string, lo, hi int, r *Rule) int {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			rs.Add(field, r)
		}
		return n
	}
	s.Year = num("year", in.Year, 2020, thisYear+1, RuleEvalYear)
	switch current {
	case EvalPublished:
		rs.General(RuleEvalPublished, s.Year)
	case EvalRunning:
		rs.General(RuleEvalRunning, s.Year)
	}
	s.WPass = num("w_pass", in.WPass, 0, 100, RuleEvalWeights)
	s.WEmployment = num("w_employment", in.WEmployment, 0, 100, RuleEvalWeights)
	s.WSatisfaction = num("w_satisfaction", in.WSatisfaction, 0, 100, RuleEvalWeights)
	if rs.OK() && s.WPass+s.WEmployment+s.WSatisfaction != 100 {
		rs.Add("w_pass", RuleEvalWeights)
	}
	s.DComplaint = num("d_complaint", in.DComplaint, 0, 50, RuleEvalDeduction)
	s.DFinding = num("d_finding", in.DFinding, 0, 50, RuleEvalDeduction)
	s.DOverdue = num("d_overdue", in.DOverdue, 0, 50, RuleEvalDeduction)
	s.DShortfall = num("d_shortfall", in.DShortfall, 0, 50, RuleEvalDeduction)
	s.DRecovered = num("d_recovered", in.DRecovered, 0, 50, RuleEvalDeduction)
	s.Excellent = num("excellent", in.Excellent, 0, 100, RuleEvalBands)
	s.Pass = num("pass", in.Pass, 0, 100, RuleEvalBands)
	s.Basic = num("basic", in.Basic, 0, 100, RuleEvalBands)
	if !(s.Excellent > s.Pass && s.Pass > s.Basic) {
		rs.Add("excellent", RuleEvalBands)
	}
	return s, rs
}

// EvalInputs are one institution's figures for a year, each from its
// source records (the repository's set-based query).
type EvalInputs struct {
	Enrolled, Passed    int   // trainees enrolled at the end of classes that ended in the year; of them passed (retakes included)
	Followed, Employed  int   // employment records at 6 months (3 when no 6) of those trainees; employed
	Surveys, OverallSum int   // survey answers of those classes; sum of the overall rating (1–5)
	Upheld              int   // complaints closed in the year as upheld or partly upheld
	Findings            int   // inspection findings in the year
	Overdue             int   // rectification orders overdue in the year
	Shortfalls          int   // classes started in the year delivered short or off plan (第十六条)
	RecoveredFen        int64 // subsidies marked for recovery (追缴) in the year
}

// Rate is a ratio in hundredths of a per cent (0–10000), and whether it is
// known (no denominator: missing data).
type Rate struct {
	Value int
	Known bool
}

func ratio(num, den int) Rate {
	if den <= 0 {
		return Rate{}
	}
	return Rate{Value: int(math.Round(float64(num) * 10000 / float64(den))), Known: true}
}

// PassRate is passed ÷ enrolled (SUP-3).
func (in EvalInputs) PassRate() Rate { return ratio(in.Passed, in.Enrolled) }

// EmploymentRate is employed ÷ followed up.
func (in EvalInputs) EmploymentRate() Rate { return ratio(in.Employed, in.Followed) }

// Satisfaction maps the mean overall rating 1–5 onto 0–100 %.
func (in EvalInputs) Satisfaction() Rate {
	if in.Surveys <= 0 {
		return Rate{}
	}
	return Rate{Value: int(math.Round(float64(in.OverallSum-in.Surveys) * 10000 / float64(4*in.Surveys))), Known: true}
}

// EvalScore is an institution's result for a year.
type EvalScore struct {
	Base       int  // weighted rates, hundredths of a point (0–10000)
	Deductions int  // hundredths of a point
	Score      int  // Base − Deductions, clamped to 0–10000
	Known      bool // false: no rate known at all (missing data): not graded
	Grade      Grade
}

// Grade is an evaluation grade.
type Grade string

// Grades (interpretation of SUP-6).
const (
	GradeExcellent Grade = "excellent"
	GradePass      Grade = "pass"
	GradeBasic     Grade = "basic"
	GradeFail      Grade = "fail"
	GradeNoData    Grade = "nodata"
)

// Label is the Chinese name.
func (g Grade) Label() string {
	switch g {
	case GradeExcellent:
		return "优秀"
	case GradePass:
		return "合格"
	case GradeBasic:
		return "基本合格"
	case GradeFail:
		return "不合格"
	case GradeNoData:
		return "数据不足"
	}
	return string(g)
}

// Score computes an institution's score: the rates it has, weighted by
// the year's weights renormalised over the known rates (a missing input
// is missing data, not zero), minus the deductions; graded by the bands.
// With no rate known the institution is not graded (数据不足).
func Score(s EvalSettings, in EvalInputs) EvalScore {
	var sum, weights int64
	for _, x := range []struct {
		r Rate
		w int
	}{{in.PassRate(), s.WPass}, {in.EmploymentRate(), s.WEmployment}, {in.Satisfaction(), s.WSatisfaction}} {
		if x.r.Known && x.w > 0 {
			sum += int64(x.r.Value) * int64(x.w)
			weights += int64(x.w)
		}
	}
	var out EvalScore
	out.Deductions = 100 * (in.Upheld*s.DComplaint + in.Findings*s.DFinding + in.Overdue*s.DOverdue + in.Shortfalls*s.DShortfall +
		int(in.RecoveredFen/1000000)*s.DRecovered)
	if weights == 0 {
		out.Grade = GradeNoData
		return out
	}
	out.Known = true
	out.Base = int((sum + weights/2) / weights)
	out.Score = min(max(out.Base-out.Deductions, 0), 10000)
	switch {
	case out.Score >= s.Excellent*100:
		out.Grade = GradeExcellent
	case out.Score >= s.Pass*100:
		out.Grade = GradePass
	case out.Score >= s.Basic*100:
		out.Grade = GradeBasic
	default:
		out.Grade = GradeFail
	}
	return out
}

// Ranks gives competition ranks (1, 2, 2, 4) by score, highest first;
// institutions without a score (Known false) get rank 0.
func Ranks(scores []EvalScore) []int {
	idx := make([]int, 0, len(scores))
	for i, s := range scores {
		if s.Known {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]].Score > scores[idx[b]].Score })
	ranks := make([]int, len(scores))
	for pos, i := range idx {
		if pos > 0 && scores[idx[pos-1]].Score == scores[i].Score {
			ranks[i] = ranks[idx[pos-1]]
		} else {
			ranks[i] = pos + 1
		}
	}
	return ranks
}

// EvalOutcome is what the bureau decides for an institution (优胜劣汰).
type EvalOutcome string

// Outcomes.
const (
	OutcomeContinue   EvalOutcome = "continue"
	OutcomeWarn       EvalOutcome = "warn"
	OutcomeSuspend    EvalOutcome = "suspend"
	OutcomeNotRenewed EvalOutcome = "not_renewed"
)

// EvalOutcomes lists the outcomes in display order.
var EvalOutcomes = []EvalOutcome{OutcomeContinue, OutcomeWarn, OutcomeSuspend, OutcomeNotRenewed}

// Label is the Chinese name.
func (o EvalOutcome) Label() string {
	switch o {
	case OutcomeContinue:
		return "继续认定"
	case OutcomeWarn:
		return "警告"
	case OutcomeSuspend:
		return "暂停定点资质"
	case OutcomeNotRenewed:
		return "不予续认"
	}
	return string(o)
}

// Valid reports whether o is known.
func (o EvalOutcome) Valid() bool {
	for _, x := range EvalOutcomes {
		if o == x {
			return true
		}
	}
	return false
}

// Suggest is the computed suggestion a person decides on: 优秀/合格 →
// continue; 基本合格 or no data → warn; 不合格 → suspend, or not renewed
// when the previous year was 不合格 too.
func Suggest(g, previous Grade) EvalOutcome {
	switch g {
	case GradeExcellent, GradePass:
		return OutcomeContinue
	case GradeFail:
		if previous == GradeFail {
			return OutcomeNotRenewed
		}
		return OutcomeSuspend
	}
	return OutcomeWarn
}

// Points prints hundredths as 87.25.
func Points(v int) string {
	return strconv.Itoa(v/100) + "." + strconv.Itoa(v%100/10) + strconv.Itoa(v%10)
}

// EvalRow is one institution's line of a year: inputs, result, outcome.
type EvalRow struct {
	Year            int
	InstitutionID   int64
	InstitutionName string
	Inputs          EvalInputs
	Base            *int
	Deductions      int
	Score           *int
	Grade           Grade
	Rank            int
	Suggestion      EvalOutcome
	Outcome         EvalOutcome
	OutcomeNote     string
	OutcomeBy       string
	Of              int // institutions ranked that year
}

// EvaluationPage is a year's settings and a page of its ranking.
type EvaluationPage struct {
	Settings EvalSettings
	Rows     []EvalRow
	Total    int
}

// Scorecard is one institution's evaluations over the years, with the
// median score of all institutions each year (its position among all).
type Scorecard struct {
	Institution Institution
	Years       []EvalRow // oldest first
	Medians     map[int]int
	Settings    map[int]EvalSettings
}

// PublicInstitution is a line of the public list of designated
// institutions.
type PublicInstitution struct {
	ID        int64
	Name      string
	Address   string
	Status    InstitutionStatus
	Scope     string
	GradeYear int
	Grade     Grade
}

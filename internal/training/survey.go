package training

import (
	"crypto/rand"
	"strconv"
	"strings"
	"time"
)

// Satisfaction (SUP-3): when a class finishes each enrolment gets a survey
// code (on a slip and on the agreement print-out, with a QR code). The
// public survey asks four questions (1–5) and a comment; one answer per
// code. The institution sees a class's figures only from SurveyMinAnswers
// answers on, and never a single answer; the bureau sees everything.

// SurveyMinAnswers is the anonymity threshold for the institution.
const SurveyMinAnswers = 5

// SurveyCodeLen is the length of a survey code.
const SurveyCodeLen = 10

// surveyAlphabet has no 0/O, 1/I: codes are typed from paper.
const surveyAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// NewSurveyCode is a fresh random survey code (50 bits).
func NewSurveyCode() string {
	b := make([]byte, SurveyCodeLen)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = surveyAlphabet[int(b[i])%len(surveyAlphabet)] // 256 is a multiple of 32: no bias
	}
	return string(b)
}

// NormalizeSurveyCode upper-cases a typed code and drops spaces and dashes;
// it reports whether the result can be a code.
func NormalizeSurveyCode(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) != SurveyCodeLen {
		return "", false
	}
	for _, r := range s {
		if !strings.ContainsRune(surveyAlphabet, r) {
			return "", false
		}
	}
	return s, true
}

// SurveyQuestions are the four questions, in order, with their form field.
var SurveyQuestions = []struct{ Field, Label string }{
	{"overall", "总体满意度"},
	{"teaching", "教学质量（教师、内容）"},
	{"venue", "场地与设施设备"},
	{"organisation", "组织管理（通知、考勤、服务）"},
}

// Rules of the survey.
var (
	RuleSurveyScore     = NewRule("SUP-3", "第十五条", "请为每一项选择1至5分")
	RuleSurveyComment   = NewRule("SUP-3", "", "意见建议最多500字")
	RuleSurveyCode      = NewRule("SUP-3", "", "评价码无效，请核对结业时发放的评价码")
	RuleSurveyAnswered  = NewRule("SUP-3", "第十五条", "该评价码已提交过评价，每个评价码只能评价一次")
	RuleSurveyNotOver   = NewRule("SUP-3", "第十五条", "培训班结业后方可评价")
	RuleSurveyCodesNot  = NewRule("SUP-3", "第十五条", "培训班结业后才生成评价码（当前状态「%s」）")
	RuleSurveyWithdrawn = NewRule("SUP-3", "", "已退学的学员不参加满意度评价")
)

// DecideSurveyCodes says whether a class's survey codes may be issued:
// once it is over (SUP-3, 第十五条).
func DecideSurveyCodes(st ClassStatus) Refusals {
	var rs Refusals
	if !ClassOver(st) {
		rs.General(RuleSurveyCodesNot, st.Label())
	}
	return rs
}

// MaxSurveyComment is the comment's length limit (the schema's CHECK).
const MaxSurveyComment = 500

// SurveyInput is the public survey form as typed.
type SurveyInput struct {
	Code                                   string
	Overall, Teaching, Venue, Organisation string
	Comment                                string
}

// SurveyAnswer is a validated answer.
type SurveyAnswer struct {
	Code                                   string
	Overall, Teaching, Venue, Organisation int
	Comment                                string
}

// ParseSurvey validates the survey form.
func ParseSurvey(in SurveyInput) (SurveyAnswer, error) {
	var p Problems
	var a SurveyAnswer
	if c, ok := NormalizeSurveyCode(in.Code); ok {
		a.Code = c
	} else {
		p.Add("code", RuleSurveyCode.Msg())
	}
	score := func(field, s string) int {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 5 {
			p.Add(field, RuleSurveyScore.Msg())
			return 0
		}
		return n
	}
	a.Overall = score("overall", in.Overall)
	a.Teaching = score("teaching", in.Teaching)
	a.Venue = score("venue", in.Venue)
	a.Organisation = score("organisation", in.Organisation)
	a.Comment = checkText(&p, "comment", in.Comment, 0, MaxSurveyComment, RuleSurveyComment.Msg())
	return a, p.Err()
}

// SurveyFacts is what the repository loads to decide an answer.
type SurveyFacts struct {
	Unknown     bool // no such code
	ClassStatus ClassStatus
	Withdrawn   bool
	Answered    bool
}

// ClassOver reports whether a class has finished (结业) or gone further.
func ClassOver(s ClassStatus) bool {
	switch s {
	case ClassFinished, ClassAssessmentApplied, ClassAssessed, ClassArchived:
		return true
	}
	return false
}

// DecideSurveyAnswer says whether the code's answer may be taken.
func DecideSurveyAnswer(f SurveyFacts) Refusals {
	var rs Refusals
	switch {
	case f.Unknown:
		rs.Add("code", RuleSurveyCode)
	case f.Answered:
		rs.Add("code", RuleSurveyAnswered)
	case f.Withdrawn:
		rs.Add("code", RuleSurveyWithdrawn)
	case !ClassOver(f.ClassStatus):
		rs.Add("code", RuleSurveyNotOver)
	}
	return rs
}

// SurveyStats are the figures of a group of answers (a class, an
// institution, an occupation or a year). Averages are tenths (43 = 4.3).
type SurveyStats struct {
	Key          string // group label
	KeyID        int64
	Codes        int // codes issued (enrolments asked)
	Answers      int
	Overall      int
	Teaching     int
	Venue        int
	Organisation int
	Satisfied    int // answers with overall ≥ 4
	Comments     []string
}

// SatisfiedPercent is the share of answers with overall 4 or 5, in whole
// percent (0 when there are no answers).
func (s SurveyStats) SatisfiedPercent() int { return Percent(s.Satisfied, s.Answers) }

// ResponsePercent is answers over codes issued, in whole percent.
func (s SurveyStats) ResponsePercent() int { return Percent(s.Answers, s.Codes) }

// Percent is part over whole in whole percent, rounded half up; 0 for an
// empty whole.
func Percent(part, whole int) int {
	if whole <= 0 {
		return 0
	}
	return (part*200 + whole) / (whole * 2)
}

// TenthsLabel shows an average in tenths ("4.3").
func TenthsLabel(t int) string {
	return strconv.Itoa(t/10) + "." + strconv.Itoa(t%10)
}

// CanSeeSurvey reports whether actor may see the figures of a class with n
// answers: the bureau always, the institution only from SurveyMinAnswers
// answers on (so no single trainee's answer can be read off), nobody else.
func CanSeeSurvey(a Actor, n int) bool {
	switch {
	case a.IsBureau():
		return true
	case a.IsInstitution():
		return n >= SurveyMinAnswers
	}
	return false
}

// SurveySlip is one printed survey slip.
type SurveySlip struct {
	EnrolmentID int64
	Name        string // the trainee's name, printed so the slip reaches its owner
	Code        string
	Answered    bool
}

// SurveyTarget is what the public survey page shows for a code.
type SurveyTarget struct {
	ClassNo         string
	InstitutionName string
	OccupationName  string
	EndDate         *time.Time
}

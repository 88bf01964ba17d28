package training

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Ledgers (SUP-1, 第十四条: 培训机构应健全培训档案管理，在每期培训班结束后
// 做好培训台账): each finished class has a ledger — the filing and its
// versions, the roster and agreements, attendance and hours, results and
// certificates, fees and subsidies, and the history. When the class is
// archived the ledger is frozen: a snapshot (the JSON of Ledger) with its
// SHA-256, kept at least ten years (interpretation, after peer bureaus'
// rules).

// LedgerRetentionYears is how long a frozen ledger is kept at least.
const LedgerRetentionYears = 10

var (
	ruleLedgerRetain   = NewRule("SUP-1", "第十四条", "培训台账归档后至少保存十年（保存至%s），期满前不得删除")
	ruleLedgerFinished = NewRule("SUP-1", "第十四条", "培训班结业后才有培训台账（当前状态为「%s」）")

	ruleGapAgreements = NewRule("SUP-1", "第十四条、第十六条", "%d名在册学员未登记培训协议书")
	ruleGapSessions   = NewRule("SUP-1", "第十四条、第十六条", "%d次课未登记考勤")
	ruleGapNoExam     = NewRule("SUP-1", "第十四条、第十一条", "尚未申报鉴定考核")
	ruleGapResults    = NewRule("SUP-1", "第十四条、第十一条", "%d名学员的考核成绩尚未收集（未公布）")
	ruleGapFundUse    = NewRule("SUP-1", "第十四条、第十三条", "已收取培训费或申领补贴，但未登记经费使用情况")
)

// RetainUntil is the first day a frozen ledger may be purged: ten years
// after the day it was archived (in Asia/Shanghai). A ledger archived on
// 29 February is kept to 1 March ten years on (never less than ten years).
func RetainUntil(archivedOn time.Time) time.Time {
	y, m, d := archivedOn.Date()
	return time.Date(y+LedgerRetentionYears, m, d, 0, 0, 0, 0, time.UTC)
}

// DecideLedgerPurge refuses to purge a frozen ledger before its
// retention date. The database refuses too (a trigger).
func DecideLedgerPurge(retainUntil, today time.Time) Refusals {
	var r Refusals
	if today.Before(retainUntil) {
		r.General(ruleLedgerRetain, retainUntil.Format(time.DateOnly))
	}
	return r
}

// HasLedger reports whether a class in this status has a ledger: finished
// training and later (not cancelled).
func HasLedger(s ClassStatus) bool {
	switch s {
	case ClassFinished, ClassAssessmentApplied, ClassAssessed, ClassArchived:
		return true
	}
	return false
}

// DecideLedger refuses the ledger of a class that has not finished.
func DecideLedger(s ClassStatus) Refusals {
	var r Refusals
	if !HasLedger(s) {
		r.General(ruleLedgerFinished, s.Label())
	}
	return r
}

// Ledger is one class's ledger. It is what the page shows, what the
// workbook holds, and (marshalled) the frozen snapshot: field names are
// stable JSON keys, so a snapshot reads back after the code moves on.
// Personal data is kept whole here; views and exports mask it.
type Ledger struct {
	Class     LedgerClass     `json:"class"`
	Versions  []LedgerVersion `json:"versions"`
	Trainees  []LedgerTrainee `json:"trainees"`
	Sessions  []LedgerSession `json:"sessions"`
	Results   []LedgerResult  `json:"results"`
	Fees      []LedgerFee     `json:"fees"`
	Payments  []LedgerPayment `json:"payments"`
	Subsidies []LedgerSubsidy `json:"subsidies"`
	FundUse   []LedgerFundUse `json:"fund_use"`
	History   []LedgerEvent   `json:"history"`
	BuiltAt   time.Time       `json:"built_at"`
}

// LedgerClass is the filing as it stands.
type LedgerClass struct {
	ID              int64      `json:"id"`
	ClassNo         string     `json:"class_no"`
	InstitutionID   int64      `json:"institution_id"`
	InstitutionName string     `json:"institution_name"`
	OccupationCode  string     `json:"occupation_code"`
	OccupationName  string     `json:"occupation_name"`
	Level           Level      `json:"level"`
	Type            ClassType  `json:"type"`
	Status          string     `json:"status"`
	Start           time.Time  `json:"start"`
	End             time.Time  `json:"end"`
	Venue           string     `json:"venue"`
	Content         string     `json:"content"`
	PlannedSize     int        `json:"planned_size"`
	TheoryHours     int        `json:"theory_hours"`
	PracticalHours  int        `json:"practical_hours"`
	ApprovedOn      *time.Time `json:"approved_on"`
	ApprovedBy      string     `json:"approved_by"`
	PlanNo          int        `json:"plan_no"`
	CertKind        string     `json:"cert_kind"` // of the assessment application, "" when none
}

// PlannedHours is the plan's total.
func (c LedgerClass) PlannedHours() int { return c.TheoryHours + c.PracticalHours }

// LedgerVersion is one kept version of the plan (FILE-5).
type LedgerVersion struct {
	No        int       `json:"no"`
	Kind      string    `json:"kind"`
	Note      string    `json:"note"`
	ActorName string    `json:"actor"`
	At        time.Time `json:"at"`
	Start     string    `json:"start"`
	End       string    `json:"end"`
	Sessions  int       `json:"sessions"`
	Hours     int       `json:"hours"`
	Size      int       `json:"size"`
}

// LedgerTrainee is one enrolment with its agreement and attendance.
type LedgerTrainee struct {
	EnrolmentID      int64      `json:"enrolment_id"`
	Name             string     `json:"name"`
	IDNumber         string     `json:"id_number"`
	Phone            string     `json:"phone"`
	Sex              string     `json:"sex"`
	TargetGroup      string     `json:"target_group"`
	Withdrawn        bool       `json:"withdrawn"`
	WithdrawnReason  string     `json:"withdrawn_reason"`
	AgreementNo      string     `json:"agreement_no"`
	AgreementDate    *time.Time `json:"agreement_date"`
	PaysFee          *bool      `json:"pays_fee"`
	SessionsRecorded int        `json:"sessions_recorded"`
	SessionsAttended int        `json:"sessions_attended"`
	HoursAttended    int        `json:"hours_attended"`
}

// LedgerSession is one session of the plan in force and what it delivered.
type LedgerSession struct {
	Seq            int        `json:"seq"`
	Day            *time.Time `json:"day"`
	Kind           string     `json:"kind"`
	PlannedHours   int        `json:"planned_hours"`
	Teacher        string     `json:"teacher"`
	Held           bool       `json:"held"`
	Delivered      int        `json:"delivered"`
	DeliveredBy    string     `json:"delivered_by"`
	Present        int        `json:"present"` // present, late or left early
	Absent         int        `json:"absent"`
	Leave          int        `json:"leave"`
	RecordedBy     string     `json:"recorded_by"`
	RecordedAt     *time.Time `json:"recorded_at"`
	TeacherOffPlan bool       `json:"teacher_off_plan"`
}

// LedgerResult is one exam entry of the class's trainees.
type LedgerResult struct {
	EnrolmentID    int64      `json:"enrolment_id"`
	Name           string     `json:"name"`
	IDNumber       string     `json:"id_number"`
	SessionNo      string     `json:"session_no"`
	ExamDate       time.Time  `json:"exam_date"`
	Attempt        int        `json:"attempt"`
	CandidateNo    string     `json:"candidate_no"`
	SessionStatus  string     `json:"session_status"`
	Theory         *int       `json:"theory"`
	TheoryAbsent   bool       `json:"theory_absent"`
	Practical      *int       `json:"practical"`
	PracticalAbsnt bool       `json:"practical_absent"`
	Outcome        string     `json:"outcome"` // pass, fail, "" (not scored)
	CertNo         string     `json:"cert_no"`
	CertIssued     *time.Time `json:"cert_issued"`
	CertRevoked    bool       `json:"cert_revoked"`
}

// Published reports whether the result is final (EXAM-7).
func (r LedgerResult) Published() bool { return r.SessionStatus == "published" }

// LedgerFee is a fee application (SUB-2).
type LedgerFee struct {
	ID          int64      `json:"id"`
	Amount      int64      `json:"amount"` // per person, fen
	Covers      string     `json:"covers"`
	Status      FeeStatus  `json:"status"`
	SubmittedBy string     `json:"submitted_by"`
	SubmittedAt time.Time  `json:"submitted_at"`
	DecidedBy   string     `json:"decided_by"`
	DecidedAt   *time.Time `json:"decided_at"`
	Note        string     `json:"note"`
}

// LedgerPayment is a fee paid by a trainee.
type LedgerPayment struct {
	EnrolmentID int64     `json:"enrolment_id"`
	Name        string    `json:"name"`
	IDNumber    string    `json:"id_number"`
	Amount      int64     `json:"amount"`
	PaidOn      time.Time `json:"paid_on"`
	ReceiptNo   string    `json:"receipt_no"`
}

// LedgerSubsidy is a subsidy claim line of one of the class's trainees
// (SUB-3), live or not, with any amount recovered (SUB-5).
type LedgerSubsidy struct {
	EnrolmentID int64  `json:"enrolment_id"`
	Name        string `json:"name"`
	IDNumber    string `json:"id_number"`
	ClaimNo     string `json:"claim_no"`
	CertNo      string `json:"cert_no"`
	Percent     int    `json:"percent"`
	Amount      int64  `json:"amount"`
	Recovered   int64  `json:"recovered"`
	ClaimStatus string `json:"claim_status"`
	LineStatus  string `json:"line_status"` // active, removed, released
}

// LedgerFundUse is a recorded spending charged to the class (SUB-4, 第十三条).
type LedgerFundUse struct {
	Category    FundCategory `json:"category"`
	Amount      int64        `json:"amount"`
	SpentOn     time.Time    `json:"spent_on"`
	VoucherNo   string       `json:"voucher_no"`
	Description string       `json:"description"`
}

// LedgerEvent is one audit row about the class (SUP-5).
type LedgerEvent struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Entity string    `json:"entity"`
}

// Enrolled counts the trainees still on the roster.
func (l Ledger) Enrolled() int {
	n := 0
	for _, t := range l.Trainees {
		if !t.Withdrawn {
			n++
		}
	}
	return n
}

// DeliveredHours sums the hours the held sessions delivered.
func (l Ledger) DeliveredHours() (planned, delivered int) {
	for _, s := range l.Sessions {
		planned += s.PlannedHours
		if s.Held {
			delivered += s.Delivered
		}
	}
	return planned, delivered
}

// Snapshot is the frozen form of the ledger and its SHA-256 (hex).
func (l Ledger) Snapshot() ([]byte, string, error) {
	b, err := json.Marshal(l)
	if err != nil {
		return nil, "", err
	}
	return b, Checksum(b), nil
}

// Checksum is the hex SHA-256 of a snapshot.
func Checksum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// LedgerSeal is how a frozen ledger checks out: Intact only when the
// snapshot's SHA-256 equals the stored checksum and the checksum the
// archive's audit row recorded (the audit log is hash-chained, so
// rewriting both the snapshot and its checksum is still found).
type LedgerSeal struct {
	ArchivedAt  time.Time
	ArchivedBy  string
	RetainUntil time.Time
	Checksum    string // stored beside the snapshot
	Computed    string // of the snapshot as read
	Audited     string // in the archive's audit row
}

// Intact reports whether the snapshot is the one frozen at the archive.
func (s LedgerSeal) Intact() bool {
	return s.Checksum != "" && s.Computed == s.Checksum && s.Audited == s.Checksum
}

// LedgerFacts are what a class's year-end completeness check needs.
type LedgerFacts struct {
	Status           ClassStatus
	Enrolled         int  // on the roster at the end
	WithAgreement    int  // of those, with an agreement recorded
	Sessions         int  // in the plan in force
	SessionsHeld     int  // with attendance recorded
	Applied          bool // an assessment application exists (not returned)
	ResultsPublished int  // enrolled trainees with a published outcome
	FundUseTracked   bool // money came in (fees paid or a live subsidy line): its use must be reported (第十三条)
	FundUseFiled     bool // spending charged to the class is recorded
}

// LedgerGap is one thing missing from a class's ledger.
type LedgerGap struct {
	Kind    string // agreements, attendance, exam, results, fund_use
	Missing int
	Message string
}

// LedgerGaps lists what the 年终督查 would find missing for a class: the
// agreements of trainees on the roster, sessions without attendance, the
// assessment and results not collected, and the fund-use report.
func LedgerGaps(f LedgerFacts) []LedgerGap {
	var out []LedgerGap
	add := func(kind string, n int, r *Rule, args ...any) {
		out = append(out, LedgerGap{Kind: kind, Missing: n, Message: r.Msg(args...)})
	}
	if n := f.Enrolled - f.WithAgreement; n > 0 {
		add("agreements", n, ruleGapAgreements, n)
	}
	if n := f.Sessions - f.SessionsHeld; n > 0 {
		add("attendance", n, ruleGapSessions, n)
	}
	switch {
	case f.Enrolled > 0 && !f.Applied:
		add("exam", f.Enrolled, ruleGapNoExam)
	case f.Enrolled > f.ResultsPublished:
		n := f.Enrolled - f.ResultsPublished
		add("results", n, ruleGapResults, n)
	}
	if f.FundUseTracked && !f.FundUseFiled {
		add("fund_use", 1, ruleGapFundUse)
	}
	return out
}

// Facts are the completeness facts of one ledger (the year-end list
// counts the same in SQL).
func (l Ledger) Facts() LedgerFacts {
	f := LedgerFacts{Status: ClassStatus(l.Class.Status), Sessions: len(l.Sessions), Applied: l.Class.CertKind != ""}
	enrolled := map[int64]bool{}
	for _, t := range l.Trainees {
		if !t.Withdrawn {
			f.Enrolled++
			enrolled[t.EnrolmentID] = true
			if t.AgreementDate != nil {
				f.WithAgreement++
			}
		}
	}
	for _, s := range l.Sessions {
		if s.Held {
			f.SessionsHeld++
		}
	}
	for _, s := range l.Subsidies {
		if s.LineStatus == "active" {
			f.FundUseTracked = true
		}
	}
	f.FundUseTracked = f.FundUseTracked || len(l.Payments) > 0
	f.FundUseFiled = len(l.FundUse) > 0
	counted := map[int64]bool{}
	for _, r := range l.Results {
		if r.Published() && r.Outcome != "" && enrolled[r.EnrolmentID] && !counted[r.EnrolmentID] {
			counted[r.EnrolmentID] = true
			f.ResultsPublished++
		}
	}
	return f
}

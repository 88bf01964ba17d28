package training

// Enrolments: a trainee on a class's roster (第七条, 第八条, 第十六条).

// EnrolmentStatus is whether a trainee is on the roster or has left it.
type EnrolmentStatus string

// Enrolment statuses (the enrolments.status column).
const (
	Enrolled  EnrolmentStatus = "enrolled"
	Withdrawn EnrolmentStatus = "withdrawn"
)

// Label is the Chinese name.
func (s EnrolmentStatus) Label() string {
	switch s {
	case Enrolled:
		return "在册"
	case Withdrawn:
		return "已退学"
	}
	return string(s)
}

// OnRoster reports whether the trainee is still on the roster (takes part
// in attendance, agreements, fees and assessment).
func (s EnrolmentStatus) OnRoster() bool { return s == Enrolled }

// Rules of the roster.
var (
	RuleRosterStarted         = NewRule("FILE-3", "第七条", "培训班已开班，不能再添加学员，只能办理退学")
	RuleRosterCancelled       = NewRule("FILE-3", "第七条", "培训班已撤销，不能添加学员")
	RuleRosterFinished        = NewRule("FILE-3", "第七条", "培训班已结业，不能添加学员")
	RuleAgreementNoTaken      = NewRule("DELIV-1", "第十六条", "协议编号 %s 已被其他学员使用，不能重复")
	RuleAgreementNoTwice      = NewRule("DELIV-1", "", "协议编号与本页其他学员重复")
	RuleAgreementCancelled    = NewRule("DELIV-1", "第十六条", "培训班已撤销，不能登记培训协议")
	RuleAgreementFinished     = NewRule("DELIV-1", "第十六条", "培训班已结业，培训协议不能再修改")
	RuleWithdrawReason        = NewRule("DELIV-2", "第八条", "开班后学员只能办理退学，请填写退学原因")
	RuleAgreementBody         = NewRule("DELIV-1", "第十六条", "协议须写明协议编号和学员身份，请加入 %s")
	RuleAgreementComplete     = NewRule("DELIV-1", "第十六条", "协议须完整登记：协议编号、签订日期和是否缴费")
	RuleAgreementBeforeStart  = NewRule("DELIV-1", "第十六条", "培训协议须在开班（%s）前签订")
	RuleAgreementKeptAfterAtt = NewRule("DELIV-1", "第十六条", "已开始登记考勤，培训协议不能删除")
)

// CanRemoveEnrolment reports whether a trainee with status st may be taken
// off the roster (removed before the start, withdrawn after it).
func CanRemoveEnrolment(st EnrolmentStatus) bool { return st.OnRoster() }

// RemoveFacts is what taking a trainee off the roster looks at.
type RemoveFacts struct {
	Status  EnrolmentStatus
	Started bool   // the class has started (today is on or after its start)
	Reason  string // the withdrawal reason typed
}

// DecideRemoveEnrolment is 第八条 on the roster: before the start a trainee
// is removed; after it only withdrawn, with a reason. withdraw says which;
// err is ErrConflict when the trainee is no longer on the roster.
func DecideRemoveEnrolment(f RemoveFacts) (withdraw bool, rs Refusals, err error) {
	if !CanRemoveEnrolment(f.Status) {
		return false, nil, ErrConflict
	}
	if f.Started && f.Reason == "" {
		rs.Add("reason", RuleWithdrawReason)
	}
	return f.Started, rs, nil
}

// CanClearAgreement reports whether a recorded agreement may be deleted:
// only until attendance of the class is first recorded (DELIV-1).
func CanClearAgreement(attendanceStarted bool) bool { return !attendanceStarted }

package training

// Assessment (鉴定考核, 第九条 to 第十一条): EXAM-1..7 of DOMAIN.md.

// Messages that cite the regulation. They are in one place so that the
// bureau's reading of the articles can be changed here.
var (
	MsgApplyFinished    = RuleApplyFinished.Msg()
	MsgApplyCandidates  = RuleApplyCandidates.Msg()
	MsgExaminerTeacher  = RuleExaminerIsTeacher.Msg()
	MsgExaminerStaff    = RuleExaminerIsStaff.Msg()
	MsgIDNotChecked     = RuleIDNotChecked.Msg()
	MsgRetakeOnce       = RuleRetakeOnce.Msg()
	MsgCompletionOrg    = RuleCompletionOrg.Msg()
	MsgQualificationOrg = RuleQualificationOrg.Msg()
)

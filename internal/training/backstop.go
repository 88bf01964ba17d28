package training

import "strconv"

// The database's constraints back the rules: when two writes race past a
// decision, the constraint refuses the second, and the user reads the same
// rule. These are the messages of constraints that cite an article; the
// repository maps each constraint name to one of them.
var (
	RuleStandardOverlap  = NewRule("SUB-1", "第十二条", "与已有的补贴标准时间重叠")
	RuleRateOverlap      = NewRule("SUB-1", "第十二条", "与已有的补贴比例时间重叠")
	RuleShortageOverlap  = NewRule("SUB-1", "第十二条", "该工种在这段时间已列入紧缺工种目录")
	RuleThresholdOverlap = NewRule("DELIV-3", "第八条", "与已有的出勤率门槛时间重叠")
	RuleFeeOpenBackstop  = NewRule("SUB-2", "第十二条", "该培训班已有待审核或已核准的收费申请，不能重复申请")
	RuleFeeStartBackstop = NewRule("SUB-2", "第十二条", "向学员收费须在开班前事先申请")
	RuleFeeOverBackstop  = NewRule("SUB-2", "第十二条、第十六条", "缴费金额超过核准的收费标准（违反规定标准收取培训费用）")
)

// NoticeFeePaid is what the institution reads after recording one
// trainee's fee (SUB-2): the trainee loses the subsidy.
const NoticeFeePaid = "已登记缴费。该学员本次培训不再享受政府培训补贴（第十二条）。"

// NoticeFeesImported is what the institution reads after importing n
// trainees' fees.
func NoticeFeesImported(n int) string {
	return "已导入" + strconv.Itoa(n) + "名学员的缴费记录。缴费学员本次培训不再享受政府培训补贴（第十二条）。"
}

// Constraints of subsidy claims and fund use (SUB-3, SUB-5).
var (
	RuleClaimReviewedBackstop  = NewRule("SUB-3", "第十二条", "补贴申领须先经初审")
	RuleClaimNoticeBackstop    = NewRule("SUB-3", "第十二条", "审批后须公示5个工作日")
	RuleClaimOnceBackstop      = NewRule("SUB-3", "第十二条", "同一人员同一年度同一工种同一等级只能享受一次培训补贴（该人员已列入另一申领），请重新生成申领")
	RuleClaimEnrolmentBackstop = NewRule("SUB-3", "第十二条", "该学员的这次培训已列入另一申领")
	RuleFeeOnClaimBackstop     = NewRule("SUB-2", "第十二条", "该学员已列入补贴申领；缴费学员不再享受政府培训补贴，须先处理该申领，才能登记缴费")
	RuleClaimAmountBackstop    = NewRule("SUB-3", "第十二条", "补贴金额应为标准乘以比例")
	RuleRecoveryBackstop       = NewRule("SUB-5", "第十六条", "追缴金额应大于0且不超过补贴金额，并写明原因")
	RuleClaimPaidBackstop      = NewRule("SUB-3", "第十二条", "该申领已有一笔未失败的拨付，不能重复拨付")
)

// InactiveTodoLabel is the bureau's to-do heading for the institutions
// INST-4 flags.
const InactiveTodoLabel = "六个月未开班的定点机构（第十六条）"

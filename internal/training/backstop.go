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

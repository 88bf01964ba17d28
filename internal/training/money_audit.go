package training

// moneyAuditLabels are the audit actions of fees, subsidy standards,
// claims and fund use (issue 11), merged into the label map.
var moneyAuditLabels = map[string]string{
	"subsidy.figure_add": "新增补贴标准（比例、紧缺工种、出勤率门槛）",
	"subsidy.figure_end": "设定补贴标准截止日期",
	"fee.apply":          "提交收费申请",
	"fee.approve":        "核准收费",
	"fee.return":         "退回收费申请",
	"fee.withdraw":       "撤回收费申请",
	"fee.payment":        "登记学员缴费",
}

func init() {
	for k, v := range moneyAuditLabels {
		auditLabels[k] = v
	}
}

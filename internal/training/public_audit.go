package training

// publicAuditLabels are the audit actions of complaints, surveys and the
// employment follow-up (issue 12), merged into the label map.
var publicAuditLabels = map[string]string{
	"complaint.file":    "受理投诉",
	"complaint.assign":  "指定投诉经办人",
	"complaint.note":    "记录投诉办理情况",
	"complaint.forward": "投诉转培训机构",
	"complaint.answer":  "答复投诉",
	"complaint.close":   "投诉办结",
	"complaint.reply":   "培训机构回复投诉",
	"complaint.reveal":  "查看投诉人联系方式",
	"survey.codes":      "生成满意度评价码",
	"survey.answer":     "提交满意度评价",
	"employment.record": "登记就业回访",
	"employment.check":  "就业情况电话抽查",
	"employment.sample": "抽取就业抽查样本（显示学员电话）",
}

func init() {
	for k, v := range publicAuditLabels {
		auditLabels[k] = v
	}
}

package training

// supervisionAuditLabels are the audit actions of inspections,
// rectification, sanctions and the annual evaluation (issue 13), merged
// into the label map.
var supervisionAuditLabels = map[string]string{
	"inspection.item_add":    "新增检查清单项",
	"inspection.item_active": "停用或恢复检查清单项",
	"inspection.create":      "记录监督检查",
	"inspection.file_upload": "上传检查佐证材料",
	"rectification.order":    "责令限期整改",
	"rectification.answer":   "报送整改情况",
	"rectification.accept":   "整改验收通过",
	"rectification.escalate": "整改升级处理",
	"rectification.overdue":  "整改通知逾期标记",
	"sanction.warning":       "处理决定：警告",
	"sanction.suspension":    "处理决定：暂停定点资质",
	"sanction.revocation":    "处理决定：取消定点资格",
	"sanction.lift":          "处理决定：恢复定点资质",
	"class.stop":             "决定停止培训班（机构暂停或取消定点）",
	"evaluation.settings":    "设定年度考评权重和等级",
	"evaluation.run":         "运行年度考评",
	"evaluation.publish":     "公布年度考评结果",
	"evaluation.outcome":     "记录年度考评处理结果",
}

func init() {
	for k, v := range supervisionAuditLabels {
		auditLabels[k] = v
	}
}

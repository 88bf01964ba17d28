package training

// claimAuditLabels are the audit actions of subsidy claims (SUB-3, SUB-5),
// merged into the label map.
var claimAuditLabels = map[string]string{
	"claim.build":            "生成补贴申领",
	"claim.rebuild":          "重新生成补贴申领",
	"claim.submit":           "提交补贴申领",
	"claim.withdraw":         "撤回补贴申领",
	"claim.review":           "初审补贴申领",
	"claim.return":           "退回补贴申领",
	"claim.approve":          "审批补贴申领并公示",
	"claim.close_notice":     "补贴申领公示期满",
	"claim.settle":           "补贴申领异议处理完毕",
	"claim.objection":        "对补贴公示提出异议",
	"claim.objection_decide": "处理补贴公示异议",
	"claim.record_payment":   "登记补贴拨付",
	"claim.confirm_paid":     "确认补贴到账",
	"claim.payment_failed":   "登记补贴拨付失败",
	"claim.recovery":         "标记补贴追缴",
	"claim.export_full_ids":  "导出补贴申领完整身份证号码",
	"claim.batch_full_ids":   "导出拨付批次完整身份证号码",
}

func init() {
	for k, v := range claimAuditLabels {
		auditLabels[k] = v
	}
}

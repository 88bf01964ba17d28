package training

import "time"

// AuditEntry is one row of the append-only, hash-chained audit log (SUP-5).
type AuditEntry struct {
	ID            int64
	At            time.Time
	ActorID       int64
	ActorName     string
	ActorRole     Role
	Action        string
	Entity        string
	EntityID      int64
	InstitutionID int64
	Before        string // JSON text, "" when none
	After         string // JSON text, "" when none
}

// AuditActionLabel is the Chinese label of an audit action, for the history
// pages. Unknown actions are shown as they are.
func AuditActionLabel(action string) string {
	if l, ok := auditLabels[action]; ok {
		return l
	}
	return action
}

var auditLabels = map[string]string{
	"institution.create":         "登记机构",
	"institution.update":         "修改机构信息",
	"institution.designate":      "认定为定点机构",
	"institution.suspend":        "暂停定点资质",
	"institution.resume":         "恢复定点资质",
	"institution.revoke":         "取消定点资格",
	"institution.scope":          "修改许可范围",
	"user.create":                "创建账号",
	"user.disable":               "停用账号",
	"user.enable":                "启用账号",
	"user.reset_password":        "重置密码",
	"user.change_password":       "修改密码",
	"user.login":                 "登录",
	"teacher.create":             "新增教师",
	"teacher.link":               "关联师资库已有教师",
	"teacher.update":             "修改教师信息",
	"teacher.submit":             "提交教师审核",
	"teacher.approve":            "审核入库",
	"teacher.return":             "退回教师申报",
	"teacher.certificate_add":    "登记职业资格证书",
	"teacher.certificate_remove": "删除职业资格证书",
	"teacher.file_upload":        "上传证书扫描件",
	"teacher.file_remove":        "删除证书扫描件",
	"teacher.equivalence_add":    "认定等同资质",
	"teacher.equivalence_remove": "撤销等同资质",
	"teacher.view_pii":           "查看教师完整身份证号和手机号",
	"occupation.relate":          "标记相关工种",
	"occupation.unrelate":        "取消相关工种",
	"textbook.create":            "登记教材",
	"textbook.propose":           "申报教材",
	"textbook.update":            "修改教材信息",
	"textbook.approve":           "核准教材",
	"textbook.designate":         "列为指定教材",
	"textbook.reject":            "不予核准教材",
	"textbook.withdraw":          "停用教材",
	"textbook.restore":           "恢复使用教材",
	"agreement.template":         "修改培训协议模板",
	"agreement.record":           "登记培训协议",
	"agreement.print":            "打印培训协议（含完整身份证号）",
	"attendance.record":          "登记考勤和课时",
	"class.finish":               "培训班结业",
	"eval_org.create":            "登记社会培训评价机构",
	"exam.apply":                 "提交鉴定申报",
	"exam.accept":                "受理鉴定申报",
	"exam.return":                "退回鉴定申报",
	"exam.archive":               "鉴定归档",
	"ledger.export":              "导出机构年度培训台账",
	"ledger.purge":               "删除保存期满的培训台账",
	"exam.schedule":              "安排考试",
	"exam.candidate_add":         "增加考生",
	"exam.id_check":              "核对考号和身份证",
	"exam.scores":                "录入成绩",
	"exam.approve":               "核准成绩",
	"exam.publish":               "公布成绩",
	"exam.amend":                 "登记成绩更正",
	"exam.amend_confirm":         "核准成绩更正",
	"exam.amend_reject":          "驳回成绩更正",
	"job.retry":                  "重试后台任务",
	"roster.import_purge":        "删除30天前的名单导入明细",
	"institution.activity":       "第十六条活跃情况变化（六个月未开班标记、预警）",
}

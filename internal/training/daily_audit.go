package training

import (
	"regexp"
	"sort"
)

// dailyAuditLabels are the labels of audit actions that had none before
// issue 17 (the history pages showed class.create, roster.add raw) and of
// the audit page's own entries, merged into the label map. The test
// TestEveryAuditActionHasALabel fails when an action written anywhere has
// no label.
var dailyAuditLabels = map[string]string{
	"calendar.year":           "录入年度节假日安排",
	"class.create":            "新建办班备案",
	"class.save":              "保存办班备案",
	"class.submit":            "提交办班备案",
	"class.withdraw":          "撤回办班备案",
	"class.approve":           "同意办班备案",
	"class.return":            "退回办班备案",
	"class.cancel":            "撤销培训班",
	"class.change_request":    "提出备案变更申请",
	"class.change_approve":    "同意备案变更",
	"class.change_reject":     "不同意备案变更",
	"class.exception_request": "申请超人数例外",
	"class.exception_decide":  "决定超人数例外申请",
	"eval_org.withdraw":       "撤销社会培训评价机构",
	"user.eval_org":           "设定账号所属评价机构",
	"exam.submit":             "提交鉴定申报",
	"exam.affairs_export":     "导出考务名单（含完整身份证号）",
	"exam.cancel":             "取消考试场次",
	"exam.id_reveal":          "查看考生完整身份证号",
	"exam.reschedule":         "调整考试安排",
	"examiner.create":         "登记考评员",
	"examiner.update":         "修改考评员信息",
	"examiner.activate":       "启用考评员",
	"examiner.deactivate":     "停用考评员",
	"roster.add":              "增加学员",
	"roster.remove":           "删除学员",
	"roster.withdraw":         "学员退班",
	"roster.import":           "导入学员名单",
	"roster.export_pii":       "导出完整学员名单（含完整身份证号）",
	"teacher.change":          "修改已入库教师信息",
	"audit.verify":            "校验审计日志哈希链",
}

func init() {
	for k, v := range dailyAuditLabels {
		auditLabels[k] = v
	}
}

// PIIViewActions are the audit actions that record someone seeing or
// exporting full personal data (ID numbers, phones): the audit page can
// show only these.
var PIIViewActions = []string{"teacher.view_pii", "exam.id_reveal", "agreement.print", "roster.export_pii", "exam.affairs_export", "claim.export_full_ids", "claim.batch_full_ids"}

// IsPIIView reports whether action records a view of full personal data.
func IsPIIView(action string) bool {
	for _, a := range PIIViewActions {
		if a == action {
			return true
		}
	}
	return false
}

// AuditActions lists every labelled action, sorted by label's action name
// (the audit page's action filter).
func AuditActions() []string {
	out := make([]string, 0, len(auditLabels))
	for k := range auditLabels {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var (
	idNumberRE = regexp.MustCompile(`\b[1-9][0-9]{5}(19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx]\b`)
	mobileRE   = regexp.MustCompile(`\b1[3-9][0-9]{9}\b`)
)

// MaskPersonal masks every ID number and mobile number in free text (an
// audit entry's before/after), as lists and exports show them.
func MaskPersonal(s string) string {
	s = idNumberRE.ReplaceAllStringFunc(s, MaskID)
	return mobileRE.ReplaceAllStringFunc(s, MaskPhone)
}

package web

import "strings"

// formFieldLabels are the Chinese labels of the portal's form fields, by name.
// A name used by several forms has the label that fits them all.
var formFieldLabels = map[string]string{
	"address": "地址", "amount": "金额（元）", "approval_no": "核准文号", "approved": "同意人数",
	"band": "等级段", "basis": "认定依据", "body": "正文", "cancel_reason": "取消原因",
	"candidate": "考生", "cert_kind": "证书类别", "cert_no": "证书编号", "certificate_id": "对应证书",
	"certificate_no": "考评员证书编号", "change_reason": "变更理由", "code": "编码", "confirm": "再次输入新密码",
	"contact_name": "联系人", "contact_phone": "联系电话", "content": "培训内容（教学大纲）", "covers": "收费包含的内容",
	"credit_code": "统一社会信用代码", "csrf_token": "表单令牌", "current": "当前密码", "days": "日期",
	"decided_by": "决定人", "decided_on": "决定日期", "decision": "不同意的理由", "decision_date": "认定日期",
	"decision_no": "认定文号", "desc": "排序方向", "edition": "版次", "education": "学历", "employer": "工作单位",
	"employment": "就业状态", "end": "结束时间", "end_date": "结业日期", "enrolment_id": "学员", "equipment": "培训设备",
	"eval_org_id": "考核机构", "exam_date": "考试日期", "facilities": "培训设施", "file": "文件", "from": "生效日期",
	"group": "人员类别", "hours": "学时", "hukou": "户籍类型", "id_number": "身份证号码", "inst": "机构名称或信用代码",
	"institution_id": "所属培训机构", "intent": "操作", "internal_code": "内部编号", "isbn": "ISBN", "issue_date": "发证日期",
	"issuer": "发证机构", "kind": "类别", "legal_rep": "法定代表人", "level": "等级", "min_level": "等级条件",
	"name": "名称或姓名", "new": "新密码", "next": "下一步", "no": "编号", "note": "说明", "notice": "通知文号或网址",
	"number": "证书编号", "occupation": "工种", "occupation_id": "工种", "other_id": "相关工种", "page": "页码",
	"paid_on": "缴费日期", "password": "密码", "percent": "比例（%）", "phone": "手机号码", "planned_size": "计划人数",
	"pool": "考评员", "practical": "应会成绩", "practical_absent": "应会缺考", "practical_hours": "计划实操学时",
	"practical_time": "应会考试时间", "publisher": "出版单位", "q": "查询内容", "reason": "原因",
	"receipt_no": "收据编号", "repeat_from": "重复开始日期", "repeat_to": "重复结束日期", "repeat_weeks": "重复周数",
	"requirement": "替代的要求", "retake": "补考", "role": "类型或角色", "rows": "行", "shortage": "差额",
	"size": "人数", "sort": "排序", "source_doc": "依据文件（文号）", "staff": "师资力量", "start": "开始", "start_date": "开班日期",
	"status": "状态", "target_group": "人员类别", "teacher_id": "教师", "textbook": "教材", "theory": "应知成绩",
	"theory_absent": "应知缺考", "theory_hours": "计划理论学时", "theory_time": "应知考试时间", "title": "名称或职称",
	"to": "截止日期", "type": "类型", "username": "用户名", "venue": "地点", "version": "版本", "year": "年度",
}

// FieldLabel is the Chinese label of a form field by its name; a row's
// field ("sessions.3.venue") is labelled by its last part, and a name
// without a label is shown as it is.
func FieldLabel(name string) string {
	if l, ok := formFieldLabels[name]; ok {
		return l
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if l, ok := formFieldLabels[name[i+1:]]; ok {
			return l
		}
	}
	if name == "?" {
		return "无法识别的字段"
	}
	return name
}

package training

import (
	"strings"
	"unicode/utf8"
)

// Free text: what the portal accepts in any text it stores. PostgreSQL
// refuses a NUL byte and invalid UTF-8 in text; the form edge refuses them
// first (server.checkInput), the repository maps the database's own codes
// as a second line of defence. Every free-text column has a maximum length:
// the same number here (TextLimits) and in a CHECK (char_length) of the
// schema, which TestTextLimitsMatchSchema compares.

// MsgBadText is the message for text holding a NUL byte or invalid UTF-8.
const MsgBadText = "含有空字符或无效的文字编码，请删除后重新输入"

// MsgBadTextGeneral is MsgBadText for a form as a whole, when the field is
// not known.
const MsgBadTextGeneral = "提交的内容" + MsgBadText

// MsgTooLongGeneral is the message when the database refuses a text for
// its length and the field is not known.
const MsgTooLongGeneral = "填写的内容过长，请删减后重新提交"

// ruleTooLong is a text over its column's limit: label, limit, length.
var ruleTooLong = NewRule("", "", "%s不能超过%d个字（现为%d个字）")

// TextLimit is the longest text a column takes, in characters, and the
// label a user knows the field by.
type TextLimit struct {
	Max   int
	Label string
}

// TextLimits are the limits of every free-text column, by "table.column".
// The schema has a CHECK (char_length(column) <= Max) for each (named
// <table>_<column>_len where a migration of this project added it).
var TextLimits = map[string]TextLimit{
	"agreement_templates.body":              {20000, "协议文本"},
	"agreement_templates.note":              {500, "修改说明"},
	"attendance_thresholds.note":            {200, "说明"},
	"attendance_thresholds.source_doc":      {100, "依据文件"},
	"calendar_days.name":                    {50, "节假日名称"},
	"calendar_years.notice":                 {300, "通知文号或网址"},
	"certificates.revoked_reason":           {500, "撤销原因"},
	"class_changes.reason":                  {500, "变更理由"},
	"class_changes.decision":                {500, "审核意见"},
	"class_versions.note":                   {500, "说明"},
	"class_stops.reason":                    {500, "停止理由"},
	"classes.venue":                         {200, "培训场地"},
	"classes.content":                       {5000, "培训内容（教学大纲）"},
	"classes.return_reason":                 {500, "退回原因"},
	"classes.cancel_reason":                 {500, "取消原因"},
	"classes.exception_reason":              {500, "申请理由"},
	"complaint_files.filename":              {200, "文件名"},
	"complaint_notes.body":                  {2000, "内容"},
	"complaints.answer":                     {2000, "答复"},
	"complaints.body":                       {2000, "投诉内容"},
	"complaints.name":                       {50, "姓名"},
	"employment_records.check_note":         {500, "核查说明"},
	"employment_records.employer":           {100, "工作单位"},
	"enrolments.withdrawn_reason":           {500, "退学原因"},
	"eval_orgs.name":                        {100, "机构名称"},
	"eval_orgs.approval_no":                 {100, "核准文号"},
	"eval_orgs.withdrawn_reason":            {500, "撤销原因"},
	"exam_amendments.reason":                {500, "更正原因"},
	"exam_applications.return_reason":       {500, "退回原因"},
	"exam_candidates.override_reason":       {200, "原因"},
	"exam_examiners.name":                   {50, "考评员姓名"},
	"exam_examiners.organisation":           {100, "考评员单位"},
	"exam_session_changes.reason":           {500, "原因"},
	"exam_sessions.venue":                   {200, "考试地点"},
	"exam_sessions.cancel_reason":           {500, "取消原因"},
	"exam_sessions.theory_time":             {50, "应知考试时间"},
	"exam_sessions.practical_time":          {50, "应会考试时间"},
	"examiners.certificate_no":              {50, "考评员证书编号"},
	"examiners.employer":                    {100, "工作单位"},
	"examiners.name":                        {50, "姓名"},
	"fee_applications.covers":               {500, "收费包含的内容"},
	"fee_applications.decision_note":        {500, "审核意见"},
	"fee_applications.reason":               {500, "收费理由"},
	"fee_payments.receipt_no":               {40, "收据编号"},
	"import_jobs.filename":                  {200, "文件名"},
	"institutions.name":                     {100, "机构名称"},
	"institutions.address":                  {200, "地址"},
	"institutions.legal_rep":                {50, "法定代表人"},
	"institutions.contact_name":             {50, "联系人"},
	"institutions.venue":                    {2000, "培训场地"},
	"institutions.facilities":               {2000, "培训设施"},
	"institutions.equipment":                {2000, "培训设备"},
	"institutions.staff":                    {2000, "师资力量"},
	"institutions.decision_no":              {100, "认定文号"},
	"institutions.decided_by":               {50, "认定决定人"},
	"institutions.contact_phone":            {30, "联系电话"},
	"institutions.status_reason":            {1000, "原因"},
	"occupations.name":                      {100, "工种名称"},
	"occupations.category":                  {100, "工种类别"},
	"shortage_occupations.note":             {200, "说明"},
	"shortage_occupations.source_doc":       {100, "依据文件"},
	"subsidy_claim_exclusions.detail":       {500, "说明"},
	"subsidy_claim_exclusions.name":         {50, "姓名"},
	"subsidy_claim_lines.name":              {50, "姓名"},
	"subsidy_claim_lines.recovery_reason":   {500, "追回原因"},
	"subsidy_claim_lines.removed_reason":    {500, "剔除原因"},
	"subsidy_claim_objections.body":         {1000, "异议内容"},
	"subsidy_claim_objections.contact":      {50, "联系方式"},
	"subsidy_claim_objections.decision":     {500, "处理意见"},
	"subsidy_claim_objections.objector":     {50, "异议人"},
	"subsidy_claim_payments.batch_no":       {40, "批次号"},
	"subsidy_claim_payments.failure_reason": {500, "失败原因"},
	"subsidy_claim_payments.voucher_no":     {40, "凭证号"},
	"subsidy_claims.note":                   {500, "说明"},
	"subsidy_claims.return_reason":          {500, "退回原因"},
	"subsidy_claims.review_note":            {500, "审核意见"},
	"subsidy_rates.note":                    {200, "说明"},
	"subsidy_rates.source_doc":              {100, "依据文件"},
	"subsidy_standards.note":                {200, "说明"},
	"subsidy_standards.source_doc":          {100, "依据文件"},
	"survey_answers.comment":                {500, "意见"},
	"teacher_certificates.cert_no":          {40, "证书编号"},
	"teacher_certificates.issuer":           {100, "发证机构"},
	"teacher_equivalences.basis":            {1000, "认定依据"},
	"teacher_files.filename":                {200, "文件名"},
	"teachers.name":                         {50, "姓名"},
	"teachers.review_note":                  {500, "审核意见"},
	"textbooks.title":                       {200, "教材名称"},
	"textbooks.publisher":                   {100, "出版单位"},
	"textbooks.edition":                     {50, "版次"},
	"textbooks.status_reason":               {500, "原因"},
	"trainees.name":                         {50, "姓名"},
	"trainees.employer":                     {100, "工作单位"},
	"users.name":                            {50, "姓名"},
}

// MaxLen is the limit of a column ("table.column") in characters; 0 for a
// column without one (a programming error the tests catch).
func MaxLen(column string) int { return TextLimits[column].Max }

// TooLong is the message for s in column when it is over the column's
// limit, or "".
func TooLong(column, s string) string {
	l, ok := TextLimits[column]
	if !ok {
		return ""
	}
	if n := utf8.RuneCountInString(s); n > l.Max {
		return ruleTooLong.Msg(l.Label, l.Max, n)
	}
	return ""
}

// CheckLen adds to p, for field, the message of s over column's limit.
func (p *Problems) CheckLen(field, column, s string) {
	if msg := TooLong(column, s); msg != "" {
		p.Add(field, msg)
	}
}

// LenConstraintColumn is the "table.column" a length CHECK of this project
// guards, from its name (<table>_<column>_len), or "" for another name.
func LenConstraintColumn(name string) string {
	base, ok := strings.CutSuffix(name, "_len")
	if !ok {
		return ""
	}
	for col := range TextLimits {
		if strings.ReplaceAll(col, ".", "_") == base {
			return col
		}
	}
	return ""
}

// TooLongAt is the message for a length CHECK named by the database, when
// the value is not at hand.
func TooLongAt(column string) string {
	l := TextLimits[column]
	return l.Label + "过长（最多" + itoa(l.Max) + "字）"
}

// CheckPlanText refuses a filing plan whose text is over its columns'
// limits. Drafts too: a draft keeps whatever was typed, within what the
// database stores.
func CheckPlanText(p Plan) error {
	var pr Problems
	pr.CheckLen("venue", "classes.venue", p.Venue)
	pr.CheckLen("content", "classes.content", p.Content)
	return pr.Err()
}

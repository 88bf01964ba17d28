package repository

import "tianmu/internal/training"

// claimConstraints are the messages of the subsidy claim constraints
// (SUB-3, SUB-5), merged into constraintErrors.
var claimConstraints = map[string][2]string{
	"subsidy_claims_no_key":                        {"", "申领编号重复，请重试"},
	"subsidy_claims_status_check":                  {"", "补贴申领状态无效"},
	"subsidy_claims_class_ids_check":               {"class_ids", training.RuleClaimChooseClass.Msg()},
	"subsidy_claims_lines_check":                   {"", "申领人数无效"},
	"subsidy_claims_total_check":                   {"", "申领金额无效"},
	"subsidy_claims_excluded_check":                {"", "未纳入人数无效"},
	"subsidy_claims_note_check":                    {"note", "说明过长（最多500字）"},
	"subsidy_claims_return_reason_check":           {"note", "退回理由过长（最多500字）"},
	"subsidy_claims_review_note_check":             {"note", "审核意见过长（最多500字）"},
	"subsidy_claims_returned_check":                {"note", "请填写退回理由"},
	"subsidy_claims_reviewed_check":                {"", "第十二条：补贴申领须先经初审"},
	"subsidy_claims_four_eyes_check":               {"", training.RuleClaimFourEyes.Msg()},
	"subsidy_claims_notice_check":                  {"", "第十二条：审批后须公示5个工作日"},
	"subsidy_claims_paid_check":                    {"", "已拨付的申领须记录拨付时间"},
	"subsidy_claims_institution_id_fkey":           {"", "培训机构不存在"},
	"subsidy_claims_reviewed_by_id_fkey":           {"", "初审人账号不存在"},
	"subsidy_claims_approved_by_id_fkey":           {"", "审批人账号不存在"},
	"subsidy_claim_lines_once_key":                 {"", "第十二条：同一人员同一年度同一工种同一等级只能享受一次培训补贴（该人员已列入另一申领），请重新生成申领"},
	"subsidy_claim_lines_enrolment_key":            {"", "第十二条：该学员的这次培训已列入另一申领"},
	"subsidy_claim_lines_claim_cert_key":           {"", "同一证书在申领中重复"},
	"subsidy_claim_lines_fee_paid_check":           {"", training.RuleClaimFeePaid.Msg()},
	"fee_payments_on_claim_check":                  {"enrolment_id", "第十二条：该学员已列入补贴申领；缴费学员不再享受政府培训补贴，须先处理该申领，才能登记缴费"},
	"subsidy_claim_lines_amount_check":             {"", "第十二条：补贴金额应为标准乘以比例"},
	"subsidy_claim_lines_cert_year_check":          {"", "补贴年度应为证书日期所在年度"},
	"subsidy_claim_lines_year_check":               {"", "补贴年度无效"},
	"subsidy_claim_lines_class_type_check":         {"", "培训类型无效"},
	"subsidy_claim_lines_level_check":              {"", "等级无效"},
	"subsidy_claim_lines_name_check":               {"", "姓名无效"},
	"subsidy_claim_lines_id_number_check":          {"", "身份证号码无效"},
	"subsidy_claim_lines_percent_check":            {"", "补贴比例应为1到100"},
	"subsidy_claim_lines_standard_fen_check":       {"", "补贴标准金额无效"},
	"subsidy_claim_lines_status_check":             {"", "申领明细状态无效"},
	"subsidy_claim_lines_target_group_check":       {"", training.RuleClaimGroup.Msg()},
	"subsidy_claim_lines_recovery_check":           {"amount", "第十六条：追缴金额应大于0且不超过补贴金额，并写明原因"},
	"subsidy_claim_lines_recovery_reason_check":    {"reason", "追缴原因过长（最多500字）"},
	"subsidy_claim_lines_removed_check":            {"decision", "移出申领须写明理由"},
	"subsidy_claim_lines_removed_reason_check":     {"decision", "理由过长（最多500字）"},
	"subsidy_claim_lines_certificate_id_fkey":      {"", "证书不存在"},
	"subsidy_claim_lines_claim_id_fkey":            {"", "补贴申领不存在"},
	"subsidy_claim_lines_class_id_fkey":            {"", "培训班不存在"},
	"subsidy_claim_lines_enrolment_id_fkey":        {"", "学员不在培训班名单中"},
	"subsidy_claim_lines_institution_id_fkey":      {"", "培训机构不存在"},
	"subsidy_claim_lines_occupation_id_fkey":       {"", "工种不存在"},
	"subsidy_claim_lines_rate_id_fkey":             {"", "补贴比例不存在"},
	"subsidy_claim_lines_standard_id_fkey":         {"", "补贴标准不存在"},
	"subsidy_claim_lines_trainee_id_fkey":          {"", "学员不存在"},
	"subsidy_claim_exclusions_certificate_id_fkey": {"", "证书不存在"},
	"subsidy_claim_exclusions_claim_id_fkey":       {"", "补贴申领不存在"},
	"subsidy_claim_exclusions_class_id_fkey":       {"", "培训班不存在"},
	"subsidy_claim_exclusions_enrolment_id_fkey":   {"", "学员不在培训班名单中"},
	"subsidy_claim_exclusions_detail_check":        {"", "说明过长"},
	"subsidy_claim_exclusions_id_number_check":     {"", "身份证号码无效"},
	"subsidy_claim_exclusions_name_check":          {"", "姓名无效"},
	"subsidy_claim_exclusions_reasons_check":       {"", "未纳入原因无效"},
	"subsidy_claim_objections_body_check":          {"body", training.RuleObjectionBody.Msg()},
	"subsidy_claim_objections_objector_check":      {"objector", training.RuleObjectionShort.Msg()},
	"subsidy_claim_objections_contact_check":       {"contact", training.RuleObjectionShort.Msg()},
	"subsidy_claim_objections_decision_check":      {"decision", "处理意见过长（最多500字）"},
	"subsidy_claim_objections_decided_check":       {"decision", training.RuleObjectionReason.Msg()},
	"subsidy_claim_objections_line_check":          {"line_id", training.RuleObjectionNoLine.Msg()},
	"subsidy_claim_objections_line_id_fkey":        {"line_id", training.RuleObjectionLine.Msg()},
	"subsidy_claim_objections_claim_id_fkey":       {"", "补贴申领不存在"},
	"subsidy_claim_objections_status_check":        {"", "异议状态无效"},
	"subsidy_claim_payments_amount_check":          {"amount", "拨付金额应大于0"},
	"subsidy_claim_payments_batch_no_check":        {"batch_no", training.RulePaymentBatch.Msg()},
	"subsidy_claim_payments_voucher_no_check":      {"voucher_no", training.RulePaymentVoucher.Msg()},
	"subsidy_claim_payments_claim_id_fkey":         {"", "补贴申领不存在"},
	"subsidy_claim_payments_failed_check":          {"note", training.RulePaymentFailReason.Msg()},
	"subsidy_claim_payments_failure_reason_check":  {"note", "失败原因过长（最多500字）"},
	"subsidy_claim_payments_live_key":              {"", "第十二条：该申领已有一笔未失败的拨付，不能重复拨付"},
	"subsidy_claim_payments_settled_check":         {"", "须记录确认人和时间"},
	"subsidy_claim_payments_status_check":          {"", "拨付状态无效"},
}

func init() {
	for k, v := range claimConstraints {
		constraintErrors[k] = v
	}
}

// ConstraintMessage is the Chinese message a violated constraint shows
// (for the tests that every constraint has one).
func ConstraintMessage(name string) (string, bool) {
	m, ok := constraintErrors[name]
	return m[1], ok
}

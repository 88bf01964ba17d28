package repository

import "tianmu/internal/training"

// moneyConstraints are the messages of the fee, subsidy and fund-use
// constraints (issue 11), merged into constraintErrors.
var moneyConstraints = map[string][2]string{
	// Dated figures (SUB-1, DELIV-3).
	"subsidy_standards_no_overlap":               {"from", training.RuleStandardOverlap.Msg()},
	"subsidy_standards_dates_check":              {"to", "截止日期不能早于生效日期"},
	"subsidy_standards_amount_check":             {"amount", "每人补贴金额应在0到10万元之间"},
	"subsidy_standards_class_type_check":         {"type", "请选择培训类型"},
	"subsidy_standards_level_check":              {"level", "请选择等级"},
	"subsidy_standards_note_check":               {"note", "说明过长（最多200字）"},
	"subsidy_standards_source_doc_check":         {"source_doc", "请填写依据文件（最多100字）"},
	"subsidy_standards_occupation_id_fkey":       {"occupation_id", "工种不存在"},
	"subsidy_rates_no_overlap":                   {"from", training.RuleRateOverlap.Msg()},
	"subsidy_rates_dates_check":                  {"to", "截止日期不能早于生效日期"},
	"subsidy_rates_min_level_check":              {"min_level", "请选择等级条件"},
	"subsidy_rates_percent_check":                {"percent", "补贴比例应为0到100的整数"},
	"subsidy_rates_target_group_check":           {"group", "请选择人员类别"},
	"subsidy_rates_note_check":                   {"note", "说明过长（最多200字）"},
	"subsidy_rates_source_doc_check":             {"source_doc", "请填写依据文件（最多100字）"},
	"shortage_occupations_no_overlap":            {"from", training.RuleShortageOverlap.Msg()},
	"shortage_occupations_dates_check":           {"to", "截止日期不能早于生效日期"},
	"shortage_occupations_note_check":            {"note", "说明过长（最多200字）"},
	"shortage_occupations_source_doc_check":      {"source_doc", "请填写依据文件（最多100字）"},
	"shortage_occupations_occupation_id_fkey":    {"occupation_id", "工种不存在"},
	"attendance_thresholds_no_overlap":           {"from", training.RuleThresholdOverlap.Msg()},
	"attendance_thresholds_dates_check":          {"to", "截止日期不能早于生效日期"},
	"attendance_thresholds_percent_check":        {"percent", "出勤率门槛应为1到100的整数"},
	"attendance_thresholds_note_check":           {"note", "说明过长（最多200字）"},
	"attendance_thresholds_source_doc_check":     {"source_doc", "请填写依据文件（最多100字）"},
	"institution_status_log_institution_id_fkey": {"", "培训机构不存在"},
	"institution_status_log_status_check":        {"", "机构状态无效"},

	// Fees (SUB-2).
	"fee_applications_open_key":             {"", training.RuleFeeOpenBackstop.Msg()},
	"fee_applications_before_start_check":   {"", training.RuleFeeStartBackstop.Msg()},
	"fee_applications_amount_check":         {"amount", "每人收费应在0.01元到10万元之间"},
	"fee_applications_covers_check":         {"covers", "请写明收费包含的内容（最多500字）"},
	"fee_applications_reason_check":         {"reason", "请写明收费理由（最多500字）"},
	"fee_applications_decision_note_check":  {"note", "审核意见过长（最多500字）"},
	"fee_applications_returned_check":       {"note", "请填写退回理由"},
	"fee_applications_decided_check":        {"", "收费申请的审核信息不完整"},
	"fee_applications_status_check":         {"", "收费申请状态无效"},
	"fee_applications_cap_key":              {"", "收费申请重复"},
	"fee_applications_class_id_fkey":        {"", "培训班不存在"},
	"fee_applications_institution_id_fkey":  {"", "培训机构不存在"},
	"fee_applications_submitted_by_id_fkey": {"", "申请人账号不存在"},
	"fee_applications_decided_by_id_fkey":   {"", "审核人账号不存在"},
	"fee_payments_pkey":                     {"enrolment_id", "该学员已登记缴费，不能重复登记"},
	"fee_payments_over_approved_check":      {"amount", training.RuleFeeOverBackstop.Msg()},
	"fee_payments_application_fkey":         {"", training.RuleFeeNotApproved.Msg()},
	"fee_payments_application_status_check": {"", training.RuleFeeNotApproved.Msg()},
	"fee_payments_amount_check":             {"amount", "缴费金额应大于0"},
	"fee_payments_receipt_no_check":         {"receipt_no", "请填写收据编号（最多40字）"},
	"fee_payments_class_id_fkey":            {"", "培训班不存在"},
	"fee_payments_enrolment_id_fkey":        {"enrolment_id", "学员不在本班名单中"},
}

func init() {
	for k, v := range moneyConstraints {
		constraintErrors[k] = v
	}
}

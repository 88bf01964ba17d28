package repository

// ledgerConstraints are the messages of the ledger constraints (SUP-1),
// merged into constraintErrors.
var ledgerConstraints = map[string][2]string{
	"class_ledgers_pkey": {"", "该培训班的台账已冻结，不能重复归档"},
	// Kept figures (migrations 00113, 00115), written only by triggers.
	"class_ledger_facts_class_id_fkey":    {"", "培训班不存在"},
	"exam_result_totals_eval_org_id_fkey": {"", "考核机构不存在"},
	"exam_result_totals_status_check":     {"", "考核成绩状态无效"},
	"exam_result_totals_year_start_check": {"", "考核年度无效"},
	"class_ledgers_class_id_fkey":         {"", "培训班不存在"},
	"class_ledgers_institution_id_fkey":   {"", "培训机构不存在"},
	"class_ledgers_year_check":            {"", "台账年度无效"},
	"class_ledgers_snapshot_check":        {"", "台账快照过大或为空"},
	"class_ledgers_checksum_check":        {"", "台账校验值无效"},
	"class_ledgers_archived_by_check":     {"", "须记录归档人"},
	"class_ledgers_retention_check":       {"", "培训台账归档后至少保存十年"},
	"class_ledgers_frozen":                {"", "已归档的培训台账不能修改"},
	"class_ledgers_retained":              {"", "培训台账保存期未满，不能删除"},
	"ledger_exports_institution_id_fkey":  {"institution", "培训机构不存在"},
	"ledger_exports_year_check":           {"year", "请填写有效的年度"},
	"ledger_exports_status_check":         {"", "导出任务状态无效"},
	"ledger_exports_total_check":          {"", "导出进度无效"},
	"ledger_exports_done_check":           {"", "导出进度无效"},
	"ledger_exports_finished_check":       {"", "导出任务尚未完成"},
	"ledger_exports_bytes_check":          {"", "导出文件大小无效"},
	"ledger_exports_error_check":          {"", "错误说明过长"},
	"ledger_exports_requested_by_id_fkey": {"", "账号不存在"},
	"ledger_exports_requested_by_check":   {"", "须记录发起人"},
	"ledger_exports_progress_check":       {"", "导出进度无效"},
	"ledger_exports_pkey":                 {"", "导出任务已存在"},
	"ledger_export_parts_pkey":            {"", "导出文件已写入"},
	"ledger_export_parts_class_key":       {"", "该培训班的台账已写入本次导出"},
	"ledger_export_parts_export_id_fkey":  {"", "导出任务不存在"},
	"ledger_export_parts_class_id_fkey":   {"", "培训班不存在"},
	"ledger_export_parts_seq_check":       {"", "导出文件序号无效"},
	"ledger_export_parts_name_check":      {"", "导出文件名无效"},
}

func init() {
	for k, v := range ledgerConstraints {
		constraintErrors[k] = v
	}
}

package repository

// publicConstraints are the messages of the complaint, survey and
// employment constraints (issue 12), merged into constraintErrors.
var publicConstraints = map[string][2]string{
	"complaints_pkey":                          {"", "投诉重复"},
	"complaint_notes_pkey":                     {"", "记录重复"},
	"complaint_files_pkey":                     {"", "附件重复"},
	"employment_records_pkey":                  {"", "就业记录重复"},
	"complaints_tracking_no_key":               {"", "投诉编号重复，请重新提交"},
	"complaints_tracking_no_check":             {"", "投诉编号无效"},
	"complaints_institution_id_fkey":           {"institution_id", "培训机构不存在"},
	"complaints_class_id_fkey":                 {"class_id", "培训班不存在"},
	"complaints_body_check":                    {"body", "请写明投诉事项（5至2000字）"},
	"complaints_phone_check":                   {"phone", "请填写有效的联系电话（手机号或区号-座机号）"},
	"complaints_name_check":                    {"name", "姓名过长（最多50字）"},
	"complaints_status_check":                  {"", "投诉状态无效"},
	"complaints_assignee_id_fkey":              {"assignee_id", "经办人账号不存在"},
	"complaints_answer_check":                  {"answer", "答复过长（最多2000字）"},
	"complaints_outcome_check":                 {"outcome", "请选择办结结论"},
	"complaints_answered_check":                {"answer", "请先填写答复内容"},
	"complaints_closed_check":                  {"outcome", "办结须选择结论"},
	"complaints_handling_check":                {"assignee_id", "请先指定经办人"},
	"complaint_notes_complaint_id_fkey":        {"", "投诉不存在"},
	"complaint_notes_kind_check":               {"", "记录类型无效"},
	"complaint_notes_body_check":               {"body", "请填写内容（最多2000字）"},
	"complaint_notes_by_id_fkey":               {"", "账号不存在"},
	"complaint_files_complaint_id_fkey":        {"", "投诉不存在"},
	"complaint_files_filename_check":           {"files", "文件名过长（最多200字）"},
	"complaint_files_content_type_check":       {"files", "附件只能是图片（JPG、PNG）或 PDF"},
	"complaint_files_size_check":               {"files", "每个附件不能超过5 MB"},
	"complaint_files_data_size_check":          {"files", "附件内容不完整"},
	"survey_codes_pkey":                        {"", "该学员已有评价码"},
	"survey_codes_code_key":                    {"", "评价码重复，请重试"},
	"survey_codes_code_check":                  {"", "评价码无效"},
	"survey_codes_enrolment_id_fkey":           {"", "学员不在名单中"},
	"survey_codes_class_id_fkey":               {"", "培训班不存在"},
	"survey_codes_institution_id_fkey":         {"", "培训机构不存在"},
	"survey_answers_pkey":                      {"code", "该评价码已提交过评价，每个评价码只能评价一次"},
	"survey_answers_enrolment_id_fkey":         {"code", "评价码无效"},
	"survey_answers_class_id_fkey":             {"", "培训班不存在"},
	"survey_answers_institution_id_fkey":       {"", "培训机构不存在"},
	"survey_answers_overall_check":             {"overall", "请选择1至5分"},
	"survey_answers_teaching_check":            {"teaching", "请选择1至5分"},
	"survey_answers_venue_check":               {"venue", "请选择1至5分"},
	"survey_answers_organisation_check":        {"organisation", "请选择1至5分"},
	"survey_answers_comment_check":             {"comment", "意见建议过长（最多500字）"},
	"employment_records_key":                   {"months", "该学员这一回访期的就业情况已登记"},
	"employment_records_enrolment_id_fkey":     {"", "学员不在名单中"},
	"employment_records_class_id_fkey":         {"", "培训班不存在"},
	"employment_records_institution_id_fkey":   {"", "培训机构不存在"},
	"employment_records_months_check":          {"months", "回访期只能是3个月或6个月"},
	"employment_records_employer_needed_check": {"employer", "已就业（非自主创业）须填写就业单位（最多100字）"},
	"employment_records_employer_check":        {"employer", "就业单位过长（最多100字）"},
	"employment_records_unemployed_check":      {"employed", "未就业的不填写就业单位、入职日期"},
	"employment_records_start_check":           {"start_date", "已就业须填写入职（创业）日期"},
	"employment_records_check_result_check":    {"result", "请选择抽查结果"},
	"employment_records_check_note_check":      {"note", "抽查说明过长（最多500字）"},
	"employment_records_checked_check":         {"", "抽查信息不完整"},
}

func init() {
	for k, v := range publicConstraints {
		constraintErrors[k] = v
	}
}

// ConstraintMessage is the field and message for a constraint name, for
// the test that every constraint has one.
func ConstraintMessage(name string) ([2]string, bool) {
	m, ok := constraintErrors[name]
	return m, ok
}

package web

import (
	"strconv"
	"time"

	"tianmu/internal/training"
)

// The .xlsx exports of the lists (issue 17): each list page links to its
// export with its filters and sort (List.Export), and the export holds the
// page's columns for every matching row. ID numbers and phones are masked
// as on the pages; the full ones stay behind the audited views.

// ListExport is the header and column widths of one list's export.
type ListExport struct {
	Sheet  string
	File   string // file name of the download
	Header []string
	Widths []float64
}

// The exports of the lists.
var (
	InstitutionExport = ListExport{Sheet: "培训机构", File: "institutions.xlsx",
		Header: []string{"编号", "机构名称", "统一社会信用代码", "状态", "地址", "联系人", "联系电话", "许可工种数", "账号数", "登记时间"},
		Widths: []float64{8, 36, 22, 10, 40, 12, 16, 10, 8, 18}}
	TeacherExport = ListExport{Sheet: "培训师资", File: "teachers.xlsx",
		Header: []string{"编号", "姓名", "身份证号码", "手机", "学历", "职称", "职业资格", "所在机构", "状态", "更新时间"},
		Widths: []float64{8, 12, 22, 16, 10, 10, 36, 36, 10, 18}}
	TextbookExport = ListExport{Sheet: "教材目录", File: "textbooks.xlsx",
		Header: []string{"编号", "教材名称", "ISBN / 编号", "出版单位", "版次", "适用工种及等级", "状态", "申报机构"},
		Widths: []float64{8, 36, 22, 24, 10, 40, 10, 30}}
	ClassExport = ListExport{Sheet: "办班备案", File: "classes.xlsx",
		Header: []string{"备案编号", "机构", "工种", "等级", "类型", "开班日期", "结业日期", "最晚提交日期", "计划人数", "状态", "变更待审", "提交时自动检查提示"},
		Widths: []float64{20, 30, 20, 8, 14, 12, 12, 14, 10, 10, 10, 40}}
	ReviewExport      = ListExport{Sheet: "备案审核", File: "review.xlsx", Header: ClassExport.Header, Widths: ClassExport.Widths}
	ApplicationExport = ListExport{Sheet: "鉴定申报", File: "assessments.xlsx",
		Header: []string{"培训班", "培训机构", "工种", "等级", "证书类别", "考核机构", "考生", "申报时间", "状态"},
		Widths: []float64{20, 30, 20, 8, 14, 24, 8, 18, 10}}
	SessionExport = ListExport{Sheet: "考试场次", File: "exam-sessions.xlsx",
		Header: []string{"场次编号", "考试日期", "考试地点", "培训班", "培训机构", "工种", "等级", "考核机构", "考生", "补考", "状态"},
		Widths: []float64{18, 12, 24, 16, 30, 20, 8, 24, 8, 6, 14}}
	ResultExport = ListExport{Sheet: "考核结果", File: "exam-results.xlsx",
		Header: []string{"准考证号", "姓名", "身份证号", "考试日期", "场次编号", "考核次数", "状态", "培训班", "培训机构", "工种", "等级",
			"考核机构", "应知", "应会", "结果", "证书编号"},
		Widths: []float64{18, 10, 20, 12, 18, 8, 10, 16, 30, 20, 8, 24, 10, 10, 8, 22}}
	UserExport = ListExport{Sheet: "账号", File: "users.xlsx",
		Header: []string{"用户名", "姓名", "角色", "所属机构", "状态", "最近登录", "创建时间"},
		Widths: []float64{16, 12, 14, 30, 10, 18, 18}}
)

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// dateOrBlank and timeOrBlank leave a cell empty rather than "—".
func dateOrBlank(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(t)
}

func timeOrBlank(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return DateTime(t)
}

// InstitutionExportRow is an institution as exported (the contact's
// phone masked).
func InstitutionExportRow(r InstitutionListRow) []string {
	in := r.Institution
	return []string{i64(in.ID), in.Name, in.CreditCode, in.Status.Label(), in.Address, in.ContactName,
		training.MaskPhone(in.ContactPhone), strconv.Itoa(r.ScopeCount), strconv.Itoa(r.UserCount), DateTime(in.CreatedAt)}
}

// TeacherExportRow is a teacher as exported (masked by the repository).
func TeacherExportRow(r TeacherListRow) []string {
	return []string{i64(r.ID), r.Name, r.IDMasked, r.PhoneMasked, r.Education.Label(), r.Title.Label(), r.Certificates,
		r.Institutions, r.Status.Label(), r.UpdatedAt}
}

// TextbookExportRow is a textbook as exported.
func TextbookExportRow(b training.Textbook) []string {
	return []string{i64(b.ID), b.Title, b.Code(), b.Publisher, b.Edition, usesText(b.Uses), b.Status.Label(), b.ProposedByName}
}

// ClassExportRow is a filing as exported.
func ClassExportRow(r ClassListRow) []string {
	c := r.Class
	pending := ""
	if r.PendingChange {
		pending = "是"
	}
	return []string{c.ClassNo, c.InstitutionName, c.OccupationName, c.Plan.Level.Short(), c.Plan.Type.Label(),
		dateOrBlank(c.Plan.StartDate), dateOrBlank(c.Plan.EndDate), r.Deadline, strconv.Itoa(c.Plan.PlannedSize),
		r.Display.Label(), pending, r.Warnings}
}

// ApplicationExportRow is an application as exported.
func ApplicationExportRow(a training.Application) []string {
	return []string{a.ClassNo, a.InstitutionName, a.OccupationName, a.Level.Short(), a.CertKind.Label(), a.EvalOrgName,
		strconv.Itoa(a.CandidateCount), timeOrBlank(a.SubmittedAt), a.Status.Label()}
}

// SessionExportRow is an exam session as exported.
func SessionExportRow(x training.SessionListRow) []string {
	retake := ""
	if x.Retake {
		retake = "是"
	}
	return []string{x.No, dateOrBlank(x.ExamDate), x.Venue, x.ClassNo, x.InstitutionName, x.OccupationName, x.Level.Short(), x.EvalOrgName,
		strconv.Itoa(x.Candidates), retake, x.Status.Label()}
}

// ResultExportRow is a candidate's result as exported (ID number masked).
func ResultExportRow(x training.ResultListRow) []string {
	attempt := "首次"
	if x.Retake {
		attempt = "补考"
	}
	return []string{x.CandidateNo, x.Name, x.IDNumber, dateOrBlank(x.ExamDate), x.SessionNo, attempt, x.Status.Label(), x.ClassNo,
		x.InstitutionName, x.OccupationName, x.Level.Short(), x.EvalOrgName, x.TheoryText(), x.PracticalText(), x.Outcome.Label(),
		x.CertificateNo}
}

// UserExportRow is an account as exported.
func UserExportRow(u training.User) []string {
	state := "正常"
	switch {
	case u.Disabled:
		state = "已停用"
	case u.MustChangePassword:
		state = "待改密码"
	}
	return []string{u.Username, u.Name, u.Role.Label(), u.InstitutionName, state, DateTimePtr(u.LastLoginAt), DateTime(u.CreatedAt)}
}

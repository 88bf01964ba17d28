package roster

import (
	"io"
	"strconv"
	"strings"
	"time"

	"tianmu/internal/training"
)

// Subsidy claim workbooks (SUB-3): the claim with its lines and the people
// left out, and a payment batch. Amounts are yuan with two decimals (the
// store keeps integer fen); ID numbers are masked unless full is set (the
// bureau's audited choice).

func idCell(id string, full bool) string {
	if full {
		return id
	}
	return training.MaskID(id)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func dayPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return day(*t)
}

// ClaimLineStatus is how a line's state reads in exports and print.
func ClaimLineStatus(l training.ClaimLine) string {
	switch {
	case l.Status == "removed":
		return "已移出：" + l.Removed
	case l.Status == "released":
		return "申领已撤回"
	case l.Recovery > 0:
		return "追缴 " + training.YuanInput(l.Recovery) + " 元：" + l.RecoveryWhy
	}
	return "补贴"
}

// ClaimParts are the claim workbook's sheets: 申领汇总, 补贴明细 and
// 不予补贴名单 (each person with every reason and its article).
func ClaimParts(d training.ClaimDetail, full bool) []training.LedgerPart {
	c := d.Claim
	classes := make([]string, len(d.Classes))
	for i, cl := range d.Classes {
		classes[i] = cl.ClassNo + " " + cl.Title()
	}
	summary := [][]string{
		{"申领编号", c.ClaimNo},
		{"培训机构", c.InstitutionName},
		{"状态", c.Status.Label()},
		{"培训班", strings.Join(classes, "；")},
		{"补贴人数", strconv.Itoa(c.Lines)},
		{"补贴金额（元）", training.YuanInput(c.Total)},
		{"未纳入人数", strconv.Itoa(c.Excluded)},
		{"生成", c.CreatedBy + " " + c.CreatedAt.In(cst).Format("2006-01-02 15:04")},
		{"提交", c.SubmittedBy + " " + timePtr(c.SubmittedAt)},
		{"初审", c.ReviewedBy + " " + timePtr(c.ReviewedAt)},
		{"审批", c.ApprovedBy + " " + timePtr(c.ApprovedAt)},
		{"公示期", dayPtr(c.NoticeFrom) + " 至 " + dayPtr(c.NoticeUntil)},
		{"退回理由", c.ReturnReason},
		{"说明", training.RuleClaimFeePaid.Msg()},
	}
	if c.NoticeFrom == nil {
		summary[11][1] = ""
	}
	if full {
		summary = append(summary, []string{"身份证号码", "完整（导出已记入审计日志）"})
	} else {
		summary = append(summary, []string{"身份证号码", "已隐去中间数字"})
	}
	for _, p := range d.Payments {
		st := training.PaymentStatusLabel(p.Status)
		if p.FailureReason != "" {
			st += "：" + p.FailureReason
		}
		summary = append(summary, []string{"拨付", p.BatchNo + " · " + day(p.PaidOn) + " · 凭证 " + p.VoucherNo + " · " +
			training.YuanInput(p.Amount) + " 元 · " + st})
	}
	lines := make([][]string, 0, len(d.Lines))
	for i, l := range d.Lines {
		lines = append(lines, []string{strconv.Itoa(i + 1), l.ClassNo, l.Name, idCell(l.IDNumber, full), l.Group.Label(), l.OccupationName,
			l.Level.Short(), l.CertNo, day(l.CertDate), training.YuanInput(l.Standard), l.StandardDoc, strconv.Itoa(l.Percent) + "%",
			training.YuanInput(l.Amount), ClaimLineStatus(l)})
	}
	excl := make([][]string, 0, len(d.Exclusions))
	for i, x := range d.Exclusions {
		excl = append(excl, []string{strconv.Itoa(i + 1), x.ClassNo, x.Name, idCell(x.IDNumber, full), strings.Join(x.Messages(), "；"), x.Detail})
	}
	return []training.LedgerPart{
		{Key: "summary", Title: "申领汇总", Header: []string{"项目", "内容"}, Rows: summary, Widths: []float64{16, 80}},
		{Key: "lines", Title: "补贴明细", Header: []string{"序号", "培训班", "姓名", "身份证号码", "人员类别", "工种", "等级", "证书编号",
			"发证日期", "补贴标准（元）", "标准文件", "补贴比例", "补贴金额（元）", "状态"},
			Rows: lines, Widths: []float64{6, 12, 10, 20, 14, 14, 8, 22, 12, 12, 24, 10, 14, 24}},
		{Key: "exclusions", Title: "不予补贴名单", Header: []string{"序号", "培训班", "姓名", "身份证号码", "原因（依据）", "说明"},
			Rows: excl, Widths: []float64{6, 12, 10, 20, 70, 30}},
	}
}

func timePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(cst).Format("2006-01-02 15:04")
}

// WriteClaim writes the claim workbook.
func WriteClaim(w io.Writer, d training.ClaimDetail, full bool) error {
	return WriteLedger(w, "补贴申领 "+d.Claim.ClaimNo, ClaimParts(d, full))
}

// PaymentBatchParts are the batch workbook's sheets: the payments (one a
// claim) with the batch total, and the subsidised people (ID numbers
// masked unless full: the bureau's audited request).
func PaymentBatchParts(b training.PaymentBatch, full bool) []training.LedgerPart {
	pays := make([][]string, 0, len(b.Payments)+1)
	for i, p := range b.Payments {
		st := training.PaymentStatusLabel(p.Status)
		if p.FailureReason != "" {
			st += "：" + p.FailureReason
		}
		pays = append(pays, []string{strconv.Itoa(i + 1), p.ClaimNo, p.InstitutionName, strconv.Itoa(p.Lines), day(p.PaidOn), p.VoucherNo,
			training.YuanInput(p.Amount), st, p.RecordedBy})
	}
	pays = append(pays, []string{"", "合计", "", "", "", "", training.YuanInput(b.Total()), "", ""})
	lines := make([][]string, 0, len(b.Lines))
	for i, l := range b.Lines {
		idn := training.MaskID(l.IDNumber)
		if full {
			idn = l.IDNumber
		}
		lines = append(lines, []string{strconv.Itoa(i + 1), l.ClaimNo, l.InstitutionName, l.ClassNo, l.Name, idn,
			l.OccupationName, l.Level.Short(), l.CertNo, training.YuanInput(l.Amount)})
	}
	return []training.LedgerPart{
		{Key: "payments", Title: "拨付批次", Header: []string{"序号", "申领编号", "培训机构", "补贴人数", "拨付日期", "凭证号", "金额（元）", "状态", "登记人"},
			Rows: pays, Widths: []float64{6, 18, 28, 10, 12, 18, 14, 20, 16}},
		{Key: "lines", Title: "拨付明细", Header: []string{"序号", "申领编号", "培训机构", "培训班", "姓名", "身份证号码", "工种", "等级", "证书编号", "补贴金额（元）"},
			Rows: lines, Widths: []float64{6, 18, 28, 12, 10, 20, 14, 8, 22, 14}},
	}
}

// WritePaymentBatch writes a payment batch workbook (full: ID numbers
// whole, the bureau's audited export).
func WritePaymentBatch(w io.Writer, b training.PaymentBatch, full bool) error {
	return WriteLedger(w, "补贴拨付批次 "+b.BatchNo, PaymentBatchParts(b, full))
}

// cst is China Standard Time (no daylight saving), where times print.
var cst = time.FixedZone("CST", 8*3600)

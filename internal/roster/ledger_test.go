package roster

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tianmu/internal/training"
)

// ledger50 is a ledger of a 50-trainee class with every part filled.
func ledger50() training.Ledger {
	day := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
	l := training.Ledger{Class: training.LedgerClass{ID: 1, ClassNo: "LA2026-0001", InstitutionName: "天目学校", OccupationName: "中式烹调师",
		Level: training.Level4, Type: training.TypeSkillLevel, Status: "archived", Start: day, End: day.AddDate(0, 0, 20), TheoryHours: 40, PracticalHours: 80},
		BuiltAt: day}
	for i := range 3 {
		l.Versions = append(l.Versions, training.LedgerVersion{No: i + 1, Kind: "approved", ActorName: "王科长", At: day, Sessions: 30, Hours: 120})
	}
	for i := range 30 {
		d := day.AddDate(0, 0, i)
		l.Sessions = append(l.Sessions, training.LedgerSession{Seq: i + 1, Day: &d, Kind: "theory", PlannedHours: 4, Teacher: "李晓燕",
			Held: true, Delivered: 4, DeliveredBy: "李晓燕", Present: 48, Absent: 1, Leave: 1, RecordedBy: "陈老师", RecordedAt: &d})
	}
	for i := range 50 {
		id := fmt.Sprintf("3301851990010%04dX", i)
		no := fmt.Sprintf("XY-%03d", i)
		paid := false
		th, pr := 80, 70
		l.Trainees = append(l.Trainees, training.LedgerTrainee{EnrolmentID: int64(i + 1), Name: fmt.Sprintf("学员%d", i), IDNumber: id,
			Phone: "13857110001", Sex: "M", TargetGroup: "unemployed", AgreementNo: no, AgreementDate: &day, PaysFee: &paid,
			SessionsRecorded: 30, SessionsAttended: 29, HoursAttended: 116})
		l.Results = append(l.Results, training.LedgerResult{EnrolmentID: int64(i + 1), Name: fmt.Sprintf("学员%d", i), IDNumber: id,
			SessionNo: "KS-1", ExamDate: day, Attempt: 1, CandidateNo: fmt.Sprintf("KS-1-%03d", i), SessionStatus: "published",
			Theory: &th, Practical: &pr, Outcome: "pass", CertNo: fmt.Sprintf("ZS%06d", i), CertIssued: &day})
		l.History = append(l.History, training.LedgerEvent{At: day, Actor: "陈老师", Action: "roster.add"})
	}
	l.Trainees[0].Name = "=HYPERLINK(\"x\")" // never a formula
	return l
}

func TestWriteLedger(t *testing.T) {
	var buf bytes.Buffer
	l := ledger50()
	if err := WriteLedger(&buf, "天目学校 LA2026-0001 培训台账", l.Parts()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := len(f.GetSheetList()); n != len(l.Parts()) {
		t.Fatalf("%d sheets", n)
	}
	// The first sheet opens.
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Fatalf("active sheet %d", i)
	}
	rows, err := f.GetRows("学员名单")
	if err != nil || len(rows) != 52 {
		t.Fatalf("roster sheet: %v, %d rows", err, len(rows))
	}
	if rows[1][2] != "身份证号码" || rows[2][2] != "330185********000X" || rows[2][4] != "138****0001" {
		t.Fatalf("not masked: %v", rows[2])
	}
	if !strings.HasPrefix(rows[2][1], "'=") {
		t.Fatalf("a formula got through: %q", rows[2][1])
	}
	if rows, _ := f.GetRows("考核与证书"); len(rows) != 52 || rows[2][8] != "合格" {
		t.Fatalf("results sheet: %v", rows[2])
	}
}

// BenchmarkWriteLedger50 is the workbook of a 50-trainee class (issue 12:
// under 500 ms; measured here and by tianmu-bench, not asserted).
func BenchmarkWriteLedger50(b *testing.B) {
	l := ledger50()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteLedger(&buf, "台账", l.Parts()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

package repository_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

func generalErr(err error) string {
	v, ok := training.AsValidation(err)
	if !ok {
		return ""
	}
	return strings.Join(v.General, "；")
}

// enrol adds trainees n..n+k-1 to class id and returns their enrolment ids.
func (cf *classFixture) enrol(id int64, n, k int) []int64 {
	cf.t.Helper()
	var ids []int64
	for i := n; i < n+k; i++ {
		eid, err := cf.s.AddTrainee(cf.ctx, cf.school, id, traineeIn(i))
		if err != nil {
			cf.t.Fatal(err)
		}
		ids = append(ids, eid)
	}
	return ids
}

// sign records an agreement for every enrolment, numbered prefix-i.
func (cf *classFixture) sign(id int64, eids []int64, prefix string) {
	cf.t.Helper()
	rows := map[int64]training.AgreementInput{}
	for i, e := range eids {
		rows[e] = training.AgreementInput{No: fmt.Sprintf("%s-%03d", prefix, i+1), Date: "2026-03-01", Fee: "no"}
	}
	if _, err := cf.s.RecordAgreements(cf.ctx, cf.school, id, rows); err != nil {
		cf.t.Fatal(err)
	}
}

func (cf *classFixture) marks(eids []int64, m training.AttendanceStatus) map[int64]string {
	out := map[int64]string{}
	for _, e := range eids {
		out[e] = string(m)
	}
	return out
}

func (cf *classFixture) sessionIDs(id int64) []int64 {
	var out []int64
	for _, s := range cf.class(id).Plan.Sessions {
		out = append(out, s.ID)
	}
	return out
}

func TestAgreementsWholeOrNothing(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass()
	e := cf.enrol(id, 1, 3)
	in := func(no, date, fee string) training.AgreementInput {
		return training.AgreementInput{No: no, Date: date, Fee: fee}
	}
	_, err := cf.s.RecordAgreements(cf.ctx, cf.school, id, map[int64]training.AgreementInput{
		e[0]: in("XY-1", "2026-03-01", "no"), e[1]: in("XY-2", "2026-03-01", ""), e[2]: in("XY-1", "2026-03-20", "yes")})
	if !strings.Contains(fieldErr(err, training.AgreementField("pays_fee", e[1])), "第十六条") {
		t.Fatalf("incomplete row: %v", err)
	}
	if fieldErr(err, training.AgreementField("agreement_no", e[2])) == "" || !strings.Contains(fieldErr(err, training.AgreementField("agreement_date", e[2])), "开班") {
		t.Fatalf("duplicate number / date after the start: %v", err)
	}
	var n int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT count(*) FROM enrolments WHERE class_id = $1 AND agreement_no IS NOT NULL`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d agreements saved from a page with errors", n)
	}
	if got, err := cf.s.RecordAgreements(cf.ctx, cf.school, id, map[int64]training.AgreementInput{
		e[0]: in("XY-1", "2026-03-01", "no"), e[1]: in("XY-2", "2026-03-01", "yes"), e[2]: in("XY-3", "2026-02-27", "no")}); err != nil || got != 3 {
		t.Fatalf("record: %d %v", got, err)
	}
	// Numbers may move between rows of one page.
	if _, err := cf.s.RecordAgreements(cf.ctx, cf.school, id, map[int64]training.AgreementInput{
		e[0]: in("XY-2", "2026-03-01", "no"), e[1]: in("XY-1", "2026-03-01", "yes")}); err != nil {
		t.Fatalf("swap: %v", err)
	}
	// Unique across classes.
	other := cf.submitted()
	oe := cf.enrol(other, 100, 1)
	_, err = cf.s.RecordAgreements(cf.ctx, cf.school, other, map[int64]training.AgreementInput{oe[0]: in("XY-3", "2026-03-01", "no")})
	if !strings.Contains(fieldErr(err, training.AgreementField("agreement_no", oe[0])), "已被其他学员使用") {
		t.Fatalf("number of another class: %v", err)
	}
	// Not the bureau's to record; not another institution's class.
	if _, err := cf.s.RecordAgreements(cf.ctx, cf.bureau, id, nil); err != training.ErrForbidden {
		t.Fatalf("bureau: %v", err)
	}
	if _, err := cf.s.RecordAgreements(cf.ctx, cf.acad, id, nil); err != training.ErrNotFound {
		t.Fatalf("academy: %v", err)
	}
	// The print fills the template with the full ID number and is audited.
	pr, err := cf.s.PrintAgreements(cf.ctx, cf.bureau, id, e[2])
	if err != nil || len(pr.Agreements) != 1 || !strings.Contains(pr.Agreements[0].Text, traineeIn(3).IDNumber) ||
		!strings.Contains(pr.Agreements[0].Text, "XY-3") || !strings.Contains(pr.Agreements[0].Text, "第十六条") {
		t.Fatalf("print: %+v %v", pr, err)
	}
	if _, err := cf.s.PrintAgreements(cf.ctx, cf.acad, id, 0); err != training.ErrNotFound {
		t.Fatalf("academy print: %v", err)
	}
	if _, err := cf.s.PrintAgreements(cf.ctx, cf.school, id, oe[0]); err != training.ErrNotFound {
		t.Fatalf("enrolment of another class: %v", err)
	}
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT count(*) FROM audit_log WHERE action = 'agreement.print' AND entity_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d print audits", n)
	}
}

func TestAgreementTemplateVersions(t *testing.T) {
	cf := newClassFixture(t)
	cur, err := cf.s.AgreementTemplate(cf.ctx)
	if err != nil || cur.No != 1 || !strings.Contains(cur.Body, "第十六条") {
		t.Fatalf("seeded template: %+v %v", cur, err)
	}
	if _, err := cf.s.SaveAgreementTemplate(cf.ctx, cf.bureau, 1, "协议 {{学员姓名}} {{身份证号码}} {{未知}}", ""); !strings.Contains(fieldErr(err, "body"), "{{未知}}") {
		t.Fatalf("unknown placeholder: %v", err)
	}
	if _, err := cf.s.SaveAgreementTemplate(cf.ctx, cf.bureau, 1, "协议 {{学员姓名}}", ""); !strings.Contains(fieldErr(err, "body"), "{{协议编号}}") {
		t.Fatalf("missing placeholder: %v", err)
	}
	body := "职业培训协议书 {{协议编号}}\n乙方：{{学员姓名}} {{身份证号码}}"
	if no, err := cf.s.SaveAgreementTemplate(cf.ctx, cf.bureau, 1, body, "精简"); err != nil || no != 2 {
		t.Fatalf("save: %d %v", no, err)
	}
	if _, err := cf.s.SaveAgreementTemplate(cf.ctx, cf.bureau, 1, body, "旧版本"); err != training.ErrConflict {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := cf.s.SaveAgreementTemplate(cf.ctx, cf.school, 2, body, ""); err != training.ErrForbidden {
		t.Fatalf("institution: %v", err)
	}
	list, err := cf.s.AgreementTemplates(cf.ctx, cf.bureau)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Body != body {
		t.Fatalf("versions: %+v", list)
	}
}

func TestAttendanceRulesChangesAndFinishing(t *testing.T) {
	cf := newClassFixture(t)
	draft := cf.submitted()
	id := cf.approvedClass()
	e := cf.enrol(id, 1, 2)
	s := cf.sessionIDs(id)
	all := cf.marks(e, training.AttPresent)
	rec := func(sid int64, hours string, teacher int64, marks map[int64]string) (bool, error) {
		return cf.s.RecordAttendance(cf.ctx, cf.school, id, sid, training.AttendanceInput{Hours: hours, TeacherID: fmt.Sprint(teacher), Marks: marks})
	}
	// FILE-3: not before approval.
	ds := cf.sessionIDs(draft)
	if _, err := cf.s.RecordAttendance(cf.ctx, cf.school, draft, ds[0], training.AttendanceInput{}); !strings.Contains(generalErr(err), "备案同意") {
		t.Fatalf("before approval: %v", err)
	}
	// Not before the session's date.
	if _, err := rec(s[0], "3", cf.theory, all); !strings.Contains(generalErr(err), "未到上课日期") {
		t.Fatalf("before the date: %v", err)
	}
	cf.setNow(time.Date(2026, 3, 16, 12, 0, 0, 0, repository.Shanghai))
	// DELIV-1: not while a trainee lacks an agreement.
	if _, err := rec(s[0], "3", cf.theory, all); !strings.Contains(generalErr(err), "第十六条") || !strings.Contains(generalErr(err), "学员1") {
		t.Fatalf("without agreements: %v", err)
	}
	cf.sign(id, e, "AT")
	// FILE-5: a session of another class is not in this plan.
	if _, err := rec(ds[0], "3", cf.theory, all); !strings.Contains(generalErr(err), "不在现行备案计划") {
		t.Fatalf("foreign session: %v", err)
	}
	// A mark for every trainee.
	if _, err := rec(s[0], "3", cf.theory, map[int64]string{e[0]: "present"}); fieldErr(err, training.MarkField(e[1])) == "" {
		t.Fatalf("missing mark: %v", err)
	}
	if _, err := cf.s.RecordAttendance(cf.ctx, cf.bureau, id, s[0], training.AttendanceInput{}); err != training.ErrForbidden {
		t.Fatalf("bureau records: %v", err)
	}
	if _, err := cf.s.RecordAttendance(cf.ctx, cf.acad, id, s[0], training.AttendanceInput{}); err != training.ErrNotFound {
		t.Fatalf("academy records: %v", err)
	}

	// A change asked before the session was held, decided after: refused.
	plan := cf.class(id).Plan
	moved := plan
	moved.Sessions = append([]training.Session{}, plan.Sessions...)
	moved.Sessions[0].Start, moved.Sessions[0].End = "08:00", "11:00"
	if err := cf.s.RequestChange(cf.ctx, cf.school, id, cf.class(id).Version, moved, "调整上课时间"); err != nil {
		t.Fatal(err)
	}
	if fin, err := rec(s[0], "3", cf.theory, map[int64]string{e[0]: "present", e[1]: "absent"}); err != nil || fin {
		t.Fatalf("record session 1: %v %v", fin, err)
	}
	err := cf.s.DecideChange(cf.ctx, cf.bureau, id, cf.class(id).Version, true, "")
	if !strings.Contains(generalErr(err), "已上课的课程不能变更") {
		t.Fatalf("decide a change of a held session: %v", err)
	}
	if err := cf.s.DecideChange(cf.ctx, cf.bureau, id, cf.class(id).Version, false, "已上课"); err != nil {
		t.Fatal(err)
	}
	// Asked after: refused at once.
	if err := cf.s.RequestChange(cf.ctx, cf.school, id, cf.class(id).Version, moved, "调整上课时间"); !strings.Contains(generalErr(err), "已上课的课程不能变更") {
		t.Fatalf("request a change of a held session: %v", err)
	}
	// A change of a later session keeps the held one (same id, same marks).
	later := plan
	later.Sessions = append([]training.Session{}, plan.Sessions...)
	later.Sessions[1].Start = "14:00"
	if err := cf.s.RequestChange(cf.ctx, cf.school, id, cf.class(id).Version, later, "下午推迟半小时"); err != nil {
		t.Fatal(err)
	}
	if err := cf.s.DecideChange(cf.ctx, cf.bureau, id, cf.class(id).Version, true, ""); err != nil {
		t.Fatal(err)
	}
	now := cf.sessionIDs(id)
	if now[0] != s[0] || now[1] == s[1] {
		t.Fatalf("session ids before %v, after %v", s, now)
	}
	// The replaced session is no longer in the plan in force (FILE-5).
	cf.setNow(time.Date(2026, 3, 17, 18, 0, 0, 0, repository.Shanghai))
	if _, err := rec(s[1], "4", cf.practice, all); !strings.Contains(generalErr(err), "不在现行备案计划") {
		t.Fatalf("replaced session: %v", err)
	}
	// The last session: the class finishes in the same transaction.
	if c := cf.class(id); training.DisplayStatus(c.Status, c.Plan.StartDate, cf.s.Today()) != training.ClassTraining {
		t.Fatalf("before the last session: %s", c.Status)
	}
	fin, err := rec(now[1], "3", cf.theory, map[int64]string{e[0]: "present", e[1]: "late"})
	if err != nil || !fin {
		t.Fatalf("last session: %v %v", fin, err)
	}
	if c := cf.class(id); c.Status != training.ClassFinished {
		t.Fatalf("after the last session: %s", c.Status)
	}
	var n int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT count(*) FROM audit_log WHERE action = 'class.finish' AND entity_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d finish audits", n)
	}
	// Rates: 2/2 and 1/2 (absent once, late once).
	rates, err := cf.s.AttendanceRates(cf.ctx, cf.centre, id)
	if err != nil || rates[e[0]] != 1 || rates[e[1]] != 0.5 {
		t.Fatalf("rates %v %v", rates, err)
	}
	if _, err := cf.s.AttendanceRates(cf.ctx, cf.acad, id); err != training.ErrNotFound {
		t.Fatalf("academy rates: %v", err)
	}
	// Flags: session 2 was 3 hours of 4 and taught by the theory teacher
	// (on the filing: not an off-plan teacher).
	dl, err := cf.s.ClassDelivery(cf.ctx, cf.bureau, id)
	if err != nil || dl.Summary.Delivered != 6 || dl.Summary.PlannedHours != 7 || len(dl.Summary.Flags) != 1 ||
		!strings.Contains(dl.Summary.Flags[0], "缩减课时") {
		t.Fatalf("delivery %+v %v", dl.Summary, err)
	}
	rows, total, err := cf.s.DeliveryReport(cf.ctx, cf.bureau, true, repository.Page{})
	if err != nil || total != 1 || rows[0].ClassID != id || rows[0].Short != 1 || rows[0].OffPlan != 0 {
		t.Fatalf("report %+v %d %v", rows, total, err)
	}
	// A correction with a teacher not on the filing is flagged too.
	wang := cf.queryID(`SELECT id FROM teachers WHERE name = '王建华'`)
	if _, err := rec(now[1], "4", wang, all); err != nil {
		t.Fatal(err)
	}
	rows, _, err = cf.s.DeliveryReport(cf.ctx, cf.bureau, true, repository.Page{})
	must(t, err)
	if len(rows) != 1 || rows[0].Short != 0 || rows[0].OffPlan != 1 {
		t.Fatalf("report after the correction %+v", rows)
	}
	// Agreements cannot be removed once attendance is recorded.
	if _, err := cf.s.RecordAgreements(cf.ctx, cf.school, id, map[int64]training.AgreementInput{e[0]: {}}); err == nil {
		t.Fatal("agreement of a finished class changed")
	}
}

func (cf *classFixture) queryID(q string, args ...any) int64 {
	cf.t.Helper()
	var id int64
	if err := cf.s.Pool().QueryRow(cf.ctx, q, args...).Scan(&id); err != nil {
		cf.t.Fatal(err)
	}
	return id
}

// counter counts the statements a pool sends (queries and batch items).
type counter struct{ n atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *counter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}
func (c *counter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) { c.n.Add(1) }
func (c *counter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// TestAttendanceQueriesDoNotGrowWithTheClass: the sheet and the recording
// send the same number of statements for 10 and for 50 trainees (set-based:
// no query per trainee).
func TestAttendanceQueriesDoNotGrowWithTheClass(t *testing.T) {
	cf := newClassFixture(t)
	cfg := cf.s.Pool().Config().Copy()
	tr := &counter{}
	cfg.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(cf.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	traced := repository.New(pool, cf.s.Now)
	count := func(size int) (sheet, record int64) {
		id := cf.approvedClass()
		e := cf.enrol(id, size*1000, size)
		cf.sign(id, e, fmt.Sprintf("Q%d", size))
		sid := cf.sessionIDs(id)[0]
		cf.setNow(time.Date(2026, 3, 16, 12, 0, 0, 0, repository.Shanghai))
		defer cf.setNow(time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai))
		tr.n.Store(0)
		sh, err := traced.AttendanceSheet(cf.ctx, cf.school, id, sid)
		if err != nil || len(sh.Rows) != size {
			t.Fatalf("sheet: %d rows, %v", len(sh.Rows), err)
		}
		sheet = tr.n.Swap(0)
		if _, err := traced.RecordAttendance(cf.ctx, cf.school, id, sid, training.AttendanceInput{Hours: "3",
			TeacherID: fmt.Sprint(cf.theory), Marks: cf.marks(e, training.AttPresent)}); err != nil {
			t.Fatal(err)
		}
		return sheet, tr.n.Load()
	}
	s10, r10 := count(10)
	s50, r50 := count(50)
	t.Logf("statements: sheet %d (10 trainees) / %d (50); record %d / %d", s10, s50, r10, r50)
	if s10 != s50 || r10 != r50 {
		t.Fatalf("statements grow with the class: sheet %d→%d, record %d→%d", s10, s50, r10, r50)
	}
}

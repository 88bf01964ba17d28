package repository_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// fixture is a store on a fresh database with the demo data loaded.
type fixture struct {
	t      *testing.T
	s      *repository.Store
	ctx    context.Context
	bureau training.Actor
	school training.Actor // 天目职业技能培训学校
	acad   training.Actor // 锦城家政服务培训中心
	centre training.Actor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	clock := func() time.Time { return now }
	// The demo data is loaded once per test process; each test gets a copy.
	pool := dbtest.PoolWith(t, "demo", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, clock), password.Params{Memory: 64, Time: 1, Threads: 1})
	})
	s := repository.New(pool, clock)
	ctx := context.Background()
	f := &fixture{t: t, s: s, ctx: ctx}
	f.bureau, f.school, f.acad, f.centre = f.actor("bureau"), f.actor("school"), f.actor("academy"), f.actor("centre")
	return f
}

func (f *fixture) actor(username string) training.Actor {
	f.t.Helper()
	u, _, err := f.s.UserForLogin(f.ctx, username)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.Actor()
}

func (f *fixture) occupation(code string) int64 {
	f.t.Helper()
	var id int64
	if err := f.s.Pool().QueryRow(f.ctx, `SELECT id FROM occupations WHERE code = $1`, code).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// idNumber builds a valid resident ID number from a 17-digit prefix.
func idNumber(prefix string) string { return prefix + string(training.IDCheckChar(prefix)) }

func (f *fixture) teacher(a training.Actor, name, id string, edu training.Education, title training.Title) int64 {
	f.t.Helper()
	tid, _, err := f.s.CreateTeacher(f.ctx, a, training.TeacherInput{Name: name, IDNumber: id, Phone: "13800001111", Education: edu, Title: title})
	if err != nil {
		f.t.Fatal(err)
	}
	return tid
}

// count runs a count(*) query. The demo data already holds teachers,
// certificates and textbooks, so tests compare counts before and after.
func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.s.Pool().QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) version(id int64) int {
	f.t.Helper()
	var v int
	if err := f.s.Pool().QueryRow(f.ctx, `SELECT version FROM teachers WHERE id = $1`, id).Scan(&v); err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *fixture) status(id int64) training.TeacherStatus {
	f.t.Helper()
	var st string
	if err := f.s.Pool().QueryRow(f.ctx, `SELECT status FROM teachers WHERE id = $1`, id).Scan(&st); err != nil {
		f.t.Fatal(err)
	}
	return training.TeacherStatus(st)
}

func (f *fixture) review(a training.Actor, id int64, act training.TeacherAction, note string) error {
	return f.s.ReviewTeacher(f.ctx, a, id, f.version(id), act, note)
}

func fieldErr(err error, field string) string {
	v, ok := training.AsValidation(err)
	if !ok {
		return ""
	}
	return v.Fields[field]
}

func TestTeacherPoolDedupe(t *testing.T) {
	f := newFixture(t)
	before := f.count(`SELECT count(*) FROM teachers`)
	idn := idNumber("33018519800101123")
	id := f.teacher(f.school, "张三", idn, training.EduCollege, training.TitleMiddle)

	// The same person proposed by another institution links to the record.
	id2, linked, err := f.s.CreateTeacher(f.ctx, f.acad, training.TeacherInput{Name: "张三", IDNumber: strings.ToLower(idn), Phone: "13900002222", Education: training.EduHigh})
	if err != nil || !linked || id2 != id {
		t.Fatalf("second institution: id %d linked %v err %v (first %d)", id2, linked, err, id)
	}
	tr, err := f.s.TeacherDetail(f.ctx, f.acad, id)
	if err != nil || len(tr.Institutions) != 2 {
		t.Fatalf("detail: %v %+v", err, tr.Institutions)
	}
	if tr.Phone != "13800001111" || tr.Education != training.EduCollege {
		t.Error("linking overwrote the existing record")
	}
	// Same institution again: refused.
	_, _, err = f.s.CreateTeacher(f.ctx, f.school, training.TeacherInput{Name: "张三", IDNumber: idn, Phone: "13800001111", Education: training.EduHigh})
	if !strings.Contains(fieldErr(err, "id_number"), "已在本机构") {
		t.Fatalf("duplicate in same institution: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM teachers`) - before; n != 1 {
		t.Fatalf("new teachers = %d, want 1", n)
	}
}

func TestTeacherLinkNeedsMatchingName(t *testing.T) {
	f := newFixture(t)
	idn := idNumber("33018519800101123")
	before := f.count(`SELECT count(*) FROM teacher_institutions`)
	f.teacher(f.school, "张三", idn, training.EduCollege, training.TitleMiddle)
	_, _, err := f.s.CreateTeacher(f.ctx, f.acad, training.TeacherInput{Name: "李四", IDNumber: idn, Phone: "13800001111", Education: training.EduHigh})
	if !strings.Contains(fieldErr(err, "name"), "姓名") {
		t.Fatalf("link with another name: %v", err)
	}
	if links := f.count(`SELECT count(*) FROM teacher_institutions`) - before; links != 1 {
		t.Fatalf("new links = %d", links)
	}
}

func TestTeacherPoolDedupeConcurrent(t *testing.T) {
	f := newFixture(t)
	idn := idNumber("33018519850505432")
	teachersBefore, linksBefore := f.count(`SELECT count(*) FROM teachers`), f.count(`SELECT count(*) FROM teacher_institutions`)
	var wg sync.WaitGroup
	ids := make([]int64, 2)
	errs := make([]error, 2)
	for i, a := range []training.Actor{f.school, f.acad} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], _, errs[i] = f.s.CreateTeacher(f.ctx, a, training.TeacherInput{Name: "赵六", IDNumber: idn, Phone: "13800001111", Education: training.EduHigh})
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || ids[0] != ids[1] {
		t.Fatalf("concurrent proposals: %v %v ids %v", errs[0], errs[1], ids)
	}
	n := f.count(`SELECT count(*) FROM teachers`) - teachersBefore
	links := f.count(`SELECT count(*) FROM teacher_institutions`) - linksBefore
	if n != 1 || links != 2 {
		t.Fatalf("new teachers %d, new links %d", n, links)
	}
}

func TestTeacherReviewTransitions(t *testing.T) {
	f := newFixture(t)
	cook := f.occupation("4-03-02-01")
	id := f.teacher(f.school, "张三", idNumber("33018519800101123"), training.EduCollege, training.TitleMiddle)
	if f.status(id) != training.TeacherDraft {
		t.Fatal("new teacher not draft")
	}
	// Approving a draft is refused; the bureau cannot submit.
	if err := f.review(f.bureau, id, training.ActTeacherApprove, ""); err == nil {
		t.Fatal("approved a draft")
	}
	if err := f.review(f.bureau, id, training.ActTeacherSubmit, ""); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("bureau submit: %v", err)
	}
	if err := f.review(f.school, id, training.ActTeacherSubmit, ""); err != nil {
		t.Fatal(err)
	}
	// An institution cannot approve; a return needs reasons.
	if err := f.review(f.school, id, training.ActTeacherApprove, ""); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution approve: %v", err)
	}
	if err := f.review(f.bureau, id, training.ActTeacherReturn, " "); fieldErr(err, "note") == "" {
		t.Fatalf("return without reason: %v", err)
	}
	if err := f.review(f.bureau, id, training.ActTeacherReturn, "请补充职称证书扫描件"); err != nil {
		t.Fatal(err)
	}
	if f.status(id) != training.TeacherReturned {
		t.Fatal("not returned")
	}
	if err := f.review(f.school, id, training.ActTeacherSubmit, ""); err != nil {
		t.Fatal(err)
	}
	// A stale version is a conflict.
	if err := f.s.ReviewTeacher(f.ctx, f.bureau, id, f.version(id)-1, training.ActTeacherApprove, ""); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale approve: %v", err)
	}
	if err := f.review(f.bureau, id, training.ActTeacherApprove, ""); err != nil {
		t.Fatal(err)
	}
	if f.status(id) != training.TeacherApproved {
		t.Fatal("not approved")
	}
	// A name or phone change keeps the approval ...
	if err := f.s.UpdateTeacher(f.ctx, f.school, id, f.version(id), training.TeacherInput{Name: "张三", Phone: "13900009999", Education: training.EduCollege, Title: training.TitleMiddle}); err != nil {
		t.Fatal(err)
	}
	if f.status(id) != training.TeacherApproved {
		t.Fatal("phone change sent teacher back to review")
	}
	// ... a new certificate sends it back to review,
	if err := f.s.AddCertificate(f.ctx, f.school, id, f.version(id), training.CertificateInput{OccupationID: cook, Level: training.Level2,
		Number: "1433000000301234", IssueDate: "2019-06-30", Issuer: "杭州市人力资源和社会保障局"}); err != nil {
		t.Fatal(err)
	}
	if f.status(id) != training.TeacherSubmitted {
		t.Fatalf("after certificate: %s", f.status(id))
	}
	if err := f.review(f.bureau, id, training.ActTeacherApprove, ""); err != nil {
		t.Fatal(err)
	}
	// ... and so does a title change.
	if err := f.s.UpdateTeacher(f.ctx, f.school, id, f.version(id), training.TeacherInput{Name: "张三", Phone: "13900009999", Education: training.EduCollege, Title: training.TitleViceSenior}); err != nil {
		t.Fatal(err)
	}
	if f.status(id) != training.TeacherSubmitted {
		t.Fatalf("after title change: %s", f.status(id))
	}
	// Every step is in the audit log.
	var n int
	if err := f.s.Pool().QueryRow(f.ctx, `SELECT count(*) FROM audit_log WHERE entity = 'teacher' AND entity_id = $1 AND action IN ('teacher.submit','teacher.approve','teacher.return')`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Fatalf("review audit rows = %d, want 5", n)
	}
}

func TestTeacherScopeAndPIIAudit(t *testing.T) {
	f := newFixture(t)
	_, acadBefore, err := f.s.Teachers(f.ctx, f.acad, repository.TeacherFilter{}, repository.Page{})
	if err != nil {
		t.Fatal(err)
	}
	_, bureauBefore, err := f.s.Teachers(f.ctx, f.bureau, repository.TeacherFilter{}, repository.Page{})
	if err != nil {
		t.Fatal(err)
	}
	id := f.teacher(f.school, "张三", idNumber("33018519800101123"), training.EduCollege, training.TitleMiddle)
	if _, err := f.s.TeacherDetail(f.ctx, f.acad, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("other institution detail: %v", err)
	}
	if _, err := f.s.TeacherDetail(f.ctx, f.centre, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("centre detail: %v", err)
	}
	if err := f.s.UpdateTeacher(f.ctx, f.acad, id, f.version(id), training.TeacherInput{Name: "x"}); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("other institution update: %v", err)
	}
	if _, err := f.s.TeacherDetail(f.ctx, f.bureau, 999999); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	for _, a := range []training.Actor{f.school, f.bureau} {
		tr, err := f.s.TeacherDetail(f.ctx, a, id)
		if err != nil || tr.IDNumber != idNumber("33018519800101123") {
			t.Fatalf("detail for %s: %v", a.Username, err)
		}
	}
	var n int
	var after string
	if err := f.s.Pool().QueryRow(f.ctx, `SELECT count(*), max(after::text) FROM audit_log WHERE action = 'teacher.view_pii' AND entity_id = $1`, id).Scan(&n, &after); err != nil {
		t.Fatal(err)
	}
	if n != 2 || strings.Contains(after, "33018519800101123") {
		t.Fatalf("view_pii rows %d, after %s (must be masked)", n, after)
	}
	find := func(rows []repository.TeacherRow) *repository.TeacherRow {
		for i := range rows {
			if rows[i].ID == id {
				return &rows[i]
			}
		}
		return nil
	}
	rows, total, err := f.s.Teachers(f.ctx, f.acad, repository.TeacherFilter{}, repository.Page{Size: 100})
	if err != nil || total != acadBefore || find(rows) != nil {
		t.Fatalf("other institution list: %d (was %d) %v", total, acadBefore, err)
	}
	rows, total, err = f.s.Teachers(f.ctx, f.bureau, repository.TeacherFilter{}, repository.Page{Size: 100})
	if r := find(rows); err != nil || total != bureauBefore+1 || r == nil || r.IDMasked != "330185********"+idNumber("33018519800101123")[14:] {
		t.Fatalf("bureau list: %d (was %d) %+v %v", total, bureauBefore, r, err)
	}
}

func TestCertificateRules(t *testing.T) {
	f := newFixture(t)
	cook, nanny := f.occupation("4-03-02-01"), f.occupation("4-10-01-02")
	before := f.count(`SELECT count(*) FROM teacher_certificates`)
	a := f.teacher(f.school, "张三", idNumber("33018519800101123"), training.EduCollege, training.TitleMiddle)
	b := f.teacher(f.acad, "李四", idNumber("33018519900202234"), training.EduHigh, training.TitleNone)
	in := training.CertificateInput{OccupationID: cook, Level: training.Level3, Number: "A-001", IssueDate: "2020-01-01", Issuer: "杭州市人社局"}
	if err := f.s.AddCertificate(f.ctx, f.school, a, f.version(a), in); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddCertificate(f.ctx, f.school, a, f.version(a), in); !strings.Contains(fieldErr(err, "number"), "已登记") {
		t.Fatalf("duplicate certificate: %v", err)
	}
	if err := f.s.AddCertificate(f.ctx, f.acad, b, f.version(b), in); !strings.Contains(fieldErr(err, "number"), "已登记") {
		t.Fatalf("certificate number on another person: %v", err)
	}
	in.Number, in.OccupationID, in.Level = "A-002", nanny, training.Level1
	if err := f.s.AddCertificate(f.ctx, f.acad, b, f.version(b), in); !strings.Contains(fieldErr(err, "level"), "育婴员没有") {
		t.Fatalf("level the occupation lacks: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM teacher_certificates`) - before; n != 1 {
		t.Fatalf("new certificates = %d", n)
	}
}

func TestTeachersForCheckAndEligible(t *testing.T) {
	f := newFixture(t)
	cook, pastry, weld := f.occupation("4-03-02-01"), f.occupation("4-03-02-02"), f.occupation("6-18-02-04")
	mk := func(name, prefix string, edu training.Education, title training.Title, certs ...training.CertificateInput) int64 {
		id := f.teacher(f.school, name, idNumber(prefix), edu, title)
		for _, c := range certs {
			c.IssueDate, c.Issuer = "2020-01-01", "杭州市人社局"
			if err := f.s.AddCertificate(f.ctx, f.school, id, f.version(id), c); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.review(f.school, id, training.ActTeacherSubmit, ""); err != nil {
			t.Fatal(err)
		}
		return id
	}
	master := mk("技师甲", "33018519700101001", training.EduHigh, training.TitleNone, training.CertificateInput{OccupationID: cook, Level: training.Level2, Number: "C1"})
	senior := mk("高级工乙", "33018519700101002", training.EduHigh, training.TitleNone, training.CertificateInput{OccupationID: pastry, Level: training.Level3, Number: "C2"})
	welder := mk("焊工丙", "33018519700101003", training.EduHigh, training.TitleNone, training.CertificateInput{OccupationID: weld, Level: training.Level2, Number: "C3"})
	pending := mk("待审丁", "33018519700101004", training.EduHigh, training.TitleNone, training.CertificateInput{OccupationID: cook, Level: training.Level1, Number: "C4"})
	for _, id := range []int64{master, senior, welder} {
		if err := f.review(f.bureau, id, training.ActTeacherApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	// The demo pool has teachers of its own; the answers are compared on
	// this test's four.
	mine := map[int64]bool{master: true, senior: true, welder: true, pending: true}
	ids := func(rows []repository.EligibleRow) []int64 {
		var out []int64
		for _, r := range rows {
			if mine[r.ID] {
				out = append(out, r.ID)
			}
		}
		slices.Sort(out)
		return out
	}
	is := func(rows []repository.EligibleRow, want ...int64) bool {
		slices.Sort(want)
		return slices.Equal(ids(rows), want)
	}
	// 三级 practical 中式烹调师: only the 技师 in the same occupation.
	rows, err := f.s.EligibleTeachers(f.ctx, f.bureau, cook, training.Level3, training.RolePractical)
	if err != nil || !is(rows, master) {
		t.Fatalf("三级 practical: %v %v", ids(rows), err)
	}
	// 四级 practical: 高级工 in 中式面点师 only once the bureau marks it related.
	rows, err = f.s.EligibleTeachers(f.ctx, f.bureau, cook, training.Level4, training.RolePractical)
	must(t, err)
	if !is(rows, master) {
		t.Fatalf("四级 before relation: %v", ids(rows))
	}
	if err := f.s.SetOccupationsRelated(f.ctx, f.bureau, pastry, cook, true); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetOccupationsRelated(f.ctx, f.bureau, cook, pastry, true); fieldErr(err, "other_id") == "" {
		t.Fatalf("duplicate relation: %v", err)
	}
	rows, err = f.s.EligibleTeachers(f.ctx, f.bureau, cook, training.Level4, training.RolePractical)
	must(t, err)
	if !is(rows, master, senior) {
		t.Fatalf("四级 after relation: %v", ids(rows))
	}
	if _, err := f.s.EligibleTeachers(f.ctx, f.school, cook, training.Level4, training.RolePractical); !errors.Is(err, training.ErrForbidden) {
		t.Fatal("institution asked the pool")
	}

	// An equivalence for the 高级 certificate requirement lets the 高级工 teach 三级.
	err = f.s.AddEquivalence(f.ctx, f.bureau, senior, training.EquivalenceInput{Requirement: training.ReqCertificate, Band: training.BandAdvanced,
		Role: training.RolePractical, OccupationID: cook, Basis: "全国技能大赛一等奖", DecidedBy: "王科长", DecidedOn: "2026-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	rows, err = f.s.EligibleTeachers(f.ctx, f.bureau, cook, training.Level3, training.RolePractical)
	must(t, err)
	if !is(rows, master, senior) {
		t.Fatalf("三级 after equivalence: %v", ids(rows))
	}

	// TeachersForCheck loads all in one go; CheckAssignments names problems.
	m, err := f.s.TeachersForCheck(f.ctx, []int64{master, senior, welder, pending, 424242})
	if err != nil || len(m) != 4 {
		t.Fatalf("TeachersForCheck: %d %v", len(m), err)
	}
	if len(m[master].Certificates) != 1 || len(m[senior].Equivalences) != 1 || !m[master].LinkedTo(f.school.InstitutionID) {
		t.Fatalf("loaded: %+v", m[master])
	}
	msgs, err := f.s.CheckAssignments(f.ctx, f.s.Pool(), f.school.InstitutionID, cook, training.Level3, []repository.TeacherAssignment{
		{TeacherID: master, Role: training.RolePractical},
		{TeacherID: welder, Role: training.RolePractical},
		{TeacherID: pending, Role: training.RolePractical},
	})
	if err != nil || len(msgs) != 2 || !strings.Contains(msgs[0], "焊工丙") || !strings.Contains(msgs[1], "审核入库") {
		t.Fatalf("CheckAssignments: %q %v", msgs, err)
	}
	msgs, err = f.s.CheckAssignments(f.ctx, f.s.Pool(), f.acad.InstitutionID, cook, training.Level3, []repository.TeacherAssignment{{TeacherID: master, Role: training.RolePractical}})
	must(t, err)
	if len(msgs) != 1 || !strings.Contains(msgs[0], "不在本机构") {
		t.Fatalf("other institution's teacher: %q", msgs)
	}
}

func TestTeacherFiles(t *testing.T) {
	f := newFixture(t)
	id := f.teacher(f.school, "张三", idNumber("33018519800101123"), training.EduCollege, training.TitleMiddle)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	fid, err := f.s.AddTeacherFile(f.ctx, f.school, id, 0, "职称证书.pdf", "application/pdf", pdf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddTeacherFile(f.ctx, f.school, id, 0, "x.html", "text/html; charset=utf-8", []byte("<html>")); fieldErr(err, "file") == "" {
		t.Fatalf("html accepted: %v", err)
	}
	if _, err := f.s.AddTeacherFile(f.ctx, f.school, id, 0, "big.pdf", "application/pdf", make([]byte, repository.MaxUpload+1)); !strings.Contains(fieldErr(err, "file"), "过大") {
		t.Fatalf("big file: %v", err)
	}
	got, data, err := f.s.TeacherFileData(f.ctx, f.bureau, id, fid)
	if err != nil || string(data) != string(pdf) || got.ContentType != "application/pdf" || len(got.SHA256) != 64 {
		t.Fatalf("download: %+v %v", got, err)
	}
	if _, _, err := f.s.TeacherFileData(f.ctx, f.acad, id, fid); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("other institution download: %v", err)
	}
}

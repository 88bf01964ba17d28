package repository_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// weekPlan is the fixture's class as eight sessions, Monday 2026-03-16 to
// Thursday: mornings theory (3 hours), afternoons practical (4 hours).
func (cf *classFixture) weekPlan() training.Plan {
	p := cf.plan()
	p.Sessions = nil
	p.TheoryHours, p.PracticalHours = 0, 0
	for day := range 4 {
		date := d("2026-03-16").AddDate(0, 0, day)
		p.Sessions = append(p.Sessions,
			training.Session{Date: date, Start: "08:30", End: "11:30", Kind: training.RoleTheory, Hours: 3, TeacherID: cf.theory},
			training.Session{Date: date, Start: "13:30", End: "17:30", Kind: training.RolePractical, Hours: 4, TeacherID: cf.practice})
		p.TheoryHours += 3
		p.PracticalHours += 4
	}
	return p
}

// approvedWeek files and approves weekPlan with n signed trainees.
func (cf *classFixture) approvedWeek(n int, first int) (int64, []int64) {
	cf.t.Helper()
	p := cf.weekPlan()
	id, err := cf.s.CreateClass(cf.ctx, cf.school, p)
	if err != nil {
		cf.t.Fatal(err)
	}
	if err := cf.s.SaveClass(cf.ctx, cf.school, id, cf.class(id).Version, p, true); err != nil {
		cf.t.Fatal(err)
	}
	if err := cf.s.StepClass(cf.ctx, cf.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(id).Version}); err != nil {
		cf.t.Fatal(err)
	}
	e := cf.enrol(id, first, n)
	cf.sign(id, e, fmt.Sprintf("DF%d", first))
	return id, e
}

// figures is a class_delivery row.
type figures struct {
	sessions, plannedHours, held, plannedHeld, delivered, short, offPlan int
	openFrom                                                             *time.Time
}

// checkFigures compares what was kept on write with what the rules compute
// from the raw records: the class's row with training.SummarizeDelivery
// over the plan in force and its session records, each enrolment's figures
// with its attendance marks counted afresh.
func (cf *classFixture) checkFigures(id int64) {
	cf.t.Helper()
	var got figures
	err := cf.s.Pool().QueryRow(cf.ctx, `SELECT sessions, planned_hours, held, planned_held, delivered, short, off_plan, open_from
		FROM class_delivery WHERE class_id = $1`, id).Scan(&got.sessions, &got.plannedHours, &got.held, &got.plannedHeld,
		&got.delivered, &got.short, &got.offPlan, &got.openFrom)
	if err != nil {
		cf.t.Fatalf("class %d: no delivery figures: %v", id, err)
	}
	c := cf.class(id)
	dl, err := cf.s.ClassDelivery(cf.ctx, cf.bureau, id)
	if err != nil {
		cf.t.Fatal(err)
	}
	sum := training.SummarizeDelivery(c.Plan, dl.Deliveries)
	want := figures{sessions: sum.Sessions, plannedHours: sum.PlannedHours, held: sum.Held, plannedHeld: sum.PlannedHeld, delivered: sum.Delivered}
	for _, f := range sum.Flags {
		switch {
		case strings.Contains(f, "缩减课时"):
			want.short++
		case strings.Contains(f, "非备案") || strings.Contains(f, "不在备案师资"):
			want.offPlan++
		default:
			cf.t.Fatalf("unknown flag %q", f)
		}
	}
	for _, ss := range c.Plan.Sessions {
		if _, ok := dl.Deliveries[ss.ID]; !ok && (want.openFrom == nil || ss.Date.Before(*want.openFrom)) {
			day := ss.Date
			want.openFrom = &day
		}
	}
	same := got.openFrom == nil && want.openFrom == nil || got.openFrom != nil && want.openFrom != nil && got.openFrom.Equal(*want.openFrom)
	got.openFrom, want.openFrom = nil, nil
	if got != want || !same {
		cf.t.Fatalf("class %d figures: kept %+v, computed %+v (open_from equal: %v)", id, got, want, same)
	}
	rows, err := cf.s.Pool().Query(cf.ctx, `SELECT e.id, coalesce(min(ea.sessions_recorded), 0), coalesce(min(ea.sessions_attended), 0),
			coalesce(min(ea.hours_attended), 0),
			count(a.session_id), count(a.session_id) FILTER (WHERE a.status IN `+training.AttendedSQL+`),
			coalesce(sum(sd.hours) FILTER (WHERE a.status IN `+training.AttendedSQL+`), 0)
		FROM enrolments e LEFT JOIN enrolment_attendance ea ON ea.enrolment_id = e.id
		LEFT JOIN attendance a ON a.enrolment_id = e.id LEFT JOIN session_deliveries sd ON sd.session_id = a.session_id
		WHERE e.class_id = $1 GROUP BY e.id ORDER BY e.id`, id)
	if err != nil {
		cf.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var eid int64
		var k [3]int
		var w [3]int
		if err := rows.Scan(&eid, &k[0], &k[1], &k[2], &w[0], &w[1], &w[2]); err != nil {
			cf.t.Fatal(err)
		}
		if k != w {
			cf.t.Fatalf("enrolment %d: kept (recorded, attended, hours) %v, counted %v", eid, k, w)
		}
	}
	if err := rows.Err(); err != nil {
		cf.t.Fatal(err)
	}
}

func (cf *classFixture) hasFigures(id int64) bool {
	cf.t.Helper()
	var n int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT count(*) FROM class_delivery WHERE class_id = $1`, id).Scan(&n); err != nil {
		cf.t.Fatal(err)
	}
	return n == 1
}

func (cf *classFixture) record(id, sid int64, hours int, teacher int64, marks map[int64]string) (bool, error) {
	return cf.s.RecordAttendance(cf.ctx, cf.school, id, sid, training.AttendanceInput{Hours: fmt.Sprint(hours),
		TeacherID: fmt.Sprint(teacher), Marks: marks})
}

// TestDeliveryFiguresKeptOnWrite follows one class from approval through
// recordings, corrections, a withdrawal and an approved change of its
// plan, and checks after each write that the kept figures are what the
// rules compute from the records.
func TestDeliveryFiguresKeptOnWrite(t *testing.T) {
	cf := newClassFixture(t)
	sub := cf.submitted()
	if cf.hasFigures(sub) {
		t.Fatal("a submitted filing has delivery figures")
	}
	id, e := cf.approvedWeek(4, 1)
	cf.checkFigures(id)
	s := cf.sessionIDs(id)
	// Cancelled before the start: the row goes.
	gone, _ := cf.approvedWeek(1, 50)
	if err := cf.s.StepClass(cf.ctx, cf.school, gone, repository.ClassStep{Action: training.ActClassCancel, Version: cf.class(gone).Version, Reason: "人数不足"}); err != nil {
		t.Fatal(err)
	}
	if cf.hasFigures(gone) {
		t.Fatal("a cancelled class keeps its delivery figures")
	}

	cf.setNow(time.Date(2026, 3, 17, 18, 0, 0, 0, repository.Shanghai))
	marks := map[int64]string{e[0]: "present", e[1]: "late", e[2]: "absent", e[3]: "leave"}
	if _, err := cf.record(id, s[0], 3, cf.theory, marks); err != nil {
		t.Fatal(err)
	}
	cf.checkFigures(id)
	// A correction: fewer hours, other marks, then a teacher off the filing.
	marks[e[2]], marks[e[0]] = "left_early", "absent"
	if _, err := cf.record(id, s[0], 2, cf.theory, marks); err != nil {
		t.Fatal(err)
	}
	cf.checkFigures(id)
	wang := cf.queryID(`SELECT id FROM teachers WHERE name = '王建华'`)
	if _, err := cf.record(id, s[1], 4, wang, cf.marks(e, training.AttPresent)); err != nil {
		t.Fatal(err)
	}
	cf.checkFigures(id)
	// A trainee withdrawn after the start keeps the marks of the sessions
	// recorded; a later correction of those sessions still counts for her.
	if err := cf.s.RemoveTrainee(cf.ctx, cf.school, id, e[3], "工作调动"); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.record(id, s[0], 3, cf.theory, map[int64]string{e[0]: "present", e[1]: "present", e[2]: "present"}); err != nil {
		t.Fatal(err)
	}
	cf.checkFigures(id)

	// An approved change that drops the last two sessions and adds one on
	// Friday: the plan's size and the first open session follow.
	p := cf.weekPlan()
	c := cf.class(id)
	p.Sessions = append(append([]training.Session{}, p.Sessions[:6]...),
		training.Session{Date: d("2026-03-20"), Start: "08:30", End: "16:30", Kind: training.RolePractical, Hours: 8, TeacherID: cf.practice})
	p.TheoryHours, p.PracticalHours = 9, 20
	if err := cf.s.RequestChange(cf.ctx, cf.school, id, c.Version, p, "周四下午停电，改为周五全天"); err != nil {
		t.Fatal(err)
	}
	if err := cf.s.DecideChange(cf.ctx, cf.bureau, id, cf.class(id).Version, true, ""); err != nil {
		t.Fatal(err)
	}
	cf.checkFigures(id)
	var sessions, planned int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT sessions, planned_hours FROM class_delivery WHERE class_id = $1`, id).Scan(&sessions, &planned); err != nil || sessions != 7 || planned != 29 {
		t.Fatalf("after the change: %d sessions, %d hours, %v", sessions, planned, err)
	}

	// Every session recorded: the class finishes, the figures stay.
	cf.setNow(time.Date(2026, 3, 20, 18, 0, 0, 0, repository.Shanghai))
	enrolled := map[int64]string{e[0]: "present", e[1]: "present", e[2]: "absent"}
	finished := false
	for _, sid := range cf.sessionIDs(id)[2:] {
		fin, err := cf.record(id, sid, 3, cf.practice, enrolled)
		if err != nil {
			t.Fatal(err)
		}
		finished = finished || fin
	}
	if !finished || cf.class(id).Status != training.ClassFinished {
		t.Fatalf("not finished: %v %s", finished, cf.class(id).Status)
	}
	cf.checkFigures(id)
}

// TestDeliveryFiguresUnderConcurrentSaves records the eight sessions of a
// class and a correction of each, all sixteen at once: every save
// succeeds (the class row lock serialises them), the class finishes
// exactly once, and the kept figures are exactly what the final records
// give.
func TestDeliveryFiguresUnderConcurrentSaves(t *testing.T) {
	cf := newClassFixture(t)
	id, e := cf.approvedWeek(20, 1)
	cf.setNow(time.Date(2026, 3, 20, 18, 0, 0, 0, repository.Shanghai))
	s := cf.sessionIDs(id)
	var ok atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(s))
	for i, sid := range s {
		for k := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				marks := map[int64]string{}
				for j, eid := range e {
					marks[eid] = string(training.AttendanceStatuses[(i+j+k)%len(training.AttendanceStatuses)])
				}
				teacher := cf.theory
				if (i+k)%3 == 0 {
					teacher = cf.practice
				}
				if _, err := cf.record(id, sid, 1+(i+k)%4, teacher, marks); err != nil {
					errs <- err
					return
				}
				ok.Add(1)
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent save: %v", err)
	}
	if n := ok.Load(); n != int32(2*len(s)) {
		t.Fatalf("%d of %d saves succeeded", n, 2*len(s))
	}
	if c := cf.class(id); c.Status != training.ClassFinished {
		t.Fatalf("status %s after every session", c.Status)
	}
	var n int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT count(*) FROM audit_log WHERE action = 'class.finish' AND entity_id = $1`, id).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d finish audits, %v", n, err)
	}
	cf.checkFigures(id)
	var held int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT held FROM class_delivery WHERE class_id = $1`, id).Scan(&held); err != nil || held != len(s) {
		t.Fatalf("held %d, %v", held, err)
	}
}

// TestDeliveryReportListsStartedClasses: every class that has started is
// in the report, one with no attendance at all too (with its past
// sessions counted); one not started is not; flagged classes come first,
// and paging through the report gives each class once, in order, with a
// total that matches.
func TestDeliveryReportListsStartedClasses(t *testing.T) {
	cf := newClassFixture(t)
	clean, e1 := cf.approvedWeek(2, 1)
	short, e2 := cf.approvedWeek(2, 10)
	silent, _ := cf.approvedWeek(2, 20)
	p := cf.weekPlan()
	for i := range p.Sessions {
		p.Sessions[i].Date = p.Sessions[i].Date.AddDate(0, 0, 7)
	}
	p.StartDate, p.EndDate = p.StartDate.AddDate(0, 0, 7), p.EndDate.AddDate(0, 0, 7)
	later, err := cf.s.CreateClass(cf.ctx, cf.school, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := cf.s.SaveClass(cf.ctx, cf.school, later, cf.class(later).Version, p, true); err != nil {
		t.Fatal(err)
	}
	if err := cf.s.StepClass(cf.ctx, cf.bureau, later, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(later).Version}); err != nil {
		t.Fatal(err)
	}

	cf.setNow(time.Date(2026, 3, 17, 9, 0, 0, 0, repository.Shanghai))
	for i, ss := range cf.class(clean).Plan.Sessions[:2] {
		if _, err := cf.record(clean, ss.ID, ss.Hours, ss.TeacherID, cf.marks(e1, training.AttPresent)); err != nil {
			t.Fatalf("session %d: %v", i+1, err)
		}
	}
	if _, err := cf.record(short, cf.sessionIDs(short)[0], 1, cf.theory, cf.marks(e2, training.AttPresent)); err != nil {
		t.Fatal(err)
	}
	all, total, err := cf.s.DeliveryReport(cf.ctx, cf.bureau, false, repository.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]training.DeliveryRow{}
	for _, r := range all {
		byID[r.ClassID] = r
	}
	if total != len(all) {
		t.Fatalf("total %d, %d rows", total, len(all))
	}
	if _, ok := byID[later]; ok {
		t.Fatal("a class that has not started is listed")
	}
	// 2026-03-16's two sessions are past: the short class recorded one,
	// the silent class none, the clean one both.
	if r := byID[silent]; r.Held != 0 || r.Unrecorded != 2 || !r.Flagged() {
		t.Fatalf("class without attendance: %+v", r)
	}
	if r := byID[short]; r.Short != 1 || r.Unrecorded != 1 || !r.Flagged() {
		t.Fatalf("short class: %+v", r)
	}
	if r := byID[clean]; r.Held != 2 || r.Unrecorded != 0 || r.Flagged() {
		t.Fatalf("clean class: %+v", r)
	}
	seenClean := false
	for _, r := range all {
		if !r.Flagged() {
			seenClean = true
		} else if seenClean {
			t.Fatalf("a flagged class after an unflagged one: %+v", all)
		}
	}
	flagged, nf, err := cf.s.DeliveryReport(cf.ctx, cf.bureau, true, repository.Page{Size: 100})
	if err != nil || nf != len(flagged) || nf < 2 {
		t.Fatalf("flagged: %d rows, total %d, %v", len(flagged), nf, err)
	}
	for _, r := range flagged {
		if !r.Flagged() {
			t.Fatalf("unflagged row in the flagged list: %+v", r)
		}
	}
	// Page by page, across the boundary between flagged and the rest.
	for _, size := range []int{1, 2, 3} {
		var paged []int64
		for n := 1; ; n++ {
			rows, tot, err := cf.s.DeliveryReport(cf.ctx, cf.bureau, false, repository.Page{Number: n, Size: size})
			if err != nil || tot != total {
				t.Fatalf("page %d of %d: total %d, %v", n, size, tot, err)
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				paged = append(paged, r.ClassID)
			}
		}
		if len(paged) != len(all) {
			t.Fatalf("pages of %d: %d rows, want %d", size, len(paged), len(all))
		}
		for i, r := range all {
			if paged[i] != r.ClassID {
				t.Fatalf("pages of %d: row %d is %d, want %d", size, i, paged[i], r.ClassID)
			}
		}
	}
	if _, _, err := cf.s.DeliveryReport(cf.ctx, cf.school, false, repository.Page{}); err != training.ErrForbidden {
		t.Fatalf("institution: %v", err)
	}
}

// TestInactiveCountFollowsApprovals: INST-4 counts the designated
// institutions (designated over six months ago) that started no class in
// six months, read from class_delivery; it agrees with the count over the
// filings themselves, and follows an approval and a cancellation.
func TestInactiveCountFollowsApprovals(t *testing.T) {
	cf := newClassFixture(t)
	if _, err := cf.s.Pool().Exec(cf.ctx, `UPDATE institutions SET decision_date = '2025-01-01' WHERE status = 'designated'`); err != nil {
		t.Fatal(err)
	}
	oracle := func() int {
		var n int
		if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT count(*) FROM institutions i WHERE i.status = 'designated'
			AND i.decision_date < $1 AND NOT EXISTS (SELECT 1 FROM classes c WHERE c.institution_id = i.id AND c.start_date >= $1
				AND c.status NOT IN ('draft', 'submitted', 'returned', 'cancelled'))`, cf.s.Today().AddDate(0, -6, 0)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	count := func() int {
		t.Helper()
		n, err := cf.s.InactiveCount(cf.ctx, cf.bureau)
		if err != nil {
			t.Fatal(err)
		}
		if want := oracle(); n != want {
			t.Fatalf("InactiveCount %d, counted over the filings %d", n, want)
		}
		return n
	}
	before := count()
	if before == 0 {
		t.Fatal("the academy (no approved class) is not counted")
	}
	acad := cf.queryID(`SELECT id FROM classes WHERE institution_id = $1 AND status = 'submitted' ORDER BY id LIMIT 1`, cf.acad.InstitutionID)
	if err := cf.s.StepClass(cf.ctx, cf.bureau, acad, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(acad).Version}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != before-1 {
		t.Fatalf("after the academy's approval: %d, want %d", n, before-1)
	}
	if err := cf.s.StepClass(cf.ctx, cf.acad, acad, repository.ClassStep{Action: training.ActClassCancel, Version: cf.class(acad).Version, Reason: "招生不足"}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != before {
		t.Fatalf("after the cancellation: %d, want %d", n, before)
	}
	if _, err := cf.s.InactiveCount(cf.ctx, cf.school); err != training.ErrForbidden {
		t.Fatalf("institution: %v", err)
	}
}

// TestBureauHomeInOneRead: the home page's one read gives what the
// separate reads give.
func TestBureauHomeInOneRead(t *testing.T) {
	cf := newClassFixture(t)
	silent, _ := cf.approvedWeek(2, 1) // no attendance once its sessions are past
	cf.setNow(time.Date(2026, 4, 1, 9, 0, 0, 0, repository.Shanghai))
	f, err := cf.s.BureauHome(cf.ctx, cf.bureau, 5)
	if err != nil {
		t.Fatal(err)
	}
	byStatus, err := cf.s.InstitutionStatusCounts(cf.ctx, cf.bureau)
	if err != nil {
		t.Fatal(err)
	}
	users, err := cf.s.UserCounts(cf.ctx)
	if err != nil {
		t.Fatal(err)
	}
	inactive, err := cf.s.InactiveCount(cf.ctx, cf.bureau)
	if err != nil {
		t.Fatal(err)
	}
	occs, err := cf.s.Occupations(cf.ctx)
	if err != nil {
		t.Fatal(err)
	}
	flagged, total, err := cf.s.DeliveryReport(cf.ctx, cf.bureau, true, repository.Page{Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(f.ByStatus) != fmt.Sprint(byStatus) || fmt.Sprint(f.Users) != fmt.Sprint(users) || f.Inactive != inactive ||
		f.Occupations != len(occs) || fmt.Sprint(f.Flagged) != fmt.Sprint(flagged) || f.FlaggedTotal != total {
		t.Fatalf("home %+v; separately %v %v %d %d %v %d", f, byStatus, users, inactive, len(occs), flagged, total)
	}
	found := false
	for _, r := range f.Flagged {
		found = found || r.ClassID == silent && r.Unrecorded == 8
	}
	if !found {
		t.Fatalf("a running class with no attendance after its sessions is not flagged: %+v", f.Flagged)
	}
	if _, err := cf.s.BureauHome(cf.ctx, cf.centre, 5); err != training.ErrForbidden {
		t.Fatalf("centre: %v", err)
	}
}

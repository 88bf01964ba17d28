package repository_test

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// finishedClass is the fixture's two-session class with n signed trainees,
// both sessions recorded (present): finished on 2026-03-18.
func (cf *classFixture) finishedClass(n int) (int64, []int64) {
	cf.t.Helper()
	id := cf.approvedClass()
	e := cf.enrol(id, 1, n)
	cf.sign(id, e, "FIN")
	cf.setNow(time.Date(2026, 3, 18, 9, 0, 0, 0, repository.Shanghai))
	sids := cf.sessionIDs(id)
	for i, sid := range sids {
		teacher := cf.theory
		hours := 3
		if i == 1 {
			teacher, hours = cf.practice, 4
		}
		if _, err := cf.record(id, sid, hours, teacher, cf.marks(e, training.AttPresent)); err != nil {
			cf.t.Fatal(err)
		}
	}
	if st := cf.class(id).Status; st != training.ClassFinished {
		cf.t.Fatalf("class %s, want finished", st)
	}
	return id, e
}

func TestComplaintFlow(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	id := cf.approvedClass()
	school := cf.school.InstitutionID
	in := training.ComplaintInput{InstitutionID: itoa(school), ClassNo: cf.class(id).ClassNo, Body: "培训只上了一半课时。",
		Phone: "13812345678", Name: "李四"}

	// A class of another institution is refused; a good complaint is filed.
	bad := in
	bad.InstitutionID = itoa(cf.acad.InstitutionID)
	if _, err := s.FileComplaint(ctx, bad, nil); err == nil {
		t.Fatal("a class of another institution was accepted")
	}
	no, err := s.FileComplaint(ctx, in, []repository.ComplaintUpload{{Filename: "a.png", ContentType: "image/png", Data: []byte("\x89PNG....")}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.PublicComplaintStatus(ctx, no, "13812345678")
	if err != nil || st.Status != training.ComplaintReceived || st.DueDate.Format("2006-01-02") != "2026-03-23" {
		t.Fatalf("status %+v %v", st, err)
	}
	if _, err := s.PublicComplaintStatus(ctx, no, "13812345679"); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("a wrong phone read the complaint: %v", err)
	}
	// The queue holds the demo's complaints too: ours is one more, found
	// by its number, its phone not listed.
	q, total, err := s.ComplaintQueue(ctx, cf.bureau, training.ComplaintFilter{}, repository.Page{Size: 200})
	var cid int64
	for _, c := range q {
		if c.TrackingNo == no && c.Phone == "" {
			cid = c.ID
		}
	}
	var demoComplaints int
	must(t, s.Pool().QueryRow(ctx, `SELECT count(*) FROM complaints WHERE tracking_no <> $1`, no).Scan(&demoComplaints))
	if err != nil || total != demoComplaints+1 || len(q) != total || cid == 0 {
		t.Fatalf("queue %+v %d %v", q, total, err)
	}

	// Not forwarded: the institution does not see it; another never.
	if _, err := s.ComplaintByID(ctx, cf.school, cid); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("institution read an unforwarded complaint: %v", err)
	}
	step := func(a training.Actor, act training.ComplaintAction, in training.ComplaintStepInput) error {
		p, err := s.ComplaintByID(ctx, cf.bureau, cid)
		if err != nil {
			t.Fatal(err)
		}
		return s.StepComplaint(ctx, a, cid, p.Complaint.Version, act, in)
	}
	must(t, step(cf.bureau, training.ActComplaintForward, training.ComplaintStepInput{}))
	p, err := s.ComplaintByID(ctx, cf.school, cid)
	if err != nil || p.Complaint.Phone != "" || p.Complaint.Name != "" || len(p.Complaint.Files) != 0 {
		t.Fatalf("institution's view %+v %v", p.Complaint, err)
	}
	if _, err := s.ComplaintByID(ctx, cf.acad, cid); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution read it: %v", err)
	}
	if err := step(cf.acad, training.ActComplaintReply, training.ComplaintStepInput{Text: "x"}); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution replied: %v", err)
	}
	must(t, step(cf.school, training.ActComplaintReply, training.ComplaintStepInput{Text: "已补足课时。"}))
	// Answer before assigning is refused; assign, answer, close.
	wantRule(t, step(cf.bureau, training.ActComplaintAnswer, training.ComplaintStepInput{Text: "经核实……"}), "不能答复")
	if err := step(cf.bureau, training.ActComplaintAssign, training.ComplaintStepInput{AssigneeID: cf.school.UserID}); err == nil {
		t.Fatal("assigned to an institution user")
	}
	must(t, step(cf.bureau, training.ActComplaintAssign, training.ComplaintStepInput{AssigneeID: cf.bureau.UserID}))
	must(t, step(cf.bureau, training.ActComplaintNote, training.ComplaintStepInput{Text: "电话联系机构核实。"}))
	must(t, step(cf.bureau, training.ActComplaintAnswer, training.ComplaintStepInput{Text: "经核实，机构已补课。"}))
	st, err = s.PublicComplaintStatus(ctx, no, "138 1234 5678")
	if err != nil || st.Status != training.ComplaintAnswered || st.Answer != "经核实，机构已补课。" {
		t.Fatalf("answered status %+v %v", st, err)
	}
	must(t, step(cf.bureau, training.ActComplaintClose, training.ComplaintStepInput{Outcome: training.ComplaintPartlyUpheld}))
	p, err = s.ComplaintByID(ctx, cf.bureau, cid)
	if err != nil || p.Complaint.Status != training.ComplaintClosed || len(p.Complaint.Notes) != 2 || p.Complaint.Phone != "138****5678" {
		t.Fatalf("closed %+v %v", p.Complaint, err)
	}
	phone, name, err := s.RevealComplaintContact(ctx, cf.bureau, cid)
	if err != nil || phone != "13812345678" || name != "李四" {
		t.Fatalf("reveal %q %q %v", phone, name, err)
	}
	if _, _, err := s.RevealComplaintContact(ctx, cf.school, cid); err == nil {
		t.Fatal("institution revealed the contact")
	}
	// A stale version is a conflict.
	if err := s.StepComplaint(ctx, cf.bureau, cid, 1, training.ActComplaintNote, training.ComplaintStepInput{Text: "x"}); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	// Overdue counts on the bureau home: one more open and overdue than
	// the demo's on the day.
	cf.mu.Lock()
	filed := cf.now
	cf.mu.Unlock()
	overdueDay := time.Date(2026, 3, 24, 9, 0, 0, 0, repository.Shanghai)
	cf.setNow(overdueDay)
	c0, err := s.ComplaintCounts(ctx, cf.bureau)
	if err != nil {
		t.Fatal(err)
	}
	cf.setNow(filed)
	if _, err := s.FileComplaint(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	cf.setNow(overdueDay)
	c, err := s.ComplaintCounts(ctx, cf.bureau)
	if err != nil || c.Open != c0.Open+1 || c.Overdue != c0.Overdue+1 {
		t.Fatalf("counts %+v, before %+v, %v", c, c0, err)
	}
}

func TestSurveyFlow(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	id, _ := cf.finishedClass(6)
	p, err := s.ClassSurvey(ctx, cf.school, id)
	if err != nil || len(p.Slips) != 6 || p.Visible {
		t.Fatalf("slips %d visible %v %v", len(p.Slips), p.Visible, err)
	}
	if _, err := s.ClassSurvey(ctx, cf.acad, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution read the survey: %v", err)
	}
	answer := func(code string) error {
		return s.AnswerSurvey(ctx, training.SurveyInput{Code: code, Overall: "4", Teaching: "5", Venue: "3", Organisation: "4", Comment: "好"})
	}
	// One answer per code, under concurrency too.
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if answer(p.Slips[0].Code) == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d answers for one code", ok.Load())
	}
	wantRule(t, answer(p.Slips[0].Code), "只能评价一次")
	for _, sl := range p.Slips[1:4] {
		must(t, answer(sl.Code))
	}
	p, _ = s.ClassSurvey(ctx, cf.school, id)
	if p.Visible || p.Stats.Answers != 4 || p.Stats.Overall != 0 {
		t.Fatalf("institution sees figures of 4 answers: %+v", p.Stats)
	}
	b, _ := s.ClassSurvey(ctx, cf.bureau, id)
	if !b.Visible || b.Stats.Overall != 40 || len(b.Stats.Comments) != 4 {
		t.Fatalf("bureau %+v", b.Stats)
	}
	must(t, answer(p.Slips[4].Code))
	p, _ = s.ClassSurvey(ctx, cf.school, id)
	if !p.Visible || p.Stats.Answers != 5 || p.Stats.Teaching != 50 || p.Stats.Comments != nil {
		t.Fatalf("institution at 5: %+v", p.Stats)
	}
	rep, _, err := s.SurveyReport(ctx, cf.bureau, repository.SurveyByClass, 2026, repository.Page{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rep {
		if r.KeyID == id {
			found = r.Answers == 5 && r.Codes == 6 && r.Overall == 40
		}
	}
	if !found {
		t.Fatalf("report %+v", rep)
	}
	if _, _, err := s.SurveyReport(ctx, cf.school, repository.SurveyByClass, 0, repository.Page{}); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution read the report: %v", err)
	}
}

func TestEmploymentFlow(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	id, e := cf.finishedClass(3)
	rec := training.EmploymentInput{EnrolmentID: e[0], Employed: "1", Employer: "某酒店", StartDate: "2026-05-01"}
	_, _, err := s.RecordEmployment(ctx, cf.school, id, 3, []training.EmploymentInput{rec})
	wantRule(t, err, "结业后3个月")
	cf.setNow(time.Date(2026, 6, 21, 9, 0, 0, 0, repository.Shanghai)) // end 03-20 + 3 months
	if _, _, err := s.RecordEmployment(ctx, cf.acad, id, 3, []training.EmploymentInput{rec}); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution recorded: %v", err)
	}
	if n, _, err := s.RecordEmployment(ctx, cf.school, id, 3, []training.EmploymentInput{rec}); err != nil || n != 1 {
		t.Fatalf("record: %d %v", n, err)
	}
	_, _, err = s.RecordEmployment(ctx, cf.school, id, 3, []training.EmploymentInput{rec})
	wantRule(t, err, "已登记")
	// An import with one bad row saves nothing and reports every row.
	ids := []string{traineeIn(2).IDNumber, traineeIn(3).IDNumber}
	rows := []training.EmploymentInput{
		{Line: 2, IDNumber: ids[0], Employed: "是", Employer: "某餐馆", StartDate: "2026-06-01"},
		{Line: 3, IDNumber: ids[1], Employed: "是"},
		{Line: 4, IDNumber: "330185199001011234", Employed: "否"},
	}
	n, report, err := s.RecordEmployment(ctx, cf.school, id, 3, rows)
	if err != nil || n != 0 || len(report) != 3 || len(report[0].Problems) != 0 || len(report[1].Problems) == 0 || len(report[2].Problems) == 0 {
		t.Fatalf("bad import: %d %+v %v", n, report, err)
	}
	rows[1] = training.EmploymentInput{Line: 3, IDNumber: ids[1], Employed: "否"}
	n, _, err = s.RecordEmployment(ctx, cf.school, id, 3, rows[:2])
	if err != nil || n != 2 {
		t.Fatalf("good import: %d %v", n, err)
	}
	rep, _, err := s.EmploymentReport(ctx, cf.bureau, repository.EmploymentByClass, 3, 2026, repository.Page{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rep {
		if r.KeyID == id {
			found = r.Enrolled == 3 && r.Recorded == 3 && r.Employed == 2 && r.RatePercent() == 67
		}
	}
	if !found {
		t.Fatalf("report %+v", rep)
	}
	sample, err := s.DrawSpotCheckSample(ctx, cf.bureau, 10)
	if err != nil || len(sample) == 0 {
		t.Fatalf("sample %d %v", len(sample), err)
	}
	x := sample[0]
	wantRule(t, s.SpotCheck(ctx, cf.bureau, x.ID, x.Version, training.SpotCheckInput{Result: "differs"}), "与登记不符时须写明情况")
	must(t, s.SpotCheck(ctx, cf.bureau, x.ID, x.Version, training.SpotCheckInput{Result: "confirmed"}))
	if err := s.SpotCheck(ctx, cf.bureau, x.ID, x.Version, training.SpotCheckInput{Result: "confirmed"}); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale check: %v", err)
	}
	if err := s.SpotCheck(ctx, cf.school, x.ID, x.Version+1, training.SpotCheckInput{Result: "confirmed"}); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution checked: %v", err)
	}
	// The trainee's own record: agreement number + ID number.
	own, err := s.TraineeOwnRecord(ctx, "FIN-001", traineeIn(1).IDNumber)
	if err != nil || len(own.Classes) != 1 || own.Classes[0].AttendancePercent() != 100 || own.Classes[0].SurveyCode == "" {
		t.Fatalf("own record %+v %v", own, err)
	}
	if _, err := s.TraineeOwnRecord(ctx, "FIN-001", traineeIn(2).IDNumber); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another's agreement number opened a record: %v", err)
	}
	if _, err := s.TraineeOwnRecord(ctx, own.Classes[0].SurveyCode, traineeIn(1).IDNumber); err != nil {
		t.Fatalf("by survey code: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

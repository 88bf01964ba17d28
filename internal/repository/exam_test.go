package repository_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// examFixture is a finished class of the school with n trainees, and the
// two centre users.
type examFixture struct {
	*classFixture
	classID    int64
	enrolments []int64
	centre2    training.Actor
}

// finishClassForTest moves a class to 'finished' by SQL: there is no code
// path to finish a class in this branch yet (attendance does it). The
// dates stay as approved, so every CHECK constraint holds.
func finishClassForTest(t *testing.T, s *repository.Store, classID int64) {
	t.Helper()
	tag, err := s.Pool().Exec(t.Context(), `UPDATE classes SET status = 'finished' WHERE id = $1 AND status = 'approved'`, classID)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("finish class %d: %v (%d rows)", classID, err, tag.RowsAffected())
	}
}

func newExamFixture(t *testing.T, n int) *examFixture {
	t.Helper()
	cf := newClassFixture(t)
	ef := &examFixture{classFixture: cf, centre2: cf.actor("centre2")}
	ef.classID = cf.approvedClass() // 2026-03-16 .. 2026-03-20
	for i := 0; i < n; i++ {
		id, err := cf.s.AddTrainee(cf.ctx, cf.school, ef.classID, traineeIn(i))
		if err != nil {
			t.Fatal(err)
		}
		ef.enrolments = append(ef.enrolments, id)
	}
	finishClassForTest(t, cf.s, ef.classID)
	cf.setNow(time.Date(2026, 3, 23, 9, 0, 0, 0, repository.Shanghai))
	return ef
}

func (ef *examFixture) centreOrg() int64 {
	ef.t.Helper()
	orgs, err := ef.s.EvalOrgs(ef.ctx)
	if err != nil || len(orgs) == 0 || orgs[0].Kind != training.OrgCentre {
		ef.t.Fatalf("orgs %v %v", orgs, err)
	}
	return orgs[0].ID
}

func (ef *examFixture) apply(kind training.CertKind) int64 {
	ef.t.Helper()
	id, err := ef.s.Apply(ef.ctx, ef.school, ef.classID, training.ApplicationInput{CertKind: kind, EvalOrgID: ef.centreOrg(), EnrolmentIDs: ef.enrolments, Reasons: anyReason(ef.enrolments)})
	if err != nil {
		ef.t.Fatal(err)
	}
	return id
}

func (ef *examFixture) app(id int64) training.Application {
	ef.t.Helper()
	ap, err := ef.s.ApplicationByID(ef.ctx, ef.centre, id)
	if err != nil {
		ef.t.Fatal(err)
	}
	return ap
}

var examiner = training.ExaminerInput{Name: "考评甲", IDNumber: idNumber("33018519700101555"), Organisation: "临安区职建中心"}

func sessionIn(date string) training.SessionInput {
	return training.SessionInput{ExamDate: date, Venue: "区职建中心第一考场", TheoryTime: "09:00-10:30", PracticalTime: "13:30-16:30",
		Examiners: []training.ExaminerInput{examiner}}
}

func (ef *examFixture) session(id int64) training.ExamSession {
	ef.t.Helper()
	x, err := ef.s.SessionByID(ef.ctx, ef.centre, id)
	if err != nil {
		ef.t.Fatal(err)
	}
	return x
}

func sc(n int) training.PartScore { return training.PartScore{Score: &n} }

func wantRule(t *testing.T, err error, prefix string) {
	t.Helper()
	v, ok := training.AsValidation(err)
	if !ok {
		t.Fatalf("want a validation error %q…, got %v", prefix, err)
	}
	all := strings.Join(v.General, "|")
	for _, m := range v.Fields {
		all += "|" + m
	}
	if !strings.Contains(all, prefix) {
		t.Fatalf("want %q…, got %s", prefix, all)
	}
}

// TestAssessmentWholeFlow: apply → accept → schedule → ID check → scores →
// four eyes → publish → certificates → public lookup → amendment → retake →
// archive, with the class status following.
func TestAssessmentWholeFlow(t *testing.T) {
	ef := newExamFixture(t, 4)
	s, ctx := ef.s, ef.ctx

	// EXAM-1: only a finished class; the institution chooses candidates.
	appID := ef.apply(training.CertSkillLevel)
	if st := ef.class(ef.classID).Status; st != training.ClassAssessmentApplied {
		t.Fatalf("class %s after applying", st)
	}
	if _, err := s.Apply(ctx, ef.school, ef.classID, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: ef.centreOrg(), EnrolmentIDs: ef.enrolments, Reasons: anyReason(ef.enrolments)}); err == nil {
		t.Fatal("applied twice")
	}
	// Another institution neither sees nor decides it.
	if _, err := s.ApplicationByID(ctx, ef.acad, appID); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("academy sees the application: %v", err)
	}
	// Return, then re-apply with three candidates, then accept.
	if err := s.DecideApplication(ctx, ef.centre, appID, 1, false, ""); err == nil {
		t.Fatal("returned without a reason")
	}
	if err := s.DecideApplication(ctx, ef.centre, appID, 1, false, "请补充学员名单"); err != nil {
		t.Fatal(err)
	}
	if st := ef.class(ef.classID).Status; st != training.ClassFinished {
		t.Fatalf("class %s after a return", st)
	}
	if _, err := s.Apply(ctx, ef.school, ef.classID, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: ef.centreOrg(),
		EnrolmentIDs: ef.enrolments[:3], Reasons: anyReason(ef.enrolments[:3])}); err != nil {
		t.Fatal(err)
	}
	ap := ef.app(appID)
	if ap.Status != training.AppSubmitted || len(ap.Candidates) != 3 {
		t.Fatalf("re-applied: %s with %d candidates", ap.Status, len(ap.Candidates))
	}
	// Scheduling needs an accepted application.
	if _, err := s.ScheduleSession(ctx, ef.centre, appID, sessionIn("2026-04-10")); err == nil {
		t.Fatal("scheduled before acceptance")
	}
	if err := s.DecideApplication(ctx, ef.centre, appID, ap.Version, true, ""); err != nil {
		t.Fatal(err)
	}

	// EXAM-2: the class's teacher may not examine.
	bad := sessionIn("2026-04-10")
	teacherID := ""
	if err := s.Pool().QueryRow(ctx, `SELECT id_number FROM teachers WHERE id = $1`, ef.theory).Scan(&teacherID); err != nil {
		t.Fatal(err)
	}
	bad.Examiners = append(bad.Examiners, training.ExaminerInput{Name: "理论甲", IDNumber: teacherID, Organisation: "某单位"})
	_, err := s.ScheduleSession(ctx, ef.centre, appID, bad)
	wantRule(t, err, training.MsgExaminerTeacher)
	// Staff of the institution by employer name.
	bad = sessionIn("2026-04-10")
	bad.Examiners[0].Organisation = "杭州市临安区天目职业技能培训学校"
	_, err = s.ScheduleSession(ctx, ef.centre, appID, bad)
	wantRule(t, err, training.MsgExaminerStaff)

	sessID, err := s.ScheduleSession(ctx, ef.centre, appID, sessionIn("2026-04-10"))
	if err != nil {
		t.Fatal(err)
	}
	x := ef.session(sessID)
	if len(x.Entries) != 3 || x.Entries[0].CandidateNo != x.No+"-001" || x.Entries[2].CandidateNo != x.No+"-003" {
		t.Fatalf("entries %+v", x.Entries)
	}
	// Nothing is checked or scored before the exam day (第十条).
	if err := s.CheckCandidate(ctx, ef.centre, sessID, x.Entries[0].ID); err == nil || !strings.Contains(err.Error(), "考试当天") {
		t.Fatalf("ID check before the exam day: %v", err)
	}
	ef.setNow(time.Date(2026, 4, 10, 8, 0, 0, 0, repository.Shanghai))
	// Before publication the institution sees nothing of the session.
	if _, err := s.SessionByID(ctx, ef.school, sessID); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("institution sees an unpublished session: %v", err)
	}

	// EXAM-3: no score before the ID check.
	e1, e2, e3 := x.Entries[0], x.Entries[1], x.Entries[2]
	_, err = s.EnterScores(ctx, ef.centre, sessID, x.Version, []training.ScoreRow{{EntryID: e1.ID, Theory: sc(80), Practical: sc(85)}})
	wantRule(t, err, training.MsgIDNotChecked)
	for _, e := range []training.ExamEntry{e1, e2} {
		if err := s.CheckCandidate(ctx, ef.centre, sessID, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Checked twice: the rule says when it was checked (第十条).
	wantRule(t, s.CheckCandidate(ctx, ef.centre, sessID, e1.ID), "无需再次核对")
	// One request for the whole session: e1 passes, e2 fails practical,
	// e3 never came (absent, unchecked).
	x = ef.session(sessID)
	rows := []training.ScoreRow{
		{EntryID: e1.ID, Theory: sc(80), Practical: sc(85)},
		{EntryID: e2.ID, Theory: sc(72), Practical: sc(59)},
		{EntryID: e3.ID, Theory: training.PartScore{Absent: true}, Practical: training.PartScore{Absent: true}},
	}
	if _, err := s.EnterScores(ctx, ef.centre, sessID, x.Version, rows); err != nil {
		t.Fatal(err)
	}
	x = ef.session(sessID)
	if x.Status != training.SessScored || x.Entries[0].Outcome != training.OutcomePass || x.Entries[1].Outcome != training.OutcomeFail ||
		x.Entries[2].Outcome != training.OutcomeFail {
		t.Fatalf("after scores: %s %+v", x.Status, x.Entries)
	}
	// Stale version: 409.
	if _, err := s.EnterScores(ctx, ef.centre, sessID, x.Version-1, rows); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}

	// EXAM-7: four eyes.
	err = s.ApproveResults(ctx, ef.centre, sessID, x.Version)
	wantRule(t, err, "第十一条")
	// Published before approval: the state's rule (第十一条), not a conflict.
	wantRule(t, s.PublishResults(ctx, ef.centre, sessID, x.Version), "第十一条")
	if err := s.ApproveResults(ctx, ef.centre2, sessID, x.Version); err != nil {
		t.Fatal(err)
	}
	x = ef.session(sessID)
	// No score changes after approval.
	_, err = s.EnterScores(ctx, ef.centre, sessID, x.Version, rows)
	wantRule(t, err, "第十一条")
	// Still nothing for the institution or the public.
	if res, err := s.PublicResults(ctx, "学员0", traineeIn(0).IDNumber); err != nil || len(res) != 0 {
		t.Fatalf("public sees unpublished results: %+v", res)
	}
	if err := s.PublishResults(ctx, ef.centre, sessID, x.Version); err != nil {
		t.Fatal(err)
	}
	if st := ef.class(ef.classID).Status; st != training.ClassAssessed {
		t.Fatalf("class %s after publication", st)
	}

	// The institution sees its results; the academy does not.
	inst, err := s.SessionByID(ctx, ef.school, sessID)
	if err != nil || len(inst.Entries) != 3 || inst.Entries[0].Theory.Text() != "80" {
		t.Fatalf("institution after publication: %v %+v", err, inst.Entries)
	}
	if _, err := s.SessionByID(ctx, ef.acad, sessID); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("academy sees the school's session: %v", err)
	}

	// Certificates: one, for the pass only.
	certs, err := s.SessionCertificates(ctx, ef.centre, sessID)
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates %v %+v", err, certs)
	}
	c := certs[0]
	if !strings.HasPrefix(c.No, "LA2026D") || len(c.VerifyCode) != 16 || c.Name != "学员0" || c.OccupationName != "中式烹调师" || c.Level != training.Level3 {
		t.Fatalf("certificate %+v", c)
	}
	got, err := s.CertificateByCode(ctx, strings.ToLower(c.VerifyCode))
	if err != nil || got.No != c.No {
		t.Fatalf("verify by code: %v %+v", err, got)
	}
	if _, err := s.CertificateByNo(ctx, c.No, "别人"); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("verify with the wrong name: %v", err)
	}
	if _, err := s.CertificateByNo(ctx, c.No, "学员0"); err != nil {
		t.Fatal(err)
	}

	// Public lookup: name + ID number, both must match.
	res, err := s.PublicResults(ctx, "学员0", traineeIn(0).IDNumber)
	if err != nil || len(res) != 1 || res[0].Outcome != training.OutcomePass || res[0].CertificateNo != c.No {
		t.Fatalf("public results %v %+v", err, res)
	}
	if res, err := s.PublicResults(ctx, "学员1", traineeIn(0).IDNumber); err != nil || len(res) != 0 {
		t.Fatalf("wrong name finds results: %+v", res)
	}

	// A correction after publication is an amendment with a reason.
	if err := s.AmendEntry(ctx, ef.centre, sessID, e2.ID, sc(72), sc(61), ""); err == nil {
		t.Fatal("amended without a reason")
	}
	if err := s.AmendEntry(ctx, ef.centre, sessID, e2.ID, sc(72), sc(61), "复核发现应会评分表合计错误"); err != nil {
		t.Fatal(err)
	}
	// It waits for a second pair of eyes (第十一条): the institution sees
	// nothing of it yet, and the result and certificates stand.
	if ams, err := s.Amendments(ctx, ef.school, sessID); err != nil || len(ams) != 0 {
		t.Fatalf("institution sees a pending amendment: %v %+v", err, ams)
	}
	ams, err := s.Amendments(ctx, ef.centre, sessID)
	if err != nil || len(ams) != 1 || ams[0].Status != training.AmendPending {
		t.Fatalf("pending amendments %v %+v", err, ams)
	}
	if certs, err := s.SessionCertificates(ctx, ef.centre, sessID); err != nil || len(certs) != 1 {
		t.Fatalf("%d certificates before the amendment is confirmed (%v)", len(certs), err)
	}
	x = ef.session(sessID)
	// The one who registered it (who also entered the scores) cannot confirm it.
	wantRule(t, s.ConfirmAmendment(ctx, ef.centre, sessID, ams[0].ID, x.Version), training.MsgAmendProposer)
	if err := s.ConfirmAmendment(ctx, ef.centre2, sessID, ams[0].ID, x.Version); err != nil {
		t.Fatal(err)
	}
	ams, err = s.Amendments(ctx, ef.school, sessID)
	if err != nil || len(ams) != 1 || !strings.Contains(ams[0].Before, "59") || !strings.Contains(ams[0].After, "61") ||
		ams[0].Status != training.AmendConfirmed {
		t.Fatalf("amendments %v %+v", err, ams)
	}
	if certs, err := s.SessionCertificates(ctx, ef.centre, sessID); err != nil || len(certs) != 2 {
		t.Fatalf("%d certificates after the amendment to a pass (%v)", len(certs), err)
	}

	// EXAM-5: the absent candidate retakes both parts within 2026.
	choices, err := s.RetakeChoices(ctx, ef.centre, appID)
	if err != nil || len(choices) != 1 || choices[0].Entry.EnrolmentID != e3.EnrolmentID || choices[0].Refusal != "" {
		t.Fatalf("retake choices %v %+v", err, choices)
	}
	next := sessionIn("2027-01-15")
	next.Retake, next.EnrolmentIDs = true, []int64{e3.EnrolmentID}
	_, err = s.ScheduleSession(ctx, ef.centre, appID, next)
	wantRule(t, err, "第十条：补考须在首次考核的同一培训年度（2026年）")
	next.ExamDate = "2026-05-15"
	retakeID, err := s.ScheduleSession(ctx, ef.centre, appID, next)
	if err != nil {
		t.Fatal(err)
	}
	// A passed candidate cannot be entered for a retake.
	if _, err := s.AddCandidate(ctx, ef.centre, retakeID, e1.EnrolmentID); err == nil {
		t.Fatal("a pass entered for a retake")
	}
	ef.setNow(time.Date(2026, 5, 15, 8, 0, 0, 0, repository.Shanghai))
	r := ef.session(retakeID)
	if len(r.Entries) != 1 || r.Entries[0].Attempt != 2 || !r.Entries[0].Parts.Theory || !r.Entries[0].Parts.Practical {
		t.Fatalf("retake entries %+v", r.Entries)
	}
	if err := s.CheckCandidate(ctx, ef.centre, retakeID, r.Entries[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnterScores(ctx, ef.centre2, retakeID, r.Version, []training.ScoreRow{{EntryID: r.Entries[0].ID, Theory: sc(50), Practical: sc(70)}}); err != nil {
		t.Fatal(err)
	}
	r = ef.session(retakeID)
	if err := s.ApproveResults(ctx, ef.centre, retakeID, r.Version); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishResults(ctx, ef.centre, retakeID, r.Version+1); err != nil {
		t.Fatal(err)
	}
	// A third attempt is refused with the article.
	third := sessionIn("2026-06-15")
	third.Retake, third.EnrolmentIDs = true, []int64{e3.EnrolmentID}
	_, err = s.ScheduleSession(ctx, ef.centre, appID, third)
	wantRule(t, err, training.MsgRetakeOnce)

	// Archive: the application and the class.
	if err := s.ArchiveApplication(ctx, ef.centre, appID, ef.app(appID).Version); err != nil {
		t.Fatal(err)
	}
	if st := ef.class(ef.classID).Status; st != training.ClassArchived {
		t.Fatalf("class %s after archiving", st)
	}
}

func TestApplyRules(t *testing.T) {
	ef := newExamFixture(t, 2)
	s, ctx := ef.s, ef.ctx
	// Not finished: refused with the article.
	other := ef.approvedClassOn("2026-04-06")
	_, err := s.Apply(ctx, ef.school, other, training.ApplicationInput{CertKind: training.CertCompletion, EvalOrgID: ef.centreOrg(), EnrolmentIDs: []int64{1}, Reasons: anyReason([]int64{1})})
	wantRule(t, err, training.MsgApplyFinished)
	// No candidates.
	_, err = s.Apply(ctx, ef.school, ef.classID, training.ApplicationInput{CertKind: training.CertCompletion, EvalOrgID: ef.centreOrg()})
	wantRule(t, err, training.MsgApplyCandidates)
	// EXAM-6: a social organisation may not run a completion exam.
	org, err := s.CreateEvalOrg(ctx, ef.bureau, training.EvalOrgInput{Name: "杭州某职业技能评价有限公司", ApprovalNo: "浙人社评〔2025〕12号"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Apply(ctx, ef.school, ef.classID, training.ApplicationInput{CertKind: training.CertCompletion, EvalOrgID: org, EnrolmentIDs: ef.enrolments, Reasons: anyReason(ef.enrolments)})
	wantRule(t, err, training.MsgCompletionOrg)
	// An enrolment of another class.
	_, err = s.Apply(ctx, ef.school, ef.classID, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: org, EnrolmentIDs: []int64{999999}, Reasons: anyReason([]int64{999999})})
	wantRule(t, err, "所选学员不在本班名册中")
	// The academy cannot apply for the school's class; the centre cannot apply.
	if _, err := s.Apply(ctx, ef.acad, ef.classID, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: org, EnrolmentIDs: ef.enrolments, Reasons: anyReason(ef.enrolments)}); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("academy applies: %v", err)
	}
	if _, err := s.Apply(ctx, ef.centre, ef.classID, training.ApplicationInput{}); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("centre applies: %v", err)
	}
	// A social organisation's application is not in the district centre's queue.
	id, err := s.Apply(ctx, ef.school, ef.classID, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: org, EnrolmentIDs: ef.enrolments, Reasons: anyReason(ef.enrolments)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplicationByID(ctx, ef.centre, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("district centre sees the organisation's application: %v", err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE users SET eval_org_id = $1 WHERE username = 'centre2'`, org); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplicationByID(ctx, ef.centre2, id); err != nil {
		t.Fatalf("the organisation's user: %v", err)
	}
}

// approvedClassOn files and approves another copy of the plan.
func (cf *classFixture) approvedClassOn(start string) int64 {
	cf.t.Helper()
	p := cf.plan()
	st := d(start)
	p.StartDate, p.EndDate = st, st.AddDate(0, 0, 4)
	for i := range p.Sessions {
		p.Sessions[i].Date = st.AddDate(0, 0, i)
	}
	id, err := cf.s.CreateClass(cf.ctx, cf.school, p)
	if err != nil {
		cf.t.Fatal(err)
	}
	if err := cf.s.SaveClass(cf.ctx, cf.school, id, 1, p, true); err != nil {
		cf.t.Fatal(err)
	}
	if err := cf.s.StepClass(cf.ctx, cf.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(id).Version}); err != nil {
		cf.t.Fatal(err)
	}
	return id
}

// TestCandidateNumbersUniqueUnderConcurrency: 40 candidates added to one
// session at once get 40 distinct numbers, 001 to 040 without a gap.
func TestCandidateNumbersUniqueUnderConcurrency(t *testing.T) {
	const n = 40
	ef := newExamFixture(t, n)
	s, ctx := ef.s, ef.ctx
	appID := ef.apply(training.CertCompletion)
	if err := s.DecideApplication(ctx, ef.centre, appID, 1, true, ""); err != nil {
		t.Fatal(err)
	}
	// Schedule with the first candidate only, then put the others back on
	// the application and add them to the session all at once.
	if _, err := s.Pool().Exec(ctx, `DELETE FROM exam_candidates WHERE application_id = $1 AND enrolment_id <> $2`, appID, ef.enrolments[0]); err != nil {
		t.Fatal(err)
	}
	sessID, err := s.ScheduleSession(ctx, ef.centre, appID, sessionIn("2026-04-10"))
	if err != nil {
		t.Fatal(err)
	}
	for _, eid := range ef.enrolments[1:] {
		if _, err := s.Pool().Exec(ctx, `INSERT INTO exam_candidates (application_id, enrolment_id) VALUES ($1, $2)`, appID, eid); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	nos := make(chan string, n)
	errs := make(chan error, n)
	for _, eid := range ef.enrolments[1:] {
		wg.Add(1)
		go func(eid int64) {
			defer wg.Done()
			no, err := s.AddCandidate(ctx, ef.centre, sessID, eid)
			if err != nil {
				errs <- err
				return
			}
			nos <- no
		}(eid)
	}
	wg.Wait()
	close(nos)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	x := ef.session(sessID)
	seen := map[string]bool{}
	for _, e := range x.Entries {
		seen[e.CandidateNo] = true
	}
	if len(x.Entries) != n || len(seen) != n {
		t.Fatalf("%d entries, %d distinct numbers", len(x.Entries), len(seen))
	}
	for i := 1; i <= n; i++ {
		if !seen[training.CandidateNo(x.No, i)] {
			t.Errorf("number %s missing", training.CandidateNo(x.No, i))
		}
	}
	// Adding the same candidate twice is refused.
	if _, err := s.AddCandidate(ctx, ef.centre, sessID, ef.enrolments[1]); err == nil {
		t.Fatal("a candidate added twice")
	}
}

// TestScoreEntryFiftyCandidatesOneTransaction enters 50 candidates' scores
// in one call and checks that a single bad row leaves nothing changed.
func TestScoreEntryFiftyCandidatesOneTransaction(t *testing.T) {
	ef := newExamFixture(t, 50)
	s, ctx := ef.s, ef.ctx
	appID := ef.apply(training.CertCompletion)
	if err := s.DecideApplication(ctx, ef.centre, appID, 1, true, ""); err != nil {
		t.Fatal(err)
	}
	sessID, err := s.ScheduleSession(ctx, ef.centre, appID, sessionIn("2026-04-10"))
	if err != nil {
		t.Fatal(err)
	}
	ef.setNow(time.Date(2026, 4, 10, 8, 0, 0, 0, repository.Shanghai))
	x := ef.session(sessID)
	var rows []training.ScoreRow
	for i, e := range x.Entries {
		if i < 49 {
			if err := s.CheckCandidate(ctx, ef.centre, sessID, e.ID); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, training.ScoreRow{EntryID: e.ID, Theory: sc(55 + i%10), Practical: sc(90)})
	}
	x = ef.session(sessID)
	// The 50th was not checked: the whole request is refused.
	_, err = s.EnterScores(ctx, ef.centre, sessID, x.Version, rows)
	wantRule(t, err, training.MsgIDNotChecked)
	var scored int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM exam_entries WHERE session_id = $1 AND theory_score IS NOT NULL`, sessID).Scan(&scored); err != nil || scored != 0 {
		t.Fatalf("%d rows scored after a refused request (%v)", scored, err)
	}
	rows[49] = training.ScoreRow{EntryID: rows[49].EntryID, Theory: training.PartScore{Absent: true}, Practical: training.PartScore{Absent: true}}
	start := time.Now()
	if _, err := s.EnterScores(ctx, ef.centre, sessID, x.Version, rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("50 candidates' scores in one transaction: %v", time.Since(start))
	x = ef.session(sessID)
	pass := 0
	for _, e := range x.Entries {
		if e.Outcome == training.OutcomePass {
			pass++
		}
	}
	// theory 55..64 cycling: 60..64 pass → 5 of every 10, 49 candidates → 25 (i%10 >= 5 for i < 49).
	want := 0
	for i := 0; i < 49; i++ {
		if 55+i%10 >= 60 {
			want++
		}
	}
	if x.Status != training.SessScored || pass != want {
		t.Fatalf("status %s, %d passes, want %d", x.Status, pass, want)
	}
}

package server_test

import (
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

// ---- Exam sessions and results (第十条, 第十一条) ----

// walkExamDay numbers the walk's exam days: each session its own day after
// the walk class ends (2026-03-20), so one examiner never sits two sessions
// on one day.
var walkExamDay atomic.Int64

func walkExamDate() time.Time {
	return time.Date(2026, 3, 21, 0, 0, 0, 0, repository.Shanghai).AddDate(0, 0, int(walkExamDay.Add(1)%200))
}

// walkSessionForm is the session form (schedule or reschedule) for an exam
// on date ("" a fresh day).
func walkSessionForm(e *env, date string) url.Values {
	if date == "" {
		date = walkExamDate().Format("2006-01-02")
	}
	return url.Values{"exam_date": {date}, "venue": {"区职建中心考场"}, "theory_time": {"09:00-10:30"}, "practical_time": {"13:30-16:30"},
		"examiner_name_0": {accessExaminer.Name}, "examiner_id_0": {fixID("33018519700101555")}, "examiner_org_0": {accessExaminer.Organisation},
		"change_reason": {"走查"}}
}

// sessionStage is how far a walk session has gone.
type sessionStage int

const (
	stageScheduled sessionStage = iota // scheduled, before the exam day
	stageExamDay                       // scheduled, on the exam day
	stageScored                        // checked and scored (on the exam day)
	stageApproved                      // approved by a second centre user
	stagePublished                     // published
	stageAmended                       // published, a correction registered
	stageCancelled                     // cancelled before the exam day
)

// walkSession schedules an exam on a fresh accepted application of the
// school (one trainee) and takes it to stage; the clock is left on the
// exam day from stageExamDay on, else before it.
func (e *env) walkSession(kit func(e *env) classKit, stage sessionStage) walkObj {
	e.t.Helper()
	e.setClock(demoStart)
	yes := true
	app := e.walkApplication(kit, &yes)
	centre, centre2 := e.actorOf("centre"), e.actorOf("centre2")
	date := walkExamDate()
	ex := accessExaminer
	ex.IDNumber = fixID("33018519700101555")
	sid, err := e.store.ScheduleSession(e.ctx(), centre, app.id, training.SessionInput{ExamDate: date.Format("2006-01-02"), Venue: "区职建中心考场",
		TheoryTime: "09:00-10:30", PracticalTime: "13:30-16:30", Examiners: []training.ExaminerInput{ex}})
	e.must(err)
	entry := e.firstEntry(sid)
	o := walkObj{id: sid, table: "exam_sessions", sub: map[string]int64{"{eid}": entry, "{aid}": 0}}
	if stage == stageCancelled {
		e.must(e.store.CancelSession(e.ctx(), centre, sid, e.version("exam_sessions", sid), "走查"))
		return o
	}
	if stage == stageScheduled {
		return o
	}
	e.setClock(date.Add(9 * time.Hour))
	if stage == stageExamDay {
		return o
	}
	e.must(e.store.CheckCandidate(e.ctx(), centre, sid, entry))
	th, pr := 80, 75
	_, err = e.store.EnterScores(e.ctx(), centre, sid, e.version("exam_sessions", sid),
		[]training.ScoreRow{{EntryID: entry, Theory: training.PartScore{Score: &th}, Practical: training.PartScore{Score: &pr}}})
	e.must(err)
	if stage == stageScored {
		return o
	}
	e.must(e.store.ApproveResults(e.ctx(), centre2, sid, e.version("exam_sessions", sid)))
	if stage == stageApproved {
		return o
	}
	e.must(e.store.PublishResults(e.ctx(), centre, sid, e.version("exam_sessions", sid)))
	if stage == stagePublished {
		return o
	}
	o.sub["{aid}"] = e.registerAmendment(sid)
	return o
}

func sessionWalk() workflow {
	kit := lazyKit()
	state := func(stage sessionStage) func(e *env) walkObj {
		return func(e *env) walkObj { return e.walkSession(kit, stage) }
	}
	scores := func(e *env, o walkObj) url.Values {
		k := strconv.FormatInt(o.sub["{eid}"], 10)
		return url.Values{"theory_" + k: {"82"}, "practical_" + k: {"77"}}
	}
	sheet := func(e *env, o walkObj) (string, []byte) {
		// A cancelled session has no entries left: a number of none.
		no := e.queryString(`SELECT coalesce((SELECT candidate_no FROM exam_entries WHERE id = $1), 'KS000000000000-001')`, o.sub["{eid}"])
		return "成绩.csv", scoreCSV(no + ",走查学员,83,78")
	}
	amend := func(e *env, o walkObj) url.Values {
		return url.Values{"theory": {"85"}, "practical": {"79"}, "reason": {"走查复核"}}
	}
	reschedule := func(e *env, o walkObj) url.Values { return walkSessionForm(e, "") }
	cancel := func(e *env, o walkObj) url.Values { return url.Values{"cancel_reason": {"走查"}} }
	return workflow{
		name: "sessions",
		states: []walkState{
			{"已排期", state(stageScheduled)},
			{"考试当天", state(stageExamDay)},
			{"已录入", state(stageScored)},
			{"已核准", state(stageApproved)},
			{"已公布", state(stagePublished)},
			{"更正待核准", state(stageAmended)},
			{"已取消", state(stageCancelled)},
		},
		actions: []walkAction{
			{route: "POST /exam-sessions/{id}/entries/{eid}/check", as: "centre"},
			{route: "POST /exam-sessions/{id}/entries/{eid}/reveal", as: "centre"},
			{route: "POST /exam-sessions/{id}/scores", as: "centre", form: scores},
			{route: "POST /exam-sessions/{id}/scores/import", as: "centre", upload: true, file: sheet},
			{route: "POST /exam-sessions/{id}/approve", as: "centre2"},
			{route: "POST /exam-sessions/{id}/publish", as: "centre"},
			{route: "POST /exam-sessions/{id}/entries/{eid}/amend", as: "centre2", form: amend},
			{route: "POST /exam-sessions/{id}/amendments/{aid}/confirm", as: "centre"},
			{route: "POST /exam-sessions/{id}/amendments/{aid}/reject", as: "centre"},
			{route: "POST /exam-sessions/{id}/reschedule", as: "centre", form: reschedule},
			{route: "POST /exam-sessions/{id}/cancel", as: "centre", form: cancel},
		},
	}
}

// ---- The annual evaluation (第十五条, SUP-6) ----

// walkEvalYear numbers the walk's evaluation years: each state its own year
// (the clock is put in 2040 so that the settings take 2020 to 2041).
var walkEvalYear atomic.Int64

// evalStage is how far a walk evaluation year has gone.
type evalStage int

const (
	evalDraft evalStage = iota
	evalRunning
	evalComputed
	evalPublished
)

func (e *env) walkEvaluation(stage evalStage) walkObj {
	e.t.Helper()
	e.setClock(time.Date(2040, 3, 2, 9, 0, 0, 0, repository.Shanghai))
	// A year after the demo's (its clock is in 2026, and it publishes
	// evaluations of the years before): 2027–2040, allowed at the 2040 clock.
	year := 2027 + int(walkEvalYear.Add(1)%14)
	bureau := e.actorOf("bureau")
	_, err := e.store.SaveEvaluationSettings(e.ctx(), bureau, web.EvalSettingsFormOf(training.DefaultEvalSettings(year)).Input)
	e.must(err)
	o := walkObj{id: e.institutionID("杭州市临安区天目职业技能培训学校"), table: "evaluation_years", keyCol: "year", key: int64(year),
		sub: map[string]int64{"{year}": int64(year)}}
	if stage == evalDraft {
		return o
	}
	e.must(e.store.StartEvaluation(e.ctx(), bureau, year))
	if stage == evalRunning {
		return o
	}
	_, err = e.store.RunEvaluation(e.ctx(), year)
	e.must(err)
	if stage == evalComputed {
		return o
	}
	e.must(e.store.PublishEvaluation(e.ctx(), bureau, year))
	return o
}

func evaluationWalk() workflow {
	state := func(stage evalStage) func(e *env) walkObj {
		return func(e *env) walkObj { return e.walkEvaluation(stage) }
	}
	outcome := func(e *env, o walkObj) url.Values {
		return url.Values{"outcome": {string(training.OutcomeWarn)}, "note": {"走查"}}
	}
	return workflow{
		name: "evaluations",
		states: []walkState{
			{"草稿", state(evalDraft)},
			{"计算中", state(evalRunning)},
			{"已计算", state(evalComputed)},
			{"已公布", state(evalPublished)},
		},
		actions: []walkAction{
			{route: "POST /evaluations/{year}/run", as: "bureau"},
			{route: "POST /evaluations/{year}/publish", as: "bureau"},
			{route: "POST /evaluations/{year}/institutions/{id}/outcome", as: "bureau", form: outcome},
		},
	}
}

// ---- A class's roster, agreements, attendance and follow-up (第七条, 第八条, 第十四条) ----

// classStage is a filing state, and for an approved class how far its
// training has gone.
type classStage int

const (
	classDraft classStage = iota
	classSubmitted
	classReturned
	classApproved // approved, one trainee, before the start
	classRunning  // approved, one trainee, on its second day
	classFinished // one trainee, finished, after the end
	classCancelled
)

// walkClassTools files a class of the school and takes it to stage; its
// first enrolment is {eid} and its first timetabled session {sid} (0 when
// it has none: the route answers 404).
func (e *env) walkClassTools(kit func(e *env) classKit, stage classStage) walkObj {
	e.t.Helper()
	e.setClock(demoStart)
	var steps []training.ClassAction
	switch stage {
	case classSubmitted:
		steps = []training.ClassAction{training.ActClassSubmit}
	case classReturned:
		steps = []training.ClassAction{training.ActClassSubmit, training.ActClassReturn}
	case classApproved, classRunning, classFinished:
		steps = []training.ClassAction{training.ActClassSubmit, training.ActClassApprove}
	case classCancelled:
		steps = []training.ClassAction{training.ActClassSubmit, training.ActClassApprove, training.ActClassCancel}
	}
	o := e.walkClass(kit(e), steps...)
	o.sub = map[string]int64{"{eid}": 0, "{sid}": e.queryID(`SELECT coalesce(min(id), 0) FROM class_sessions WHERE class_id = $1`, o.id)}
	switch stage {
	case classApproved, classRunning, classFinished:
		eid, err := e.store.AddTrainee(e.ctx(), e.actorOf("school"), o.id, training.TraineeInput{IDNumber: idNo("33018519900505" + walkNo(3)),
			Name: "走查学员", Phone: "13900001111", TargetGroup: "失业人员", Employment: "未就业", Hukou: "本地城镇"})
		e.must(err)
		o.sub["{eid}"] = eid
	}
	switch stage {
	case classRunning:
		e.setClock(time.Date(2026, 3, 17, 18, 0, 0, 0, repository.Shanghai))
	case classFinished:
		e.finishClassForTest(o.id)
		e.setClock(time.Date(2026, 3, 23, 9, 0, 0, 0, repository.Shanghai))
	}
	return o
}

func classToolsWalk() workflow {
	kit := lazyKit()
	state := func(stage classStage) func(e *env) walkObj {
		return func(e *env) walkObj { return e.walkClassTools(kit, stage) }
	}
	reason := func(e *env, o walkObj) url.Values { return url.Values{"reason": {"走查"}} }
	trainee := func(e *env, o walkObj) url.Values {
		return url.Values{"id_number": {idNo("33018519920606" + walkNo(3))}, "name": {"走查新学员"}, "phone": {"13900002222"},
			"target_group": {"失业人员"}, "employment": {"未就业"}, "hukou": {"本地城镇"}}
	}
	row := func(f url.Values, o walkObj, field, value string) url.Values {
		f.Set(field+"."+strconv.FormatInt(o.sub["{eid}"], 10), value)
		return f
	}
	agreements := func(e *env, o walkObj) url.Values {
		f := row(url.Values{}, o, "agreement_no", "XY-"+walkNo(4))
		return row(f, o, "agreement_date", "2026-03-10")
	}
	attendance := func(e *env, o walkObj) url.Values {
		return row(url.Values{"hours": {"3"}, "teacher_id": {strconv.FormatInt(kit(e).theory, 10)}}, o, "mark", string(training.AttPresent))
	}
	employment := func(e *env, o walkObj) url.Values {
		return url.Values{"enrolment_id": {strconv.FormatInt(o.sub["{eid}"], 10)}, "months": {"3"}, "employed": {"1"},
			"employer": {"临安区某酒店"}, "start_date": {"2026-04-01"}}
	}
	assessment := func(e *env, o walkObj) url.Values {
		k := strconv.FormatInt(o.sub["{eid}"], 10)
		return url.Values{"cert_kind": {string(training.CertSkillLevel)}, "eval_org_id": {strconv.FormatInt(e.centreOrg(), 10)},
			"candidate": {k}, "reason_" + k: {"走查"}}
	}
	// Well-formed files, so that what stops an import is the class's state
	// (or, where the state allows it, a rule the file's row breaks).
	rosterSheet := func(e *env, o walkObj) (string, []byte) {
		var head []string
		for _, c := range training.RosterColumns {
			head = append(head, c.Label)
		}
		return "名单.csv", []byte(strings.Join(head, ",") + "\n" + idNo("33018519930707"+walkNo(3)) + ",走查导入,13900003333,失业人员,未就业,本地城镇,\n")
	}
	scheduleSheet := func(e *env, o walkObj) (string, []byte) {
		// A teacher the school does not have: 第五条 where the filing is open.
		return "课程表.csv", []byte(strings.Join(training.ScheduleColumns, ",") + "\n2026-03-16,09:00,12:00,理论课,3,走查无此教师\n")
	}
	employmentSheet := func(e *env, o walkObj) (string, []byte) {
		idn := e.firstTraineeID(o.id)
		return "就业.csv", []byte(strings.Join(training.EmploymentImportColumns, ",") + "\n" + idn + ",走查学员,是,否,临安区某酒店,2026-04-01\n")
	}
	return workflow{
		name: "class tools",
		states: []walkState{
			{"草稿", state(classDraft)},
			{"已提交", state(classSubmitted)},
			{"退回", state(classReturned)},
			{"已备案", state(classApproved)},
			{"培训中", state(classRunning)},
			{"已结业", state(classFinished)},
			{"已撤销", state(classCancelled)},
		},
		actions: []walkAction{
			{route: "POST /classes/{id}/roster", as: "school", form: trainee},
			{route: "POST /classes/{id}/roster/import", as: "school", upload: true, file: rosterSheet},
			{route: "POST /classes/{id}/schedule/import", as: "school", upload: true, file: scheduleSheet},
			{route: "POST /classes/{id}/employment/import", as: "school", upload: true, file: employmentSheet},
			{route: "POST /classes/{id}/roster/{eid}/remove", as: "school", form: reason},
			{route: "POST /classes/{id}/roster/export", as: "bureau", form: reason},
			{route: "POST /classes/{id}/agreements", as: "school", form: agreements},
			{route: "POST /classes/{id}/sessions/{sid}/attendance", as: "school", form: attendance},
			{route: "POST /classes/{id}/survey/codes", as: "school"},
			{route: "POST /classes/{id}/employment", as: "school", form: employment},
			{route: "POST /classes/{id}/assessment", as: "school", form: assessment},
		},
	}
}

package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"tianmu/internal/training"
)

// ArchivedClassContent identifies the demo class that went all the way:
// trained, assessed, results published and archived, so its ledger is
// frozen (SUP-1, 第十四条).
const ArchivedClassContent = "刀工刀法、热菜烹调（已鉴定归档）"

var archivedTrainees = []struct{ prefix, name, phone string }{
	{"33018519910412105", "何建军", "13857110011"},
	{"33018519960218206", "蒋丽娟", "13857110012"},
	{"33018519890730307", "陆文斌", "13857110013"},
}

// archivedStory is the archived class's story, told in step with the
// finished class's (loadFinishedClass calls each step on its day, so the
// audit log stays in time order): filed and approved with it, its
// trainees enrolled the same day, it runs on the two working days before
// that class's start. After the examiners are registered
// (assessArchivedClass) the school applies, the centre accepts, holds the
// exam with two pool examiners, enters the scores, a second centre user
// approves them, they are published and the application archived: the
// archive freezes the class's ledger.
type archivedStory struct {
	st         *story
	actors     map[string]training.Actor
	occ        map[string]int64
	d          demoClass
	id         int64
	start, end time.Time
}

func newArchivedStory(st *story, actors map[string]training.Actor, occ map[string]int64) *archivedStory {
	return &archivedStory{st: st, actors: actors, occ: occ, start: st.before(st.start, 3), end: st.before(st.start, 2),
		d: demoClass{login: "school", occupation: "4-03-02-01", level: training.Level5, typ: training.TypeSkillLevel, size: 20,
			theory: "李晓燕", practical: "王建华", textbook: "中式烹调师（初级 中级 高级）", content: ArchivedClassContent, state: training.ClassApproved}}
}

func (a *archivedStory) file(ctx context.Context) error {
	a.st.at(a.st.filed, 11, 0)
	var err error
	a.id, err = fileClass(ctx, a.st.store, a.actors, a.occ, a.d, a.start, a.end, []time.Time{a.start, a.end})
	return err
}

func (a *archivedStory) approve(ctx context.Context) error {
	a.st.at(a.st.approved, 15, 30)
	return approveClass(ctx, a.st.store, a.actors, a.id, a.d)
}

// enrolAndTrain enrols the trainees (after the finished class's, the same
// day) and records both days' attendance, which finishes the class.
func (a *archivedStory) enrolAndTrain(ctx context.Context) error {
	s, school, st := a.st.store, a.actors["school"], a.st
	st.at(st.enrolled, 10, 0)
	agreements := map[int64]training.AgreementInput{}
	var enrolments []int64
	for i, t := range archivedTrainees {
		in := training.TraineeInput{IDNumber: t.prefix + string(training.IDCheckChar(t.prefix)), Name: t.name, Phone: t.phone,
			TargetGroup: string(training.GroupUnemployed), Employment: string(training.EmpUnemployed), Hukou: string(training.HukouLocalUrban)}
		eid, err := s.AddTrainee(ctx, school, a.id, in)
		if err != nil {
			return fmt.Errorf("demo: trainee %s: %w", t.name, err)
		}
		enrolments = append(enrolments, eid)
		agreements[eid] = training.AgreementInput{No: fmt.Sprintf("TMXY-%d-G%03d", a.id, i+1), Date: st.enrolled.Format("2006-01-02"), Fee: "no"}
	}
	if _, err := s.RecordAgreements(ctx, school, a.id, agreements); err != nil {
		return fmt.Errorf("demo: agreements of the archived class: %w", err)
	}
	c, err := s.ClassByID(ctx, school, a.id)
	if err != nil {
		return err
	}
	for n, ss := range c.Plan.Sessions {
		st.at(ss.Date, 17, 30)
		in := training.AttendanceInput{Hours: strconv.Itoa(ss.Hours), TeacherID: strconv.FormatInt(ss.TeacherID, 10), Marks: map[int64]string{}}
		for _, e := range enrolments {
			in.Marks[e] = string(training.AttPresent)
		}
		if _, err := s.RecordAttendance(ctx, school, a.id, ss.ID, in); err != nil {
			return fmt.Errorf("demo: attendance of session %d of the archived class: %w", n+1, err)
		}
	}
	return nil
}

// assessArchivedClass runs the archived class's assessment once the pool
// exists (after loadExaminers), on working days before today.
func assessArchivedClass(ctx context.Context, st *story, actors map[string]training.Actor) error {
	s, school, centre, centre2 := st.store, actors["school"], actors["centre"], actors["centre2"]
	var id, org int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM classes WHERE content = $1`, ArchivedClassContent).Scan(&id); err != nil {
		return fmt.Errorf("demo: archived class: %w", err)
	}
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM eval_orgs WHERE kind = 'centre' ORDER BY id LIMIT 1`).Scan(&org); err != nil {
		return fmt.Errorf("demo: the centre: %w", err)
	}
	roster, err := s.Roster(ctx, school, id)
	if err != nil {
		return err
	}
	var ids []int64
	for _, r := range roster {
		ids = append(ids, r.ID)
	}
	st.at(st.end, 19, 0)
	app, err := s.Apply(ctx, school, id, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: org, EnrolmentIDs: ids})
	if err != nil {
		return fmt.Errorf("demo: apply for the archived class: %w", err)
	}
	// On the working days after the class's end (before today, which is
	// at least 14 days on: there are always three working days between).
	after := func(d time.Time, n int) time.Time {
		for ; n > 0; n-- {
			d = d.AddDate(0, 0, 1)
			for !st.working(d) {
				d = d.AddDate(0, 0, 1)
			}
		}
		return d
	}
	accept, exam, publish, archive := after(st.end, 1), after(st.end, 2), after(st.end, 3), after(st.end, 3)
	st.at(accept, 9, 30)
	if err := s.DecideApplication(ctx, centre, app, 1, true, ""); err != nil {
		return fmt.Errorf("demo: accept the archived class: %w", err)
	}
	var pool []int64
	rows, err := s.Pool().Query(ctx, `SELECT id FROM examiners WHERE name IN ('沈建国', '吴海燕') ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var x int64
		if err := rows.Scan(&x); err != nil {
			rows.Close()
			return err
		}
		pool = append(pool, x)
	}
	rows.Close()
	st.at(accept, 10, 0)
	sid, err := s.ScheduleSession(ctx, centre, app, training.SessionInput{ExamDate: exam.Format("2006-01-02"), Venue: "区职建中心第一考场",
		TheoryTime: "09:00-10:30", PracticalTime: "13:30-16:30", PoolIDs: pool})
	if err != nil {
		return fmt.Errorf("demo: the archived class's exam: %w", err)
	}
	st.at(exam, 8, 30)
	x, err := s.SessionByID(ctx, centre, sid)
	if err != nil {
		return err
	}
	var scores []training.ScoreRow
	for i, en := range x.Entries {
		if err := s.CheckCandidate(ctx, centre, sid, en.ID); err != nil {
			return fmt.Errorf("demo: ID check: %w", err)
		}
		th, pr := 78+i*4, 72+i*5
		scores = append(scores, training.ScoreRow{EntryID: en.ID, Theory: training.PartScore{Score: &th}, Practical: training.PartScore{Score: &pr}})
	}
	st.at(exam, 17, 0)
	if _, err := s.EnterScores(ctx, centre, sid, x.Version, scores); err != nil {
		return fmt.Errorf("demo: scores: %w", err)
	}
	st.at(publish, 10, 0)
	if err := s.ApproveResults(ctx, centre2, sid, x.Version+1); err != nil {
		return fmt.Errorf("demo: approve the results: %w", err)
	}
	st.at(publish, 15, 0)
	if err := s.PublishResults(ctx, centre, sid, x.Version+2); err != nil {
		return fmt.Errorf("demo: publish the results: %w", err)
	}
	st.at(archive, 16, 30)
	ap, err := s.ApplicationByID(ctx, centre, app)
	if err != nil {
		return err
	}
	if err := s.ArchiveApplication(ctx, centre, app, ap.Version); err != nil {
		return fmt.Errorf("demo: archive the archived class: %w", err)
	}
	return nil
}

package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"tianmu/internal/training"
)

// FinishedClassContent identifies the demo class that has finished training
// and waits for its assessment application.
const FinishedClassContent = "刀工刀法、热菜烹调、冷菜制作、食品安全（结业待鉴定）"

// demoTrainees are the finished class's trainees (made-up people; the
// check characters are computed). The 17th digit agrees with the sex the
// name suggests: odd for a man, even for a woman.
var demoTrainees = []struct {
	prefix, name, phone string
	male                bool
	marks               [4]training.AttendanceStatus // the class's four sessions
}{
	{"33018519920315101", "方晓东", "13857110001", true, [4]training.AttendanceStatus{}},
	{"33018519950721204", "俞佳琪", "13857110002", false, [4]training.AttendanceStatus{training.AttLate}},
	{"33018519880909301", "潘国华", "13857110003", true, [4]training.AttendanceStatus{}},
	{"33018520000102402", "盛雨萱", "13857110004", false, [4]training.AttendanceStatus{}},
	{"33018519970630503", "应志强", "13857110005", true, [4]training.AttendanceStatus{2: training.AttLeave}},
}

// loadFinishedClass tells the finished class's story through the
// repository, each step on its day of the story (story.go): the school
// files and submits a 中式烹调师 四级 class, the bureau approves it, the
// school enrols five trainees who sign their agreements, and records
// attendance at the end of each of the two training days; the last
// recording finishes the class (已结业). The school can apply to assess it
// right away. Two marks are not 出勤: one trainee came late to the first
// session, another was on leave for the third (his rate falls below 80%).
func loadFinishedClass(ctx context.Context, st *story, actors map[string]training.Actor, occ map[string]int64) error {
	s, school := st.store, actors["school"]
	d := demoClass{login: "school", occupation: "4-03-02-01", level: training.Level4, typ: training.TypeSkillLevel, size: 30,
		theory: "李晓燕", practical: "王建华", textbook: "中式烹调师（初级 中级 高级）", content: FinishedClassContent, state: training.ClassApproved}
	st.at(st.filed, 10, 0)
	id, err := fileClass(ctx, s, actors, occ, d, st.start, st.end, []time.Time{st.start, st.end})
	if err != nil {
		return err
	}
	st.at(st.approved, 15, 0)
	if err := approveClass(ctx, s, actors, id, d); err != nil {
		return err
	}
	st.at(st.enrolled, 9, 30)
	agreements := map[int64]training.AgreementInput{}
	enrolments := make([]int64, len(demoTrainees))
	for i, t := range demoTrainees {
		in := training.TraineeInput{IDNumber: t.prefix + string(training.IDCheckChar(t.prefix)), Name: t.name, Phone: t.phone,
			TargetGroup: string(training.GroupRuralMigrant), Employment: string(training.EmpEmployed), Hukou: string(training.HukouLocalRural)}
		eid, err := s.AddTrainee(ctx, school, id, in)
		if err != nil {
			return fmt.Errorf("demo: trainee %s: %w", t.name, err)
		}
		enrolments[i] = eid
		agreements[eid] = training.AgreementInput{No: fmt.Sprintf("TMXY-%d-J%03d", id, i+1), Date: st.enrolled.Format("2006-01-02"), Fee: "no"}
	}
	if _, err := s.RecordAgreements(ctx, school, id, agreements); err != nil {
		return fmt.Errorf("demo: agreements of the finished class: %w", err)
	}
	c, err := s.ClassByID(ctx, school, id)
	if err != nil {
		return err
	}
	for n, ss := range c.Plan.Sessions {
		st.at(ss.Date, 17, 45)
		in := training.AttendanceInput{Hours: strconv.Itoa(ss.Hours), TeacherID: strconv.FormatInt(ss.TeacherID, 10), Marks: map[int64]string{}}
		for i, t := range demoTrainees {
			mark := training.AttPresent
			if n < len(t.marks) && t.marks[n] != "" {
				mark = t.marks[n]
			}
			in.Marks[enrolments[i]] = string(mark)
		}
		if _, err := s.RecordAttendance(ctx, school, id, ss.ID, in); err != nil {
			return fmt.Errorf("demo: attendance of session %d of the finished class: %w", n+1, err)
		}
	}
	c, err = s.ClassByID(ctx, school, id)
	if err != nil {
		return err
	}
	if c.Status != training.ClassFinished {
		return fmt.Errorf("demo: the finished class is %s after its last session", c.Status)
	}
	return nil
}

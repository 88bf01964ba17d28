package demo

import (
	"context"
	"fmt"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// demoClass is a filing of the demo data set. Dates are relative to the
// day the data is loaded, so the demo never shows stale deadlines.
type demoClass struct {
	login      string
	occupation string
	level      training.Level
	typ        training.ClassType
	size       int
	weeks      int // the class starts on the Monday this many weeks ahead
	theory     string
	practical  string
	textbook   string
	content    string
	state      training.ClassStatus // draft, submitted or approved
}

var demoClasses = []demoClass{
	{login: "school", occupation: "4-03-02-01", level: training.Level4, typ: training.TypeSkillLevel, size: 40, weeks: 3,
		theory: "李晓燕", practical: "王建华", textbook: "中式烹调师（初级 中级 高级）",
		content: "烹饪原料知识、刀工刀法、火候掌握、热菜烹调、冷菜制作、食品安全与卫生", state: training.ClassApproved},
	{login: "school", occupation: "4-03-02-01", level: training.Level3, typ: training.TypeSkillLevel, size: 35, weeks: 5,
		theory: "李晓燕", practical: "王建华", textbook: "中式烹调师（初级 中级 高级）",
		content: "宴席菜肴设计、地方风味菜（临安农家菜）、成本核算", state: training.ClassSubmitted},
	{login: "school", occupation: "6-31-01-03", level: training.Level5, typ: training.TypeSkillLevel, size: 30, weeks: 7,
		theory: "李晓燕", practical: "张国强", textbook: "电工（初级 中级 高级）",
		content: "电工基础、安全用电、照明线路安装", state: training.ClassDraft},
	{login: "academy", occupation: "4-10-01-05", level: training.Level4, typ: training.TypeSkillLevel, size: 45, weeks: 4,
		theory: "何静", practical: "周美玲", textbook: "养老护理员（基础知识 初级 中级 高级）",
		content: "生活照料、基础护理、康复服务、心理支持、失智照护", state: training.ClassSubmitted},
}

// mondayAfter is the Monday at least weeks*7 days after today.
func mondayAfter(today time.Time, weeks int) time.Time {
	d := today.AddDate(0, 0, weeks*7)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// loadClasses files today's classes: each starts on the Monday weeks
// ahead and runs Monday to Friday, with its sessions on the first two days.
func loadClasses(ctx context.Context, s *repository.Store, actors map[string]training.Actor, occ map[string]int64) error {
	for _, d := range demoClasses {
		start := mondayAfter(s.Today(), d.weeks)
		id, err := fileClass(ctx, s, actors, occ, d, start, start.AddDate(0, 0, 4), []time.Time{start, start.AddDate(0, 0, 1)})
		if err != nil {
			return err
		}
		if d.state != training.ClassApproved {
			continue
		}
		if err := approveClass(ctx, s, actors, id, d); err != nil {
			return err
		}
		// The approved class gets a roster with signed agreements.
		if err := loadTrainees(ctx, s, actors[d.login], id); err != nil {
			return err
		}
		if err := loadSigned(ctx, s, actors[d.login], id); err != nil {
			return err
		}
	}
	return nil
}

// fileClass creates a demo filing from start to end with a theory and a
// practical session on each of days, and submits it unless it stays a
// draft. Approval is a separate step (approveClass), on its own day.
func fileClass(ctx context.Context, s *repository.Store, actors map[string]training.Actor, occ map[string]int64, d demoClass,
	start, end time.Time, days []time.Time) (int64, error) {
	lookup := func(sql, name string) (int64, error) {
		var id int64
		err := s.Pool().QueryRow(ctx, sql, name).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("demo: %s: %w", name, err)
		}
		return id, nil
	}
	a := actors[d.login]
	theory, err := lookup(`SELECT id FROM teachers WHERE name = $1`, d.theory)
	if err != nil {
		return 0, err
	}
	practical, err := lookup(`SELECT id FROM teachers WHERE name = $1`, d.practical)
	if err != nil {
		return 0, err
	}
	book, err := lookup(`SELECT id FROM textbooks WHERE title = $1`, d.textbook)
	if err != nil {
		return 0, err
	}
	p := training.Plan{OccupationID: occ[d.occupation], Level: d.level, Type: d.typ, PlannedSize: d.size,
		StartDate: start, EndDate: end, Venue: "本机构实训中心", Content: d.content,
		Teachers:    []training.ClassTeacher{{TeacherID: theory, Role: training.RoleTheory}, {TeacherID: practical, Role: training.RolePractical}},
		TextbookIDs: []int64{book}}
	for _, day := range days {
		p.Sessions = append(p.Sessions,
			training.Session{Date: day, Start: "08:30", End: "11:30", Kind: training.RoleTheory, Hours: 3, TeacherID: theory},
			training.Session{Date: day, Start: "13:30", End: "17:30", Kind: training.RolePractical, Hours: 4, TeacherID: practical})
		p.TheoryHours += 3
		p.PracticalHours += 4
	}
	id, err := s.CreateClass(ctx, a, p)
	if err != nil {
		return 0, fmt.Errorf("demo: class %s: %w", d.content, err)
	}
	if d.state == training.ClassDraft {
		return id, nil
	}
	if err := s.SaveClass(ctx, a, id, 1, p, true); err != nil {
		return 0, fmt.Errorf("demo: submit class %s: %w", d.content, err)
	}
	return id, nil
}

// approveClass is the bureau approving a submitted demo filing.
func approveClass(ctx context.Context, s *repository.Store, actors map[string]training.Actor, id int64, d demoClass) error {
	if err := s.StepClass(ctx, actors["bureau"], id, repository.ClassStep{Action: training.ActClassApprove, Version: 2}); err != nil {
		return fmt.Errorf("demo: approve class %s: %w", d.content, err)
	}
	return nil
}

// demoSurnames and demoGiven make the demo trainees' names.
var (
	demoSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	demoGiven    = []struct {
		name string
		male bool
	}{{"建国", true}, {"秀英", false}, {"志强", true}, {"丽华", false}, {"海燕", false}, {"伟", true}, {"芳", false}, {"磊", true},
		{"静", false}, {"军", true}, {"敏", false}, {"洋", true}, {"艳", false}, {"杰", true}, {"娟", false}, {"涛", true},
		{"明", true}, {"超", true}, {"霞", false}, {"平", true}}
)

// rosterPrefix is the 17-digit ID prefix of roster trainee i: born
// 1975+i, and the sequence's last digit odd for a man, even for a woman.
func rosterPrefix(i int) string {
	seq := 100 + i*7
	if (seq%2 == 1) != demoGiven[i].male {
		seq++
	}
	return fmt.Sprintf("330185%04d%02d%02d%03d", 1975+i, i%12+1, i*3%28+1, seq)
}

// loadTrainees puts 20 trainees on an approved class's roster, through
// AddTrainee like the roster page does.
func loadTrainees(ctx context.Context, s *repository.Store, a training.Actor, classID int64) error {
	groups := []string{"企业职工", "农村转移就业劳动者", "失业人员", "企业职工", "退役军人", "就业困难人员"}
	emps := map[string]string{"企业职工": "在职", "农村转移就业劳动者": "灵活就业/自主创业", "失业人员": "未就业", "退役军人": "未就业", "就业困难人员": "未就业"}
	rows := map[int64]training.AgreementInput{}
	for i := 0; i < 20; i++ {
		prefix := rosterPrefix(i)
		g := groups[i%len(groups)]
		employer := ""
		if emps[g] == "在职" {
			employer = "临安区" + []string{"天目山宾馆", "锦城酒店", "农家乐协会", "太湖源餐饮"}[i%4]
		}
		in := training.TraineeInput{IDNumber: prefix + string(training.IDCheckChar(prefix)),
			Name:  string(demoSurnames[i]) + demoGiven[i].name,
			Phone: fmt.Sprintf("1385712%04d", 1000+i*37), TargetGroup: g, Employment: emps[g],
			Hukou: []string{"本地农村", "本地城镇", "外地农村"}[i%3], Employer: employer}
		eid, err := s.AddTrainee(ctx, a, classID, in)
		if err != nil {
			return fmt.Errorf("demo: trainee %d: %w", i, err)
		}
		// Every trainee on the demo roster has signed the agreement
		// (第十六条), so attendance can be recorded once the class starts.
		rows[eid] = training.AgreementInput{No: fmt.Sprintf("TMXY-%d-R%03d", classID, i+1), Date: s.Today().Format("2006-01-02"), Fee: "no"}
	}
	if _, err := s.RecordAgreements(ctx, a, classID, rows); err != nil {
		return fmt.Errorf("demo: roster agreements: %w", err)
	}
	return nil
}

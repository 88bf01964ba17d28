package demo

import (
	"context"
	"fmt"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// The demo teacher pool and textbook catalogue. Names, ID numbers, phone
// numbers, certificate numbers and ISBNs are made up (the check characters
// are computed so that they pass validation); none belongs to a real person
// or book.

// idNumber builds a resident ID number from a 17-digit prefix.
func idNumber(prefix string) string { return prefix + string(training.IDCheckChar(prefix)) }

// isbn builds an ISBN-13 from a 12-digit prefix.
func isbn(prefix string) string { return prefix + string(training.ISBNCheckDigit(prefix)) }

type demoCert struct {
	occupation string // code
	level      training.Level
	number     string
	issued     string
	issuer     string
}

type demoTeacher struct {
	login     string // the institution user who proposes the teacher
	in        training.TeacherInput
	certs     []demoCert
	submitted bool // submitted for review
	approved  bool // approved into the pool by the bureau
	male      bool // as the name says; the ID number's 17th digit agrees (demo_test)
}

const (
	issuerHZ = "杭州市人力资源和社会保障局"
	issuerLA = "杭州市临安区人力资源和社会保障局"
	issuerZJ = "浙江省职业技能鉴定指导中心"
)

// demoTeachers are the teacher pool: the school's four approved teachers
// and one draft, the academy's two approved teachers.
var demoTeachers = []demoTeacher{
	{
		// 技师 中式烹调师 with 高中: may teach practical 中式烹调师 at every
		// level (第五条), but no theory (needs 中专/大专 and a 中级 title).
		login: "school", approved: true, male: true,
		in: training.TeacherInput{Name: "王建华", IDNumber: idNumber("33018519750612301"), Phone: "13906815236",
			Education: training.EduHigh, Title: training.TitleNone},
		certs: []demoCert{{"4-03-02-01", training.Level2, "S000033011200221000417", "2018-11-20", issuerHZ}},
	},
	{
		// 大专 with a 中级 title: theory at every level; 中式面点师 三级 lets
		// her teach practical 面点 up to 中级.
		login: "school", approved: true,
		in: training.TeacherInput{Name: "李晓燕", IDNumber: idNumber("33011219830305152"), Phone: "13757126648",
			Education: training.EduCollege, Title: training.TitleMiddle},
		certs: []demoCert{{"4-03-02-02", training.Level3, "S000033011200231000582", "2016-06-28", issuerLA}},
	},
	{
		// 电工 三级 with 中专: practical 电工 at 初、中级 only.
		login: "school", approved: true, male: true,
		in: training.TeacherInput{Name: "张国强", IDNumber: idNumber("33018519790918271"), Phone: "15858163307",
			Education: training.EduSecondaryVoc, Title: training.TitleNone},
		certs: []demoCert{{"6-31-01-03", training.Level3, "S000033011200231000736", "2017-09-15", issuerHZ}},
	},
	{
		// 焊工 技师, 本科, 中级 title: theory and practical 焊工 at every level.
		login: "school", approved: true, male: true,
		in: training.TeacherInput{Name: "刘明辉", IDNumber: idNumber("33012219810427343"), Phone: "13588420917",
			Education: training.EduBachelor, Title: training.TitleMiddle},
		certs: []demoCert{{"6-18-02-04", training.Level2, "S000033000000221000905", "2019-12-06", issuerZJ}},
	},
	{
		// Still a draft: the school has not submitted him yet.
		login: "school", male: true,
		in: training.TeacherInput{Name: "陈志远", IDNumber: idNumber("33018519920115003"), Phone: "18768143295",
			Education: training.EduHigh, Title: training.TitleNone},
		certs: []demoCert{{"4-03-02-02", training.Level4, "S000033011200241001128", "2021-07-09", issuerLA}},
	},
	{
		// 养老护理员 技师 and 家政服务员 三级, 高中: practical teacher.
		login: "academy", approved: true,
		in: training.TeacherInput{Name: "周美玲", IDNumber: idNumber("33018519780823264"), Phone: "13819172604",
			Education: training.EduHigh, Title: training.TitleNone},
		certs: []demoCert{
			{"4-10-01-05", training.Level2, "S000033011200221001347", "2020-10-30", issuerHZ},
			{"4-10-01-06", training.Level3, "S000033011200231001352", "2017-05-19", issuerLA},
		},
	},
	{
		// 本科 (护理) with a 中级 title: theory teacher; 保育师 三级.
		login: "academy", approved: true,
		in: training.TeacherInput{Name: "何静", IDNumber: idNumber("33010619860210042"), Phone: "13605713481",
			Education: training.EduBachelor, Title: training.TitleMiddle},
		certs: []demoCert{{"4-10-01-03", training.Level3, "S000033000000231001466", "2019-04-12", issuerZJ}},
	},
}

type demoUse struct {
	occupation string
	level      training.Level // LevelNone: every level
}

type demoTextbook struct {
	in   training.TextbookInput // without uses
	uses []demoUse
	by   string // "" for the bureau; an institution login for a proposal
}

const pubLabour = "中国劳动社会保障出版社"

var demoTextbooks = []demoTextbook{
	{in: training.TextbookInput{Title: "中式烹调师（基础知识）", ISBN: isbn("978751670301"), Publisher: pubLabour, Edition: "2020年第2版", Status: training.TextbookDesignated},
		uses: []demoUse{{"4-03-02-01", training.LevelNone}}},
	{in: training.TextbookInput{Title: "中式烹调师（初级 中级 高级）", ISBN: isbn("978751670302"), Publisher: pubLabour, Edition: "2020年第2版", Status: training.TextbookDesignated},
		uses: []demoUse{{"4-03-02-01", training.Level5}, {"4-03-02-01", training.Level4}, {"4-03-02-01", training.Level3}}},
	{in: training.TextbookInput{Title: "中式烹调师（技师 高级技师）", ISBN: isbn("978751670303"), Publisher: pubLabour, Edition: "2021年第1版", Status: training.TextbookDesignated},
		uses: []demoUse{{"4-03-02-01", training.Level2}, {"4-03-02-01", training.Level1}}},
	{in: training.TextbookInput{Title: "中式面点师（初级 中级 高级）", ISBN: isbn("978751670311"), Publisher: pubLabour, Edition: "2020年第2版", Status: training.TextbookApproved},
		uses: []demoUse{{"4-03-02-02", training.Level5}, {"4-03-02-02", training.Level4}, {"4-03-02-02", training.Level3}}},
	{in: training.TextbookInput{Title: "电工（初级 中级 高级）", ISBN: isbn("978751670321"), Publisher: pubLabour, Edition: "2019年第1版", Status: training.TextbookDesignated},
		uses: []demoUse{{"6-31-01-03", training.Level5}, {"6-31-01-03", training.Level4}, {"6-31-01-03", training.Level3}}},
	{in: training.TextbookInput{Title: "焊工（基础知识）", ISBN: isbn("978711170331"), Publisher: "机械工业出版社", Edition: "2021年第3版", Status: training.TextbookApproved},
		uses: []demoUse{{"6-18-02-04", training.LevelNone}}},
	{in: training.TextbookInput{Title: "养老护理员（基础知识 初级 中级 高级）", ISBN: isbn("978751670341"), Publisher: pubLabour, Edition: "2020年第1版", Status: training.TextbookDesignated},
		uses: []demoUse{{"4-10-01-05", training.Level5}, {"4-10-01-05", training.Level4}, {"4-10-01-05", training.Level3}}},
	{in: training.TextbookInput{Title: "家政服务员（初级 中级 高级）", ISBN: isbn("978751670351"), Publisher: pubLabour, Edition: "2021年第1版", Status: training.TextbookApproved},
		uses: []demoUse{{"4-10-01-06", training.Level5}, {"4-10-01-06", training.Level4}, {"4-10-01-06", training.Level3}}},
	{in: training.TextbookInput{Title: "保育师（初级 中级）", ISBN: isbn("978751670361"), Publisher: pubLabour, Edition: "2022年第1版", Status: training.TextbookDesignated},
		uses: []demoUse{{"4-10-01-03", training.Level5}, {"4-10-01-03", training.Level4}}},
	// Bureau-compiled material: an internal code instead of an ISBN.
	{in: training.TextbookInput{Title: "临安农家乐餐饮服务实务", InternalCode: "LA-RS-2025-03", Publisher: "杭州市临安区人力资源和社会保障局", Edition: "2025年版", Status: training.TextbookDesignated},
		uses: []demoUse{{"4-03-02-01", training.LevelNone}, {"4-03-02-02", training.LevelNone}}},
	// The school's proposal, waiting for the bureau (待核准).
	{in: training.TextbookInput{Title: "天目山笋干菜点制作", ISBN: isbn("978721370371"), Publisher: "浙江科学技术出版社", Edition: "2024年第1版"},
		uses: []demoUse{{"4-03-02-01", training.Level4}, {"4-03-02-01", training.Level3}}, by: "school"},
}

// loadPool creates the demo teachers and textbooks through the repository,
// as the users who would enter them: the school and the academy propose
// their teachers on the story's base day, the bureau approves them and
// keeps the catalogue on its pool day.
func loadPool(ctx context.Context, st *story, actors map[string]training.Actor, occ map[string]int64) error {
	st.at(st.base, 14, 0)
	if err := loadTeachers(ctx, st, actors, occ); err != nil {
		return err
	}
	st.at(st.pool, 11, 0)
	return loadTextbooks(ctx, st.store, actors, occ)
}

func loadTeachers(ctx context.Context, st *story, actors map[string]training.Actor, occ map[string]int64) error {
	s := st.store
	bureau := actors["bureau"]
	var approve []func() error
	for _, d := range demoTeachers {
		a := actors[d.login]
		id, _, err := s.CreateTeacher(ctx, a, d.in)
		if err != nil {
			return fmt.Errorf("demo: teacher %s: %w", d.in.Name, err)
		}
		version := 1
		for _, c := range d.certs {
			in := training.CertificateInput{OccupationID: occ[c.occupation], Level: c.level, Number: c.number, IssueDate: c.issued, Issuer: c.issuer}
			if err := s.AddCertificate(ctx, a, id, version, in); err != nil {
				return fmt.Errorf("demo: certificate of %s: %w", d.in.Name, err)
			}
			version++
		}
		if !d.submitted && !d.approved {
			continue
		}
		if err := s.ReviewTeacher(ctx, a, id, version, training.ActTeacherSubmit, ""); err != nil {
			return fmt.Errorf("demo: submit %s: %w", d.in.Name, err)
		}
		version++
		if d.approved {
			name, version := d.in.Name, version
			approve = append(approve, func() error {
				if err := s.ReviewTeacher(ctx, bureau, id, version, training.ActTeacherApprove, "材料齐全，符合第五条要求"); err != nil {
					return fmt.Errorf("demo: approve %s: %w", name, err)
				}
				return nil
			})
		}
	}
	st.at(st.pool, 10, 0)
	for _, f := range approve {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func loadTextbooks(ctx context.Context, s *repository.Store, actors map[string]training.Actor, occ map[string]int64) error {
	for _, d := range demoTextbooks {
		in := d.in
		for _, u := range d.uses {
			in.Uses = append(in.Uses, training.TextbookUse{OccupationID: occ[u.occupation], Level: u.level})
		}
		a := actors["bureau"]
		if d.by != "" {
			a = actors[d.by]
		}
		if _, err := s.CreateTextbook(ctx, a, in); err != nil {
			return fmt.Errorf("demo: textbook %s: %w", in.Title, err)
		}
	}
	return nil
}

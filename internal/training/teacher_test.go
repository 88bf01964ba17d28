package training

import (
	"strings"
	"testing"
	"time"
)

const (
	occCook   int64 = 1 // 中式烹调师
	occPastry int64 = 2 // 中式面点师, marked related to 中式烹调师
	occWeld   int64 = 3 // 焊工, unrelated
)

func related(a, b int64) bool {
	return a == b || (a == occCook && b == occPastry) || (a == occPastry && b == occCook)
}

func cert(occ int64, l Level) Certificate {
	return Certificate{OccupationID: occ, OccupationName: map[int64]string{occCook: "中式烹调师", occPastry: "中式面点师", occWeld: "焊工"}[occ], Level: l}
}

func equiv(req Requirement, b Band, r TeachingRole, occ int64) Equivalence {
	return Equivalence{Requirement: req, Band: b, Role: r, OccupationID: occ, Basis: "区人社局会议纪要", DecidedBy: "王科长"}
}

func TestBandOf(t *testing.T) {
	for l, want := range map[Level]Band{LevelNone: BandBasic, Level5: BandBasic, Level4: BandBasic, Level3: BandAdvanced, Level2: BandAdvanced, Level1: BandAdvanced} {
		if got := BandOf(l); got != want {
			t.Errorf("BandOf(%v) = %v, want %v", l, got, want)
		}
	}
}

func TestQualify(t *testing.T) {
	type tc struct {
		name  string
		t     Teacher
		occ   int64
		level Level
		role  TeachingRole
		want  []string // substrings of the messages, in order; nil = allowed
	}
	theory := func(e Education, ti Title, eq ...Equivalence) Teacher {
		return Teacher{Name: "张三", Education: e, Title: ti, Equivalences: eq}
	}
	practical := func(e Education, certs []Certificate, eq ...Equivalence) Teacher {
		return Teacher{Name: "李四", Education: e, Certificates: certs, Equivalences: eq}
	}
	cases := []tc{
		// QUAL-1: 初、中级 theory — 中专 and 中级.
		{"QUAL-1 中专 中级 四级", theory(EduSecondaryVoc, TitleMiddle), occCook, Level4, RoleTheory, nil},
		{"QUAL-1 中专 中级 五级", theory(EduSecondaryVoc, TitleMiddle), occCook, Level5, RoleTheory, nil},
		{"QUAL-1 中专 中级 无等级", theory(EduSecondaryVoc, TitleMiddle), occCook, LevelNone, RoleTheory, nil},
		{"QUAL-1 高中 is not 中专", theory(EduHigh, TitleMiddle), occCook, Level4, RoleTheory, []string{"第五条（一）：初、中级技能培训理论课教师须具有中专以上学历"}},
		{"QUAL-1 初级 title", theory(EduSecondaryVoc, TitleJunior), occCook, Level4, RoleTheory, []string{"第五条（一）：初、中级技能培训理论课教师须具有中级以上职称"}},
		{"QUAL-1 both unmet", theory(EduHigh, TitleNone), occCook, Level5, RoleTheory, []string{"中专以上学历", "中级以上职称"}},
		{"QUAL-1 副高 title", theory(EduBachelor, TitleViceSenior), occCook, Level4, RoleTheory, nil},
		// QUAL-3: 高级 theory — 大专 and 中级; 三级 is 高级.
		{"QUAL-3 大专 中级 三级", theory(EduCollege, TitleMiddle), occCook, Level3, RoleTheory, nil},
		{"QUAL-3 中专 fails at 三级", theory(EduSecondaryVoc, TitleMiddle), occCook, Level3, RoleTheory, []string{"第五条（二）：高级技能培训理论课教师须具有大专以上学历"}},
		{"QUAL-3 初级 title at 二级", theory(EduCollege, TitleJunior), occCook, Level2, RoleTheory, []string{"第五条（二）：高级技能培训理论课教师须具有中级以上职称"}},
		// QUAL-2: 初、中级 practical — 高中 and 三级 in a related occupation.
		{"QUAL-2 高中 三级 same", practical(EduHigh, []Certificate{cert(occCook, Level3)}), occCook, Level4, RolePractical, nil},
		{"QUAL-2 三级 无等级 class", practical(EduHigh, []Certificate{cert(occCook, Level3)}), occCook, LevelNone, RolePractical, nil},
		{"QUAL-2 四级 certificate", practical(EduHigh, []Certificate{cert(occCook, Level4)}), occCook, Level4, RolePractical, []string{"第五条（一）：初、中级技能培训操作技能课教师须持相关工种三级/高级工以上职业资格证书"}},
		{"QUAL-2 初中", practical(EduJunior, []Certificate{cert(occCook, Level2)}), occCook, Level5, RolePractical, []string{"第五条（一）：初、中级技能培训操作技能课教师须具有高中以上文化程度"}},
		{"QUAL-2 related occupation", practical(EduHigh, []Certificate{cert(occPastry, Level3)}), occCook, Level4, RolePractical, nil},
		{"QUAL-2 related is symmetric", practical(EduHigh, []Certificate{cert(occCook, Level3)}), occPastry, Level4, RolePractical, nil},
		{"QUAL-2 unrelated occupation", practical(EduHigh, []Certificate{cert(occWeld, Level1)}), occCook, Level4, RolePractical, []string{"相关工种三级/高级工以上"}},
		// QUAL-4: 高级 practical — 高中 and 技师 in the class's own occupation.
		{"QUAL-4 技师 same", practical(EduHigh, []Certificate{cert(occCook, Level2)}), occCook, Level3, RolePractical, nil},
		{"QUAL-4 高级技师 same at 二级", practical(EduHigh, []Certificate{cert(occCook, Level1)}), occCook, Level2, RolePractical, nil},
		{"QUAL-4 三级 certificate", practical(EduHigh, []Certificate{cert(occCook, Level3)}), occCook, Level3, RolePractical, []string{"第五条（二）：高级技能培训操作技能课教师须持本工种技师以上职业资格证书"}},
		{"QUAL-4 技师 in a related occupation", practical(EduHigh, []Certificate{cert(occPastry, Level2)}), occCook, Level3, RolePractical, []string{"本工种技师以上"}},
		{"QUAL-4 技师 in another occupation", practical(EduHigh, []Certificate{cert(occWeld, Level2)}), occCook, Level3, RolePractical, []string{"本工种技师以上"}},
		{"QUAL-4 初中", practical(EduJunior, []Certificate{cert(occCook, Level2)}), occCook, Level3, RolePractical, []string{"第五条（二）：高级技能培训操作技能课教师须具有高中以上文化程度"}},
		// Equivalences replace exactly one requirement, in their band and role.
		{"equiv education basic theory", theory(EduHigh, TitleMiddle, equiv(ReqEducation, BandBasic, RoleTheory, 0)), occCook, Level4, RoleTheory, nil},
		{"equiv education wrong band", theory(EduHigh, TitleMiddle, equiv(ReqEducation, BandAdvanced, RoleTheory, 0)), occCook, Level4, RoleTheory, []string{"中专以上学历"}},
		{"equiv education wrong role", theory(EduHigh, TitleMiddle, equiv(ReqEducation, BandBasic, RolePractical, 0)), occCook, Level4, RoleTheory, []string{"中专以上学历"}},
		{"equiv education advanced theory", theory(EduSecondaryVoc, TitleMiddle, equiv(ReqEducation, BandAdvanced, RoleTheory, 0)), occCook, Level3, RoleTheory, nil},
		{"equiv title basic", theory(EduSecondaryVoc, TitleJunior, equiv(ReqTitle, BandBasic, RoleTheory, 0)), occCook, Level4, RoleTheory, nil},
		{"equiv title advanced", theory(EduCollege, TitleNone, equiv(ReqTitle, BandAdvanced, RoleTheory, 0)), occCook, Level3, RoleTheory, nil},
		{"equiv title leaves education", theory(EduHigh, TitleNone, equiv(ReqTitle, BandBasic, RoleTheory, 0)), occCook, Level4, RoleTheory, []string{"中专以上学历"}},
		{"equiv education practical", practical(EduJunior, []Certificate{cert(occCook, Level3)}, equiv(ReqEducation, BandBasic, RolePractical, 0)), occCook, Level4, RolePractical, nil},
		{"equiv certificate advanced same occ", practical(EduHigh, []Certificate{cert(occCook, Level3)}, equiv(ReqCertificate, BandAdvanced, RolePractical, occCook)), occCook, Level3, RolePractical, nil},
		{"equiv certificate other occ", practical(EduHigh, nil, equiv(ReqCertificate, BandAdvanced, RolePractical, occWeld)), occCook, Level3, RolePractical, []string{"本工种技师以上"}},
		{"equiv certificate basic related occ", practical(EduHigh, nil, equiv(ReqCertificate, BandBasic, RolePractical, occPastry)), occCook, Level4, RolePractical, nil},
		{"equiv certificate basic does not cover advanced", practical(EduHigh, nil, equiv(ReqCertificate, BandBasic, RolePractical, occCook)), occCook, Level3, RolePractical, []string{"本工种技师以上"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Qualify(c.t, c.occ, c.level, c.role, related)
			if len(got) != len(c.want) {
				t.Fatalf("got %d messages %q, want %d %q", len(got), got, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("message %d = %q, want it to contain %q", i, got[i], w)
				}
				if !strings.HasPrefix(got[i], "第五条") {
					t.Errorf("message %q does not cite the article", got[i])
				}
			}
		})
	}
}

func TestQualifyRelatedNil(t *testing.T) {
	tr := Teacher{Education: EduHigh, Certificates: []Certificate{cert(occPastry, Level3)}}
	if got := Qualify(tr, occCook, Level4, RolePractical, nil); len(got) != 1 {
		t.Fatalf("without relations a different occupation must not count: %q", got)
	}
}

func TestCheckTeacherPool(t *testing.T) {
	tr := Teacher{Name: "王五", Education: EduCollege, Title: TitleMiddle, Status: TeacherSubmitted}
	got := CheckTeacher(tr, occCook, Level3, RoleTheory, related)
	if len(got) != 1 || !strings.Contains(got[0], "审核入库") {
		t.Fatalf("QUAL-5: %q", got)
	}
	tr.Status = TeacherApproved
	if got := CheckTeacher(tr, occCook, Level3, RoleTheory, related); len(got) != 0 {
		t.Fatalf("approved and qualified: %q", got)
	}
}

func TestEligibilityTable(t *testing.T) {
	tr := Teacher{Education: EduSecondaryVoc, Title: TitleMiddle, Certificates: []Certificate{cert(occCook, Level2), cert(occWeld, Level3)}}
	rows := EligibilityTable(tr, related)
	if len(rows) != 2 {
		t.Fatalf("rows %d", len(rows))
	}
	want := map[int64][4]bool{
		occCook: {true, true, false, true},  // 中专: basic theory yes, advanced theory no; 技师 cook
		occWeld: {true, true, false, false}, // 三级 weld: basic practical only
	}
	for _, r := range rows {
		for i, c := range r.Cells {
			if c.Allowed() != want[r.OccupationID][i] {
				t.Errorf("occupation %d cell %d (%s %s) = %v %q", r.OccupationID, i, c.Band, c.Role, c.Allowed(), c.Reasons)
			}
		}
	}
}

func TestTeacherStatusMachine(t *testing.T) {
	type step struct {
		from TeacherStatus
		act  TeacherAction
		to   TeacherStatus
		ok   bool
	}
	steps := []step{
		{TeacherDraft, ActTeacherSubmit, TeacherSubmitted, true},
		{TeacherReturned, ActTeacherSubmit, TeacherSubmitted, true},
		{TeacherSubmitted, ActTeacherSubmit, TeacherSubmitted, false},
		{TeacherApproved, ActTeacherSubmit, TeacherApproved, false},
		{TeacherSubmitted, ActTeacherApprove, TeacherApproved, true},
		{TeacherSubmitted, ActTeacherReturn, TeacherReturned, true},
		{TeacherDraft, ActTeacherApprove, TeacherDraft, false},
		{TeacherReturned, ActTeacherApprove, TeacherReturned, false},
		{TeacherApproved, ActTeacherApprove, TeacherApproved, false},
		{TeacherApproved, ActTeacherReturn, TeacherApproved, false},
		{TeacherApproved, ActTeacherChange, TeacherSubmitted, true},
		{TeacherDraft, ActTeacherChange, TeacherDraft, true},
		{TeacherReturned, ActTeacherChange, TeacherReturned, true},
		{TeacherSubmitted, ActTeacherChange, TeacherSubmitted, true},
	}
	for _, s := range steps {
		to, msg := NextTeacherStatus(s.from, s.act)
		if to != s.to || (msg == "") != s.ok {
			t.Errorf("%s %s: got %s %q, want %s ok=%v", s.from, s.act, to, msg, s.to, s.ok)
		}
		if msg != "" && !strings.HasPrefix(msg, "第五条") {
			t.Errorf("message without article: %q", msg)
		}
	}
	inst := Actor{Role: RoleInstitution, InstitutionID: 1}
	bureau := Actor{Role: RoleBureau}
	if CanTeacher(bureau, TeacherDraft, ActTeacherSubmit) || !CanTeacher(inst, TeacherDraft, ActTeacherSubmit) {
		t.Error("only an institution submits")
	}
	if CanTeacher(inst, TeacherSubmitted, ActTeacherApprove) || !CanTeacher(bureau, TeacherSubmitted, ActTeacherApprove) {
		t.Error("only the bureau approves")
	}
}

func TestTeacherInputValidate(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	good := "33018519800101" + "123"
	good += string(IDCheckChar(good))
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	feb30 := "33018519800230" + "123"
	feb30 += string(IDCheckChar(feb30))
	cases := []struct {
		in    TeacherInput
		field string
		msg   string
	}{
		{TeacherInput{Name: "张三", IDNumber: good, Phone: "13800001111", Education: EduHigh}, "", ""},
		{TeacherInput{Name: "张三", IDNumber: bad, Phone: "13800001111", Education: EduHigh}, "id_number", "校验位"},
		{TeacherInput{Name: "张三", IDNumber: feb30, Phone: "13800001111", Education: EduHigh}, "id_number", "出生日期不存在"},
		{TeacherInput{Name: "张三", IDNumber: good[:17], Phone: "13800001111", Education: EduHigh}, "id_number", "18位"},
		{TeacherInput{Name: "", IDNumber: good, Phone: "13800001111", Education: EduHigh}, "name", "姓名"},
		{TeacherInput{Name: "张三", IDNumber: good, Phone: "12800001111", Education: EduHigh}, "phone", "手机号码"},
		{TeacherInput{Name: "张三", IDNumber: good, Phone: "13800001111"}, "education", "学历"},
		{TeacherInput{Name: "张三", IDNumber: good, Phone: "13800001111", Education: EduHigh, Title: 9}, "title", "职称"},
	}
	for _, c := range cases {
		err := c.in.Validate(today)
		if c.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", c.in, err)
			}
			continue
		}
		v, ok := AsValidation(err)
		if !ok || !strings.Contains(v.Fields[c.field], c.msg) {
			t.Errorf("%+v: got %v, want %s: …%s…", c.in, err, c.field, c.msg)
		}
	}
}

func TestCertificateInputValidate(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	cook := Occupation{ID: occCook, Name: "中式烹调师", Levels: []Level{1, 2, 3, 4, 5}}
	nanny := Occupation{ID: 9, Name: "育婴员", Levels: []Level{3, 4, 5}}
	guide := Occupation{ID: 10, Name: "导游"}
	ok := CertificateInput{OccupationID: occCook, Level: Level2, Number: "3301000123", IssueDate: "2020-06-30", Issuer: "杭州市人力社保局"}
	cases := []struct {
		occ   Occupation
		mod   func(*CertificateInput)
		field string
		msg   string
	}{
		{cook, func(*CertificateInput) {}, "", ""},
		{nanny, func(c *CertificateInput) { c.OccupationID = 9 }, "level", "育婴员没有二级/技师"},
		{guide, func(c *CertificateInput) { c.OccupationID = 10 }, "occupation_id", "没有职业技能等级"},
		{Occupation{}, func(c *CertificateInput) { c.OccupationID = 0 }, "occupation_id", "请选择工种"},
		{cook, func(c *CertificateInput) { c.IssueDate = "2021-02-30" }, "issue_date", "日期不存在"},
		{cook, func(c *CertificateInput) { c.IssueDate = "2026-03-03" }, "issue_date", "晚于今天"},
		{cook, func(c *CertificateInput) { c.Number = " " }, "number", "证书编号"},
		{cook, func(c *CertificateInput) { c.Issuer = "" }, "issuer", "发证机构"},
		{cook, func(c *CertificateInput) { c.Level = 0 }, "level", "请选择等级"},
	}
	for i, c := range cases {
		in := ok
		c.mod(&in)
		_, err := in.Validate(c.occ, today)
		if c.field == "" {
			if err != nil {
				t.Errorf("case %d: %v", i, err)
			}
			continue
		}
		v, isV := AsValidation(err)
		if !isV || !strings.Contains(v.Fields[c.field], c.msg) {
			t.Errorf("case %d: got %v, want %s: …%s…", i, err, c.field, c.msg)
		}
	}
}

func TestEquivalenceInputValidate(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	base := EquivalenceInput{Requirement: ReqTitle, Band: BandBasic, Role: RoleTheory, Basis: "从事烹饪教学二十年", DecidedBy: "王科长", DecidedOn: "2026-03-01"}
	if _, err := base.Validate(today); err != nil {
		t.Fatal(err)
	}
	bad := base
	bad.Role = RolePractical
	if _, err := bad.Validate(today); err == nil {
		t.Error("title equivalence for practical accepted")
	}
	bad = base
	bad.Requirement, bad.Role = ReqCertificate, RolePractical
	if _, err := bad.Validate(today); err == nil {
		t.Error("certificate equivalence without occupation accepted")
	}
	bad.OccupationID = occCook
	if _, err := bad.Validate(today); err != nil {
		t.Error(err)
	}
	bad = base
	bad.DecidedOn = "2026-02-30"
	if _, err := bad.Validate(today); err == nil {
		t.Error("impossible date accepted")
	}
}

func TestCheckUpload(t *testing.T) {
	if msg := CheckUpload("a.pdf", "application/pdf", 100, 5<<20); msg != "" {
		t.Error(msg)
	}
	if msg := CheckUpload("a.pdf", "application/pdf", 5<<20+1, 5<<20); !strings.Contains(msg, "过大") {
		t.Error(msg)
	}
	if msg := CheckUpload("a.pdf", "text/html; charset=utf-8", 100, 5<<20); !strings.Contains(msg, "JPG") {
		t.Error(msg)
	}
	if got := CleanFilename(`C:\\fake\\..\\证书"扫描.pdf`); got != "证书扫描.pdf" {
		t.Errorf("CleanFilename = %q", got)
	}
}

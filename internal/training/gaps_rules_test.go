package training

import (
	"strings"
	"testing"
	"time"
)

// Rule tables for issue 14: equivalences a qualification rests on, the
// examiner pool (EXAM-2), rescheduling and cancelling, the exam day, the
// ID reveal, carried parts, score files, withdrawn organisations.

func TestEquivalencesReliedOn(t *testing.T) {
	eduTheory := equiv(ReqEducation, BandBasic, RoleTheory, 0)
	titleTheory := equiv(ReqTitle, BandBasic, RoleTheory, 0)
	certPractical := equiv(ReqCertificate, BandBasic, RolePractical, occCook)
	for _, c := range []struct {
		name  string
		t     Teacher
		level Level
		role  TeachingRole
		want  []Requirement
	}{
		{"own education and title suffice", Teacher{Education: EduSecondaryVoc, Title: TitleMiddle, Equivalences: []Equivalence{titleTheory}}, Level4, RoleTheory, nil},
		{"title only by equivalence", Teacher{Education: EduSecondaryVoc, Title: TitleNone, Equivalences: []Equivalence{titleTheory}}, Level4, RoleTheory, []Requirement{ReqTitle}},
		{"both by equivalence", Teacher{Education: EduHigh, Title: TitleNone, Equivalences: []Equivalence{eduTheory, titleTheory}}, Level4, RoleTheory, []Requirement{ReqEducation, ReqTitle}},
		{"equivalence for another band does not count", Teacher{Education: EduSecondaryVoc, Title: TitleNone, Equivalences: []Equivalence{titleTheory}}, Level3, RoleTheory, nil},
		{"certificate by equivalence", Teacher{Education: EduHigh, Equivalences: []Equivalence{certPractical}}, Level4, RolePractical, []Requirement{ReqCertificate}},
		{"own certificate suffices", Teacher{Education: EduHigh, Certificates: []Certificate{cert(occCook, Level3)}, Equivalences: []Equivalence{certPractical}}, Level4, RolePractical, nil},
		{"no equivalences", Teacher{Education: EduHigh}, Level4, RolePractical, nil},
	} {
		got := EquivalencesReliedOn(c.t, occCook, c.level, c.role, related)
		var reqs []Requirement
		for _, e := range got {
			reqs = append(reqs, e.Requirement)
		}
		if strings.Join(toStrings(reqs), ",") != strings.Join(toStrings(c.want), ",") {
			t.Errorf("%s: %v, want %v", c.name, reqs, c.want)
		}
	}
	u := EquivalenceUse{TeacherName: "王建华", Role: RoleTheory, Equivalence: Equivalence{Requirement: ReqTitle, Band: BandBasic,
		Role: RoleTheory, Basis: "会议纪要", DecidedBy: "王科长", DecidedOn: day("2026-03-01"), RecordedBy: "王科长（bureau）",
		RecordedAt: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)}}
	if got := u.Text(); !strings.Contains(got, "王建华（理论课）依据等同资质合格") || !strings.Contains(got, "王科长于2026-03-01认定") ||
		!strings.Contains(got, "2026-03-01 10:00录入") {
		t.Errorf("text %q", got)
	}
}

func toStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func poolFacts() ExaminerFacts {
	return ExaminerFacts{
		Conflict: ConflictFacts{ClassTeachers: map[string]bool{"330185198001010011": true}, Staff: map[string]bool{"330185198001010022": true},
			InstitutionName: "杭州市临安区天目职业技能培训学校"},
		OccupationID: occCook, Level: Level4, ClassName: "中式烹调师 四级",
		Pool: map[int64]PoolExaminer{
			1: {ID: 1, Name: "赵一", IDNumber: "330185197501010033", Employer: "临安区职建中心", Active: true, Scopes: []ScopeItem{{OccupationID: occCook, MaxLevel: Level3}}},
			2: {ID: 2, Name: "钱二", IDNumber: "330185197501010044", Employer: "杭州市临安区天目职业技能培训学校", Active: true, Scopes: []ScopeItem{{OccupationID: occCook, MaxLevel: Level3}}},
			3: {ID: 3, Name: "孙三", IDNumber: "330185198001010011", Employer: "某酒店", Active: true, Scopes: []ScopeItem{{OccupationID: occCook, MaxLevel: Level3}}},
			4: {ID: 4, Name: "李四", IDNumber: "330185197501010055", Employer: "某酒店", Active: false, Scopes: []ScopeItem{{OccupationID: occCook, MaxLevel: Level3}}},
			5: {ID: 5, Name: "周五", IDNumber: "330185197501010066", Employer: "某酒店", Active: true, Scopes: []ScopeItem{{OccupationID: occCook, MaxLevel: Level5}}},
			6: {ID: 6, Name: "吴六", IDNumber: "330185197501010077", Employer: "某酒店", Active: true, Scopes: []ScopeItem{{OccupationID: occWeld, MaxLevel: Level1}}},
			7: {ID: 7, Name: "郑七", IDNumber: "330185198001010022", Employer: "某公司", Active: true, Scopes: []ScopeItem{{OccupationID: occCook, MaxLevel: Level1}}},
		},
	}
}

func TestDecideSessionExaminers(t *testing.T) {
	f := poolFacts()
	for _, c := range []struct {
		name   string
		picked []int64
		typed  []ExaminerInput
		field  string
		rule   *Rule
		picks  int
	}{
		{"independent pool examiner", []int64{1}, nil, "", nil, 1},
		{"pool examiner employed by the institution", []int64{2}, nil, "pool_2", RuleExaminerEmployer, 0},
		{"pool examiner teaching the class", []int64{3}, nil, "pool_3", RuleExaminerTeacher, 0},
		{"pool examiner on the institution's staff", []int64{7}, nil, "pool_7", RuleExaminerStaff, 0},
		{"inactive", []int64{4}, nil, "pool_4", RuleExaminerInactive, 0},
		{"scope up to 五级 only", []int64{5}, nil, "pool_5", RuleExaminerScope, 0},
		{"another occupation", []int64{6}, nil, "pool_6", RuleExaminerScope, 0},
		{"not in the pool", []int64{99}, nil, "pool_99", RuleExaminerUnknown, 0},
		{"typed examiner found in the pool with the institution as employer", nil,
			[]ExaminerInput{{Name: "钱二", IDNumber: "330185197501010044", Organisation: "某酒店"}}, "examiner_0", RuleExaminerEmployer, 0},
		{"typed twice with a pick", []int64{1}, []ExaminerInput{{}, {Name: "赵一", IDNumber: "330185197501010033", Organisation: "x"}}, "examiner_1", RuleExaminerTwice, 1},
		{"typed one-off examiner", nil, []ExaminerInput{{Name: "外聘", IDNumber: "330185196001010088", Organisation: "某大学"}}, "", nil, 0},
	} {
		picks, rs := DecideSessionExaminers(c.picked, c.typed, f)
		if len(picks) != c.picks {
			t.Errorf("%s: %d picks, want %d", c.name, len(picks), c.picks)
		}
		if c.rule == nil {
			if !rs.OK() {
				t.Errorf("%s: refused %v", c.name, rs.Messages())
			}
			continue
		}
		if len(rs) != 2 || rs[0].Rule != c.rule || rs[0].Field != c.field || rs[1].Field != "" || rs[1].Message != rs[0].Message {
			t.Errorf("%s: %+v, want %s beside %s and for the form", c.name, rs, c.rule.Text, c.field)
		}
		if !strings.HasPrefix(rs[0].Message, "第九条：") {
			t.Errorf("%s: %q cites no article", c.name, rs[0].Message)
		}
	}
	_, rs := DecideSessionExaminers([]int64{2}, nil, f)
	if want := "第九条：实行考培分离，考评人员不得为该培训机构的工作人员（钱二，工作单位：杭州市临安区天目职业技能培训学校）"; rs[0].Message != want {
		t.Errorf("employer message %q", rs[0].Message)
	}
}

func TestPoolExaminerMayExamine(t *testing.T) {
	x := PoolExaminer{Scopes: []ScopeItem{{OccupationID: occCook, MaxLevel: Level3}, {OccupationID: occWeld, MaxLevel: LevelNone}}}
	for _, c := range []struct {
		occ   int64
		level Level
		want  bool
	}{
		{occCook, Level3, true}, {occCook, Level5, true}, {occCook, Level2, false}, {occCook, LevelNone, true},
		{occWeld, LevelNone, true}, {occWeld, Level4, true}, {occPastry, Level5, false},
	} {
		if got := x.MayExamine(c.occ, c.level); got != c.want {
			t.Errorf("MayExamine(%d, %d) = %v", c.occ, c.level, got)
		}
	}
}

func TestPoolExaminerInputValidate(t *testing.T) {
	good := PoolExaminerInput{Name: " 赵一 ", IDNumber: id17("33018519750101003"), Employer: "临安区职建中心", CertificateNo: "KP-001",
		Scopes: []ScopeItem{{}, {OccupationID: occCook, MaxLevel: Level3}}}
	e, err := good.Validate(day("2026-03-01"))
	if err != nil || e.Name != "赵一" || len(e.Scopes) != 1 || !e.Active {
		t.Fatalf("%+v %v", e, err)
	}
	for name, in := range map[string]PoolExaminerInput{
		"name":           {IDNumber: good.IDNumber, Employer: "x", CertificateNo: "1", Scopes: good.Scopes},
		"id_number":      {Name: "a", IDNumber: "330185197501010030", Employer: "x", CertificateNo: "1", Scopes: good.Scopes},
		"employer":       {Name: "a", IDNumber: good.IDNumber, CertificateNo: "1", Scopes: good.Scopes},
		"certificate_no": {Name: "a", IDNumber: good.IDNumber, Employer: "x", Scopes: good.Scopes},
		"scope_0":        {Name: "a", IDNumber: good.IDNumber, Employer: "x", CertificateNo: "1"},
		"scope_1":        {Name: "a", IDNumber: good.IDNumber, Employer: "x", CertificateNo: "1", Scopes: []ScopeItem{{OccupationID: 1, MaxLevel: Level3}, {OccupationID: 1, MaxLevel: Level2}}},
	} {
		_, err := in.Validate(day("2026-03-01"))
		if v, ok := AsValidation(err); !ok || v.Fields[name] == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestDecideChangeSession(t *testing.T) {
	centre := Actor{UserID: 5, Role: RoleCentre}
	f := SessionChangeFacts{Status: SessScheduled, ExamDate: day("2026-03-20"), Today: day("2026-03-19")}
	for _, c := range []struct {
		name  string
		a     Actor
		f     func(SessionChangeFacts) SessionChangeFacts
		c     SessionChange
		rule  *Rule
		field string
		err   error
	}{
		{"the day before", centre, nil, SessionChange{Reason: "考场检修", NewDate: day("2026-03-27")}, nil, "", nil},
		{"cancel the day before", centre, nil, SessionChange{Cancel: true, Reason: "考场检修"}, nil, "", nil},
		{"on the exam day", centre, func(f SessionChangeFacts) SessionChangeFacts { f.Today = f.ExamDate; return f },
			SessionChange{Reason: "x"}, RuleSessionChangeDay, "", nil},
		{"after the exam day", centre, func(f SessionChangeFacts) SessionChangeFacts { f.Today = day("2026-03-21"); return f },
			SessionChange{Cancel: true, Reason: "x"}, RuleSessionChangeDay, "", nil},
		{"scored", centre, func(f SessionChangeFacts) SessionChangeFacts { f.Status = SessScored; return f },
			SessionChange{Reason: "x"}, RuleSessionChangeState, "", nil},
		{"cancelled", centre, func(f SessionChangeFacts) SessionChangeFacts { f.Status = SessCancelled; return f },
			SessionChange{Cancel: true, Reason: "x"}, RuleSessionChangeState, "", nil},
		{"no reason", centre, nil, SessionChange{Reason: "  "}, RuleSessionChangeWhy, "change_reason", nil},
		{"retake into another year", centre, func(f SessionChangeFacts) SessionChangeFacts { f.FirstAttemptYears = []int{2026}; return f },
			SessionChange{Reason: "x", NewDate: day("2027-01-05")}, RuleRetakeYear, "exam_date", nil},
		{"retake in the same year", centre, func(f SessionChangeFacts) SessionChangeFacts { f.FirstAttemptYears = []int{2026}; return f },
			SessionChange{Reason: "x", NewDate: day("2026-12-30")}, nil, "", nil},
		{"institution", Actor{UserID: 3, Role: RoleInstitution, InstitutionID: 1}, nil, SessionChange{Reason: "x"}, nil, "", ErrForbidden},
	} {
		ff := f
		if c.f != nil {
			ff = c.f(f)
		}
		rs, err := DecideChangeSession(c.a, ff, c.c)
		if err != c.err {
			t.Errorf("%s: err %v", c.name, err)
			continue
		}
		switch {
		case c.rule == nil && !rs.OK():
			t.Errorf("%s: refused %v", c.name, rs.Messages())
		case c.rule != nil && (len(rs) == 0 || rs[0].Rule != c.rule || rs[0].Field != c.field):
			t.Errorf("%s: %+v, want %s", c.name, rs, c.rule.Text)
		}
	}
	if !CanChangeSession(centre, SessScheduled, day("2026-03-20"), day("2026-03-19")) || CanChangeSession(centre, SessScheduled, day("2026-03-20"), day("2026-03-20")) {
		t.Error("CanChangeSession disagrees with DecideChangeSession")
	}
}

func TestExamDayAndReveal(t *testing.T) {
	centre := Actor{UserID: 5, Role: RoleCentre}
	exam := day("2026-03-20")
	if ExamDayOpen(exam, day("2026-03-19")) || !ExamDayOpen(exam, exam) || !ExamDayOpen(exam, day("2026-03-21")) {
		t.Error("ExamDayOpen")
	}
	if got := RuleExamDayClosed.Msg("2026-03-20"); !strings.Contains(got, "考试当天开放") {
		t.Errorf("%q", got)
	}
	for _, c := range []struct {
		status ExamSessionStatus
		today  string
		rule   *Rule
	}{
		{SessScheduled, "2026-03-20", nil}, {SessScored, "2026-03-21", nil},
		{SessScheduled, "2026-03-19", RuleExamDayClosed}, {SessApproved, "2026-03-21", RuleRevealState},
		{SessPublished, "2026-03-21", RuleRevealState}, {SessCancelled, "2026-03-19", RuleRevealState},
	} {
		rs, err := DecideRevealID(centre, c.status, exam, day(c.today))
		if err != nil || (c.rule == nil) != rs.OK() || (c.rule != nil && rs[0].Rule != c.rule) {
			t.Errorf("%s on %s: %v %+v", c.status, c.today, err, rs)
		}
	}
	if _, err := DecideRevealID(Actor{Role: RoleBureau}, SessScheduled, exam, exam); err != ErrForbidden {
		t.Errorf("bureau: %v", err)
	}
}

func TestCarriedParts(t *testing.T) {
	sixty := score(60)
	e := ExamEntry{Attempt: 2, Parts: Parts{Practical: true}, Practical: score(72), CarriedTheory: &sixty}
	if got := e.TheoryText(); got != "60（首次合格，保留）" {
		t.Errorf("carried theory %q", got)
	}
	if got := e.PracticalText(); got != "72" {
		t.Errorf("retaken practical %q", got)
	}
	r := PublicResult{Attempt: 2, PracticalRequired: true, Practical: score(72), CarriedTheory: &sixty}
	if r.TheoryText() != "60（首次合格，保留）" || r.PracticalText() != "72" {
		t.Errorf("public %q %q", r.TheoryText(), r.PracticalText())
	}
	first := PublicResult{Attempt: 1, TheoryRequired: true, PracticalRequired: true, Theory: score(60), Practical: score(50)}
	if first.TheoryText() != "60" || first.PracticalText() != "50" {
		t.Errorf("first attempt %q %q", first.TheoryText(), first.PracticalText())
	}
	if got := PartText(false, PartScore{}, nil); got != "—" {
		t.Errorf("%q", got)
	}
}

func TestExamAffairsPart(t *testing.T) {
	failed := &Attempt{Outcome: OutcomeFail, Published: true, TheoryPassed: true}
	for _, c := range []struct {
		first  *Attempt
		theory bool
		want   string
	}{
		{nil, true, "新考"}, {failed, true, "免考"}, {failed, false, "补考"},
		{&Attempt{Outcome: OutcomeFail, Published: false}, false, "新考"}, {&Attempt{Outcome: OutcomePass, Published: true}, true, "新考"},
	} {
		if got := ExamAffairsPart(c.first, c.theory); got != c.want {
			t.Errorf("%+v theory=%v: %s, want %s", c.first, c.theory, got, c.want)
		}
	}
	rows := ExamAffairsRows(Application{ClassNo: "LA-1", OccupationCode: "4-03-02-01", OccupationName: "中式烹调师", Level: Level4,
		CertKind: CertSkillLevel, InstitutionName: "学校", ClassStart: day("2026-03-01"), ClassEnd: day("2026-03-02")},
		[]ExamAffairsCandidate{{Trainee: Trainee{Name: "张三", IDNumber: "330185199001011234", Male: true, BirthDate: day("1990-01-01")}, FirstAttempt: failed}})
	if len(rows) != 1 || len(rows[0]) != len(ExamAffairsColumns) || rows[0][4] != "男" || rows[0][19] != "免考" || rows[0][20] != "补考" {
		t.Errorf("%q", rows)
	}
}

func TestCheckScoreFile(t *testing.T) {
	now := time.Now()
	entries := []ExamEntry{
		{ID: 1, CandidateNo: "KS-001", Name: "张三", Parts: BothParts, CheckedAt: &now},
		{ID: 2, CandidateNo: "KS-002", Name: "李四", Parts: BothParts, CheckedAt: &now, Theory: score(55)},
		{ID: 3, CandidateNo: "KS-003", Name: "王五", Parts: BothParts},                                           // not checked
		{ID: 4, CandidateNo: "KS-004", Name: "赵六", Parts: Parts{Practical: true}, CheckedAt: &now, Attempt: 2}, // a retake
	}
	h, msg := ParseScoreHeader([]string{"\uFEFF考号", "姓名", "应知成绩", "应会成绩", "备注"})
	if msg != "" || h.CandidateNo != 0 || h.Theory != 2 || h.Practical != 3 {
		t.Fatalf("header %+v %q", h, msg)
	}
	if _, msg := ParseScoreHeader([]string{"姓名", "分数"}); msg != RuleScoreFileHeader.Msg() {
		t.Errorf("bad header %q", msg)
	}
	good := []ScoreFileRow{
		h.Row(2, []string{"KS-001", "张三", "78", "缺考"}),
		h.Row(3, []string{"KS-003", "王五", "缺考", "缺考"}),
		h.Row(4, []string{"KS-004", "赵六", "", "66.0"}),
	}
	rows, problems := CheckScoreFile(entries, good)
	if len(problems) != 0 || len(rows) != 4 {
		t.Fatalf("good file: %+v", problems)
	}
	if *rows[0].Theory.Score != 78 || !rows[0].Practical.Absent || *rows[1].Theory.Score != 55 || !rows[2].Theory.Absent || *rows[3].Practical.Score != 66 {
		t.Errorf("rows %+v", rows)
	}
	for _, c := range []struct {
		name string
		row  []string
		want string
	}{
		{"unknown number", []string{"KS-099", "张三", "78", "80"}, "考号KS-099不是本场次的考生"},
		{"wrong name", []string{"KS-001", "张山", "78", "80"}, "与表中姓名「张山」不符"},
		{"score out of range", []string{"KS-001", "张三", "101", "80"}, "应知：第十条：成绩为0至100的整数"},
		{"text score", []string{"KS-001", "张三", "七十", "80"}, "成绩为0至100的整数"},
		{"not checked", []string{"KS-003", "王五", "70", "80"}, RuleScoreFileNotChecked.Msg()},
		{"carried part filled in", []string{"KS-004", "赵六", "60", "70"}, "应知是补考前已合格的科目"},
	} {
		_, problems := CheckScoreFile(entries, []ScoreFileRow{h.Row(7, c.row)})
		if len(problems) != 1 || problems[0].Line != 7 || !strings.Contains(problems[0].Message, c.want) {
			t.Errorf("%s: %+v", c.name, problems)
		}
	}
	_, problems = CheckScoreFile(entries, []ScoreFileRow{h.Row(2, []string{"KS-001", "", "70", "70"}), h.Row(3, []string{"KS-001", "张三", "71", "70"})})
	if len(problems) != 1 || problems[0].Line != 3 || !strings.Contains(problems[0].Message, "第2行已有") {
		t.Errorf("duplicate: %+v", problems)
	}
	if _, problems := CheckScoreFile(entries, nil); len(problems) != 1 {
		t.Errorf("empty file: %+v", problems)
	}
}

func TestDecideWithdrawOrg(t *testing.T) {
	bureau := Actor{UserID: 1, Role: RoleBureau}
	for _, c := range []struct {
		f      WithdrawFacts
		reason string
		rule   *Rule
	}{
		{WithdrawFacts{Kind: OrgSocial, Approved: true}, "核准到期", nil},
		{WithdrawFacts{Kind: OrgSocial, Approved: true}, " ", RuleOrgWithdrawWhy},
		{WithdrawFacts{Kind: OrgCentre, Approved: true}, "x", RuleOrgWithdrawCentre},
		{WithdrawFacts{Kind: OrgSocial, WithdrawnOn: "2026-03-01"}, "x", RuleOrgWithdrawTwice},
	} {
		rs, err := DecideWithdrawOrg(bureau, c.f, c.reason)
		if err != nil || (c.rule == nil) != rs.OK() || (c.rule != nil && rs[0].Rule != c.rule) {
			t.Errorf("%+v %q: %v %+v", c.f, c.reason, err, rs)
		}
	}
	if _, err := DecideWithdrawOrg(Actor{Role: RoleCentre}, WithdrawFacts{}, "x"); err != ErrForbidden {
		t.Error("centre may not withdraw")
	}
	if OrgOpen(EvalOrg{Kind: OrgSocial}) || !OrgOpen(EvalOrg{Kind: OrgCentre}) || !OrgOpen(EvalOrg{Kind: OrgSocial, Approved: true}) {
		t.Error("OrgOpen")
	}
}

func TestDecideIDCheck(t *testing.T) {
	exam := day("2026-03-20")
	at := time.Date(2026, 3, 20, 1, 5, 0, 0, time.UTC) // 09:05 in Shanghai
	for _, c := range []struct {
		status  ExamSessionStatus
		today   string
		checked *time.Time
		want    string // "" allowed, else a part of the one message
	}{
		{SessScheduled, "2026-03-20", nil, ""},
		{SessScored, "2026-03-22", nil, ""},
		{SessScheduled, "2026-03-19", nil, "考试当天起"},
		{SessScheduled, "2026-03-20", &at, "考生K001已于2026-03-20 09:05核对"},
		{SessApproved, "2026-03-21", nil, "第十"},
		{SessPublished, "2026-03-21", &at, "第十"},
		{SessCancelled, "2026-03-21", nil, "第十"},
	} {
		rs := DecideIDCheck(c.status, exam, day(c.today), "K001", c.checked)
		switch {
		case c.want == "" && !rs.OK():
			t.Errorf("%s on %s: refused %v", c.status, c.today, rs.Messages())
		case c.want != "" && (len(rs) != 1 || !strings.Contains(rs[0].Message, c.want)):
			t.Errorf("%s on %s: %v, want one message with %q", c.status, c.today, rs.Messages(), c.want)
		}
	}
}

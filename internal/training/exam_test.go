package training

import (
	"strings"
	"testing"
	"time"
)

func score(n int) PartScore { return PartScore{Score: &n} }

var absent = PartScore{Absent: true}

func TestResultPassFail(t *testing.T) {
	cases := []struct {
		name              string
		parts             Parts
		theory, practical PartScore
		want              Outcome
	}{
		{"both 60", BothParts, score(60), score(60), OutcomePass},
		{"both 100", BothParts, score(100), score(100), OutcomePass},
		{"theory 59", BothParts, score(59), score(90), OutcomeFail},
		{"practical 59", BothParts, score(90), score(59), OutcomeFail},
		{"both 0", BothParts, score(0), score(0), OutcomeFail},
		{"absent theory", BothParts, absent, score(80), OutcomeFail},
		{"absent both", BothParts, absent, absent, OutcomeFail},
		{"practical missing", BothParts, score(80), PartScore{}, OutcomePending},
		{"nothing", BothParts, PartScore{}, PartScore{}, OutcomePending},
		{"retake theory passes, practical carried", Parts{Theory: true}, score(61), PartScore{}, OutcomePass},
		{"retake theory fails", Parts{Theory: true}, score(59), PartScore{}, OutcomeFail},
		{"retake practical absent", Parts{Practical: true}, PartScore{}, absent, OutcomeFail},
		{"retake practical missing", Parts{Practical: true}, score(90), PartScore{}, OutcomePending},
	}
	for _, c := range cases {
		if got := Result(c.parts, c.theory, c.practical); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestParseScore(t *testing.T) {
	cases := []struct {
		raw     string
		absent  bool
		entered bool
		ok      bool
	}{
		{"", false, false, true}, {"0", false, true, true}, {"100", false, true, true}, {" 75 ", false, true, true},
		{"101", false, false, false}, {"-1", false, false, false}, {"7.5", false, false, false}, {"abc", false, false, false},
		{"", true, true, true}, {"80", true, false, false},
	}
	for _, c := range cases {
		p, msg := ParseScore(c.raw, c.absent)
		if (msg == "") != c.ok || c.ok && p.Entered() != c.entered {
			t.Errorf("ParseScore(%q, %v) = %+v %q", c.raw, c.absent, p, msg)
		}
	}
}

func TestRetakeParts(t *testing.T) {
	first := Attempt{ExamDate: day("2026-04-10"), Parts: BothParts, Outcome: OutcomeFail, TheoryPassed: true, Published: true}
	bothFailed := Attempt{ExamDate: day("2026-04-10"), Parts: BothParts, Outcome: OutcomeFail, Published: true}
	retakeFailed := Attempt{ExamDate: day("2026-06-10"), Parts: Parts{Practical: true}, Outcome: OutcomeFail, Published: true}
	cases := []struct {
		name    string
		earlier []Attempt
		date    string
		want    Parts
		msg     string // prefix; "" = allowed
	}{
		{"first attempt", nil, "2026-04-10", BothParts, ""},
		{"retake same year: failed practical only", []Attempt{first}, "2026-12-31", Parts{Practical: true}, ""},
		{"retake same year: both failed", []Attempt{bothFailed}, "2026-05-01", BothParts, ""},
		{"retake next year", []Attempt{first}, "2027-01-01", Parts{}, "第十条：补考须在首次考核的同一培训年度（2026年）"},
		{"third attempt", []Attempt{first, retakeFailed}, "2026-07-01", Parts{}, MsgRetakeOnce},
		{"third attempt next year", []Attempt{first, retakeFailed}, "2027-03-01", Parts{}, MsgRetakeOnce},
		{"passed", []Attempt{{ExamDate: day("2026-04-10"), Outcome: OutcomePass, Published: true}}, "2026-05-01", Parts{}, "该学员已考核合格"},
		{"not yet published", []Attempt{{ExamDate: day("2026-04-10"), Outcome: OutcomeFail}}, "2026-05-01", Parts{}, "第十一条"},
	}
	for _, c := range cases {
		got, msg := RetakeParts(c.earlier, day(c.date))
		switch {
		case c.msg == "" && (msg != "" || got != c.want):
			t.Errorf("%s: %+v %q, want %+v", c.name, got, msg, c.want)
		case c.msg != "" && !strings.HasPrefix(msg, c.msg):
			t.Errorf("%s: %q, want %q…", c.name, msg, c.msg)
		}
	}
}

func TestExaminerConflict(t *testing.T) {
	f := ConflictFacts{ClassTeachers: map[string]bool{"330185198001010011": true}, Staff: map[string]bool{"330185198001010022": true},
		InstitutionName: "杭州市临安区天目职业技能培训学校"}
	cases := []struct {
		name string
		e    Examiner
		want string
	}{
		{"independent", Examiner{"赵一", "330185197501010033", "临安区职建中心"}, ""},
		{"teacher of the class", Examiner{"李晓燕", "330185198001010011", "临安区职建中心"}, MsgExaminerTeacher},
		{"staff of the institution", Examiner{"王二", "330185198001010022", "某公司"}, MsgExaminerStaff},
		{"works at the institution", Examiner{"张三", "330185197501010044", "杭州市临安区天目职业技能培训学校"}, MsgExaminerStaff},
		{"works at it (short name)", Examiner{"张三", "330185197501010044", "天目职业技能培训学校"}, MsgExaminerStaff},
		{"another school", Examiner{"张三", "330185197501010044", "临安锦城家政服务培训中心"}, ""},
	}
	for _, c := range cases {
		got := ExaminerConflict(c.e, f)
		if c.want == "" && got != "" || c.want != "" && !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		if got != "" && !strings.HasPrefix(got, "第九条") {
			t.Errorf("%s: no article: %q", c.name, got)
		}
	}
}

func TestCheckIssuer(t *testing.T) {
	centre := EvalOrg{Kind: OrgCentre}
	social := EvalOrg{Kind: OrgSocial, Approved: true}
	unapproved := EvalOrg{Kind: OrgSocial}
	cases := []struct {
		kind  CertKind
		org   EvalOrg
		level Level
		want  string
	}{
		{CertCompletion, centre, LevelNone, ""},
		{CertCompletion, centre, Level4, ""},
		{CertCompletion, social, Level4, MsgCompletionOrg},
		{CertSkillLevel, centre, Level4, ""},
		{CertSkillLevel, social, Level4, ""},
		{CertQualification, unapproved, Level4, MsgQualificationOrg},
		{CertSkillLevel, centre, LevelNone, "第十条：该培训班没有职业技能等级"},
		{"x", centre, Level4, "请选择证书类别"},
	}
	for _, c := range cases {
		got := CheckIssuer(c.kind, c.org, c.level)
		if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s %+v %d: %q, want %q", c.kind, c.org, c.level, got, c.want)
		}
	}
}

func TestNextApplicationStatusEveryStateAndAction(t *testing.T) {
	allowed := map[ApplicationStatus]map[AppAction]ApplicationStatus{
		"":           {ActAppSubmit: AppSubmitted},
		AppReturned:  {ActAppSubmit: AppSubmitted},
		AppSubmitted: {ActAppAccept: AppAccepted, ActAppReturn: AppReturned},
		AppAccepted:  {ActAppArchive: AppArchived},
	}
	for _, from := range append([]ApplicationStatus{""}, ApplicationStatuses...) {
		for _, act := range AppActions {
			to, msg := NextApplicationStatus(from, act)
			want, ok := allowed[from][act]
			switch {
			case ok && (msg != "" || to != want):
				t.Errorf("%q + %s = %s %q, want %s", from, act, to, msg, want)
			case !ok && (msg == "" || to != from || !strings.HasPrefix(msg, "第九条")):
				t.Errorf("%q + %s allowed or without article: %s %q", from, act, to, msg)
			}
		}
	}
}

func TestNextSessionStatusEveryStateAndAction(t *testing.T) {
	type key struct {
		from     ExamSessionStatus
		act      SessionAction
		complete bool
	}
	allowed := map[key]ExamSessionStatus{
		{SessScheduled, ActSessCheck, false}: SessScheduled, {SessScheduled, ActSessCheck, true}: SessScheduled,
		{SessScored, ActSessCheck, false}: SessScored, {SessScored, ActSessCheck, true}: SessScored,
		{SessScheduled, ActSessScore, false}: SessScheduled, {SessScheduled, ActSessScore, true}: SessScored,
		{SessScored, ActSessScore, false}: SessScheduled, {SessScored, ActSessScore, true}: SessScored,
		{SessScored, ActSessApprove, false}: SessApproved, {SessScored, ActSessApprove, true}: SessApproved,
		{SessApproved, ActSessPublish, false}: SessPublished, {SessApproved, ActSessPublish, true}: SessPublished,
		{SessPublished, ActSessAmend, false}: SessPublished, {SessPublished, ActSessAmend, true}: SessPublished,
	}
	for _, from := range ExamSessionStatuses {
		for _, act := range SessionActions {
			for _, complete := range []bool{false, true} {
				to, msg := NextSessionStatus(from, act, complete)
				want, ok := allowed[key{from, act, complete}]
				switch {
				case ok && (msg != "" || to != want):
					t.Errorf("%s + %s (%v) = %s %q, want %s", from, act, complete, to, msg, want)
				case !ok && (msg == "" || to != from || !strings.HasPrefix(msg, "第十一条")):
					t.Errorf("%s + %s (%v) allowed or without article: %s %q", from, act, complete, to, msg)
				}
			}
		}
	}
}

func TestResultsVisible(t *testing.T) {
	inst := Actor{Role: RoleInstitution, InstitutionID: 1}
	centre := Actor{Role: RoleCentre}
	for _, s := range ExamSessionStatuses {
		if ResultsVisible(inst, s) != (s == SessPublished) {
			t.Errorf("institution sees %s: %v", s, ResultsVisible(inst, s))
		}
		if !ResultsVisible(centre, s) {
			t.Errorf("centre does not see %s", s)
		}
	}
}

func TestSessionInputValidate(t *testing.T) {
	f := ConflictFacts{ClassTeachers: map[string]bool{"330185198001010011": true}}
	good := SessionInput{ExamDate: "2026-04-10", Venue: "区职建中心考场", TheoryTime: "09:00-10:30", PracticalTime: "13:30-16:30",
		Examiners: []ExaminerInput{{Name: "赵一", IDNumber: "330185197501010033", Organisation: "临安区职建中心"}}}
	fixID := func(s string) string { return s[:17] + string(IDCheckChar(s[:17])) }
	good.Examiners[0].IDNumber = fixID(good.Examiners[0].IDNumber)
	f.ClassTeachers = map[string]bool{fixID("330185198001010011"): true}
	if _, err := good.Validate(day("2026-03-02"), day("2026-03-20"), f); err != nil {
		t.Fatalf("good session: %v", err)
	}
	conflict := good
	conflict.Examiners = []ExaminerInput{{Name: "李晓燕", IDNumber: fixID("330185198001010011"), Organisation: "临安区职建中心"}}
	_, err := conflict.Validate(day("2026-03-02"), day("2026-03-20"), f)
	if v, ok := AsValidation(err); !ok || !strings.HasPrefix(v.Fields["examiner_0"], MsgExaminerTeacher) {
		t.Errorf("conflict: %v", err)
	}
	early := good
	early.ExamDate = "2026-03-20"
	if _, err := early.Validate(day("2026-03-02"), day("2026-03-20"), f); err == nil {
		t.Error("exam on the last training day accepted")
	}
	none := good
	none.Examiners = []ExaminerInput{{}}
	_, err = none.Validate(day("2026-03-02"), day("2026-03-20"), f)
	if v, ok := AsValidation(err); !ok || v.Fields["examiner_0"] == "" {
		t.Errorf("no examiner: %v", err)
	}
}

func TestVerifyCode(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		c := NewVerifyCode()
		if len(c) != 16 || seen[c] {
			t.Fatalf("code %q (len %d, seen %v)", c, len(c), seen[c])
		}
		seen[c] = true
		if n, ok := NormalizeVerifyCode(strings.ToLower(c[:8]) + "-" + c[8:]); !ok || n != c {
			t.Fatalf("normalize %q: %q %v", c, n, ok)
		}
	}
	for _, bad := range []string{"", "ABC", "0000000000000000", "AAAAAAAAAAAAAAAAA"} {
		if _, ok := NormalizeVerifyCode(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := CertificateNo(2026, CertSkillLevel, 123); got != "LA2026D000123" {
		t.Errorf("certificate no %s", got)
	}
	if got := CandidateNo("KS2026041001", 7); got != "KS2026041001-007" {
		t.Errorf("candidate no %s", got)
	}
}

func TestBeforeExamDayReason(t *testing.T) {
	exam := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		today string
		ok    bool
	}{{"2026-03-09", false}, {"2026-03-10", true}, {"2026-03-11", true}} {
		d, err := time.Parse("2006-01-02", tc.today)
		if err != nil {
			t.Fatal(err)
		}
		if msg := BeforeExamDayReason(exam, d); (msg == "") != tc.ok || !tc.ok && !strings.HasPrefix(msg, "第十条") {
			t.Errorf("%s: %q", tc.today, msg)
		}
	}
}

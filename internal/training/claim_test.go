package training

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// candidate is an eligible 四级 pass of an unemployed trainee in 2026.
func candidate() ClaimCandidate {
	return ClaimCandidate{CertificateID: 1, CertNo: "C1", CertDate: day("2026-05-20"), EnrolmentID: 1, TraineeID: 1,
		Name: "张三", IDNumber: "330185199001011234", Group: GroupUnemployed, ClassID: 1, ClassNo: "BB1",
		ClassType: TypeSkillLevel, Level: Level4, OccupationID: 7, OccupationName: "中式烹调师",
		DesignatedOnStart: true, HasAgreement: true, AttendanceRate: 0.9, ClassStart: day("2026-03-16"), ClassEnd: day("2026-04-10")}
}

func TestDecideClaimLineExclusions(t *testing.T) {
	tb := hangzhou()
	for _, c := range []struct {
		name    string
		change  func(*ClaimCandidate)
		want    []string
		article string
	}{
		{"not designated on the start date", func(c *ClaimCandidate) { c.DesignatedOnStart = false }, []string{ExclNotDesignated}, "第三条、第十二条"},
		{"delivery short of plan", func(c *ClaimCandidate) { c.ShortSessions = 2 }, []string{ExclDeliveryShort}, "第八条、第十六条"},
		{"a session never recorded", func(c *ClaimCandidate) { c.UnrecordedAfter = 1 }, []string{ExclDeliveryShort}, "第八条、第十六条"},
		{"no agreement", func(c *ClaimCandidate) { c.HasAgreement = false }, []string{ExclNoAgreement}, "第四条"},
		{"attendance below the 2026 threshold (85%)", func(c *ClaimCandidate) { c.AttendanceRate = 0.84 }, []string{ExclAttendance}, "第八条"},
		{"paid a fee", func(c *ClaimCandidate) { c.PaidFee = true }, []string{ExclFeePaid}, "第十二条"},
		{"group not eligible", func(c *ClaimCandidate) { c.Group = GroupOther }, []string{ExclGroup}, "第二条、第十二条"},
		{"subsidised this year", func(c *ClaimCandidate) { c.SubsidisedBy = "BZ2026000001" }, []string{ExclSubsidised}, "第十二条"},
		{"on another open claim", func(c *ClaimCandidate) { c.OnOpenClaim = "BZ2026000002" }, []string{ExclOpenClaim}, "第十二条"},
		{"no standard on the certificate date", func(c *ClaimCandidate) { c.CertDate = day("2019-12-31") }, []string{ExclGroup, ExclNoStandard}, "第二条、第十二条"},
		{"every reason at once", func(c *ClaimCandidate) {
			c.DesignatedOnStart, c.ShortSessions, c.HasAgreement, c.AttendanceRate, c.PaidFee, c.Group = false, 1, false, 0.1, true, GroupOther
			c.SubsidisedBy, c.OnOpenClaim = "BZ1", "BZ2"
		}, []string{ExclNotDesignated, ExclDeliveryShort, ExclNoAgreement, ExclAttendance, ExclFeePaid, ExclGroup, ExclSubsidised, ExclOpenClaim}, "第三条、第十二条"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cand := candidate()
			c.change(&cand)
			_, ex, ok := DecideClaimLine(cand, tb)
			if ok {
				t.Fatal("proposed")
			}
			if !slices.Equal(ex.Reasons, c.want) {
				t.Fatalf("reasons %v, want %v", ex.Reasons, c.want)
			}
			msgs := ex.Messages()
			if len(msgs) != len(c.want) || !strings.HasPrefix(msgs[0], c.article+"：") {
				t.Fatalf("messages %v, want the first to cite %s", msgs, c.article)
			}
		})
	}
}

func TestDecideClaimLineAmounts(t *testing.T) {
	tb := hangzhou()
	for _, c := range []struct {
		name   string
		change func(*ClaimCandidate)
		std    int64
		pct    int
		amount int64
	}{
		{"unemployed 四级 before the rise", func(c *ClaimCandidate) {}, 150000, 100, 150000},
		{"attendance exactly at the threshold", func(c *ClaimCandidate) { c.AttendanceRate = 0.85 }, 150000, 100, 150000},
		{"四级 after the mid-year rise: the certificate date decides", func(c *ClaimCandidate) { c.CertDate = day("2026-07-01") }, 180000, 100, 180000},
		{"employee 四级: 50%", func(c *ClaimCandidate) { c.Group = GroupEmployee }, 150000, 50, 75000},
		{"employee 三级: 80%", func(c *ClaimCandidate) { c.Group, c.Level = GroupEmployee, Level3 }, 200000, 80, 160000},
		{"employee in a shortage occupation with an override: 100%", func(c *ClaimCandidate) { c.Group, c.OccupationID = GroupEmployee, 41 }, 220000, 100, 220000},
		{"shortage list ended: back to 50%", func(c *ClaimCandidate) {
			c.Group, c.OccupationID, c.CertDate = GroupEmployee, 41, day("2027-01-05")
		}, 220000, 50, 110000},
		{"special class without level", func(c *ClaimCandidate) { c.ClassType, c.Level = TypeSpecial, LevelNone }, 100000, 100, 100000},
	} {
		t.Run(c.name, func(t *testing.T) {
			cand := candidate()
			c.change(&cand)
			l, ex, ok := DecideClaimLine(cand, tb)
			if !ok {
				t.Fatalf("excluded: %v", ex.Messages())
			}
			if l.Standard != c.std || l.Percent != c.pct || l.Amount != c.amount {
				t.Fatalf("got %d × %d%% = %d, want %d × %d%% = %d", l.Standard, l.Percent, l.Amount, c.std, c.pct, c.amount)
			}
			if !strings.Contains(l.Computation(), YuanText(c.amount)) {
				t.Fatalf("computation %q", l.Computation())
			}
		})
	}
}

func TestNextClaimStatus(t *testing.T) {
	allowed := map[ClaimStatus]map[ClaimAction]ClaimStatus{
		ClaimDraft:           {ActClaimSubmit: ClaimSubmitted, ActClaimWithdraw: ClaimWithdrawn},
		ClaimReturned:        {ActClaimSubmit: ClaimSubmitted, ActClaimWithdraw: ClaimWithdrawn},
		ClaimSubmitted:       {ActClaimReview: ClaimReviewed, ActClaimReturn: ClaimReturned},
		ClaimReviewed:        {ActClaimApprove: ClaimNotice, ActClaimReturn: ClaimReturned},
		ClaimNotice:          {ActClaimCloseNotice: ClaimPayable},
		ClaimObjections:      {ActClaimSettle: ClaimPayable},
		ClaimPayable:         {ActClaimRecordPayment: ClaimPaymentRecorded},
		ClaimPaymentFailed:   {ActClaimRecordPayment: ClaimPaymentRecorded},
		ClaimPaymentRecorded: {ActClaimConfirmPaid: ClaimPaid, ActClaimPaymentFailed: ClaimPaymentFailed},
	}
	actions := []ClaimAction{ActClaimSubmit, ActClaimWithdraw, ActClaimReview, ActClaimReturn, ActClaimApprove, ActClaimCloseNotice,
		ActClaimSettle, ActClaimRecordPayment, ActClaimConfirmPaid, ActClaimPaymentFailed}
	for _, from := range ClaimStatuses {
		for _, act := range actions {
			to, r := NextClaimStatus(from, act, 0)
			want, ok := allowed[from][act]
			if ok != (r == nil) || (ok && to != want) {
				t.Errorf("%s + %s = %s (%v), want %s (%v)", from, act, to, r, want, ok)
			}
		}
	}
	if to, r := NextClaimStatus(ClaimNotice, ActClaimCloseNotice, 2); r != nil || to != ClaimObjections {
		t.Errorf("close with pending objections: %s %v", to, r)
	}
	if _, r := NextClaimStatus(ClaimObjections, ActClaimSettle, 1); r == nil {
		t.Error("settled with an objection pending")
	}
}

func TestDecideClaimStep(t *testing.T) {
	cal := NewCalendar([]CalendarDay{{Date: day("2026-05-01"), Kind: DayOff}, {Date: day("2026-05-04"), Kind: DayOff},
		{Date: day("2026-05-05"), Kind: DayOff}, {Date: day("2026-05-09"), Kind: DayWork}}, []int{2026})
	reviewer := Actor{UserID: 10, Role: RoleBureau}
	returner := Actor{UserID: 11, Role: RoleBureau}
	second := Actor{UserID: 12, Role: RoleBureau}
	reviewed := Claim{Status: ClaimReviewed, ReviewedByID: 10, TouchedBy: []int64{11, 10}, Lines: 3}
	today := day("2026-04-29") // Wednesday before 五一
	for _, c := range []struct {
		name   string
		a      Actor
		c      Claim
		act    ClaimAction
		note   string
		today  time.Time
		refuse string
	}{
		{"submit without lines", Actor{Role: RoleInstitution, InstitutionID: 1}, Claim{Status: ClaimDraft}, ActClaimSubmit, "", today, "第十二条：申领中没有可补贴的学员"},
		{"submit", Actor{Role: RoleInstitution, InstitutionID: 1}, Claim{Status: ClaimReturned, Lines: 2}, ActClaimSubmit, "", today, ""},
		{"return without reason", reviewer, Claim{Status: ClaimSubmitted}, ActClaimReturn, " ", today, "请填写退回理由"},
		{"return", reviewer, Claim{Status: ClaimSubmitted}, ActClaimReturn, "证书日期有误", today, ""},
		{"the reviewer approves", reviewer, reviewed, ActClaimApprove, "", today, "第十二条：审批须由初审人以外"},
		{"one who returned it approves", returner, reviewed, ActClaimApprove, "", today, "第十二条：审批须由初审人以外"},
		{"a second user approves", second, reviewed, ActClaimApprove, "", today, ""},
		{"approve a claim emptied of lines", second, Claim{Status: ClaimReviewed, ReviewedByID: 10}, ActClaimApprove, "", today, "第十二条：申领中的人员已全部移出"},
		{"approve a submitted claim", second, Claim{Status: ClaimSubmitted}, ActClaimApprove, "", today, "第十二条：补贴申领当前状态为「待审核」，不能审批并公示"},
		{"close during the notice", second, Claim{Status: ClaimNotice, NoticeUntil: dayPtr("2026-05-11")}, ActClaimCloseNotice, "", day("2026-05-11"), "第十二条：公示期至2026-05-11结束"},
		{"close after the notice", second, Claim{Status: ClaimNotice, NoticeUntil: dayPtr("2026-05-11")}, ActClaimCloseNotice, "", day("2026-05-12"), ""},
		{"payment failed without reason", second, Claim{Status: ClaimPaymentRecorded}, ActClaimPaymentFailed, "", today, "请填写拨付失败原因"},
		{"pay a paid claim", second, Claim{Status: ClaimPaid}, ActClaimConfirmPaid, "", today, "第十二条：补贴申领当前状态为「已拨付」"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, rs := DecideClaimStep(c.a, c.c, c.act, ClaimStepFacts{Today: c.today, Note: c.note, Calendar: &cal})
			switch {
			case c.refuse == "" && !rs.OK():
				t.Fatalf("refused: %v", rs.Messages())
			case c.refuse != "" && (rs.OK() || !strings.HasPrefix(rs.Messages()[0], c.refuse)):
				t.Fatalf("got %v, want %q", rs.Messages(), c.refuse)
			}
		})
	}
	// The notice: five working days after the approval day, on the
	// calendar (五一 off, Saturday 9 May a working day): 30 Apr, 6, 7, 8, 9 May.
	until, rs := DecideClaimStep(second, reviewed, ActClaimApprove, ClaimStepFacts{Today: today, Calendar: &cal})
	if !rs.OK() || !until.Equal(day("2026-05-09")) {
		t.Fatalf("notice until %s %v", until.Format("2006-01-02"), rs.Messages())
	}
	if _, rs := DecideClaimStep(second, reviewed, ActClaimApprove, ClaimStepFacts{Today: day("2026-12-28"), Calendar: &cal}); rs.OK() {
		t.Fatal("a notice into an uncovered year")
	}
	if CanClaimStep(reviewer, reviewed, ActClaimApprove) || !CanClaimStep(second, reviewed, ActClaimApprove) {
		t.Fatal("CanClaimStep four eyes")
	}
	if CanClaimStep(Actor{Role: RoleInstitution, InstitutionID: 2}, Claim{Status: ClaimDraft, InstitutionID: 1}, ActClaimSubmit) {
		t.Fatal("another institution may submit")
	}
	if !ClaimFourEyes(reviewer, reviewed) || !ClaimFourEyes(returner, reviewed) || ClaimFourEyes(second, reviewed) {
		t.Fatal("ClaimFourEyes: the reviewer and whoever returned it, not a second user")
	}
	if !ClaimAwaitsOtherApprover(reviewer, reviewed) || ClaimAwaitsOtherApprover(second, reviewed) ||
		ClaimAwaitsOtherApprover(reviewer, Claim{Status: ClaimReviewed, ReviewedByID: 10}) ||
		ClaimAwaitsOtherApprover(reviewer, Claim{Status: ClaimSubmitted, ReviewedByID: 10, Lines: 1}) {
		t.Fatal("ClaimAwaitsOtherApprover: the reviewer of a reviewed claim with people on it, nobody else")
	}
	for st, emptied := range map[ClaimStatus]bool{ClaimReviewed: true, ClaimPayable: true, ClaimPaymentFailed: true,
		ClaimSubmitted: false, ClaimNotice: false, ClaimPaid: false, ClaimDraft: false} {
		if got := ClaimEmptied(Claim{Status: st}); got != emptied {
			t.Errorf("ClaimEmptied(%s, no lines) = %v", st, got)
		}
		if ClaimEmptied(Claim{Status: st, Lines: 1}) {
			t.Errorf("ClaimEmptied(%s, one line)", st)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := NewCalendar([]CalendarDay{{Date: day("2026-10-01"), Kind: DayOff}, {Date: day("2026-10-02"), Kind: DayOff},
		{Date: day("2026-10-05"), Kind: DayOff}, {Date: day("2026-10-06"), Kind: DayOff}, {Date: day("2026-10-07"), Kind: DayOff},
		{Date: day("2026-10-10"), Kind: DayWork}}, []int{2026})
	for _, c := range []struct{ from, want string }{
		{"2026-03-16", "2026-03-23"}, // Monday → next Monday
		{"2026-03-20", "2026-03-27"}, // Friday → next Friday
		{"2026-03-21", "2026-03-27"}, // Saturday: the day itself is not counted
		{"2026-09-29", "2026-10-12"}, // 国庆: 30 Sep, 8, 9, 10 (调休), 12
	} {
		got, ok := cal.AddWorkingDays(day(c.from), 5)
		if !ok || !got.Equal(day(c.want)) {
			t.Errorf("%s + 5 = %s %v, want %s", c.from, got.Format("2006-01-02"), ok, c.want)
		}
	}
}

func TestParseObjection(t *testing.T) {
	lines := []int64{5, 6}
	for _, c := range []struct {
		name  string
		in    ObjectionInput
		field string
	}{
		{"ok about a line", ObjectionInput{LineID: "5", Body: "此人当时在外地工作，未参加培训"}, ""},
		{"ok about the claim", ObjectionInput{Body: "该机构开班人数不实"}, ""},
		{"too short", ObjectionInput{Body: "不对"}, "body"},
		{"too long", ObjectionInput{Body: strings.Repeat("长", 1001)}, "body"},
		{"NUL", ObjectionInput{Body: "有问题\x00的内容"}, "body"},
		{"bad UTF-8", ObjectionInput{Body: "有问题\xff的内容"}, "body"},
		{"a line not on the notice", ObjectionInput{LineID: "99", Body: "此人未参加培训"}, "line_id"},
		{"objector too long", ObjectionInput{Objector: strings.Repeat("名", 51), Body: "此人未参加培训"}, "objector"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseObjection(c.in, lines)
			v, bad := AsValidation(err)
			switch {
			case c.field == "" && err != nil:
				t.Fatal(err)
			case c.field != "" && (!bad || v.Fields[c.field] == ""):
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
		})
	}
}

func TestDecideObjectionPaymentRecovery(t *testing.T) {
	notice := Claim{Status: ClaimNotice, Total: 150000}
	pending := Objection{Status: "pending", LineID: 5}
	if rs := DecideObjection(notice, pending, true, "经核实属实"); !rs.OK() {
		t.Fatal(rs.Messages())
	}
	if rs := DecideObjection(notice, Objection{Status: "pending"}, true, "经核实属实"); rs.OK() {
		t.Fatal("upheld an objection naming no line")
	}
	if rs := DecideObjection(notice, pending, false, ""); rs.OK() {
		t.Fatal("decided without a reason")
	}
	if rs := DecideObjection(Claim{Status: ClaimPaid}, pending, false, "不成立"); rs.OK() {
		t.Fatal("decided on a paid claim")
	}
	if rs := DecideObjection(notice, Objection{Status: "upheld", LineID: 5}, false, "不成立"); rs.OK() {
		t.Fatal("decided twice")
	}

	payable := Claim{Status: ClaimPayable, Total: 150000, Lines: 1}
	in := ClaimPaymentInput{BatchNo: "PC2026-05", PaidOn: "2026-05-20", VoucherNo: "PZ001", Amount: "1500"}
	if _, rs := DecideClaimPayment(payable, in, day("2026-05-20")); !rs.OK() {
		t.Fatal(rs.Messages())
	}
	bad := in
	bad.Amount = "1400"
	if _, rs := DecideClaimPayment(payable, bad, day("2026-05-20")); rs.OK() || !strings.Contains(rs.Messages()[0], "不一致") {
		t.Fatalf("amount below the total: %v", rs.Messages())
	}
	emptied := Claim{Status: ClaimPayable}
	if _, rs := DecideClaimPayment(emptied, ClaimPaymentInput{BatchNo: "PC2026-05", PaidOn: "2026-05-20", VoucherNo: "PZ001", Amount: "0"}, day("2026-05-20")); rs.OK() ||
		!strings.HasPrefix(rs.Messages()[0], "第十二条：申领中的人员已全部移出") {
		t.Fatalf("paid a claim emptied of lines: %v", rs.Messages())
	}
	if CanClaimStep(Actor{UserID: 12, Role: RoleBureau}, emptied, ActClaimRecordPayment) {
		t.Fatal("the payment form is offered for a claim emptied of lines")
	}
	if _, rs := DecideClaimPayment(payable, in, day("2026-05-19")); rs.OK() {
		t.Fatal("a payment dated tomorrow")
	}
	if _, rs := DecideClaimPayment(Claim{Status: ClaimNotice, Total: 150000}, in, day("2026-05-20")); rs.OK() {
		t.Fatal("paid during the notice")
	}
	if _, rs := DecideClaimPayment(Claim{Status: ClaimPaymentFailed, Total: 150000, Lines: 1}, in, day("2026-05-20")); !rs.OK() {
		t.Fatalf("re-issue refused: %v", rs.Messages())
	}

	// Several lines at once: the amount per person up to the smallest line,
	// none for each line's whole amount; every chosen line live.
	two := []ClaimLine{{ID: 1, Amount: 150000, Status: "active", ClaimCandidate: ClaimCandidate{Name: "张三"}}, {ID: 2, Amount: 90000, Status: "active", ClaimCandidate: ClaimCandidate{Name: "李四"}}}
	for _, c := range []struct {
		name  string
		claim ClaimStatus
		asked int
		lines []ClaimLine
		in    RecoveryInput
		want  map[int64]int64 // nil: refused
	}{
		{"whole amounts", ClaimPaid, 2, two, RecoveryInput{Reason: "虚报学员"}, map[int64]int64{1: 150000, 2: 90000}},
		{"per person", ClaimPaymentRecorded, 2, two, RecoveryInput{Amount: "900", Reason: "虚报学员"}, map[int64]int64{1: 90000, 2: 90000}},
		{"above the smallest line", ClaimPaid, 2, two, RecoveryInput{Amount: "900.01", Reason: "虚报学员"}, nil},
		{"none chosen", ClaimPaid, 0, nil, RecoveryInput{Reason: "虚报学员"}, nil},
		{"a line not on the claim", ClaimPaid, 3, two, RecoveryInput{Reason: "虚报学员"}, nil},
		{"a line already recovered", ClaimPaid, 2, []ClaimLine{two[0], {ID: 2, Amount: 90000, Status: "active", Recovery: 1}}, RecoveryInput{Reason: "虚报"}, nil},
		{"a removed line", ClaimPaid, 2, []ClaimLine{two[0], {ID: 2, Amount: 90000, Status: "removed"}}, RecoveryInput{Reason: "虚报"}, nil},
		{"before payment", ClaimPayable, 2, two, RecoveryInput{Reason: "虚报学员"}, nil},
		{"no reason", ClaimPaid, 2, two, RecoveryInput{}, nil},
	} {
		got, rs := DecideRecoveries(Claim{Status: c.claim}, c.asked, c.lines, c.in)
		if c.want == nil {
			if rs.OK() {
				t.Errorf("%s: not refused", c.name)
			}
			for _, m := range rs.Messages() {
				if !strings.Contains(m, "第十六条") && !strings.Contains(m, "请") {
					t.Errorf("%s: %q cites no article", c.name, m)
				}
			}
			continue
		}
		if !rs.OK() || len(got) != len(c.want) || got[1] != c.want[1] || got[2] != c.want[2] {
			t.Errorf("%s: %v %v, want %v", c.name, got, rs.Messages(), c.want)
		}
	}
	if MaskName("欧阳修") != "欧**" || MaskName("张") != "*" {
		t.Fatal("MaskName")
	}
}

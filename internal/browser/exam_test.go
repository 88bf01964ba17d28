package browser_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// tick sets a checkbox to want by clicking it, as a user does.
func (e *env) tick(sel chromedp.CSS, want bool) {
	e.t.Helper()
	checked := run(e, "state of "+string(sel), chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).checked`, string(sel))))
	if checked != want {
		e.do("tick "+string(sel), chromedp.Click(sel))
	}
}

// typeByName types into a control that has a name but no id (repeated rows).
func (e *env) typeByName(name, s string) {
	e.t.Helper()
	e.setByName(name, "")
	e.do("type into "+name, chromedp.SendKeys(byName(name), s))
}

// TestAssessmentApplyScoreApprovePublishVerify: the school applies to
// assess its finished class (three of five trainees, skill-level
// certificates); the centre accepts, schedules a session — its first
// examiner, the class's own theory teacher, is refused (第九条) — checks the
// candidates' IDs and enters every score on one page (one candidate
// fails); a second centre user approves (第十一条), the centre publishes;
// the school then sees the results, and a certificate verifies on the
// public page its QR code opens, as does the public lookup by name and ID
// number.
func TestAssessmentApplyScoreApprovePublishVerify(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var cls int64
	if err := e.store.Pool().QueryRow(ctx, `SELECT id FROM classes WHERE content = $1`, demo.FinishedClassContent).Scan(&cls); err != nil {
		t.Fatal(err)
	}
	var teacherID string
	if err := e.store.Pool().QueryRow(ctx, `SELECT id_number FROM teachers WHERE name = '李晓燕'`).Scan(&teacherID); err != nil {
		t.Fatal(err)
	}

	prefix := "33018519700101555"
	examinerID := prefix + string(training.IDCheckChar(prefix))

	// The school applies.
	e.login("school")
	e.visit(fmt.Sprintf("/classes/%d", cls))
	e.click(tid("class-apply"))
	if n := e.count(`[data-testid="candidate-row"]`); n != 5 {
		t.Fatalf("candidates offered: %d, want 5", n)
	}
	// The demo trainee below the threshold is flagged and not pre-selected.
	if flagged, ticked := e.count(`[data-testid="candidate-flag"]`), e.count(`[data-testid="candidate-row"] input[name="candidate"]:checked`); flagged != 1 || ticked != 4 {
		t.Fatalf("flagged %d, pre-selected %d; want 1 and 4", flagged, ticked)
	}
	e.choose(field("cert_kind"), "职业技能等级证书")
	e.choose(field("eval_org_id"), "临安区职建中心（区职建中心）")
	boxes := `[data-testid="candidate-row"] input[name="candidate"]`
	for i := 1; i <= 5; i++ {
		e.tick(chromedp.CSS(fmt.Sprintf(`[data-testid="candidate-row"]:nth-child(%d) input[name="candidate"]`, i)), i <= 3)
	}
	if n := e.count(chromedp.CSS(boxes + `:checked`)); n != 3 {
		t.Fatalf("ticked %d candidates, want 3", n)
	}
	// A flagged candidate (below the attendance threshold, DELIV-3) chosen
	// anyway needs a reason.
	run(e, "give reasons", chromedp.Evaluate[bool](`(() => {
		document.querySelectorAll('[data-testid="candidate-row"] input[name^="reason_"]').forEach(i => { i.value = "病假已补课"; });
		return true;
	})()`))
	e.click(tid("application-submit"))
	if got := e.text(tid("application-status")); got != "待受理" {
		t.Fatalf("after applying: %q (%s)", got, e.location())
	}
	if got := e.text(tid("cert-kind")); got != "职业技能等级证书" {
		t.Fatalf("certificate kind: %q", got)
	}
	appPage := e.location()

	// The centre accepts and schedules.
	e.click(tid("logout"))
	e.login("centre")
	e.visit("/assessments")
	if got := e.text(tid("application-table")); !strings.Contains(got, "待受理") {
		t.Fatalf("centre queue: %q", got)
	}
	e.click(chromedp.CSS(`[data-testid="application-row"] a[href="` + appPage + `"]`))
	e.click(tid("application-accept"))
	e.click(tid("session-new"))
	e.setDate("exam_date", "2026-03-10")
	e.typeInto("venue", "区职建中心第一考场")
	e.typeInto("theory_time", "09:00-10:30")
	e.typeInto("practical_time", "13:30-16:30")
	e.typeByName("examiner_name_0", "李晓燕")
	e.typeByName("examiner_id_0", teacherID)
	e.typeByName("examiner_org_0", "天目职业技能培训学校")
	e.click(tid("session-submit"))
	if got := e.text(tid("err-examiner_0")); !strings.Contains(got, "第九条") {
		t.Fatalf("the class's teacher as examiner: %q", got)
	}
	if got := e.value(field("venue")); got != "区职建中心第一考场" {
		t.Fatalf("venue after 422: %q", got)
	}
	e.typeByName("examiner_name_0", "考评甲")
	e.typeByName("examiner_id_0", examinerID)
	e.typeByName("examiner_org_0", "临安区职建中心")
	e.click(tid("session-submit"))
	if got := e.text(tid("session-status")); got == "" {
		t.Fatalf("no session page after scheduling (%s)", e.location())
	}
	sessPage := e.location()
	if got := e.text(tid("examiners")); !strings.Contains(got, "考评甲") {
		t.Fatalf("examiners: %q", got)
	}

	// On the day of the exam: ID check, then all scores on one page; the
	// second candidate fails practical.
	e.setNow(time.Date(2026, 3, 10, 16, 45, 0, 0, repository.Shanghai))
	e.click(tid("check-link"))
	for _, no := range e.texts(`[data-testid="check-table"] tbody tr td:first-child`) {
		e.click(tid("check-" + no))
	}
	if n := e.count(`[data-testid="checked"]`); n != 3 {
		t.Fatalf("checked: %d, want 3", n)
	}
	e.visit(sessPage)
	e.click(tid("scores-link"))
	names := run(e, "score inputs", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('[data-testid="score-row"] input[inputmode="numeric"]'), el => el.name)`))
	if len(names) != 6 {
		t.Fatalf("score inputs: %q", names)
	}
	for i, practical := range []string{"90", "58", "70"} {
		e.do("type scores",
			chromedp.SendKeys(byName(names[2*i]), "85"),
			chromedp.SendKeys(byName(names[2*i+1]), practical))
	}
	e.shot("scores")
	e.click(tid("scores-submit"))
	if got := strings.Join(e.texts(`[data-testid="outcome"]`), ","); got != "合格,不合格,合格" {
		t.Fatalf("outcomes after entry: %q (%s)", got, e.location())
	}

	// Four eyes: another centre user approves; then the centre publishes.
	e.click(tid("logout"))
	e.login("centre2")
	e.visit(sessPage)
	e.click(tid("session-approve"))
	if got := e.text(tid("session-status")); got != "已核准待公布" {
		t.Fatalf("after approval: %q", got)
	}
	e.click(tid("logout"))
	e.login("centre")
	e.visit(sessPage)
	e.click(tid("session-publish"))
	if got := e.text(tid("session-status")); got != "成绩已公布" {
		t.Fatalf("after publication: %q", got)
	}

	// The school sees the results from its application.
	e.click(tid("logout"))
	e.login("school")
	e.visit(appPage)
	e.click(tid("session-link"))
	if got := strings.Join(e.texts(`[data-testid="outcome"]`), ","); got != "合格,不合格,合格" {
		t.Fatalf("the school's results: %q", got)
	}
	e.shot("results")
	certNos := e.texts(`[data-testid="certificate-no"]`)
	e.click(tid("logout"))

	// The public: the QR code's page, no sign-in.
	if len(certNos) == 0 || certNos[0] == "" {
		t.Fatalf("certificate numbers on the session page: %q", certNos)
	}
	// The session's first certificate (the demo holds others, e.g. those
	// its claims are built from).
	var code, no, name, idn string
	if err := e.store.Pool().QueryRow(ctx, `SELECT c.verify_code, c.cert_no, c.name, t.id_number FROM certificates c
		JOIN trainees t ON t.name = c.name WHERE c.cert_no = $1`, certNos[0]).Scan(&code, &no, &name, &idn); err != nil {
		t.Fatalf("certificate %s: %v", certNos[0], err)
	}
	e.visit("/verify/" + code)
	if got := e.text(tid("verify-result")); got != "证书真实有效" {
		t.Fatalf("verify: %q", got)
	}
	if got := e.text(tid("verify-no")); got != no {
		t.Fatalf("verify number: %q, want %s", got, no)
	}
	if got := e.text(tid("verify-name")); got != name {
		t.Fatalf("verify name: %q, want %s", got, name)
	}
	if got := e.text(chromedp.CSS(`[data-testid="verify-genuine"]`)); !strings.Contains(got, "2026-03-10") {
		t.Fatalf("verify: no issue date of the exam day in %q", got)
	}
	e.shot("verify")

	e.visit("/results")
	e.typeInto("name", name)
	e.typeInto("id_number", idn)
	e.click(tid("lookup-submit"))
	if got := e.text(tid("lookup-outcome")); got != "合格" {
		t.Fatalf("lookup: %q", got)
	}
}

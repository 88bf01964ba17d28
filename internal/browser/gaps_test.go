package browser_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// Browser flows of issue 14: a filing of 30 sessions made by repeating a
// week; the centre reschedules a session with examiners from the pool (a
// pool examiner who works for the institution is refused) and imports
// scores (a bad row saves nothing and is named; the fixed file goes in); a
// retake shows the part carried over from the first attempt.

func (e *env) actor(username string) training.Actor {
	e.t.Helper()
	u, _, err := e.store.UserForLogin(context.Background(), username)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Actor()
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) scalar(q string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.store.Pool().QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func fixedID(prefix string) string { return prefix + string(training.IDCheckChar(prefix)) }

func TestFileThirtySessionsByRepeatingAWeek(t *testing.T) {
	e := newEnv(t)
	book := e.scalar(`SELECT id FROM textbooks WHERE title = '中式烹调师（初级 中级 高级）'`)
	e.login("school")
	e.visit("/classes/new")
	e.choose(field("occupation_id"), "4-03-02-01 中式烹调师（最高二级）")
	e.choose(field("level"), "四级/中级工")
	e.typeInto("planned_size", "30")
	e.setDate("start_date", "2026-03-16")
	e.setDate("end_date", "2026-05-22")
	e.typeInto("venue", "天目学校实训中心")
	e.typeInto("content", "烹饪原料、刀工、热菜、冷菜")
	e.typeInto("theory_hours", "30")
	e.typeInto("practical_hours", "80")
	e.choose(byName("teachers.0.teacher_id"), "李晓燕")
	e.choose(byName("teachers.0.role"), "理论课")
	e.choose(byName("teachers.1.teacher_id"), "王建华")
	e.choose(byName("teachers.1.role"), "操作技能课")
	// One week: Monday theory, Wednesday and Friday practical.
	for i, s := range []struct{ date, start, end, kind, hours, teacher string }{
		{"2026-03-16", "08:30", "11:30", "理论课", "3", "李晓燕"},
		{"2026-03-18", "13:30", "17:30", "操作技能课", "4", "王建华"},
		{"2026-03-20", "13:30", "17:30", "操作技能课", "4", "王建华"},
	} {
		k := fmt.Sprintf("sessions.%d.", i)
		e.setByName(k+"date", s.date)
		e.setByName(k+"start", s.start)
		e.setByName(k+"end", s.end)
		e.choose(byName(k+"kind"), s.kind)
		e.setByName(k+"hours", s.hours)
		e.choose(byName(k+"teacher_id"), s.teacher)
	}
	// With JavaScript a row is added in the page, without a round trip.
	rows := e.count(`[data-testid="session-rows"] tbody tr`)
	e.do("add a row", chromedp.Click(tid("add-row-sessions")))
	if n := e.count(`[data-testid="session-rows"] tbody tr`); n != rows+1 || e.count(byName(fmt.Sprintf("sessions.%d.date", rows))) != 1 {
		t.Fatalf("rows after adding one: %d, want %d", n, rows+1)
	}
	// The textbooks offered are those for 中式烹调师.
	if e.count(chromedp.CSS(`li[data-testid="textbook-choice"]:not([hidden]) input[value="`+fmt.Sprint(book)+`"]`)) != 1 {
		t.Fatal("the cook's textbook is not offered")
	}
	e.typeByName("repeat_weeks", "9")
	e.click(tid("class-repeat"))
	if got := e.value(byName("sessions.29.date")); got != "2026-05-22" {
		t.Fatalf("the 30th session: %q (%s)", got, e.text(tid("tool-notice")))
	}
	e.shot("thirty-sessions")
	e.do("tick the textbook", chromedp.Click(chromedp.CSS(`input[name="textbook"][value="`+fmt.Sprint(book)+`"]`)))
	e.click(tid("class-submit"))
	if got := e.text(tid("class-status")); got != "已提交" {
		t.Fatalf("after submit: %q (%s)", got, e.text(`main`))
	}
	if n := e.scalar(`SELECT count(*) FROM class_sessions cs JOIN classes c ON c.id = cs.class_id WHERE c.venue = '天目学校实训中心'`); n != 30 {
		t.Fatalf("%d sessions filed", n)
	}
}

// examSetup applies for the demo's finished class with three trainees,
// accepts, and schedules a session on 2026-03-10 with a typed examiner.
func (e *env) examSetup() (app, session int64, enrolments []int64) {
	e.t.Helper()
	ctx := context.Background()
	cls := e.scalar(`SELECT id FROM classes WHERE content = $1`, demo.FinishedClassContent)
	rows, err := e.store.Pool().Query(ctx, `SELECT id FROM enrolments WHERE class_id = $1 ORDER BY id LIMIT 3`, cls)
	e.must(err)
	for rows.Next() {
		var id int64
		e.must(rows.Scan(&id))
		enrolments = append(enrolments, id)
	}
	e.must(rows.Err())
	reasons := map[int64]string{}
	for _, id := range enrolments {
		reasons[id] = "测试：仍申报"
	}
	app, err = e.store.Apply(ctx, e.actor("school"), cls, training.ApplicationInput{CertKind: training.CertSkillLevel,
		EvalOrgID: e.scalar(`SELECT id FROM eval_orgs WHERE kind = 'centre'`), EnrolmentIDs: enrolments, Reasons: reasons})
	e.must(err)
	e.must(e.store.DecideApplication(ctx, e.actor("centre"), app, 1, true, ""))
	session, err = e.store.ScheduleSession(ctx, e.actor("centre"), app, training.SessionInput{ExamDate: "2026-03-10", Venue: "区职建中心考场",
		TheoryTime: "09:00-10:30", PracticalTime: "13:30-16:30",
		Examiners: []training.ExaminerInput{{Name: "考评甲", IDNumber: fixedID("33018519700101555"), Organisation: "临安区职建中心"}}})
	e.must(err)
	return app, session, enrolments
}

func (e *env) writeFile(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.t.TempDir(), name)
	e.must(os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestCentreReschedulesWithThePoolAndImportsScores(t *testing.T) {
	e := newEnv(t)
	_, session, _ := e.examSetup()
	ctx := context.Background()
	cook := e.scalar(`SELECT id FROM occupations WHERE code = '4-03-02-01'`)
	for _, x := range []struct{ name, prefix, employer string }{
		{"库考评乙", "33018519700303222", "杭州市临安区天目职业技能培训学校"},
		{"库考评丙", "33018519700303333", "临安区职建中心"},
	} {
		_, err := e.store.SaveExaminer(ctx, e.actor("centre"), 0, 0, training.PoolExaminerInput{Name: x.name, IDNumber: fixedID(x.prefix),
			Employer: x.employer, CertificateNo: "KP-" + x.prefix[14:], Scopes: []training.ScopeItem{{OccupationID: cook, MaxLevel: training.Level3}}})
		e.must(err)
	}
	sessPage := fmt.Sprintf("/exam-sessions/%d", session)

	e.login("centre")
	e.visit(sessPage)
	e.click(tid("reschedule-link"))
	e.setDate("exam_date", "2026-03-12")
	e.tick(tid("pool-库考评乙"), true)
	e.typeInto("change_reason", "原考场检修")
	e.click(tid("session-submit"))
	staff := e.scalar(`SELECT id FROM examiners WHERE name = '库考评乙'`)
	if got := e.text(tid(fmt.Sprintf("err-pool_%d", staff))); !strings.Contains(got, "第九条") || !strings.Contains(got, "杭州市临安区天目职业技能培训学校") {
		t.Fatalf("the school's employee from the pool: %q", got)
	}
	e.tick(tid("pool-库考评乙"), false)
	e.tick(tid("pool-库考评丙"), true)
	e.click(tid("session-submit"))
	if got := e.text(tid("session-changes")); !strings.Contains(got, "原考场检修") || !strings.Contains(got, "2026-03-12") {
		t.Fatalf("change record: %q (%s)", got, e.location())
	}
	if got := e.text(tid("examiners")); !strings.Contains(got, "库考评丙") || !strings.Contains(got, "考评员库") {
		t.Fatalf("examiners: %q", got)
	}

	// The exam day: every ID checked, then the centre's score sheet.
	e.setNow(time.Date(2026, 3, 12, 9, 0, 0, 0, repository.Shanghai))
	e.click(tid("check-link"))
	nos := e.texts(`[data-testid="check-table"] tbody tr td:first-child`)
	for _, no := range nos {
		e.click(tid("check-" + no))
	}
	var names []string
	for _, no := range nos {
		var name string
		e.must(e.store.Pool().QueryRow(ctx, `SELECT t.name FROM exam_entries x JOIN enrolments en ON en.id = x.enrolment_id
			JOIN trainees t ON t.id = en.trainee_id WHERE x.candidate_no = $1`, no).Scan(&name))
		names = append(names, name)
	}
	sheet := "考号,姓名,应知,应会\n"
	for i, no := range nos {
		sheet += no + "," + names[i] + ",85," + []string{"90", "58", "70"}[i] + "\n"
	}
	e.visit(sessPage + "/scores")
	bad := e.writeFile("成绩-有误.csv", sheet+"KS-NOPE,无此人,70,70\n")
	e.do("choose the bad sheet", chromedp.SetUploadFiles(chromedp.CSS("#f-score-file"), []string{bad}))
	e.click(tid("score-import-submit"))
	if got := e.text(tid("score-import-report")); !strings.Contains(got, "第 5 行") || !strings.Contains(got, "KS-NOPE") {
		t.Fatalf("report: %q", got)
	}
	if n := e.scalar(`SELECT count(*) FROM exam_entries WHERE session_id = $1 AND theory_score IS NOT NULL`, session); n != 0 {
		t.Fatalf("%d scores saved from a refused sheet", n)
	}
	e.shot("score-sheet-refused")
	good := e.writeFile("成绩.csv", sheet)
	e.do("choose the fixed sheet", chromedp.SetUploadFiles(chromedp.CSS("#f-score-file"), []string{good}))
	e.click(tid("score-import-submit"))
	if got := strings.Join(e.texts(`[data-testid="outcome"]`), ","); got != "合格,不合格,合格" {
		t.Fatalf("outcomes after the import: %q (%s)", got, e.location())
	}
}

func TestRetakeShowsTheCarriedPart(t *testing.T) {
	e := newEnv(t)
	app, session, _ := e.examSetup()
	ctx := context.Background()
	centre := e.actor("centre")
	// The first session runs: the second candidate fails practical.
	e.setNow(time.Date(2026, 3, 10, 9, 0, 0, 0, repository.Shanghai))
	x, err := e.store.SessionByID(ctx, centre, session)
	e.must(err)
	var rows []training.ScoreRow
	for i, en := range x.Entries {
		e.must(e.store.CheckCandidate(ctx, centre, session, en.ID))
		th, pr := 85, 75
		if i == 1 {
			pr = 58
		}
		rows = append(rows, training.ScoreRow{EntryID: en.ID, Theory: training.PartScore{Score: &th}, Practical: training.PartScore{Score: &pr}})
	}
	_, err = e.store.EnterScores(ctx, centre, session, x.Version, rows)
	e.must(err)
	e.must(e.store.ApproveResults(ctx, e.actor("centre2"), session, x.Version+1))
	e.must(e.store.PublishResults(ctx, centre, session, x.Version+2))
	failed := x.Entries[1]

	// The retake form offers only the candidate who may retake.
	e.login("centre")
	e.visit(fmt.Sprintf("/assessments/%d/sessions/new?retake=1", app))
	if got := e.texts(tid("retake-choice")); len(got) != 1 || !strings.Contains(got[0], failed.Name) || !strings.Contains(got[0], "应会（补考）") {
		t.Fatalf("retake choices: %q", got)
	}
	e.tick(chromedp.CSS(`input[name="candidate"]`), true)
	e.setDate("exam_date", "2026-03-20")
	e.typeInto("venue", "区职建中心考场")
	e.typeByName("examiner_name_0", "考评甲")
	e.typeByName("examiner_id_0", fixedID("33018519700101555"))
	e.typeByName("examiner_org_0", "临安区职建中心")
	e.click(tid("session-submit"))
	retakePage := e.location()

	// The retake's day: practical only; the theory carries over.
	e.setNow(time.Date(2026, 3, 20, 9, 0, 0, 0, repository.Shanghai))
	e.click(tid("check-link"))
	no := e.texts(`[data-testid="check-table"] tbody tr td:first-child`)[0]
	e.click(tid("check-" + no))
	e.visit(retakePage + "/scores")
	if n := e.count(byName(fmt.Sprintf("theory_%d", e.scalar(`SELECT id FROM exam_entries WHERE candidate_no = $1`, no)))); n != 0 {
		t.Fatal("a carried part is offered for entry")
	}
	e.do("type the practical score", chromedp.SendKeys(chromedp.CSS(`[data-testid="score-row"] input[inputmode="numeric"]`), "72"))
	e.click(tid("scores-submit"))
	if got := e.text(tid("theory-score")); got != "85（首次合格，保留）" {
		t.Fatalf("the carried theory on the session page: %q", got)
	}
	rid := e.scalar(`SELECT max(id) FROM exam_sessions`)
	x, err = e.store.SessionByID(ctx, centre, rid)
	e.must(err)
	e.must(e.store.ApproveResults(ctx, e.actor("centre2"), rid, x.Version))
	e.must(e.store.PublishResults(ctx, centre, rid, x.Version+1))
	e.click(tid("logout"))

	// The public lookup shows it too.
	var idn string
	e.must(e.store.Pool().QueryRow(ctx, `SELECT t.id_number FROM trainees t WHERE t.name = $1`, failed.Name).Scan(&idn))
	e.visit("/results")
	e.typeInto("name", failed.Name)
	e.typeInto("id_number", idn)
	e.click(tid("lookup-submit"))
	if got := e.texts(tid("lookup-theory")); len(got) != 2 || got[1] != "85（首次合格，保留）" {
		t.Fatalf("public lookup: %q", got)
	}
	e.shot("retake-carried")
}

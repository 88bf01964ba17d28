package browser_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
)

// The public's own pages (issue 12): a trainee on a phone files a
// complaint and reads the answer, answers the survey, sees their record;
// the institution records employment and the bureau checks it; the
// demo's finished class's ledger exports and prints.

// phone makes the tab a phone-sized window (390×844, mobile viewport).
func (e *env) phone() {
	e.t.Helper()
	e.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
}

// desk makes the tab an office screen again.
func (e *env) desk() {
	e.t.Helper()
	e.do("desk viewport", chromedp.EmulateViewport(1400, 900))
}

// phoneProblems runs the layout check and axe-core on the page the tab
// shows (at phone width) and returns what is wrong.
func (e *env) phoneProblems(what string) []string {
	e.t.Helper()
	defer func(start time.Time) { e.t.Logf("checked %s in %v", what, time.Since(start).Round(time.Millisecond)) }(time.Now())
	axe, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, o := range run(e, "overflow "+what, chromedp.Evaluate[[]string](overflowJS)) {
		out = append(out, what+" @390: "+o)
	}
	e.do("inject axe", chromedp.Evaluate[chromedp.Void](string(axe)))
	for _, v := range run(e, "axe "+what, chromedp.Evaluate[[]string](axeJS, chromedp.EvalAwaitPromise)) {
		out = append(out, what+" @390: axe "+v)
	}
	return out
}

// finishedClass is the demo's finished class and its institution.
func (e *env) finishedClass() (class, institution int64) {
	e.t.Helper()
	class = e.scalar(`SELECT id FROM classes WHERE content = $1`, demo.FinishedClassContent)
	return class, e.scalar(`SELECT institution_id FROM classes WHERE id = $1`, class)
}

// TestComplaintFiledOnAPhoneAnsweredReadByTheTrainee: a trainee files a
// complaint on a phone (a missing phone number first), gets a tracking
// number; the bureau assigns it to a colleague, who forwards it to the
// institution (which sees no phone or name and replies) and answers; the
// trainee reads the answer with the number and the phone (a wrong phone
// finds nothing). Every public page passes the layout check and axe-core
// at phone width.
func TestComplaintFiledOnAPhoneAnsweredReadByTheTrainee(t *testing.T) {
	e := newEnv(t)
	var problems []string
	e.phone()
	e.visit("/complaints/new")
	problems = append(problems, e.phoneProblems("/complaints/new")...)
	e.choose(field("institution_id"), "杭州市临安区天目职业技能培训学校")
	body := "烹调班实操课有两次只讲了半天，食材也不够，老师说自己练。"
	e.typeInto("body", body)
	e.typeInto("name", "方先生")
	e.typeInto("phone", "1385711000")
	e.click(tid("complaint-submit"))
	// Refused: a phone number one digit short.
	if msg := e.text(tid("err-phone")); msg == "" {
		t.Fatal("a complaint with a short phone number was accepted")
	}
	if e.value(field("body")) != body {
		t.Fatal("the refused form lost what was typed")
	}
	problems = append(problems, e.phoneProblems("/complaints (refused)")...)
	// Corrected.
	e.typeInto("phone", "13857110001")
	e.click(tid("complaint-submit"))
	if !strings.HasPrefix(e.location(), "/complaints/filed") {
		t.Fatalf("after filing: %s", e.location())
	}
	no := e.text(tid("complaint-no"))
	if !regexp.MustCompile(`^TS[0-9]{8}[0-9A-Z]{6}$`).MatchString(no) {
		t.Fatalf("tracking number %q", no)
	}
	problems = append(problems, e.phoneProblems("/complaints/filed")...)
	e.shot("filed")
	e.click(tid("complaint-status-link"))
	if v := e.value(field("tracking_no")); v != no {
		t.Fatalf("status form carries %q, want %q", v, no)
	}
	e.typeInto("phone", "13857110001")
	e.click(tid("complaint-status-submit"))
	if s := e.text(tid("complaint-status")); s != "已受理" {
		t.Fatalf("status after filing: %s", s)
	}

	// The bureau's queue: the complaint is there, with its due date;
	// assigned to a colleague.
	e.desk()
	e.login("bureau")
	e.visit("/complaints")
	href := run(e, "complaint link", chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const a = Array.from(document.querySelectorAll('[data-testid="complaint-row"] a')).find(a => a.innerText.trim() === %q);
		return a ? a.getAttribute('href') : '';
	})()`, no)))
	if href == "" {
		t.Fatalf("%s not in the queue: %q", no, e.texts(tid("complaint-row")))
	}
	e.click(chromedp.CSS(`[data-testid="complaint-row"] a[href="` + href + `"]`))
	if got := e.text(tid("complaint-body")); got != body {
		t.Fatalf("complaint body %q", got)
	}
	if got := e.text(tid("complaint-phone")); !strings.Contains(got, "138") || strings.Contains(got, "13857110001") {
		t.Fatalf("the queue's phone is not masked: %s", got)
	}
	e.choose(field("assignee_id"), "李科员（bureau2）")
	e.click(tid("complaint-assign"))
	if got := e.text(tid("complaint-assignee")); got != "李科员" {
		t.Fatalf("assignee %q", got)
	}
	if s := e.text(tid("complaint-status")); s != "办理中" {
		t.Fatalf("status after assigning: %s", s)
	}

	// The colleague forwards it to the school.
	e.click(tid("logout"))
	e.login("bureau2")
	e.visit("/complaints?mine=1")
	mine := e.texts(tid("complaint-row"))
	found := false
	for _, r := range mine {
		found = found || strings.Contains(r, no)
	}
	if !found || e.scalar(`SELECT count(*) FROM complaints c JOIN users u ON u.id = c.assignee_id WHERE u.username = 'bureau2'`) != int64(len(mine)) {
		t.Fatalf("bureau2's complaints: %q", mine)
	}
	e.visit(href)
	e.click(tid("complaint-forward"))

	// The school sees it without the complainant's phone or name, replies.
	e.click(tid("logout"))
	e.login("school")
	e.visit(href)
	page := e.text(chromedp.CSS("main"))
	if !strings.Contains(page, body) || strings.Contains(page, "1385711") || strings.Contains(page, "方先生") {
		t.Fatalf("the school's view of the complaint: %s", page)
	}
	e.typeInto("reply", "已核实：3月2日实操课因设备检修缩短，已安排周六补课，食材按计划补足。")
	e.click(tid("complaint-reply"))
	if notes := e.text(tid("complaint-notes")); !strings.Contains(notes, "培训机构回复") {
		t.Fatalf("notes after the reply: %s", notes)
	}

	// The colleague answers the trainee.
	e.click(tid("logout"))
	e.login("bureau2")
	e.visit(href)
	answer := "经核查，该班两次实操课课时不足，已责令学校补课并补足食材；补课安排将电话通知您。"
	e.typeInto("answer", answer)
	e.click(tid("complaint-answer"))
	if s := e.text(tid("complaint-status")); s != "已答复" {
		t.Fatalf("status after answering: %s", s)
	}
	e.click(tid("logout"))

	// The trainee, on the phone again, reads the answer; a wrong phone
	// finds nothing.
	e.phone()
	e.visit("/complaints/status")
	e.typeInto("tracking_no", no)
	e.typeInto("phone", "13857110002")
	e.click(tid("complaint-status-submit"))
	if e.count(tid("complaint-none")) != 1 || e.count(tid("complaint-found")) != 0 {
		t.Fatal("a wrong phone found the complaint")
	}
	e.typeInto("phone", "13857110001")
	e.click(tid("complaint-status-submit"))
	if s := e.text(tid("complaint-status")); s != "已答复" {
		t.Fatalf("public status: %s", s)
	}
	if got := e.text(tid("complaint-answer")); got != answer {
		t.Fatalf("public answer %q", got)
	}
	if page := e.text(chromedp.CSS("main")); strings.Contains(page, "李科员") || strings.Contains(page, "培训机构回复") {
		t.Fatalf("the public page shows the handling: %s", page)
	}
	problems = append(problems, e.phoneProblems("/complaints/status (answered)")...)
	e.shot("answered")
	if len(problems) > 0 {
		t.Fatalf("%d problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// TestSurveyAnsweredOnceFromItsCode: a trainee opens the survey from the
// code on the slip (a question left out first), answers, and cannot
// answer again: the page says it was answered, and typing the code into
// a fresh form is refused with a message.
func TestSurveyAnsweredOnceFromItsCode(t *testing.T) {
	e := newEnv(t)
	// The demo's finished class has answered its survey (all five): the
	// school makes the missing codes of its class with published results.
	class := e.scalar(`SELECT id FROM classes WHERE class_no = $1`, demo.ClaimBuildClassNo)
	if _, err := e.store.IssueSurveyCodes(context.Background(), e.actor("school"), class); err != nil {
		t.Fatal(err)
	}
	var code string
	e.must(e.store.Pool().QueryRow(context.Background(), `SELECT sc.code FROM survey_codes sc
		WHERE sc.class_id = $1 AND NOT EXISTS (SELECT 1 FROM survey_answers sa WHERE sa.enrolment_id = sc.enrolment_id)
		ORDER BY sc.enrolment_id LIMIT 1`, class).Scan(&code))
	before := e.scalar(`SELECT count(*) FROM survey_answers WHERE class_id = $1`, class)
	var problems []string
	e.phone()
	e.visit("/survey?code=" + code)
	if target := e.text(tid("survey-target")); !strings.Contains(target, "天目职业技能培训学校") || !strings.Contains(target, demo.ClaimBuildClassNo) {
		t.Fatalf("survey target: %s", target)
	}
	problems = append(problems, e.phoneProblems("/survey?code=")...)
	score := func(q, n string) {
		e.do("score "+q, chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="survey-%s"] input[value=%q]`, q, n))))
	}
	score("overall", "5")
	score("teaching", "4")
	score("venue", "3")
	// organisation left out
	e.typeInto("comment", "实操时间再多一些就好了。")
	e.click(tid("survey-submit"))
	if msg := e.text(tid("err-organisation")); msg == "" {
		t.Fatal("an answer without the fourth score was accepted")
	}
	if e.value(field("code")) != code || e.value(field("comment")) != "实操时间再多一些就好了。" {
		t.Fatal("the refused form lost what was typed")
	}
	score("organisation", "4")
	e.click(tid("survey-submit"))
	if loc := e.location(); loc != "/survey/thanks" {
		t.Fatalf("after answering: %s (%s)", loc, e.text(chromedp.CSS("main")))
	}
	problems = append(problems, e.phoneProblems("/survey/thanks")...)
	if n := e.scalar(`SELECT count(*) FROM survey_answers WHERE class_id = $1`, class); n != before+1 {
		t.Fatalf("%d answers, want %d", n, before+1)
	}

	// Again from the slip: answered, no form.
	e.visit("/survey?code=" + code)
	if e.count(tid("survey-answered")) != 1 || e.count(tid("survey-form")) != 0 {
		t.Fatal("an answered code offers the form again")
	}
	// Typed into a fresh form: refused with a message, nothing stored.
	e.visit("/survey")
	e.typeInto("code", strings.ToLower(code))
	for _, q := range []string{"overall", "teaching", "venue", "organisation"} {
		score(q, "1")
	}
	e.click(tid("survey-submit"))
	if msg := e.text(tid("err-code")); !strings.Contains(msg, "已") {
		t.Fatalf("second answer: message %q", msg)
	}
	if n := e.scalar(`SELECT count(*) FROM survey_answers WHERE class_id = $1`, class); n != before+1 {
		t.Fatalf("%d answers after the second try, want %d", n, before+1)
	}
	if o := e.scalar(`SELECT overall FROM survey_answers sa JOIN survey_codes sc USING (enrolment_id) WHERE sc.code = $1`, code); o != 5 {
		t.Fatalf("the stored answer changed: overall %d", o)
	}
	problems = append(problems, e.phoneProblems("/survey (refused)")...)
	if len(problems) > 0 {
		t.Fatalf("%d problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// TestEmploymentRecordedImportedAndSpotChecked: three months after the
// finished class the school records one trainee by hand (an employed one
// without an employer first), imports the others from a spreadsheet (a
// file with a stranger's ID number saves nothing first); six months after,
// it imports all five; the bureau draws a sample, records a phone check,
// and reads the rates.
func TestEmploymentRecordedImportedAndSpotChecked(t *testing.T) {
	e := newEnv(t)
	class, inst := e.finishedClass()
	var end time.Time
	e.must(e.store.Pool().QueryRow(context.Background(), `SELECT end_date FROM classes WHERE id = $1`, class).Scan(&end))
	type person struct{ id, name string }
	var people []person
	rows, err := e.store.Pool().Query(context.Background(), `SELECT t.id_number, t.name FROM enrolments en JOIN trainees t ON t.id = en.trainee_id
		WHERE en.class_id = $1 ORDER BY en.id`, class)
	e.must(err)
	for rows.Next() {
		var p person
		e.must(rows.Scan(&p.id, &p.name))
		people = append(people, p)
	}
	e.must(rows.Err())
	if len(people) != 5 {
		t.Fatalf("%d trainees in the finished class", len(people))
	}
	recorded := func(months int) int64 {
		return e.scalar(`SELECT count(*) FROM employment_records WHERE class_id = $1 AND months = $2`, class, months)
	}
	// Not yet due: the page says from when.
	e.login("school")
	url3 := fmt.Sprintf("/classes/%d/employment?months=3", class)
	e.visit(url3)
	if e.count(tid("employment-form")) != 0 || e.count(tid("employment-closed")) == 0 {
		t.Fatal("the 3-month follow-up is open before three months")
	}

	// Three months on (the clock moves; sign in again).
	day := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, repository.Shanghai)
	}
	e.setNow(day(end.AddDate(0, 3, 2)))
	e.visit("/")
	if e.count(tid("whoami")) == 0 {
		e.login("school")
	}
	e.visit(url3)
	e.choose(field("enrolment_id"), people[0].name+"（"+maskedOption(e, people[0].name)+"）")
	e.choose(field("employed"), "是")
	e.setDate("start_date", end.AddDate(0, 0, 20).Format(time.DateOnly))
	e.click(tid("employment-save"))
	if msg := e.text(tid("err-employer")); msg == "" {
		t.Fatal("employed without an employer was accepted")
	}
	e.typeInto("employer", "临安湖畔酒店")
	e.click(tid("employment-save"))
	if n := recorded(3); n != 1 {
		t.Fatalf("%d records at 3 months after one", n)
	}
	states := e.texts(tid("employment-state"))
	if states[0] != "就业" {
		t.Fatalf("states %q", states)
	}

	// The spreadsheet: first with a stranger in it (nothing saved).
	sheet := func(name string, rows [][]string) string {
		f := excelize.NewFile()
		defer f.Close()
		all := append([][]string{{"身份证号码", "姓名", "是否就业", "是否自主创业", "就业单位", "入职（创业）日期"}}, rows...)
		for i, r := range all {
			cells := make([]any, len(r))
			for j, c := range r {
				cells[j] = c
			}
			e.must(f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &cells))
		}
		p := filepath.Join(t.TempDir(), name)
		e.must(f.SaveAs(p))
		return p
	}
	start := end.AddDate(0, 1, 0).Format(time.DateOnly)
	three := [][]string{
		{people[1].id, people[1].name, "是", "否", "锦城家常菜馆", start},
		{people[2].id, people[2].name, "是", "是", "", start},
		{people[3].id, people[3].name, "否", "否", "", ""},
		{people[4].id, people[4].name, "是", "否", "天目山庄", start},
	}
	bad := sheet("bad.xlsx", append(three, []string{fixedID("33018519900101123"), "路人甲", "否", "否", "", ""}))
	e.do("choose the file", chromedp.SetUploadFiles(field("file"), []string{bad}))
	e.click(tid("employment-import"))
	if report := e.text(tid("employment-report")); !strings.Contains(report, "不在本班学员名单中") {
		t.Fatalf("import report: %s", report)
	}
	if n := recorded(3); n != 1 {
		t.Fatalf("a bad file saved %d records", n-1)
	}
	good := sheet("good.xlsx", three)
	e.do("choose the file", chromedp.SetUploadFiles(field("file"), []string{good}))
	e.click(tid("employment-import"))
	if n := recorded(3); n != 5 {
		t.Fatalf("%d records at 3 months after the import", n)
	}
	if states := strings.Join(e.texts(tid("employment-state")), ","); states != "就业,就业,自主创业,未就业,就业" {
		t.Fatalf("states at 3 months: %s", states)
	}

	// Six months on: everyone from the spreadsheet.
	e.setNow(day(end.AddDate(0, 6, 2)))
	e.visit("/")
	if e.count(tid("whoami")) == 0 {
		e.login("school")
	}
	e.visit(fmt.Sprintf("/classes/%d/employment?months=6", class))
	six := append([][]string{{people[0].id, people[0].name, "是", "否", "临安湖畔酒店", end.AddDate(0, 0, 20).Format(time.DateOnly)}}, three...)
	six[3] = []string{people[3].id, people[3].name, "是", "否", "青山湖度假村", end.AddDate(0, 4, 0).Format(time.DateOnly)}
	e.do("choose the file", chromedp.SetUploadFiles(field("file"), []string{sheet("six.xlsx", six)}))
	e.click(tid("employment-import"))
	if n := recorded(6); n != 5 {
		t.Fatalf("%d records at 6 months", n)
	}

	// The bureau draws a sample (phones shown) and records a check.
	e.click(tid("logout"))
	e.login("bureau")
	e.visit("/employment/checks")
	e.click(tid("checks-sample"))
	if n := e.count(tid("checks-sample-row")); n == 0 {
		t.Fatal("empty sample")
	}
	first := `[data-testid="checks-sample-row"]`
	e.choose(chromedp.CSS(first+` select[name="result"]`), "核实一致")
	e.do("note", chromedp.SendKeys(chromedp.CSS(first+` input[name="note"]`), "电话核实，本人确认"))
	e.click(chromedp.CSS(first + ` [data-testid="checks-save"]`))
	if recent := e.text(tid("checks-recent")); !strings.Contains(recent, "核实一致") || !strings.Contains(recent, "电话核实，本人确认") {
		t.Fatalf("recent checks: %s", recent)
	}
	if n := e.scalar(`SELECT count(*) FROM employment_records WHERE check_result = 'confirmed'`); n != 1 {
		t.Fatalf("%d confirmed records", n)
	}
	// The rate per class: 5 of 5 employed at 6 months.
	e.visit(fmt.Sprintf("/employment?by=class&months=6&year=%d", end.Year()))
	rows2 := e.texts(tid("employment-report-row"))
	found := false
	for _, r := range rows2 {
		found = found || (strings.Contains(r, "100%") && strings.Contains(r, "5"))
	}
	if !found {
		t.Fatalf("employment report rows: %q (institution %d)", rows2, inst)
	}
}

// maskedOption is the ID number as the employment page's trainee choice
// shows it (read from the page: the format is the page's).
func maskedOption(e *env, name string) string {
	e.t.Helper()
	label := run(e, "option of "+name, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const o = Array.from(document.querySelectorAll('#f-enrolment_id option')).find(o => o.text.startsWith(%q + '（'));
		return o ? o.text : '';
	})()`, name)))
	if label == "" {
		e.t.Fatalf("no option for %s", name)
	}
	return strings.TrimSuffix(strings.TrimPrefix(label, name+"（"), "）")
}

// TestOwnRecordOnAPhone: a trainee sees their own record with the
// agreement number or the survey code and the ID number; a wrong pair
// finds nothing; nothing about the other trainees shows.
func TestOwnRecordOnAPhone(t *testing.T) {
	e := newEnv(t)
	class, _ := e.finishedClass()
	var agreement, code, id, other string
	e.must(e.store.Pool().QueryRow(context.Background(), `SELECT en.agreement_no, sc.code, t.id_number,
			(SELECT t2.id_number FROM enrolments e2 JOIN trainees t2 ON t2.id = e2.trainee_id WHERE e2.class_id = en.class_id AND e2.id <> en.id ORDER BY e2.id LIMIT 1)
		FROM enrolments en JOIN trainees t ON t.id = en.trainee_id JOIN survey_codes sc ON sc.enrolment_id = en.id
		WHERE en.class_id = $1 ORDER BY en.id LIMIT 1`, class).Scan(&agreement, &code, &id, &other))
	var problems []string
	e.phone()
	e.visit("/me")
	problems = append(problems, e.phoneProblems("/me")...)
	// Someone else's ID number with this agreement: not found.
	e.typeInto("code", agreement)
	e.typeInto("id_number", other)
	e.click(tid("own-submit"))
	if e.count(tid("own-none")) != 1 || e.count(tid("own-record")) != 0 {
		t.Fatal("an agreement number with another trainee's ID number found a record")
	}
	e.typeInto("id_number", id)
	e.click(tid("own-submit"))
	rec := e.text(tid("own-record"))
	for _, want := range []string{"学员：方**", "中式烹调师", "4 / 4 次（100%）", "如何投诉"} {
		if !strings.Contains(rec, want) {
			t.Fatalf("own record lacks %q:\n%s", want, rec)
		}
	}
	for _, never := range []string{"俞佳琪", "潘国华", other, "13857110001"} {
		if strings.Contains(rec, never) {
			t.Fatalf("own record shows %q", never)
		}
	}
	problems = append(problems, e.phoneProblems("/me (found)")...)
	e.shot("own-record")
	// With the survey code instead of the agreement number.
	e.visit("/me")
	e.typeInto("code", code)
	e.typeInto("id_number", id)
	e.click(tid("own-submit"))
	if n := e.count(tid("own-class")); n != 1 {
		t.Fatalf("%d classes by the survey code", n)
	}
	if len(problems) > 0 {
		t.Fatalf("%d problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// TestFinishedLedgerPrintsToA4: the demo's finished class's ledger, as
// the school prints it: Chromium's printToPDF with the page's own @page
// size gives A4 pages, and pdftotext finds the parts, the trainees
// (masked) and no navigation; the workbook has a sheet per part.
func TestFinishedLedgerPrintsToA4(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("this test reads the printed PDF with pdftotext (apt-get install poppler-utils): %v", err)
	}
	e := newEnv(t)
	class, _ := e.finishedClass()
	e.login("school")
	e.visit(fmt.Sprintf("/classes/%d/ledger", class))
	status, ctype, body := e.fetchBytes(fmt.Sprintf("/classes/%d/ledger.xlsx", class))
	if status != 200 || !strings.Contains(ctype, "spreadsheetml") {
		t.Fatalf("workbook: %d %s", status, ctype)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	e.must(err)
	sheets := f.GetSheetList()
	roster, err := f.GetRows("学员名单")
	f.Close()
	e.must(err)
	names := 0
	for _, r := range roster {
		for _, c := range r {
			if c == "方晓东" || c == "俞佳琪" || c == "潘国华" || c == "盛雨萱" || c == "应志强" {
				names++
			}
		}
	}
	if len(sheets) != 9 || names != 5 {
		t.Fatalf("sheets %v, %d of the 5 trainees on the roster sheet", sheets, names)
	}

	var pdf []byte
	e.do("print", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return err
		}
		yes := true
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
		if err != nil {
			return err
		}
		pdf = res.Data
		return nil
	}))
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.pdf")
	e.must(os.WriteFile(path, pdf, 0o600))
	info, err := exec.Command("pdfinfo", path).Output()
	e.must(err)
	// A4 is 595.28 × 841.89 pt; Chromium writes it rounded.
	if !regexp.MustCompile(`Page size:.*\(A4\)`).Match(info) {
		t.Fatalf("not A4:\n%s", info)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	e.must(err)
	text := string(out)
	for _, want := range []string{"培训台账", "学员名单", "方晓东", "330185", "出勤"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the printed ledger lacks %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"退出", "导出", "33018519920315101"} {
		if strings.Contains(text, never) {
			t.Fatalf("the printed ledger shows %q:\n%s", never, text)
		}
	}
	t.Logf("printed ledger: %d bytes of PDF, %d characters of text", len(pdf), len(text))
}

package repository_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// The statistics figures (migration 00101) are counters kept by triggers.
// These tests compare them, after each step of a sequence of changes made
// through the repository and by SQL, and after concurrent changes, with a
// recount from scratch: table by table, and the whole page as the
// aggregate queries the page ran before it read counters.

// figureRecounts are each kept table beside its recount from the source
// tables, rows with only zero figures left out.
func figureRecounts() map[string][2]string {
	var class, pass []string
	for _, inst := range []string{"0::bigint", "i"} {
		for _, d := range [][2]string{{"month", "m"}, {"occupation", "o"}, {"type", "t"}, {"institution", "i::text"}} {
			class = append(class, fmt.Sprintf(`SELECT y, %s, '%s', %s, count(*)::int, sum(e)::int FROM c GROUP BY 1, 2, 4`, inst, d[0], d[1]))
		}
		for _, org := range []string{"0::bigint", "org"} {
			for _, d := range [][2]string{{"institution", "i::text"}, {"occupation", "o"}, {"level", "l"}} {
				pass = append(pass, fmt.Sprintf(`SELECT y, %s, %s, '%s', %s, count(*)::int, count(*) FILTER (WHERE f)::int,
					count(*) FILTER (WHERE a)::int FROM c GROUP BY 1, 2, 3, 5`, org, inst, d[0], d[1]))
			}
		}
	}
	return map[string][2]string{
		"class_figures": {`SELECT year, institution_id, dim, key, classes, trainees FROM class_figures WHERE classes <> 0 OR trainees <> 0`,
			`WITH c AS (SELECT extract(year FROM start_date)::int AS y, extract(month FROM start_date)::int::text AS m,
				institution_id AS i, coalesce(occupation_id, 0)::text AS o, type AS t, enrolled AS e
			FROM classes WHERE status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived'))
			` + strings.Join(class, "\nUNION ALL ")},
		"pass_figures": {`SELECT year, eval_org_id, institution_id, dim, key, candidates, first_pass, final_pass FROM pass_figures
			WHERE candidates <> 0 OR first_pass <> 0 OR final_pass <> 0`,
			`WITH c AS (SELECT ap.eval_org_id AS org, ap.institution_id AS i, coalesce(c.occupation_id, 0)::text AS o, c.level::text AS l,
				extract(year FROM c.start_date)::int AS y, bool_or(x.attempt = 1 AND x.outcome = 'pass') AS f, bool_or(x.outcome = 'pass') AS a
			FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id JOIN exam_applications ap ON ap.id = s.application_id
			JOIN classes c ON c.id = ap.class_id WHERE s.status = 'published'
			GROUP BY x.enrolment_id, ap.eval_org_id, ap.institution_id, c.occupation_id, c.level, c.start_date
			HAVING bool_or(x.attempt = 1))
			` + strings.Join(pass, "\nUNION ALL ")},
		"shortfall_figures": {`SELECT year, institution_id, classes, short, off_plan, hours_short FROM shortfall_figures
			WHERE classes <> 0 OR short <> 0 OR off_plan <> 0 OR hours_short <> 0`,
			`SELECT extract(year FROM start_date)::int, institution_id, count(*)::int, count(*) FILTER (WHERE short > 0)::int,
				count(*) FILTER (WHERE off_plan > 0)::int, sum(greatest(planned_held - delivered, 0))::int
			FROM class_delivery WHERE flagged GROUP BY 1, 2`},
	}
}

// checkFiguresRecount fails for every row of a kept table that differs
// from the recount, and returns how many rows the tables hold.
func checkFiguresRecount(t *testing.T, s *repository.Store, step string) int {
	t.Helper()
	total := 0
	for table, q := range figureRecounts() {
		rows, err := s.Pool().Query(context.Background(), `SELECT 'kept', * FROM ((`+q[0]+`) EXCEPT (`+q[1]+`)) k
			UNION ALL SELECT 'recount', * FROM ((`+q[1]+`) EXCEPT (`+q[0]+`)) r`)
		must(t, err)
		diff, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (string, error) {
			v, err := row.Values()
			return fmt.Sprint(v), err
		})
		must(t, err)
		for _, d := range diff {
			t.Errorf("%s: %s differs: %s", step, table, d)
		}
		var n int
		must(t, s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM (`+q[0]+`) x`).Scan(&n))
		total += n
	}
	return total
}

// recountStatistics is the page as the aggregate queries computed it
// before the figures were kept (the queries of issue 17, unchanged).
func recountStatistics(t *testing.T, s *repository.Store, a training.Actor, f repository.StatsFilter) repository.Stats {
	t.Helper()
	const statWhere = ` WHERE c.status NOT IN ('draft', 'submitted', 'returned', 'cancelled')
	AND c.start_date >= make_date($1::int, 1, 1) AND c.start_date < make_date($1::int + 1, 1, 1)
	AND ($2::bigint = 0 OR c.institution_id = $2)`
	const passBase = `WITH cand AS (
	SELECT x.enrolment_id, ap.institution_id, c.occupation_id, c.level,
		bool_or(x.attempt = 1 AND x.outcome = 'pass') AS first_pass, bool_or(x.outcome = 'pass') AS final_pass
	FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id JOIN exam_applications ap ON ap.id = s.application_id
	JOIN classes c ON c.id = ap.class_id
	WHERE s.status = 'published' AND c.start_date >= make_date($1::int, 1, 1) AND c.start_date < make_date($1::int + 1, 1, 1)
		AND ($2::bigint = 0 OR ap.institution_id = $2)
		AND ($3::bigint = 0 OR ap.eval_org_id = coalesce((SELECT eval_org_id FROM users WHERE id = $3), (SELECT id FROM eval_orgs WHERE kind = 'centre')))
	GROUP BY x.enrolment_id, ap.institution_id, c.occupation_id, c.level
	HAVING bool_or(x.attempt = 1))
`
	var org int64
	if a.IsCentre() {
		org = a.UserID
	}
	var st repository.Stats
	ctx := context.Background()
	stat := func(out *[]repository.StatRow, label func(string) string, q string) {
		rows, err := s.Pool().Query(ctx, q, f.Year, f.InstitutionID)
		must(t, err)
		var r repository.StatRow
		_, err = pgx.ForEachRow(rows, []any{&r.Label, &r.Classes, &r.Trainees}, func() error {
			r.Label = label(r.Label)
			*out = append(*out, r)
			return nil
		})
		must(t, err)
	}
	same := func(s string) string { return s }
	stat(&st.ByMonth, same, `SELECT m || '月', count(c.id), coalesce(sum(c.enrolled), 0)
		FROM generate_series(1, 12) m LEFT JOIN (SELECT c.id, c.enrolled, c.start_date FROM classes c`+statWhere+`) c
			ON extract(month FROM c.start_date) = m
		GROUP BY m ORDER BY m`)
	stat(&st.ByOccupation, same, `SELECT coalesce(o.name, '未选工种'), count(*), sum(c.enrolled) FROM classes c LEFT JOIN occupations o ON o.id = c.occupation_id`+statWhere+`
		GROUP BY o.name ORDER BY count(*) DESC, o.name LIMIT 20`)
	stat(&st.ByType, func(s string) string { return training.ClassType(s).Label() },
		`SELECT c.type, count(*), sum(c.enrolled) FROM classes c`+statWhere+` GROUP BY c.type ORDER BY c.type`)
	stat(&st.ByInstitution, same, `SELECT i.name, count(*), sum(c.enrolled) FROM classes c JOIN institutions i ON i.id = c.institution_id`+statWhere+`
		GROUP BY i.name ORDER BY count(*) DESC, i.name LIMIT 20`)
	pass := func(out *[]repository.PassRow, level bool, q string) {
		rows, err := s.Pool().Query(ctx, q, f.Year, f.InstitutionID, org)
		must(t, err)
		var r repository.PassRow
		var label any = &r.Label
		var l int
		if level {
			label = &l
		}
		_, err = pgx.ForEachRow(rows, []any{label, &r.Candidates, &r.First, &r.Final}, func() error {
			if level {
				r.Label = training.Level(l).Label()
			}
			*out = append(*out, r)
			return nil
		})
		must(t, err)
	}
	pass(&st.PassByInst, false, passBase+`SELECT i.name, count(*), count(*) FILTER (WHERE first_pass), count(*) FILTER (WHERE final_pass)
		FROM cand JOIN institutions i ON i.id = cand.institution_id GROUP BY i.name ORDER BY count(*) DESC, i.name LIMIT 20`)
	pass(&st.PassByOcc, false, passBase+`SELECT coalesce(o.name, '—'), count(*), count(*) FILTER (WHERE first_pass), count(*) FILTER (WHERE final_pass)
		FROM cand LEFT JOIN occupations o ON o.id = cand.occupation_id GROUP BY o.name ORDER BY count(*) DESC, o.name LIMIT 20`)
	pass(&st.PassByLevel, true, passBase+`SELECT level, count(*), count(*) FILTER (WHERE first_pass), count(*) FILTER (WHERE final_pass)
		FROM cand GROUP BY level ORDER BY level`)
	rows, err := s.Pool().Query(ctx, `SELECT i.name, count(*), count(*) FILTER (WHERE d.short > 0), count(*) FILTER (WHERE d.off_plan > 0),
			coalesce(sum(greatest(d.planned_held - d.delivered, 0)), 0)
		FROM class_delivery d JOIN institutions i ON i.id = d.institution_id
		WHERE d.flagged AND d.start_date >= make_date($1::int, 1, 1) AND d.start_date < make_date($1::int + 1, 1, 1)
			AND ($2::bigint = 0 OR d.institution_id = $2)
		GROUP BY i.name ORDER BY count(*) DESC, i.name LIMIT 20`, f.Year, f.InstitutionID)
	must(t, err)
	var r repository.ShortRow
	_, err = pgx.ForEachRow(rows, []any{&r.Label, &r.Classes, &r.Short, &r.OffPlan, &r.HoursShort}, func() error {
		st.Shortfalls = append(st.Shortfalls, r)
		return nil
	})
	must(t, err)
	return st
}

// checkStatistics compares the page read from the kept figures with the
// recount, for the bureau and a centre user, every institution and each
// of the given ones, in the given years.
func checkStatistics(t *testing.T, s *repository.Store, step string, actors []training.Actor, years []int, insts []int64) {
	t.Helper()
	for _, a := range actors {
		for _, y := range years {
			for _, inst := range append([]int64{0}, insts...) {
				f := repository.StatsFilter{Year: y, InstitutionID: inst}
				got, err := s.Statistics(context.Background(), a, f)
				must(t, err)
				got.Institutions = nil
				if want := recountStatistics(t, s, a, f); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %s %d institution %d:\n kept    %+v\n recount %+v", step, a.Role, y, inst, got, want)
				}
			}
		}
	}
}

// TestStatisticsFiguresKeptOnWrite follows a class and its assessment
// through the repository (roster, approval, application, scores,
// publication, an amendment, a retake, attendance short of the plan) and
// through direct changes of every column the figures depend on (start
// year, occupation, level, institution, organisation, a session
// unpublished and published again, entries removed, a class deleted, many
// classes in one statement), and after each step compares the kept
// figures with a recount.
func TestStatisticsFiguresKeptOnWrite(t *testing.T) {
	ef := newExamFixture(t, 4)
	s, ctx := ef.s, ef.ctx
	actors := []training.Actor{ef.bureau, ef.centre}
	years := []int{2025, 2026}
	insts := []int64{ef.school.InstitutionID, ef.acad.InstitutionID}
	step := func(name string) {
		t.Helper()
		if n := checkFiguresRecount(t, s, name); n == 0 {
			t.Fatalf("%s: no figures kept", name)
		}
		checkStatistics(t, s, name, actors, years, insts)
	}
	step("finished class")
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.Pool().Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	// Assessment: apply, accept, schedule, check, score, approve, publish.
	appID := ef.apply(training.CertSkillLevel)
	if err := s.DecideApplication(ctx, ef.centre, appID, ef.app(appID).Version, true, ""); err != nil {
		t.Fatal(err)
	}
	sessID, err := s.ScheduleSession(ctx, ef.centre, appID, sessionIn("2026-04-10"))
	must(t, err)
	ef.setNow(time.Date(2026, 4, 10, 8, 0, 0, 0, repository.Shanghai))
	x := ef.session(sessID)
	for _, e := range x.Entries[:3] {
		must(t, s.CheckCandidate(ctx, ef.centre, sessID, e.ID))
	}
	x = ef.session(sessID)
	e := x.Entries
	if _, err := s.EnterScores(ctx, ef.centre, sessID, x.Version, []training.ScoreRow{
		{EntryID: e[0].ID, Theory: sc(80), Practical: sc(85)},
		{EntryID: e[1].ID, Theory: sc(72), Practical: sc(59)},
		{EntryID: e[2].ID, Theory: sc(90), Practical: sc(90)},
		{EntryID: e[3].ID, Theory: training.PartScore{Absent: true}, Practical: training.PartScore{Absent: true}},
	}); err != nil {
		t.Fatal(err)
	}
	step("scored, not published")
	must(t, s.ApproveResults(ctx, ef.centre2, sessID, ef.session(sessID).Version))
	must(t, s.PublishResults(ctx, ef.centre, sessID, ef.session(sessID).Version))
	step("published")
	var candidates int
	must(t, s.Pool().QueryRow(ctx, `SELECT candidates FROM pass_figures WHERE year = 2026 AND eval_org_id = 0 AND institution_id = $1
		AND dim = 'institution'`, ef.school.InstitutionID).Scan(&candidates))
	if candidates < 4 {
		t.Fatalf("%d candidates of the school after publishing 4", candidates)
	}

	// A correction after publication, confirmed by another user.
	must(t, s.AmendEntry(ctx, ef.centre, sessID, e[1].ID, sc(72), sc(61), "复核发现应会评分表合计错误"))
	ams, err := s.Amendments(ctx, ef.centre, sessID)
	must(t, err)
	must(t, s.ConfirmAmendment(ctx, ef.centre2, sessID, ams[0].ID, ef.session(sessID).Version))
	step("amended")

	// The absent candidate's retake, passed: a final pass, not a first.
	next := sessionIn("2026-05-15")
	next.Retake, next.EnrolmentIDs = true, []int64{e[3].EnrolmentID}
	retakeID, err := s.ScheduleSession(ctx, ef.centre, appID, next)
	must(t, err)
	ef.setNow(time.Date(2026, 5, 15, 8, 0, 0, 0, repository.Shanghai))
	r := ef.session(retakeID)
	must(t, s.CheckCandidate(ctx, ef.centre, retakeID, r.Entries[0].ID))
	r = ef.session(retakeID)
	if _, err := s.EnterScores(ctx, ef.centre2, retakeID, r.Version, []training.ScoreRow{{EntryID: r.Entries[0].ID, Theory: sc(70), Practical: sc(70)}}); err != nil {
		t.Fatal(err)
	}
	must(t, s.ApproveResults(ctx, ef.centre, retakeID, ef.session(retakeID).Version))
	must(t, s.PublishResults(ctx, ef.centre, retakeID, ef.session(retakeID).Version))
	step("retake published")

	// A session no longer published, then again; an entry's outcome.
	exec(`UPDATE exam_sessions SET status = 'approved' WHERE id = $1`, retakeID)
	step("retake unpublished")
	exec(`UPDATE exam_sessions SET status = 'published' WHERE id = $1`, retakeID)
	exec(`UPDATE exam_entries SET outcome = 'fail' WHERE id = $1`, e[0].ID)
	step("outcome changed")

	// The class's start moves to 2025, its level and occupation change.
	exec(`UPDATE classes SET start_date = start_date - 365, end_date = end_date - 365, approved_on = approved_on - 365 WHERE id = $1`, ef.classID)
	step("start moved a year")
	exec(`UPDATE classes SET level = 4 WHERE id = $1`, ef.classID)
	exec(`UPDATE classes SET occupation_id = $2 WHERE id = $1`, ef.classID, ef.occupation("4-10-01-05"))
	step("level and occupation changed")

	// Another organisation assesses the class: the centre's figures lose it.
	var social int64
	must(t, s.Pool().QueryRow(ctx, `INSERT INTO eval_orgs (name, kind, approved, approval_no, created_at)
		VALUES ('临安技能人才评价中心（测试）', 'social', true, '浙人社评〔2026〕99号', now()) RETURNING id`).Scan(&social))
	exec(`UPDATE exam_applications SET eval_org_id = $2 WHERE id = $1`, appID, social)
	step("organisation changed")
	exec(`UPDATE exam_applications SET eval_org_id = $2 WHERE id = $1`, appID, ef.centreOrg())

	// An entry written into the published retake by SQL, then removed.
	var extraEntry int64
	must(t, s.Pool().QueryRow(ctx, `INSERT INTO exam_entries (session_id, enrolment_id, attempt, seq, candidate_no, theory_required,
			practical_required, outcome) VALUES ($1, $2, 2, 99, 'STATS-TEST-99', true, true, 'pass') RETURNING id`,
		retakeID, e[1].EnrolmentID).Scan(&extraEntry))
	step("entry inserted")
	exec(`DELETE FROM exam_entries WHERE id = $1`, extraEntry)
	step("entry removed")

	// Roster changes, a cancelled class, a second class approved, and
	// attendance short of the plan (a delivery shortfall).
	ef.setNow(time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai))
	week, trainees := ef.approvedWeek(3, 100)
	step("second class with trainees")
	must(t, s.RemoveTrainee(ctx, ef.school, week, trainees[2], "工作调动"))
	cancelled := ef.approvedClass()
	if _, err := s.AddTrainee(ctx, ef.school, cancelled, traineeIn(200)); err != nil {
		t.Fatal(err)
	}
	must(t, s.StepClass(ctx, ef.school, cancelled, repository.ClassStep{Action: training.ActClassCancel, Version: ef.class(cancelled).Version, Reason: "人数不足"}))
	step("roster and cancellation")
	ef.setNow(time.Date(2026, 3, 17, 18, 0, 0, 0, repository.Shanghai))
	sids := ef.sessionIDs(week)
	if _, err := ef.record(week, sids[0], 1, ef.theory, ef.marks(trainees[:2], training.AttPresent)); err != nil {
		t.Fatal(err)
	}
	step("attendance short of the plan")
	var short int
	must(t, s.Pool().QueryRow(ctx, `SELECT coalesce(sum(short), 0) FROM shortfall_figures WHERE year = 2026`).Scan(&short))
	if short == 0 {
		t.Fatal("no class short of its hours")
	}
	if _, err := ef.record(week, sids[0], 3, ef.theory, ef.marks(trainees[:2], training.AttPresent)); err != nil {
		t.Fatal(err)
	}
	step("attendance corrected")

	// The class moves to the academy; many classes change in one
	// statement; a class inserted and deleted by SQL.
	exec(`UPDATE classes SET institution_id = $2 WHERE id = $1`, week, ef.acad.InstitutionID)
	step("institution changed")
	exec(`UPDATE classes SET enrolled = greatest(enrolled - 1, 0), start_date = start_date + 31, end_date = end_date + 31
		WHERE status IN ('approved', 'finished', 'assessed', 'archived', 'cancelled')`)
	step("many classes in one statement")
	var extra int64
	must(t, s.Pool().QueryRow(ctx, `INSERT INTO classes (class_no, institution_id, occupation_id, level, type, planned_size, start_date,
			end_date, status, approved_on, approved_by, created_by, created_at, updated_at, enrolled)
		SELECT class_no || '-X', institution_id, occupation_id, level, type, planned_size, start_date, end_date, 'approved',
			approved_on, approved_by, created_by, created_at, updated_at, 7 FROM classes WHERE id = $1 RETURNING id`, week).Scan(&extra))
	step("class inserted")
	exec(`DELETE FROM classes WHERE id = $1`, extra)
	step("class deleted")
}

// TestStatisticsFiguresUnderConcurrency changes the same figures from
// many transactions at once: trainees added to three classes of the same
// month, occupation and type (the same counter rows) while two more are
// approved and another cancelled, and the outcomes of a first attempt and
// of the retake of the same candidates (the same candidate rows) changed
// while the retake is unpublished and published again. Every change
// succeeds and the kept figures equal the recount.
func TestStatisticsFiguresUnderConcurrency(t *testing.T) {
	ef := newExamFixture(t, 6)
	s, ctx := ef.s, ef.ctx

	// A published first attempt (all fail) and a published retake of three.
	appID := ef.apply(training.CertSkillLevel)
	must(t, s.DecideApplication(ctx, ef.centre, appID, ef.app(appID).Version, true, ""))
	first, err := s.ScheduleSession(ctx, ef.centre, appID, sessionIn("2026-04-10"))
	must(t, err)
	ef.setNow(time.Date(2026, 4, 10, 8, 0, 0, 0, repository.Shanghai))
	var rows []training.ScoreRow
	for _, e := range ef.session(first).Entries {
		must(t, s.CheckCandidate(ctx, ef.centre, first, e.ID))
		rows = append(rows, training.ScoreRow{EntryID: e.ID, Theory: sc(50), Practical: sc(50)})
	}
	_, err = s.EnterScores(ctx, ef.centre, first, ef.session(first).Version, rows)
	must(t, err)
	must(t, s.ApproveResults(ctx, ef.centre2, first, ef.session(first).Version))
	must(t, s.PublishResults(ctx, ef.centre, first, ef.session(first).Version))
	next := sessionIn("2026-05-15")
	next.Retake, next.EnrolmentIDs = true, ef.enrolments[:3]
	retake, err := s.ScheduleSession(ctx, ef.centre, appID, next)
	must(t, err)
	ef.setNow(time.Date(2026, 5, 15, 8, 0, 0, 0, repository.Shanghai))
	rows = nil
	for _, e := range ef.session(retake).Entries {
		must(t, s.CheckCandidate(ctx, ef.centre, retake, e.ID))
		rows = append(rows, training.ScoreRow{EntryID: e.ID, Theory: sc(80), Practical: sc(80)})
	}
	_, err = s.EnterScores(ctx, ef.centre2, retake, ef.session(retake).Version, rows)
	must(t, err)
	must(t, s.ApproveResults(ctx, ef.centre, retake, ef.session(retake).Version))
	must(t, s.PublishResults(ctx, ef.centre, retake, ef.session(retake).Version))
	var entries []int64
	for _, id := range []int64{first, retake} {
		for _, e := range ef.session(id).Entries {
			entries = append(entries, e.ID)
		}
	}

	// Classes for the roster: three approved, two waiting for approval,
	// one to cancel.
	ef.setNow(time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai))
	classes := []int64{ef.approvedClass(), ef.approvedClass(), ef.approvedClass()}
	waiting := []int64{ef.submitted(), ef.submitted()}
	cancel := ef.approvedClass()

	var ok, tries atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	run := func(f func() error) {
		tries.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				errs <- err
				return
			}
			ok.Add(1)
		}()
	}
	for i, id := range classes {
		for k := range 4 {
			run(func() error {
				_, err := s.AddTrainee(ctx, ef.school, id, traineeIn(300+10*i+k))
				return err
			})
		}
	}
	for _, id := range waiting {
		run(func() error {
			return s.StepClass(ctx, ef.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: ef.class(id).Version})
		})
	}
	run(func() error {
		return s.StepClass(ctx, ef.school, cancel, repository.ClassStep{Action: training.ActClassCancel, Version: ef.class(cancel).Version, Reason: "人数不足"})
	})
	for i, id := range entries {
		run(func() error {
			for k := range 5 {
				outcome := []string{"pass", "fail"}[(i+k)%2]
				if _, err := s.Pool().Exec(ctx, `UPDATE exam_entries SET outcome = $2 WHERE id = $1`, id, outcome); err != nil {
					return err
				}
			}
			return nil
		})
	}
	run(func() error {
		for _, st := range []string{"approved", "published", "approved", "published"} {
			if _, err := s.Pool().Exec(ctx, `UPDATE exam_sessions SET status = $2 WHERE id = $1`, retake, st); err != nil {
				return err
			}
		}
		return nil
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent change: %v", err)
	}
	if n, want := ok.Load(), tries.Load(); n != want {
		t.Fatalf("%d of %d concurrent changes succeeded", n, want)
	}
	if n := checkFiguresRecount(t, s, "after the concurrent changes"); n == 0 {
		t.Fatal("no figures kept")
	}
	checkStatistics(t, s, "after the concurrent changes", []training.Actor{ef.bureau, ef.centre}, []int{2026},
		[]int64{ef.school.InstitutionID})
}

// TestComplaintQueueTotals: the queue's page and total, for the whole
// queue and each status (totals kept in complaint_counts, migration 00102)
// and for the overdue and own filters (counted), equal what a count of
// the complaints gives, in the queue's order, on the first page and the
// second.
func TestComplaintQueueTotals(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	id := cf.approvedClass()
	filed := map[string]bool{}
	for i := range 7 {
		in := training.ComplaintInput{InstitutionID: itoa(cf.school.InstitutionID), ClassNo: cf.class(id).ClassNo,
			Body: fmt.Sprintf("第%d次投诉：培训只上了一半课时。", i+1), Phone: "13812345678"}
		no, err := s.FileComplaint(ctx, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		filed[no] = true
		cf.setNow(cf.now.AddDate(0, 0, 1))
	}
	all, _, err := s.ComplaintQueue(ctx, cf.bureau, training.ComplaintFilter{}, repository.Page{})
	must(t, err)
	// The demo holds complaints of its own (some already answered): the
	// steps below act on the seven this test filed.
	var q []training.Complaint
	for _, c := range all {
		if filed[c.TrackingNo] {
			q = append(q, c)
		}
	}
	if len(q) != len(filed) {
		t.Fatalf("the queue shows %d of the %d complaints filed", len(q), len(filed))
	}
	step := func(cid int64, act training.ComplaintAction, in training.ComplaintStepInput) {
		t.Helper()
		p, err := s.ComplaintByID(ctx, cf.bureau, cid)
		must(t, err)
		must(t, s.StepComplaint(ctx, cf.bureau, cid, p.Complaint.Version, act, in))
	}
	for _, c := range q[:4] {
		step(c.ID, training.ActComplaintAssign, training.ComplaintStepInput{AssigneeID: cf.bureau.UserID})
	}
	for _, c := range q[:2] {
		step(c.ID, training.ActComplaintAnswer, training.ComplaintStepInput{Text: "经核实，机构已补课。"})
	}
	step(q[0].ID, training.ActComplaintClose, training.ComplaintStepInput{Outcome: training.ComplaintUpheld})
	cf.setNow(time.Date(2026, 4, 20, 9, 0, 0, 0, repository.Shanghai))

	var kept, counted int
	must(t, s.Pool().QueryRow(ctx, `SELECT (SELECT sum(n) FROM complaint_counts), (SELECT count(*) FROM complaints)`).Scan(&kept, &counted))
	if kept != counted {
		t.Fatalf("complaint_counts %d, complaints %d", kept, counted)
	}
	for _, c := range []struct {
		f    training.ComplaintFilter
		cond string
	}{
		{training.ComplaintFilter{}, "true"},
		{training.ComplaintFilter{Status: training.ComplaintReceived}, "status = 'received'"},
		{training.ComplaintFilter{Status: training.ComplaintHandling}, "status = 'handling'"},
		{training.ComplaintFilter{Status: training.ComplaintAnswered}, "status = 'answered'"},
		{training.ComplaintFilter{Status: training.ComplaintClosed}, "status = 'closed'"},
		{training.ComplaintFilter{Overdue: true}, "status IN ('received', 'handling') AND due_date < '2026-04-20'"},
		{training.ComplaintFilter{Mine: true}, fmt.Sprintf("assignee_id = %d", cf.bureau.UserID)},
	} {
		rows, err := s.Pool().Query(ctx, `SELECT id FROM complaints WHERE `+c.cond+` ORDER BY due_date, id`)
		must(t, err)
		want, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		must(t, err)
		if len(want) == 0 && c.f != (training.ComplaintFilter{Mine: true}) {
			t.Errorf("%+v: no complaint matches: the case tests nothing", c.f)
		}
		for _, p := range []repository.Page{{Number: 1, Size: 2}, {Number: 2, Size: 2}} {
			list, total, err := s.ComplaintQueue(ctx, cf.bureau, c.f, p)
			must(t, err)
			var got []int64
			for _, x := range list {
				got = append(got, x.ID)
			}
			lo, hi := min(len(want), (p.Number-1)*2), min(len(want), p.Number*2)
			if lo == hi { // past the end: no rows, so no total either (as every list)
				if len(got) != 0 {
					t.Errorf("%+v page %d: %v past the end", c.f, p.Number, got)
				}
				continue
			}
			if total != len(want) || !reflect.DeepEqual(got, want[lo:hi]) {
				t.Errorf("%+v page %d: %v of %d, want %v of %d", c.f, p.Number, got, total, want[lo:hi], len(want))
			}
		}
	}
}

package repository_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// followupRecount is class_followup computed afresh from the answers, codes,
// records and classes (migration 00107's backfill).
const followupRecount = `SELECT c.id, c.institution_id, coalesce(c.occupation_id, 0), c.end_date, c.enrolled,
    c.status IN ('finished', 'assessment_applied', 'assessed', 'archived'),
    coalesce(sc.n, 0), coalesce(sa.n, 0), coalesce(sa.overall, 0), coalesce(sa.teaching, 0), coalesce(sa.venue, 0),
    coalesce(sa.organisation, 0), coalesce(sa.satisfied, 0),
    coalesce(r.rec3, 0), coalesce(r.emp3, 0), coalesce(r.chk3, 0), coalesce(r.dif3, 0),
    coalesce(r.rec6, 0), coalesce(r.emp6, 0), coalesce(r.chk6, 0), coalesce(r.dif6, 0)
FROM classes c
LEFT JOIN (SELECT class_id, count(*) AS n FROM survey_codes GROUP BY 1) sc ON sc.class_id = c.id
LEFT JOIN (SELECT class_id, count(*) AS n, sum(overall) AS overall, sum(teaching) AS teaching, sum(venue) AS venue,
        sum(organisation) AS organisation, count(*) FILTER (WHERE overall >= 4) AS satisfied
    FROM survey_answers GROUP BY 1) sa ON sa.class_id = c.id
LEFT JOIN (SELECT r.class_id,
        count(*) FILTER (WHERE r.months = 3) AS rec3, count(*) FILTER (WHERE r.months = 3 AND r.employed) AS emp3,
        count(*) FILTER (WHERE r.months = 3 AND r.check_result IS NOT NULL) AS chk3,
        count(*) FILTER (WHERE r.months = 3 AND r.check_result = 'differs') AS dif3,
        count(*) FILTER (WHERE r.months = 6) AS rec6, count(*) FILTER (WHERE r.months = 6 AND r.employed) AS emp6,
        count(*) FILTER (WHERE r.months = 6 AND r.check_result IS NOT NULL) AS chk6,
        count(*) FILTER (WHERE r.months = 6 AND r.check_result = 'differs') AS dif6
    FROM employment_records r JOIN enrolments e ON e.id = r.enrolment_id AND e.status = 'enrolled' GROUP BY 1) r ON r.class_id = c.id
WHERE c.status IN ('finished', 'assessment_applied', 'assessed', 'archived')
    OR sc.class_id IS NOT NULL OR sa.class_id IS NOT NULL OR r.class_id IS NOT NULL`

// followupKept is the kept rows, leaving out those that count nothing for a
// class not over (as good as no row).
const followupKept = `SELECT class_id, institution_id, occupation_id, end_date, enrolled, done, codes, answers, overall, teaching,
    venue, organisation, satisfied, rec3, emp3, chk3, dif3, rec6, emp6, chk6, dif6
FROM class_followup
WHERE done OR (codes, answers, overall, teaching, venue, organisation, satisfied, rec3, emp3, chk3, dif3, rec6, emp6, chk6, dif6)
    <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)`

// checkFollowup fails when the kept figures differ from a recount.
func checkFollowup(t *testing.T, cf *classFixture, step string) {
	t.Helper()
	rows, err := cf.s.Pool().Query(cf.ctx, `(`+followupRecount+` EXCEPT `+followupKept+`) UNION ALL (`+followupKept+` EXCEPT `+followupRecount+`)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var diff []string
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		diff = append(diff, fmt.Sprint(v))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(diff) > 0 {
		t.Fatalf("%s: kept follow-up figures differ from a recount:\n%v", step, diff)
	}
	// The sums per institution and year kept from them (migrations 00116,
	// 00118; the employment columns over the classes done with a roster).
	var n int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT count(*) FROM (SELECT institution_id, coalesce(extract(year FROM end_date)::int, 0) AS year,
			sum(codes) AS codes, sum(answers) AS answers, sum(overall) AS overall, sum(teaching) AS teaching, sum(venue) AS venue,
			sum(organisation) AS organisation, sum(satisfied) AS satisfied,
			sum(enrolled) FILTER (WHERE done AND enrolled > 0) AS enrolled,
			sum(rec3) FILTER (WHERE done AND enrolled > 0) AS rec3, sum(emp3) FILTER (WHERE done AND enrolled > 0) AS emp3,
			sum(chk3) FILTER (WHERE done AND enrolled > 0) AS chk3, sum(dif3) FILTER (WHERE done AND enrolled > 0) AS dif3,
			sum(rec6) FILTER (WHERE done AND enrolled > 0) AS rec6, sum(emp6) FILTER (WHERE done AND enrolled > 0) AS emp6,
			sum(chk6) FILTER (WHERE done AND enrolled > 0) AS chk6, sum(dif6) FILTER (WHERE done AND enrolled > 0) AS dif6
			FROM class_followup GROUP BY 1, 2) c
		FULL JOIN institution_followup_figures f USING (institution_id, year)
		WHERE (coalesce(c.codes, 0), coalesce(c.answers, 0), coalesce(c.overall, 0), coalesce(c.teaching, 0), coalesce(c.venue, 0),
			coalesce(c.organisation, 0), coalesce(c.satisfied, 0), coalesce(c.enrolled, 0), coalesce(c.rec3, 0), coalesce(c.emp3, 0),
			coalesce(c.chk3, 0), coalesce(c.dif3, 0), coalesce(c.rec6, 0), coalesce(c.emp6, 0), coalesce(c.chk6, 0), coalesce(c.dif6, 0))
		IS DISTINCT FROM (coalesce(f.codes, 0), coalesce(f.answers, 0), coalesce(f.overall, 0), coalesce(f.teaching, 0),
			coalesce(f.venue, 0), coalesce(f.organisation, 0), coalesce(f.satisfied, 0), coalesce(f.enrolled, 0), coalesce(f.rec3, 0),
			coalesce(f.emp3, 0), coalesce(f.chk3, 0), coalesce(f.dif3, 0), coalesce(f.rec6, 0), coalesce(f.emp6, 0), coalesce(f.chk6, 0),
			coalesce(f.dif6, 0))`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%s: %d institution-years whose kept sums differ from class_followup", step, n)
	}
}

// TestFollowupFigures checks the per-class survey and employment figures
// (class_followup, kept by triggers) against a recount after answers,
// records, checks, changes, deletions and a withdrawal, with concurrent
// writers, and the reports and the anonymity threshold read from them.
func TestFollowupFigures(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx, db := cf.s, cf.ctx, cf.s.Pool()
	checkFollowup(t, cf, "backfill")
	id, e := cf.finishedClass(8)
	checkFollowup(t, cf, "finished")
	p, err := s.ClassSurvey(ctx, cf.school, id)
	if err != nil || len(p.Slips) != 8 {
		t.Fatalf("slips %d %v", len(p.Slips), err)
	}

	// Sixteen answers at once, two per code: one per code succeeds.
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := fmt.Sprint(i%5 + 1)
			if s.AnswerSurvey(ctx, training.SurveyInput{Code: p.Slips[i%4].Code, Overall: v, Teaching: "4", Venue: "3", Organisation: v}) == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 4 {
		t.Fatalf("%d answers of 4 codes succeeded", ok.Load())
	}
	checkFollowup(t, cf, "four answers")
	// Four answers: the institution still sees no figures; the bureau does.
	if p, err := s.ClassSurvey(ctx, cf.school, id); err != nil || p.Visible || p.Stats.Answers != 4 || p.Stats.Overall != 0 {
		t.Fatalf("institution at 4 answers: %+v %v", p.Stats, err)
	}
	if b, err := s.ClassSurvey(ctx, cf.bureau, id); err != nil || !b.Visible {
		t.Fatalf("bureau at 4 answers: %+v %v", b.Stats, err)
	}
	for _, sl := range p.Slips[4:] {
		must(t, s.AnswerSurvey(ctx, training.SurveyInput{Code: sl.Code, Overall: "5", Teaching: "5", Venue: "5", Organisation: "2"}))
	}
	checkFollowup(t, cf, "eight answers")
	if p, err := s.ClassSurvey(ctx, cf.school, id); err != nil || !p.Visible || p.Stats.Answers != 8 {
		t.Fatalf("institution at 8 answers: %+v %v", p.Stats, err)
	}
	// Changed and deleted answers (no page does either; the figures follow
	// whatever writes).
	if _, err := db.Exec(ctx, `UPDATE survey_answers SET overall = 1, venue = 5 WHERE class_id = $1 AND enrolment_id IN ($2, $3)`,
		id, p.Slips[4].EnrolmentID, p.Slips[5].EnrolmentID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM survey_answers WHERE enrolment_id = $1`, p.Slips[6].EnrolmentID); err != nil {
		t.Fatal(err)
	}
	checkFollowup(t, cf, "changed and deleted answers")

	// The report reads the kept figures: the same as the answers' averages.
	var want training.SurveyStats
	if err := db.QueryRow(ctx, `SELECT count(*), round(avg(overall) * 10)::int, round(avg(teaching) * 10)::int,
			round(avg(venue) * 10)::int, round(avg(organisation) * 10)::int, count(*) FILTER (WHERE overall >= 4)
		FROM survey_answers WHERE class_id = $1`, id).Scan(&want.Answers, &want.Overall, &want.Teaching, &want.Venue,
		&want.Organisation, &want.Satisfied); err != nil {
		t.Fatal(err)
	}
	for _, by := range []repository.SurveyGroup{repository.SurveyByClass, repository.SurveyByYear} {
		rep, total, err := s.SurveyReport(ctx, cf.bureau, by, 2026, repository.Page{})
		if err != nil || total == 0 {
			t.Fatalf("survey report by %s: %d %v", by, total, err)
		}
		if by != repository.SurveyByClass {
			continue
		}
		found := false
		for _, r := range rep {
			if r.KeyID == id {
				found = true
				if r.Codes != 8 || r.Answers != want.Answers || r.Overall != want.Overall || r.Teaching != want.Teaching ||
					r.Venue != want.Venue || r.Organisation != want.Organisation || r.Satisfied != want.Satisfied {
					t.Fatalf("report row %+v, want %+v", r, want)
				}
			}
		}
		if !found {
			t.Fatalf("class %d not in the report %+v", id, rep)
		}
	}

	// By institution the report reads the kept sums per institution and
	// year (migration 00116): the same rows as grouping the classes.
	for _, year := range []int{0, 2026, 2025} {
		rep, total, err := s.SurveyReport(ctx, cf.bureau, repository.SurveyByInstitution, year, repository.Page{Size: 200})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(ctx, `SELECT institution_id, sum(codes)::int, sum(answers)::int,
				coalesce(round(sum(overall)::numeric / nullif(sum(answers), 0) * 10), 0)::int, sum(satisfied)::int
			FROM class_followup WHERE codes > 0 AND ($1 = 0 OR (end_date >= make_date($1, 1, 1) AND end_date < make_date($1 + 1, 1, 1)))
			GROUP BY 1 ORDER BY sum(answers) = 0, 4, 1`, year)
		if err != nil {
			t.Fatal(err)
		}
		type inst struct{ id, codes, answers, overall, satisfied int }
		wantRows, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (inst, error) {
			var x inst
			return x, r.Scan(&x.id, &x.codes, &x.answers, &x.overall, &x.satisfied)
		})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(wantRows) || len(rep) != len(wantRows) {
			t.Fatalf("by institution, %d: total %d, %d rows; grouping the classes gives %d", year, total, len(rep), len(wantRows))
		}
		for i, w := range wantRows {
			r := rep[i]
			if int(r.KeyID) != w.id || r.Codes != w.codes || r.Answers != w.answers || r.Overall != w.overall || r.Satisfied != w.satisfied {
				t.Fatalf("by institution, %d, row %d: %+v, want %+v", year, i, r, w)
			}
		}
		if year == 2026 && total == 0 {
			t.Fatal("no institution in the 2026 report: nothing compared")
		}
	}

	// Employment at 3 months: two imports of the same trainees at once,
	// one succeeds (the other finds them recorded).
	cf.setNow(time.Date(2026, 6, 21, 9, 0, 0, 0, repository.Shanghai))
	var in []training.EmploymentInput
	for i := range 6 {
		x := training.EmploymentInput{Line: i + 2, IDNumber: traineeIn(i + 1).IDNumber, Employed: "否"}
		if i%2 == 0 {
			x.Employed, x.Employer, x.StartDate = "是", "某酒店", "2026-05-01"
		}
		in = append(in, x)
	}
	ok.Store(0)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n, _, err := s.RecordEmployment(ctx, cf.school, id, 3, in); err == nil && n == 6 {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d of 4 identical imports succeeded", ok.Load())
	}
	checkFollowup(t, cf, "import")
	if n, _, err := s.RecordEmployment(ctx, cf.school, id, 3, []training.EmploymentInput{{EnrolmentID: e[6], Employed: "1",
		SelfEmployed: "1", StartDate: "2026-04-01"}}); err != nil || n != 1 {
		t.Fatalf("record one: %d %v", n, err)
	}
	checkFollowup(t, cf, "one record")
	// Spot checks: two checkers of one record at once, one wins.
	sample, err := s.DrawSpotCheckSample(ctx, cf.bureau, 50)
	if err != nil {
		t.Fatal(err)
	}
	// Fewer than 50 unchecked records exist: wherever the draw starts, it
	// wraps round and returns every one of them.
	var unchecked int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM employment_records WHERE check_result IS NULL`).Scan(&unchecked); err != nil {
		t.Fatal(err)
	}
	if unchecked >= 50 || len(sample) != unchecked {
		t.Fatalf("sample of %d records, %d unchecked", len(sample), unchecked)
	}
	var mine []training.SpotCheckRow
	for _, x := range sample {
		if x.ClassNo == cf.class(id).ClassNo {
			mine = append(mine, x)
		}
	}
	if len(mine) < 2 {
		t.Fatalf("sample holds %d of the class's records", len(mine))
	}
	ok.Store(0)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := training.SpotCheckInput{Result: "confirmed"}
			if i%2 == 1 {
				in = training.SpotCheckInput{Result: "differs", Note: "电话核实未就业"}
			}
			err := s.SpotCheck(ctx, cf.bureau, mine[0].ID, mine[0].Version, in)
			if err == nil {
				ok.Add(1)
			} else if !errors.Is(err, training.ErrConflict) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d of 4 checks of one record succeeded", ok.Load())
	}
	must(t, s.SpotCheck(ctx, cf.bureau, mine[1].ID, mine[1].Version, training.SpotCheckInput{Result: "differs", Note: "已离职"}))
	checkFollowup(t, cf, "spot checks")
	// A changed record, a deleted one, a withdrawn trainee with a record.
	if _, err := db.Exec(ctx, `UPDATE employment_records SET employed = false, employer = '', start_date = NULL, self_employed = false
		WHERE class_id = $1 AND enrolment_id = $2`, id, e[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM employment_records WHERE class_id = $1 AND enrolment_id = $2`, id, e[1]); err != nil {
		t.Fatal(err)
	}
	checkFollowup(t, cf, "changed and deleted records")
	if _, err := db.Exec(ctx, `UPDATE enrolments SET status = 'withdrawn', withdrawn_reason = '测试', withdrawn_at = now() WHERE id = $1`, e[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE classes SET enrolled = enrolled - 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	checkFollowup(t, cf, "withdrawal")

	var wantE training.EmploymentStats
	if err := db.QueryRow(ctx, `SELECT count(e.id), count(r.id), count(*) FILTER (WHERE r.employed), count(r.check_result),
			count(*) FILTER (WHERE r.check_result = 'differs')
		FROM enrolments e LEFT JOIN employment_records r ON r.enrolment_id = e.id AND r.months = 3
		WHERE e.class_id = $1 AND e.status = 'enrolled'`, id).Scan(&wantE.Enrolled, &wantE.Recorded, &wantE.Employed,
		&wantE.Checked, &wantE.Differs); err != nil {
		t.Fatal(err)
	}
	rep, total, err := s.EmploymentReport(ctx, cf.bureau, repository.EmploymentByClass, 3, 2026, repository.Page{Size: 200})
	if err != nil || total == 0 {
		t.Fatalf("employment report: %d %v", total, err)
	}
	found := false
	for _, r := range rep {
		if r.KeyID == id {
			found = true
			if r.Enrolled != wantE.Enrolled || r.Recorded != wantE.Recorded || r.Employed != wantE.Employed ||
				r.Checked != wantE.Checked || r.Differs != wantE.Differs {
				t.Fatalf("report row %+v, want %+v", r, wantE)
			}
		}
	}
	if !found {
		t.Fatalf("class %d not in the employment report", id)
	}
	// By class the page walks an index (migration 00114): most missing
	// first, then by class, and the total counts every class due.
	for i := 1; i < len(rep); i++ {
		a, b := rep[i-1], rep[i]
		if a.Enrolled-a.Recorded < b.Enrolled-b.Recorded || (a.Enrolled-a.Recorded == b.Enrolled-b.Recorded && a.KeyID > b.KeyID) {
			t.Fatalf("by class out of order: %+v before %+v", a, b)
		}
	}
	var due int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM class_followup WHERE done AND enrolled > 0
		AND end_date <= ($1::date - interval '3 months')::date AND end_date >= '2026-01-01' AND end_date < '2027-01-01'`, s.Today()).Scan(&due); err != nil {
		t.Fatal(err)
	}
	if total != due || len(rep) != min(due, 200) {
		t.Fatalf("by class: total %d, %d rows, want %d classes due", total, len(rep), due)
	}
	checkEmploymentByInstitution(t, ctx, db, cf.bureau)
	for _, by := range []repository.EmploymentGroup{repository.EmploymentByInstitution, repository.EmploymentByOccupation, repository.EmploymentByYear} {
		if _, _, err := s.EmploymentReport(ctx, cf.bureau, by, 6, 0, repository.Page{}); err != nil {
			t.Fatalf("employment report by %s: %v", by, err)
		}
	}
}

// checkEmploymentByInstitution: the report by institution, read from the
// sums kept per institution and year less the classes not due yet
// (migration 00118), is what grouping every class due gives, whatever
// the day (the limit in the year of today, in the year before, at the end
// of a month), the months and the year asked for.
func checkEmploymentByInstitution(t *testing.T, ctx context.Context, db *pgxpool.Pool, bureau training.Actor) {
	t.Helper()
	compared := 0
	for _, today := range []string{"2026-03-02", "2026-07-15", "2026-05-31", "2026-12-31", "2027-02-10", "2027-08-31"} {
		day, err := time.ParseInLocation(time.DateOnly, today, repository.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		s := repository.New(db, func() time.Time { return day.Add(10 * time.Hour) })
		for _, months := range []int{3, 6} {
			for _, year := range []int{0, 2025, 2026, 2027} {
				rep, total, err := s.EmploymentReport(ctx, bureau, repository.EmploymentByInstitution, months, year, repository.Page{Size: 200})
				if err != nil {
					t.Fatal(err)
				}
				rows, err := db.Query(ctx, `SELECT institution_id, sum(enrolled)::int, sum(rec`+strconv.Itoa(months)+`)::int,
						sum(emp`+strconv.Itoa(months)+`)::int, sum(chk`+strconv.Itoa(months)+`)::int, sum(dif`+strconv.Itoa(months)+`)::int
					FROM class_followup WHERE done AND enrolled > 0 AND end_date <= ($1::date - make_interval(months => $2))::date
					AND ($3 = 0 OR (end_date >= make_date($3, 1, 1) AND end_date < make_date($3 + 1, 1, 1)))
					GROUP BY 1 ORDER BY sum(enrolled) - sum(rec`+strconv.Itoa(months)+`) DESC, 1`, today, months, year)
				if err != nil {
					t.Fatal(err)
				}
				want, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (training.EmploymentStats, error) {
					st := training.EmploymentStats{Months: months}
					return st, r.Scan(&st.KeyID, &st.Enrolled, &st.Recorded, &st.Employed, &st.Checked, &st.Differs)
				})
				if err != nil {
					t.Fatal(err)
				}
				if total != len(want) || len(rep) != len(want) {
					t.Fatalf("%s, %d months, %d: total %d, %d rows; grouping the classes gives %d", today, months, year, total, len(rep), len(want))
				}
				compared += len(want)
				for i, w := range want {
					r := rep[i]
					r.Key = ""
					if r != w {
						t.Fatalf("%s, %d months, %d: row %d %+v, want %+v", today, months, year, i, r, w)
					}
				}
			}
		}
	}
	if compared == 0 {
		t.Fatal("no institution due a record on any day: the report by institution was not compared")
	}
}

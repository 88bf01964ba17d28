package repository_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestEvaluationHandComputed runs the 2027 evaluation (the demo publishes
// the year of its story, 2026) on the demo data plus
// four institutions whose figures are worked out by hand:
//
//	甲: 4 trainees, 3 passed → 75.00 %; no employment records and no
//	    surveys (missing data: the pass rate carries the whole weight) →
//	    base 75.00; one finding (−2) and one overdue order (−5) → 68.00,
//	    基本合格 (60 ≤ 68 < 70), suggestion 警告.
//	乙, 丙: 4 trainees, 3 passed, nothing else → 75.00, 合格, tied: the same
//	    rank, ahead of 甲.
//	丁: designated, no class: 数据不足, no score, no rank, suggestion 警告.
func TestEvaluationHandComputed(t *testing.T) {
	f := newFixture(t)
	s := repository.New(f.s.Pool(), func() time.Time { return time.Date(2027, 11, 2, 9, 0, 0, 0, repository.Shanghai) })
	a := designated(t, s, "考评甲", "52330185MJ8899001")
	b := designated(t, s, "考评乙", "52330185MJ8899002")
	c := designated(t, s, "考评丙", "52330185MJ8899003")
	dd := designated(t, s, "考评丁", "52330185MJ8899004")
	for i, inst := range []int64{a, b, c} {
		var p demo.Passes
		err := pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
			var err error
			p, err = demo.SeedPasses(ctx, tx, demo.PassSpec{InstitutionID: inst, Occupation: "4-03-02-01", Level: training.Level4,
				Type: training.TypeSkillLevel, Classes: 1, PerClass: 4, Start: d("2027-03-09"), CertDate: d("2027-04-20"),
				Tag: "9900" + string(rune('1'+i))})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pool().Exec(ctx, `UPDATE exam_entries SET outcome = 'fail' WHERE enrolment_id = $1`, p.Enrolments[0][0]); err != nil {
			t.Fatal(err)
		}
	}
	_, finding := inspectWithFinding(t, s, a)
	order, err := s.OrderRectification(ctx, bureau, finding, training.OrderInput{WorkingDays: "5", Requirement: "补足课时"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE rectification_orders SET overdue_since = '2027-11-01' WHERE id = $1`, order); err != nil {
		t.Fatal(err)
	}
	set := training.EvalSettingsInput{Year: "2027", WPass: "40", WEmployment: "35", WSatisfaction: "25", DComplaint: "3",
		DFinding: "2", DOverdue: "5", DShortfall: "2", DRecovered: "5", Excellent: "85", Pass: "70", Basic: "60"}
	if _, err := s.SaveEvaluationSettings(ctx, bureau, set); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ { // a draft year re-runs to the same result
		if _, err := s.RunEvaluation(ctx, 2027); err != nil {
			t.Fatal(err)
		}
	}
	var designatedCount int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM institutions WHERE status IN ('designated', 'suspended')`).Scan(&designatedCount); err != nil {
		t.Fatal(err)
	}
	page, err := s.EvaluationPage(ctx, bureau, 2027, repository.Page{Number: 1, Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	if page.Settings.Status != training.EvalComputed || page.Settings.Total != designatedCount || page.Settings.Done != designatedCount ||
		len(page.Rows) != designatedCount {
		t.Fatalf("settings %+v, %d rows, %d designated", page.Settings, len(page.Rows), designatedCount)
	}
	rows := map[int64]training.EvalRow{}
	scored := 0
	for _, r := range page.Rows {
		rows[r.InstitutionID] = r
		if r.Score != nil {
			scored++
		}
	}
	ra, rb, rc, rd := rows[a], rows[b], rows[c], rows[dd]
	wantIn := training.EvalInputs{Enrolled: 4, Passed: 3}
	if rb.Inputs != wantIn || rc.Inputs != wantIn {
		t.Fatalf("乙 %+v 丙 %+v", rb.Inputs, rc.Inputs)
	}
	if want := (training.EvalInputs{Enrolled: 4, Passed: 3, Findings: 1, Overdue: 1}); ra.Inputs != want {
		t.Fatalf("甲 inputs %+v", ra.Inputs)
	}
	if ra.Base == nil || *ra.Base != 7500 || ra.Deductions != 700 || ra.Score == nil || *ra.Score != 6800 ||
		ra.Grade != training.GradeBasic || ra.Suggestion != training.OutcomeWarn {
		t.Fatalf("甲 %+v", ra)
	}
	if rb.Score == nil || *rb.Score != 7500 || rb.Grade != training.GradePass || rb.Suggestion != training.OutcomeContinue {
		t.Fatalf("乙 %+v", rb)
	}
	if rb.Rank == 0 || rb.Rank != rc.Rank || ra.Rank <= rb.Rank {
		t.Fatalf("ranks 甲 %d 乙 %d 丙 %d", ra.Rank, rb.Rank, rc.Rank)
	}
	if rd.Score != nil || rd.Rank != 0 || rd.Grade != training.GradeNoData || rd.Suggestion != training.OutcomeWarn || rd.Inputs != (training.EvalInputs{}) {
		t.Fatalf("丁 %+v", rd)
	}
	// The outcome is a person's decision, recorded; then published, frozen.
	if err := s.RecordOutcome(ctx, bureau, 2027, a, training.OutcomeWarn, "限期提高合格率"); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishEvaluation(ctx, bureau, 2027); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunEvaluation(ctx, 2027); err == nil {
		t.Fatal("a published year was re-run")
	}
	if err := s.StartEvaluation(ctx, bureau, 2027); err == nil {
		t.Fatal("a published year was started")
	}
	if _, err := s.SaveEvaluationSettings(ctx, bureau, set); err == nil {
		t.Fatal("a published year's settings changed")
	}
	// The institution sees its own scorecard, another's is 404; the public
	// list shows the published grade.
	staff := training.Actor{Name: "甲校", Role: training.RoleInstitution, InstitutionID: a}
	sc, err := s.Scorecard(ctx, staff, a)
	if err != nil || len(sc.Years) != 1 || sc.Years[0].Outcome != training.OutcomeWarn || sc.Years[0].Of != scored {
		t.Fatalf("scorecard %+v %v", sc, err)
	}
	if _, err := s.Scorecard(ctx, staff, b); err == nil {
		t.Fatal("another institution's scorecard")
	}
	pub, _, err := s.PublicInstitutions(ctx, repository.Page{Number: 1, Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range pub {
		if p.ID == a {
			found = p.Grade == training.GradeBasic && p.GradeYear == 2027
		}
	}
	if !found {
		t.Fatal("甲 not listed with its grade")
	}
}

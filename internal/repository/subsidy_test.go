package repository_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestSubsidySeed: the Hangzhou figures are in the migration.
func TestSubsidySeed(t *testing.T) {
	s := repository.New(dbtest.Pool(t), nil)
	tb, err := s.SubsidyTables(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cert := d("2026-03-10")
	for l, want := range map[training.Level]int64{training.Level5: 100000, training.Level4: 150000, training.Level3: 200000,
		training.Level2: 250000, training.Level1: 300000} {
		for _, ct := range []training.ClassType{training.TypeQualification, training.TypeSkillLevel} {
			if st, ok := tb.PickStandard(ct, l, 1, cert); !ok || st.Amount != want || st.SourceDoc != "杭人社发〔2020〕43号" {
				t.Errorf("%s %s: %+v %v", ct, l.Short(), st, ok)
			}
		}
	}
	if st, ok := tb.PickStandard(training.TypeStartup, training.LevelNone, 1, cert); !ok || st.Amount != 100000 || !strings.Contains(st.Note, "演示") {
		t.Errorf("start-up demo figure: %+v %v", st, ok)
	}
	if r, ok := tb.PickRate(training.GroupEmployee, training.Level3, false, cert); !ok || r.Percent != 80 {
		t.Errorf("企业职工 三级: %+v", r)
	}
	if _, ok := tb.PickRate(training.GroupOther, training.Level3, false, cert); ok {
		t.Error("其他 eligible")
	}
	if th, ok := tb.PickThreshold(cert); !ok || th.Percent != 80 {
		t.Errorf("threshold %+v", th)
	}
	if len(tb.Shortage) == 0 {
		t.Error("no shortage occupations seeded")
	}
}

// TestAddAndEndFigures: a new standard closes the open one the day before
// it starts; an overlap is refused by the rule and, without the rule, by
// the exclusion constraint; only the bureau changes figures; every change
// is audited.
func TestAddAndEndFigures(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	in := training.FigureInput{Kind: training.FigureStandard, Type: "skill_level", Level: "4", Amount: "1800",
		From: "2026-07-01", SourceDoc: "杭人社发〔2026〕9号"}
	if _, err := s.AddFigure(ctx, cf.school, in); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution changed a standard: %v", err)
	}
	id, err := s.AddFigure(ctx, cf.bureau, in)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := s.SubsidyTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := tb.PickStandard(training.TypeSkillLevel, training.Level4, 1, d("2026-06-30")); st.Amount != 150000 || st.Period.To == nil ||
		!st.Period.To.Equal(d("2026-06-30")) {
		t.Fatalf("old standard on its last day: %+v", st)
	}
	if st, _ := tb.PickStandard(training.TypeSkillLevel, training.Level4, 1, d("2026-07-01")); st.ID != id || st.Amount != 180000 {
		t.Fatalf("new standard: %+v", st)
	}
	// The same start again: refused, with the article.
	_, err = s.AddFigure(ctx, cf.bureau, in)
	wantRule(t, err, "第十二条：与已有的补贴标准")
	// The constraint backs it.
	_, err = s.Pool().Exec(ctx, `INSERT INTO subsidy_standards (class_type, level, amount, valid_from, source_doc, created_by, created_at)
		VALUES ('skill_level', 4, 1, '2026-08-01', 'x', 'x', now())`)
	if err == nil || !strings.Contains(err.Error(), "subsidy_standards_no_overlap") {
		t.Fatalf("overlap by SQL: %v", err)
	}
	// An occupation override is its own key.
	ov := training.FigureInput{Kind: training.FigureStandard, Type: "skill_level", Level: "4", Amount: "2200",
		OccupationID: strconv.FormatInt(cf.occupation("4-10-01-05"), 10), From: "2026-01-01", SourceDoc: "临人社〔2026〕1号"}
	if _, err := s.AddFigure(ctx, cf.bureau, ov); err != nil {
		t.Fatalf("override: %v", err)
	}
	// End a figure; ending it twice is refused.
	if err := s.EndFigure(ctx, cf.bureau, training.FigureStandard, id, "2027-12-31"); err != nil {
		t.Fatal(err)
	}
	err = s.EndFigure(ctx, cf.bureau, training.FigureStandard, id, "2028-12-31")
	wantRule(t, err, "该标准已有截止日期")
	// A threshold and a shortage occupation.
	if _, err := s.AddFigure(ctx, cf.bureau, training.FigureInput{Kind: training.FigureThreshold, Percent: "85", From: "2027-01-01", SourceDoc: "通知"}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action IN ('subsidy.figure_add', 'subsidy.figure_end')`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("audit rows %d %v", n, err)
	}
}

// TestInstitutionStatusLog: the trigger records designation on its
// decision date and later changes on their day, so "designated on the
// class's start date" can be answered for any date.
func TestInstitutionStatusLog(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	inst := cf.school.InstitutionID
	statusOn := func(day string) string {
		t.Helper()
		var st string
		err := s.Pool().QueryRow(ctx, `SELECT coalesce((SELECT status FROM institution_status_log WHERE institution_id = $1 AND effective <= $2
			ORDER BY effective DESC, id DESC LIMIT 1), 'none')`, inst, d(day)).Scan(&st)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	var decided time.Time
	if err := s.Pool().QueryRow(ctx, `SELECT decision_date FROM institutions WHERE id = $1`, inst).Scan(&decided); err != nil {
		t.Fatal(err)
	}
	if got := statusOn(decided.Format("2006-01-02")); got != "designated" {
		t.Fatalf("on the decision date: %s", got)
	}
	if got := statusOn(decided.AddDate(0, 0, -1).Format("2006-01-02")); got != "none" {
		t.Fatalf("before the decision date: %s", got)
	}
	cf.setNow(time.Date(2026, 3, 20, 10, 0, 0, 0, repository.Shanghai))
	var v int
	if err := s.Pool().QueryRow(ctx, `SELECT version FROM institutions WHERE id = $1`, inst).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeInstitutionStatus(ctx, cf.bureau, inst, v, training.StatusChangeInput{Action: training.ActSuspend, Reason: "检查整改"}); err != nil {
		t.Fatal(err)
	}
	if got := statusOn("2026-03-19"); got != "designated" {
		t.Fatalf("the day before the suspension: %s", got)
	}
	if got := statusOn("2026-03-20"); got != "suspended" {
		t.Fatalf("on the suspension day: %s", got)
	}
}

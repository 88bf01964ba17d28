package demo

import (
	"context"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/password"
	"tianmu/internal/repository"
)

// TestLoadScalePublic: the scale set has ten complaints per institution
// (most forwarded, some overdue), survey codes and answers for finished
// classes, and employment records with some missing; every CHECK held
// (the load would have failed).
func TestLoadScalePublic(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	sc := Scale{Institutions: 30, Users: 300, Teachers: 200, Textbooks: 20, Classes: 600, Enrolments: 8000, Now: now,
		Hash: password.Params{Memory: 64, Time: 1, Threads: 1}}
	if err := LoadScale(ctx, pool, sc, nil); err != nil {
		t.Fatal(err)
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM complaints`); n != sc.Institutions*10 {
		t.Errorf("complaints: %d", n)
	}
	if n := count(`SELECT count(*) FROM complaints WHERE status IN ('received', 'handling') AND due_date < $1::date`, now); n == 0 {
		t.Error("no overdue complaint")
	}
	if n := count(`SELECT count(DISTINCT institution_id) FROM complaints WHERE forwarded_at IS NOT NULL`); n < 20 {
		t.Errorf("forwarded complaints at only %d institutions", n)
	}
	codes, answers := count(`SELECT count(*) FROM survey_codes`), count(`SELECT count(*) FROM survey_answers`)
	if codes == 0 || answers < codes/4 || answers > codes/2 {
		t.Errorf("survey codes %d, answers %d", codes, answers)
	}
	if n := count(`SELECT count(*) FROM employment_records`); n == 0 {
		t.Error("no employment records")
	}
}

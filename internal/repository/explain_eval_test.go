package repository_test

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// evaluationCases are the annual evaluation's reads of
// TestListQueriesUseIndexes (issue 13): the ranking in its default order
// (by evaluation_scores_ranking_idx, then institutions by key) and sorted
// by pass rate and by score, the whole-year export (all of the year's
// institutions, read whole), the scorecard of the
// institution with the most evaluated years, and the evaluation's input
// statement (EvalInputsSQL, recorded without running it).
//
// The input statement reads a whole year of every institution: about a
// quarter of the filings and of the enrolments with their exam entries,
// employment records and surveys, and the year's closed complaints. For
// those tables a sequential scan with
// hash joins is the right plan, and the test allows it (measured on the
// province-scale data set, 2025: the planner's plan 34 s, the same
// statement with sequential scans disabled 43 s, both on the shared
// two-core machine under a load average of 30; the whole run measured
// 2.7 s on a quiet machine). Institutions and the small per-institution
// tables stay on their indexes.
func evaluationCases(ctx context.Context, db *pgxpool.Pool, s *repository.Store, rec *sqlRecorder, bureau training.Actor) ([]listCase, error) {
	var year int
	var inst int64
	if err := db.QueryRow(ctx, `SELECT coalesce(max(year), 0) FROM evaluation_years`).Scan(&year); err != nil {
		return nil, err
	}
	if err := db.QueryRow(ctx, `SELECT coalesce((SELECT institution_id FROM evaluation_scores GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1),
		(SELECT min(id) FROM institutions))`).Scan(&inst); err != nil {
		return nil, err
	}
	inputsYear := year
	if inputsYear == 0 {
		inputsYear = time.Now().Year() - 1
	}
	from := time.Date(inputsYear, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []listCase{
		{name: "evaluation scorecard", call: func() error { _, err := s.Scorecard(ctx, bureau, inst); return err }},
		{name: "evaluation inputs", allow: "classes,enrolments,exam_entries,employment_records,survey_answers,class_delivery,complaints",
			call: func() error {
				rec.mu.Lock()
				rec.list = append(rec.list, recordedSQL{repository.EvalInputsSQL, []any{inputsYear, from, from.AddDate(1, 0, 0)}})
				rec.mu.Unlock()
				return nil
			}},
	}
	if year == 0 {
		return cases, nil
	}
	for _, p := range []repository.Page{{Number: 1, Size: 50}, {Number: 2, Size: 50, Sort: "pass", Desc: true},
		{Number: 1, Size: 50, Sort: "score", Desc: true}, {Number: 1, Size: 50, Sort: "employment"},
		{Number: 1, Size: 50, Sort: "satisfaction", Desc: true}, {Number: 1, Size: 50, Sort: "deductions", Desc: true},
		{Number: 1, Size: 50, Sort: "name"}} {
		allow := ""
		if p.Sort == "name" {
			allow = "institutions" // sorting by name reads the year's names
		}
		cases = append(cases, listCase{name: "evaluation ranking " + p.Sort, allow: allow, call: func() error {
			_, err := s.EvaluationPage(ctx, bureau, year, p)
			return err
		}})
	}
	// The export is every institution of the year: institutions are read
	// whole, as they should be.
	cases = append(cases, listCase{name: "evaluation export", allow: "institutions", call: func() error {
		return s.EvaluationExport(ctx, bureau, year, repository.Page{Sort: "score", Desc: true}, func(training.EvalRow) error { return nil })
	}})
	return cases, nil
}

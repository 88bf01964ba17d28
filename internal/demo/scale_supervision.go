package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/repository"
)

// The scale data of issue 13, set-based: an inspection of every other
// designated institution over the past year against the checklist, a
// finding (attendance records incomplete) at every third, with a small PDF
// as evidence at every fifth; a rectification order per finding, half of
// them answered with a file, some accepted; and the previous year's
// evaluation settings, run after the load (ScaleEvaluation) so the ranking
// and the scorecards have a computed year.
func init() {
	scaleLoaders = append(scaleLoaders, scaleLoader{"inspections", loadScaleSupervision})
	scaleTables = append(scaleTables, "inspections", "inspection_results", "inspection_findings", "inspection_files",
		"rectification_orders", "evaluation_years")
}

// scalePDF is a minimal PDF, the evidence of the scale inspections.
const scalePDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

func loadScaleSupervision(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	var total int64
	steps := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO inspections (institution_id, mode, inspected_on, inspectors, summary, findings, recorded_by, recorded_at)
			SELECT i.id, CASE WHEN i.n % 4 = 0 THEN 'remote' ELSE 'onsite' END,
				($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 20 - (i.n % 330)::int,
				'王检查、李督导', '现场检查培训班教学与台账（规模测试数据）', 0, '规模测试', $1::timestamptz - (i.n % 330) * interval '1 day'
			FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM institutions WHERE status = 'designated') i
			WHERE i.n % 2 = 0`, []any{r.now}},
		{`INSERT INTO inspection_results (inspection_id, item_id, result, note)
			SELECT s.id, it.id, CASE WHEN it.seq = 3 AND s.id % 3 = 0 THEN 'fail' ELSE 'ok' END,
				CASE WHEN it.seq = 3 AND s.id % 3 = 0 THEN '部分课次未见签到记录' ELSE '' END
			FROM inspections s CROSS JOIN inspection_items it WHERE it.active`, nil},
		{`INSERT INTO inspection_findings (inspection_id, item_id, institution_id, found_on)
			SELECT r.inspection_id, r.item_id, s.institution_id, s.inspected_on
			FROM inspection_results r JOIN inspections s ON s.id = r.inspection_id WHERE r.result = 'fail'`, nil},
		{`UPDATE inspections s SET findings = f.n
			FROM (SELECT inspection_id, count(*) AS n FROM inspection_findings GROUP BY inspection_id) f WHERE f.inspection_id = s.id`, nil},
		{`INSERT INTO inspection_files (inspection_id, filename, content_type, size, sha256, data, uploaded_by, uploaded_at)
			SELECT s.id, '检查记录' || s.id || '.pdf', 'application/pdf', length($1::bytea), sha256($1::bytea), $1::bytea, '规模测试', s.recorded_at
			FROM inspections s WHERE s.id % 5 = 0`, []any{[]byte(scalePDF)}},
		{`INSERT INTO rectification_orders (finding_id, institution_id, requirement, ordered_on, working_days, due_on, ordered_by,
				status, answer, answered_at, answered_by, file_name, file_type, file_size, file_sha256, file_data, decided_by, decided_at)
			SELECT f.id, f.institution_id, '补齐全部课次的签到记录并建立考勤复核制度', f.found_on, 10, f.found_on + 14, '规模测试',
				x.status, CASE WHEN x.status <> 'open' THEN '已补齐签到记录，附整改报告。' ELSE '' END,
				CASE WHEN x.status <> 'open' THEN f.found_on::timestamptz + interval '7 days' END,
				CASE WHEN x.status <> 'open' THEN '机构管理员' ELSE '' END,
				CASE WHEN x.status <> 'open' THEN '整改报告.pdf' END, CASE WHEN x.status <> 'open' THEN 'application/pdf' END,
				CASE WHEN x.status <> 'open' THEN length($1::bytea) END, CASE WHEN x.status <> 'open' THEN sha256($1::bytea) END,
				CASE WHEN x.status <> 'open' THEN $1::bytea END,
				CASE WHEN x.status = 'accepted' THEN '规模测试' ELSE '' END,
				CASE WHEN x.status = 'accepted' THEN f.found_on::timestamptz + interval '9 days' END
			FROM inspection_findings f
			CROSS JOIN LATERAL (SELECT (ARRAY['open', 'answered', 'accepted', 'accepted'])[1 + f.id % 4] AS status) x`,
			[]any{[]byte(scalePDF)}},
		{`INSERT INTO evaluation_years (year, w_pass, w_employment, w_satisfaction, d_complaint, d_finding, d_overdue, d_shortfall,
				d_recovered, band_excellent, band_pass, band_basic, set_by)
			VALUES ($1, 40, 30, 30, 2, 3, 5, 2, 10, 85, 70, 60, '规模测试')`, []any{ScaleEvaluationYear(r.now)}},
	}
	for _, st := range steps {
		tag, err := tx.Exec(ctx, st.sql, st.args...)
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
	}
	return total, nil
}

// ScaleEvaluationYear is the year the scale data set evaluates: the one
// before now's.
func ScaleEvaluationYear(now time.Time) int { return now.Year() - 1 }

// ScaleEvaluation runs the scale data set's evaluation year (what the
// evaluation_run job does) and reports how long it took: the issue's
// measure (2,000 institutions in under 30 s).
func ScaleEvaluation(ctx context.Context, pool *pgxpool.Pool, now time.Time, progress io.Writer) (time.Duration, error) {
	s := repository.New(pool, func() time.Time { return now })
	took, err := s.RunEvaluation(ctx, ScaleEvaluationYear(now))
	if err != nil {
		return 0, fmt.Errorf("demo: scale evaluation: %w", err)
	}
	if progress != nil {
		fmt.Fprintf(progress, "evaluation of %d run in %v\n", ScaleEvaluationYear(now), took.Round(time.Millisecond))
	}
	return took, nil
}

package repository

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The annual evaluation (考评验审, SUP-6, 第十五条).

func init() {
	for k, v := range map[string][2]string{
		"evaluation_years_pkey":                 {"year", "该年度的考评设置已存在"},
		"evaluation_years_year_check":           {"year", training.RuleEvalYear.Msg()},
		"evaluation_years_w_pass_check":         {"w_pass", training.RuleEvalWeights.Msg()},
		"evaluation_years_w_employment_check":   {"w_employment", training.RuleEvalWeights.Msg()},
		"evaluation_years_w_satisfaction_check": {"w_satisfaction", training.RuleEvalWeights.Msg()},
		"evaluation_years_weights_check":        {"w_pass", training.RuleEvalWeights.Msg()},
		"evaluation_years_d_complaint_check":    {"d_complaint", training.RuleEvalDeduction.Msg()},
		"evaluation_years_d_finding_check":      {"d_finding", training.RuleEvalDeduction.Msg()},
		"evaluation_years_d_overdue_check":      {"d_overdue", training.RuleEvalDeduction.Msg()},
		"evaluation_years_d_shortfall_check":    {"d_shortfall", training.RuleEvalDeduction.Msg()},
		"evaluation_years_d_recovered_check":    {"d_recovered", training.RuleEvalDeduction.Msg()},
		"evaluation_years_bands_check":          {"excellent", training.RuleEvalBands.Msg()},
		"evaluation_years_status_check":         {"", "考评状态无效"},
		"evaluation_years_total_check":          {"", "考评机构数无效"},
		"evaluation_years_done_check":           {"", "考评进度无效"},
		"evaluation_years_published_check":      {"", "公布须记录公布人和时间"},
		"evaluation_scores_pkey":                {"", "该机构本年度已有考评记录"},
		"evaluation_scores_year_fkey":           {"", "考评年度不存在"},
		"evaluation_scores_institution_id_fkey": {"", "培训机构不存在"},
		"evaluation_scores_enrolled_check":      {"", "考评数据无效"},
		"evaluation_scores_passed_check":        {"", "考评数据无效"},
		"evaluation_scores_followed_check":      {"", "考评数据无效"},
		"evaluation_scores_employed_check":      {"", "考评数据无效"},
		"evaluation_scores_surveys_check":       {"", "考评数据无效"},
		"evaluation_scores_overall_sum_check":   {"", "考评数据无效"},
		"evaluation_scores_upheld_check":        {"", "考评数据无效"},
		"evaluation_scores_findings_check":      {"", "考评数据无效"},
		"evaluation_scores_overdue_check":       {"", "考评数据无效"},
		"evaluation_scores_shortfalls_check":    {"", "考评数据无效"},
		"evaluation_scores_recovered_fen_check": {"", "考评数据无效"},
		"evaluation_scores_score_check":         {"", "考评得分应在0至100之间"},
		"evaluation_scores_grade_check":         {"", "考评等级无效"},
		"evaluation_scores_rank_check":          {"", "考评名次无效"},
		"evaluation_scores_suggestion_check":    {"", "建议处理结果无效"},
		"evaluation_scores_outcome_check":       {"outcome", training.RuleEvalOutcome.Msg()},
		"evaluation_scores_decided_check":       {"outcome", "记录处理结果须记录决定人和时间"},
		"evaluation_scores_outcome_note_check":  {"note", training.RuleEvalNote.Msg()},
	} {
		constraintErrors[k] = v
	}
}

const evalYearColumns = `year, w_pass, w_employment, w_satisfaction, d_complaint, d_finding, d_overdue, d_shortfall, d_recovered,
	band_excellent, band_pass, band_basic, status, total, done, run_ms, version`

func scanEvalYear(row pgx.Row) (training.EvalSettings, error) {
	var s training.EvalSettings
	var st string
	err := row.Scan(&s.Year, &s.WPass, &s.WEmployment, &s.WSatisfaction, &s.DComplaint, &s.DFinding, &s.DOverdue, &s.DShortfall,
		&s.DRecovered, &s.Excellent, &s.Pass, &s.Basic, &st, &s.Total, &s.Done, &s.RunMillis, &s.Version)
	s.Status = training.EvalStatus(st)
	return s, err
}

// EvaluationYears lists the years with settings, newest first (bureau).
func (s *Store) EvaluationYears(ctx context.Context, a training.Actor) ([]training.EvalSettings, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, `SELECT `+evalYearColumns+` FROM evaluation_years ORDER BY year DESC`)
	if err != nil {
		return nil, translate(err, "evaluation years")
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (training.EvalSettings, error) { return scanEvalYear(r) })
	return list, translate(err, "evaluation years")
}

// SaveEvaluationSettings records a year's weights, deductions and bands;
// a published or running year is refused.
func (s *Store) SaveEvaluationSettings(ctx context.Context, a training.Actor, in training.EvalSettingsInput) (int, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	var year int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var current string
		y, _ := parseYear(in.Year)
		err := tx.QueryRow(ctx, `SELECT status FROM evaluation_years WHERE year = $1 FOR UPDATE`, y).Scan(&current)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		st, rs := training.DecideEvalSettings(a, in, s.Today().Year(), training.EvalStatus(current))
		if !rs.OK() {
			return rs.Err()
		}
		year = st.Year
		_, err = tx.Exec(ctx, `INSERT INTO evaluation_years (year, w_pass, w_employment, w_satisfaction, d_complaint, d_finding,
				d_overdue, d_shortfall, d_recovered, band_excellent, band_pass, band_basic, set_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (year) DO UPDATE SET w_pass = EXCLUDED.w_pass, w_employment = EXCLUDED.w_employment,
				w_satisfaction = EXCLUDED.w_satisfaction, d_complaint = EXCLUDED.d_complaint, d_finding = EXCLUDED.d_finding,
				d_overdue = EXCLUDED.d_overdue, d_shortfall = EXCLUDED.d_shortfall, d_recovered = EXCLUDED.d_recovered,
				band_excellent = EXCLUDED.band_excellent, band_pass = EXCLUDED.band_pass, band_basic = EXCLUDED.band_basic,
				set_by = EXCLUDED.set_by, version = evaluation_years.version + 1
			WHERE evaluation_years.status IN ('draft', 'computed')`,
			st.Year, st.WPass, st.WEmployment, st.WSatisfaction, st.DComplaint, st.DFinding, st.DOverdue, st.DShortfall, st.DRecovered,
			st.Excellent, st.Pass, st.Basic, actorLabel(a))
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "evaluation.settings", Entity: "evaluation_year", EntityID: int64(st.Year),
			After: st})
	})
	return year, translate(err, "evaluation settings")
}

func parseYear(s string) (int, bool) {
	n := 0
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// EvaluationRunArgs is the job that computes a year's evaluation.
type EvaluationRunArgs struct {
	Year int `json:"year"`
}

// Kind is the job's name in the queue.
func (EvaluationRunArgs) Kind() string { return "evaluation_run" }

// StartEvaluation puts a draft or computed year in the running state and
// enqueues its computation in the same transaction; a published year is
// refused (frozen), a running one too.
func (s *Store) StartEvaluation(ctx context.Context, a training.Actor, year int) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var st string
		if err := tx.QueryRow(ctx, `SELECT status FROM evaluation_years WHERE year = $1 FOR UPDATE`, year).Scan(&st); err != nil {
			return err
		}
		if rs := training.DecideEvalStep(year, training.EvalStatus(st), training.EvalActRun); !rs.OK() {
			return rs.Err()
		}
		tag, err := tx.Exec(ctx, `UPDATE evaluation_years SET status = 'running', done = 0, total = 0 WHERE year = $1 AND status = $2`, year, st)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		if err := s.enqueue(ctx, tx, EvaluationRunArgs{Year: year}, time.Time{}); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "evaluation.run", Entity: "evaluation_year", EntityID: int64(year),
			Before: map[string]any{"status": st}, After: map[string]any{"status": training.EvalRunning}})
	}), "start evaluation %d", year)
}

// evalInputsSQL computes every input of every designated (or suspended)
// institution for the year [$2, $3) in one set-based statement, each from
// its source records; an institution without records of a kind gets zero
// (the rates then have no denominator: missing data).
const evalInputsSQL = `
WITH inst AS (
	SELECT id FROM institutions WHERE status IN ('designated', 'suspended')
), cls AS (
	SELECT c.id, c.institution_id FROM classes c JOIN inst ON inst.id = c.institution_id
	WHERE c.status IN ` + pastTrainingSQL + ` AND c.end_date >= $2 AND c.end_date < $3
), enr AS (
	SELECT cls.institution_id, e.id FROM cls JOIN enrolments e ON e.class_id = cls.id AND e.status = 'enrolled'
), passed AS (
	SELECT DISTINCT x.enrolment_id FROM exam_entries x JOIN enr ON enr.id = x.enrolment_id WHERE x.outcome = 'pass'
), pass AS (
	SELECT enr.institution_id, count(*) AS enrolled, count(p.enrolment_id) AS passed
	FROM enr LEFT JOIN passed p ON p.enrolment_id = enr.id GROUP BY 1
), latest AS (
	SELECT DISTINCT ON (r.enrolment_id) r.institution_id, r.employed
	FROM employment_records r JOIN cls ON cls.id = r.class_id
	JOIN enrolments e ON e.id = r.enrolment_id AND e.status = 'enrolled'
	ORDER BY r.enrolment_id, r.months DESC
), emp AS (
	SELECT institution_id, count(*) AS followed, count(*) FILTER (WHERE employed) AS employed FROM latest GROUP BY 1
), sat AS (
	SELECT a.institution_id, count(*) AS surveys, sum(a.overall) AS overall_sum
	FROM survey_answers a JOIN cls ON cls.id = a.class_id GROUP BY 1
), comp AS (
	SELECT institution_id, count(*) AS upheld FROM complaints
	WHERE outcome IN ('upheld', 'partly_upheld') AND closed_at >= $2::timestamp AT TIME ZONE 'Asia/Shanghai'
		AND closed_at < $3::timestamp AT TIME ZONE 'Asia/Shanghai' GROUP BY 1
), fnd AS (
	SELECT institution_id, count(*) AS findings FROM inspection_findings WHERE found_on >= $2 AND found_on < $3 GROUP BY 1
), ovd AS (
	SELECT institution_id, count(*) AS overdue FROM rectification_orders WHERE overdue_since >= $2 AND overdue_since < $3 GROUP BY 1
), short AS (
	SELECT institution_id, count(*) AS shortfalls FROM class_delivery
	WHERE start_date >= $2 AND start_date < $3 AND (short > 0 OR off_plan > 0) GROUP BY 1
), rec AS (
	SELECT institution_id, sum(recovery_fen) AS recovered FROM subsidy_claim_lines
	WHERE recovery_fen > 0 AND recovery_at >= $2::timestamp AT TIME ZONE 'Asia/Shanghai'
		AND recovery_at < $3::timestamp AT TIME ZONE 'Asia/Shanghai' GROUP BY 1
)
INSERT INTO evaluation_scores (year, institution_id, enrolled, passed, followed, employed, surveys, overall_sum,
	upheld, findings, overdue, shortfalls, recovered_fen)
SELECT $1, inst.id, coalesce(pass.enrolled, 0), coalesce(pass.passed, 0), coalesce(emp.followed, 0), coalesce(emp.employed, 0),
	coalesce(sat.surveys, 0), coalesce(sat.overall_sum, 0), coalesce(comp.upheld, 0), coalesce(fnd.findings, 0),
	coalesce(ovd.overdue, 0), coalesce(short.shortfalls, 0), coalesce(rec.recovered, 0)
FROM inst LEFT JOIN pass ON pass.institution_id = inst.id LEFT JOIN emp ON emp.institution_id = inst.id
	LEFT JOIN sat ON sat.institution_id = inst.id LEFT JOIN comp ON comp.institution_id = inst.id
	LEFT JOIN fnd ON fnd.institution_id = inst.id LEFT JOIN ovd ON ovd.institution_id = inst.id
	LEFT JOIN short ON short.institution_id = inst.id LEFT JOIN rec ON rec.institution_id = inst.id`

// EvalInputsSQL is the evaluation's input statement, for the EXPLAIN test.
const EvalInputsSQL = evalInputsSQL

// RunEvaluation computes a year (the job): the inputs of every designated
// institution in one statement, then the scores, grades, ranks and
// suggestions by training.Score in Go, written back in batches that advance
// the progress the page shows. A published year is refused; a draft or
// computed one is recomputed from scratch (idempotent).
func (s *Store) RunEvaluation(ctx context.Context, year int) (time.Duration, error) {
	start := time.Now()
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	var set training.EvalSettings
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		set, err = scanEvalYear(tx.QueryRow(ctx, `SELECT `+evalYearColumns+` FROM evaluation_years WHERE year = $1 FOR UPDATE`, year))
		if err != nil {
			return err
		}
		if rs := training.DecideEvalStep(year, set.Status, training.EvalActCompute); !rs.OK() {
			return rs.Err()
		}
		if _, err := tx.Exec(ctx, `DELETE FROM evaluation_scores WHERE year = $1`, year); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, evalInputsSQL, year, from, to)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE evaluation_years SET status = 'running', total = $2, done = 0 WHERE year = $1`, year, tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, translate(err, "evaluation %d inputs", year)
	}
	// Score them all (the ranks need every score), then write back.
	rows, err := s.pool.Query(ctx, `SELECT e.institution_id, e.enrolled, e.passed, e.followed, e.employed, e.surveys, e.overall_sum,
			e.upheld, e.findings, e.overdue, e.shortfalls, e.recovered_fen, coalesce(p.grade, '')
		FROM evaluation_scores e LEFT JOIN evaluation_scores p ON p.year = e.year - 1 AND p.institution_id = e.institution_id
		WHERE e.year = $1 ORDER BY e.institution_id`, year)
	if err != nil {
		return 0, translate(err, "evaluation %d scores", year)
	}
	var ids []int64
	var inputs []training.EvalInputs
	var prev []training.Grade
	var id int64
	var in training.EvalInputs
	var pg string
	_, err = pgx.ForEachRow(rows, []any{&id, &in.Enrolled, &in.Passed, &in.Followed, &in.Employed, &in.Surveys, &in.OverallSum,
		&in.Upheld, &in.Findings, &in.Overdue, &in.Shortfalls, &in.RecoveredFen, &pg}, func() error {
		ids, inputs, prev = append(ids, id), append(inputs, in), append(prev, training.Grade(pg))
		return nil
	})
	if err != nil {
		return 0, translate(err, "evaluation %d scores", year)
	}
	scores := make([]training.EvalScore, len(inputs))
	for i, x := range inputs {
		scores[i] = training.Score(set, x)
	}
	ranks := training.Ranks(scores)
	const batch = 500
	for lo := 0; lo < len(ids); lo += batch {
		hi := min(lo+batch, len(ids))
		var bases, deds, vals, rks []*int
		var grades, suggestions []string
		for i := lo; i < hi; i++ {
			sc := scores[i]
			b, d, v, r := sc.Base, sc.Deductions, sc.Score, ranks[i]
			if sc.Known {
				bases, vals = append(bases, &b), append(vals, &v)
			} else {
				bases, vals = append(bases, nil), append(vals, nil)
			}
			deds, rks = append(deds, &d), append(rks, &r)
			grades = append(grades, string(sc.Grade))
			suggestions = append(suggestions, string(training.Suggest(sc.Grade, prev[i])))
		}
		err := s.inTx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE evaluation_scores e SET base = u.base, deductions = u.ded, score = u.score,
					grade = u.grade, rank = u.rank, suggestion = u.suggestion
				FROM unnest($2::bigint[], $3::int[], $4::int[], $5::int[], $6::text[], $7::int[], $8::text[])
					AS u(id, base, ded, score, grade, rank, suggestion)
				WHERE e.year = $1 AND e.institution_id = u.id`,
				year, ids[lo:hi], bases, deds, vals, grades, rks, suggestions); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE evaluation_years SET done = $2 WHERE year = $1`, year, hi)
			return err
		})
		if err != nil {
			return 0, translate(err, "evaluation %d write scores", year)
		}
	}
	took := time.Since(start)
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE evaluation_years SET status = 'computed', run_ms = $2, run_at = $3 WHERE year = $1 AND status <> 'published'`,
			year, int(took.Milliseconds()), s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, training.System, auditRecord{Action: "evaluation.run", Entity: "evaluation_year", EntityID: int64(year),
			After: map[string]any{"status": training.EvalComputed, "institutions": len(ids), "ms": took.Milliseconds()}})
	})
	return took, translate(err, "evaluation %d done", year)
}

// PublishEvaluation freezes a computed year.
func (s *Store) PublishEvaluation(ctx context.Context, a training.Actor, year int) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var st string
		if err := tx.QueryRow(ctx, `SELECT status FROM evaluation_years WHERE year = $1 FOR UPDATE`, year).Scan(&st); err != nil {
			return err
		}
		if rs := training.DecideEvalStep(year, training.EvalStatus(st), training.EvalActPublish); !rs.OK() {
			return rs.Err()
		}
		tag, err := tx.Exec(ctx, `UPDATE evaluation_years SET status = 'published', published_by = $2, published_at = $3,
			version = version + 1 WHERE year = $1 AND status = 'computed'`, year, actorLabel(a), s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "evaluation.publish", Entity: "evaluation_year", EntityID: int64(year),
			Before: map[string]any{"status": st}, After: map[string]any{"status": training.EvalPublished}})
	}), "publish evaluation %d", year)
}

// RecordOutcome records the outcome a person decided for an institution
// (the suggestion is only computed).
func (s *Store) RecordOutcome(ctx context.Context, a training.Actor, year int, inst int64, outcome training.EvalOutcome, note string) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	if rs := training.DecideEvalOutcome(outcome, note); !rs.OK() {
		return rs.Err()
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var before *string
		var st string
		err := tx.QueryRow(ctx, `SELECT e.outcome, y.status FROM evaluation_scores e JOIN evaluation_years y ON y.year = e.year
			WHERE e.year = $1 AND e.institution_id = $2 FOR UPDATE OF e`, year, inst).Scan(&before, &st)
		if err != nil {
			return err
		}
		if rs := training.DecideEvalStep(year, training.EvalStatus(st), training.EvalActOutcome); !rs.OK() {
			return rs.Err()
		}
		if _, err := tx.Exec(ctx, `UPDATE evaluation_scores SET outcome = $3, outcome_note = $4, outcome_by = $5, outcome_at = $6
			WHERE year = $1 AND institution_id = $2`, year, inst, string(outcome), strings.TrimSpace(note), actorLabel(a), s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "evaluation.outcome", Entity: "evaluation_score", EntityID: int64(year),
			InstitutionID: inst, Before: map[string]any{"outcome": before}, After: map[string]any{"outcome": outcome, "note": strings.TrimSpace(note)}})
	}), "outcome %d institution %d", year, inst)
}

const evalRowColumns = `e.year, e.institution_id, i.name, e.enrolled, e.passed, e.followed, e.employed, e.surveys, e.overall_sum,
	e.upheld, e.findings, e.overdue, e.shortfalls, e.recovered_fen, e.base, coalesce(e.deductions, 0), e.score, coalesce(e.grade, ''),
	coalesce(e.rank, 0), coalesce(e.suggestion, ''), coalesce(e.outcome, ''), e.outcome_note, e.outcome_by`

func scanEvalRow(row pgx.CollectableRow) (training.EvalRow, error) {
	var r training.EvalRow
	var grade, sug, out string
	in := &r.Inputs
	err := row.Scan(&r.Year, &r.InstitutionID, &r.InstitutionName, &in.Enrolled, &in.Passed, &in.Followed, &in.Employed, &in.Surveys,
		&in.OverallSum, &in.Upheld, &in.Findings, &in.Overdue, &in.Shortfalls, &in.RecoveredFen, &r.Base, &r.Deductions, &r.Score,
		&grade, &r.Rank, &sug, &out, &r.OutcomeNote, &r.OutcomeBy)
	r.Grade, r.Suggestion, r.Outcome = training.Grade(grade), training.EvalOutcome(sug), training.EvalOutcome(out)
	return r, err
}

// RankingSort is the ranking table's sort whitelist: rank (best first,
// the unranked last), name, score, the three rates (missing data first
// ascending, last descending) and deductions; each ends in the
// institution's id so pages are stable (no comma inside a clause's
// expressions: orderBy splits on commas to flip the direction).
var RankingSort = map[string]string{
	"rank":         "(e.rank IS NULL OR e.rank = 0), e.rank, e.institution_id",
	"name":         "i.name, e.institution_id",
	"score":        "e.score NULLS FIRST, e.institution_id",
	"pass":         "CASE WHEN e.enrolled > 0 THEN e.passed::float8 / e.enrolled END NULLS FIRST, e.institution_id",
	"employment":   "CASE WHEN e.followed > 0 THEN e.employed::float8 / e.followed END NULLS FIRST, e.institution_id",
	"satisfaction": "CASE WHEN e.surveys > 0 THEN e.overall_sum::float8 / e.surveys END NULLS FIRST, e.institution_id",
	"deductions":   "e.deductions NULLS FIRST, e.institution_id",
}

// rankingSQL is a page of a year's ranking. The page of scores is chosen
// first, from evaluation_scores alone (by evaluation_scores_ranking_idx in
// the default order, else a top-N sort of the year's rows), then each of
// its rows looks up its institution's name by key (a hash join would read
// all institutions for 50 names); sorting by name needs the names of the
// whole year.
func rankingSQL(p Page) string {
	order := orderBy(p, RankingSort, "rank")
	if p.Sort == "name" {
		return `SELECT ` + evalRowColumns + ` FROM evaluation_scores e JOIN institutions i ON i.id = e.institution_id
		WHERE e.year = $1` + order + ` LIMIT $2 OFFSET $3`
	}
	cols := strings.Replace(evalRowColumns, "i.name", "(SELECT i.name FROM institutions i WHERE i.id = e.institution_id)", 1)
	return `SELECT ` + cols + ` FROM (SELECT * FROM evaluation_scores e WHERE e.year = $1` + order + ` LIMIT $2 OFFSET $3) e` + order
}

// EvaluationExport calls each for every row of a year's ranking in the
// page's order (bureau): the .xlsx export of the ranking table.
func (s *Store) EvaluationExport(ctx context.Context, a training.Actor, year int, p Page, each func(training.EvalRow) error) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM evaluation_years WHERE year = $1`, year).Scan(&n); err != nil || n == 0 {
		return translate(cmp.Or(err, pgx.ErrNoRows), "evaluation %d export", year)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+evalRowColumns+` FROM evaluation_scores e JOIN institutions i ON i.id = e.institution_id
		WHERE e.year = $1`+orderBy(p, RankingSort, "rank"), year)
	if err != nil {
		return translate(err, "evaluation %d export", year)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanEvalRow(rows)
		if err != nil {
			return translate(err, "evaluation %d export", year)
		}
		if err := each(r); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "evaluation %d export", year)
}

// EvaluationPage reads a year's settings and a page of its ranking, best
// first by default, sorted by RankingSort (bureau).
func (s *Store) EvaluationPage(ctx context.Context, a training.Actor, year int, p Page) (training.EvaluationPage, error) {
	var out training.EvaluationPage
	if !a.IsBureau() {
		return out, training.ErrForbidden
	}
	var err error
	out.Settings, err = scanEvalYear(s.pool.QueryRow(ctx, `SELECT `+evalYearColumns+` FROM evaluation_years WHERE year = $1`, year))
	if err != nil {
		return out, translate(err, "evaluation %d", year)
	}
	rows, err := s.pool.Query(ctx, rankingSQL(p), year, p.limit(), p.offset())
	if err != nil {
		return out, translate(err, "evaluation %d ranking", year)
	}
	if out.Rows, err = pgx.CollectRows(rows, scanEvalRow); err != nil {
		return out, translate(err, "evaluation %d ranking", year)
	}
	out.Total = out.Settings.Total
	return out, nil
}

// Scorecard reads an institution's evaluations over the years with each
// year's median score; an institution sees its own, published years only.
func (s *Store) Scorecard(ctx context.Context, a training.Actor, inst int64) (training.Scorecard, error) {
	sc := training.Scorecard{Medians: map[int]int{}, Settings: map[int]training.EvalSettings{}}
	if !canSeeInstitution(a, inst) {
		return sc, training.ErrNotFound
	}
	err := s.pool.QueryRow(ctx, `SELECT id, name, status FROM institutions WHERE id = $1`, inst).
		Scan(&sc.Institution.ID, &sc.Institution.Name, &sc.Institution.Status)
	if err != nil {
		return sc, translate(err, "scorecard %d", inst)
	}
	published := ""
	if !a.IsBureau() {
		published = ` AND y.status = 'published'`
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT `+evalRowColumns+` FROM evaluation_scores e JOIN institutions i ON i.id = e.institution_id
		JOIN evaluation_years y ON y.year = e.year WHERE e.institution_id = $1 AND y.status IN ('computed', 'published')`+published+`
		ORDER BY e.year`, inst).Query(func(rows pgx.Rows) error {
		var err error
		sc.Years, err = pgx.CollectRows(rows, scanEvalRow)
		return err
	})
	b.Queue(`SELECT y.year, coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY e.score), 0), count(e.score)
		FROM evaluation_years y JOIN evaluation_scores e ON e.year = y.year
		WHERE y.status IN ('computed', 'published')`+published+` AND e.year IN (SELECT year FROM evaluation_scores WHERE institution_id = $1)
		GROUP BY y.year`, inst).Query(func(rows pgx.Rows) error {
		var y, m, n int
		of := map[int]int{}
		_, err := pgx.ForEachRow(rows, []any{&y, &m, &n}, func() error {
			sc.Medians[y], of[y] = m, n
			return nil
		})
		for i := range sc.Years {
			sc.Years[i].Of = of[sc.Years[i].Year]
		}
		return err
	})
	b.Queue(`SELECT `+evalYearColumns+` FROM evaluation_years y WHERE year IN (SELECT year FROM evaluation_scores WHERE institution_id = $1)`, inst).
		Query(func(rows pgx.Rows) error {
			list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (training.EvalSettings, error) { return scanEvalYear(r) })
			for _, x := range list {
				sc.Settings[x.Year] = x
			}
			return err
		})
	return sc, translate(s.pool.SendBatch(ctx, b).Close(), "scorecard %d", inst)
}

// PublicInstitutions lists the designated and suspended institutions with
// their licensed scope and last published grade, for the public page.
func (s *Store) PublicInstitutions(ctx context.Context, p Page) ([]training.PublicInstitution, int, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.id, i.name, i.address, i.status,
			coalesce((SELECT string_agg(o.name || CASE WHEN sc.max_level > 0 THEN '（至' || sc.max_level || '级）' ELSE '' END, '、' ORDER BY o.code)
				FROM institution_scopes sc JOIN occupations o ON o.id = sc.occupation_id WHERE sc.institution_id = i.id), ''),
			coalesce(g.year, 0), coalesce(g.grade, ''), count(*) OVER ()
		FROM institutions i
		LEFT JOIN LATERAL (SELECT e.year, e.grade FROM evaluation_scores e JOIN evaluation_years y ON y.year = e.year AND y.status = 'published'
			WHERE e.institution_id = i.id ORDER BY e.year DESC LIMIT 1) g ON true
		WHERE i.status IN ('designated', 'suspended') ORDER BY i.name, i.id LIMIT $1 OFFSET $2`, p.limit(), p.offset())
	if err != nil {
		return nil, 0, translate(err, "public institutions")
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.PublicInstitution, error) {
		var x training.PublicInstitution
		var st, grade string
		err := row.Scan(&x.ID, &x.Name, &x.Address, &st, &x.Scope, &x.GradeYear, &grade, &total)
		x.Status, x.Grade = training.InstitutionStatus(st), training.Grade(grade)
		return x, err
	})
	return list, total, translate(err, "public institutions")
}

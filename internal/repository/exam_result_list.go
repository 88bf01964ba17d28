package repository

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// ResultFilter narrows the results list. Zero values are no filter.
type ResultFilter struct {
	Year        int                        // the exam day's year
	Status      training.ExamSessionStatus // approved or published
	Outcome     training.Outcome           // pass or fail
	Retake      string                     // "first" or "retake"
	Institution string                     // the bureau's and the centre's filter: part of the name, or the credit code
	CandidateNo string                     // exact
}

// resultSorts are the list's sort keys; each ends in a unique column.
var resultSorts = map[string]string{
	"date": "x.exam_date, x.id, e.seq",
	"no":   "e.candidate_no",
}

// Results lists the candidates' final results (sessions approved or
// published) a page at a time, newest exam day first unless the page
// names a sort, with the total. The bureau sees every result, a centre
// user those of their organisation, an institution its own trainees'
// published results (an approved result is the centre's until it is
// published, EXAM-7). ID numbers are masked here: the list never carries
// them whole.
func (s *Store) Results(ctx context.Context, a training.Actor, f ResultFilter, p Page) ([]training.ResultListRow, int, error) {
	var list []training.ResultListRow
	total, err := s.resultRows(ctx, a, f, p, func(r training.ResultListRow) error {
		list = append(list, r)
		return nil
	})
	return list, total, err
}

// ResultsEach hands each every result of the list in the page's order
// (the list's .xlsx export).
// More than training.MaxResultExport results are refused (a narrower
// filter is asked for) before any row is read.
func (s *Store) ResultsEach(ctx context.Context, a training.Actor, f ResultFilter, p Page, each func(training.ResultListRow) error) error {
	w, err := resultWhere(a, f)
	if err != nil {
		return err
	}
	total, err := s.resultTotal(ctx, a, w, f)
	if err != nil {
		return err
	}
	if rs := training.DecideResultExport(total); !rs.OK() {
		return rs.Err()
	}
	p.all = true
	_, err = s.resultRows(ctx, a, f, p, each)
	return err
}

// resultWhere is the sessions' part of the filter (the scope, state, year,
// attempt and institution), shared by the page and its total.
func resultWhere(a training.Actor, f ResultFilter) (where, error) {
	return resultConds(a, f, "x.exam_date")
}

// resultConds is resultWhere on a table aliased x with the sessions'
// eval_org_id, institution_id, status and retake and the exam day in day
// (the sessions' exam_date, or the first day of the year in the kept
// totals): the page and its two ways of counting share one filter.
func resultConds(a training.Actor, f ResultFilter, day string) (where, error) {
	var w where
	switch {
	case a.IsBureau():
	case a.IsCentre():
		w.add("x.eval_org_id = "+centreOrgSQL, a.UserID)
	case a.IsInstitution():
		w.add("x.institution_id = ?", a.InstitutionID)
		f.Status = training.SessPublished
	default:
		return w, training.ErrForbidden
	}
	if f.Status == training.SessApproved || f.Status == training.SessPublished {
		w.add("x.status = ?", string(f.Status))
	} else {
		w.add("x.status IN ('approved', 'published')")
	}
	if f.Year > 0 {
		w.add(day+" >= make_date(?::int, 1, 1) AND "+day+" < make_date(?::int + 1, 1, 1)", f.Year, f.Year)
	}
	switch f.Retake {
	case "first":
		w.add("NOT x.retake")
	case "retake":
		w.add("x.retake")
	}
	if f.Institution != "" && !a.IsInstitution() {
		w.add("x.institution_id IN (SELECT id FROM institutions WHERE name LIKE ? OR credit_code = ?)",
			"%"+likeEscape(f.Institution)+"%", training.NormalizeCreditCode(f.Institution))
	}
	return w, nil
}

// resultTotal counts the results the filter matches: the sum of the
// sessions' kept counts (migration 00109) rather than a count of a million
// entries; a candidate number is one entry, counted directly. w is the
// sessions' part of the filter (resultWhere); it is not changed.
func (s *Store) resultTotal(ctx context.Context, a training.Actor, w where, f ResultFilter) (int, error) {
	sum := "x.passed + x.failed"
	switch f.Outcome {
	case training.OutcomePass:
		sum = "x.passed"
	case training.OutcomeFail:
		sum = "x.failed"
	}
	q, args := `SELECT coalesce(sum(`+sum+`), 0) FROM exam_sessions x`+w.sql(), w.args
	if totalsCover(a, f) {
		// The bureau's and a centre's lists count from the totals kept per
		// organisation, year, state and attempt (migration 00113).
		tw, err := resultConds(a, f, "x.year_start")
		if err != nil {
			return 0, err
		}
		q, args = `SELECT coalesce(sum(`+sum+`), 0)::int FROM exam_result_totals x`+tw.sql(), tw.args
	}
	if no := strings.TrimSpace(f.CandidateNo); no != "" {
		tw := where{conds: append([]string(nil), w.conds...), args: append([]any(nil), w.args...)}
		tw.add("e.candidate_no = ?", no)
		if f.Outcome != "" {
			tw.add("e.outcome = ?", string(f.Outcome))
		}
		q, args = `SELECT count(*) FROM exam_sessions x JOIN exam_entries e ON e.session_id = x.id`+tw.sql(), tw.args
	}
	var total int
	err := s.pool.QueryRow(ctx, q, args...).Scan(&total)
	return total, translate(err, "results total")
}

// totalsCover: the kept totals answer a filter that names no institution
// and no candidate, for the bureau or a centre (an institution's own list
// is its sessions, summed by index).
func totalsCover(a training.Actor, f ResultFilter) bool {
	return (a.IsBureau() || a.IsCentre()) && f.Institution == "" && strings.TrimSpace(f.CandidateNo) == ""
}

func (s *Store) resultRows(ctx context.Context, a training.Actor, f ResultFilter, p Page, each func(training.ResultListRow) error) (int, error) {
	w, err := resultWhere(a, f)
	if err != nil {
		return 0, err
	}
	no := strings.TrimSpace(f.CandidateNo)
	total := 0
	if !p.all {
		if total, err = s.resultTotal(ctx, a, w, f); err != nil {
			return 0, err
		}
	}
	if no != "" {
		w.add("e.candidate_no = ?", no)
	}
	if f.Outcome != "" {
		w.add("e.outcome = ?", string(f.Outcome))
	}
	// The page is chosen on the sessions and entries alone (two indexes),
	// then only its rows are joined to the people, classes and names: a
	// deep page does not join every row before it.
	order := orderBy(p, resultSorts, "date")
	q := `WITH pick AS (SELECT e.id FROM exam_sessions x JOIN exam_entries e ON e.session_id = x.id` + w.sql() + order +
		` LIMIT ` + w.arg(p.limitArg()) + ` OFFSET ` + w.arg(p.offsetArg()) + `)
		SELECT e.id, x.id, x.session_no, x.exam_date, x.status, x.retake, e.candidate_no, t.name, t.id_number, c.class_no, i.name,
			coalesce(o.name, ''), c.level, eo.name, e.theory_required, e.practical_required, e.theory_score, e.theory_absent,
			e.practical_score, e.practical_absent, e.outcome, coalesce(ce.cert_no, '')
		FROM pick k JOIN exam_entries e ON e.id = k.id JOIN exam_sessions x ON x.id = e.session_id
			JOIN enrolments en ON en.id = e.enrolment_id JOIN trainees t ON t.id = en.trainee_id
			JOIN exam_applications ap ON ap.id = x.application_id JOIN classes c ON c.id = ap.class_id
			JOIN institutions i ON i.id = x.institution_id JOIN eval_orgs eo ON eo.id = x.eval_org_id
			LEFT JOIN occupations o ON o.id = c.occupation_id LEFT JOIN certificates ce ON ce.entry_id = e.id` + order
	rows, err := s.pool.Query(ctx, q, w.args...)
	if err != nil {
		return 0, translate(err, "results")
	}
	err = forEach(rows, func(row pgx.CollectableRow) (training.ResultListRow, error) {
		var r training.ResultListRow
		var st, outcome string
		var level int16
		var th, pr *int16
		err := row.Scan(&r.EntryID, &r.SessionID, &r.SessionNo, &r.ExamDate, &st, &r.Retake, &r.CandidateNo, &r.Name, &r.IDNumber,
			&r.ClassNo, &r.InstitutionName, &r.OccupationName, &level, &r.EvalOrgName, &r.Parts.Theory, &r.Parts.Practical,
			&th, &r.Theory.Absent, &pr, &r.Practical.Absent, &outcome, &r.CertificateNo)
		r.Status, r.Level, r.Outcome = training.ExamSessionStatus(st), training.Level(level), training.Outcome(outcome)
		r.IDNumber = training.MaskID(r.IDNumber)
		r.Theory.Score, r.Practical.Score = intPtr(th), intPtr(pr)
		return r, err
	}, each)
	return total, translate(err, "results")
}

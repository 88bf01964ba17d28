package repository

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Satisfaction surveys (SUP-3): a code per enrolment when the class
// finishes, one anonymous answer per code, figures for the institution only
// from training.SurveyMinAnswers answers on.

// issueSurveyCodes gives every enrolled trainee of the class without a code
// one, inside the caller's transaction (the class finishing, or the
// institution asking for a class that finished before codes existed).
func issueSurveyCodes(ctx context.Context, tx pgx.Tx, classID, institutionID int64, now any) (int, error) {
	rows, err := tx.Query(ctx, `SELECT e.id FROM enrolments e WHERE e.class_id = $1 AND e.status = 'enrolled'
		AND NOT EXISTS (SELECT 1 FROM survey_codes s WHERE s.enrolment_id = e.id) ORDER BY e.id`, classID)
	if err != nil {
		return 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	codes := make([]string, len(ids))
	for i := range ids {
		codes[i] = training.NewSurveyCode()
	}
	tag, err := tx.Exec(ctx, `INSERT INTO survey_codes (enrolment_id, code, class_id, institution_id, created_at)
		SELECT v.id, v.code, $3, $4, $5 FROM unnest($1::bigint[], $2::text[]) AS v(id, code)
		ON CONFLICT (enrolment_id) DO NOTHING`, ids, codes, classID, institutionID, now)
	return int(tag.RowsAffected()), err
}

// IssueSurveyCodes makes the missing codes of the institution's finished
// class (classes that finished before codes existed, or trainees added by
// a correction). Idempotent.
func (s *Store) IssueSurveyCodes(ctx context.Context, a training.Actor, classID int64) (int, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	n := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM classes WHERE id = $1 AND institution_id = $2 FOR UPDATE`,
			classID, a.InstitutionID).Scan(&status); err != nil {
			return err
		}
		if rs := training.DecideSurveyCodes(training.ClassStatus(status)); !rs.OK() {
			return rs.Err()
		}
		var err error
		if n, err = issueSurveyCodes(ctx, tx, classID, a.InstitutionID, s.now()); err != nil || n == 0 {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "survey.codes", Entity: "class", EntityID: classID,
			InstitutionID: a.InstitutionID, After: map[string]any{"codes": n}})
	})
	return n, translate(err, "survey codes of class %d", classID)
}

// ClassSurvey reads a class's survey page. The institution sees its own
// class's slips, and the figures only from SurveyMinAnswers answers on;
// the comments only the bureau.
func (s *Store) ClassSurvey(ctx context.Context, a training.Actor, classID int64) (training.SurveyPage, error) {
	var p training.SurveyPage
	var w where
	if !classScope(a, &w) {
		return p, training.ErrNotFound
	}
	w.add("c.id = ?", classID)
	found := false
	b := &pgx.Batch{}
	b.Queue(classRefSQL+w.sql(), w.args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			found = true
			if err := scanClassRef(rows, &p.Class); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	b.Queue(`SELECT sc.enrolment_id, t.name, sc.code FROM survey_codes sc JOIN enrolments e ON e.id = sc.enrolment_id
		JOIN trainees t ON t.id = e.trainee_id WHERE sc.class_id = $1 ORDER BY sc.enrolment_id`, classID).Query(func(rows pgx.Rows) error {
		var err error
		p.Slips, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.SurveySlip, error) {
			var sl training.SurveySlip
			err := row.Scan(&sl.EnrolmentID, &sl.Name, &sl.Code)
			return sl, err
		})
		return err
	})
	queueSurveyStats(b, `sa.class_id = $1`, classID, &p.Stats)
	if a.IsBureau() {
		b.Queue(`SELECT comment FROM survey_answers WHERE class_id = $1 AND comment <> '' ORDER BY answered_at`, classID).Query(func(rows pgx.Rows) error {
			var err error
			p.Stats.Comments, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return p, translate(err, "survey of class %d", classID)
	}
	if !found {
		return p, training.ErrNotFound
	}
	p.Stats.Codes = len(p.Slips)
	p.Visible = training.CanSeeSurvey(a, p.Stats.Answers)
	if !p.Visible {
		p.Stats = training.SurveyStats{Codes: p.Stats.Codes, Answers: p.Stats.Answers}
	}
	return p, nil
}

const surveyAggregates = `count(*), coalesce(round(avg(overall) * 10), 0)::int, coalesce(round(avg(teaching) * 10), 0)::int,
	coalesce(round(avg(venue) * 10), 0)::int, coalesce(round(avg(organisation) * 10), 0)::int, count(*) FILTER (WHERE overall >= 4)`

func queueSurveyStats(b *pgx.Batch, cond string, arg any, st *training.SurveyStats) {
	b.Queue(`SELECT `+surveyAggregates+` FROM survey_answers sa WHERE `+cond, arg).QueryRow(func(row pgx.Row) error {
		return row.Scan(&st.Answers, &st.Overall, &st.Teaching, &st.Venue, &st.Organisation, &st.Satisfied)
	})
}

// SurveyTarget is what the public survey page shows for a code: the class
// and whether it was answered. An unknown code is ErrNotFound.
func (s *Store) SurveyTarget(ctx context.Context, code string) (training.SurveyTarget, bool, error) {
	var t training.SurveyTarget
	code, ok := training.NormalizeSurveyCode(code)
	if !ok {
		return t, false, training.ErrNotFound
	}
	var answered bool
	err := s.pool.QueryRow(ctx, `SELECT c.class_no, i.name, coalesce(o.name, ''), c.end_date,
			EXISTS (SELECT 1 FROM survey_answers a WHERE a.enrolment_id = sc.enrolment_id)
		FROM survey_codes sc JOIN classes c ON c.id = sc.class_id JOIN institutions i ON i.id = sc.institution_id
		LEFT JOIN occupations o ON o.id = c.occupation_id WHERE sc.code = $1`, code).
		Scan(&t.ClassNo, &t.InstitutionName, &t.OccupationName, &t.EndDate, &answered)
	return t, answered, translate(err, "survey code")
}

// AnswerSurvey stores the answer of a code. One answer per code: the
// primary key of survey_answers holds it under concurrency too.
func (s *Store) AnswerSurvey(ctx context.Context, in training.SurveyInput) error {
	ans, err := training.ParseSurvey(in)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var enrolmentID, classID, instID int64
		var status, enrolStatus string
		var answered bool
		err := tx.QueryRow(ctx, `SELECT sc.enrolment_id, sc.class_id, sc.institution_id, c.status, e.status,
				EXISTS (SELECT 1 FROM survey_answers a WHERE a.enrolment_id = sc.enrolment_id)
			FROM survey_codes sc JOIN classes c ON c.id = sc.class_id JOIN enrolments e ON e.id = sc.enrolment_id
			WHERE sc.code = $1`, ans.Code).Scan(&enrolmentID, &classID, &instID, &status, &enrolStatus, &answered)
		if err == pgx.ErrNoRows {
			return training.DecideSurveyAnswer(training.SurveyFacts{Unknown: true}).Err()
		}
		if err != nil {
			return err
		}
		if rs := training.DecideSurveyAnswer(training.SurveyFacts{ClassStatus: training.ClassStatus(status),
			Withdrawn: training.EnrolmentStatus(enrolStatus) == training.Withdrawn, Answered: answered}); !rs.OK() {
			return rs.Err()
		}
		if _, err := tx.Exec(ctx, `INSERT INTO survey_answers (enrolment_id, class_id, institution_id, overall, teaching, venue, organisation,
				comment, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			enrolmentID, classID, instID, ans.Overall, ans.Teaching, ans.Venue, ans.Organisation, ans.Comment, s.now()); err != nil {
			return err
		}
		// The audit row names the class, not the trainee: answers are anonymous.
		return s.appendAudit(ctx, tx, publicActor, auditRecord{Action: "survey.answer", Entity: "class", EntityID: classID})
	})
	return translate(err, "answer survey")
}

// SurveyGroup is how the bureau's satisfaction report groups answers.
type SurveyGroup string

// Survey report groupings.
const (
	SurveyByClass       SurveyGroup = "class"
	SurveyByInstitution SurveyGroup = "institution"
	SurveyByOccupation  SurveyGroup = "occupation"
	SurveyByYear        SurveyGroup = "year"
)

// followupGroupSQL is, per grouping of the follow-up reports, the key over
// the class_followup rows f and the label of a key k.
var followupGroupSQL = map[string][2]string{
	"class":       {"f.class_id", "(SELECT c.class_no || ' ' || i.name FROM classes c JOIN institutions i ON i.id = c.institution_id WHERE c.id = k.key)"},
	"institution": {"f.institution_id", "(SELECT i.name FROM institutions i WHERE i.id = k.key)"},
	"occupation":  {"f.occupation_id", "coalesce((SELECT o.name FROM occupations o WHERE o.id = k.key), '（未定）')"},
	"year":        {"extract(year FROM f.end_date)::bigint", "k.key::text || '年'"},
}

// followupGroup is the grouping's SQL, by institution when unknown.
func followupGroup(by string) [2]string {
	if g, ok := followupGroupSQL[by]; ok {
		return g
	}
	return followupGroupSQL["institution"]
}

// followupYear limits the class_followup rows f to the classes that ended
// in year (0: every year).
func followupYear(w *where, year int) {
	if year > 0 {
		w.add("f.end_date >= ?::date", strconv.Itoa(year)+"-01-01")
		w.add("f.end_date < ?::date", strconv.Itoa(year+1)+"-01-01")
	}
}

// SurveyReport is the bureau's satisfaction per class, institution,
// occupation or year, for the classes that ended in year (0: all years),
// worst first, with the codes issued. Paged. It reads the per-class
// figures kept on write (class_followup, migration 00107), not the
// answers: the averages are those of every answer of the group.
func (s *Store) SurveyReport(ctx context.Context, a training.Actor, by SurveyGroup, year int, p Page) ([]training.SurveyStats, int, error) {
	if !a.IsBureau() {
		return nil, 0, training.ErrForbidden
	}
	g := followupGroup(string(by))
	w := where{}
	w.add("f.codes > 0")
	followupYear(&w, year)
	lim, off := w.arg(p.limit()), w.arg(p.offset())
	avg := func(col string) string {
		return "coalesce(round(sum(f." + col + ")::numeric / nullif(sum(f.answers), 0) * 10), 0)::int"
	}
	from := "class_followup"
	if by == SurveyByInstitution {
		// The sums per institution and year kept from class_followup
		// (migration 00116, the same columns): at most two rows an
		// institution, not every class grouped.
		from, w = "institution_followup_figures", where{}
		w.add("f.codes > 0")
		if year > 0 {
			w.add("f.year = ?", year)
		}
		lim, off = w.arg(p.limit()), w.arg(p.offset())
	}
	q := `WITH k AS (SELECT ` + g[0] + ` AS key, sum(f.codes)::int AS codes, sum(f.answers)::int AS answers,
			` + avg("overall") + ` AS overall, ` + avg("teaching") + ` AS teaching, ` + avg("venue") + ` AS venue,
			` + avg("organisation") + ` AS organisation, sum(f.satisfied)::int AS satisfied, count(*) OVER () AS total
		FROM ` + from + ` f` + w.sql() + `
		GROUP BY 1 ORDER BY sum(f.answers) = 0, 4, 1 LIMIT ` + lim + ` OFFSET ` + off + `)`
	if by == SurveyByClass {
		// A class is its own group: the page walks class_followup_rank_idx
		// in the report's order (migration 00110) instead of grouping and
		// sorting every class; the total counts the classes by index.
		one := func(col string) string {
			return "coalesce(round(f." + col + "::numeric / nullif(f.answers, 0) * 10), 0)::int"
		}
		q = `WITH k AS (SELECT f.class_id AS key, f.codes, f.answers, f.overall_rank AS overall, ` + one("teaching") + ` AS teaching,
				` + one("venue") + ` AS venue, ` + one("organisation") + ` AS organisation, f.satisfied,
				(SELECT count(*) FROM class_followup f` + w.sql() + `) AS total
			FROM class_followup f` + w.sql() + `
			ORDER BY f.answers = 0, f.overall_rank, f.class_id LIMIT ` + lim + ` OFFSET ` + off + `)`
	}
	rows, err := s.pool.Query(ctx, q+`
		SELECT k.key, `+g[1]+`, k.codes, k.answers, k.overall, k.teaching, k.venue, k.organisation, k.satisfied, k.total
		FROM k ORDER BY k.answers = 0, k.overall, k.key`, w.args...)
	if err != nil {
		return nil, 0, translate(err, "survey report")
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.SurveyStats, error) {
		var st training.SurveyStats
		err := row.Scan(&st.KeyID, &st.Key, &st.Codes, &st.Answers, &st.Overall, &st.Teaching, &st.Venue, &st.Organisation,
			&st.Satisfied, &total)
		return st, err
	})
	return list, total, translate(err, "survey report")
}

package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// SessionFilter narrows the exam-session list.
type SessionFilter struct {
	Status training.ExamSessionStatus // "" for every state
}

// sessionSorts are the list's sort keys; each ends in a unique column.
var sessionSorts = map[string]string{
	"date": "x.exam_date, x.id",
	"no":   "x.session_no",
}

// Sessions lists exam sessions a page at a time, in the page's sort (exam
// day when none is named): the bureau sees every session, a centre user those of their
// organisation. Institutions have their sessions on their applications'
// pages (an unpublished session is the centre's alone, EXAM-7).
func (s *Store) Sessions(ctx context.Context, a training.Actor, f SessionFilter, p Page) ([]training.SessionListRow, int, error) {
	var list []training.SessionListRow
	var total int
	err := s.sessionRows(ctx, a, f, p, &total, func(r training.SessionListRow) error {
		list = append(list, r)
		return nil
	})
	return list, total, err
}

// SessionsEach hands each every session of the list in the page's order
// (the list's .xlsx export).
func (s *Store) SessionsEach(ctx context.Context, a training.Actor, f SessionFilter, p Page, each func(training.SessionListRow) error) error {
	p.all = true
	var total int
	return s.sessionRows(ctx, a, f, p, &total, each)
}

func (s *Store) sessionRows(ctx context.Context, a training.Actor, f SessionFilter, p Page, total *int, each func(training.SessionListRow) error) error {
	var w where
	switch {
	case a.IsBureau():
	case a.IsCentre():
		w.add("x.eval_org_id = "+centreOrgSQL, a.UserID)
	default:
		return training.ErrForbidden
	}
	if f.Status != "" {
		w.add("x.status = ?", string(f.Status))
	}
	// The total counts the sessions alone (the organisation is on the
	// session, migration 00108: one index, no join), once, not the page's
	// five-table join per row.
	totalSQL := `(SELECT count(*) FROM exam_sessions x` + w.sql() + `)`
	if p.all {
		totalSQL = `0`
	}
	q := `SELECT x.id, x.session_no, x.exam_date, x.venue, x.status, x.retake, c.class_no, i.name, coalesce(o.name, ''), c.level, eo.name,
			(SELECT count(*) FROM exam_entries e WHERE e.session_id = x.id), ` + totalSQL + `
		FROM exam_sessions x JOIN exam_applications ap ON ap.id = x.application_id JOIN classes c ON c.id = ap.class_id
			JOIN institutions i ON i.id = ap.institution_id JOIN eval_orgs eo ON eo.id = ap.eval_org_id
			LEFT JOIN occupations o ON o.id = c.occupation_id` + w.sql() + orderBy(p, sessionSorts, "date")
	q += ` LIMIT ` + w.arg(p.limitArg()) + ` OFFSET ` + w.arg(p.offsetArg())
	rows, err := s.pool.Query(ctx, q, w.args...)
	if err != nil {
		return translate(err, "sessions")
	}
	err = forEach(rows, func(row pgx.CollectableRow) (training.SessionListRow, error) {
		var r training.SessionListRow
		var st string
		var level int16
		err := row.Scan(&r.ID, &r.No, &r.ExamDate, &r.Venue, &st, &r.Retake, &r.ClassNo, &r.InstitutionName, &r.OccupationName,
			&level, &r.EvalOrgName, &r.Candidates, total)
		r.Status, r.Level = training.ExamSessionStatus(st), training.Level(level)
		return r, err
	}, each)
	return translate(err, "sessions")
}

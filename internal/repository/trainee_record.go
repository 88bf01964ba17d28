package repository

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// A trainee's own record (issue 12): with the code from the agreement
// print-out (the agreement number) or the survey slip, plus the ID number,
// a trainee reads their own classes, attendance, results and certificates.
// Nothing about anyone else; a wrong pair reads as not found.

// TraineeOwnRecord finds the trainee by a code (agreement number or survey
// code) and the ID number; both must belong to the same person.
func (s *Store) TraineeOwnRecord(ctx context.Context, code, idNumber string) (training.OwnRecord, error) {
	var rec training.OwnRecord
	idNumber = training.NormalizeIDNumber(idNumber)
	code = strings.TrimSpace(code)
	if idNumber == "" || code == "" || len(code) > 40 {
		return rec, training.ErrNotFound
	}
	survey, _ := training.NormalizeSurveyCode(code)
	var traineeID int64
	var name string
	err := s.pool.QueryRow(ctx, `SELECT t.id, t.name FROM trainees t WHERE t.id_number = $1 AND EXISTS (
			SELECT 1 FROM enrolments e LEFT JOIN survey_codes sc ON sc.enrolment_id = e.id
			WHERE e.trainee_id = t.id AND (e.agreement_no = $2 OR sc.code = $3))`, idNumber, code, survey).Scan(&traineeID, &name)
	if err != nil {
		return rec, translate(err, "own record")
	}
	rec.Name = maskName(name)
	b := &pgx.Batch{}
	b.Queue(`SELECT c.class_no, c.institution_id, i.name, coalesce(o.name, ''), c.level, c.type, c.status, c.start_date, c.end_date,
			e.status = 'withdrawn', coalesce(ea.sessions_recorded, 0), coalesce(ea.sessions_attended, 0), coalesce(sc.code, ''),
			EXISTS (SELECT 1 FROM survey_answers sa WHERE sa.enrolment_id = e.id),
			coalesce((SELECT l.amount_fen - l.recovery_fen FROM subsidy_claim_lines l JOIN subsidy_claims sc2 ON sc2.id = l.claim_id
				WHERE l.enrolment_id = e.id AND l.status = 'active' AND sc2.status = 'paid'), 0)
		FROM enrolments e JOIN classes c ON c.id = e.class_id JOIN institutions i ON i.id = c.institution_id
		LEFT JOIN occupations o ON o.id = c.occupation_id LEFT JOIN enrolment_attendance ea ON ea.enrolment_id = e.id
		LEFT JOIN survey_codes sc ON sc.enrolment_id = e.id
		WHERE e.trainee_id = $1 ORDER BY c.start_date DESC NULLS LAST, c.id DESC`, traineeID).Query(func(rows pgx.Rows) error {
		var err error
		rec.Classes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.OwnClass, error) {
			var c training.OwnClass
			var typ, status string
			err := row.Scan(&c.ClassNo, &c.InstitutionID, &c.InstitutionName, &c.OccupationName, &c.Level, &typ, &status, &c.Start, &c.End,
				&c.Withdrawn, &c.Sessions, &c.Attended, &c.SurveyCode, &c.Surveyed, &c.SubsidyPaid)
			c.Type, c.Status = training.ClassType(typ), training.ClassStatus(status)
			return c, err
		})
		return err
	})
	b.Queue(`SELECT `+certificateColumns+` FROM certificates ce WHERE ce.id_number = $1 ORDER BY ce.issue_date, ce.id`, idNumber).
		Query(func(rows pgx.Rows) error {
			var err error
			rec.Certificates, err = pgx.CollectRows(rows, scanCertificate)
			return err
		})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return rec, translate(err, "own record")
	}
	for i := range rec.Certificates {
		rec.Certificates[i].IDNumber = training.MaskID(rec.Certificates[i].IDNumber)
	}
	rec.Results, err = s.PublicResults(ctx, name, idNumber)
	return rec, err
}

package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

func init() {
	constraintErrors["exam_candidates_override_check"] = [2]string{"candidates", training.RuleCandidateReason.Msg("所选学员", "未签订培训协议或出勤率低于规定")}
	constraintErrors["exam_candidates_reason_check"] = [2]string{"candidates", "申报理由过长（最多200字）"}
}

// candidateFacts loads, for each trainee still enrolled in a class, what
// the application's flags are decided on: the signed agreement (DELIV-1),
// the hours delivered in the sessions attended (kept on write in
// enrolment_attendance, migration 00035) against the class's planned hours, and the bureau's attendance threshold in force on the class's end
// date (DELIV-3), in one query.
func candidateFacts(ctx context.Context, q querier, classID int64) ([]training.CandidateFacts, error) {
	rows, err := q.Query(ctx, `SELECT e.id, t.name, e.agreement_date IS NOT NULL,
			coalesce(ea.hours_attended, 0),
			c.theory_hours + c.practical_hours,
			coalesce((SELECT th.percent FROM attendance_thresholds th WHERE th.valid_from <= coalesce(c.end_date, CURRENT_DATE)
				AND (th.valid_to IS NULL OR th.valid_to >= coalesce(c.end_date, CURRENT_DATE)) ORDER BY th.valid_from DESC LIMIT 1), 0)
		FROM enrolments e JOIN trainees t ON t.id = e.trainee_id JOIN classes c ON c.id = e.class_id
		LEFT JOIN enrolment_attendance ea ON ea.enrolment_id = e.id
		WHERE e.class_id = $1 AND e.status = 'enrolled' ORDER BY e.id`, classID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.CandidateFacts, error) {
		var f training.CandidateFacts
		var threshold int16
		err := row.Scan(&f.EnrolmentID, &f.Name, &f.HasAgreement, &f.AttendedHours, &f.PlannedHours, &threshold)
		f.Threshold = int(threshold)
		return f, err
	})
}

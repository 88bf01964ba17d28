package demo

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// The scale data of issue 12, loaded set-based after the classes and
// rosters: complaints (ten per institution: 20,000 at the default scale),
// a survey code for every trainee of a finished class with answers from
// about a third of them (500,000 at most), and an employment record at
// three months for every trainee due one (a twentieth left missing, a few
// spot-checked).
func init() {
	scaleLoaders = append(scaleLoaders, scaleLoader{"complaints_surveys", loadScalePublic})
	scaleTables = append(scaleTables, "complaints", "complaint_notes", "survey_codes", "survey_answers", "employment_records")
}

// surveyCodeSQL makes a survey code from an enrolment id: an affine map
// with an odd factor is a bijection on 50 bits, written in the survey
// alphabet, so codes are unique without a lookup.
const surveyCodeSQL = `(SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ',
	((((e.id * 1103515245 + 12345) & 1125899906842623) >> (5 * k)) & 31)::int + 1, 1), '' ORDER BY k) FROM generate_series(0, 9) k)`

func loadScalePublic(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	var total int64
	n := r.sc.Institutions * 10
	steps := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO complaints (tracking_no, institution_id, class_id, body, phone, name, status, received_at, due_date, assignee_id,
				assigned_at, forwarded_at, answer, answered_by, answered_at, outcome, closed_by, closed_at)
			SELECT 'TS' || to_char(x.at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(upper(to_hex(g)), 6, '0'),
				x.inst, NULL, '培训课时不足，实操设备不够用，希望核查。（规模测试数据 ' || g || '）',
				'139' || lpad((g % 100000000)::text, 8, '0'), CASE WHEN g % 3 = 0 THEN '' ELSE '学员' || g END,
				x.status, x.at, (x.at AT TIME ZONE 'Asia/Shanghai')::date + 21,
				CASE WHEN x.status <> 'received' THEN b.ids[1 + g % cardinality(b.ids)] END,
				CASE WHEN x.status <> 'received' THEN x.at + interval '1 day' END,
				CASE WHEN g % 3 <> 0 THEN x.at + interval '1 day' END,
				CASE WHEN x.status IN ('answered', 'closed') THEN '经核查，已责令机构补足课时。' ELSE '' END,
				CASE WHEN x.status IN ('answered', 'closed') THEN '规模测试' ELSE '' END,
				CASE WHEN x.status IN ('answered', 'closed') THEN x.at + interval '10 days' END,
				CASE WHEN x.status = 'closed' THEN (ARRAY['upheld', 'partly_upheld', 'not_upheld'])[1 + g % 3] END,
				CASE WHEN x.status = 'closed' THEN '规模测试' ELSE '' END,
				CASE WHEN x.status = 'closed' THEN x.at + interval '12 days' END
			FROM generate_series(1, $1::int) g
			CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM institutions WHERE status <> 'pending') i
			CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE role = 'bureau') b
			CROSS JOIN LATERAL (SELECT i.ids[1 + g % cardinality(i.ids)] AS inst, $2::timestamptz - (g % 400) * interval '1 day' AS at,
				CASE WHEN g % 400 >= 30 THEN 'closed' ELSE (ARRAY['received', 'handling', 'handling', 'answered'])[1 + g % 4] END AS status) x`,
			[]any{n, r.now}},
		{`INSERT INTO complaint_notes (complaint_id, kind, body, by_name, at)
			SELECT id, 'handling', '已电话联系机构核实。', '规模测试', received_at + interval '2 days' FROM complaints WHERE status <> 'received'`, nil},
		{`INSERT INTO survey_codes (enrolment_id, code, class_id, institution_id, created_at)
			SELECT e.id, ` + surveyCodeSQL + `, c.id, c.institution_id, c.end_date::timestamptz
			FROM enrolments e JOIN classes c ON c.id = e.class_id
			WHERE e.status = 'enrolled' AND c.status IN ('finished', 'assessment_applied', 'assessed', 'archived')`, nil},
		{`INSERT INTO survey_answers (enrolment_id, class_id, institution_id, overall, teaching, venue, organisation, comment, answered_at)
			SELECT sc.enrolment_id, sc.class_id, sc.institution_id,
				CASE WHEN sc.enrolment_id % 23 = 0 THEN 2 ELSE 3 + sc.enrolment_id % 3 END,
				CASE WHEN sc.enrolment_id % 19 = 0 THEN 1 ELSE 3 + (sc.enrolment_id / 3) % 3 END,
				2 + sc.enrolment_id % 4, 3 + (sc.enrolment_id / 7) % 3,
				CASE WHEN sc.enrolment_id % 50 = 0 THEN '希望增加实操课时。' ELSE '' END, sc.created_at + interval '3 days'
			FROM survey_codes sc WHERE sc.enrolment_id % 3 = 0 ORDER BY sc.enrolment_id LIMIT 500000`, nil},
		{`INSERT INTO employment_records (enrolment_id, class_id, institution_id, months, employed, self_employed, employer, start_date,
				recorded_by, recorded_at, check_result, checked_by, checked_at)
			SELECT e.id, c.id, c.institution_id, 3, e.id % 10 < 7, e.id % 10 = 6,
				CASE WHEN e.id % 10 < 6 THEN '临安某企业' || (e.id % 500) ELSE '' END,
				CASE WHEN e.id % 10 < 7 THEN c.end_date + (e.id % 60)::int END,
				'规模测试', (c.end_date + 95)::timestamptz,
				CASE WHEN e.id % 500 = 0 THEN 'confirmed' END, CASE WHEN e.id % 500 = 0 THEN '规模测试' ELSE '' END,
				CASE WHEN e.id % 500 = 0 THEN (c.end_date + 100)::timestamptz END
			FROM enrolments e JOIN classes c ON c.id = e.class_id
			WHERE e.status = 'enrolled' AND c.status IN ('finished', 'assessment_applied', 'assessed', 'archived')
				AND c.end_date <= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 92 AND e.id % 20 <> 0`,
			[]any{r.now}},
	}
	for _, s := range steps {
		tag, err := tx.Exec(ctx, s.sql, s.args...)
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
	}
	return total, nil
}

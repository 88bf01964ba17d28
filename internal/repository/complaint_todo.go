package repository

import "tianmu/internal/training"

// To-do items of issue 12 (SUP-2): the bureau's open complaints by due
// date (overdue first), and the complaints forwarded to an institution
// that it has not replied to yet.
func init() {
	todoSources = append(todoSources,
		// By the due date itself: the first lines come down
		// complaints_open_due_idx in order (class.review's comment).
		todoSource{Role: training.RoleBureau, Kind: "complaint.due", Label: "待答复的投诉（15个工作日内）", Href: "/complaints",
			Nav: "complaints", Due: "答复期限",
			SQL: `SELECT c.tracking_no || ' · ' || i.name, '/complaints/' || c.id, c.due_date,
					CASE WHEN c.due_date < $2::date THEN '已超期' WHEN c.assignee_id IS NULL THEN '未指定经办人' ELSE '' END,
					c.due_date
				FROM complaints c JOIN institutions i ON i.id = c.institution_id
				WHERE c.status IN ('received', 'handling')`,
			Count: `SELECT 1 FROM complaints c WHERE c.status IN ('received', 'handling')`},
		todoSource{Role: training.RoleInstitution, Kind: "complaint.forwarded", Label: "区人力社保局转来的投诉（待回复）", Href: "/complaints",
			Nav: "complaints", Due: "答复期限",
			SQL: `SELECT c.tracking_no || coalesce(' · ' || k.class_no, ''), '/complaints/' || c.id, c.due_date, '', c.forwarded_at
				FROM complaints c LEFT JOIN classes k ON k.id = c.class_id
				WHERE c.institution_id = $1 AND c.forwarded_at IS NOT NULL AND c.status <> 'closed'
					AND NOT EXISTS (SELECT 1 FROM complaint_notes n WHERE n.complaint_id = c.id AND n.kind = 'reply')`},
	)
}

package repository

import "tianmu/internal/training"

// To-do items of issue 13 (SUP-4, 第十六条): the institution's
// rectification orders to answer before their deadline and those already
// overdue; the bureau's answers to review and the overdue orders. The
// bureau's INST-4 cases are the registry's "institution.inactive" item
// (todo.go), which leads to the decision form on the supervision page.
func init() {
	const finding = `(SELECT it.text FROM inspection_findings f JOIN inspection_items it ON it.id = f.item_id WHERE f.id = o.finding_id)`
	todoSources = append(todoSources,
		todoSource{Role: training.RoleInstitution, Kind: "rectification.answer", Label: "待报送整改情况的整改通知", Href: "/institutions/{me}/supervision",
			Nav: "supervision", Due: "整改期限",
			SQL: `SELECT ` + finding + `, '/rectifications/' || o.id, o.due_on, o.requirement, o.due_on::timestamptz
				FROM rectification_orders o
				WHERE o.institution_id = $1 AND o.status = 'open' AND o.due_on >= $2::date`},
		todoSource{Role: training.RoleInstitution, Kind: "rectification.overdue", Label: "逾期未整改的整改通知", Href: "/institutions/{me}/supervision",
			Nav: "supervision", Due: "整改期限",
			SQL: `SELECT ` + finding + `, '/rectifications/' || o.id, o.due_on, '已逾期，请联系区人力社保局', o.due_on::timestamptz
				FROM rectification_orders o
				WHERE o.institution_id = $1 AND o.status = 'open' AND o.due_on < $2::date`},
		todoSource{Role: training.RoleBureau, Kind: "rectification.review", Label: "待验收的整改情况", Href: "/supervision",
			Nav: "supervision", Due: "整改期限",
			SQL: `SELECT i.name || ' · ' || ` + finding + `, '/rectifications/' || o.id, o.due_on, '', o.answered_at
				FROM rectification_orders o JOIN institutions i ON i.id = o.institution_id
				WHERE o.status = 'answered'`},
		todoSource{Role: training.RoleBureau, Kind: "rectification.overdue", Label: "逾期未整改的整改通知（可升级处理）", Href: "/supervision",
			Nav: "supervision", Due: "整改期限",
			SQL: `SELECT i.name || ' · ' || ` + finding + `, '/rectifications/' || o.id, o.due_on, '', o.due_on::timestamptz
				FROM rectification_orders o JOIN institutions i ON i.id = o.institution_id
				WHERE o.status = 'open' AND o.due_on < $2::date`},
	)
}

package repository

import "tianmu/internal/training"

// To-do items of subsidy claims (issue 11, SUB-3). The bureau: claims to
// review; claims to approve, only those this user may approve (four eyes:
// not the reviewer, nor anyone who returned or touched the claim); the
// objections to decide; the payments to record, re-issue or confirm. The
// institution: its returned claims, its claims paid in the last 30 days,
// the objections pending against its claims on notice.
func init() {
	const claimTitle = `sc.claim_no || ' · ' || i.name`
	const claimFrom = ` FROM subsidy_claims sc JOIN institutions i ON i.id = sc.institution_id`
	todoSources = append(todoSources,
		todoSource{Role: training.RoleBureau, Kind: "claim.review", Label: "待初审的补贴申领", Href: "/claims?status=submitted",
			Nav: "subsidy-claims", Due: "提交日期",
			SQL: `SELECT ` + claimTitle + `, '/claims/' || sc.id, sc.submitted_at::date, sc.lines || ' 人', sc.submitted_at` + claimFrom + `
				WHERE sc.status = 'submitted'`},
		todoSource{Role: training.RoleBureau, Kind: "claim.approve", Label: "待审批的补贴申领（非本人初审或处理）", Href: "/claims?status=reviewed",
			Nav: "subsidy-claims", Due: "初审日期",
			SQL: `SELECT ` + claimTitle + `, '/claims/' || sc.id, sc.reviewed_at::date, '初审：' || sc.reviewed_by, sc.reviewed_at` + claimFrom + `
				WHERE sc.status = 'reviewed' AND sc.lines > 0 AND sc.reviewed_by_id IS DISTINCT FROM $1 AND NOT ($1 = ANY (sc.touched_by))`},
		todoSource{Role: training.RoleBureau, Kind: "claim.objection", Label: "待处理的补贴公示异议", Href: "/claims?queue=1",
			Nav: "subsidy-claims", Due: "公示截止",
			SQL: `SELECT ` + claimTitle + ` || coalesce(' · ' || l.name, ''), '/claims/' || sc.id, sc.notice_until,
					CASE WHEN sc.status = 'objections' THEN '公示期满，待处理' ELSE '公示中' END, ob.filed_at
				FROM subsidy_claim_objections ob JOIN subsidy_claims sc ON sc.id = ob.claim_id JOIN institutions i ON i.id = sc.institution_id
				LEFT JOIN subsidy_claim_lines l ON l.id = ob.line_id
				WHERE ob.status = 'pending' AND sc.status IN ('notice', 'objections')`},
		todoSource{Role: training.RoleBureau, Kind: "claim.pay", Label: "待登记拨付或重新拨付的补贴申领", Href: "/claims?queue=1",
			Nav: "subsidy-claims", Due: "公示截止",
			SQL: `SELECT ` + claimTitle + ` || ' · ' || to_char(sc.total / 100.0, 'FM999,999,990.00') || ' 元', '/claims/' || sc.id, sc.notice_until,
					CASE WHEN sc.status = 'payment_failed' THEN '上次拨付失败，待重新拨付' ELSE '' END, sc.updated_at` + claimFrom + `
				WHERE sc.status IN ('payable', 'payment_failed') AND sc.lines > 0`},
		todoSource{Role: training.RoleBureau, Kind: "claim.confirm", Label: "已登记拨付待确认到账的补贴申领", Href: "/claims?status=payment_recorded",
			Nav: "subsidy-claims", Due: "拨付日期",
			SQL: `SELECT ` + claimTitle + `, '/claims/' || sc.id, p.paid_on, '批次 ' || p.batch_no, p.recorded_at` + claimFrom + `
				JOIN subsidy_claim_payments p ON p.claim_id = sc.id AND p.status = 'recorded'
				WHERE sc.status = 'payment_recorded'`},

		todoSource{Role: training.RoleInstitution, Kind: "claim.returned", Label: "被退回的补贴申领", Href: "/claims?status=returned",
			Nav: "subsidy-claims", Due: "退回日期",
			SQL: `SELECT sc.claim_no, '/claims/' || sc.id, sc.updated_at::date, sc.return_reason, sc.updated_at
				FROM subsidy_claims sc WHERE sc.institution_id = $1 AND sc.status = 'returned'`},
		todoSource{Role: training.RoleInstitution, Kind: "claim.paid", Label: "近30天已拨付到账的补贴申领", Href: "/claims?status=paid",
			Nav: "subsidy-claims", Due: "到账确认日期",
			SQL: `SELECT sc.claim_no || ' · ' || to_char(sc.total / 100.0, 'FM999,999,990.00') || ' 元', '/claims/' || sc.id, sc.paid_at::date, '',
					sc.paid_at
				FROM subsidy_claims sc WHERE sc.institution_id = $1 AND sc.status = 'paid' AND sc.paid_at >= $2::date - 30`},
		todoSource{Role: training.RoleInstitution, Kind: "claim.objection_filed", Label: "本机构补贴公示收到的异议（待区人力社保局处理）", Href: "/claims",
			Nav: "subsidy-claims", Due: "公示截止",
			SQL: `SELECT sc.claim_no || coalesce(' · ' || l.name, ''), '/claims/' || sc.id, sc.notice_until, '', ob.filed_at
				FROM subsidy_claim_objections ob JOIN subsidy_claims sc ON sc.id = ob.claim_id
				LEFT JOIN subsidy_claim_lines l ON l.id = ob.line_id
				WHERE sc.institution_id = $1 AND ob.status = 'pending' AND sc.status IN ('notice', 'objections')`},
	)
}

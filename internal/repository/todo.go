package repository

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// TodoShown is how many lines of each to-do item a home page lists.
const TodoShown = 5

// todoSource is one kind of to-do item: who sees it, what it is called,
// where the whole list is, and the query that finds the work.
//
// To add an item (see README, "To-do lists"): append a todoSource to
// todoSources with the role, a Kind, a Chinese Label, the list page (Href)
// (an institution's may hold {me}, its own id) and the navigation key
// (Nav) it adds its count to, and a query that
// returns the columns
//
//	title text, href text, due date (or NULL), note text, at timestamptz
//
// one row per piece of work, where "at" orders the rows (most urgent or
// oldest first). The query's parameters are fixed by role:
//
//	$1 bigint: the bureau or centre user's id, or the institution's id
//	$2 date:   today (Asia/Shanghai)
//
// An institution's query MUST carry institution_id = $1; a centre user's
// scope is their organisation (centreOrgSQL with $1). The registry wraps
// the query to count every row and keep the first TodoShown; every source
// of a role is read in the home page's one batch (queueTodos).
type todoSource struct {
	Role  training.Role
	Kind  training.TodoKind
	Label string
	Href  string
	Nav   string
	Due   string // what the date column means: 开班日期, 考试日期 ...
	SQL   string
	// Count, when set, counts the same items as SQL without the joins
	// that only name them (a count of SQL joined every row to its class
	// and institution first: the centre's 1,318 waiting applications took
	// 11 ms to count, 0.5 ms without).
	Count string
}

// countSQL is what counts the source's items.
func (src todoSource) countSQL() string {
	if src.Count != "" {
		return src.Count
	}
	return src.SQL
}

// centreOrgOf is the evaluation organisation of centre user $1.
const centreOrgOf = `coalesce((SELECT eval_org_id FROM users WHERE id = $1), (SELECT id FROM eval_orgs WHERE kind = 'centre'))`

const classTitle = `c.class_no || ' ' || coalesce(o.name, '未选工种')`

var todoSources = []todoSource{
	// Bureau.
	{Role: training.RoleBureau, Kind: "class.review", Label: "待审核的办班备案", Href: "/review", Nav: "review", Due: "开班日期",
		// Sorted by the start date itself (not cast to a time): the first
		// lines come down classes_status_urgency_idx in order, with an
		// incremental sort by link among equal days, not from all 611
		// filings of the province joined and sorted (3 ms).
		SQL: `SELECT ` + classTitle + ` || ' · ' || i.name, '/classes/' || c.id, c.start_date, '', c.start_date
			FROM classes c JOIN institutions i ON i.id = c.institution_id LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE c.status = 'submitted'`,
		Count: `SELECT 1 FROM classes c WHERE c.status = 'submitted'`},
	{Role: training.RoleBureau, Kind: "class.change", Label: "待审核的备案变更申请", Href: "/review", Nav: "review", Due: "开班日期",
		SQL: `SELECT ` + classTitle + ` || ' · ' || i.name, '/classes/' || c.id, c.start_date, ch.reason, ch.requested_at
			FROM class_changes ch JOIN classes c ON c.id = ch.class_id JOIN institutions i ON i.id = c.institution_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ch.status = 'pending'`},
	{Role: training.RoleBureau, Kind: "class.exception", Label: "待决定的超人数例外申请", Href: "/review", Nav: "review", Due: "开班日期",
		SQL: `SELECT ` + classTitle + ` || ' · ' || i.name || ' · 申请 ' || c.exception_asked || ' 人', '/classes/' || c.id, c.start_date,
				c.exception_reason, c.start_date::timestamptz
			FROM classes c JOIN institutions i ON i.id = c.institution_id LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE c.exception_asked > 0 AND c.exception_by = '' AND c.status <> 'cancelled'`},
	{Role: training.RoleBureau, Kind: "teacher.review", Label: "待审核入库的教师", Href: "/teachers?status=submitted", Nav: "teachers", Due: "提交日期",
		SQL: `SELECT t.name, '/teachers/' || t.id, t.submitted_at::date, '', t.submitted_at
			FROM teachers t WHERE t.status = 'submitted'`},
	{Role: training.RoleBureau, Kind: "textbook.review", Label: "待核准的教材", Href: "/textbooks?status=proposed", Nav: "textbooks", Due: "申报日期",
		SQL: `SELECT b.title || coalesce(' · ' || i.name, ''), '/textbooks/' || b.id, b.created_at::date, '', b.created_at
			FROM textbooks b LEFT JOIN institutions i ON i.id = b.proposed_by WHERE b.status = 'proposed'`},
	{Role: training.RoleBureau, Kind: "fee.review", Label: "待审批的收费申请", Href: "/fees?status=submitted", Nav: "claims", Due: "开班日期",
		SQL: `SELECT ` + classTitle + ` || ' · ' || i.name, '/classes/' || f.class_id || '/fees', f.class_start, '', f.class_start::timestamptz
			FROM fee_applications f JOIN classes c ON c.id = f.class_id JOIN institutions i ON i.id = f.institution_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE f.status = 'submitted'`},
	// INST-4 cases to decide: a line leads to the decision form.
	{Role: training.RoleBureau, Kind: "institution.inactive", Label: training.InactiveTodoLabel, Href: "/supervision", Nav: "institutions", Due: "最近开班/认定日期",
		SQL: `SELECT i.name, '/institutions/' || i.id || '/supervision?ground=inactivity#sanction', a.since, '', a.since::timestamptz
			FROM institution_activity a JOIN institutions i ON i.id = a.institution_id
			WHERE a.state = 'flagged' AND i.status = 'designated'`},

	// Institution: every query carries institution_id = $1.
	{Role: training.RoleInstitution, Kind: "class.draft", Label: "未提交的办班备案（草稿）", Href: "/classes?status=draft", Nav: "classes", Due: "开班日期",
		SQL: `SELECT ` + classTitle + `, '/classes/' || c.id || '/edit', c.start_date, '', coalesce(c.start_date::timestamptz, c.created_at)
			FROM classes c LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE c.institution_id = $1 AND c.status = 'draft'`},
	{Role: training.RoleInstitution, Kind: "class.returned", Label: "被退回的办班备案", Href: "/classes?status=returned", Nav: "classes", Due: "开班日期",
		SQL: `SELECT ` + classTitle + `, '/classes/' || c.id || '/edit', c.start_date, c.return_reason, coalesce(c.start_date::timestamptz, c.updated_at)
			FROM classes c LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE c.institution_id = $1 AND c.status = 'returned'`},
	{Role: training.RoleInstitution, Kind: "class.agreements", Label: "即将开班但未登记培训协议", Href: "/classes?status=approved", Nav: "classes", Due: "开班日期",
		SQL: `SELECT ` + classTitle + `, '/classes/' || c.id || '/agreements', c.start_date, n.missing || ' 名学员未登记协议', c.start_date::timestamptz
			FROM classes c LEFT JOIN occupations o ON o.id = c.occupation_id
			CROSS JOIN LATERAL (SELECT count(*) AS missing FROM enrolments e
				WHERE e.class_id = c.id AND e.status = 'enrolled' AND e.agreement_no IS NULL) n
			WHERE c.institution_id = $1 AND c.status = 'approved' AND c.start_date <= $2::date + 14 AND c.end_date >= $2::date
				AND n.missing > 0`},
	{Role: training.RoleInstitution, Kind: "session.attendance", Label: "已上课未登记考勤的课程", Href: "/classes?status=approved", Nav: "classes", Due: "上课日期",
		SQL: `SELECT ` + classTitle + ` || ' · 第 ' || cs.seq || ' 节', '/classes/' || c.id || '/sessions/' || cs.id || '/attendance', cs.day, '', cs.day::timestamptz
			FROM class_sessions cs JOIN classes c ON c.id = cs.class_id LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE c.institution_id = $1 AND c.status = 'approved' AND cs.day < $2::date
				AND NOT EXISTS (SELECT 1 FROM session_deliveries sd WHERE sd.session_id = cs.id)`},
	{Role: training.RoleInstitution, Kind: "application.returned", Label: "被退回的鉴定申报", Href: "/assessments?status=returned", Nav: "assessments", Due: "退回日期",
		SQL: `SELECT ` + classTitle + `, '/classes/' || c.id || '/assessment', ap.decided_at::date, ap.return_reason, ap.decided_at
			FROM exam_applications ap JOIN classes c ON c.id = ap.class_id LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ap.institution_id = $1 AND ap.status = 'returned'`},
	{Role: training.RoleInstitution, Kind: "results.published", Label: "近30天公布的考核成绩", Href: "/assessments", Nav: "assessments", Due: "公布日期",
		SQL: `SELECT ` + classTitle + ` || ' · 场次 ' || s.session_no, '/exam-sessions/' || s.id, s.published_at::date, '', s.published_at
			FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id JOIN classes c ON c.id = ap.class_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE s.institution_id = $1 AND s.status = 'published' AND s.published_at >= $2::date - 30`,
		Count: `SELECT 1 FROM exam_sessions s WHERE s.institution_id = $1 AND s.status = 'published' AND s.published_at >= $2::date - 30`},
	{Role: training.RoleInstitution, Kind: "teacher.returned", Label: "被退回的教师申报", Href: "/teachers", Nav: "teachers", Due: "退回日期",
		SQL: `SELECT t.name, '/teachers/' || t.id, t.reviewed_at::date, t.review_note, t.reviewed_at
			FROM teachers t JOIN teacher_institutions ti ON ti.teacher_id = t.id
			WHERE ti.institution_id = $1 AND t.status = 'returned'`},
	{Role: training.RoleInstitution, Kind: "fee.returned", Label: "被退回的收费申请", Href: "/fees", Nav: "claims", Due: "开班日期",
		SQL: `SELECT ` + classTitle + `, '/classes/' || f.class_id || '/fees', f.class_start, f.decision_note, f.class_start::timestamptz
			FROM fee_applications f JOIN classes c ON c.id = f.class_id LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE f.institution_id = $1 AND f.status = 'returned'
				AND NOT EXISTS (SELECT 1 FROM fee_applications g WHERE g.class_id = f.class_id AND g.id > f.id)`},

	// Centre: the user's organisation (centreOrgOf).
	{Role: training.RoleCentre, Kind: "application.accept", Label: "待受理的鉴定申报", Href: "/assessments?status=submitted", Nav: "assessments", Due: "申报日期",
		SQL: `SELECT ` + classTitle + ` || ' · ' || i.name, '/assessments/' || ap.id, ap.submitted_at::date, '', ap.submitted_at
			FROM exam_applications ap JOIN classes c ON c.id = ap.class_id JOIN institutions i ON i.id = ap.institution_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ap.eval_org_id = ` + centreOrgOf + ` AND ap.status = 'submitted'`,
		Count: `SELECT 1 FROM exam_applications ap WHERE ap.eval_org_id = ` + centreOrgOf + ` AND ap.status = 'submitted'`},
	// Applications that keep no live session (exam_applications.live_sessions,
	// kept by trigger, migration 00111), by their partial index: probing
	// each of the province's 15,000 accepted applications for a session
	// took 13 ms a count.
	{Role: training.RoleCentre, Kind: "session.schedule", Label: "已受理待安排考试", Href: "/assessments?status=accepted", Nav: "assessments", Due: "受理日期",
		SQL: `SELECT ` + classTitle + ` || ' · ' || i.name, '/assessments/' || ap.id || '/sessions/new', ap.decided_at::date, '', ap.decided_at
			FROM exam_applications ap JOIN classes c ON c.id = ap.class_id JOIN institutions i ON i.id = ap.institution_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ap.eval_org_id = ` + centreOrgOf + ` AND ap.status = 'accepted' AND ap.live_sessions = 0`,
		Count: `SELECT 1 FROM exam_applications ap WHERE ap.eval_org_id = ` + centreOrgOf + ` AND ap.status = 'accepted' AND ap.live_sessions = 0`},
	{Role: training.RoleCentre, Kind: "session.check", Label: "待核对考号和身份证的考试", Href: "/assessments", Nav: "assessments", Due: "考试日期",
		SQL: `SELECT ` + classTitle + ` || ' · 场次 ' || s.session_no, '/exam-sessions/' || s.id || '/check', s.exam_date, '', s.exam_date::timestamptz
			FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id JOIN classes c ON c.id = ap.class_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ap.eval_org_id = ` + centreOrgOf + ` AND s.status = 'scheduled' AND s.exam_date <= $2::date
				AND EXISTS (SELECT 1 FROM exam_entries x WHERE x.session_id = s.id AND x.checked_at IS NULL
					AND NOT x.theory_absent AND NOT x.practical_absent)`},
	{Role: training.RoleCentre, Kind: "session.score", Label: "待录入成绩的考试", Href: "/assessments", Nav: "assessments", Due: "考试日期",
		SQL: `SELECT ` + classTitle + ` || ' · 场次 ' || s.session_no, '/exam-sessions/' || s.id || '/scores', s.exam_date, '', s.exam_date::timestamptz
			FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id JOIN classes c ON c.id = ap.class_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ap.eval_org_id = ` + centreOrgOf + ` AND s.status = 'scheduled' AND s.exam_date <= $2::date`},
	// Four eyes (第十一条): only sessions the user entered or changed no score of.
	{Role: training.RoleCentre, Kind: "session.approve", Label: "待核准的考核成绩（非本人录入）", Href: "/assessments", Nav: "assessments", Due: "考试日期",
		SQL: `SELECT ` + classTitle + ` || ' · 场次 ' || s.session_no, '/exam-sessions/' || s.id, s.exam_date, '录入：' || s.entered_by, s.entered_at
			FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id JOIN classes c ON c.id = ap.class_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ap.eval_org_id = ` + centreOrgOf + ` AND s.status = 'scored'
				AND NOT EXISTS (SELECT 1 FROM exam_score_changes sc WHERE sc.session_id = s.id AND sc.user_id = $1)`},
	{Role: training.RoleCentre, Kind: "session.publish", Label: "已核准待公布的成绩", Href: "/assessments", Nav: "assessments", Due: "考试日期",
		SQL: `SELECT ` + classTitle + ` || ' · 场次 ' || s.session_no, '/exam-sessions/' || s.id, s.exam_date, '', s.approved_at
			FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id JOIN classes c ON c.id = ap.class_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ap.eval_org_id = ` + centreOrgOf + ` AND s.status = 'approved'`},
	{Role: training.RoleCentre, Kind: "amendment.confirm", Label: "待核准的成绩更正（非本人登记或录入）", Href: "/assessments", Nav: "assessments", Due: "登记日期",
		SQL: `SELECT ` + classTitle + ` || ' · 场次 ' || s.session_no || ' · ' || x.candidate_no, '/exam-sessions/' || s.id, am.amended_at::date, am.reason, am.amended_at
			FROM exam_amendments am JOIN exam_entries x ON x.id = am.entry_id JOIN exam_sessions s ON s.id = x.session_id
			JOIN exam_applications ap ON ap.id = s.application_id JOIN classes c ON c.id = ap.class_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE ap.eval_org_id = ` + centreOrgOf + ` AND am.status = 'pending' AND am.proposed_by_id IS DISTINCT FROM $1
				AND NOT EXISTS (SELECT 1 FROM exam_score_changes sc WHERE sc.session_id = s.id AND sc.user_id = $1)`},
}

// todoScope is the $1 of a role's to-do queries.
func todoScope(a training.Actor) (int64, bool) {
	switch {
	case a.IsBureau(), a.IsCentre():
		return a.UserID, true
	case a.IsInstitution():
		return a.InstitutionID, true
	}
	return 0, false
}

// queueTodos adds the actor's to-do queries to b: one statement per kind,
// each counting its rows and returning the first TodoShown, into l in the
// registry's order (kinds with nothing waiting are dropped when the batch
// is read). A home page's read method calls it inside its own batch.
func queueTodos(b *pgx.Batch, a training.Actor, today time.Time, l *training.TodoList) {
	scope, ok := todoScope(a)
	if !ok {
		return
	}
	l.Items = l.Items[:0]
	for _, src := range todoSources {
		if src.Role != a.Role {
			continue
		}
		src := src
		total := `count(*) OVER ()`
		if src.Count != "" {
			total = `(SELECT count(*) FROM (` + src.Count + `) AS n)`
		}
		b.Queue(`SELECT title, href, due, note, `+total+`
			FROM (`+src.SQL+`) AS t (title, href, due, note, at)
			WHERE $1::bigint IS NOT NULL AND $2::date IS NOT NULL
			ORDER BY at NULLS LAST, href LIMIT `+strconv.Itoa(TodoShown), scope, today).Query(func(rows pgx.Rows) error {
			it := training.TodoItem{Kind: src.Kind, Label: src.Label, Href: src.Href, Nav: src.Nav, Due: src.Due}
			if a.IsInstitution() {
				it.Href = strings.ReplaceAll(it.Href, "{me}", strconv.FormatInt(scope, 10))
			}
			var ln training.TodoLine
			var due *time.Time
			_, err := pgx.ForEachRow(rows, []any{&ln.Title, &ln.Href, &due, &ln.Note, &it.Count}, func() error {
				if due != nil {
					ln.Due = *due
				}
				it.Lines = append(it.Lines, ln)
				ln, due = training.TodoLine{}, nil
				return nil
			})
			if err == nil && it.Count > 0 {
				l.Items = append(l.Items, it)
			}
			return err
		})
	}
}

// TodoKinds lists the kinds of to-do items a role can have, in order (for
// tests and the README).
func TodoKinds(r training.Role) []training.TodoKind {
	var out []training.TodoKind
	for _, src := range todoSources {
		if src.Role == r {
			out = append(out, src.Kind)
		}
	}
	return out
}

// navCountSQL is, per role, one statement counting every to-do source of
// the role by navigation key (built once, after every file's init has
// added its sources).
var navCountSQL = sync.OnceValue(func() map[training.Role]string {
	parts := map[training.Role][]string{}
	for _, src := range todoSources {
		parts[src.Role] = append(parts[src.Role], `SELECT '`+src.Nav+`' AS nav, (SELECT count(*) FROM (`+src.countSQL()+`) AS t) AS n`)
	}
	out := map[training.Role]string{}
	for role, p := range parts {
		out[role] = `SELECT nav, sum(n)::int FROM (` + strings.Join(p, "\n UNION ALL ") + `) AS c
			WHERE $1::bigint IS NOT NULL AND $2::date IS NOT NULL GROUP BY nav`
	}
	return out
})

// NavCounts is the actor's to-do counts per navigation key, and under
// "home" their total, for the navigation of every page: the home page's
// to-do queries, counted only, in one statement (one round trip). A
// signed-out visitor, or a role without to-do items, gets nil.
func (s *Store) NavCounts(ctx context.Context, a training.Actor) (map[string]int, error) {
	scope, ok := todoScope(a)
	q := navCountSQL()[a.Role]
	if !ok || q == "" {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, q, scope, s.Today())
	if err != nil {
		return nil, translate(err, "navigation counts")
	}
	out := map[string]int{}
	var nav string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&nav, &n}, func() error {
		if n > 0 {
			if nav != "" {
				out[nav] += n
			}
			out["home"] += n
		}
		return nil
	})
	return out, translate(err, "navigation counts")
}

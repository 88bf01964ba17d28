package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// fixtures are the objects the pages ask for, found in the loaded data
// set once before the runs.
type fixtures struct {
	institutions, users, teachers, textbooks []int64
	occupation                               int64 // 中式烹调师, for the institution list's filter
	queueOcc                                 int64 // the occupation with the most filings waiting
	busyInst                                 int64 // the institution with the most filings
	classes                                  map[string][]int64
	benchClasses                             []benchClass
	files                                    [][2]int64 // teacher, scan
	eligible                                 string     // a /teachers/eligible query
	calDate                                  string
	// The district centre's applications and sessions.
	apps, accepted, scheduled, published, examiners []int64
	entries                                         [][2]int64 // a published session, one of its entries
	codes                                           []string   // certificate verification codes
	complaints                                      []int64    // the newest complaints (bureau)
	surveyCodes                                     []string   // survey codes (issue 12)
	own                                             map[int64]*ownFixtures
	// Supervision (issue 13): inspections with an evidence file, orders,
	// answered orders (with a file).
	inspections, orders, answered []int64
	inspectionFiles               [][2]int64
	evalYear                      int // the latest evaluated year (0: none)
	// Subsidy claims (issue 11): claims of about 500 lines, claims on
	// public notice, recorded payments.
	bigClaims, notices, payments []int64
}

// ownFixtures are one institution's objects.
type ownFixtures struct {
	classes, drafts, future, finished, teachers, apps, published []int64
	complaints                                                   []int64 // forwarded to the institution
	inspections, orders                                          []int64
	ledger                                                       []int64 // the largest class past training
	claims                                                       []int64 // its subsidy claims, newest first
	files                                                        [][2]int64
	bench                                                        *benchClass
}

// benchClass is a 50-trainee class in training (demo.ScaleBenchClasses):
// its first session, first enrolment and validated roster import.
type benchClass struct{ class, session, enrolment, job int64 }

func ids(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) ([]int64, error) {
	rows, _ := pool.Query(ctx, sql, args...)
	list, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, sql)
	}
	return list, nil
}

// pairs reads (key, value) rows into a map of lists.
func pairs(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) (map[int64][]int64, error) {
	rows, _ := pool.Query(ctx, sql, args...)
	out := map[int64][]int64{}
	var k, v int64
	_, err := pgx.ForEachRow(rows, []any{&k, &v}, func() error {
		out[k] = append(out[k], v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, sql)
	}
	return out, nil
}

// findFixtures reads the objects; insts are the signed-in institutions.
func findFixtures(ctx context.Context, pool *pgxpool.Pool, insts []int64) (*fixtures, error) {
	f := &fixtures{classes: map[string][]int64{}, own: map[int64]*ownFixtures{}}
	var err error
	lists := []struct {
		dst *[]int64
		sql string
	}{
		{&f.institutions, `SELECT id FROM institutions ORDER BY id`},
		{&f.users, `SELECT id FROM users ORDER BY id`},
		{&f.teachers, `SELECT id FROM teachers WHERE status = 'approved' ORDER BY id`},
		{&f.textbooks, `SELECT id FROM textbooks ORDER BY id`},
		{&f.apps, `SELECT ap.id FROM exam_applications ap JOIN eval_orgs o ON o.id = ap.eval_org_id WHERE o.kind = 'centre' ORDER BY ap.id`},
		{&f.accepted, `SELECT ap.id FROM exam_applications ap JOIN eval_orgs o ON o.id = ap.eval_org_id
			WHERE o.kind = 'centre' AND ap.status = 'accepted' ORDER BY ap.id`},
		{&f.scheduled, `SELECT s.id FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id
			JOIN eval_orgs o ON o.id = ap.eval_org_id WHERE o.kind = 'centre' AND s.status = 'scheduled' ORDER BY s.id`},
		{&f.examiners, `SELECT x.id FROM examiners x JOIN eval_orgs o ON o.id = x.eval_org_id WHERE o.kind = 'centre' ORDER BY x.id`},
		{&f.inspections, `SELECT id FROM inspections ORDER BY id DESC LIMIT 20000`},
		{&f.orders, `SELECT id FROM rectification_orders ORDER BY id DESC LIMIT 20000`},
		{&f.answered, `SELECT id FROM rectification_orders WHERE file_data IS NOT NULL ORDER BY id DESC LIMIT 20000`},
		{&f.bigClaims, `SELECT id FROM subsidy_claims WHERE lines BETWEEN 450 AND 550 ORDER BY id DESC LIMIT 2000`},
		{&f.notices, `SELECT id FROM subsidy_claims WHERE status = 'notice' ORDER BY id`},
		{&f.payments, `SELECT id FROM subsidy_claim_payments ORDER BY id DESC LIMIT 20000`},
		{&f.published, `SELECT s.id FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id
			JOIN eval_orgs o ON o.id = ap.eval_org_id WHERE o.kind = 'centre' AND s.status = 'published' ORDER BY s.id LIMIT 20000`},
	}
	for _, l := range lists {
		if *l.dst, err = ids(ctx, pool, l.sql); err != nil {
			return nil, err
		}
	}
	for name, sql := range map[string]string{
		"submitted": `SELECT id FROM classes WHERE status = 'submitted' ORDER BY id`,
		"approved":  `SELECT id FROM classes WHERE status = 'approved' AND start_date > current_date ORDER BY id`,
		"running":   `SELECT id FROM classes WHERE status = 'approved' AND start_date <= current_date ORDER BY id`,
		"assessed":  `SELECT id FROM classes WHERE status = 'assessed' ORDER BY id LIMIT 20000`,
	} {
		if f.classes[name], err = ids(ctx, pool, sql); err != nil {
			return nil, err
		}
	}
	if err := pool.QueryRow(ctx, `SELECT coalesce(max(year), 0) FROM evaluation_years WHERE status IN ('computed', 'published')`).Scan(&f.evalYear); err != nil {
		return nil, err
	}
	if err := pool.QueryRow(ctx, `SELECT id FROM occupations WHERE code = '4-03-02-01'`).Scan(&f.occupation); err != nil {
		return nil, fmt.Errorf("occupation 4-03-02-01: %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT occupation_id FROM classes WHERE status = 'submitted'
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).Scan(&f.queueOcc); err != nil {
		return nil, fmt.Errorf("no filing waiting for review: %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT institution_id FROM classes GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).Scan(&f.busyInst); err != nil {
		return nil, err
	}
	var level int
	var occ int64
	if err := pool.QueryRow(ctx, `SELECT occupation_id, level FROM teacher_certificates GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`).
		Scan(&occ, &level); err != nil {
		return nil, fmt.Errorf("no teacher certificate: %w", err)
	}
	f.eligible = fmt.Sprintf("/teachers/eligible?occupation=%d&level=%d&role=practical", occ, level)
	f.calDate = time.Now().AddDate(0, 0, 30).Format("2006-01-02")
	rows, _ := pool.Query(ctx, `SELECT teacher_id, id FROM teacher_files ORDER BY id`)
	var a, b int64
	if _, err := pgx.ForEachRow(rows, []any{&a, &b}, func() error {
		f.files = append(f.files, [2]int64{a, b})
		return nil
	}); err != nil {
		return nil, err
	}
	rows, _ = pool.Query(ctx, `SELECT inspection_id, id FROM inspection_files ORDER BY id DESC LIMIT 20000`)
	if _, err := pgx.ForEachRow(rows, []any{&a, &b}, func() error {
		f.inspectionFiles = append(f.inspectionFiles, [2]int64{a, b})
		return nil
	}); err != nil {
		return nil, err
	}
	rows, _ = pool.Query(ctx, `SELECT DISTINCT ON (x.session_id) x.session_id, x.id FROM exam_entries x
		WHERE x.session_id = ANY($1) ORDER BY x.session_id, x.id`, f.published)
	if _, err := pgx.ForEachRow(rows, []any{&a, &b}, func() error {
		f.entries = append(f.entries, [2]int64{a, b})
		return nil
	}); err != nil {
		return nil, err
	}
	rows, _ = pool.Query(ctx, `SELECT verify_code FROM certificates ORDER BY id LIMIT 20000`)
	if f.codes, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, err
	}
	if f.complaints, err = ids(ctx, pool, `SELECT id FROM complaints ORDER BY id DESC LIMIT 5000`); err != nil {
		return nil, err
	}
	rows, _ = pool.Query(ctx, `SELECT code FROM survey_codes ORDER BY enrolment_id DESC LIMIT 5000`)
	if f.surveyCodes, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, err
	}

	// The 50-trainee classes (approved, started, every agreement signed),
	// each with its first session, first enrolment and roster import.
	rows, _ = pool.Query(ctx, `SELECT DISTINCT ON (c.institution_id) c.institution_id, c.id, s.id,
			(SELECT min(e.id) FROM enrolments e WHERE e.class_id = c.id),
			coalesce((SELECT max(j.id) FROM import_jobs j WHERE j.class_id = c.id AND j.status = 'validated'), 0)
		FROM classes c JOIN class_sessions s ON s.class_id = c.id AND s.seq = 1
		WHERE c.status = 'approved' AND c.start_date <= current_date AND c.enrolled = 50
		ORDER BY c.institution_id, c.id`)
	bench := map[int64]benchClass{}
	var inst int64
	var bc benchClass
	if _, err := pgx.ForEachRow(rows, []any{&inst, &bc.class, &bc.session, &bc.enrolment, &bc.job}, func() error {
		bench[inst] = bc
		f.benchClasses = append(f.benchClasses, bc)
		return nil
	}); err != nil {
		return nil, err
	}

	for _, i := range insts {
		f.own[i] = &ownFixtures{}
	}
	perInst := []struct {
		set func(o *ownFixtures, l []int64)
		sql string
	}{
		{func(o *ownFixtures, l []int64) { o.classes = l }, `SELECT institution_id, id FROM classes WHERE institution_id = ANY($1) ORDER BY id`},
		{func(o *ownFixtures, l []int64) { o.drafts = l }, `SELECT institution_id, id FROM classes WHERE institution_id = ANY($1)
			AND status = 'draft' ORDER BY id`},
		{func(o *ownFixtures, l []int64) { o.future = l }, `SELECT institution_id, id FROM classes c WHERE institution_id = ANY($1)
			AND status = 'approved' AND start_date > current_date
			AND NOT EXISTS (SELECT 1 FROM class_changes ch WHERE ch.class_id = c.id AND ch.status = 'pending') ORDER BY id`},
		{func(o *ownFixtures, l []int64) { o.finished = l }, `SELECT institution_id, id FROM classes c WHERE institution_id = ANY($1)
			AND status = 'finished' AND NOT EXISTS (SELECT 1 FROM exam_applications ap WHERE ap.class_id = c.id) ORDER BY id`},
		{func(o *ownFixtures, l []int64) { o.teachers = l }, `SELECT ti.institution_id, t.id FROM teacher_institutions ti
			JOIN teachers t ON t.id = ti.teacher_id WHERE ti.institution_id = ANY($1) AND t.status = 'approved' ORDER BY t.id`},
		{func(o *ownFixtures, l []int64) { o.complaints = l }, `SELECT institution_id, id FROM complaints WHERE institution_id = ANY($1)
			AND forwarded_at IS NOT NULL ORDER BY id DESC`},
		{func(o *ownFixtures, l []int64) { o.inspections = l }, `SELECT institution_id, id FROM inspections WHERE institution_id = ANY($1) ORDER BY id`},
		{func(o *ownFixtures, l []int64) { o.orders = l }, `SELECT institution_id, id FROM rectification_orders WHERE institution_id = ANY($1) ORDER BY id`},
		// The institution's largest class past training (50 trainees
		// where there is one): its ledger page and workbook.
		{func(o *ownFixtures, l []int64) { o.ledger = l }, `SELECT DISTINCT ON (institution_id) institution_id, id FROM classes
			WHERE institution_id = ANY($1) AND status IN ('finished', 'assessment_applied', 'assessed', 'archived')
			ORDER BY institution_id, enrolled DESC, id`},
		{func(o *ownFixtures, l []int64) { o.claims = l }, `SELECT institution_id, id FROM subsidy_claims WHERE institution_id = ANY($1)
			ORDER BY id DESC`},
		{func(o *ownFixtures, l []int64) { o.apps = l }, `SELECT institution_id, id FROM exam_applications WHERE institution_id = ANY($1) ORDER BY id`},
		{func(o *ownFixtures, l []int64) { o.published = l }, `SELECT ap.institution_id, s.id FROM exam_sessions s
			JOIN exam_applications ap ON ap.id = s.application_id WHERE ap.institution_id = ANY($1) AND s.status = 'published' ORDER BY s.id`},
	}
	for _, q := range perInst {
		m, err := pairs(ctx, pool, q.sql, insts)
		if err != nil {
			return nil, err
		}
		for i, l := range m {
			q.set(f.own[i], l)
		}
	}
	rows, _ = pool.Query(ctx, `SELECT ti.institution_id, f.teacher_id, f.id FROM teacher_files f
		JOIN teacher_institutions ti ON ti.teacher_id = f.teacher_id WHERE ti.institution_id = ANY($1) ORDER BY f.id`, insts)
	var t, fid int64
	if _, err := pgx.ForEachRow(rows, []any{&inst, &t, &fid}, func() error {
		f.own[inst].files = append(f.own[inst].files, [2]int64{t, fid})
		return nil
	}); err != nil {
		return nil, err
	}
	for i, o := range f.own {
		if b, ok := bench[i]; ok {
			o.bench = &b
		}
	}
	return f, nil
}

// clientsFor are the clients of role that have something to ask on p
// (institutions without such an object sit the page out).
func clientsFor(p page, f *fixtures, byRole map[string][]*client) []*client {
	var out []*client
	for _, c := range byRole[string(p.role)] {
		if p.path(f, c, 0) != "" {
			out = append(out, c)
		}
	}
	return out
}

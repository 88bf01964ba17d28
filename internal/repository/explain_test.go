package repository_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// sqlRecorder keeps every statement a pool sends, with its arguments.
type sqlRecorder struct {
	mu   sync.Mutex
	list []recordedSQL
}

type recordedSQL struct {
	sql  string
	args []any
}

func (r *sqlRecorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	r.list = append(r.list, recordedSQL{d.SQL, d.Args})
	r.mu.Unlock()
	return ctx
}

func (r *sqlRecorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Statements sent in a batch (one round trip) are recorded one by one.
func (r *sqlRecorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (r *sqlRecorder) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.mu.Lock()
	r.list = append(r.list, recordedSQL{d.SQL, d.Args})
	r.mu.Unlock()
}

func (r *sqlRecorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (r *sqlRecorder) take() []recordedSQL {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.list
	r.list = nil
	return l
}

// bigTables must be reached through an index by every list query.
var bigTables = map[string]bool{"institutions": true, "users": true, "audit_log": true,
	"teachers": true, "teacher_institutions": true, "teacher_certificates": true,
	"classes": true, "class_sessions": true, "class_teachers": true, "class_textbooks": true, "class_versions": true,
	"class_delivery": true, "class_figures": true, "pass_figures": true, "shortfall_figures": true,
	"complaints": true}

// rosterTables grow with the enrolments: checked on the whole data set
// (TIANMU_SCALE_DATABASE_URL), where they are big; with the ten thousand
// enrolments of make test a sequential scan of them can be the right plan.
var rosterTables = map[string]bool{"trainees": true, "enrolments": true, "enrolment_attendance": true,
	"session_deliveries": true, "attendance": true, "exam_applications": true, "exam_candidates": true,
	"exam_sessions": true, "exam_entries": true, "certificates": true, "import_rows": true}

// seqScans lists the sequential scans on the checked tables anywhere in a
// JSON plan.
func seqScans(node map[string]any, checked func(string) bool) []string {
	var out []string
	if node["Node Type"] == "Seq Scan" && checked(fmt.Sprint(node["Relation Name"])) {
		out = append(out, fmt.Sprint(node["Relation Name"]))
	}
	if kids, ok := node["Plans"].([]any); ok {
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				out = append(out, seqScans(m, checked)...)
			}
		}
	}
	return out
}

// listCase is one list or report read of TestListQueriesUseIndexes.
type listCase struct {
	name   string
	search bool   // a substring search: sequential scans allowed
	allow  string // tables that may be read sequentially, comma-separated
	call   func() error
}

// TestListQueriesUseIndexes runs every list query of the repository on the
// scale data set (2,000 institutions, 20,000 accounts, vacuumed and
// analysed as LoadScale leaves them), records the SQL it sends, and checks
// with EXPLAIN that no plan reads institutions, users or audit_log
// sequentially: under both the custom plan (the first executions of a
// prepared statement) and the generic plan PostgreSQL may switch to after
// five.
//
// Substring searches (institution name, account name) are exempt: a
// "%家政%" match has to look at every row whatever the index, and at this
// size that is cheap (see bench/REPORT.md).
//
// With TIANMU_SCALE_DATABASE_URL naming a database loaded with the whole
// data set (`tianmu demo -scale`: two million enrolments), the test runs
// there instead, and checks the roster, attendance and assessment tables
// too.
func TestListQueriesUseIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the scale data set")
	}
	ctx := context.Background()
	url, full := os.Getenv("TIANMU_SCALE_DATABASE_URL"), true
	if url == "" {
		url, full = dbtest.URL(t), false
	}
	plain, err := repository.Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if !full {
		sc := demo.DefaultScale
		sc.Classes = 50000    // a year and a half: what make test has always loaded
		sc.Enrolments = 10000 // the rosters' queries are per class; keep the load short
		sc.Hash = password.Params{Memory: 64, Time: 1, Threads: 1}
		if err := demo.LoadScale(ctx, plain, sc, nil); err != nil {
			t.Fatal(err)
		}
	}
	checked := func(table string) bool { return bigTables[table] || full && rosterTables[table] }

	rec := &sqlRecorder{}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = rec
	cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Shanghai"
	traced, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer traced.Close()
	s := repository.New(traced, nil)

	var instID, occID int64
	if err := plain.QueryRow(ctx, `SELECT institution_id FROM audit_log WHERE entity = 'institution'
		GROUP BY institution_id ORDER BY count(*) DESC LIMIT 1`).Scan(&instID); err != nil {
		t.Fatal(err)
	}
	if err := plain.QueryRow(ctx, `SELECT occupation_id FROM institution_scopes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&occID); err != nil {
		t.Fatal(err)
	}
	bureau := training.Actor{UserID: 1, Role: training.RoleBureau}
	// The class lists: the institution with the most filings, the
	// occupation with the most filings waiting for review, a submitted
	// filing and an approved one.
	var classInst, classOcc, submittedID, approvedID int64
	if err := plain.QueryRow(ctx, `SELECT institution_id FROM classes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&classInst); err != nil {
		t.Fatal(err)
	}
	if err := plain.QueryRow(ctx, `SELECT occupation_id FROM classes WHERE status = 'submitted' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&classOcc); err != nil {
		t.Fatal(err)
	}
	if err := plain.QueryRow(ctx, `SELECT min(id) FILTER (WHERE status = 'submitted'), min(id) FILTER (WHERE status = 'approved')
		FROM classes WHERE institution_id = $1`, classInst).Scan(&submittedID, &approvedID); err != nil {
		t.Fatal(err)
	}
	own := training.Actor{UserID: 2, Role: training.RoleInstitution, InstitutionID: classInst}

	var cases []listCase
	instList := func(name string, f repository.InstitutionFilter, p repository.Page) {
		cases = append(cases, listCase{name: "institutions " + name, search: f.Name != "", call: func() error {
			_, _, err := s.Institutions(ctx, bureau, f, p)
			return err
		}})
	}
	userList := func(name string, f repository.UserFilter, p repository.Page) {
		cases = append(cases, listCase{name: "users " + name, search: f.Query != "", call: func() error {
			_, _, err := s.Users(ctx, bureau, f, p)
			return err
		}})
	}
	for _, sort := range []string{"name", "status", "created", "id"} {
		for _, desc := range []bool{false, true} {
			p := repository.Page{Number: 1, Sort: sort, Desc: desc}
			instList(fmt.Sprintf("sort=%s desc=%v", sort, desc), repository.InstitutionFilter{}, p)
			instList(fmt.Sprintf("status=designated sort=%s desc=%v", sort, desc), repository.InstitutionFilter{Status: training.InstDesignated}, p)
			instList(fmt.Sprintf("status=suspended sort=%s desc=%v", sort, desc), repository.InstitutionFilter{Status: training.InstSuspended}, p)
			instList(fmt.Sprintf("occupation sort=%s desc=%v", sort, desc), repository.InstitutionFilter{OccupationID: occID}, p)
			instList(fmt.Sprintf("name search sort=%s desc=%v", sort, desc), repository.InstitutionFilter{Name: "家政"}, p)
		}
	}
	instList("page=50", repository.InstitutionFilter{}, repository.Page{Number: 50})
	instList("status=designated page=30", repository.InstitutionFilter{Status: training.InstDesignated}, repository.Page{Number: 30})
	instList("credit code", repository.InstitutionFilter{Name: "52330185MK00000011"}, repository.Page{Number: 1})
	for _, sort := range []string{"username", "name", "role", "created", "login"} {
		for _, desc := range []bool{false, true} {
			p := repository.Page{Number: 1, Sort: sort, Desc: desc}
			userList(fmt.Sprintf("sort=%s desc=%v", sort, desc), repository.UserFilter{}, p)
			userList(fmt.Sprintf("role=bureau sort=%s desc=%v", sort, desc), repository.UserFilter{Role: training.RoleBureau}, p)
			userList(fmt.Sprintf("role=institution sort=%s desc=%v", sort, desc), repository.UserFilter{Role: training.RoleInstitution}, p)
			userList(fmt.Sprintf("institution sort=%s desc=%v", sort, desc), repository.UserFilter{InstitutionID: instID}, p)
		}
	}
	userList("page=500", repository.UserFilter{}, repository.Page{Number: 500})
	userList("institution, detail page", repository.UserFilter{InstitutionID: instID}, repository.Page{Size: 200})
	userList("search", repository.UserFilter{Query: "王"}, repository.Page{Number: 1})
	cases = append(cases, listCase{name: "institution history", call: func() error {
		_, _, err := s.InstitutionHistory(ctx, bureau, instID, repository.Page{Number: 1})
		return err
	}}, listCase{name: "institution history page 2", call: func() error {
		_, _, err := s.InstitutionHistory(ctx, bureau, instID, repository.Page{Number: 2})
		return err
	}})

	classList := func(name string, a training.Actor, f repository.ClassFilter, p repository.Page) {
		allow := ""
		if p.Sort == "institution" {
			// Sorting a filtered list by institution name joins the names
			// of the matches: for more than a few hundred the planner
			// rightly hashes all 2,000 institutions (about 1 ms) instead
			// of probing the primary key per filing.
			allow = "institutions"
		}
		cases = append(cases, listCase{name: "classes " + name, allow: allow, call: func() error {
			_, _, err := s.Classes(ctx, a, f, p)
			return err
		}})
	}
	classFilters := []struct {
		name string
		f    repository.ClassFilter
	}{
		{"all", repository.ClassFilter{}},
		{"status=submitted", repository.ClassFilter{Status: training.ClassSubmitted}},
		{"status=approved", repository.ClassFilter{Status: training.ClassApproved}},
		{"status=training", repository.ClassFilter{Status: training.ClassTraining}},
		{"status=finished", repository.ClassFilter{Status: training.ClassFinished}},
		{"status=draft", repository.ClassFilter{Status: training.ClassDraft}},
		{"institution", repository.ClassFilter{InstitutionID: classInst}},
		{"status=submitted institution", repository.ClassFilter{Status: training.ClassSubmitted, InstitutionID: classInst}},
		{"occupation", repository.ClassFilter{OccupationID: classOcc}},
		{"status=submitted occupation", repository.ClassFilter{Status: training.ClassSubmitted, OccupationID: classOcc}},
		{"type=startup", repository.ClassFilter{Type: training.TypeStartup}},
		{"status=submitted type=qualification", repository.ClassFilter{Status: training.ClassSubmitted, Type: training.TypeQualification}},
		{"pending change", repository.ClassFilter{PendingChange: true}},
	}
	for _, sort := range []string{"urgency", "start", "institution", "status", "created", "no"} {
		for _, desc := range []bool{false, true} {
			p := repository.Page{Number: 1, Sort: sort, Desc: desc}
			for _, cf := range classFilters {
				classList(fmt.Sprintf("%s sort=%s desc=%v", cf.name, sort, desc), bureau, cf.f, p)
			}
			classList(fmt.Sprintf("own sort=%s desc=%v", sort, desc), own, repository.ClassFilter{}, p)
			classList(fmt.Sprintf("own status=approved sort=%s desc=%v", sort, desc), own, repository.ClassFilter{Status: training.ClassApproved}, p)
		}
	}
	classList("page=20", bureau, repository.ClassFilter{}, repository.Page{Number: 20})
	classList("page=500", bureau, repository.ClassFilter{}, repository.Page{Number: 500})
	classList("status=submitted page=20", bureau, repository.ClassFilter{Status: training.ClassSubmitted}, repository.Page{Number: 20})
	classList("status=finished page=200", bureau, repository.ClassFilter{Status: training.ClassFinished}, repository.Page{Number: 200})
	classList("own page=5", own, repository.ClassFilter{}, repository.Page{Number: 5})
	// The filing page's reads.
	for _, id := range []int64{submittedID, approvedID} {
		for _, a := range []training.Actor{bureau, own} {
			cases = append(cases, listCase{name: fmt.Sprintf("class page %d as %s", id, a.Role), call: func() error {
				c, err := s.ClassByID(ctx, a, id)
				if err != nil {
					return err
				}
				if _, err := s.CheckClass(ctx, a, id); err != nil {
					return err
				}
				if _, err := s.ClassVersions(ctx, a, id); err != nil {
					return err
				}
				if _, _, err := s.ClassHistory(ctx, a, id, repository.Page{Number: 1}); err != nil {
					return err
				}
				var teachers []int64
				for _, t := range c.Plan.Teachers {
					teachers = append(teachers, t.TeacherID)
				}
				_, err = s.FilingNames(ctx, a, c.InstitutionID, teachers, c.Plan.TextbookIDs)
				return err
			}})
		}
	}

	more, err := reportCases(ctx, plain, s, bureau, own)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, more...)
	evals, err := evaluationCases(ctx, plain, s, rec, bureau)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, evals...)
	money, err := claimCases(ctx, plain, s, bureau)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, money...)

	conn, err := plain.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	explain := func(mode string, q recordedSQL) ([]string, string, error) {
		if _, err := conn.Exec(ctx, `SET plan_cache_mode = `+mode); err != nil {
			return nil, "", err
		}
		var raw []byte
		if err := conn.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+q.sql, q.args...).Scan(&raw); err != nil {
			return nil, "", err
		}
		var plans []map[string]any
		if err := json.Unmarshal(raw, &plans); err != nil || len(plans) == 0 {
			return nil, "", fmt.Errorf("explain output: %v", err)
		}
		root, _ := plans[0]["Plan"].(map[string]any)
		seqs := seqScans(root, checked)
		if len(seqs) == 0 {
			return nil, "", nil
		}
		// The text form reads better in a failure message.
		rows, _ := conn.Query(ctx, `EXPLAIN `+q.sql, q.args...)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, "", err
		}
		return seqs, strings.Join(lines, "\n"), nil
	}
	for _, c := range cases {
		rec.take()
		if err := c.call(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		stmts := rec.take()
		if len(stmts) == 0 {
			t.Fatalf("%s: no SQL recorded", c.name)
		}
		for _, q := range stmts {
			if word, _, _ := strings.Cut(strings.TrimSpace(q.sql), " "); strings.EqualFold(word, "begin") ||
				strings.EqualFold(word, "commit") || strings.EqualFold(word, "rollback") {
				continue
			}
			for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
				seqs, raw, err := explain(mode, q)
				if err != nil {
					t.Fatalf("%s: explain: %v\n%s", c.name, err, q.sql)
				}
				if c.allow != "" {
					seqs = slices.DeleteFunc(seqs, func(t string) bool { return slices.Contains(strings.Split(c.allow, ","), t) })
				}
				if len(seqs) > 0 && !c.search {
					t.Errorf("%s (%s): sequential scan on %s\nSQL: %s\nargs: %v\nplan: %s", c.name, mode,
						strings.Join(seqs, ", "), q.sql, q.args, raw)
				}
			}
		}
	}
	if _, err := conn.Exec(ctx, `RESET plan_cache_mode`); err != nil {
		t.Fatal(err)
	}
}

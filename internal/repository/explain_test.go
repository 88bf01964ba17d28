package repository_test

import (
	"context"
	"encoding/json"
	"fmt"
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

func (r *sqlRecorder) take() []recordedSQL {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.list
	r.list = nil
	return l
}

// bigTables must be reached through an index by every list query.
var bigTables = map[string]bool{"institutions": true, "users": true, "audit_log": true}

// seqScans lists the sequential scans on bigTables anywhere in a JSON plan.
func seqScans(node map[string]any) []string {
	var out []string
	if node["Node Type"] == "Seq Scan" && bigTables[fmt.Sprint(node["Relation Name"])] {
		out = append(out, fmt.Sprint(node["Relation Name"]))
	}
	if kids, ok := node["Plans"].([]any); ok {
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				out = append(out, seqScans(m)...)
			}
		}
	}
	return out
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
func TestListQueriesUseIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the scale data set")
	}
	ctx := context.Background()
	url := dbtest.URL(t)
	plain, err := repository.Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	sc := demo.DefaultScale
	sc.Hash = password.Params{Memory: 64, Time: 1, Threads: 1}
	if err := demo.LoadScale(ctx, plain, sc, nil); err != nil {
		t.Fatal(err)
	}

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
	if err := plain.QueryRow(ctx, `SELECT institution_id FROM audit_log GROUP BY institution_id ORDER BY count(*) DESC LIMIT 1`).Scan(&instID); err != nil {
		t.Fatal(err)
	}
	if err := plain.QueryRow(ctx, `SELECT occupation_id FROM institution_scopes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&occID); err != nil {
		t.Fatal(err)
	}
	bureau := training.Actor{UserID: 1, Role: training.RoleBureau}

	type listCase struct {
		name   string
		search bool // a substring search: sequential scans allowed
		call   func() error
	}
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
		seqs := seqScans(root)
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
			for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
				seqs, raw, err := explain(mode, q)
				if err != nil {
					t.Fatalf("%s: explain: %v\n%s", c.name, err, q.sql)
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

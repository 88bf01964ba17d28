package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"tianmu/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// River's schema comes from goose (migrations 00030, 00031, copied from
// River's own migration files). This checks the copy against what
// rivermigrate builds at the River version in go.mod, object by object,
// and that rivermigrate sees nothing left to apply: after an upgrade of
// River with a new migration, this fails until a goose migration brings it.
func TestRiverSchemaMatchesRivermigrate(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	driver := riverpgxv5.New(pool)
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil || !res.OK {
		t.Fatalf("rivermigrate finds River's schema out of date: %+v %v", res, err)
	}
	if _, err := pool.Exec(ctx, `CREATE SCHEMA rm`); err != nil {
		t.Fatal(err)
	}
	mr, err := rivermigrate.New(driver, &rivermigrate.Config{Schema: "rm"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mr.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		t.Fatal(err)
	}
	describe := func(schema string) []string {
		rows, err := pool.Query(ctx, `
			SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
				|| CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
				|| coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
				|| ' ' || c.relpersistence::text
			FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE n.nspname = $1 AND c.relname LIKE 'river%' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
			UNION ALL
			SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
			FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = $1 AND c.relname LIKE 'river%'
			UNION ALL
			SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename LIKE 'river%'
			UNION ALL
			SELECT 'function ' || p.proname || ' ' || pg_get_function_arguments(p.oid) || ' ' || md5(p.prosrc)
			FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname LIKE 'river%'
			UNION ALL
			SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
			FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
			WHERE n.nspname = $1 GROUP BY t.typname
			UNION ALL
			SELECT 'migration ' || line || ' ' || version FROM `+schema+`.river_migration`, schema)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			s = strings.ReplaceAll(strings.ReplaceAll(s, schema+".", ""), "public.", "")
			// Constraint and index names that River generates carry
			// nothing of the schema; sequence names in defaults do.
			out = append(out, s)
		}
		slices.Sort(out)
		return out
	}
	goose, river := describe("public"), describe("rm")
	if len(goose) < 40 {
		t.Fatalf("too little described: %d lines", len(goose))
	}
	if !slices.Equal(goose, river) {
		var diff []string
		for _, s := range goose {
			if !slices.Contains(river, s) {
				diff = append(diff, "- goose only: "+s)
			}
		}
		for _, s := range river {
			if !slices.Contains(goose, s) {
				diff = append(diff, "+ rivermigrate only: "+s)
			}
		}
		t.Fatalf("River's schema differs:\n%s", strings.Join(diff, "\n"))
	}
	t.Logf("%d objects compared", len(goose))
}

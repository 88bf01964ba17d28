package repository_test

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// noLengthNeeded are the text columns without a length CHECK, each with
// the reason it needs none (they take no free text a user types).
var noLengthNeeded = map[string]string{
	// Written by the system from the signed-in account (actorLabel) or
	// from values it made; never typed into a form.
	"*_by": "an account's label, set by the system", "audit_log.actor_name": "an account's label",
	"audit_log.actor_role": "a role code", "audit_log.action": "an action code", "audit_log.entity": "an entity code",
	"class_versions.actor_name": "an account's label", "teacher_equivalences.recorded_name": "an account's label",
	"complaint_notes.by_name": "an account's label",
	"classes.check_warnings":  "the rule book's warnings, joined by the system", "classes.class_no": "numbered by the system",
	"exam_candidates.flags": "flag codes", "exam_entries.candidate_no": "numbered by the system",
	"exam_sessions.session_no": "numbered by the system", "subsidy_claims.claim_no": "numbered by the system",
	"complaints.tracking_no": "numbered by the system", "certificates.cert_no": "numbered by the system",
	"certificates.verify_code": "made by the system", "survey_codes.code": "made by the system",
	"certificates.issuer": "copied from an evaluation organisation's name (100)",
	"certificates.name":   "copied from the trainee's name (50)", "certificates.occupation_code": "copied from occupations",
	"certificates.occupation_name": "copied from occupations (100)", "certificates.id_number": "copied from the trainee",
	"import_jobs.message": "the system's report of a validation", "sessions.token": "scs session token",
	"login_throttle.key": "made by the system (an account or address key)", "server_secrets.name": "a fixed name",
	"users.password_hash":          "a PHC string made by the system",
	"complaint_files.content_type": "sniffed by the system", "teacher_files.content_type": "sniffed by the system",
	"occupations.code": "reference data (unique key)", "employment_records.check_result": "a result code",
	"complaints.outcome":      "an outcome code",
	"sanctions.status_before": "an institution status copied by the system", "sanctions.status_after": "an institution status copied by the system",
	"class_counts.status": "a counter kept by triggers", "exam_application_counts.status": "a counter kept by triggers",
	"class_figures.dim": "a counter kept by triggers", "class_figures.key": "a counter kept by triggers",
	"pass_figures.dim": "a counter kept by triggers", "pass_figures.key": "a counter kept by triggers",
	"complaint_counts.status": "a counter kept by triggers",
	"enrolments.agreement_no": "checked by DecideAgreements (40) and kept unique",
	// An uploaded roster's rows as read, kept to report their problems:
	// bounded by the file's limits and checked before they become trainees.
	"import_rows.name": "raw row of an upload", "import_rows.employer": "raw row of an upload",
	"import_rows.employment": "raw row of an upload", "import_rows.hukou": "raw row of an upload",
	"import_rows.id_number": "raw row of an upload", "import_rows.phone": "raw row of an upload",
	"import_rows.sex": "raw row of an upload", "import_rows.target_group": "raw row of an upload",
	// Copies of trainees' names and ID numbers into claims (checked at the source).
	"subsidy_claim_exclusions.id_number": "copied from the trainee", "subsidy_claim_lines.id_number": "copied from the trainee",
	"subsidy_claim_lines.cert_no": "copied from the certificate", "exam_examiners.id_number": "checked as an ID number",
	"examiners.id_number": "checked as an ID number",
}

// TestTextLimitsMatchSchema: every limit of training.TextLimits is a CHECK
// with the same number in the migrated schema, and every text column of
// the schema has a limit, another CHECK (a format or a list of codes), or a
// reason above to need none.
func TestTextLimitsMatchSchema(t *testing.T) {
	pool := dbtest.Pool(t)
	rows, err := pool.Query(context.Background(), `
		SELECT c.table_name, c.column_name,
			coalesce((SELECT string_agg(pg_get_constraintdef(k.oid), ' | ') FROM pg_constraint k
				JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
				WHERE k.contype = 'c' AND k.conrelid = format('%I.%I', c.table_schema, c.table_name)::regclass
					AND a.attname = c.column_name), '')
		FROM information_schema.columns c
		JOIN information_schema.tables tt USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND tt.table_type = 'BASE TABLE'
			AND c.data_type IN ('text', 'character varying') AND c.table_name NOT LIKE 'river%'
		ORDER BY 1, 2`)
	must(t, err)
	checks := map[string]string{}
	for rows.Next() {
		var table, col, defs string
		must(t, rows.Scan(&table, &col, &defs))
		checks[table+"."+col] = defs
	}
	must(t, rows.Err())

	for col, l := range training.TextLimits {
		defs, ok := checks[col]
		if !ok {
			t.Errorf("%s: in training.TextLimits but not a text column of the schema", col)
			continue
		}
		name := col[strings.IndexByte(col, '.')+1:]
		re := regexp.MustCompile(`(?:char_)?length\((?:btrim\()?` + name + `\)?\) <= (\d+)`)
		m := re.FindStringSubmatch(defs)
		if m == nil {
			t.Errorf("%s: no length CHECK in the schema (limit %d in training.TextLimits)", col, l.Max)
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n != l.Max {
			t.Errorf("%s: the schema's CHECK says %d, training.TextLimits %d", col, n, l.Max)
		}
	}
	var missing []string
	for col, defs := range checks {
		_, limited := training.TextLimits[col]
		_, allowed := noLengthNeeded[col]
		if limited || allowed || defs != "" || strings.HasSuffix(col, "_by") {
			continue
		}
		missing = append(missing, col)
	}
	sort.Strings(missing)
	for _, col := range missing {
		t.Errorf("%s: a text column without a length CHECK: add it to training.TextLimits and a migration, or to noLengthNeeded with the reason", col)
	}
}

// A length CHECK the database refuses reaches the user as the field's
// label and limit (422), whatever path the text came by.
func TestTranslateLengthCheck(t *testing.T) {
	pool := dbtest.Pool(t)
	_, err := pool.Exec(context.Background(), `DO $$ BEGIN RAISE check_violation USING CONSTRAINT = 'classes_venue_len'; END $$`)
	v, ok := training.AsValidation(repository.Translate(err, "test"))
	if !ok || len(v.General) != 1 || v.General[0] != "培训场地过长（最多200字）" {
		t.Fatalf("%v", repository.Translate(err, "test"))
	}
}

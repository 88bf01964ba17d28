package demo

import (
	"context"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestLoadScaleClasses loads a small scale data set and checks that the
// filings are what the bench pages need: a review queue, approved classes
// not yet started, finished ones, their versions and history, and a class
// number sequence that continues after the loaded ones.
func TestLoadScaleClasses(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	sc := Scale{Institutions: 60, Users: 400, Teachers: 400, Textbooks: 40, Classes: 3000, Now: now,
		Hash: password.Params{Memory: 64, Time: 1, Threads: 1}}
	start := time.Now()
	if err := LoadScale(ctx, pool, sc, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadScale took %v", time.Since(start))
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM classes`); n != sc.Classes {
		t.Errorf("classes: %d, want %d", n, sc.Classes)
	}
	for _, st := range []string{"submitted", "approved", "draft", "returned", "cancelled", "finished", "archived"} {
		if count(`SELECT count(*) FROM classes WHERE status = $1`, st) == 0 {
			t.Errorf("no %s class", st)
		}
	}
	if n := count(`SELECT count(*) FROM classes WHERE status = 'submitted' AND start_date <= $1`, now); n != 0 {
		t.Errorf("%d submitted classes have started", n)
	}
	if n := count(`SELECT count(*) FROM classes c WHERE status NOT IN ('draft', 'cancelled')
		AND NOT EXISTS (SELECT 1 FROM class_teachers ct WHERE ct.class_id = c.id)`); n != 0 {
		t.Errorf("%d filings without teachers", n)
	}
	if n := count(`SELECT count(*) FROM classes c WHERE status NOT IN ('draft', 'returned', 'cancelled')
		AND (SELECT count(*) FROM class_versions v WHERE v.class_id = c.id) = 0`); n != 0 {
		t.Errorf("%d submitted or approved filings without versions", n)
	}
	if n := count(`SELECT count(*) FROM class_sessions s JOIN classes c ON c.id = s.class_id
		WHERE s.day < c.start_date OR s.day > c.end_date`); n != 0 {
		t.Errorf("%d sessions outside their class's dates", n)
	}
	if n := count(`SELECT count(*) FROM classes c WHERE theory_hours + practical_hours <>
		(SELECT coalesce(sum(hours), 0) FROM class_sessions s WHERE s.class_id = c.id)`); n != 0 {
		t.Errorf("%d classes whose hours do not add up", n)
	}
	if count(`SELECT count(*) FROM class_changes WHERE status = 'pending'`) == 0 {
		t.Error("no pending change request")
	}

	// The loaded filings read and check like any other; a new one gets the
	// next number.
	s := repository.New(pool, func() time.Time { return now })
	bureau := training.Actor{UserID: 1, Role: training.RoleBureau}
	var id, inst int64
	if err := pool.QueryRow(ctx, `SELECT id, institution_id FROM classes WHERE status = 'submitted' ORDER BY id LIMIT 1`).Scan(&id, &inst); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClassByID(ctx, bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Plan.Sessions) < 4 || len(c.Plan.Teachers) < 1 || len(c.Plan.TextbookIDs) < 1 {
		t.Errorf("submitted filing's plan: %d sessions, %d teachers, %d textbooks", len(c.Plan.Sessions), len(c.Plan.Teachers), len(c.Plan.TextbookIDs))
	}
	if _, err := s.CheckClass(ctx, bureau, id); err != nil {
		t.Fatal(err)
	}
	vs, err := s.ClassVersions(ctx, bureau, id)
	if err != nil || len(vs) != 1 || len(vs[0].Plan.Sessions) != len(c.Plan.Sessions) {
		t.Errorf("versions: %d, %v", len(vs), err)
	}
	if h, _, err := s.ClassHistory(ctx, bureau, id, repository.Page{Number: 1}); err != nil || len(h) != 2 {
		t.Errorf("history: %d entries, %v", len(h), err)
	}
	if _, err := pool.Exec(ctx, `UPDATE institutions SET status = 'designated' WHERE id = $1`, inst); err != nil {
		t.Fatal(err)
	}
	newID, err := s.CreateClass(ctx, training.Actor{UserID: 1, Role: training.RoleInstitution, InstitutionID: inst}, training.Plan{})
	if err != nil {
		t.Fatal(err)
	}
	var no string
	if err := pool.QueryRow(ctx, `SELECT class_no FROM classes WHERE id = $1`, newID).Scan(&no); err != nil {
		t.Fatal(err)
	}
	if want := "BB2026003001"; no != want {
		t.Errorf("new class number %s, want %s", no, want)
	}
}

// TestLoadScaleEnrolments checks the rosters: classes.enrolled matches the
// roster, the bench classes have 50 trainees with agreements, nobody is on
// two overlapping classes of the same occupation and level, people come
// back, and finished classes have attendance.
func TestLoadScaleEnrolments(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	sc := Scale{Institutions: 60, Users: 400, Teachers: 400, Textbooks: 40, Classes: 1000, Enrolments: 15000, Now: now,
		Hash: password.Params{Memory: 64, Time: 1, Threads: 1}}
	if err := LoadScale(ctx, pool, sc, nil); err != nil {
		t.Fatal(err)
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	enrolments := count(`SELECT count(*) FROM enrolments`)
	if enrolments < sc.Enrolments*8/10 || enrolments > sc.Enrolments*11/10 {
		t.Errorf("enrolments: %d, want about %d", enrolments, sc.Enrolments)
	}
	if n := count(`SELECT count(*) FROM trainees`); n < enrolments/2 || n > enrolments*7/10 {
		t.Errorf("trainees: %d for %d enrolments", n, enrolments)
	}
	if n := count(`SELECT count(*) FROM classes c WHERE enrolled <> (SELECT count(*) FROM enrolments e
		WHERE e.class_id = c.id AND e.status = 'enrolled')`); n != 0 {
		t.Errorf("%d classes whose enrolled is not their roster", n)
	}
	if n := count(`SELECT count(*) FROM classes c WHERE status = 'approved' AND start_date <= $1 AND enrolled = 50
		AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.class_id = c.id AND e.agreement_no IS NULL)`, now); n == 0 {
		t.Error("no started class with 50 trainees and their agreements")
	}
	if n := count(`SELECT count(*) FROM enrolments a JOIN enrolments b ON a.trainee_id = b.trainee_id AND a.id < b.id
		JOIN classes ca ON ca.id = a.class_id JOIN classes cb ON cb.id = b.class_id
		WHERE ca.occupation_id = cb.occupation_id AND ca.level = cb.level
		AND ca.start_date <= cb.end_date AND cb.start_date <= ca.end_date`); n != 0 {
		t.Errorf("%d pairs of overlapping enrolments of one person", n)
	}
	if n := count(`SELECT count(*) FROM (SELECT trainee_id FROM enrolments GROUP BY 1 HAVING count(*) > 1) x`); n == 0 {
		t.Error("nobody has more than one enrolment")
	}
	if n := count(`SELECT count(*) FROM attendance`); n == 0 {
		t.Error("no attendance")
	}
	if n := count(`SELECT count(*) FROM session_deliveries d JOIN class_sessions s ON s.id = d.session_id
		WHERE s.class_id <> d.class_id`); n != 0 {
		t.Errorf("%d deliveries on another class's session", n)
	}
	// The ledger facts filled once at the end of the load
	// (fill_class_ledger_facts, migrations 00115 and 00117) are what the portal keeps
	// class by class (class_ledger_facts_of), and they count something.
	if n := count(`SELECT count(*) FROM class_ledger_facts_of(ARRAY(SELECT id FROM classes)) f
		FULL JOIN class_ledger_facts t ON t.class_id = f.class_id
		WHERE (coalesce(t.enrolled, 0), coalesce(t.agreed, 0), coalesce(t.applied, false), coalesce(t.results, 0),
			coalesce(t.tracked, false), coalesce(t.filed, false), coalesce(t.passes, 0), coalesce(t.claimed, 0))
			IS DISTINCT FROM (f.enrolled, f.agreed, f.applied, f.results, f.tracked, f.filed, f.passes, f.claimed)`); n != 0 {
		t.Errorf("%d classes whose loaded ledger facts differ from class_ledger_facts_of", n)
	}
	if n := count(`SELECT count(*) FROM class_ledger_facts WHERE passes > 0`); n == 0 {
		t.Error("no ledger facts with passes after the load")
	}
	if n := count(`SELECT count(*) FROM class_ledger_facts WHERE enrolled > 0 AND agreed > 0`); n == 0 {
		t.Error("no ledger facts with a roster and agreements after the load")
	}
	// The delivery figures the loader wrote are what the portal's own
	// functions (kept on write, migration 00035) compute from the records.
	for _, q := range []string{`CREATE TEMP TABLE loaded_cd AS SELECT * FROM class_delivery`,
		`CREATE TEMP TABLE loaded_ea AS SELECT * FROM enrolment_attendance`,
		`SELECT refresh_class_delivery(array_agg(id)) FROM classes`,
		`SELECT refresh_enrolment_attendance(array_agg(id)) FROM enrolments`} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if n := count(`SELECT count(*) FROM ((SELECT * FROM class_delivery EXCEPT SELECT * FROM loaded_cd)
		UNION ALL (SELECT * FROM loaded_cd EXCEPT SELECT * FROM class_delivery)) x`); n != 0 {
		t.Errorf("%d class_delivery rows differ from refresh_class_delivery", n)
	}
	if n := count(`SELECT count(*) FROM ((SELECT * FROM enrolment_attendance EXCEPT SELECT * FROM loaded_ea)
		UNION ALL (SELECT * FROM loaded_ea EXCEPT SELECT * FROM enrolment_attendance)) x`); n != 0 {
		t.Errorf("%d enrolment_attendance rows differ from refresh_enrolment_attendance", n)
	}
	// What the report must find is there: short, off the filing, finished
	// without any attendance.
	for what, q := range map[string]string{"short": `short > 0`, "off the filing": `off_plan > 0`,
		"finished without attendance": `NOT running AND held = 0`} {
		if count(`SELECT count(*) FROM class_delivery WHERE `+q) == 0 {
			t.Errorf("no class %s", what)
		}
	}
	// Assessment: applications waiting and decided, published sessions,
	// a certificate for every pass, readable through the repository.
	for what, q := range map[string]string{
		"application waiting":  `SELECT count(*) FROM exam_applications WHERE status = 'submitted'`,
		"session scheduled":    `SELECT count(*) FROM exam_sessions WHERE status = 'scheduled'`,
		"session published":    `SELECT count(*) FROM exam_sessions WHERE status = 'published'`,
		"social organisation":  `SELECT count(*) FROM exam_applications ap JOIN eval_orgs o ON o.id = ap.eval_org_id WHERE o.kind = 'social'`,
		"certificate":          `SELECT count(*) FROM certificates`,
		"failed candidate":     `SELECT count(*) FROM exam_entries WHERE outcome = 'fail'`,
		"examiner from a pool": `SELECT count(*) FROM exam_examiners x JOIN examiners p ON p.id = x.examiner_id AND p.id_number = x.id_number`,
	} {
		if count(q) == 0 {
			t.Errorf("no %s", what)
		}
	}
	if n := count(`SELECT count(*) FROM exam_entries x LEFT JOIN certificates c ON c.entry_id = x.id
		WHERE (x.outcome = 'pass') <> (c.id IS NOT NULL)`); n != 0 {
		t.Errorf("%d entries whose certificate does not follow the outcome", n)
	}
	if n := count(`SELECT count(*) FROM classes c JOIN exam_applications ap ON ap.class_id = c.id
		WHERE NOT (c.status = 'assessment_applied' AND ap.status IN ('submitted', 'accepted')
			OR c.status = 'assessed' AND ap.status = 'accepted' OR c.status = 'archived' AND ap.status = 'archived')`); n != 0 {
		t.Errorf("%d applications whose status does not fit their class", n)
	}
	s := repository.New(pool, func() time.Time { return now })
	var centreID, sessionID int64
	var code string
	if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, ScaleCentreUsername(0)).Scan(&centreID); err != nil {
		t.Fatal(err)
	}
	centre := training.Actor{UserID: centreID, Role: training.RoleCentre}
	if err := pool.QueryRow(ctx, `SELECT s.id, c.verify_code FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id
		JOIN eval_orgs o ON o.id = ap.eval_org_id JOIN exam_entries x ON x.session_id = s.id JOIN certificates c ON c.entry_id = x.id
		WHERE o.kind = 'centre' ORDER BY s.id LIMIT 1`).Scan(&sessionID, &code); err != nil {
		t.Fatal(err)
	}
	if x, err := s.SessionByID(ctx, centre, sessionID); err != nil || len(x.Entries) == 0 {
		t.Errorf("session %d: %v", sessionID, err)
	}
	if cert, err := s.CertificateByCode(ctx, code); err != nil || cert.Revoked {
		t.Errorf("certificate %s: %+v %v", code, cert, err)
	}
	// New rows continue the reserved ids.
	for _, table := range []string{"trainees", "enrolments", "class_sessions"} {
		if n := count(`SELECT count(*) FROM `+table+` WHERE id > (SELECT last_value FROM pg_sequences
			WHERE sequencename = $1)`, table+"_id_seq"); n != 0 {
			t.Errorf("%s: %d ids past the sequence", table, n)
		}
	}
}

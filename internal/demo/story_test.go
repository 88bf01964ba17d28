package demo

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestStoryHoldsOnAnyDay loads the demo on days around weekends and
// holidays (and in a year the calendar does not hold) and checks, from the
// database, that it tells one consistent story.
func TestStoryHoldsOnAnyDay(t *testing.T) {
	sh := repository.Shanghai
	days := map[string]time.Time{
		"monday (the tests' day)":           time.Date(2026, 3, 2, 9, 0, 0, 0, sh),
		"spring festival holiday":           time.Date(2026, 2, 17, 10, 0, 0, 0, sh),
		"national day holiday, sunday":      time.Date(2026, 10, 4, 15, 0, 0, 0, sh),
		"first working day after may day":   time.Date(2026, 5, 6, 8, 0, 0, 0, sh),
		"saturday":                          time.Date(2026, 6, 13, 11, 0, 0, 0, sh),
		"new year's day":                    time.Date(2026, 1, 1, 12, 0, 0, 0, sh),
		"a year the calendar does not hold": time.Date(2027, 4, 10, 9, 0, 0, 0, sh),
		"now":                               time.Now(),
	}
	for name, now := range days {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := repository.New(dbtest.Pool(t), func() time.Time { return now })
			if err := Load(context.Background(), s, password.Params{Memory: 64, Time: 1, Threads: 1}); err != nil {
				t.Fatalf("load on %s: %v", now.Format(time.DateTime), err)
			}
			checkStory(t, s, now)
		})
	}
}

// storyCheck queries the loaded demo.
type storyCheck struct {
	t   *testing.T
	s   *repository.Store
	ctx context.Context
}

func (c storyCheck) count(sql string, args ...any) int {
	c.t.Helper()
	var n int
	if err := c.s.Pool().QueryRow(c.ctx, sql, args...).Scan(&n); err != nil {
		c.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// none fails with what when sql counts any row.
func (c storyCheck) none(what, sql string, args ...any) {
	c.t.Helper()
	if n := c.count(sql, args...); n != 0 {
		c.t.Errorf("%s: %d rows", what, n)
	}
}

func checkStory(t *testing.T, s *repository.Store, now time.Time) {
	c := storyCheck{t: t, s: s, ctx: context.Background()}
	cal, err := s.Calendar(c.ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := s.Today()
	working := func(d time.Time) bool { ok, _ := cal.IsWorkingDay(d); return ok }

	// The finished class: finished before today, on working days, filed
	// before FILE-2's deadline and approved before its start.
	var id int64
	var start, end, approved time.Time
	var submitted time.Time
	var status string
	if err := s.Pool().QueryRow(c.ctx, `SELECT id, start_date, end_date, approved_on, submitted_at, status FROM classes WHERE content = $1`,
		FinishedClassContent).Scan(&id, &start, &end, &approved, &submitted, &status); err != nil {
		t.Fatal(err)
	}
	if status != string(training.ClassFinished) || !end.Before(today) || end.Before(start) || today.Sub(end) > 40*24*time.Hour {
		t.Errorf("finished class: %s, %s–%s, loaded %s", status, start.Format(time.DateOnly), end.Format(time.DateOnly), today.Format(time.DateOnly))
	}
	for _, d := range []time.Time{start, end, approved, submitted.In(repository.Shanghai)} {
		if !working(d) {
			t.Errorf("finished class: %s is not a working day", d.Format(time.DateOnly))
		}
	}
	// Every filing: submitted by FILE-2's deadline, approved before its
	// start (FILE-3), sessions within its dates.
	rows, err := s.Pool().Query(c.ctx, `SELECT start_date, submitted_at, approved_on FROM classes WHERE submitted_at IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var st time.Time
		var sub time.Time
		var appr *time.Time
		if err := rows.Scan(&st, &sub, &appr); err != nil {
			t.Fatal(err)
		}
		n++
		if deadline, _ := cal.FilingDeadline(st); training.DeadlinePassed(sub, deadline) {
			t.Errorf("class starting %s submitted %s, after its deadline %s", st.Format(time.DateOnly), sub, deadline)
		}
		if appr != nil && !working(*appr) {
			t.Errorf("class starting %s approved on %s, not a working day", st.Format(time.DateOnly), appr.Format(time.DateOnly))
		}
	}
	if err := rows.Err(); err != nil || n != 4 {
		t.Fatalf("%d submitted filings (%v), want 4", n, err)
	}
	c.none("sessions outside their class's dates", `SELECT count(*) FROM class_sessions cs JOIN classes c ON c.id = cs.class_id
		WHERE cs.day < c.start_date OR cs.day > c.end_date`)
	c.none("approvals on or after the start", `SELECT count(*) FROM classes WHERE approved_on >= start_date`)
	c.none("approvals before the submission", `SELECT count(*) FROM classes WHERE approved_on < (submitted_at AT TIME ZONE 'Asia/Shanghai')::date`)
	c.none("anything dated after now", `SELECT count(*) FROM audit_log WHERE at > $1`, now)

	// Versions in order: numbered 1..n, each later than the one before,
	// the last one being the plan in force with the class's dates.
	c.none("version numbers with gaps", `SELECT count(*) FROM (SELECT class_id, max(no) AS m, count(*) AS n FROM class_versions GROUP BY class_id) v WHERE m <> n`)
	c.none("versions out of order", `SELECT count(*) FROM class_versions a JOIN class_versions b ON b.class_id = a.class_id AND b.no = a.no + 1
		WHERE b.created_at < a.created_at`)
	c.none("versions before their filing", `SELECT count(*) FROM class_versions v JOIN classes c ON c.id = v.class_id WHERE v.created_at < c.created_at`)
	var plan []byte
	if err := s.Pool().QueryRow(c.ctx, `SELECT v.plan FROM class_versions v JOIN classes c ON c.id = v.class_id AND v.no = c.plan_no WHERE c.id = $1`, id).
		Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var p training.Plan
	if err := json.Unmarshal(plan, &p); err != nil || !p.StartDate.Equal(start) || !p.EndDate.Equal(end) || len(p.Sessions) != 4 {
		t.Errorf("plan in force: %v %s–%s, %d sessions", err, p.StartDate, p.EndDate, len(p.Sessions))
	}

	// Attendance: every session of the finished class held, with a mark
	// for every enrolled trainee, recorded on the day of the session.
	if n := c.count(`SELECT count(*) FROM class_sessions WHERE class_id = $1`, id); n != 4 {
		t.Errorf("finished class has %d sessions, want 4", n)
	}
	c.none("sessions without attendance", `SELECT count(*) FROM class_sessions cs WHERE cs.class_id = $1
		AND NOT EXISTS (SELECT 1 FROM session_deliveries d WHERE d.session_id = cs.id)`, id)
	c.none("enrolled trainees without a mark", `SELECT count(*) FROM class_sessions cs JOIN enrolments e ON e.class_id = cs.class_id AND e.status = 'enrolled'
		WHERE cs.class_id = $1 AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = cs.id AND a.enrolment_id = e.id)`, id)
	c.none("attendance not recorded on the session's day", `SELECT count(*) FROM session_deliveries d JOIN class_sessions cs ON cs.id = d.session_id
		WHERE (d.recorded_at AT TIME ZONE 'Asia/Shanghai')::date <> cs.day`)
	if n := c.count(`SELECT count(*) FROM enrolments WHERE class_id = $1 AND status = 'enrolled'`, id); n != len(demoTrainees) {
		t.Errorf("finished class has %d trainees, want %d", n, len(demoTrainees))
	}

	// Agreements: every enrolment signed before its class starts, enrolled
	// before the start too.
	if n := c.count(`SELECT count(*) FROM enrolments`); n != len(demoTrainees)+len(demoSigned)+20+claimDemoEnrolments+archivedClassSize {
		t.Errorf("%d enrolments", n)
	}
	c.none("enrolments without an agreement signed before the start", `SELECT count(*) FROM enrolments e JOIN classes c ON c.id = e.class_id
		WHERE e.agreement_date IS NULL OR e.agreement_date >= c.start_date OR (e.created_at AT TIME ZONE 'Asia/Shanghai')::date >= c.start_date
		   OR e.agreement_at < e.created_at`)

	// People: sex as the ID number says (17th digit odd = male), as the
	// name suggests (the demo data says which), birth dates that fit.
	c.none("trainees whose sex disagrees with the ID number", `SELECT count(*) FROM trainees
		WHERE sex <> CASE WHEN substr(id_number, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END`)
	c.none("trainees younger than 16 or older than 60 at the start", `SELECT count(*) FROM trainees t JOIN enrolments e ON e.trainee_id = t.id
		JOIN classes c ON c.id = e.class_id WHERE age(c.start_date, t.birth_date) NOT BETWEEN interval '16 years' AND interval '60 years'`)
	c.none("examiners younger than 22 or older than 70", `SELECT count(*) FROM exam_examiners x JOIN exam_sessions s ON s.id = x.session_id
		WHERE age(s.exam_date, to_date(substr(x.id_number, 7, 8), 'YYYYMMDD')) NOT BETWEEN interval '22 years' AND interval '70 years'`)
	type person struct {
		name, id string
		male     bool
	}
	var people []person
	for _, d := range demoTrainees {
		people = append(people, person{d.name, d.prefix + string(training.IDCheckChar(d.prefix)), d.male})
	}
	for _, d := range demoSigned {
		prefix := "330112" + d.birth + d.seq
		people = append(people, person{d.name, prefix + string(training.IDCheckChar(prefix)), d.male})
	}
	for i := range 20 {
		people = append(people, person{string(demoSurnames[i]) + demoGiven[i].name, idNumber(rosterPrefix(i)), demoGiven[i].male})
	}
	for _, d := range demoTeachers {
		people = append(people, person{d.in.Name, d.in.IDNumber, d.male})
		var idn string
		if err := s.Pool().QueryRow(c.ctx, `SELECT id_number FROM teachers WHERE name = $1`, d.in.Name).Scan(&idn); err != nil || idn != d.in.IDNumber {
			t.Errorf("teacher %s: %q %v", d.in.Name, idn, err)
		}
		if id, msg := training.ParseResidentID(d.in.IDNumber, today); msg != "" || today.Year()-id.BirthDate.Year() < 22 || today.Year()-id.BirthDate.Year() > 65 {
			t.Errorf("teacher %s born %s (%s)", d.in.Name, id.BirthDate.Format(time.DateOnly), msg)
		}
	}
	for _, p := range people {
		id, msg := training.ParseResidentID(p.id, today)
		if msg != "" || id.Male != p.male {
			t.Errorf("%s %s: male %v by the ID number, %v by the name (%s)", p.name, p.id, id.Male, p.male, msg)
		}
	}
	if n := c.count(`SELECT count(*) FROM trainees`); n != len(demoTrainees)+len(demoSigned)+20+claimDemoEnrolments+archivedClassSize {
		t.Errorf("%d trainees in the database", n)
	}

	// The public's part: the finished class's five trainees answered the
	// survey (the school sees its figures), complaints stand in every
	// state, none overdue, the forwarded one with the school's reply.
	if n := c.count(`SELECT count(*) FROM survey_answers sa JOIN classes k ON k.id = sa.class_id WHERE k.content = $1`, FinishedClassContent); n != training.SurveyMinAnswers {
		t.Errorf("%d survey answers for the finished class", n)
	}
	for _, x := range []struct {
		status    string
		forwarded bool
		n         int
	}{{"received", false, 1}, {"handling", false, 1}, {"handling", true, 1}, {"answered", false, 1}, {"closed", false, 1}} {
		if n := c.count(`SELECT count(*) FROM complaints WHERE status = $1 AND (forwarded_at IS NOT NULL) = $2`, x.status, x.forwarded); n != x.n {
			t.Errorf("%d complaints %s (forwarded %v), want %d", n, x.status, x.forwarded, x.n)
		}
	}
	if n := c.count(`SELECT count(*) FROM complaint_notes WHERE kind = 'reply'`); n != 1 {
		t.Errorf("%d institution replies", n)
	}
	c.none("complaints past due", `SELECT count(*) FROM complaints WHERE status IN ('received', 'handling') AND due_date < $1`, today)
	c.none("complaints received before the class ended", `SELECT count(*) FROM complaints WHERE received_at < $1`, end)

	// The audit chain verifies and tells the story in order.
	if brk, n, err := s.VerifyAudit(c.ctx); err != nil || brk != nil || n == 0 {
		t.Errorf("audit chain: %+v after %d rows (%v)", brk, n, err)
	}
	c.none("audit rows out of time order", `SELECT count(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1 WHERE b.at < a.at`)
	c.none("designations after the institution's first class", `SELECT count(*) FROM institutions i WHERE i.decision_date >
		(SELECT min(least(k.start_date, (k.created_at AT TIME ZONE 'Asia/Shanghai')::date)) FROM classes k WHERE k.institution_id = i.id)`)

	// The archived class: ended at least six months ago on working days,
	// archived with its ledger frozen (the checksum verifies and is the
	// one its archive's audit row recorded), and every trainee followed up
	// at three and six months, each on or after its due day and before now.
	var arch int64
	var astart, aend time.Time
	if err := s.Pool().QueryRow(c.ctx, `SELECT id, start_date, end_date FROM classes WHERE class_no = $1 AND status = 'archived'`,
		ArchivedClassNo).Scan(&arch, &astart, &aend); err != nil {
		t.Fatalf("archived class: %v", err)
	}
	if !working(astart) || !working(aend) || training.FollowUpDate(aend, 6).After(today) {
		t.Errorf("archived class %s–%s, loaded %s", astart.Format(time.DateOnly), aend.Format(time.DateOnly), today.Format(time.DateOnly))
	}
	bureau, _, err := s.UserForLogin(c.ctx, "bureau")
	if err != nil {
		t.Fatal(err)
	}
	lp, err := s.LedgerPage(c.ctx, bureau.Actor(), arch)
	if err != nil || !lp.Frozen || lp.Seal.Checksum == "" || lp.Seal.Computed != lp.Seal.Checksum || lp.Seal.Audited != lp.Seal.Checksum {
		t.Errorf("archived ledger: frozen %v, seal %+v (%v)", lp.Frozen, lp.Seal, err)
	}
	for _, m := range []int{3, 6} {
		if n := c.count(`SELECT count(*) FROM employment_records r JOIN enrolments e ON e.id = r.enrolment_id
			WHERE e.class_id = $1 AND r.months = $2 AND (r.recorded_at AT TIME ZONE 'Asia/Shanghai')::date >= $3`,
			arch, m, training.FollowUpDate(aend, m)); n != archivedClassSize {
			t.Errorf("%d records at %d months on or after their due day, want %d", n, m, archivedClassSize)
		}
	}
	c.none("archived class: certificates not after the exam, exams not after the class", `SELECT count(*) FROM certificates x JOIN exam_entries en ON en.id = x.entry_id
		JOIN exam_sessions es ON es.id = en.session_id JOIN enrolments e ON e.id = en.enrolment_id JOIN classes k ON k.id = e.class_id
		WHERE k.id = $2 AND (es.exam_date <= k.end_date OR x.issue_date <= es.exam_date OR x.issue_date >= $1)`, today, arch)
}

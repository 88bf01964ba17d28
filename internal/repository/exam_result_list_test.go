package repository_test

import (
	"strings"
	"testing"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// checkOutcomeCounts fails when any session's kept counts (migration
// 00109) differ from its entries' outcomes.
func checkOutcomeCounts(t *testing.T, ss *scoredSession, step string) {
	t.Helper()
	if n := ss.count(`SELECT count(*) FROM exam_sessions x CROSS JOIN LATERAL
		(SELECT count(*) FILTER (WHERE e.outcome = 'pass') AS p, count(*) FILTER (WHERE e.outcome = 'fail') AS f
			FROM exam_entries e WHERE e.session_id = x.id) c
		WHERE (x.passed, x.failed) IS DISTINCT FROM (c.p::int, c.f::int)`); n != 0 {
		t.Fatalf("%s: %d sessions with counts that differ from their entries", step, n)
	}
	// And the totals kept from them (migration 00113): no key missing,
	// none different, none left over.
	if n := ss.count(`SELECT count(*) FROM (SELECT eval_org_id, date_trunc('year', exam_date)::date AS y, status, retake,
			sum(passed) AS p, sum(failed) AS f FROM exam_sessions WHERE status IN ('approved', 'published') GROUP BY 1, 2, 3, 4) c
		FULL JOIN exam_result_totals t ON (t.eval_org_id, t.year_start, t.status, t.retake) = (c.eval_org_id, c.y, c.status, c.retake)
		WHERE coalesce(c.p, 0) <> coalesce(t.passed, 0) OR coalesce(c.f, 0) <> coalesce(t.failed, 0)`); n != 0 {
		t.Fatalf("%s: %d kept result totals differ from the sessions", step, n)
	}
	// The lists the totals answer agree with their rows (results compares
	// each total with an export of every row).
	for _, a := range []training.Actor{ss.bureau, ss.centre} {
		for _, f := range []repository.ResultFilter{{}, {Year: 2026}, {Status: training.SessPublished}, {Outcome: training.OutcomeFail},
			{Retake: "first", Outcome: training.OutcomePass, Status: training.SessApproved}, {Year: 2025, Retake: "retake"}} {
			results(t, ss, a, f)
		}
	}
}

// results lists as a with f and checks the total against the rows of an
// export (every match), returning the rows.
func results(t *testing.T, ss *scoredSession, a training.Actor, f repository.ResultFilter) ([]training.ResultListRow, int) {
	t.Helper()
	rows, total, err := ss.s.Results(ss.ctx, a, f, repository.Page{Number: 1, Sort: "date", Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	var all []training.ResultListRow
	if err := ss.s.ResultsEach(ss.ctx, a, f, repository.Page{Sort: "no"}, func(r training.ResultListRow) error {
		all = append(all, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if total != len(all) || len(rows) != min(total, repository.PageSize) {
		t.Fatalf("%+v as %s: total %d, %d rows exported, %d on the page", f, a.Role, total, len(all), len(rows))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].CandidateNo > all[i].CandidateNo {
			t.Fatalf("export not in candidate order: %s before %s", all[i-1].CandidateNo, all[i].CandidateNo)
		}
	}
	return rows, total
}

// TestResultListKeptCounts: a session's results join the list when they
// are approved (the centre's and the bureau's) and published (the
// institution's too); the totals come from counts kept by trigger through
// score entry, a second save, a confirmed correction and a bulk UPDATE;
// ID numbers are masked; the filters narrow as they say.
func TestResultListKeptCounts(t *testing.T) {
	ss := newScoredSession(t)
	mine := repository.ResultFilter{Institution: "天目职业技能培训学校"}
	_, before := results(t, ss, ss.bureau, mine)
	ss.enter(ss.a, ss.rows(90, 58, 70))
	checkOutcomeCounts(t, ss, "entered")
	ss.enter(ss.b, ss.rows(90, 61, 70))
	checkOutcomeCounts(t, ss, "changed")
	no := ss.session(ss.id).Entries[0].CandidateNo
	// Scored, not approved: on no list yet.
	if _, n := results(t, ss, ss.centre, repository.ResultFilter{CandidateNo: no}); n != 0 {
		t.Fatalf("a scored session's result listed: %d", n)
	}
	must(t, ss.s.ApproveResults(ss.ctx, ss.c, ss.id, ss.session(ss.id).Version))
	checkOutcomeCounts(t, ss, "approved")
	if _, n := results(t, ss, ss.bureau, mine); n != before+3 {
		t.Fatalf("bureau after approval: %d, want %d", n, before+3)
	}
	rows, n := results(t, ss, ss.centre, repository.ResultFilter{CandidateNo: " " + no + " "})
	if n != 1 || rows[0].Status != training.SessApproved || rows[0].Outcome != training.OutcomePass || rows[0].TheoryText() != "80" || rows[0].PracticalText() != "90" ||
		!strings.Contains(rows[0].IDNumber, "*") || !strings.Contains(rows[0].InstitutionName, "天目职业技能培训学校") {
		t.Fatalf("the candidate's row %+v", rows)
	}
	// The institution sees its results once published, never another's.
	if _, n := results(t, ss, ss.school, repository.ResultFilter{CandidateNo: no}); n != 0 {
		t.Fatal("an approved, unpublished result shown to the institution")
	}
	must(t, ss.s.PublishResults(ss.ctx, ss.c, ss.id, ss.session(ss.id).Version))
	checkOutcomeCounts(t, ss, "published")
	if _, n := results(t, ss, ss.school, repository.ResultFilter{CandidateNo: no, Status: training.SessApproved}); n != 1 {
		t.Fatalf("the institution's published result: %d", n)
	}
	if _, n := results(t, ss, ss.acad, repository.ResultFilter{CandidateNo: no}); n != 0 {
		t.Fatal("another institution sees the result")
	}
	// A confirmed correction pass → fail moves the counts.
	pass := ss.session(ss.id).Entries[1].ID
	must(t, ss.s.AmendEntry(ss.ctx, ss.b, ss.id, pass, sc(80), sc(50), "应会评分表复核有误"))
	ams, err := ss.s.Amendments(ss.ctx, ss.a, ss.id)
	if err != nil || len(ams) != 1 {
		t.Fatalf("amendments %v %d", err, len(ams))
	}
	must(t, ss.s.ConfirmAmendment(ss.ctx, ss.c, ss.id, ams[0].ID, ss.session(ss.id).Version))
	checkOutcomeCounts(t, ss, "amended")
	fails, n := results(t, ss, ss.bureau, repository.ResultFilter{Institution: "天目职业技能培训学校", Outcome: training.OutcomeFail})
	var found bool
	for _, r := range fails {
		found = found || r.EntryID == pass
		if r.Outcome != training.OutcomeFail {
			t.Fatalf("a %s row under the fail filter", r.Outcome)
		}
	}
	if !found || n < 1 {
		t.Fatalf("the corrected result is not among the %d failures", n)
	}
	// A bulk statement (the trigger sums per session): flip every outcome
	// of the session and back.
	if _, err := ss.s.Pool().Exec(ss.ctx, `UPDATE exam_entries SET outcome = CASE outcome WHEN 'pass' THEN 'fail' ELSE 'pass' END
		WHERE session_id = $1`, ss.id); err != nil {
		t.Fatal(err)
	}
	checkOutcomeCounts(t, ss, "flipped")
	if _, err := ss.s.Pool().Exec(ss.ctx, `UPDATE exam_entries SET outcome = CASE outcome WHEN 'pass' THEN 'fail' ELSE 'pass' END
		WHERE session_id = $1`, ss.id); err != nil {
		t.Fatal(err)
	}
	checkOutcomeCounts(t, ss, "flipped back")
	// Year and attempt.
	if _, n := results(t, ss, ss.centre, repository.ResultFilter{CandidateNo: no, Year: 2025}); n != 0 {
		t.Fatal("a 2026 result under 2025")
	}
	if _, n := results(t, ss, ss.centre, repository.ResultFilter{CandidateNo: no, Year: 2026, Retake: "first"}); n != 1 {
		t.Fatal("the first attempt under 2026")
	}
	if _, n := results(t, ss, ss.centre, repository.ResultFilter{CandidateNo: no, Retake: "retake"}); n != 0 {
		t.Fatal("a first attempt under retakes")
	}
	if _, _, err := ss.s.Results(ss.ctx, training.Actor{}, repository.ResultFilter{}, repository.Page{}); err != training.ErrForbidden {
		t.Fatalf("no role: %v", err)
	}
}

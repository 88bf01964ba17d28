package repository_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// Four eyes on results (第十一条, EXAM-7): every person who entered or
// changed a score of a session is recorded, and none of them approves it.

// scoredSession is a session of three checked candidates on its exam day,
// with nothing scored yet; A, B and C are centre, centre2 and centre3.
type scoredSession struct {
	*examFixture
	id      int64
	entries []int64
	a, b, c training.Actor
}

func newScoredSession(t *testing.T) *scoredSession {
	t.Helper()
	ef := newExamFixture(t, 3)
	ss := &scoredSession{examFixture: ef, a: ef.centre, b: ef.centre2, c: ef.actor("centre3")}
	appID := ef.apply(training.CertSkillLevel)
	if err := ef.s.DecideApplication(ef.ctx, ef.centre, appID, 1, true, ""); err != nil {
		t.Fatal(err)
	}
	id, err := ef.s.ScheduleSession(ef.ctx, ef.centre, appID, sessionIn("2026-04-10"))
	if err != nil {
		t.Fatal(err)
	}
	ss.id = id
	ef.setNow(time.Date(2026, 4, 10, 9, 0, 0, 0, repository.Shanghai))
	for _, e := range ef.session(id).Entries {
		if err := ef.s.CheckCandidate(ef.ctx, ef.centre, id, e.ID); err != nil {
			t.Fatal(err)
		}
		ss.entries = append(ss.entries, e.ID)
	}
	return ss
}

// rows are the three candidates' scores; practical[i] is candidate i's.
func (ss *scoredSession) rows(practical ...int) []training.ScoreRow {
	var out []training.ScoreRow
	for i, id := range ss.entries {
		out = append(out, training.ScoreRow{EntryID: id, Theory: sc(80), Practical: sc(practical[i])})
	}
	return out
}

// enter saves rows as a and returns how many changed.
func (ss *scoredSession) enter(a training.Actor, rows []training.ScoreRow) int {
	ss.t.Helper()
	n, err := ss.s.EnterScores(ss.ctx, a, ss.id, ss.session(ss.id).Version, rows)
	if err != nil {
		ss.t.Fatal(err)
	}
	return n
}

func (ss *scoredSession) count(sql string, args ...any) int {
	ss.t.Helper()
	var n int
	if err := ss.s.Pool().QueryRow(ss.ctx, sql, args...).Scan(&n); err != nil {
		ss.t.Fatal(err)
	}
	return n
}

func (ss *scoredSession) changesBy(a training.Actor) int {
	return ss.count(`SELECT count(*) FROM exam_score_changes WHERE session_id = $1 AND user_id = $2`, ss.id, a.UserID)
}

// TestApprovalRefusedToEveryoneWhoTouchedScores: A enters every score, B
// changes one row; neither may approve, C may. The session lists both
// saves: who, when, which candidates.
func TestApprovalRefusedToEveryoneWhoTouchedScores(t *testing.T) {
	ss := newScoredSession(t)
	if n := ss.enter(ss.a, ss.rows(90, 58, 70)); n != 3 {
		t.Fatalf("A's save changed %d rows, want 3", n)
	}
	ss.setNow(time.Date(2026, 4, 10, 10, 30, 0, 0, repository.Shanghai))
	if n := ss.enter(ss.b, ss.rows(90, 61, 70)); n != 1 {
		t.Fatalf("B's save changed %d rows, want 1", n)
	}
	if a, b := ss.changesBy(ss.a), ss.changesBy(ss.b); a != 3 || b != 1 {
		t.Fatalf("recorded changes: A %d, B %d; want 3 and 1", a, b)
	}
	x := ss.session(ss.id)
	saves := training.ScoreSaves(x.ScoreChanges)
	if len(saves) != 2 || saves[0].By != "赵考务（centre）" || len(saves[0].Candidates) != 3 ||
		saves[1].By != "孙主任（centre2）" || saves[1].CandidatesText() != x.Entries[1].CandidateNo+" "+x.Entries[1].Name ||
		!saves[1].At.Equal(time.Date(2026, 4, 10, 10, 30, 0, 0, repository.Shanghai)) {
		t.Fatalf("score saves %+v", saves)
	}
	for _, who := range []training.Actor{ss.a, ss.b} {
		wantRule(t, ss.s.ApproveResults(ss.ctx, who, ss.id, x.Version), training.MsgFourEyes)
		if training.CanApproveResults(who, x.ResultsFacts()) {
			t.Errorf("%s may approve by the page's question", who.Username)
		}
	}
	if !training.CanApproveResults(ss.c, x.ResultsFacts()) {
		t.Fatal("C may not approve by the page's question")
	}
	if got := ss.session(ss.id); got.Status != training.SessScored || got.Version != x.Version {
		t.Fatalf("a refused approval changed the session: %s v%d", got.Status, got.Version)
	}
	if err := ss.s.ApproveResults(ss.ctx, ss.c, ss.id, x.Version); err != nil {
		t.Fatal(err)
	}
	if got := ss.session(ss.id); got.Status != training.SessApproved || got.ApprovedBy != "钱副主任（centre3）" {
		t.Fatalf("after C's approval: %s by %q", got.Status, got.ApprovedBy)
	}
}

// TestSaveWithoutChangesIsNoEntry: A enters; B saves the page as it is.
// Nothing is recorded for B, no audit row is written, the version stays,
// and B may approve.
func TestSaveWithoutChangesIsNoEntry(t *testing.T) {
	ss := newScoredSession(t)
	rows := ss.rows(90, 58, 70)
	ss.enter(ss.a, rows)
	before := ss.session(ss.id)
	audits := ss.count(`SELECT count(*) FROM audit_log`)
	if n := ss.enter(ss.b, rows); n != 0 {
		t.Fatalf("an unchanged save changed %d rows", n)
	}
	if n := ss.changesBy(ss.b); n != 0 {
		t.Fatalf("%d changes recorded for a save without changes", n)
	}
	if n := ss.count(`SELECT count(*) FROM audit_log`); n != audits {
		t.Fatalf("an unchanged save wrote %d audit rows", n-audits)
	}
	x := ss.session(ss.id)
	if x.Version != before.Version || x.EnteredBy != before.EnteredBy || len(x.ScoreChanges) != 3 {
		t.Fatalf("an unchanged save changed the session: v%d→v%d, %q→%q, %d changes",
			before.Version, x.Version, before.EnteredBy, x.EnteredBy, len(x.ScoreChanges))
	}
	// A stale page is still a conflict, changed or not.
	if _, err := ss.s.EnterScores(ss.ctx, ss.b, ss.id, x.Version-1, rows); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale unchanged save: %v", err)
	}
	if err := ss.s.ApproveResults(ss.ctx, ss.b, ss.id, x.Version); err != nil {
		t.Fatalf("B, who changed nothing, may approve: %v", err)
	}
}

// TestConcurrentApprovalOneWins: B and C, both eligible, approve the same
// version at once: one succeeds, the other gets a conflict, and the
// session is approved once, by the winner.
func TestConcurrentApprovalOneWins(t *testing.T) {
	ss := newScoredSession(t)
	ss.enter(ss.a, ss.rows(90, 58, 70))
	v := ss.session(ss.id).Version
	for round := 0; round < 5; round++ {
		if round > 0 {
			// Reset by SQL (the test's own doing) so each round races again.
			if _, err := ss.s.Pool().Exec(ss.ctx, `UPDATE exam_sessions SET status = 'scored', approved_by_id = NULL, approved_by = '',
				approved_at = NULL, version = $2 WHERE id = $1`, ss.id, v); err != nil {
				t.Fatal(err)
			}
		}
		audits := ss.count(`SELECT count(*) FROM audit_log WHERE action = 'exam.approve' AND entity_id = $1`, ss.id)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []training.Actor{ss.b, ss.c} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = ss.s.ApproveResults(ss.ctx, who, ss.id, v)
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		winner := ""
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
				winner = []string{"孙主任（centre2）", "钱副主任（centre3）"}[i]
			case errors.Is(err, training.ErrConflict):
				conflicts++
			default:
				t.Fatalf("round %d: unexpected error %v", round, err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("round %d: %d approvals, %d conflicts; want 1 and 1", round, ok, conflicts)
		}
		x := ss.session(ss.id)
		if x.Status != training.SessApproved || x.ApprovedBy != winner || x.Version != v+1 {
			t.Fatalf("round %d: %s by %q v%d, want approved by %q v%d", round, x.Status, x.ApprovedBy, x.Version, winner, v+1)
		}
		if n := ss.count(`SELECT count(*) FROM audit_log WHERE action = 'exam.approve' AND entity_id = $1`, ss.id); n != audits+1 {
			t.Fatalf("round %d: %d approval audit rows, want 1", round, n-audits)
		}
	}
}

// TestFourEyesTriggers: PostgreSQL refuses what the repository refuses,
// for a direct UPDATE too, and the refusal maps to the Chinese message.
func TestFourEyesTriggers(t *testing.T) {
	ss := newScoredSession(t)
	ss.enter(ss.a, ss.rows(90, 58, 70))
	ss.setNow(time.Date(2026, 4, 10, 11, 0, 0, 0, repository.Shanghai))
	ss.enter(ss.b, ss.rows(90, 61, 70)) // B saved last: the old CHECK (approver ≠ last saver) lets A through
	wantConstraint := func(err error, name, msg string) {
		t.Helper()
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.ConstraintName != name || pe.Code != "23514" {
			t.Fatalf("want %s (23514), got %v", name, err)
		}
		v, ok := training.AsValidation(repository.Translate(err, "test"))
		if !ok {
			t.Fatalf("%s is not mapped to a message", name)
		}
		for _, m := range v.Fields {
			if m == msg {
				return
			}
		}
		t.Fatalf("%s maps to %v, want %q", name, v.Fields, msg)
	}
	approve := `UPDATE exam_sessions SET status = 'approved', approved_by_id = $2, approved_by = 'x', approved_at = now(), version = version + 1
		WHERE id = $1`
	_, err := ss.s.Pool().Exec(ss.ctx, approve, ss.id, ss.a.UserID)
	wantConstraint(err, "exam_sessions_approver_scored_check", training.MsgFourEyes)
	_, err = ss.s.Pool().Exec(ss.ctx, approve, ss.id, ss.b.UserID)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23514" {
		t.Fatalf("direct approval by B: %v", err)
	}
	// The record cannot be edited away.
	if _, err := ss.s.Pool().Exec(ss.ctx, `DELETE FROM exam_score_changes WHERE session_id = $1 AND user_id = $2`, ss.id, ss.a.UserID); err == nil {
		t.Fatal("deleted a score change")
	}
	if _, err := ss.s.Pool().Exec(ss.ctx, `UPDATE exam_score_changes SET user_id = $2 WHERE session_id = $1`, ss.id, ss.c.UserID); err == nil {
		t.Fatal("rewrote a score change")
	}
	if got := ss.session(ss.id); got.Status != training.SessScored {
		t.Fatalf("session %s after refused direct updates", got.Status)
	}
	if _, err := ss.s.Pool().Exec(ss.ctx, approve, ss.id, ss.c.UserID); err != nil {
		t.Fatalf("direct approval by C: %v", err)
	}

	// A correction: registered by C, confirmed directly by A (a scorer) or C
	// (its proposer): refused.
	x := ss.session(ss.id)
	if err := ss.s.PublishResults(ss.ctx, ss.a, ss.id, x.Version); err != nil {
		t.Fatal(err)
	}
	if err := ss.s.AmendEntry(ss.ctx, ss.c, ss.id, ss.entries[0], sc(80), sc(59), "复核"); err != nil {
		t.Fatal(err)
	}
	confirm := `UPDATE exam_amendments SET status = 'confirmed', decided_by_id = $2, decided_by = 'x', decided_at = now()
		WHERE entry_id = $1 AND status = 'pending'`
	_, err = ss.s.Pool().Exec(ss.ctx, confirm, ss.entries[0], ss.a.UserID)
	wantConstraint(err, "exam_amendments_confirmer_scored_check", training.MsgAmendScorer)
	_, err = ss.s.Pool().Exec(ss.ctx, confirm, ss.entries[0], ss.c.UserID)
	if !errors.As(err, &pe) || pe.Code != "23514" {
		t.Fatalf("direct confirmation by the proposer: %v", err)
	}
}

// TestAmendmentNeedsSecondPairOfEyes: after publication a correction waits
// for a centre user who neither registered it nor touched the scores; the
// proposer is then recorded as having changed that score.
func TestAmendmentNeedsSecondPairOfEyes(t *testing.T) {
	ss := newScoredSession(t)
	ss.enter(ss.a, ss.rows(90, 58, 70))
	x := ss.session(ss.id)
	if err := ss.s.ApproveResults(ss.ctx, ss.b, ss.id, x.Version); err != nil {
		t.Fatal(err)
	}
	if err := ss.s.PublishResults(ss.ctx, ss.a, ss.id, x.Version+1); err != nil {
		t.Fatal(err)
	}
	pass := ss.entries[0]
	certs := func() int {
		c, err := ss.s.SessionCertificates(ss.ctx, ss.a, ss.id)
		if err != nil {
			t.Fatal(err)
		}
		return len(c)
	}
	if n := certs(); n != 2 {
		t.Fatalf("%d certificates after publication, want 2", n)
	}
	// B (the approver) registers a pass → fail correction.
	if err := ss.s.AmendEntry(ss.ctx, ss.b, ss.id, pass, sc(80), sc(50), "应会评分表复核有误"); err != nil {
		t.Fatal(err)
	}
	// One correction waits per candidate.
	wantRule(t, ss.s.AmendEntry(ss.ctx, ss.a, ss.id, pass, sc(80), sc(40), "再次复核"), training.MsgAmendPending)
	ams, err := ss.s.Amendments(ss.ctx, ss.a, ss.id)
	if err != nil || len(ams) != 1 || ams[0].Status != training.AmendPending {
		t.Fatalf("amendments %v %+v", err, ams)
	}
	am := ams[0]
	x = ss.session(ss.id)
	if !x.Entries[0].Pending || x.Entries[0].Outcome != training.OutcomePass || certs() != 2 {
		t.Fatalf("a pending correction changed the result: %+v, %d certificates", x.Entries[0], certs())
	}
	// Archiving waits for it.
	wantRule(t, ss.s.ArchiveApplication(ss.ctx, ss.a, x.ApplicationID, ss.app(x.ApplicationID).Version), "第十一条：该申报还有待核准的成绩更正")
	// B registered it, A entered the scores: neither confirms.
	wantRule(t, ss.s.ConfirmAmendment(ss.ctx, ss.b, ss.id, am.ID, x.Version), training.MsgAmendProposer)
	wantRule(t, ss.s.ConfirmAmendment(ss.ctx, ss.a, ss.id, am.ID, x.Version), training.MsgAmendScorer)
	if training.CanConfirmAmendment(ss.a, am.Facts) || training.CanConfirmAmendment(ss.b, am.Facts) || !training.CanConfirmAmendment(ss.c, am.Facts) {
		t.Fatalf("the page's question disagrees: facts %+v", am.Facts)
	}
	// A stale page: conflict.
	if err := ss.s.ConfirmAmendment(ss.ctx, ss.c, ss.id, am.ID, x.Version-1); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale confirmation: %v", err)
	}
	if err := ss.s.ConfirmAmendment(ss.ctx, ss.c, ss.id, am.ID, x.Version); err != nil {
		t.Fatal(err)
	}
	x = ss.session(ss.id)
	if x.Entries[0].Outcome != training.OutcomeFail || x.Entries[0].Pending || x.Entries[0].Amendments != 1 || certs() != 1 {
		t.Fatalf("after confirmation: %+v, %d certificates", x.Entries[0], certs())
	}
	if n := ss.changesBy(ss.b); n != 1 {
		t.Fatalf("the proposer's change recorded %d times, want 1", n)
	}
	saves := training.ScoreSaves(x.ScoreChanges)
	if last := saves[len(saves)-1]; !last.Amendment || last.By != "孙主任（centre2）" {
		t.Fatalf("last save %+v", last)
	}
	if err := ss.s.ConfirmAmendment(ss.ctx, ss.c, ss.id, am.ID, x.Version); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("confirmed twice: %v", err)
	}
	// A rejected correction changes nothing and records no change.
	if err := ss.s.AmendEntry(ss.ctx, ss.a, ss.id, ss.entries[2], sc(80), sc(10), "误操作"); err != nil {
		t.Fatal(err)
	}
	ams, err = ss.s.Amendments(ss.ctx, ss.a, ss.id)
	if err != nil || len(ams) != 2 {
		t.Fatalf("amendments %v %+v", err, ams)
	}
	changes := len(x.ScoreChanges)
	if err := ss.s.RejectAmendment(ss.ctx, ss.a, ss.id, ams[1].ID, x.Version); err != nil {
		t.Fatal(err)
	}
	x = ss.session(ss.id)
	if x.Entries[2].Outcome != training.OutcomePass || len(x.ScoreChanges) != changes {
		t.Fatalf("a rejected correction changed something: %+v, %d changes (was %d)", x.Entries[2], len(x.ScoreChanges), changes)
	}
	if inst, err := ss.s.Amendments(ss.ctx, ss.school, ss.id); err != nil || len(inst) != 1 || inst[0].Status != training.AmendConfirmed {
		t.Fatalf("the institution's list of corrections: %v %+v", err, inst)
	}
}

// TestConcurrentIDCheckOneWins: two clerks at the door check the same
// candidate at once; one records the check, the other is told when it was
// done (EXAM-3), and the audit holds one check.
func TestConcurrentIDCheckOneWins(t *testing.T) {
	ef := newExamFixture(t, 2)
	appID := ef.apply(training.CertSkillLevel)
	must(t, ef.s.DecideApplication(ef.ctx, ef.centre, appID, 1, true, ""))
	id, err := ef.s.ScheduleSession(ef.ctx, ef.centre, appID, sessionIn("2026-04-10"))
	if err != nil {
		t.Fatal(err)
	}
	entry := ef.session(id).Entries[0]
	// Before the exam day the check is refused with its rule.
	ef.setNow(time.Date(2026, 4, 9, 16, 0, 0, 0, repository.Shanghai))
	if err := ef.s.CheckCandidate(ef.ctx, ef.centre, id, entry.ID); err == nil || !strings.Contains(err.Error(), "考试当天起") {
		t.Fatalf("before the exam day: %v", err)
	}
	ef.setNow(time.Date(2026, 4, 10, 8, 30, 0, 0, repository.Shanghai))
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, a := range []training.Actor{ef.centre, ef.centre2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = ef.s.CheckCandidate(ef.ctx, a, id, entry.ID)
		}()
	}
	wg.Wait()
	var ok int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !strings.Contains(err.Error(), "已于2026-04-10 08:30核对"):
			t.Errorf("the second check: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of 2 checks recorded: %v", ok, errs)
	}
	var n int
	if err := ef.s.Pool().QueryRow(ef.ctx, `SELECT count(*) FROM audit_log WHERE action = 'exam.id_check' AND entity_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d audit rows for one check", n)
	}
	if err := ef.s.CheckCandidate(ef.ctx, ef.centre, id, 999999999); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("an entry of no session: %v", err)
	}
}

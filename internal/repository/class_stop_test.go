package repository_test

import (
	"errors"
	"strings"
	"testing"

	"tianmu/internal/training"
)

// TestStopClassOfSuspendedInstitution (INST-3): approved classes of a
// designated institution are not stopped; once it is suspended the bureau
// (only) stops one with a reason: the class ends as cancelled, the stop is
// recorded, audited and notified, and the supervision page lists it; a
// stale version is a conflict and a stopped class is not stopped twice.
func TestStopClassOfSuspendedInstitution(t *testing.T) {
	f := newFixture(t)
	school := f.school.InstitutionID
	var cls int64
	var version int
	if err := f.s.Pool().QueryRow(f.ctx, `SELECT id, version FROM classes WHERE institution_id = $1 AND status = 'approved' ORDER BY id LIMIT 1`, school).
		Scan(&cls, &version); err != nil {
		t.Fatal(err)
	}
	in := training.ClassStopInput{Reason: "机构暂停期间，该班存在代签考勤", DecidedBy: "王科长"}
	if _, err := f.s.StopClass(f.ctx, f.bureau, cls, version, in); err == nil || !strings.Contains(err.Error(), "第三条、第十六条：机构定点资质为「定点」") {
		t.Fatalf("stop while designated: %v", err)
	}
	if _, err := f.s.RecordSanction(f.ctx, f.bureau, school, training.SanctionInput{Kind: training.SanctionSuspension,
		Ground: training.GroundEvaluation, Reason: "年度考评不合格", DecidedBy: "王局长", DecidedOn: "2026-03-02"}); err != nil {
		t.Fatal(err)
	}
	page, err := f.s.InstitutionSupervision(f.ctx, f.bureau, school)
	if err != nil {
		t.Fatal(err)
	}
	stoppable := len(page.Stoppable)
	if stoppable == 0 {
		t.Fatal("no approved class listed while suspended")
	}
	if _, err := f.s.StopClass(f.ctx, f.school, cls, version, in); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("the school stops its class: %v", err)
	}
	if _, err := f.s.StopClass(f.ctx, f.bureau, cls, version-1, in); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := f.s.StopClass(f.ctx, f.bureau, cls, version, training.ClassStopInput{Reason: " ", DecidedBy: "王科长"}); err == nil ||
		!strings.Contains(err.Error(), "停止培训的理由") {
		t.Fatalf("no reason: %v", err)
	}
	inst, err := f.s.StopClass(f.ctx, f.bureau, cls, version, in)
	if err != nil || inst != school {
		t.Fatalf("stop: %d %v", inst, err)
	}
	var status, reason string
	if err := f.s.Pool().QueryRow(f.ctx, `SELECT status, cancel_reason FROM classes WHERE id = $1`, cls).Scan(&status, &reason); err != nil {
		t.Fatal(err)
	}
	if status != "cancelled" || !strings.Contains(reason, in.Reason) {
		t.Fatalf("class after the stop: %s %q", status, reason)
	}
	var audits, notices int
	if err := f.s.Pool().QueryRow(f.ctx, `SELECT (SELECT count(*) FROM audit_log WHERE action = 'class.stop' AND entity_id = $1),
		(SELECT count(*) FROM inbox WHERE kind = 'class.stop')`, cls).Scan(&audits, &notices); err != nil {
		t.Fatal(err)
	}
	if audits != 1 || notices == 0 {
		t.Fatalf("%d audit rows, %d notices", audits, notices)
	}
	if _, err := f.s.StopClass(f.ctx, f.bureau, cls, version+1, in); err == nil || !strings.Contains(err.Error(), "「已撤销」") {
		t.Fatalf("stopped twice: %v", err)
	}
	page, err = f.s.InstitutionSupervision(f.ctx, f.bureau, school)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Stoppable) != stoppable-1 || len(page.Stops) != 1 || page.Stops[0].Reason != in.Reason || page.Stops[0].DecidedBy != "王科长" {
		t.Fatalf("page: %d stoppable, stops %+v", len(page.Stoppable), page.Stops)
	}
}

// TestRevocationRecoversMarkedLines (SUP-4/SUP-5): a revocation for
// subsidy deception links the lines of the school's paid claim marked 追缴;
// the amount defaults to their total, is refused below it, the lines are
// shown on the sanction with the total, and a line is linked once only.
func TestRevocationRecoversMarkedLines(t *testing.T) {
	f := newFixture(t)
	school := f.school.InstitutionID
	rows, err := f.s.Pool().Query(f.ctx, `SELECT l.id FROM subsidy_claim_lines l JOIN subsidy_claims c ON c.id = l.claim_id
		WHERE c.institution_id = $1 AND c.status = 'paid' AND l.status = 'active' ORDER BY l.id LIMIT 2`, school)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, id)
	}
	if rows.Err() != nil || len(lines) == 0 {
		t.Fatalf("no line of a paid claim: %v", rows.Err())
	}
	var total int64
	for i, id := range lines {
		amount := []string{"1000", "500.50"}[i]
		if _, err := f.s.MarkRecovery(f.ctx, f.bureau, id, training.RecoveryInput{Amount: amount, Reason: "虚报培训人数"}); err != nil {
			t.Fatal(err)
		}
		total += []int64{100000, 50050}[i]
	}
	_, finding := inspectWithFinding(t, f.s, school)
	page, err := f.s.InstitutionSupervision(f.ctx, f.bureau, school)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.RecoveryLines) != len(lines) || strings.Contains(page.RecoveryLines[0].Name, "晓") {
		t.Fatalf("recoverable lines: %+v", page.RecoveryLines)
	}
	in := training.SanctionInput{Kind: training.SanctionRevocation, Ground: training.GroundSubsidy, Reason: "虚报人数骗取培训补助经费",
		DecidedBy: "王局长", DecidedOn: "2026-03-02", FindingIDs: []int64{finding}, LineIDs: lines, Recover: "10"}
	if _, err := f.s.RecordSanction(f.ctx, f.bureau, school, in); err == nil || !strings.Contains(err.Error(), "追缴金额不能少于所关联补贴明细的追缴金额合计") {
		t.Fatalf("below the lines: %v", err)
	}
	in.Recover = ""
	sid, err := f.s.RecordSanction(f.ctx, f.bureau, school, in)
	if err != nil {
		t.Fatal(err)
	}
	page, err = f.s.InstitutionSupervision(f.ctx, f.bureau, school)
	if err != nil {
		t.Fatal(err)
	}
	x := page.Sanctions[0]
	if x.ID != sid || x.RecoverFen != total || len(x.Lines) != len(lines) || len(page.RecoveryLines) != 0 {
		t.Fatalf("sanction %+v; still recoverable %d", x, len(page.RecoveryLines))
	}
	var sum int64
	for _, l := range x.Lines {
		sum += l.RecoveryFen
	}
	if sum != total {
		t.Fatalf("lines total %d, want %d", sum, total)
	}
}

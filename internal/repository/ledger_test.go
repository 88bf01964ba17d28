package repository_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// archivedClass takes the exam fixture's class through its assessment to
// the archive: three candidates, one session published, archived.
func archivedClass(t *testing.T) *examFixture {
	t.Helper()
	ef := newExamFixture(t, 3)
	s, ctx := ef.s, ef.ctx
	appID := ef.apply(training.CertSkillLevel)
	if err := s.DecideApplication(ctx, ef.centre, appID, 1, true, ""); err != nil {
		t.Fatal(err)
	}
	sid, err := s.ScheduleSession(ctx, ef.centre, appID, sessionIn("2026-04-10"))
	if err != nil {
		t.Fatal(err)
	}
	ef.setNow(time.Date(2026, 4, 10, 8, 0, 0, 0, repository.Shanghai))
	x := ef.session(sid)
	var rows []training.ScoreRow
	for _, e := range x.Entries {
		if err := s.CheckCandidate(ctx, ef.centre, sid, e.ID); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, training.ScoreRow{EntryID: e.ID, Theory: sc(80), Practical: sc(75)})
	}
	if _, err := s.EnterScores(ctx, ef.centre, sid, x.Version, rows); err != nil {
		t.Fatal(err)
	}
	if err := s.ApproveResults(ctx, ef.centre2, sid, x.Version+1); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishResults(ctx, ef.centre, sid, x.Version+2); err != nil {
		t.Fatal(err)
	}
	// Before the archive the ledger is live.
	p, err := s.LedgerPage(ctx, ef.school, ef.classID)
	if err != nil || p.Frozen || len(p.Ledger.Results) != 3 || p.Ledger.Results[0].Outcome != "pass" || p.Ledger.Results[0].CertNo == "" {
		t.Fatalf("live ledger: %v frozen=%v results %+v", err, p.Frozen, p.Ledger.Results)
	}
	ef.setNow(time.Date(2026, 4, 20, 10, 0, 0, 0, repository.Shanghai))
	if err := s.ArchiveApplication(ctx, ef.centre, appID, ef.app(appID).Version); err != nil {
		t.Fatal(err)
	}
	return ef
}

func TestLedgerFrozenAtArchive(t *testing.T) {
	ef := archivedClass(t)
	s, ctx := ef.s, ef.ctx
	p, err := s.LedgerPage(ctx, ef.school, ef.classID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Frozen || !p.Seal.Intact() || p.Tampered() {
		t.Fatalf("archived ledger: frozen=%v seal %+v", p.Frozen, p.Seal)
	}
	if got := p.Seal.RetainUntil.Format(time.DateOnly); got != "2036-04-20" {
		t.Errorf("retained until %s", got)
	}
	l := p.Ledger
	if l.Class.Status != string(training.ClassArchived) || len(l.Trainees) != 3 || len(l.Results) != 3 || len(l.Versions) == 0 ||
		len(l.Sessions) == 0 || len(l.History) == 0 {
		t.Fatalf("frozen ledger: %s, %d trainees, %d results, %d versions, %d sessions, %d events",
			l.Class.Status, len(l.Trainees), len(l.Results), len(l.Versions), len(l.Sessions), len(l.History))
	}
	name := l.Trainees[0].Name

	// A later edit elsewhere (a trainee's name, a certificate revoked)
	// does not change the archived ledger.
	if _, err := s.Pool().Exec(ctx, `UPDATE trainees SET name = '改过的名字' WHERE id = (SELECT trainee_id FROM enrolments WHERE id = $1)`,
		l.Trainees[0].EnrolmentID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE certificates SET revoked_at = now(), revoked_reason = '测试' WHERE cert_no = $1`, l.Results[0].CertNo); err != nil {
		t.Fatal(err)
	}
	again, err := s.LedgerPage(ctx, ef.bureau, ef.classID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Ledger.Trainees[0].Name != name || again.Ledger.Results[0].CertRevoked || !again.Seal.Intact() {
		t.Fatalf("the archived ledger changed: %q revoked=%v seal %+v", again.Ledger.Trainees[0].Name, again.Ledger.Results[0].CertRevoked, again.Seal)
	}

	// Another institution does not see it; the centre has no ledgers.
	if _, err := s.LedgerPage(ctx, ef.acad, ef.classID); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("academy reads the school's ledger: %v", err)
	}
	if _, err := s.LedgerPage(ctx, ef.centre, ef.classID); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("centre reads a ledger: %v", err)
	}

	// Frozen: no update, no delete before the retention date (the
	// database refuses whoever asks), and the repository refuses too.
	if _, err := s.Pool().Exec(ctx, `UPDATE class_ledgers SET archived_by = 'x' WHERE class_id = $1`, ef.classID); err == nil ||
		!strings.Contains(err.Error(), "never changed") {
		t.Fatalf("update of a frozen ledger: %v", err)
	}
	if _, err := s.Pool().Exec(ctx, `DELETE FROM class_ledgers WHERE class_id = $1`, ef.classID); err == nil ||
		!strings.Contains(err.Error(), "retention") {
		t.Fatalf("delete before the retention date: %v", err)
	}
	wantRule(t, s.PurgeLedger(ctx, ef.bureau, ef.classID), "第十四条：培训台账归档后至少保存十年（保存至2036-04-20）")
	if err := s.PurgeLedger(ctx, ef.school, ef.classID); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution purges: %v", err)
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM class_ledgers WHERE class_id = $1`, ef.classID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("ledger rows %d %v", n, err)
	}
	// A CHECK holds the ten years whatever the writer computes.
	_, err = s.Pool().Exec(ctx, `INSERT INTO class_ledgers (class_id, institution_id, year, snapshot, checksum, archived_at, archived_by, retain_until)
		SELECT id, institution_id, 2026, '{}'::bytea, repeat('a', 64), now(), 'x', current_date + 365 FROM classes WHERE id <> $1 LIMIT 1`, ef.classID)
	if err == nil || !strings.Contains(err.Error(), "class_ledgers_retention_check") {
		t.Fatalf("a ledger kept one year: %v", err)
	}
}

func TestLedgerTamperDetected(t *testing.T) {
	ef := archivedClass(t)
	s, ctx := ef.s, ef.ctx
	// Someone with the table owner's rights edits the snapshot.
	tamper := func(sql string) {
		t.Helper()
		if _, err := s.Pool().Exec(ctx, `ALTER TABLE class_ledgers DISABLE TRIGGER class_ledgers_no_update`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pool().Exec(ctx, sql, ef.classID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pool().Exec(ctx, `ALTER TABLE class_ledgers ENABLE TRIGGER class_ledgers_no_update`); err != nil {
			t.Fatal(err)
		}
	}
	tamper(`UPDATE class_ledgers SET snapshot = convert_to(replace(convert_from(snapshot, 'UTF8'), '"pass"', '"fail"'), 'UTF8') WHERE class_id = $1`)
	p, err := s.LedgerPage(ctx, ef.bureau, ef.classID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Tampered() || p.Seal.Computed == p.Seal.Checksum {
		t.Fatalf("an edited snapshot passes: %+v", p.Seal)
	}
	// Rewriting the checksum as well is still found: the archive's audit
	// row (hash-chained) keeps the original.
	tamper(`UPDATE class_ledgers SET checksum = encode(sha256(snapshot), 'hex') WHERE class_id = $1`)
	p, err = s.LedgerPage(ctx, ef.bureau, ef.classID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Seal.Computed != p.Seal.Checksum || !p.Tampered() {
		t.Fatalf("snapshot and checksum rewritten together pass: %+v", p.Seal)
	}
	// A snapshot that no longer reads is reported, not an error page.
	tamper(`UPDATE class_ledgers SET snapshot = '\x7b7b'::bytea WHERE class_id = $1`)
	p, err = s.LedgerPage(ctx, ef.bureau, ef.classID)
	if err != nil || !p.Tampered() {
		t.Fatalf("unreadable snapshot: %v %+v", err, p.Seal)
	}
}

func TestLedgerOnlyForFinishedClasses(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass()
	_, err := cf.s.LedgerPage(cf.ctx, cf.school, id)
	wantRule(t, err, "第十四条：培训班结业后才有培训台账")
	if _, err := cf.s.LedgerPage(cf.ctx, cf.school, 999999); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("missing class: %v", err)
	}
}

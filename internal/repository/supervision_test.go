package repository_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// inspectWithFinding records an inspection of inst with the first
// checklist item found 不符合, and returns the inspection and its finding.
func inspectWithFinding(t *testing.T, s *repository.Store, inst int64) (int64, int64) {
	t.Helper()
	items, err := s.Checklist(ctx, bureau, true)
	if err != nil {
		t.Fatal(err)
	}
	in := training.InspectionInput{InstitutionID: inst, Mode: training.ModeOnSite, Date: s.Today().Format("2006-01-02"),
		Inspectors: "王科长、李科员", Results: map[int64]training.ItemResult{}, Notes: map[int64]string{}}
	for i, it := range items {
		in.Results[it.ID] = training.ItemOK
		if i == 1 {
			in.Results[it.ID], in.Notes[it.ID] = training.ItemFail, "3月课时少于备案"
		}
	}
	id, err := s.CreateInspection(ctx, bureau, in)
	if err != nil {
		t.Fatal(err)
	}
	var finding int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM inspection_findings WHERE inspection_id = $1`, id).Scan(&finding); err != nil {
		t.Fatal(err)
	}
	return id, finding
}

var pdf = []byte("%PDF-1.4 整改佐证")

// acceptedRectification orders, answers and accepts a rectification of a
// new finding of inst.
func acceptedRectification(t *testing.T, s *repository.Store, inst int64) int64 {
	t.Helper()
	_, finding := inspectWithFinding(t, s, inst)
	order, err := s.OrderRectification(ctx, bureau, finding, training.OrderInput{WorkingDays: "5", Requirement: "补足课时"})
	if err != nil {
		t.Fatal(err)
	}
	staff := training.Actor{UserID: 0, Name: "机构", Role: training.RoleInstitution, InstitutionID: inst}
	if err := s.AnswerOrder(ctx, staff, order, 1, "已补课", "a.pdf", "application/pdf", pdf); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideOrder(ctx, bureau, order, 2, training.ActOrderAccept, ""); err != nil {
		t.Fatal(err)
	}
	return order
}

// The SUP-4 flow: inspect, order rectification (deadline on the working-day
// calendar), the institution answers with a file, the bureau escalates to
// a suspension resting on the finding, the institution cannot file a class
// (INST-3, citing the article), a lift is refused until a rectification is
// accepted, then lifted; every step audited; another institution sees none
// of it.
func TestSupervisionFlow(t *testing.T) {
	s := newStore(t) // Monday 2026-03-02
	inst := designated(t, s, "甲", "52330185MJ8812345")
	other := designated(t, s, "乙", "52330185MJ8812346")
	staff := training.Actor{Name: "甲校", Role: training.RoleInstitution, InstitutionID: inst}
	stranger := training.Actor{Name: "乙校", Role: training.RoleInstitution, InstitutionID: other}

	insp, finding := inspectWithFinding(t, s, inst)
	order, err := s.OrderRectification(ctx, bureau, finding, training.OrderInput{WorkingDays: "5", Requirement: "补足课时并报送考勤"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.OrderByID(ctx, staff, order)
	if err != nil {
		t.Fatal(err)
	}
	// Five working days after Monday 2 March 2026: Monday 9 March.
	if got := o.DueOn.Format("2006-01-02"); got != "2026-03-09" || o.Status != training.OrderOpen {
		t.Fatalf("due %s status %s", got, o.Status)
	}
	if _, err := s.OrderRectification(ctx, bureau, finding, training.OrderInput{WorkingDays: "5", Requirement: "x"}); err == nil {
		t.Fatal("a second order on the same finding")
	}
	// The other institution sees nothing.
	if _, err := s.OrderByID(ctx, stranger, order); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("stranger reads the order: %v", err)
	}
	if _, err := s.InspectionByID(ctx, stranger, insp); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("stranger reads the inspection: %v", err)
	}
	if err := s.AnswerOrder(ctx, stranger, order, 1, "x", "a.pdf", "application/pdf", pdf); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("stranger answers: %v", err)
	}
	list, err := s.Orders(ctx, stranger, 0, true)
	if err != nil || len(list) != 0 {
		t.Fatalf("stranger's orders %v %v", list, err)
	}
	// The answer needs its evidence, typed by content.
	if err := s.AnswerOrder(ctx, staff, order, 1, "已整改", "", "", nil); err == nil {
		t.Fatal("answered without a file")
	}
	if err := s.AnswerOrder(ctx, staff, order, 1, "已整改", "a.exe", "application/octet-stream", []byte("MZ")); err == nil {
		t.Fatal("answered with a program")
	}
	if err := s.AnswerOrder(ctx, staff, order, 1, "已整改", "a.pdf", "application/pdf", pdf); err != nil {
		t.Fatal(err)
	}
	f, data, err := s.OrderFileData(ctx, bureau, order)
	if err != nil || string(data) != string(pdf) || f.ContentType != "application/pdf" {
		t.Fatalf("file %+v %v", f, err)
	}
	// Escalated to a suspension resting on the finding.
	if err := s.DecideOrder(ctx, bureau, order, 1, training.ActOrderEscalate, "整改不到位"); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if err := s.DecideOrder(ctx, bureau, order, 2, training.ActOrderEscalate, "整改不到位"); err != nil {
		t.Fatal(err)
	}
	suspend := training.SanctionInput{Kind: training.SanctionSuspension, Ground: training.GroundRectify, Reason: "整改不到位",
		DecidedBy: "王局长", DecidedOn: "2026-03-02", FindingIDs: []int64{finding}}
	if _, err := s.RecordSanction(ctx, bureau, inst, training.SanctionInput{Kind: training.SanctionSuspension, Ground: training.GroundRectify,
		Reason: "x", DecidedBy: "王局长", DecidedOn: "2026-03-02"}); err == nil {
		t.Fatal("suspended without findings")
	}
	if _, err := s.RecordSanction(ctx, staff, inst, suspend); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution sanctions: %v", err)
	}
	if _, err := s.RecordSanction(ctx, bureau, other, suspend); err == nil {
		t.Fatal("suspended on another institution's finding")
	}
	if _, err := s.RecordSanction(ctx, bureau, inst, suspend); err != nil {
		t.Fatal(err)
	}
	in, err := s.InstitutionByID(ctx, bureau, inst)
	if err != nil || in.Status != training.InstSuspended {
		t.Fatalf("status %s %v", in.Status, err)
	}
	// INST-3: no new filing, with the article.
	_, err = s.CreateClass(ctx, staff, training.Plan{})
	if v, ok := training.AsValidation(err); !ok || len(v.General) == 0 || !strings.HasPrefix(v.General[0], "第三条、第十六条：") {
		t.Fatalf("filing while suspended: %v", err)
	}
	// A lift needs an accepted rectification since the suspension.
	lift := training.SanctionInput{Kind: training.SanctionLift, Ground: training.GroundRectified, Reason: "整改合格",
		DecidedBy: "王局长", DecidedOn: "2026-03-02"}
	if _, err := s.RecordSanction(ctx, bureau, inst, lift); err == nil {
		t.Fatal("lifted without an accepted rectification")
	}
	cur, _ := s.InstitutionByID(ctx, bureau, inst)
	if err := s.ChangeInstitutionStatus(ctx, bureau, inst, cur.Version, training.StatusChangeInput{Action: training.ActResume, Reason: "x"}); err == nil {
		t.Fatal("resumed without an accepted rectification")
	}
	accepted := acceptedRectification(t, s, inst)
	if _, err := s.RecordSanction(ctx, bureau, inst, lift); err != nil {
		t.Fatal(err)
	}
	p, err := s.InstitutionSupervision(ctx, staff, inst)
	if err != nil {
		t.Fatal(err)
	}
	if p.Institution.Status != training.InstDesignated || len(p.Sanctions) != 2 || p.Sanctions[0].Kind != training.SanctionLift ||
		p.Sanctions[0].OrderID != accepted || len(p.Sanctions[1].Findings) != 1 || p.Sanctions[1].Findings[0].ID != finding {
		t.Fatalf("supervision page %+v", p)
	}
	if _, err := s.InstitutionSupervision(ctx, stranger, inst); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("stranger reads the supervision page: %v", err)
	}
	// Revocation is final, with the amount to recover and the referral.
	if _, err := s.RecordSanction(ctx, bureau, inst, training.SanctionInput{Kind: training.SanctionRevocation, Ground: training.GroundSubsidy,
		Reason: "虚报学员骗取补贴", DecidedBy: "王局长", DecidedOn: "2026-03-02", FindingIDs: []int64{finding}, Recover: "38,400",
		Referral: true, ReferralNote: "移送临安区公安分局"}); err != nil {
		t.Fatal(err)
	}
	var fen int64
	if err := s.Pool().QueryRow(ctx, `SELECT recover_fen FROM sanctions WHERE institution_id = $1 AND kind = 'revocation'`, inst).Scan(&fen); err != nil || fen != 3840000 {
		t.Fatalf("recover %d %v", fen, err)
	}
	if _, err := s.RecordSanction(ctx, bureau, inst, training.SanctionInput{Kind: training.SanctionWarning, Ground: training.GroundContent,
		Reason: "x", DecidedBy: "王局长", DecidedOn: "2026-03-02", FindingIDs: []int64{finding}}); err == nil {
		t.Fatal("a revoked institution sanctioned again")
	}
	var audits int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE institution_id = $1 AND
		(action LIKE 'sanction.%' OR action LIKE 'rectification.%' OR action LIKE 'inspection.%')`, inst).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	// 2 inspections, 2 orders, 2 answers, 1 escalation, 1 acceptance, 3 sanctions.
	if audits != 11 {
		t.Fatalf("%d audit rows", audits)
	}
}

// The nightly job flags open orders past their deadline, once.
func TestMarkOverdueOrders(t *testing.T) {
	s := newStore(t)
	inst := designated(t, s, "甲", "52330185MJ8812345")
	_, finding := inspectWithFinding(t, s, inst)
	order, err := s.OrderRectification(ctx, bureau, finding, training.OrderInput{WorkingDays: "1", Requirement: "补足课时"})
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := s.MarkOverdueOrders(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("flagged before the deadline: %v %v", ids, err)
	}
	later := repository.New(s.Pool(), func() time.Time { return time.Date(2026, 3, 4, 9, 0, 0, 0, repository.Shanghai) })
	ids, err := later.MarkOverdueOrders(ctx)
	if err != nil || len(ids) != 1 || ids[0] != order {
		t.Fatalf("flagged %v %v", ids, err)
	}
	if ids, err := later.MarkOverdueOrders(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("flagged twice: %v %v", ids, err)
	}
	n, err := later.SupervisionNotices(ctx, bureau)
	if err != nil || n.Overdue != 1 {
		t.Fatalf("notices %+v %v", n, err)
	}
	staff := training.Actor{Name: "甲校", Role: training.RoleInstitution, InstitutionID: inst}
	if err := later.AnswerOrder(ctx, staff, order, 1, "迟到的整改", "a.pdf", "application/pdf", pdf); err == nil {
		t.Fatal("answered after the deadline")
	}
	if err := later.DecideOrder(ctx, bureau, order, 1, training.ActOrderEscalate, "逾期未整改"); err != nil {
		t.Fatal(err)
	}
}

// TestSupervisionConstraintMessages: every constraint of the inspection,
// rectification and sanction tables has a Chinese message.
func TestSupervisionConstraintMessages(t *testing.T) {
	s := newStore(t)
	rows, err := s.Pool().Query(ctx, `SELECT k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relname IN ('inspection_items', 'inspections', 'inspection_results', 'inspection_findings', 'inspection_files',
			'rectification_orders', 'sanctions', 'sanction_findings', 'evaluation_years', 'evaluation_scores')
		AND k.contype IN ('c', 'f', 'u', 'x')`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if _, ok := repository.ConstraintMessage(name); !ok {
			t.Errorf("constraint %s has no message", name)
		}
	}
	if len(names) < 40 {
		t.Fatalf("only %d constraints found", len(names))
	}
}

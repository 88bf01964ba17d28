package training

import (
	"strings"
	"testing"
	"time"
)

func TestDecideStopClass(t *testing.T) {
	bureau := Actor{UserID: 1, Role: RoleBureau}
	school := Actor{UserID: 2, Role: RoleInstitution, InstitutionID: 7}
	ok := ClassStopInput{Reason: "机构暂停期间停止培训", DecidedBy: "王科长"}
	for _, c := range []struct {
		name string
		a    Actor
		inst InstitutionStatus
		cls  ClassStatus
		in   ClassStopInput
		want string // "" allowed, else a part of the refusal
	}{
		{"suspended, approved", bureau, InstSuspended, ClassApproved, ok, ""},
		{"revoked, approved", bureau, InstRevoked, ClassApproved, ok, ""},
		{"the institution itself", school, InstSuspended, ClassApproved, ok, "只有区人力社保局"},
		{"designated: classes continue", bureau, InstDesignated, ClassApproved, ok, "第三条、第十六条：机构定点资质为「定点」"},
		{"pending", bureau, InstPending, ClassApproved, ok, "「待审」"},
		{"a draft is not stopped", bureau, InstSuspended, ClassDraft, ok, "第十六条：培训班当前状态为「草稿」"},
		{"finished", bureau, InstSuspended, ClassFinished, ok, "只有已备案"},
		{"cancelled", bureau, InstSuspended, ClassCancelled, ok, "只有已备案"},
		{"no reason", bureau, InstSuspended, ClassApproved, ClassStopInput{Reason: "  ", DecidedBy: "王科长"}, "停止培训的理由"},
		{"reason too long", bureau, InstSuspended, ClassApproved, ClassStopInput{Reason: strings.Repeat("停", 501), DecidedBy: "王科长"}, "最多500字"},
		{"no decider", bureau, InstSuspended, ClassApproved, ClassStopInput{Reason: "停"}, "决定人"},
	} {
		rs := DecideStopClass(c.a, c.inst, c.cls, c.in)
		if c.want == "" {
			if !rs.OK() {
				t.Errorf("%s: refused: %v", c.name, rs.Err())
			}
			continue
		}
		var all string
		for _, r := range rs {
			all += r.Message + "|"
		}
		if rs.OK() || !strings.Contains(all, c.want) {
			t.Errorf("%s: %q, want %q", c.name, all, c.want)
		}
	}
	if CanStopClasses(bureau, InstDesignated) || !CanStopClasses(bureau, InstSuspended) || CanStopClasses(school, InstSuspended) {
		t.Error("CanStopClasses")
	}
}

// TestSanctionRecoveryLines: a revocation may rest its amount on the
// subsidy lines marked 追缴 (SUP-5): the amount defaults to their total and
// is never below it; lines belong to revocations only and must all be the
// institution's unlinked marked lines.
func TestSanctionRecoveryLines(t *testing.T) {
	bureau := Actor{UserID: 1, Role: RoleBureau}
	base := SanctionInput{Kind: SanctionRevocation, Ground: GroundSubsidy, Reason: "骗取补贴", DecidedBy: "王局长",
		DecidedOn: "2026-03-02", FindingIDs: []int64{1}, LineIDs: []int64{10, 11, 10}}
	facts := SanctionFacts{Status: InstSuspended, Findings: 1, Today: mustDay(t, "2026-03-02"), Lines: 2, LinesFen: 180000}
	for _, c := range []struct {
		name    string
		kind    SanctionKind
		recover string
		lines   int
		wantFen int64
		want    string
	}{
		{"blank amount: the lines' total", SanctionRevocation, "", 2, 180000, ""},
		{"more than the lines (over-charged fees too)", SanctionRevocation, "2500", 2, 250000, ""},
		{"exactly the lines", SanctionRevocation, "1,800.00", 2, 180000, ""},
		{"below the lines", SanctionRevocation, "1000", 2, 0, "第十六条：追缴金额不能少于所关联补贴明细的追缴金额合计（¥1,800.00）"},
		{"a line not the institution's", SanctionRevocation, "", 1, 0, "所选补贴明细须是该机构标记追缴"},
		{"lines on a warning", SanctionWarning, "", 2, 0, "只有取消定点资格的决定关联"},
	} {
		in := base
		in.Kind, in.Recover = c.kind, c.recover
		if c.kind == SanctionWarning {
			in.Ground = GroundContent
		}
		f := facts
		f.Lines = c.lines
		d, rs := DecideSanction(bureau, in, f)
		var all string
		for _, r := range rs {
			all += r.Message + "|"
		}
		if c.want == "" {
			if !rs.OK() || d.RecoverFen != c.wantFen {
				t.Errorf("%s: %q, %d fen, want %d", c.name, all, d.RecoverFen, c.wantFen)
			}
			continue
		}
		if !strings.Contains(all, c.want) {
			t.Errorf("%s: %q, want %q", c.name, all, c.want)
		}
	}
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, ok := ParseDay(s)
	if !ok {
		t.Fatal(s)
	}
	return d
}

package training

import (
	"strings"
	"testing"
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

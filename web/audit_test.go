package web

import "testing"

func TestAuditChanges(t *testing.T) {
	got := AuditChanges(`{"status": "pending"}`, `{"status": "designated", "decided_by": "王科长"}`)
	if len(got) != 2 || got[0] != (Change{"状态", "待审", "定点"}) || got[1] != (Change{"决定人", "", "王科长"}) {
		t.Fatalf("%+v", got)
	}
	if got := AuditChanges(`{"a": "1"}`, `{"a": "1"}`); len(got) != 0 {
		t.Fatalf("unchanged field listed: %+v", got)
	}
	if got := AuditChanges(`{"scope": []}`, `{"scope": ["x", "y"]}`); got[0].Before != "（无）" || got[0].After != "x；y" {
		t.Fatalf("%+v", got)
	}
}

package server_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAuditLogSearchExportVerify: the bureau finds a view of full personal
// data, filters by person and action, exports what it sees (masked) and
// verifies the chain; an edited row is reported.
func TestAuditLogSearchExportVerify(t *testing.T) {
	e := newEnv(t)
	bureau := e.login("bureau")
	teacher := e.teacherID("王建华")
	if r := bureau.get("/teachers/" + itoa(teacher)); r.status != http.StatusOK {
		t.Fatalf("teacher page: %d", r.status)
	}
	r := bureau.get("/audit?pii=1")
	if r.status != http.StatusOK || len(r.texts("audit-pii")) == 0 || len(r.texts("audit-pii")) != len(r.texts("audit-row")) {
		t.Fatalf("pii filter: %d, %d rows, %d marked", r.status, len(r.texts("audit-row")), len(r.texts("audit-pii")))
	}
	if !strings.Contains(r.text("audit-log"), "查看教师完整身份证号和手机号") || strings.Contains(r.body, "teacher.view_pii<") {
		t.Fatalf("label: %q", r.text("audit-log"))
	}
	r = bureau.get("/audit?action=teacher.view_pii&entity=teacher&entity_id=" + itoa(teacher) + "&actor=王科长")
	rows := r.texts("audit-row")
	if len(rows) != 1 || !strings.Contains(r.text("audit-export"), "导出") {
		t.Fatalf("filtered: %q", rows)
	}
	if strings.Contains(r.body, "330") && strings.Contains(r.text("audit-log"), "33018") && !strings.Contains(r.text("audit-log"), "****") {
		t.Fatal("an unmasked ID number on the audit page")
	}
	x := bureau.get("/audit.xlsx?action=teacher.view_pii&entity=teacher&entity_id=" + itoa(teacher))
	if x.status != http.StatusOK {
		t.Fatalf("export: %d", x.status)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.GetRows("审计日志")
	if err != nil || len(got) != 2 || got[1][4] != "查看教师完整身份证号和手机号" {
		t.Fatalf("export rows %q %v", got, err)
	}
	if r := e.login("school").get("/audit"); r.status != http.StatusForbidden {
		t.Fatalf("school sees the audit log: %d", r.status)
	}

	v := bureau.post("/audit/verify", nil)
	if v.status != http.StatusSeeOther {
		t.Fatalf("verify: %d", v.status)
	}
	if msg := bureau.get("/audit").text("flash"); !strings.Contains(msg, "校验通过") {
		t.Fatalf("verify said %q", msg)
	}
	// An edited row (by the owner, bypassing the append-only trigger).
	ctx := context.Background()
	if _, err := e.store.Pool().Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Pool().Exec(ctx, `UPDATE audit_log SET actor_name = '篡改' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Pool().Exec(ctx, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`); err != nil {
		t.Fatal(err)
	}
	bureau.post("/audit/verify", nil)
	if msg := bureau.get("/audit").text("flash"); !strings.Contains(msg, "第 3 条记录起") || !strings.Contains(msg, "被修改") {
		t.Fatalf("after an edit, verify said %q", msg)
	}
}

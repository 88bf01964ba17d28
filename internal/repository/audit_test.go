package repository_test

import (
	"fmt"
	"sync"
	"testing"
)

func TestAuditChainHoldsUnderConcurrency(t *testing.T) {
	s := newStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			prefix := fmt.Sprintf("5233018500%07d", i)
			_, err := s.CreateInstitution(ctx, bureau, input(fmt.Sprintf("机构%d", i), prefix))
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	brk, n, err := s.VerifyAudit(ctx)
	if err != nil || brk != nil || n != 40 {
		t.Fatalf("verify: break=%+v n=%d err=%v", brk, n, err)
	}
}

func TestAuditAppendOnlyAndTamperDetected(t *testing.T) {
	s := newStore(t)
	for i := 0; i < 3; i++ {
		if _, err := s.CreateInstitution(ctx, bureau, input(fmt.Sprintf("机构%d", i), fmt.Sprintf("5233018500%07d", i))); err != nil {
			t.Fatal(err)
		}
	}
	// The application cannot edit or delete audit rows.
	if _, err := s.Pool().Exec(ctx, `UPDATE audit_log SET actor_name = 'x' WHERE seq = 2`); err == nil {
		t.Fatal("audit row updated")
	}
	if _, err := s.Pool().Exec(ctx, `DELETE FROM audit_log WHERE seq = 2`); err == nil {
		t.Fatal("audit row deleted")
	}
	if _, err := s.Pool().Exec(ctx, `TRUNCATE audit_log`); err == nil {
		t.Fatal("audit log truncated")
	}
	// Someone with the database owner's rights edits a row behind the
	// application's back: the verifier finds it.
	tamper := func(sql string) {
		t.Helper()
		tx, err := s.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER USER`, sql, `ALTER TABLE audit_log ENABLE TRIGGER USER`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tamper(`UPDATE audit_log SET after = '{"name":"伪造"}' WHERE seq = 2`)
	brk, _, err := s.VerifyAudit(ctx)
	if err != nil || brk == nil || brk.Seq != 2 {
		t.Fatalf("edited row not found: %+v %v", brk, err)
	}
}

func TestAuditDeletedRowDetected(t *testing.T) {
	s := newStore(t)
	for i := 0; i < 3; i++ {
		if _, err := s.CreateInstitution(ctx, bureau, input(fmt.Sprintf("机构%d", i), fmt.Sprintf("5233018500%07d", i))); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := s.Pool().Begin(ctx)
	must(t, err)
	for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER USER`, `DELETE FROM audit_log WHERE seq = 3`, `ALTER TABLE audit_log ENABLE TRIGGER USER`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	must(t, tx.Commit(ctx))
	brk, _, err := s.VerifyAudit(ctx)
	if err != nil || brk == nil {
		t.Fatalf("deleted last row not found: %+v %v", brk, err)
	}
}

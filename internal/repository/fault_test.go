package repository_test

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Connections are killed while institutions are being created: every create
// that was acknowledged is in the database, and the audit chain is whole.
func TestKilledConnectionsLoseNoAcknowledgedWrite(t *testing.T) {
	s := newStore(t)
	stop := make(chan struct{})
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		for {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			_, _ = s.Pool().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`)
		}
	}()
	var mu sync.Mutex
	acked := map[int64]string{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				name := fmt.Sprintf("机构-%d-%d", w, i)
				id, err := s.CreateInstitution(ctx, bureau, input(name, fmt.Sprintf("523301850%02d%06d", w, i)))
				if err == nil {
					mu.Lock()
					acked[id] = name
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	<-killerDone
	if len(acked) == 0 {
		t.Fatal("no create succeeded at all")
	}
	for id, name := range acked {
		var got string
		if err := s.Pool().QueryRow(ctx, `SELECT name FROM institutions WHERE id = $1`, id).Scan(&got); err != nil || got != name {
			t.Fatalf("acknowledged institution %d (%s) lost: %v", id, name, err)
		}
	}
	var rows, audits int
	_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM institutions`).Scan(&rows)
	_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'institution.create'`).Scan(&audits)
	if rows != audits {
		t.Fatalf("%d institutions but %d create audit rows: a write without its audit row", rows, audits)
	}
	if brk, _, err := s.VerifyAudit(ctx); err != nil || brk != nil {
		t.Fatalf("audit chain broken: %+v %v", brk, err)
	}
	t.Logf("%d of 200 creates acknowledged under connection kills", len(acked))
}

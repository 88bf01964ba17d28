package repository_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tianmu/internal/training"
)

// Connections are killed while institutions are being created: every create
// that was acknowledged is in the database, and the audit chain is whole.
func TestKilledConnectionsLoseNoAcknowledgedWrite(t *testing.T) {
	s := newStore(t)
	stop := make(chan struct{})
	killerDone := make(chan struct{})
	var kills, killerErrs int // read after killerDone
	go func() {
		defer close(killerDone)
		for {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			// The killer's own pooled connection may have been killed in an
			// earlier round: such a round fails and the next one goes on.
			var n int
			if err := s.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&n); err != nil {
				killerErrs++
				continue
			}
			kills += n
		}
	}()
	var mu sync.Mutex
	acked := map[int64]string{}
	var failed []error
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				name := fmt.Sprintf("机构-%d-%d", w, i)
				id, err := s.CreateInstitution(ctx, bureau, input(name, fmt.Sprintf("523301850%02d%06d", w, i)))
				mu.Lock()
				if err == nil {
					acked[id] = name
				} else {
					failed = append(failed, err)
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	<-killerDone
	t.Logf("%d creates acknowledged, %d failed; %d connections killed (%d killer rounds failed)", len(acked), len(failed), kills, killerErrs)
	if len(acked) == 0 || len(acked)+len(failed) != 200 {
		t.Fatalf("%d acknowledged and %d failed of 200 creates", len(acked), len(failed))
	}
	if kills == 0 {
		t.Fatal("no connection was killed: the test tried nothing")
	}
	// A failure is the killed connection, never a domain refusal (a
	// duplicate credit code would mean a retried create that had committed).
	for _, err := range failed {
		if _, ok := training.AsValidation(err); ok || errors.Is(err, training.ErrConflict) {
			t.Errorf("a create failed with a refusal: %v", err)
		}
	}
	// The pool may still hold connections killed in the last round: start
	// the checks on fresh ones.
	s.Pool().Reset()
	for id, name := range acked {
		var got string
		if err := s.Pool().QueryRow(ctx, `SELECT name FROM institutions WHERE id = $1`, id).Scan(&got); err != nil || got != name {
			t.Fatalf("acknowledged institution %d (%s) lost: %v", id, name, err)
		}
	}
	var rows, audits int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM institutions`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'institution.create'`).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if rows != audits {
		t.Fatalf("%d institutions but %d create audit rows: a write without its audit row", rows, audits)
	}
	if brk, _, err := s.VerifyAudit(ctx); err != nil || brk != nil {
		t.Fatalf("audit chain broken: %+v %v", brk, err)
	}
	t.Logf("%d of 200 creates acknowledged under connection kills", len(acked))
}

package repository_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// queryCounter counts the round trips to PostgreSQL (a statement sent on
// its own, or a batch) and the statements, keeping the text of each.
type queryCounter struct {
	mu         sync.Mutex
	roundTrips int
	statements []string
}

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	q.mu.Lock()
	q.roundTrips++
	q.statements = append(q.statements, d.SQL)
	q.mu.Unlock()
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (q *queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	q.mu.Lock()
	q.roundTrips++
	q.mu.Unlock()
	return ctx
}

func (q *queryCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	q.mu.Lock()
	q.statements = append(q.statements, d.SQL)
	q.mu.Unlock()
}

func (q *queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (q *queryCounter) reset() {
	q.mu.Lock()
	q.roundTrips, q.statements = 0, nil
	q.mu.Unlock()
}

// checkStatements are the statements other than the plan's own rows (one
// INSERT per session, teacher and textbook, sent together in one batch).
func (q *queryCounter) checkStatements() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []string
	for _, s := range q.statements {
		if strings.Contains(s, "INSERT INTO class_sessions") || strings.Contains(s, "INSERT INTO class_teachers") ||
			strings.Contains(s, "INSERT INTO class_textbooks") {
			continue
		}
		out = append(out, strings.Join(strings.Fields(s), " "))
	}
	return out
}

// TestSubmitQueriesFixed proves issue 4's "the submit check runs in one
// round of queries, not one per teacher or textbook": submitting a filing
// with 2 teachers and 1 textbook and one with 8 teachers and 6 textbooks
// takes the same number of round trips, and the same statements apart from
// the plan's own rows (written in one batch).
func TestSubmitQueriesFixed(t *testing.T) {
	cf := newClassFixture(t)
	// Six more practical teachers of 中式烹调师 and five more textbooks.
	var more []int64
	for i := range 6 {
		id := cf.teacher(cf.school, fmt.Sprintf("实操%d", i), idNumber(fmt.Sprintf("33018519850115%03d", i)), training.EduHigh, training.TitleNone)
		if err := cf.s.AddCertificate(cf.ctx, cf.school, id, cf.version(id), training.CertificateInput{
			OccupationID: cf.cook, Level: training.Level2, Number: fmt.Sprintf("CNT-2026-%04d", i), IssueDate: "2019-05-01",
			Issuer: "浙江省人力社保厅"}); err != nil {
			t.Fatal(err)
		}
		if err := cf.review(cf.school, id, training.ActTeacherSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if err := cf.review(cf.bureau, id, training.ActTeacherApprove, ""); err != nil {
			t.Fatal(err)
		}
		more = append(more, id)
	}
	books := []int64{cf.book}
	for i := range 5 {
		id, err := cf.s.CreateTextbook(cf.ctx, cf.bureau, training.TextbookInput{Title: fmt.Sprintf("中式烹调师 分册%d", i+1),
			ISBN: isbn(fmt.Sprintf("97870406%04d", i)), Publisher: "中国劳动社会保障出版社", Status: training.TextbookDesignated,
			Uses: []training.TextbookUse{{OccupationID: cf.cook, Level: training.LevelNone}}})
		if err != nil {
			t.Fatal(err)
		}
		books = append(books, id)
	}

	// The same database through a pool that counts what it sends.
	counter := &queryCounter{}
	cfg, err := pgxpool.ParseConfig(cf.s.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = counter
	cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Shanghai"
	traced, err := pgxpool.NewWithConfig(cf.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer traced.Close()
	s := repository.New(traced, func() time.Time { cf.mu.Lock(); defer cf.mu.Unlock(); return cf.now })
	if _, err := s.Calendar(cf.ctx); err != nil { // the calendar is cached; load it first
		t.Fatal(err)
	}

	small := cf.plan()
	big := cf.plan()
	for _, id := range more {
		big.Teachers = append(big.Teachers, training.ClassTeacher{TeacherID: id, Role: training.RolePractical})
	}
	big.TextbookIDs = books
	if n, m := len(big.Teachers), len(big.TextbookIDs); n != 8 || m != 6 {
		t.Fatalf("big plan: %d teachers, %d textbooks", n, m)
	}

	measure := func(p training.Plan) (int, []string) {
		t.Helper()
		id, err := s.CreateClass(cf.ctx, cf.school, p)
		if err != nil {
			t.Fatal(err)
		}
		v := cf.class(id).Version
		counter.reset()
		if err := s.SaveClass(cf.ctx, cf.school, id, v, p, true); err != nil {
			t.Fatalf("submit: %v", err)
		}
		if c := cf.class(id); c.Status != training.ClassSubmitted {
			t.Fatalf("status %s after submit", c.Status)
		}
		return counter.roundTrips, counter.checkStatements()
	}
	smallTrips, smallStmts := measure(small)
	bigTrips, bigStmts := measure(big)
	t.Logf("submit: %d round trips, %d statements besides the plan's rows (2 teachers/1 textbook and 8 teachers/6 textbooks)",
		smallTrips, len(smallStmts))
	if smallTrips != bigTrips {
		t.Errorf("round trips: %d with 2 teachers and 1 textbook, %d with 8 teachers and 6 textbooks", smallTrips, bigTrips)
	}
	if strings.Join(smallStmts, "\n") != strings.Join(bigStmts, "\n") {
		t.Errorf("statements differ:\n%s\n---\n%s", strings.Join(smallStmts, "\n"), strings.Join(bigStmts, "\n"))
	}
	// The figure README documents: change both when the submit path changes.
	if want := 9; smallTrips != want {
		t.Errorf("submit takes %d round trips, README says %d", smallTrips, want)
	}
}

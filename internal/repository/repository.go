// Package repository is Tianmu's storage layer: all SQL lives here. Each
// write is one transaction that loads, checks the training rules, writes and
// appends the audit record; reads are scoped by the Actor.
package repository

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/training"
)

// Store is the repository. It is safe for concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	now   func() time.Time
	cal   calendarCache // see calendar.go
	occ   occupationCache
	queue Queue // see queue.go
}

// New returns a store on pool. now is the clock for business dates
// (deadlines, decision dates, audit times); nil means time.Now.
func New(pool *pgxpool.Pool, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{pool: pool, now: now}
}

// Pool exposes the pool for health checks and the session store.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Shanghai is the time zone every date in the regulation is read in.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Today is the store's current date in Asia/Shanghai, at midnight UTC so it
// compares cleanly with DATE columns.
func (s *Store) Today() time.Time {
	t := s.now().In(Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// inTx runs fn in one transaction, committing when fn returns nil. A
// serialization failure or deadlock is retried a few times: fn must be
// idempotent apart from its writes, which the rollback undoes.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		if !retryable(err) {
			return err
		}
	}
	return err
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// constraintErrors maps a violated constraint to the form field and the
// Chinese message the user sees beside it.
var constraintErrors = map[string][2]string{
	"institutions_credit_code_key":            {"credit_code", "该统一社会信用代码已登记，不能重复登记"},
	"users_username_key":                      {"username", "该用户名已被使用"},
	"occupations_code_key":                    {"code", "该工种代码已存在"},
	"calendar_years_pkey":                     {"year", "该年度的节假日安排已录入，不能重复录入"},
	"calendar_days_pkey":                      {"days", "所录日期已在其他年度的节假日安排中"},
	"teacher_certificates_cert_no_key":        {"number", "该证书编号已登记，不能重复登记"},
	"teacher_certificates_occupation_id_fkey": {"occupation_id", "工种不存在"},
	"teacher_equivalences_key":                {"requirement", "该教师已有相同的等同资质认定"},
	"teacher_equivalences_occupation_id_fkey": {"occupation_id", "工种不存在"},
	"occupation_relations_pkey":               {"other_id", "这两个工种已标记为相关"},
	"occupation_relations_occupation_a_fkey":  {"other_id", "工种不存在"},
	"occupation_relations_occupation_b_fkey":  {"other_id", "工种不存在"},
	"textbooks_isbn_key":                      {"isbn", "该 ISBN 已在教材目录中，不能重复登记"},
	"textbooks_internal_code_key":             {"internal_code", "该内部编号已被使用"},
	"textbook_uses_occupation_id_fkey":        {"uses", "工种不存在"},
	"enrolments_agreement_no_key":             {"agreement_no", "协议编号已被使用，不能重复"},
	"session_deliveries_session_fkey":         {"sessions", training.RuleHeldSessionChanged.Msg()},
	// Four eyes on results (第十一条); the triggers name their constraint.
	"exam_sessions_four_eyes_check":          {"approve", training.MsgFourEyes},
	"exam_sessions_approver_scored_check":    {"approve", training.MsgFourEyes},
	"exam_amendments_confirmer_check":        {"confirm", training.MsgAmendProposer},
	"exam_amendments_confirmer_scored_check": {"confirm", training.MsgAmendScorer},
	"exam_amendments_pending_key":            {"theory", training.MsgAmendPending},
	"exam_amendments_status_check":           {"confirm", "成绩更正的状态无效"},
	"exam_amendments_decided_check":          {"confirm", training.RuleAmendDecided.Msg()},
	"exam_amendments_scores_check":           {"theory", training.RuleScoreRange.Msg()},
	"exam_amendments_proposed_by_fkey":       {"confirm", "登记更正的账号不存在"},
	"exam_amendments_decided_by_fkey":        {"confirm", "核准更正的账号不存在"},
	"exam_score_changes_entry_fkey":          {"scores", "考生不属于本考试场次"},
	"exam_score_changes_user_fkey":           {"scores", "录入成绩的账号不存在"},
	"exam_score_changes_amendment_fkey":      {"scores", "成绩更正不存在"},
	"exam_score_changes_by_check":            {"scores", "须记录录入成绩的人员"},
	"exam_entries_id_session_key":            {"scores", "考生不属于本考试场次"},
}

// translate maps database errors to domain errors. It is the only place that
// looks at PostgreSQL error codes.
func translate(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return training.ErrNotFound
	}
	if _, ok := training.AsValidation(err); ok {
		return err
	}
	for _, sentinel := range []error{training.ErrNotFound, training.ErrForbidden, training.ErrConflict} {
		if errors.Is(err, sentinel) {
			return err
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505", "23503", "23514", "23P01": // unique, foreign key, check, exclusion
			if col := training.LenConstraintColumn(pe.ConstraintName); col != "" {
				return training.InvalidGeneral(training.TooLongAt(col))
			}
			if fe, ok := constraintErrors[pe.ConstraintName]; ok {
				if fe[0] == "" {
					return training.InvalidGeneral(fe[1])
				}
				return training.Invalid(fe[0], fe[1])
			}
			if pe.Code == "23505" || pe.Code == "23P01" {
				return fmt.Errorf("%w: %s", training.ErrConflict, pe.ConstraintName)
			}
		case "22021", "22P05": // character_not_in_repertoire (NUL, invalid UTF-8), untranslatable_character
			// The form edge refuses these first (server.checkInput); this
			// is the second line, for text that arrives another way.
			return training.InvalidGeneral(training.MsgBadTextGeneral)
		case "22001": // string_data_right_truncation
			return training.InvalidGeneral(training.MsgTooLongGeneral)
		case "40001", "40P01", "55P03":
			return fmt.Errorf("%w: %s", training.ErrConflict, pe.Code)
		case "57P01", "57P02", "57P03", "08000", "08003", "08006":
			return fmt.Errorf("%w: %s", training.ErrUnavailable, pe.Code)
		}
	}
	if Unavailable(err) {
		return fmt.Errorf("%w: %v", training.ErrUnavailable, err)
	}
	return fmt.Errorf("repository: "+format+": %w", append(args, err)...)
}

// Unavailable reports whether err means the database could not be reached
// (refused or lost connection, server shutting down), as opposed to a
// problem with the request.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, training.ErrUnavailable) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57P01", "57P02", "57P03", "08000", "08003", "08006":
			return true
		}
	}
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}

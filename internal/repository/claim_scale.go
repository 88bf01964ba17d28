package repository

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// ScaleSubsidyTables reads the dated figures inside tx (the scale data
// set's loader decides its claims' lines with them).
func ScaleSubsidyTables(ctx context.Context, tx pgx.Tx) (training.SubsidyTables, error) {
	b := &pgx.Batch{}
	read := queueSubsidyTables(b)
	br := tx.SendBatch(ctx, b)
	t, err := read(br)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return t, err
}

// scaleCandidatesSQL is claimCandidatesSQL over every class at once (the
// join on published sessions keeps the classes with published results):
// one pass of hash joins where the class list would probe row by row.
var scaleCandidatesSQL = strings.Replace(claimCandidatesSQL, "WHERE c.id = ANY ($1::bigint[])", "WHERE $1::bigint[] IS NULL", 1)

// ScaleClaimPasses is the claim build's candidate pass (claimCandidatesSQL:
// the facts training.DecideClaimLine decides on) over every class with
// published results, for the scale data set's loader, streamed to fn in
// class order. The tables it reads are analysed first: inside the load's
// transaction they have no statistics yet. fn must not use tx (the rows
// are still open on it).
func ScaleClaimPasses(ctx context.Context, tx pgx.Tx, fn func(training.ClaimCandidate) error) error {
	if scaleCandidatesSQL == claimCandidatesSQL {
		return errors.New("scale claim passes: the candidate query no longer selects classes by id")
	}
	if _, err := tx.Exec(ctx, `ANALYZE classes, enrolments, trainees, exam_entries, exam_sessions, certificates, class_delivery,
		enrolment_attendance, institution_status_log, fee_payments, subsidy_claim_lines, subsidy_claims`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '256MB'`); err != nil {
		return err
	}
	defer func() { _, _ = tx.Exec(ctx, `RESET work_mem`) }() // after the rows are closed
	rows, err := tx.Query(ctx, scaleCandidatesSQL, []int64(nil), int64(0))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

func init() {
	constraintErrors["subsidy_paid_totals_cut_check"] = [2]string{"", "补贴汇总口径无效"}
}

// ScalePaidTotals fills the subsidy overview's totals (subsidy_paid_totals)
// from every paid payment in one statement, after the scale loader has
// copied its claims (COPY does not confirm payments one by one).
func ScalePaidTotals(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT subsidy_paid_totals_add(NULL)`)
	return err
}

package repository

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The year-end ledger list (第十四条: 年终接受区人力社保局的督查考评) and the
// bureau's download of an institution's ledgers of a year.

// ledgerFactsSQL are the completeness facts of the class c.id (the
// columns of training.LedgerFacts after the status): the facts kept per
// class on write (class_ledger_facts, migration 00115: its roster and
// agreements, its application, its enrolled trainees with a published
// result, its money and its fund-use entries, recomputed by trigger for
// the classes a statement touches) and the kept delivery figures
// (class_delivery). A class with nothing yet has no row: zeros.
const ledgerFactsSQL = `coalesce(lf.enrolled, 0), coalesce(lf.agreed, 0),
	coalesce(d.sessions, 0), coalesce(d.held, 0),
	coalesce(lf.applied, false), coalesce(lf.results, 0), coalesce(lf.tracked, false), coalesce(lf.filed, false)`

// ledgerFactsJoins are the joins ledgerFactsSQL reads.
const ledgerFactsJoins = `
	LEFT JOIN class_delivery d ON d.class_id = c.id
	LEFT JOIN class_ledger_facts lf ON lf.class_id = c.id`

// pastTrainingSQL are the states of a class whose training is over (已结业
// and later: finished, assessment applied, assessed, archived), as in the
// predicate of classes_institution_end_id_idx (migration 00103) that the
// year-end list and the claim form walk.
const pastTrainingSQL = `('finished', 'assessment_applied', 'assessed', 'archived')`

// ledgerYearClasses are an institution's classes that finished in a year
// (by end date), index-only from classes_institution_end_id_idx.
const ledgerYearClasses = `SELECT c.id FROM classes c
		WHERE c.institution_id = $1 AND c.status IN ` + pastTrainingSQL + `
			AND c.end_date >= $2 AND c.end_date < $3`

// ledgerYearSQL lists a page of an institution's classes of a year with
// the facts the completeness rule reads. The page's classes come first,
// index-only in list order; the facts are read for those rows only.
const ledgerYearSQL = `WITH page AS (` + ledgerYearClasses + `
		ORDER BY c.end_date, c.id LIMIT $4 OFFSET $5)
	SELECT c.id, c.class_no, coalesce(o.name, ''), c.level, c.status, c.start_date, c.end_date, l.class_id IS NOT NULL,
	` + ledgerFactsSQL + `
	FROM page JOIN classes c ON c.id = page.id LEFT JOIN occupations o ON o.id = c.occupation_id
	LEFT JOIN class_ledgers l ON l.class_id = c.id` + ledgerFactsJoins + `
	ORDER BY c.end_date, c.id`

// ledgerYearSummarySQL summarises the whole year in one query: the
// classes, how many miss each part of the ledger (the conditions of
// training.LedgerGaps, kinds in training.LedgerGapKinds order) and how
// many are complete. The classes come index-only, their kept facts by
// primary key; no class row is read from the heap (100 ms before the
// facts were kept for the busiest school's 1,888 classes of a year).
const ledgerYearSummarySQL = `WITH y AS (` + ledgerYearClasses + `),
	f (enrolled, agreed, sessions, held, applied, results, tracked, filed) AS MATERIALIZED (
		SELECT ` + ledgerFactsSQL + `
		FROM y AS c` + ledgerFactsJoins + `),
	g AS (SELECT enrolled > agreed AS agreements, sessions > held AS attendance, enrolled > 0 AND NOT applied AS exam,
		NOT (enrolled > 0 AND NOT applied) AND enrolled > results AS results, tracked AND NOT filed AS fund_use FROM f)
	SELECT count(*), count(*) FILTER (WHERE agreements), count(*) FILTER (WHERE attendance), count(*) FILTER (WHERE exam),
		count(*) FILTER (WHERE results), count(*) FILTER (WHERE fund_use),
		count(*) FILTER (WHERE NOT (agreements OR attendance OR exam OR results OR fund_use))
	FROM g`

// ledgerScope is the institution whose ledgers the actor may list: an
// institution its own whatever it asks, the bureau the one it names.
func ledgerScope(a training.Actor, institutionID int64) (int64, error) {
	switch {
	case a.IsInstitution():
		return a.InstitutionID, nil
	case a.IsBureau():
		return institutionID, nil
	}
	return 0, training.ErrForbidden
}

// LedgerYear reads a page of the year-end list in one round trip, with the
// year's summary (its classes, how many miss each part, how many are
// complete). The bureau with no institution chosen gets
// the institutions to choose from and no rows.
func (s *Store) LedgerYear(ctx context.Context, a training.Actor, institutionID int64, year int, pg Page) (training.LedgerYear, error) {
	inst, err := ledgerScope(a, institutionID)
	if err != nil {
		return training.LedgerYear{}, err
	}
	p := training.LedgerYear{InstitutionID: inst, Year: year}
	from, to := yearBounds(year)
	b := &pgx.Batch{}
	if a.IsBureau() {
		b.Queue(`SELECT id, name FROM institutions ORDER BY name, id`).Query(func(rows pgx.Rows) error {
			var err error
			p.Institutions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerInstitution, error) {
				var o training.LedgerInstitution
				err := row.Scan(&o.ID, &o.Name)
				return o, err
			})
			return err
		})
		b.Queue(ledgerExportSQL+` WHERE x.institution_id = $1 AND x.year = $2 ORDER BY x.id DESC LIMIT 5`, inst, year).
			Query(func(rows pgx.Rows) error {
				var err error
				p.Exports, err = pgx.CollectRows(rows, scanLedgerExport)
				return err
			})
	}
	if inst != 0 {
		b.Queue(`SELECT name FROM institutions WHERE id = $1`, inst).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				if err := rows.Scan(&p.InstitutionName); err != nil {
					return err
				}
			}
			return rows.Err()
		})
		b.Queue(ledgerYearSummarySQL, inst, from, to).QueryRow(func(row pgx.Row) error {
			m := &p.Missing
			return row.Scan(&p.Total, &m.Agreements, &m.Attendance, &m.Exam, &m.Results, &m.FundUse, &p.Complete)
		})
		b.Queue(ledgerYearSQL, inst, from, to, pg.limit(), pg.offset()).Query(func(rows pgx.Rows) error {
			var err error
			p.Rows, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerRow, error) {
				var r training.LedgerRow
				var st string
				f := &r.Facts
				err := row.Scan(&r.ClassID, &r.ClassNo, &r.OccupationName, &r.Level, &st, &r.Start, &r.End, &r.Frozen,
					&f.Enrolled, &f.WithAgreement, &f.Sessions, &f.SessionsHeld, &f.Applied, &f.ResultsPublished,
					&f.FundUseTracked, &f.FundUseFiled)
				r.Status, f.Status = training.ClassStatus(st), training.ClassStatus(st)
				return r, err
			})
			return err
		})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return p, translate(err, "ledger year %d/%d", inst, year)
	}
	if inst != 0 && p.InstitutionName == "" {
		return p, training.ErrNotFound
	}
	for i := range p.Rows {
		p.Rows[i].Gaps = training.LedgerGaps(p.Rows[i].Facts)
	}
	return p, nil
}

const ledgerExportSQL = `SELECT x.id, x.institution_id, i.name, x.year, x.status, x.total, x.done, x.bytes, x.error,
	x.requested_by, x.requested_at, x.finished_at
	FROM ledger_exports x JOIN institutions i ON i.id = x.institution_id`

func scanLedgerExport(row pgx.CollectableRow) (training.LedgerExport, error) {
	var x training.LedgerExport
	err := row.Scan(&x.ID, &x.InstitutionID, &x.InstitutionName, &x.Year, &x.Status, &x.Total, &x.Done, &x.Bytes, &x.Error,
		&x.RequestedBy, &x.RequestedAt, &x.FinishedAt)
	return x, err
}

// LedgerExportArgs is the job that writes the workbooks of an export
// (internal/jobs runs it).
type LedgerExportArgs struct {
	ExportID int64 `json:"export_id"`
}

// Kind is the job's name in the queue.
func (LedgerExportArgs) Kind() string { return "ledger_export" }

// StartLedgerExport is the bureau asking for an institution's ledgers of
// a year in one download: the export row, its job and the audit row in
// one transaction.
func (s *Store) StartLedgerExport(ctx context.Context, a training.Actor, institutionID int64, year int) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	if year < 2000 || year > 2200 {
		return 0, training.Invalid("year", "请填写有效的年度")
	}
	from, to := yearBounds(year)
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var total int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM classes c WHERE c.institution_id = i.id
				AND c.status IN `+pastTrainingSQL+` AND c.end_date >= $2 AND c.end_date < $3)
			FROM institutions i WHERE i.id = $1`, institutionID, from, to).Scan(&total); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return training.Invalid("institution", "请选择培训机构")
			}
			return err
		}
		if total == 0 {
			return training.Invalid("year", "该机构本年度没有已结业的培训班")
		}
		var uid *int64
		if a.UserID != 0 {
			uid = &a.UserID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO ledger_exports (institution_id, year, total, requested_by_id, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, institutionID, year, total, uid, actorLabel(a), s.now()).Scan(&id); err != nil {
			return err
		}
		if err := s.enqueue(ctx, tx, LedgerExportArgs{ExportID: id}, time.Time{}); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "ledger.export", Entity: "institution", EntityID: institutionID,
			InstitutionID: institutionID, After: map[string]any{"year": year, "classes": total, "export": id}})
	})
	return id, translate(err, "start ledger export %d/%d", institutionID, year)
}

// LedgerExportByID is an export's progress. Bureau only.
func (s *Store) LedgerExportByID(ctx context.Context, a training.Actor, id int64) (training.LedgerExport, error) {
	if !a.IsBureau() {
		return training.LedgerExport{}, training.ErrForbidden
	}
	rows, _ := s.pool.Query(ctx, ledgerExportSQL+` WHERE x.id = $1`, id)
	x, err := pgx.CollectExactlyOneRow(rows, scanLedgerExport)
	return x, translate(err, "ledger export %d", id)
}

// LedgerExportTodo is what the export job still has to write: the
// classes without a part yet, in order, with the next part's number.
// Running an export again after its node died resumes where it stopped.
func (s *Store) LedgerExportTodo(ctx context.Context, id int64) (classes []int64, next int, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var inst, year int
		var status string
		if err := tx.QueryRow(ctx, `SELECT institution_id, year, status FROM ledger_exports WHERE id = $1 FOR UPDATE`, id).
			Scan(&inst, &year, &status); err != nil {
			return err
		}
		if status == "done" {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE ledger_exports SET status = 'running' WHERE id = $1`, id); err != nil {
			return err
		}
		from, to := yearBounds(year)
		rows, _ := tx.Query(ctx, `SELECT c.id FROM classes c WHERE c.institution_id = $1
			AND c.status IN `+pastTrainingSQL+` AND c.end_date >= $2 AND c.end_date < $3
			AND NOT EXISTS (SELECT 1 FROM ledger_export_parts p WHERE p.export_id = $4 AND p.class_id = c.id)
			ORDER BY c.end_date, c.id`, inst, from, to, id)
		var err error
		if classes, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM ledger_export_parts WHERE export_id = $1`, id).Scan(&next)
	})
	return classes, next, translate(err, "ledger export %d todo", id)
}

// SaveLedgerExportPart stores one class's workbook and counts it done.
func (s *Store) SaveLedgerExportPart(ctx context.Context, id int64, seq int, classID int64, name string, workbook []byte) error {
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_export_parts (export_id, seq, class_id, name, workbook) VALUES ($1, $2, $3, $4, $5)`,
			id, seq, classID, name, workbook); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE ledger_exports SET done = LEAST(done + 1, total), bytes = bytes + $2 WHERE id = $1`, id, len(workbook))
		return err
	}), "ledger export %d part %d", id, seq)
}

// FinishLedgerExport marks an export done (or failed with msg).
func (s *Store) FinishLedgerExport(ctx context.Context, id int64, msg string) error {
	var err error
	if msg == "" {
		_, err = s.pool.Exec(ctx, `UPDATE ledger_exports SET status = 'done', done = total, finished_at = $2, error = ''
			WHERE id = $1 AND status <> 'done'`, id, s.now())
	} else {
		_, err = s.pool.Exec(ctx, `UPDATE ledger_exports SET status = 'failed', error = left($2, 500) WHERE id = $1 AND status <> 'done'`, id, msg)
	}
	return translate(err, "finish ledger export %d", id)
}

// StreamLedgerExport hands each part of a finished export to fn in order,
// one at a time (rows are read as they arrive: the download never holds
// more than one workbook). Bureau only.
func (s *Store) StreamLedgerExport(ctx context.Context, a training.Actor, id int64, fn func(name string, workbook []byte) error) error {
	x, err := s.LedgerExportByID(ctx, a, id)
	if err != nil {
		return err
	}
	if x.Status != "done" {
		return training.ErrConflict
	}
	rows, err := s.pool.Query(ctx, `SELECT name, workbook FROM ledger_export_parts WHERE export_id = $1 ORDER BY seq`, id)
	if err != nil {
		return translate(err, "ledger export %d parts", id)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var data []byte
		if err := rows.Scan(&name, &data); err != nil {
			return translate(err, "ledger export %d parts", id)
		}
		if err := fn(name, data); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "ledger export %d parts", id)
}

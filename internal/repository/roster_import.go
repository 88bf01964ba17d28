package repository

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Roster import (名单导入). The file is parsed row by row (package roster)
// and COPYed into the staging table import_rows; every check against the
// other rows and the database is then one set-based statement, and the
// import is one transaction: the checks again, one guarded UPDATE of the
// class's count by the number of valid rows (SIZE-4), two INSERT … SELECT
// and one audit row.

// progressEvery is how often (in rows) a running validation reports.
const progressEvery = 500

// staleJob is how long a validation may go without progress before its
// page calls it interrupted. A node that dies under a validation hands it
// to another node within a few minutes (River rescues the job), so this
// only shows when the queue itself gave up on the job (see /jobs).
const staleJob = 30 * time.Minute

// CreateImportJob starts an import of a file into a class's roster: only
// the institution's own class, and only while the roster is open. The file
// is stored and its validation enqueued in the same transaction, so the
// job exists exactly when the upload was accepted and any node can run it.
func (s *Store) CreateImportJob(ctx context.Context, a training.Actor, classID int64, filename string, data []byte) (int64, error) {
	var id int64
	sum := sha256.Sum256(data)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.rosterClass(ctx, tx, a, classID, false)
		if err != nil {
			return err
		}
		if msg := training.RosterClosedReason(c.Status, c.Plan.StartDate, s.Today()); msg != "" {
			return training.InvalidGeneral(msg)
		}
		now := s.now()
		if err := tx.QueryRow(ctx, `INSERT INTO import_jobs (class_id, institution_id, filename, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, classID, c.InstitutionID, filename, actorLabel(a), now).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO import_files (job_id, data, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5)`,
			id, data, len(data), sum[:], now); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, RosterValidateArgs{ImportJobID: id}, time.Time{})
	})
	return id, translate(err, "create import job for class %d", classID)
}

// ImportFile is the stored file of an import job that still has to be
// validated; training.ErrNotFound when there is none (the job was validated,
// refused or purged already: a repeated delivery of the job has nothing
// to do).
func (s *Store) ImportFile(ctx context.Context, jobID int64) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT f.data FROM import_files f JOIN import_jobs j ON j.id = f.job_id
		WHERE f.job_id = $1 AND j.status IN ('queued', 'validating', 'failed') AND j.purged_at IS NULL`, jobID).Scan(&data)
	return data, translate(err, "import file %d", jobID)
}

// FailImportJob records why a file could not be read. The file is deleted
// unless keepFile (an unexpected error: the bureau may retry the job).
func (s *Store) FailImportJob(ctx context.Context, jobID int64, msg string, keepFile bool) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE import_jobs SET status = 'failed', message = $2, updated_at = $3
			WHERE id = $1 AND status IN ('queued', 'validating', 'failed')`, jobID, msg, s.now()); err != nil {
			return err
		}
		if keepFile {
			return nil
		}
		_, err := tx.Exec(ctx, `DELETE FROM import_files WHERE job_id = $1`, jobID)
		return err
	})
	return translate(err, "fail import job %d", jobID)
}

// StageImport validates the file of a job created by CreateImportJob
// (which checked the actor): it copies the rows that next yields (until
// io.EOF) into the staging table, reporting progress every few hundred
// rows, runs the set-based checks, marks the job validated and deletes
// the file, all in one transaction. A job run again after its node died
// starts over cleanly: the half-done copy was rolled back with the node's
// connection. An error from next aborts the copy and is returned (the
// caller records it with FailImportJob).
func (s *Store) StageImport(ctx context.Context, jobID int64, next func() (training.RosterRow, error)) error {
	var classID int64
	err := s.pool.QueryRow(ctx, `UPDATE import_jobs SET status = 'validating', processed = 0, message = '', updated_at = $2
		WHERE id = $1 AND status IN ('queued', 'validating', 'failed') AND purged_at IS NULL
		RETURNING class_id`, jobID, s.now()).Scan(&classID)
	if err != nil {
		return translate(err, "start import job %d", jobID)
	}
	n := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		r, err := next()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		n++
		if n%progressEvery == 0 {
			// Another connection: the page sees progress while the copy's
			// transaction is still open.
			if _, err := s.pool.Exec(ctx, `UPDATE import_jobs SET processed = $2, updated_at = $3 WHERE id = $1`, jobID, n, s.now()); err != nil {
				return nil, err
			}
		}
		in, t := r.In, r.Trainee
		var birth *time.Time
		var sex *string
		if len(r.Problems) == 0 {
			in.TargetGroup, in.Employment, in.Hukou = string(t.TargetGroup), string(t.Employment), string(t.Hukou)
			sx := "F"
			if t.Male {
				sx = "M"
			}
			birth, sex = &t.BirthDate, &sx
		}
		problems := r.Problems
		if problems == nil {
			problems = []string{}
		}
		return []any{jobID, r.Line, in.IDNumber, in.Name, in.Phone, in.TargetGroup, in.Employment, in.Hukou, in.Employer,
			birth, sex, problems}, nil
	})
	// Not inTx: the rows come from next once, so the transaction cannot be
	// retried here; the job is retried instead.
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM import_rows WHERE job_id = $1`, jobID); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_rows"}, []string{"job_id", "line", "id_number", "name", "phone",
			"target_group", "employment", "hukou", "employer", "birth_date", "sex", "problems"}, src); err != nil {
			return err
		}
		valid, err := s.checkStaged(ctx, tx, jobID, classID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE import_jobs SET status = 'validated', processed = $2, total = $2, valid = $3, updated_at = $4
			WHERE id = $1 AND status = 'validating'`, jobID, n, valid, s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.ErrConflict // validated by another run in between
		}
		_, err = tx.Exec(ctx, `DELETE FROM import_files WHERE job_id = $1`, jobID)
		return err
	})
	return translate(err, "check import job %d", jobID)
}

// validRow is the condition of a staged row that may be imported.
const validRow = `r.problems = '{}' AND r.checks = '{}'`

// dupCheckSQL marks the duplicates inside a file: every occurrence after
// the first. The window runs once (MATERIALIZED) and keeps only the
// duplicates: once ANALYZE has seen other jobs' rows, the planner expects a
// new job to have a row or two and would otherwise rerun the window for
// every row of the file (a 1,000-row file took seconds instead of
// milliseconds; TestDuplicateCheckRunsOnce).
const dupCheckSQL = `WITH d AS MATERIALIZED (
		SELECT line, first FROM (SELECT line, min(line) OVER (PARTITION BY id_number) AS first FROM import_rows
			WHERE job_id = $1 AND id_number ~ '^[0-9]{17}[0-9X]$') w
		WHERE first < line)
	UPDATE import_rows r SET checks = array_append(r.checks, '身份证号码与第' || d.first || '行重复')
	FROM d WHERE r.job_id = $1 AND r.line = d.line`

// checkStaged runs the checks of the staged rows against each other and
// the database, each one statement over the whole file, and returns the
// number of valid rows. It runs at validation and again inside the import
// (the roster may have changed in between).
func (s *Store) checkStaged(ctx context.Context, tx pgx.Tx, jobID, classID int64) (int, error) {
	b := &pgx.Batch{}
	b.Queue(`UPDATE import_rows SET checks = '{}' WHERE job_id = $1 AND checks <> '{}'`, jobID)
	// Duplicates inside the file.
	b.Queue(dupCheckSQL, jobID)
	// The same ID number registered under another name.
	b.Queue(`UPDATE import_rows r SET checks = array_append(r.checks, '身份证号码：该身份证号码已登记为另一姓名，请核对身份证号码和姓名')
		FROM trainees t WHERE r.job_id = $1 AND t.id_number = r.id_number AND t.name <> r.name AND r.name <> ''`, jobID)
	// Already on this roster (enrolled or withdrawn).
	b.Queue(`UPDATE import_rows r SET checks = array_append(r.checks, '已在本班名单中')
		FROM trainees t JOIN enrolments e ON e.trainee_id = t.id AND e.class_id = $2
		WHERE r.job_id = $1 AND t.id_number = r.id_number`, jobID, classID)
	// On another class of the same occupation and level whose dates overlap.
	b.Queue(`UPDATE import_rows r SET checks = array_append(r.checks, '`+overlapMessage+`')
		WHERE r.job_id = $1 AND EXISTS (SELECT 1 FROM trainees t JOIN enrolments e ON e.trainee_id = t.id AND e.status = 'enrolled'
			JOIN classes o ON o.id = e.class_id JOIN classes c ON c.id = $2
			WHERE t.id_number = r.id_number AND o.id <> c.id AND o.status <> 'cancelled'
			  AND o.occupation_id = c.occupation_id AND o.level = c.level
			  AND daterange(o.start_date, o.end_date, '[]') && daterange(c.start_date, c.end_date, '[]'))`, jobID, classID)
	b.Queue(`SELECT count(*) FROM import_rows r WHERE r.job_id = $1 AND `+validRow, jobID)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	for i := 0; i < 5; i++ {
		if _, err := br.Exec(); err != nil {
			return 0, err
		}
	}
	var valid int
	if err := br.QueryRow().Scan(&valid); err != nil {
		return 0, err
	}
	return valid, br.Close()
}

// ImportJob is a job and its report (the rows with problems, at most
// limit), for the institution that made it.
func (s *Store) ImportJob(ctx context.Context, a training.Actor, classID, jobID int64, limit int) (training.ImportJob, []training.ImportProblem, error) {
	var j training.ImportJob
	if !a.IsInstitution() {
		return j, nil, training.ErrNotFound
	}
	err := s.pool.QueryRow(ctx, `SELECT id, class_id, institution_id, filename, status, processed, total, valid, imported, message,
			created_at, updated_at, purged_at IS NOT NULL
		FROM import_jobs WHERE id = $1 AND class_id = $2 AND institution_id = $3`, jobID, classID, a.InstitutionID).Scan(
		&j.ID, &j.ClassID, &j.InstitutionID, &j.Filename, &j.Status, &j.Processed, &j.Total, &j.Valid, &j.Imported, &j.Message,
		&j.CreatedAt, &j.UpdatedAt, &j.Purged)
	if err != nil {
		return j, nil, translate(err, "import job %d", jobID)
	}
	if j.Running() && s.now().Sub(j.UpdatedAt) > staleJob {
		j.Status, j.Message = "failed", "处理中断，请重新上传文件"
	}
	if j.Status != "validated" && j.Status != "imported" {
		return j, nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT line, name, id_number, problems || checks FROM import_rows r
		WHERE job_id = $1 AND NOT (`+validRow+`) ORDER BY line LIMIT $2`, jobID, limit)
	if err != nil {
		return j, nil, translate(err, "import report %d", jobID)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ImportProblem, error) {
		var p training.ImportProblem
		err := row.Scan(&p.Line, &p.Name, &p.IDNumber, &p.Problems)
		p.IDNumber = training.MaskID(p.IDNumber)
		return p, err
	})
	return j, list, translate(err, "import report %d", jobID)
}

// ImportJobPage reads the import job's status page in one round trip (the
// page refreshes every second while the file is read): the class (its
// number, cap and roster count), the job, and its problem rows once it is
// validated — ImportJob and ClassByID in one batch.
func (s *Store) ImportJobPage(ctx context.Context, a training.Actor, classID, jobID int64, limit int) (training.Class, training.ImportJob, []training.ImportProblem, error) {
	var c training.Class
	var j training.ImportJob
	var report []training.ImportProblem
	if !a.IsInstitution() {
		return c, j, nil, training.ErrNotFound
	}
	b := &pgx.Batch{}
	if !queueClassRead(b, a, classID, false, &c) {
		return c, j, nil, training.ErrNotFound
	}
	b.Queue(`SELECT id, class_id, institution_id, filename, status, processed, total, valid, imported, message,
			created_at, updated_at, purged_at IS NOT NULL
		FROM import_jobs WHERE id = $1 AND class_id = $2 AND institution_id = $3`, jobID, classID, a.InstitutionID).
		QueryRow(func(row pgx.Row) error {
			return row.Scan(&j.ID, &j.ClassID, &j.InstitutionID, &j.Filename, &j.Status, &j.Processed, &j.Total, &j.Valid, &j.Imported,
				&j.Message, &j.CreatedAt, &j.UpdatedAt, &j.Purged)
		})
	b.Queue(`SELECT line, name, id_number, problems || checks FROM import_rows r
		WHERE job_id = $1 AND NOT (`+validRow+`)
			AND EXISTS (SELECT 1 FROM import_jobs j WHERE j.id = $1 AND j.class_id = $3 AND j.institution_id = $4
				AND j.status IN ('validated', 'imported'))
		ORDER BY line LIMIT $2`, jobID, limit, classID, a.InstitutionID).Query(func(rows pgx.Rows) error {
		var err error
		report, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ImportProblem, error) {
			var p training.ImportProblem
			err := row.Scan(&p.Line, &p.Name, &p.IDNumber, &p.Problems)
			p.IDNumber = training.MaskID(p.IDNumber)
			return p, err
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return training.Class{}, training.ImportJob{}, nil, translate(err, "import job %d", jobID)
	}
	if j.Running() && s.now().Sub(j.UpdatedAt) > staleJob {
		j.Status, j.Message = "failed", "处理中断，请重新上传文件"
	}
	if j.Status != "validated" && j.Status != "imported" {
		report = nil
	}
	return c, j, report, nil
}

// ImportRoster imports a validated job's valid rows. The checks run again
// inside the transaction; the count of the class goes up by the number of
// valid rows in one guarded UPDATE, so the cap holds however many imports
// and additions run at once (SIZE-4). An import that would pass the cap is
// refused whole, with the number that still fits (第七条): the institution
// decides who is left out, not the order of the file. It returns the
// number imported; the audit log gets one row with the counts.
func (s *Store) ImportRoster(ctx context.Context, a training.Actor, classID, jobID int64) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.rosterClass(ctx, tx, a, classID, false)
		if err != nil {
			return err
		}
		var status, filename string
		var total int
		var purged bool
		err = tx.QueryRow(ctx, `SELECT status, filename, total, purged_at IS NOT NULL FROM import_jobs
			WHERE id = $1 AND class_id = $2 AND institution_id = $3 FOR UPDATE`, jobID, classID, a.InstitutionID).Scan(&status, &filename, &total, &purged)
		if err != nil {
			return err
		}
		if status != "validated" || purged {
			return training.ErrConflict
		}
		if msg := training.RosterClosedReason(c.Status, c.Plan.StartDate, s.Today()); msg != "" {
			return training.InvalidGeneral(msg)
		}
		if n, err = s.checkStaged(ctx, tx, jobID, classID); err != nil {
			return err
		}
		if n == 0 {
			return training.InvalidGeneral("文件中没有可导入的有效记录，请按报告修改文件后重新上传")
		}
		tag, err := tx.Exec(ctx, `UPDATE classes SET enrolled = enrolled + $2 WHERE id = $1 AND enrolled + $2 <= `+capSQL, classID, n)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var limit, enrolled int
			if err := tx.QueryRow(ctx, `SELECT `+capSQL+`, enrolled FROM classes WHERE id = $1`, classID).Scan(&limit, &enrolled); err != nil {
				return err
			}
			fit := max(limit-enrolled, 0)
			return training.InvalidGeneral(c.Plan.Type.CapMessage() + "。本班上限" + strconv.Itoa(limit) + "人，已有" + strconv.Itoa(enrolled) +
				"人，文件中有" + strconv.Itoa(n) + "条有效记录，可导入" + strconv.Itoa(fit) + "人；本次未导入任何学员，请删减名单后重新上传")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `INSERT INTO trainees (id_number, name, birth_date, sex, phone, target_group, employment, hukou, employer,
				created_at, updated_at)
			SELECT id_number, name, birth_date, sex, phone, target_group, employment, hukou, employer, $2, $2
			FROM import_rows r WHERE r.job_id = $1 AND `+validRow+` ORDER BY id_number
			ON CONFLICT (id_number) DO UPDATE SET phone = EXCLUDED.phone, target_group = EXCLUDED.target_group,
				employment = EXCLUDED.employment, hukou = EXCLUDED.hukou, employer = EXCLUDED.employer, updated_at = EXCLUDED.updated_at
				WHERE trainees.name = EXCLUDED.name`, jobID, now); err != nil {
			return err
		}
		tag, err = tx.Exec(ctx, `INSERT INTO enrolments (class_id, trainee_id, created_by, created_at)
			SELECT $2, t.id, $3, $4 FROM import_rows r JOIN trainees t ON t.id_number = r.id_number AND t.name = r.name
			WHERE r.job_id = $1 AND `+validRow+` ORDER BY r.line`, jobID, classID, actorLabel(a), now)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != n {
			// A trainee was registered under another name in between.
			return training.ErrConflict
		}
		// The imported rows' personal data is not kept twice; the report
		// keeps the rows that were left out.
		if _, err := tx.Exec(ctx, `DELETE FROM import_rows r WHERE r.job_id = $1 AND `+validRow, jobID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE import_jobs SET status = 'imported', valid = $2, imported = $2, updated_at = $3 WHERE id = $1`,
			jobID, n, now); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "roster.import", Entity: "class", EntityID: classID, InstitutionID: c.InstitutionID,
			After: map[string]any{"file": filename, "rows": total, "imported": n, "skipped": total - n, "job": jobID}})
	})
	if errors.Is(err, training.ErrConflict) {
		return 0, err
	}
	return n, translate(err, "import job %d into class %d", jobID, classID)
}

// ExportRosterFull records that the bureau took the roster with full ID
// numbers and phones (a personal-data export) and returns it. The reason
// is required.
func (s *Store) ExportRosterFull(ctx context.Context, a training.Actor, classID int64, reason string) (training.Class, []training.Enrolment, error) {
	if !a.IsBureau() {
		if _, err := s.ClassByID(ctx, a, classID); err != nil {
			return training.Class{}, nil, err
		}
		return training.Class{}, nil, training.ErrForbidden
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return training.Class{}, nil, training.Invalid("reason", "请填写导出完整身份信息的理由（个人信息导出将记入审计日志）")
	}
	c, err := s.ClassByID(ctx, a, classID)
	if err != nil {
		return c, nil, err
	}
	list, err := s.Roster(ctx, a, classID)
	if err != nil {
		return c, nil, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "roster.export_pii", Entity: "class", EntityID: classID,
			InstitutionID: c.InstitutionID, After: map[string]any{"reason": reason, "trainees": len(list)}})
	})
	return c, list, translate(err, "export roster %d", classID)
}

// CanImport checks, before a file is read, that the actor may import into
// the class: the institution's own class with its roster open.
func (s *Store) CanImport(ctx context.Context, a training.Actor, classID int64) error {
	c, err := s.rosterClass(ctx, s.pool, a, classID, false)
	if err != nil {
		return translate(err, "class %d", classID)
	}
	if msg := training.RosterClosedReason(c.Status, c.Plan.StartDate, s.Today()); msg != "" {
		return training.InvalidGeneral(msg)
	}
	return nil
}

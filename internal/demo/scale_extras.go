package demo

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// loadScaleBenchExtras gives the institutions of the 50-trainee bench
// classes what the rest of their pages show: a certificate scan of two of
// their teachers (a 48 KB JPEG each) and, on the bench class, a roster
// import validated and waiting to be imported (20 rows).
func loadScaleBenchExtras(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	scan := make([]byte, 48<<10)
	copy(scan, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0})
	for i := 11; i < len(scan)-2; i++ {
		scan[i] = byte(mix64(uint64(i)))
	}
	scan[len(scan)-2], scan[len(scan)-1] = 0xFF, 0xD9
	sum := sha256.Sum256(scan)
	var files, jobs, lines [][]any
	jobIDs := 0
	for i := range r.classes {
		if r.classes[i].bench {
			jobIDs++
		}
	}
	if jobIDs == 0 {
		return 0, nil
	}
	firstJob, err := reserveIDs(ctx, tx, "import_jobs", jobIDs)
	if err != nil {
		return 0, err
	}
	job := firstJob
	for i := range r.classes {
		c := &r.classes[i]
		if !c.bench {
			continue
		}
		in := c.inst
		at := r.now.Add(-time.Hour)
		for k, t := range in.teachers {
			if k == 2 {
				break
			}
			files = append(files, []any{t, fmt.Sprintf("证书扫描件%d.jpg", k+1), "image/jpeg", len(scan), sum[:], scan, in.id, in.users[0], at})
		}
		jobs = append(jobs, []any{job, c.id, in.id, "补充学员名单.xlsx", "validated", 20, 20, 20, 0, "", "机构用户", at, at.Add(time.Second)})
		for line := range 20 {
			idNo, birth, sex := scaleTraineeID(9_000_000 + int(job)*20 + line)
			lines = append(lines, []any{job, line + 2, idNo, r.personName(), fmt.Sprintf("1390000%04d", line),
				string(training.GroupEmployee), string(training.EmpEmployed), string(training.HukouLocalRural), "", birth, sex})
		}
		job++
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"teacher_files"}, []string{"teacher_id", "filename", "content_type", "size", "sha256",
		"data", "institution_id", "uploaded_by", "uploaded_at"}, pgx.CopyFromRows(files))
	if err != nil {
		return 0, err
	}
	m, err := tx.CopyFrom(ctx, pgx.Identifier{"import_jobs"}, []string{"id", "class_id", "institution_id", "filename", "status",
		"processed", "total", "valid", "imported", "message", "created_by", "created_at", "updated_at"}, pgx.CopyFromRows(jobs))
	if err != nil {
		return 0, err
	}
	k, err := tx.CopyFrom(ctx, pgx.Identifier{"import_rows"}, []string{"job_id", "line", "id_number", "name", "phone", "target_group",
		"employment", "hukou", "employer", "birth_date", "sex"}, pgx.CopyFromRows(lines))
	return n + m + k, err
}

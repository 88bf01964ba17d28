package repository

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// MaxUpload is the largest certificate scan accepted (5 MB).
const MaxUpload = 5 << 20

// AddTeacherFile stores a certificate scan. contentType must be the type
// sniffed from the content (the server does it); the checksum is computed
// here. certID 0 attaches the scan to the teacher (e.g. a diploma).
func (s *Store) AddTeacherFile(ctx context.Context, a training.Actor, id, certID int64, filename, contentType string, data []byte) (int64, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	filename = training.CleanFilename(filename)
	sum := sha256.Sum256(data)
	var fid int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Access first, so another institution learns nothing from the
		// validation message.
		if _, err := s.lockTeacher(ctx, tx, a, id); err != nil {
			return err
		}
		if msg := training.CheckUpload(filename, contentType, len(data), MaxUpload); msg != "" {
			return training.Invalid("file", msg)
		}
		var cert *int64
		if certID != 0 {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM teacher_certificates WHERE id = $1 AND teacher_id = $2)`, certID, id).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return training.Invalid("certificate_id", "请选择该教师的证书")
			}
			cert = &certID
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO teacher_files (teacher_id, certificate_id, filename, content_type, size, sha256, data, institution_id, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			id, cert, filename, contentType, len(data), sum[:], data, a.InstitutionID, a.UserID, s.now()).Scan(&fid)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher.file_upload", Entity: "teacher", EntityID: id,
			InstitutionID: a.InstitutionID, After: map[string]any{"file_id": fid, "certificate_id": certID, "filename": filename,
				"content_type": contentType, "size": len(data), "sha256": hex.EncodeToString(sum[:])}})
	})
	return fid, translate(err, "upload file for teacher %d", id)
}

// TeacherFileData returns a scan with its bytes, for the bureau and the
// teacher's linked institutions.
func (s *Store) TeacherFileData(ctx context.Context, a training.Actor, id, fid int64) (training.TeacherFile, []byte, error) {
	scope, ok := teacherScope(a)
	if !ok {
		return training.TeacherFile{}, nil, training.ErrNotFound
	}
	var f training.TeacherFile
	var data, sum []byte
	err := s.pool.QueryRow(ctx, `
		SELECT f.id, coalesce(f.certificate_id, 0), f.filename, f.content_type, f.size, f.sha256, f.data
		FROM teacher_files f JOIN teachers t ON t.id = f.teacher_id
		WHERE f.id = $1 AND f.teacher_id = $2 AND `+scope, fid, id).Scan(&f.ID, &f.CertificateID, &f.Filename, &f.ContentType, &f.Size, &sum, &data)
	if err != nil {
		return f, nil, translate(err, "teacher %d file %d", id, fid)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != hex.EncodeToString(sum) {
		return f, nil, errors.New("repository: teacher file checksum mismatch")
	}
	f.SHA256 = hex.EncodeToString(sum)
	return f, data, nil
}

// RemoveTeacherFile deletes a scan. Institution only.
func (s *Store) RemoveTeacherFile(ctx context.Context, a training.Actor, id, fid int64) error {
	if !a.IsInstitution() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := s.lockTeacher(ctx, tx, a, id); err != nil {
			return err
		}
		var name string
		var sum []byte
		err := tx.QueryRow(ctx, `DELETE FROM teacher_files WHERE id = $1 AND teacher_id = $2 RETURNING filename, sha256`, fid, id).Scan(&name, &sum)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher.file_remove", Entity: "teacher", EntityID: id,
			InstitutionID: a.InstitutionID, Before: map[string]any{"file_id": fid, "filename": name, "sha256": hex.EncodeToString(sum)}})
	}), "remove file %d of teacher %d", fid, id)
}

package repository

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Inspections (SUP-4, 第十五条, 第十六条): the checklist, the inspections
// and their evidence. Rectification orders are in rectification.go,
// sanctions in sanction.go.

func init() {
	for k, v := range map[string][2]string{
		"inspection_items_text_key":               {"text", "检查清单中已有相同的检查项"},
		"inspection_items_text_check":             {"text", training.RuleChecklistText.Msg()},
		"inspection_items_added_by_check":         {"", "记录人无效"},
		"inspections_institution_id_fkey":         {"institution_id", "培训机构不存在"},
		"inspections_class_id_fkey":               {"class_id", "培训班不存在"},
		"inspections_mode_check":                  {"mode", training.RuleInspectMode.Msg()},
		"inspections_inspectors_check":            {"inspectors", training.RuleInspectInspectors.Msg()},
		"inspections_summary_check":               {"summary", training.RuleInspectSummary.Msg()},
		"inspections_findings_check":              {"", "问题数无效"},
		"inspections_recorded_by_check":           {"", "记录人无效"},
		"inspection_results_pkey":                 {"", "同一检查项只能记录一次结果"},
		"inspection_results_inspection_id_fkey":   {"", "检查记录不存在"},
		"inspection_results_item_id_fkey":         {"", "检查项不存在"},
		"inspection_results_result_check":         {"", "请为每个检查项选择结果"},
		"inspection_results_finding_note_check":   {"", "不符合的检查项须写明发现的问题"},
		"inspection_results_note_check":           {"", "问题说明最多500字"},
		"inspection_findings_result_fkey":         {"", "检查结果不存在"},
		"inspection_findings_key":                 {"", "该问题已记录"},
		"inspection_findings_institution_id_fkey": {"", "培训机构不存在"},
		"inspection_files_inspection_id_fkey":     {"file", "检查记录不存在"},
		"inspection_files_filename_check":         {"file", "文件名不能为空（最多200字）"},
		"inspection_files_content_type_check":     {"file", "只能上传 JPG、PNG 图片或 PDF 文件（按文件内容识别）"},
		"inspection_files_size_check":             {"file", "文件过大：不能超过5 MB"},
		"inspection_files_sha256_check":           {"file", "文件校验值无效"},
		"inspection_files_data_size_check":        {"file", "文件内容与大小不符"},
	} {
		constraintErrors[k] = v
	}
}

// Checklist lists the checklist items, active first, in order.
func (s *Store) Checklist(ctx context.Context, a training.Actor, activeOnly bool) ([]training.ChecklistItem, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	return s.checklist(ctx, s.pool, activeOnly)
}

func (s *Store) checklist(ctx context.Context, q querier, activeOnly bool) ([]training.ChecklistItem, error) {
	rows, err := q.Query(ctx, `SELECT id, seq, text, active, added_by FROM inspection_items
		WHERE active OR NOT $1 ORDER BY NOT active, seq, id`, activeOnly)
	if err != nil {
		return nil, translate(err, "checklist")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ChecklistItem, error) {
		var it training.ChecklistItem
		return it, row.Scan(&it.ID, &it.Seq, &it.Text, &it.Active, &it.AddedBy)
	})
	return list, translate(err, "checklist")
}

// AddChecklistItem appends an item to the checklist (bureau).
func (s *Store) AddChecklistItem(ctx context.Context, a training.Actor, text string) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	if err := training.CheckChecklistText(text).Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO inspection_items (seq, text, added_by, added_at)
			SELECT coalesce(max(seq), 0) + 1, $1, $2, $3 FROM inspection_items RETURNING id`,
			strings.TrimSpace(text), actorLabel(a), s.now()).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "inspection.item_add", Entity: "inspection_item", EntityID: id,
			After: map[string]any{"text": strings.TrimSpace(text)}})
	})
	return id, translate(err, "add checklist item")
}

// SetChecklistItemActive retires an item (or brings it back); past
// inspections keep their results.
func (s *Store) SetChecklistItemActive(ctx context.Context, a training.Actor, id int64, active bool) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var text string
		err := tx.QueryRow(ctx, `UPDATE inspection_items SET active = $2 WHERE id = $1 AND active <> $2 RETURNING text`, id, active).Scan(&text)
		if errors.Is(err, pgx.ErrNoRows) {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM inspection_items WHERE id = $1)`, id).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return training.ErrNotFound
			}
			return training.ErrConflict
		}
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "inspection.item_active", Entity: "inspection_item", EntityID: id,
			Before: map[string]any{"active": !active}, After: map[string]any{"text": text, "active": active}})
	}), "checklist item %d", id)
}

// CreateInspection records an inspection with its checklist results; each
// item found 不符合 becomes a finding (SUP-4).
func (s *Store) CreateInspection(ctx context.Context, a training.Actor, in training.InspectionInput) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM institutions WHERE id = $1`, in.InstitutionID).Scan(&status); err != nil {
			return err
		}
		items, err := s.checklist(ctx, tx, true)
		if err != nil {
			return err
		}
		facts := training.InspectionFacts{Today: s.Today(), Items: items}
		if in.ClassID != 0 {
			err := tx.QueryRow(ctx, `SELECT institution_id FROM classes WHERE id = $1`, in.ClassID).Scan(&facts.ClassInstitute)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		day, rs := training.DecideInspection(a, in, facts)
		if !rs.OK() {
			return rs.Err()
		}
		var classID *int64
		if in.ClassID != 0 {
			classID = &in.ClassID
		}
		fails := 0
		for _, it := range items {
			if in.Results[it.ID] == training.ItemFail {
				fails++
			}
		}
		err = tx.QueryRow(ctx, `INSERT INTO inspections (institution_id, class_id, mode, inspected_on, inspectors, summary,
				findings, recorded_by, recorded_by_id, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			in.InstitutionID, classID, string(in.Mode), day, strings.TrimSpace(in.Inspectors), strings.TrimSpace(in.Summary), fails,
			actorLabel(a), nullID(a.UserID), s.now()).Scan(&id)
		if err != nil {
			return err
		}
		itemIDs, results, notes := []int64{}, []string{}, []string{}
		for _, it := range items {
			itemIDs = append(itemIDs, it.ID)
			results = append(results, string(in.Results[it.ID]))
			notes = append(notes, strings.TrimSpace(in.Notes[it.ID]))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO inspection_results (inspection_id, item_id, result, note)
			SELECT $1, unnest($2::bigint[]), unnest($3::text[]), unnest($4::text[])`, id, itemIDs, results, notes); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO inspection_findings (inspection_id, item_id, institution_id, found_on)
			SELECT $1, item_id, $2, $3 FROM inspection_results WHERE inspection_id = $1 AND result = 'fail' ORDER BY item_id`,
			id, in.InstitutionID, day); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "inspection.create", Entity: "inspection", EntityID: id,
			InstitutionID: in.InstitutionID, After: map[string]any{"mode": in.Mode, "date": day.Format("2006-01-02"),
				"inspectors": strings.TrimSpace(in.Inspectors), "class_id": in.ClassID, "findings": fails}})
	})
	return id, translate(err, "create inspection")
}

// inspectionScope is the condition that limits an actor to what it may
// see: the bureau everything, an institution its own.
func inspectionScope(a training.Actor, col string) (string, bool) {
	switch {
	case a.IsBureau():
		return "true", true
	case a.IsInstitution():
		return col + " = " + strconv.FormatInt(a.InstitutionID, 10), true
	}
	return "", false
}

const inspectionColumns = `n.id, n.institution_id, i.name, coalesce(n.class_id, 0), coalesce(c.class_no, ''), n.mode,
	n.inspected_on, n.inspectors, n.summary, n.recorded_by, n.recorded_at, n.findings`

func scanInspection(row pgx.CollectableRow) (training.Inspection, error) {
	var n training.Inspection
	var mode string
	err := row.Scan(&n.ID, &n.InstitutionID, &n.InstitutionName, &n.ClassID, &n.ClassNo, &mode, &n.Date, &n.Inspectors,
		&n.Summary, &n.RecordedBy, &n.RecordedAt, &n.Findings)
	n.Mode = training.InspectionMode(mode)
	return n, err
}

// FindingInspection is the inspection a finding was recorded by (the page
// its order form is on), for whoever may see that inspection.
func (s *Store) FindingInspection(ctx context.Context, a training.Actor, findingID int64) (int64, error) {
	scope, ok := inspectionScope(a, "f.institution_id")
	if !ok {
		return 0, training.ErrNotFound
	}
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT f.inspection_id FROM inspection_findings f WHERE f.id = $1 AND `+scope, findingID).Scan(&id)
	return id, translate(err, "finding %d", findingID)
}

// InspectionByID reads an inspection page: results, findings with their
// orders, evidence, in one round trip. An institution sees its own only.
func (s *Store) InspectionByID(ctx context.Context, a training.Actor, id int64) (training.InspectionPage, error) {
	var p training.InspectionPage
	scope, ok := inspectionScope(a, "n.institution_id")
	if !ok {
		return p, training.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `SELECT `+inspectionColumns+` FROM inspections n JOIN institutions i ON i.id = n.institution_id
		LEFT JOIN classes c ON c.id = n.class_id WHERE n.id = $1 AND `+scope, id)
	if err != nil {
		return p, translate(err, "inspection %d", id)
	}
	p.Inspection, err = pgx.CollectExactlyOneRow(rows, scanInspection)
	if err != nil {
		return p, translate(err, "inspection %d", id)
	}
	p.Orders = map[int64]training.RectificationOrder{}
	b := &pgx.Batch{}
	b.Queue(`SELECT r.item_id, it.text, r.result, r.note FROM inspection_results r JOIN inspection_items it ON it.id = r.item_id
		WHERE r.inspection_id = $1 ORDER BY it.seq, it.id`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Results, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.InspectionResult, error) {
			var r training.InspectionResult
			var res string
			err := row.Scan(&r.ItemID, &r.Text, &res, &r.Note)
			r.Result = training.ItemResult(res)
			return r, err
		})
		return err
	})
	b.Queue(`SELECT `+findingColumns+` FROM inspection_findings f JOIN inspection_results r USING (inspection_id, item_id)
		JOIN inspection_items it ON it.id = f.item_id LEFT JOIN rectification_orders o ON o.finding_id = f.id
		WHERE f.inspection_id = $1 ORDER BY it.seq, f.id`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Findings, err = pgx.CollectRows(rows, scanFinding)
		return err
	})
	b.Queue(`SELECT `+orderColumns+` FROM rectification_orders o `+orderJoins+` WHERE f.inspection_id = $1`, id).Query(func(rows pgx.Rows) error {
		list, err := pgx.CollectRows(rows, scanOrder)
		for _, o := range list {
			p.Orders[o.FindingID] = o
		}
		return err
	})
	b.Queue(`SELECT id, filename, content_type, size, sha256, uploaded_by, uploaded_at FROM inspection_files
		WHERE inspection_id = $1 ORDER BY id`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Files, err = pgx.CollectRows(rows, scanEvidence)
		return err
	})
	return p, translate(s.pool.SendBatch(ctx, b).Close(), "inspection %d", id)
}

const findingColumns = `f.id, f.inspection_id, f.institution_id, f.found_on, it.text, r.note, coalesce(o.id, 0)`

func scanFinding(row pgx.CollectableRow) (training.Finding, error) {
	var f training.Finding
	return f, row.Scan(&f.ID, &f.InspectionID, &f.InstitutionID, &f.Date, &f.Text, &f.Note, &f.OrderID)
}

func scanEvidence(row pgx.CollectableRow) (training.EvidenceFile, error) {
	var f training.EvidenceFile
	var sum []byte
	err := row.Scan(&f.ID, &f.Filename, &f.ContentType, &f.Size, &sum, &f.UploadedBy, &f.UploadedAt)
	f.SHA256 = hex.EncodeToString(sum)
	return f, err
}

// InspectionFilter narrows the inspection list.
type InspectionFilter struct {
	InstitutionID int64
}

// Inspections lists inspections newest first: the bureau all (or one
// institution's), an institution its own.
func (s *Store) Inspections(ctx context.Context, a training.Actor, f InspectionFilter, p Page) ([]training.Inspection, int, error) {
	var w where
	switch {
	case a.IsBureau():
		if f.InstitutionID != 0 {
			w.add("n.institution_id = ?", f.InstitutionID)
		}
	case a.IsInstitution():
		w.add("n.institution_id = ?", a.InstitutionID)
	default:
		return nil, 0, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, `SELECT `+inspectionColumns+`, count(*) OVER () FROM inspections n
		JOIN institutions i ON i.id = n.institution_id LEFT JOIN classes c ON c.id = n.class_id`+w.sql()+`
		ORDER BY n.inspected_on DESC, n.id DESC LIMIT `+w.arg(p.limit())+` OFFSET `+w.arg(p.offset()), w.args...)
	if err != nil {
		return nil, 0, translate(err, "inspections")
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Inspection, error) {
		var n training.Inspection
		var mode string
		err := row.Scan(&n.ID, &n.InstitutionID, &n.InstitutionName, &n.ClassID, &n.ClassNo, &mode, &n.Date, &n.Inspectors,
			&n.Summary, &n.RecordedBy, &n.RecordedAt, &n.Findings, &total)
		n.Mode = training.InspectionMode(mode)
		return n, err
	})
	return list, total, translate(err, "inspections")
}

// AddInspectionFile attaches a photo or PDF to an inspection (bureau).
// contentType is sniffed from the content by the server.
func (s *Store) AddInspectionFile(ctx context.Context, a training.Actor, id int64, filename, contentType string, data []byte) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	filename = training.CleanFilename(filename)
	sum := sha256.Sum256(data)
	var fid int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var inst int64
		if err := tx.QueryRow(ctx, `SELECT institution_id FROM inspections WHERE id = $1`, id).Scan(&inst); err != nil {
			return err
		}
		if msg := training.CheckUpload(filename, contentType, len(data), MaxUpload); msg != "" {
			return training.Invalid("file", msg)
		}
		err := tx.QueryRow(ctx, `INSERT INTO inspection_files (inspection_id, filename, content_type, size, sha256, data, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			id, filename, contentType, len(data), sum[:], data, actorLabel(a), s.now()).Scan(&fid)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "inspection.file_upload", Entity: "inspection", EntityID: id,
			InstitutionID: inst, After: map[string]any{"file_id": fid, "filename": filename, "content_type": contentType,
				"size": len(data), "sha256": hex.EncodeToString(sum[:])}})
	})
	return fid, translate(err, "upload file for inspection %d", id)
}

// InspectionFileData returns an evidence file with its bytes, to the
// bureau and the inspected institution.
func (s *Store) InspectionFileData(ctx context.Context, a training.Actor, id, fid int64) (training.EvidenceFile, []byte, error) {
	var f training.EvidenceFile
	scope, ok := inspectionScope(a, "n.institution_id")
	if !ok {
		return f, nil, training.ErrNotFound
	}
	var data, sum []byte
	err := s.pool.QueryRow(ctx, `SELECT f.id, f.filename, f.content_type, f.size, f.sha256, f.data
		FROM inspection_files f JOIN inspections n ON n.id = f.inspection_id
		WHERE f.id = $1 AND f.inspection_id = $2 AND `+scope, fid, id).Scan(&f.ID, &f.Filename, &f.ContentType, &f.Size, &sum, &data)
	if err != nil {
		return f, nil, translate(err, "inspection %d file %d", id, fid)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != hex.EncodeToString(sum) {
		return f, nil, errors.New("repository: inspection file checksum mismatch")
	}
	f.SHA256 = hex.EncodeToString(sum)
	return f, data, nil
}

// InspectionForm reads the form's data for an institution (bureau).
func (s *Store) InspectionForm(ctx context.Context, a training.Actor, institutionID int64) (training.InspectionFormData, error) {
	var d training.InspectionFormData
	if !a.IsBureau() {
		return d, training.ErrForbidden
	}
	var err error
	if d.Items, err = s.checklist(ctx, s.pool, true); err != nil {
		return d, err
	}
	err = s.pool.QueryRow(ctx, `SELECT id, name, status FROM institutions WHERE id = $1`, institutionID).
		Scan(&d.Institution.ID, &d.Institution.Name, &d.Institution.Status)
	if err != nil {
		return d, translate(err, "institution %d", institutionID)
	}
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.class_no, coalesce(o.name, '') || ' ' || coalesce(to_char(c.start_date, 'YYYY-MM-DD'), '')
		FROM classes c LEFT JOIN occupations o ON o.id = c.occupation_id
		WHERE c.institution_id = $1 AND c.status IN ('approved', 'finished', 'assessment_applied', 'assessed')
		ORDER BY c.start_date DESC NULLS LAST, c.id DESC LIMIT 50`, institutionID)
	if err != nil {
		return d, translate(err, "inspection form classes")
	}
	d.Classes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ClassChoice, error) {
		var c training.ClassChoice
		return c, row.Scan(&c.ID, &c.ClassNo, &c.Label)
	})
	return d, translate(err, "inspection form classes")
}

package repository

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// AgreementTemplate returns the template in force (the newest version).
func (s *Store) AgreementTemplate(ctx context.Context) (training.AgreementTemplate, error) {
	var t training.AgreementTemplate
	err := s.pool.QueryRow(ctx, `SELECT no, body, note, created_by, created_at FROM agreement_templates ORDER BY no DESC LIMIT 1`).
		Scan(&t.No, &t.Body, &t.Note, &t.CreatedBy, &t.CreatedAt)
	return t, translate(err, "agreement template")
}

// AgreementTemplates lists every version, newest first. Bureau only.
func (s *Store) AgreementTemplates(ctx context.Context, a training.Actor) ([]training.AgreementTemplate, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, `SELECT no, body, note, created_by, created_at FROM agreement_templates ORDER BY no DESC`)
	if err != nil {
		return nil, translate(err, "agreement templates")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.AgreementTemplate, error) {
		var t training.AgreementTemplate
		return t, row.Scan(&t.No, &t.Body, &t.Note, &t.CreatedBy, &t.CreatedAt)
	})
	return list, translate(err, "agreement templates")
}

// SaveAgreementTemplate saves a new version of the template. version is the
// version the bureau user edited: if another save came first, ErrConflict.
func (s *Store) SaveAgreementTemplate(ctx context.Context, a training.Actor, version int, body, note string) (int, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	body = strings.ReplaceAll(body, "\r\n", "\n")
	note = strings.TrimSpace(note)
	if err := training.CheckAgreementTemplate(body); err != nil {
		return 0, err
	}
	if len([]rune(note)) > 200 {
		return 0, training.Invalid("note", "修改说明过长（最多200字）")
	}
	no := version + 1
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(no), 0) FROM agreement_templates`).Scan(&current); err != nil {
			return err
		}
		if current != version {
			return training.ErrConflict
		}
		// Two saves of the same version: the primary key lets one win.
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_templates (no, body, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			no, body, note, actorLabel(a), s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "agreement.template", Entity: "agreement_template", EntityID: int64(no),
			Before: map[string]any{"version": version}, After: map[string]any{"version": no, "note": note, "length": len([]rune(body))}})
	})
	return no, translate(err, "save agreement template")
}

// RecordAgreements records the signed training agreements (第十六条, DELIV-1)
// of a class's enrolled trainees from one page, in one transaction: every
// row is checked first (whole or nothing, unique numbers, dates) and
// nothing is saved while any row is wrong. A row left blank clears an
// agreement, unless attendance has been recorded. It returns how many
// enrolments changed.
func (s *Store) RecordAgreements(ctx context.Context, a training.Actor, classID int64, rows map[int64]training.AgreementInput) (int, error) {
	changed := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		changed = 0
		c, err := s.rosterClass(ctx, tx, a, classID, true)
		if err != nil {
			return err
		}
		if msg := training.AgreementsClosedReason(c.Status); msg != "" {
			return training.InvalidGeneral(msg)
		}
		q, err := tx.Query(ctx, `SELECT id, coalesce(agreement_no, ''), agreement_date, pays_fee FROM enrolments
			WHERE class_id = $1 AND status = 'enrolled' ORDER BY id FOR UPDATE`, classID)
		if err != nil {
			return err
		}
		list, err := pgx.CollectRows(q, func(row pgx.CollectableRow) (training.AgreementRow, error) {
			var e training.AgreementRow
			return e, row.Scan(&e.EnrolmentID, &e.No, &e.Date, &e.PaysFee)
		})
		if err != nil {
			return err
		}
		var held bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM session_deliveries WHERE class_id = $1)`, classID).Scan(&held); err != nil {
			return err
		}
		var p training.Problems
		plan := training.PlanAgreements(list, rows, held, c.Plan.StartDate, s.Today(), &p)
		ids, clear := make([]int64, len(plan.Set)), plan.Clear
		nos, dates, fees := make([]string, len(plan.Set)), make([]time.Time, len(plan.Set)), make([]bool, len(plan.Set))
		for i, x := range plan.Set {
			ids[i], nos[i], dates[i], fees[i] = x.EnrolmentID, x.No, x.Date, x.PaysFee
		}
		if len(nos) > 0 {
			// Numbers are unique across every class (the partial unique index).
			q, err := tx.Query(ctx, `SELECT agreement_no FROM enrolments
				WHERE agreement_no = ANY($1) AND NOT (id = ANY($2))`, nos, ids)
			if err != nil {
				return err
			}
			taken, err := pgx.CollectRows(q, pgx.RowTo[string])
			if err != nil {
				return err
			}
			training.AgreementNumbersTaken(plan, taken, &p)
		}
		if err := p.Err(); err != nil {
			return err
		}
		if len(ids)+len(clear) == 0 {
			return nil
		}
		// Clear first, then write: numbers may move between rows of the page.
		if _, err := tx.Exec(ctx, `UPDATE enrolments SET agreement_no = NULL, agreement_date = NULL, pays_fee = NULL,
			agreement_by = '', agreement_at = NULL WHERE id = ANY($1)`, append(append([]int64{}, ids...), clear...)); err != nil {
			return err
		}
		if len(ids) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE enrolments e SET agreement_no = v.no, agreement_date = v.day, pays_fee = v.fee,
					agreement_by = $5, agreement_at = $6
				FROM unnest($1::bigint[], $2::text[], $3::date[], $4::boolean[]) AS v(id, no, day, fee)
				WHERE e.id = v.id`, ids, nos, dates, fees, actorLabel(a), s.now()); err != nil {
				return err
			}
		}
		changed = len(ids) + len(clear)
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "agreement.record", Entity: "class", EntityID: classID,
			InstitutionID: c.InstitutionID, After: map[string]any{"recorded": ids, "numbers": nos, "cleared": clear}})
	})
	return changed, translate(err, "record agreements of class %d", classID)
}

// PrintedAgreement is one filled agreement.
type PrintedAgreement struct {
	EnrolmentID int64
	TraineeName string
	Recorded    bool // the agreement is recorded (number, date, fee)
	Text        string
	SurveyCode  string // the satisfaction survey code, once the class finished (SUP-3); "" before
}

// AgreementPrintout is the print page of a class's agreements.
type AgreementPrintout struct {
	Class      training.Class
	TemplateNo int
	Agreements []PrintedAgreement
}

// PrintAgreements fills the template for one enrolment (enrolmentID) or,
// with 0, every enrolled trainee of the class. The printed agreement shows
// the full ID number: only the bureau and the owning institution may print
// it, and every print is audited as a view of personal data.
func (s *Store) PrintAgreements(ctx context.Context, a training.Actor, classID, enrolmentID int64) (AgreementPrintout, error) {
	var out AgreementPrintout
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		out = AgreementPrintout{}
		c, err := s.classForRead(ctx, tx, a, classID, false)
		if err != nil {
			return err
		}
		out.Class = c
		var body, address string
		if err := tx.QueryRow(ctx, `SELECT t.no, t.body, i.address FROM agreement_templates t, institutions i
			WHERE i.id = $1 ORDER BY t.no DESC LIMIT 1`, c.InstitutionID).Scan(&out.TemplateNo, &body, &address); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT e.id, coalesce(e.agreement_no, ''), e.agreement_date, e.pays_fee,
				t.name, t.sex, t.id_number, t.phone, coalesce(sc.code, '')
			FROM enrolments e JOIN trainees t ON t.id = e.trainee_id LEFT JOIN survey_codes sc ON sc.enrolment_id = e.id
			WHERE e.class_id = $1 AND (e.id = $2 OR ($2 = 0 AND e.status = 'enrolled')) ORDER BY e.id`, classID, enrolmentID)
		if err != nil {
			return err
		}
		base := map[string]string{
			"机构名称": c.InstitutionName, "机构地址": address, "工种": c.OccupationCode + " " + c.OccupationName,
			"等级": c.Plan.Level.Label(), "培训班编号": c.ClassNo, "培训地点": c.Plan.Venue, "培训内容": c.Plan.Content,
			"培训日期": dateText(c.Plan.StartDate) + " 至 " + dateText(c.Plan.EndDate),
			"计划学时": strconv.Itoa(c.Plan.TheoryHours+c.Plan.PracticalHours) + "学时（理论" + strconv.Itoa(c.Plan.TheoryHours) + "、实操" + strconv.Itoa(c.Plan.PracticalHours) + "）",
		}
		var ids []int64
		for rows.Next() {
			var pa PrintedAgreement
			var no, sex, idn, phone string
			var date *time.Time
			var fee *bool
			if err := rows.Scan(&pa.EnrolmentID, &no, &date, &fee, &pa.TraineeName, &sex, &idn, &phone, &pa.SurveyCode); err != nil {
				return err
			}
			vals := map[string]string{"协议编号": no, "学员姓名": pa.TraineeName, "身份证号码": idn, "联系电话": phone,
				"性别": map[string]string{"M": "男", "F": "女"}[sex], "是否缴费": training.FeeLabel(fee)}
			if date != nil {
				vals["签订日期"] = date.Format("2006年1月2日")
				pa.Recorded = true
			}
			for k, v := range base {
				vals[k] = v
			}
			pa.Text = training.FillAgreement(body, vals)
			out.Agreements = append(out.Agreements, pa)
			ids = append(ids, pa.EnrolmentID)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if enrolmentID != 0 && len(ids) == 0 {
			return training.ErrNotFound
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "agreement.print", Entity: "class", EntityID: classID,
			InstitutionID: c.InstitutionID, After: map[string]any{"enrolments": ids, "full_id_number": true, "template": out.TemplateNo}})
	})
	return out, translate(err, "print agreements of class %d", classID)
}

package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Subsidy standards and the other dated figures of a claim (SUB-1,
// DELIV-3): the bureau's page reads them all, adds a figure (closing the
// open-ended one of its key), or ends one; every change is audited.

const (
	standardSQL = `SELECT s.id, s.valid_from, s.valid_to, s.source_doc, s.note, s.created_by, s.created_at,
		s.class_type, s.level, coalesce(s.occupation_id, 0), coalesce(o.name, ''), s.amount
		FROM subsidy_standards s LEFT JOIN occupations o ON o.id = s.occupation_id
		ORDER BY s.class_type, s.level DESC, s.occupation_id NULLS FIRST, s.valid_from`
	rateSQL = `SELECT id, valid_from, valid_to, source_doc, note, created_by, created_at,
		target_group, min_level, shortage, percent FROM subsidy_rates ORDER BY target_group, min_level, shortage, valid_from`
	shortageSQL = `SELECT s.id, s.valid_from, s.valid_to, s.source_doc, s.note, s.created_by, s.created_at, s.occupation_id, o.name
		FROM shortage_occupations s JOIN occupations o ON o.id = s.occupation_id ORDER BY o.code, s.valid_from`
	thresholdSQL = `SELECT id, valid_from, valid_to, source_doc, note, created_by, created_at, percent
		FROM attendance_thresholds ORDER BY valid_from`
)

// queueSubsidyTables adds the four figure queries to b; the returned
// function reads their results in order.
func queueSubsidyTables(b *pgx.Batch) func(pgx.BatchResults) (training.SubsidyTables, error) {
	b.Queue(standardSQL)
	b.Queue(rateSQL)
	b.Queue(shortageSQL)
	b.Queue(thresholdSQL)
	return func(br pgx.BatchResults) (training.SubsidyTables, error) {
		var t training.SubsidyTables
		var err error
		scanDated := func(row pgx.CollectableRow, d *training.Dated, rest ...any) error {
			return row.Scan(append([]any{&d.ID, &d.Period.From, &d.Period.To, &d.SourceDoc, &d.Note, &d.CreatedBy, &d.CreatedAt}, rest...)...)
		}
		rows, _ := br.Query()
		t.Standards, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.SubsidyStandard, error) {
			var s training.SubsidyStandard
			var ct string
			err := scanDated(row, &s.Dated, &ct, &s.Level, &s.OccupationID, &s.OccupationName, &s.Amount)
			s.Type = training.ClassType(ct)
			return s, err
		})
		if err != nil {
			return t, err
		}
		rows, _ = br.Query()
		t.Rates, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.SubsidyRate, error) {
			var r training.SubsidyRate
			var g string
			err := scanDated(row, &r.Dated, &g, &r.MinLevel, &r.Shortage, &r.Percent)
			r.Group = training.TargetGroup(g)
			return r, err
		})
		if err != nil {
			return t, err
		}
		rows, _ = br.Query()
		t.Shortage, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ShortageOccupation, error) {
			var s training.ShortageOccupation
			err := scanDated(row, &s.Dated, &s.OccupationID, &s.OccupationName)
			return s, err
		})
		if err != nil {
			return t, err
		}
		rows, _ = br.Query()
		t.Thresholds, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.AttendanceThreshold, error) {
			var a training.AttendanceThreshold
			err := scanDated(row, &a.Dated, &a.Percent)
			return a, err
		})
		return t, err
	}
}

// SubsidyTables reads every dated figure in one round trip. Everyone
// signed in may read them (the institution sees how its lines are
// computed); only the bureau changes them.
func (s *Store) SubsidyTables(ctx context.Context) (training.SubsidyTables, error) {
	b := &pgx.Batch{}
	read := queueSubsidyTables(b)
	br := s.pool.SendBatch(ctx, b)
	t, err := read(br)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return t, translate(err, "subsidy tables")
}

// SubsidyPage is the bureau's standards page: every figure, and the
// occupations for the override and shortage choices.
type SubsidyPage struct {
	Tables      training.SubsidyTables
	Occupations []training.Occupation
}

// SubsidyPage reads the standards page in one round trip.
func (s *Store) SubsidyPage(ctx context.Context, a training.Actor) (SubsidyPage, error) {
	var p SubsidyPage
	if !a.IsBureau() {
		return p, training.ErrForbidden
	}
	b := &pgx.Batch{}
	read := queueSubsidyTables(b)
	b.Queue(`SELECT id, code, name, category, levels FROM occupations ORDER BY code`)
	br := s.pool.SendBatch(ctx, b)
	t, err := read(br)
	if err == nil {
		rows, _ := br.Query()
		p.Occupations, err = pgx.CollectRows(rows, scanOccupation)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	p.Tables = t
	return p, translate(err, "subsidy page")
}

// figureTable is where each kind of figure lives, the columns that make its
// key, and how to name it in messages.
var figureTable = map[string]struct{ table, key, name string }{
	training.FigureStandard:  {"subsidy_standards", "class_type = $1 AND level = $2 AND coalesce(occupation_id, 0) = $3", "补贴标准"},
	training.FigureRate:      {"subsidy_rates", "target_group = $1 AND min_level = $2 AND shortage = $3", "补贴比例"},
	training.FigureShortage:  {"shortage_occupations", "occupation_id = $1", "紧缺工种"},
	training.FigureThreshold: {"attendance_thresholds", "true", "出勤率门槛"},
}

func figureKeyArgs(f training.Figure) []any {
	switch f.Kind {
	case training.FigureStandard:
		return []any{string(f.Standard.Type), f.Standard.Level, f.Standard.OccupationID}
	case training.FigureRate:
		return []any{string(f.Rate.Group), f.Rate.MinLevel, f.Rate.Shortage}
	case training.FigureShortage:
		return []any{f.Shortage.OccupationID}
	}
	return nil
}

// AddFigure records a new dated figure (bureau only). The open-ended row
// of the same key, if it started earlier, ends the day before the new one
// starts; any other overlap is refused (training.DecideAddFigure, backed
// by the tables' exclusion constraints).
func (s *Store) AddFigure(ctx context.Context, a training.Actor, in training.FigureInput) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	f, err := training.ParseFigure(in)
	if err != nil {
		return 0, err
	}
	ft := figureTable[f.Kind]
	var id int64
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		// One writer per table at a time: the check and the insert see
		// the same rows.
		if _, err := tx.Exec(ctx, `LOCK TABLE `+ft.table+` IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, valid_from, valid_to FROM `+ft.table+` WHERE `+ft.key+` ORDER BY valid_from`, figureKeyArgs(f)...)
		if err != nil {
			return err
		}
		same, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.DatedRow, error) {
			r := training.DatedRow{Name: ft.name}
			return r, row.Scan(&r.ID, &r.Period.From, &r.Period.To)
		})
		if err != nil {
			return err
		}
		closeID, rs := training.DecideAddFigure(f, same)
		if !rs.OK() {
			return rs.Err()
		}
		var d training.Dated
		var closed map[string]any
		if closeID != 0 {
			var from time.Time
			switch f.Kind {
			case training.FigureStandard:
				from = f.Standard.Period.From
			case training.FigureRate:
				from = f.Rate.Period.From
			case training.FigureShortage:
				from = f.Shortage.Period.From
			default:
				from = f.Threshold.Period.From
			}
			to := from.AddDate(0, 0, -1)
			tag, err := tx.Exec(ctx, `UPDATE `+ft.table+` SET valid_to = $2 WHERE id = $1 AND valid_to IS NULL`, closeID, to)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return training.ErrConflict
			}
			closed = map[string]any{"id": closeID, "valid_to": dateText(to)}
		}
		now, by := s.now(), actorLabel(a)
		var after map[string]any
		switch f.Kind {
		case training.FigureStandard:
			d = f.Standard.Dated
			var occ *int64
			if f.Standard.OccupationID != 0 {
				occ = &f.Standard.OccupationID
			}
			err = tx.QueryRow(ctx, `INSERT INTO subsidy_standards (class_type, level, occupation_id, amount, valid_from, source_doc, note, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
				string(f.Standard.Type), f.Standard.Level, occ, f.Standard.Amount, d.Period.From, d.SourceDoc, d.Note, by, now).Scan(&id)
			after = map[string]any{"class_type": f.Standard.Type, "level": f.Standard.Level, "occupation_id": f.Standard.OccupationID,
				"amount": f.Standard.Amount}
		case training.FigureRate:
			d = f.Rate.Dated
			err = tx.QueryRow(ctx, `INSERT INTO subsidy_rates (target_group, min_level, shortage, percent, valid_from, source_doc, note, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
				string(f.Rate.Group), f.Rate.MinLevel, f.Rate.Shortage, f.Rate.Percent, d.Period.From, d.SourceDoc, d.Note, by, now).Scan(&id)
			after = map[string]any{"target_group": f.Rate.Group, "min_level": f.Rate.MinLevel, "shortage": f.Rate.Shortage, "percent": f.Rate.Percent}
		case training.FigureShortage:
			d = f.Shortage.Dated
			err = tx.QueryRow(ctx, `INSERT INTO shortage_occupations (occupation_id, valid_from, source_doc, note, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				f.Shortage.OccupationID, d.Period.From, d.SourceDoc, d.Note, by, now).Scan(&id)
			after = map[string]any{"occupation_id": f.Shortage.OccupationID}
		default:
			d = f.Threshold.Dated
			err = tx.QueryRow(ctx, `INSERT INTO attendance_thresholds (percent, valid_from, source_doc, note, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				f.Threshold.Percent, d.Period.From, d.SourceDoc, d.Note, by, now).Scan(&id)
			after = map[string]any{"percent": f.Threshold.Percent}
		}
		if err != nil {
			return err
		}
		after["id"], after["valid_from"], after["source_doc"], after["note"] = id, dateText(d.Period.From), d.SourceDoc, d.Note
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "subsidy.figure_add", Entity: ft.table, EntityID: id,
			Before: closed, After: after})
	})
	return id, translate(err, "add %s", f.Kind)
}

// EndFigure gives an open-ended figure its last day (bureau only).
func (s *Store) EndFigure(ctx context.Context, a training.Actor, kind string, id int64, to string) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	ft, ok := figureTable[kind]
	if !ok {
		return training.ErrNotFound
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		row := training.DatedRow{ID: id, Name: ft.name}
		if err := tx.QueryRow(ctx, `SELECT valid_from, valid_to FROM `+ft.table+` WHERE id = $1 FOR UPDATE`, id).
			Scan(&row.Period.From, &row.Period.To); err != nil {
			return err
		}
		end, rs := training.DecideEndFigureOn(row, to)
		if !rs.OK() {
			return rs.Err()
		}
		if _, err := tx.Exec(ctx, `UPDATE `+ft.table+` SET valid_to = $2 WHERE id = $1 AND valid_to IS NULL`, id, end); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "subsidy.figure_end", Entity: ft.table, EntityID: id,
			Before: map[string]any{"valid_to": nil}, After: map[string]any{"valid_to": dateText(end)}})
	}), "end %s %d", kind, id)
}

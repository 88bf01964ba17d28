package repository

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Fund use (SUB-4, 第十三条): an institution's spending entries by the
// seven categories, and the bureau's comparison per institution and year
// with what the institution received (subsidies paid, fees collected).

const fundUseColumns = `f.id, f.institution_id, coalesce(f.class_id, 0), coalesce(c.class_no, ''), f.year, f.category, f.amount, f.spent_on,
	f.description, f.voucher_no, f.status, f.void_reason, f.recorded_by, f.recorded_at, f.version`

const fundUseFrom = ` FROM fund_use_entries f LEFT JOIN classes c ON c.id = f.class_id`

func scanFundUse(row pgx.CollectableRow) (training.FundUseEntry, error) {
	var e training.FundUseEntry
	var category, status string
	err := row.Scan(&e.ID, &e.InstitutionID, &e.ClassID, &e.ClassNo, &e.Year, &category, &e.Amount, &e.SpentOn,
		&e.Description, &e.VoucherNo, &status, &e.VoidReason, &e.RecordedBy, &e.RecordedAt, &e.Version)
	e.Category, e.Status = training.FundCategory(category), training.FundUseStatus(status)
	return e, err
}

// paidSubsidiesSQL is, per institution, the subsidies paid to it in the
// year of its payment dates ($1 first day, $2 first day of the next year),
// as rows (institution_id, amount).
const paidSubsidiesSQL = `SELECT c.institution_id, sum(p.amount)::bigint AS amount
	FROM subsidy_claim_payments p JOIN subsidy_claims c ON c.id = p.claim_id
	WHERE p.status = 'paid' AND p.paid_on >= $1 AND p.paid_on < $2 GROUP BY c.institution_id`

// collectedFeesSQL is, per institution, the fees its trainees paid in the
// year, as rows (institution_id, amount).
const collectedFeesSQL = `SELECT c.institution_id, sum(p.amount)::bigint AS amount
	FROM fee_payments p JOIN classes c ON c.id = p.class_id
	WHERE p.paid_on >= $1 AND p.paid_on < $2 GROUP BY c.institution_id`

// categorySums is the seven "sum … FILTER (category = …)" columns, in the
// order of training.FundCategories.
func categorySums(col string) string {
	parts := make([]string, len(training.FundCategories))
	for i, c := range training.FundCategories {
		parts[i] = "coalesce(sum(" + col + ") FILTER (WHERE category = '" + string(c) + "'), 0)::bigint AS c" + strconv.Itoa(i)
	}
	return strings.Join(parts, ", ")
}

func yearBounds(year int) (time.Time, time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
}

// FundUseYear reads an institution's fund-use page for a year in one
// round trip: the bureau any institution's, an institution its own
// (another's is ErrNotFound).
func (s *Store) FundUseYear(ctx context.Context, a training.Actor, institutionID int64, year int) (training.FundUseYear, error) {
	p := training.FundUseYear{InstitutionID: institutionID, Year: year, Today: s.Today()}
	switch {
	case a.IsBureau():
	case a.IsInstitution() && a.InstitutionID == institutionID:
	case a.IsInstitution():
		return p, training.ErrNotFound
	default:
		return p, training.ErrForbidden
	}
	from, to := yearBounds(year)
	found := false
	b := &pgx.Batch{}
	b.Queue(`SELECT name FROM institutions WHERE id = $1`, institutionID).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&p.InstitutionName)
		if err == pgx.ErrNoRows {
			return nil
		}
		found = err == nil
		return err
	})
	b.Queue(`SELECT `+fundUseColumns+fundUseFrom+` WHERE f.institution_id = $1 AND f.year = $2 ORDER BY f.spent_on DESC, f.id DESC`,
		institutionID, year).Query(func(rows pgx.Rows) error {
		var err error
		p.Entries, err = pgx.CollectRows(rows, scanFundUse)
		return err
	})
	b.Queue(`SELECT (SELECT coalesce(sum(amount), 0)::bigint FROM (`+paidSubsidiesSQL+`) x WHERE institution_id = $3),
			(SELECT coalesce(sum(p.amount), 0)::bigint FROM fee_payments p JOIN classes c ON c.id = p.class_id
				WHERE c.institution_id = $3 AND p.paid_on >= $1 AND p.paid_on < $2)`,
		from, to, institutionID).QueryRow(func(row pgx.Row) error {
		return row.Scan(&p.Balance.SubsidiesPaid, &p.Balance.FeesCollected)
	})
	b.Queue(`SELECT `+classRefColumns+classRefFrom+` WHERE c.institution_id = $1 AND c.start_date >= $2 AND c.start_date < $3
			AND c.status IN ('approved', 'training', 'finished', 'assessment_applied', 'assessed', 'archived')
		ORDER BY c.start_date DESC, c.id DESC LIMIT 200`, institutionID, from.AddDate(-1, 0, 0), to).Query(func(rows pgx.Rows) error {
		var err error
		p.Classes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ClassRef, error) {
			var c training.ClassRef
			err := scanClassRef(row, &c)
			return c, err
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return p, translate(err, "fund use of institution %d in %d", institutionID, year)
	}
	if !found {
		return p, training.ErrNotFound
	}
	p.Balance.InstitutionID, p.Balance.InstitutionName, p.Balance.Year = institutionID, p.InstitutionName, year
	for _, e := range p.Entries {
		if e.Status == training.FundUseRecorded {
			p.Balance.Add(e.Category, e.Amount)
		}
	}
	return p, nil
}

const classRefColumns = `c.id, c.class_no, c.institution_id, i.name, coalesce(c.occupation_id, 0), coalesce(o.name, ''),
	c.level, c.type, c.status, c.start_date, c.end_date`

const classRefFrom = ` FROM classes c JOIN institutions i ON i.id = c.institution_id LEFT JOIN occupations o ON o.id = c.occupation_id`

// RecordFundUse is an institution reporting one spending entry: one of the
// seven categories (第十三条, backed by a CHECK), charged to one of its
// own approved classes (backed by a foreign key on class and institution)
// or to the year.
func (s *Store) RecordFundUse(ctx context.Context, a training.Actor, in training.FundUseInput) (int64, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		f := training.FundUseFacts{Today: s.Today()}
		if classID, err := strconv.ParseInt(strings.TrimSpace(in.ClassID), 10, 64); err == nil && classID > 0 {
			var c training.FundClass
			var status string
			err := tx.QueryRow(ctx, `SELECT id, status, start_date FROM classes WHERE id = $1 AND institution_id = $2 FOR SHARE`,
				classID, a.InstitutionID).Scan(&c.ID, &status, &c.Start)
			switch {
			case err == nil:
				c.Status = training.ClassStatus(status)
				f.Class = &c
			case err != pgx.ErrNoRows:
				return err
			}
		}
		plan, rs := training.DecideRecordFundUse(a, in, f)
		if !rs.OK() {
			return rs.Err()
		}
		var classID *int64
		if plan.ClassID != 0 {
			classID = &plan.ClassID
		}
		err := tx.QueryRow(ctx, `INSERT INTO fund_use_entries (institution_id, class_id, year, category, amount, spent_on, description, voucher_no,
				recorded_by_id, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			a.InstitutionID, classID, plan.Year, string(plan.Category), plan.Amount, plan.SpentOn, plan.Description, plan.VoucherNo,
			a.UserID, actorLabel(a), s.now()).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "fund_use.record", Entity: "institution", EntityID: a.InstitutionID,
			InstitutionID: a.InstitutionID, After: map[string]any{"entry": id, "class": plan.ClassID, "category": plan.Category.Label(),
				"amount": plan.Amount, "spent_on": plan.SpentOn.Format("2006-01-02"), "description": plan.Description, "voucher_no": plan.VoucherNo}})
	})
	return id, translate(err, "record fund use")
}

// VoidFundUse voids an entry of the actor's institution, with a reason,
// guarded by status and version. It returns the entry's year.
func (s *Store) VoidFundUse(ctx context.Context, a training.Actor, id int64, version int, reason string) (int, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	var year int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+fundUseColumns+fundUseFrom+` WHERE f.id = $1 AND f.institution_id = $2 FOR UPDATE OF f`, id, a.InstitutionID)
		e, err := pgx.CollectExactlyOneRow(rows, scanFundUse)
		if err != nil {
			return err
		}
		year = e.Year
		if e.Version != version {
			return training.ErrConflict
		}
		if rs := training.DecideVoidFundUse(e, reason); !rs.OK() {
			return rs.Err()
		}
		reason = strings.TrimSpace(reason)
		tag, err := tx.Exec(ctx, `UPDATE fund_use_entries SET status = 'void', void_reason = $3, voided_by = $4, voided_at = $5, version = version + 1
			WHERE id = $1 AND version = $2 AND status = 'recorded'`, id, version, reason, actorLabel(a), s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "fund_use.void", Entity: "institution", EntityID: a.InstitutionID,
			InstitutionID: a.InstitutionID, Before: map[string]any{"entry": id, "status": e.Status, "amount": e.Amount, "category": e.Category.Label()},
			After: map[string]any{"status": training.FundUseVoid, "reason": reason}})
	})
	return year, translate(err, "void fund use %d", id)
}

var fundReportSorts = map[string]string{
	"name":     "name, id",
	"balance":  "balance, id",
	"spent":    "spent, id",
	"received": "received, id",
}

// FundUseReport is the bureau's comparison for a year: per institution
// that received or spent anything, subsidies paid, fees collected,
// spending by category and the balance; one statement, one page.
func (s *Store) FundUseReport(ctx context.Context, a training.Actor, year int, p Page) ([]training.FundBalance, int, error) {
	if !a.IsBureau() {
		return nil, 0, training.ErrForbidden
	}
	from, to := yearBounds(year)
	w := where{args: []any{from, to, year}}
	cols := make([]string, len(training.FundCategories))
	for i := range cols {
		cols[i] = "coalesce(spend.c" + strconv.Itoa(i) + ", 0)"
	}
	sql := `WITH spend AS (SELECT institution_id, ` + categorySums("amount") + `, sum(amount)::bigint AS spent
			FROM fund_use_entries WHERE year = $3 AND status = 'recorded' GROUP BY institution_id),
		subs AS (` + paidSubsidiesSQL + `),
		fees AS (` + collectedFeesSQL + `),
		ids AS (SELECT institution_id FROM spend UNION SELECT institution_id FROM subs UNION SELECT institution_id FROM fees),
		list AS (SELECT i.id, i.name, coalesce(subs.amount, 0) AS subsidies, coalesce(fees.amount, 0) AS fees,
				coalesce(subs.amount, 0) + coalesce(fees.amount, 0) AS received, coalesce(spend.spent, 0) AS spent,
				coalesce(subs.amount, 0) + coalesce(fees.amount, 0) - coalesce(spend.spent, 0) AS balance, ` + strings.Join(cols, ", ") + `
			FROM ids JOIN institutions i ON i.id = ids.institution_id LEFT JOIN spend ON spend.institution_id = i.id
			LEFT JOIN subs ON subs.institution_id = i.id LEFT JOIN fees ON fees.institution_id = i.id)
		SELECT *, count(*) OVER () FROM list` + orderBy(p, fundReportSorts, "name") +
		` LIMIT ` + w.arg(p.limit()) + ` OFFSET ` + w.arg(p.offset())
	rows, err := s.pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, 0, translate(err, "fund use report %d", year)
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.FundBalance, error) {
		b := training.FundBalance{Year: year}
		var received, spent, balance int64
		dest := []any{&b.InstitutionID, &b.InstitutionName, &b.SubsidiesPaid, &b.FeesCollected, &received, &spent, &balance}
		for i := range b.ByCategory {
			dest = append(dest, &b.ByCategory[i])
		}
		err := row.Scan(append(dest, &total)...)
		return b, err
	})
	return list, total, translate(err, "fund use report %d", year)
}

// fundUseConstraints are the messages of the fund-use constraints (SUB-4).
var fundUseConstraints = map[string][2]string{
	"fund_use_entries_category_check":      {"category", training.RuleFundCategory.Msg()},
	"fund_use_entries_amount_check":        {"amount", training.RuleFundAmount.Msg()},
	"fund_use_entries_description_check":   {"description", training.RuleFundDescription.Msg()},
	"fund_use_entries_voucher_no_check":    {"voucher_no", training.RuleFundVoucher.Msg()},
	"fund_use_entries_status_check":        {"", "支出记录状态无效"},
	"fund_use_entries_void_reason_check":   {"reason", "作废原因过长（最多500字）"},
	"fund_use_entries_void_check":          {"reason", training.RuleFundVoidReason.Msg()},
	"fund_use_entries_recorded_by_check":   {"", "须记录填报人"},
	"fund_use_entries_voided_by_check":     {"", "作废人姓名过长"},
	"fund_use_entries_year_check":          {"spent_on", training.RuleFundSpentOn.Msg()},
	"fund_use_entries_class_fkey":          {"class_id", training.RuleFundClass.Msg()},
	"fund_use_entries_institution_id_fkey": {"", "培训机构不存在"},
	"fund_use_entries_recorded_by_id_fkey": {"", "填报人账号不存在"},
	"classes_id_institution_key":           {"", "培训班重复"},
}

func init() {
	for k, v := range fundUseConstraints {
		constraintErrors[k] = v
	}
}

// subsidyOverviewSQL reads a year's totals of paid lines by month of the
// successful payment (cut 1), institution (2), occupation (3) and level
// (4), plus the year's total (0): subsidy_paid_totals, which the
// payment's confirmation and every recovery keep (migration 00104), so
// the page reads about two thousand rows where grouping the 300,000 paid
// lines of a province's year took a second.
const subsidyOverviewSQL = `SELECT t.cut, t.key, coalesce(i.name, o.name, ''), t.lines, t.amount, t.recovered
	FROM subsidy_paid_totals t
	LEFT JOIN institutions i ON t.cut = 2 AND i.id = t.key
	LEFT JOIN occupations o ON t.cut = 3 AND o.id = t.key
	WHERE t.year = $1`

// SubsidyOverview is the bureau's overview of a year's paid subsidies:
// one statement.
func (s *Store) SubsidyOverview(ctx context.Context, a training.Actor, year int) (training.SubsidyOverview, error) {
	o := training.SubsidyOverview{Year: year}
	if !a.IsBureau() {
		return o, training.ErrForbidden
	}
	for i := range o.Months {
		o.Months[i].Key = int64(i + 1)
	}
	rows, err := s.pool.Query(ctx, subsidyOverviewSQL, year)
	if err != nil {
		return o, translate(err, "subsidy overview %d", year)
	}
	var cut int16
	var t training.SubsidyTotal
	_, err = pgx.ForEachRow(rows, []any{&cut, &t.Key, &t.Label, &t.Lines, &t.Amount, &t.Recovered}, func() error {
		if t.Lines == 0 && t.Recovered == 0 {
			return nil
		}
		switch cut {
		case 1:
			if t.Key >= 1 && t.Key <= 12 {
				o.Months[t.Key-1] = t
			}
		case 2:
			o.Institutions = append(o.Institutions, t)
		case 3:
			o.Occupations = append(o.Occupations, t)
		case 4:
			t.Label = training.Level(t.Key).Short()
			o.Levels = append(o.Levels, t)
		case 0:
			o.Total = t
		}
		return nil
	})
	if err != nil {
		return o, translate(err, "subsidy overview %d", year)
	}
	byAmount := func(l []training.SubsidyTotal) {
		sort.Slice(l, func(i, j int) bool {
			if l[i].Amount != l[j].Amount {
				return l[i].Amount > l[j].Amount
			}
			return l[i].Key < l[j].Key
		})
	}
	byAmount(o.Institutions)
	byAmount(o.Occupations)
	sort.Slice(o.Levels, func(i, j int) bool { return o.Levels[i].Key > o.Levels[j].Key })
	return o, nil
}

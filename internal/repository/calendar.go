package repository

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// calendarCache holds the working-day calendar, which every filing page
// reads. AddCalendarYear drops it after commit; gen stops a load that
// raced with a write from caching what it read before the write.
//
// The cache is per process: a second process writing the calendar would
// not invalidate it. Only the bureau's form writes, through this Store.
type calendarCache struct {
	mu  sync.Mutex
	cal *training.Calendar
	gen uint64
}

func (c *calendarCache) get() (*training.Calendar, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cal, c.gen
}

func (c *calendarCache) put(cal training.Calendar, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		c.cal = &cal
	}
}

func (c *calendarCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cal = nil
	c.gen++
}

// Calendar is the working-day calendar (FILE-2) for any signed-in user:
// every exceptional day and the covered years. It is cached.
func (s *Store) Calendar(ctx context.Context) (training.Calendar, error) {
	cached, gen := s.cal.get()
	if cached != nil {
		return *cached, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT year FROM calendar_years ORDER BY year`)
	if err != nil {
		return training.Calendar{}, translate(err, "calendar years")
	}
	years, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return training.Calendar{}, translate(err, "calendar years")
	}
	days, err := s.calendarDays(ctx, `SELECT `+calendarDayColumns+` FROM calendar_days ORDER BY day`)
	if err != nil {
		return training.Calendar{}, translate(err, "calendar days")
	}
	cal := training.NewCalendar(days, years)
	s.cal.put(cal, gen)
	return cal, nil
}

const calendarDayColumns = `day, name, kind, notice_year`

func scanCalendarDay(row pgx.CollectableRow) (training.CalendarDay, error) {
	var d training.CalendarDay
	var kind string
	err := row.Scan(&d.Date, &d.Name, &kind, &d.NoticeYear)
	d.Kind = training.DayKind(kind)
	return d, err
}

func (s *Store) calendarDays(ctx context.Context, sql string, args ...any) ([]training.CalendarDay, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCalendarDay)
}

// CalendarYears lists the covered years, newest first, with their notice
// and the number of exceptional days each lists.
func (s *Store) CalendarYears(ctx context.Context) ([]training.CalendarYear, error) {
	rows, err := s.pool.Query(ctx, calendarYearsSQL)
	if err != nil {
		return nil, translate(err, "calendar years")
	}
	list, err := collectCalendarYears(rows)
	return list, translate(err, "calendar years")
}

const calendarYearsSQL = `
	SELECT y.year, y.notice, y.entered_by, y.entered_at,
		(SELECT count(*) FROM calendar_days d WHERE d.notice_year = y.year)
	FROM calendar_years y ORDER BY y.year DESC`

func collectCalendarYears(rows pgx.Rows) ([]training.CalendarYear, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.CalendarYear, error) {
		var y training.CalendarYear
		err := row.Scan(&y.Year, &y.Notice, &y.EnteredBy, &y.EnteredAt, &y.Days)
		return y, err
	})
}

// CalendarPage reads the calendar page in one round trip: the covered
// years, newest first, and the days of the year shown — want when it is
// covered, else the newest covered year (0 and no days when none is).
func (s *Store) CalendarPage(ctx context.Context, want int) ([]training.CalendarYear, int, []training.CalendarDay, error) {
	var years []training.CalendarYear
	var days []training.CalendarDay
	b := &pgx.Batch{}
	b.Queue(calendarYearsSQL).Query(func(rows pgx.Rows) error {
		var err error
		years, err = collectCalendarYears(rows)
		return err
	})
	b.Queue(`SELECT `+calendarDayColumns+` FROM calendar_days
		WHERE notice_year = coalesce((SELECT year FROM calendar_years WHERE year = $1), (SELECT max(year) FROM calendar_years))
		ORDER BY day`, want).Query(func(rows pgx.Rows) error {
		var err error
		days, err = pgx.CollectRows(rows, scanCalendarDay)
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, 0, nil, translate(err, "calendar page")
	}
	year := 0
	for _, y := range years {
		if y.Year == want {
			year = want
		}
	}
	if year == 0 && len(years) > 0 {
		year = years[0].Year
	}
	return years, year, days, nil
}

// CalendarDays lists the exceptional days that year's notice lists, by date
// (2023's includes 2022-12-31).
func (s *Store) CalendarDays(ctx context.Context, year int) ([]training.CalendarDay, error) {
	days, err := s.calendarDays(ctx, `SELECT `+calendarDayColumns+` FROM calendar_days WHERE notice_year = $1 ORDER BY day`, year)
	return days, translate(err, "calendar days %d", year)
}

// AddCalendarYear enters a year's State Council arrangement (国务院办公厅关于
// 部分节假日安排的通知): the notice and its exceptional days, in one
// transaction with an audit row. Bureau only. A year is entered once.
func (s *Store) AddCalendarYear(ctx context.Context, a training.Actor, year int, notice string, days []training.CalendarDayInput) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	notice = strings.TrimSpace(notice)
	days = append([]training.CalendarDayInput(nil), days...)
	for i := range days {
		days[i].Name = strings.TrimSpace(days[i].Name)
	}
	if err := training.ValidateCalendarYear(year, notice, days); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM calendar_years WHERE year = $1)`, year).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return training.Invalid("year", "该年度的节假日安排已录入，不能重复录入")
		}
		now, by := s.now(), actorLabel(a)
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_years (year, notice, entered_by, entered_at) VALUES ($1, $2, $3, $4)`,
			year, notice, by, now); err != nil {
			return err
		}
		dates := make([]time.Time, len(days))
		names := make([]string, len(days))
		kinds := make([]string, len(days))
		type auditDay struct {
			Date string `json:"date"`
			Name string `json:"name"`
			Kind string `json:"kind"`
		}
		logged := make([]auditDay, len(days))
		for i, d := range days {
			dates[i], names[i], kinds[i] = d.Date, d.Name, string(d.Kind)
			logged[i] = auditDay{d.Date.Format("2006-01-02"), d.Name, string(d.Kind)}
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO calendar_days (day, name, kind, notice_year, created_by, created_at)
			SELECT d, n, k, $4, $5, $6 FROM unnest($1::date[], $2::text[], $3::text[]) AS t(d, n, k)`,
			dates, names, kinds, year, by, now); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "calendar.year", Entity: "calendar_year", EntityID: int64(year),
			After: map[string]any{"year": year, "notice": notice, "days": logged}})
	})
	if err == nil {
		s.cal.invalidate()
	}
	return translate(err, "add calendar year %d", year)
}

package repository

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// PageSize is the default number of rows on a list page.
const PageSize = 20

// Page is a 1-based page of a list with a whitelisted sort.
type Page struct {
	Number int    // 1-based
	Size   int    // rows per page; 0 means PageSize
	Sort   string // a key of the list's sort whitelist
	Desc   bool
	// all: every matching row, in the page's order (an export); set by
	// the *Each methods, never by a caller.
	all bool
}

// limitArg is the LIMIT parameter: NULL (no limit) for an export.
func (p Page) limitArg() any {
	if p.all {
		return nil
	}
	return p.limit()
}

// offsetArg is the OFFSET parameter: 0 for an export.
func (p Page) offsetArg() int {
	if p.all {
		return 0
	}
	return p.offset()
}

// forEach scans every row of rows and hands it to each, holding none:
// the exports stream a whole list this way, however long.
func forEach[T any](rows pgx.Rows, scan func(pgx.CollectableRow) (T, error), each func(T) error) error {
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if err := each(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (p Page) limit() int {
	if p.Size <= 0 || p.Size > 200 {
		return PageSize
	}
	return p.Size
}

func (p Page) offset() int {
	if p.Number < 1 {
		return 0
	}
	return (p.Number - 1) * p.limit()
}

// where builds a WHERE clause with numbered placeholders.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each "?" in cond becomes the next placeholder.
func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// arg appends a value and returns its placeholder, for LIMIT/OFFSET.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// orderBy picks the ORDER BY clause from a whitelist; unknown keys fall back
// to def. Each clause must end in a unique column so paging is stable.
func orderBy(p Page, whitelist map[string]string, def string) string {
	clause, ok := whitelist[p.Sort]
	if !ok {
		clause = whitelist[def]
	}
	if p.Desc {
		// Every column of the clause is flipped so that ties keep a stable order.
		parts := strings.Split(clause, ",")
		for i, c := range parts {
			c = strings.TrimSpace(c)
			switch {
			case strings.HasSuffix(c, " NULLS FIRST"):
				c = strings.TrimSuffix(c, " NULLS FIRST") + " DESC NULLS LAST"
			case strings.HasSuffix(c, " NULLS LAST"):
				c = strings.TrimSuffix(c, " NULLS LAST") + " DESC NULLS FIRST"
			default:
				c += " DESC"
			}
			parts[i] = c
		}
		clause = strings.Join(parts, ", ")
	}
	return " ORDER BY " + clause
}

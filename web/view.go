package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tianmu/internal/training"
)

// Shanghai is the zone every time is shown in.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Date formats a date as 2026-03-16; the zero time shows as "—".
func Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02")
}

// DatePtr formats an optional date.
func DatePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return Date(*t)
}

// DateTime formats an instant in Asia/Shanghai.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(Shanghai).Format("2006-01-02 15:04")
}

// DateTimePtr formats an optional instant.
func DateTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return DateTime(*t)
}

// Yuan formats integer fen as ¥1,234.50.
func Yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := fmt.Sprintf("¥%s.%02d", b.String(), fen%100)
	if neg {
		return "-" + out
	}
	return out
}

// Itoa is strconv.Itoa for templates.
func Itoa(n int) string { return strconv.Itoa(n) }

// I64 formats an int64 for templates.
func I64(n int64) string { return strconv.FormatInt(n, 10) }

// InstitutionBadge is the CSS class of an institution status badge.
func InstitutionBadge(s training.InstitutionStatus) string {
	switch s {
	case training.InstDesignated:
		return "badge ok"
	case training.InstSuspended:
		return "badge warn"
	case training.InstRevoked:
		return "badge bad"
	}
	return "badge"
}

// List is the paging and sorting state of a table, with the URL it lives at
// and the filter parameters to keep in every link.
type List struct {
	Path  string
	Query url.Values // filters, without page/sort/desc
	Page  int
	Size  int
	Total int
	Sort  string
	Desc  bool
	// PageParam is the query parameter of the page number; "" is "page"
	// (a second paged table on a page uses its own, e.g. "hpage").
	PageParam string
	// Export is the list's .xlsx download with the same filters and sort
	// (WithExport); the pager links to it.
	Export string
}

// WithExport sets the list's export to path (e.g. "/classes.xlsx") with
// the list's filters and sort, without the page.
func (l List) WithExport(path string) List {
	e := l
	e.Path = path
	l.Export = e.url(1, l.Sort, l.Desc)
	return l
}

// Pages is the number of pages.
func (l List) Pages() int {
	if l.Size <= 0 {
		return 1
	}
	n := (l.Total + l.Size - 1) / l.Size
	if n < 1 {
		n = 1
	}
	return n
}

func (l List) url(page int, sort string, desc bool) string {
	q := url.Values{}
	for k, v := range l.Query {
		q[k] = v
	}
	if page > 1 {
		param := l.PageParam
		if param == "" {
			param = "page"
		}
		q.Set(param, strconv.Itoa(page))
	}
	if sort != "" {
		q.Set("sort", sort)
	}
	if desc {
		q.Set("desc", "1")
	}
	if len(q) == 0 {
		return l.Path
	}
	return l.Path + "?" + q.Encode()
}

// PageURL links to page n with the current sort.
func (l List) PageURL(n int) string { return l.url(n, l.Sort, l.Desc) }

// SortURL links to the first page sorted by key; the current key flips.
func (l List) SortURL(key string) string {
	return l.url(1, key, l.Sort == key && !l.Desc)
}

// SortMark is the arrow beside the current sort column.
func (l List) SortMark(key string) string {
	if l.Sort != key {
		return ""
	}
	if l.Desc {
		return " ▼"
	}
	return " ▲"
}

// AriaSort is the aria-sort value of a column header.
func (l List) AriaSort(key string) string {
	if l.Sort != key {
		return "none"
	}
	if l.Desc {
		return "descending"
	}
	return "ascending"
}

// Range says which rows are shown: "第 21–40 条，共 57 条".
func (l List) Range() string {
	if l.Total == 0 {
		return "共 0 条"
	}
	from := (l.Page-1)*l.Size + 1
	to := from + l.Size - 1
	if to > l.Total {
		to = l.Total
	}
	return fmt.Sprintf("第 %d–%d 条，共 %d 条", from, to, l.Total)
}

// Selected reports whether a select option is the chosen value.
func Selected(value, chosen string) bool { return value == chosen }

package training

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Money is integer fen everywhere; these helpers read what a user types in
// yuan and print fen for messages.

// MaxYuan bounds any single amount typed in a form (¥100,000.00).
const MaxYuan = 100000

// ParseYuan reads an amount in yuan with at most two decimals ("1500",
// "1,500.5", "¥1500.00") as fen. ok is false for anything else, a
// negative amount or more than MaxYuan.
func ParseYuan(s string) (int64, bool) { return parseYuanUpTo(s, MaxYuan) }

// parseYuanUpTo is ParseYuan with another ceiling (whole yuan).
func parseYuanUpTo(s string, maxYuan int64) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.ReplaceAll(s, ",", "")
	if s == "" || len(s) > 12 {
		return 0, false
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || (hasFrac && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > maxYuan {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	fen := y*100 + f
	if fen > maxYuan*100 {
		return 0, false
	}
	return fen, true
}

// YuanText prints fen as ¥1,500.00 (the same format as the pages).
func YuanText(fen int64) string {
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
	out := "¥" + b.String() + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
	if neg {
		return "-" + out
	}
	return out
}

// YuanInput prints fen as a form value (1500.00).
func YuanInput(fen int64) string {
	return strconv.FormatInt(fen/100, 10) + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
}

// ParseDay reads a date typed as 2026-03-16.
func ParseDay(s string) (time.Time, bool) {
	d, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	return d, err == nil
}

// Text limits shared by the money forms (the same limits are CHECKs in the
// database).
const (
	MaxNoteLen   = 200 // notes on standards
	MaxReasonLen = 500 // reasons, what a fee covers, objections, decisions
	MaxDocLen    = 100 // source document numbers
	MaxNoLen     = 40  // receipt, voucher and batch numbers
)

// textLen checks a trimmed text for presence (when required) and length,
// adding msg or the length message beside field.
func textLen(p *Problems, field, s string, required bool, max int, missing string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		p.Add(field, missing)
	case utf8.RuneCountInString(s) > max:
		p.Add(field, "内容过长（最多"+strconv.Itoa(max)+"字）")
	}
	return s
}

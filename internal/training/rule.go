package training

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Rule is one entry of the rule book: a refusal a user can meet, the rule id
// of DOMAIN.md it applies (e.g. "SIZE-1"; empty for a plain state-machine
// step), the article it rests on (e.g. "第七条", or "第三条、第十六条"), and
// the Chinese text the user reads after the article. Text may hold fmt
// verbs; Msg fills them.
//
// Rules are declared once, as package-level variables of this package, with
// NewRule; every user-facing message that cites an article is one of them,
// so the whole rule book can be listed (Rulebook) and read in one place.
type Rule struct {
	ID      string
	Article string
	Text    string
}

var (
	rulebookMu sync.Mutex
	rulebook   []*Rule
)

// NewRule registers a rule in the rule book. Call it only in package-level
// variable declarations of this package.
func NewRule(id, article, text string) *Rule {
	r := &Rule{ID: id, Article: article, Text: text}
	rulebookMu.Lock()
	rulebook = append(rulebook, r)
	rulebookMu.Unlock()
	return r
}

// Msg is the message the user sees: the article, a full-width colon, then
// the text with args filled in.
func (r *Rule) Msg(args ...any) string {
	text := r.Text
	if len(args) > 0 {
		text = fmt.Sprintf(text, args...)
	}
	if r.Article == "" {
		return text
	}
	return r.Article + "：" + text
}

// Rulebook lists every registered rule, sorted by article then rule id then
// text, for the rule-book test and for anyone who wants to read the rules.
func Rulebook() []Rule {
	rulebookMu.Lock()
	out := make([]Rule, 0, len(rulebook))
	for _, r := range rulebook {
		out = append(out, *r)
	}
	rulebookMu.Unlock()
	sort.SliceStable(out, func(i, j int) bool {
		if ai, aj := articleOrder(out[i].Article), articleOrder(out[j].Article); ai != aj {
			return ai < aj
		}
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Text < out[j].Text
	})
	return out
}

var chineseDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// articleOrder is the number of the first article cited ("第十六条" → 16), 0
// when there is none, so the rule book reads in the regulation's order.
func articleOrder(article string) int {
	s, ok := strings.CutPrefix(article, "第")
	if !ok {
		return 0
	}
	s, _, _ = strings.Cut(s, "条")
	n, tens := 0, false
	for _, c := range s {
		switch {
		case c == '十':
			if n == 0 {
				n = 1
			}
			n *= 10
			tens = true
		case chineseDigits[c] > 0:
			if tens {
				n += chineseDigits[c]
			} else {
				n = n*10 + chineseDigits[c]
			}
		default:
			return 0
		}
	}
	return n
}

// Refusal is one reason a decision says no: the rule, the form field the
// message belongs beside ("" for the form or step as a whole), and the
// rendered message.
type Refusal struct {
	Rule    *Rule
	Field   string
	Message string
}

// Refusals collects the reasons a Decide function refuses a step. The zero
// value is "allowed".
type Refusals []Refusal

// Add refuses with r beside field (the form field's name).
func (rs *Refusals) Add(field string, r *Rule, args ...any) {
	*rs = append(*rs, Refusal{Rule: r, Field: field, Message: r.Msg(args...)})
}

// General refuses with r for the step as a whole.
func (rs *Refusals) General(r *Rule, args ...any) { rs.Add("", r, args...) }

// OK reports whether nothing was refused.
func (rs Refusals) OK() bool { return len(rs) == 0 }

// Err is the refusals as a *ValidationError (first message per field kept,
// general messages in order), or nil when there are none.
func (rs Refusals) Err() error {
	if len(rs) == 0 {
		return nil
	}
	var p Problems
	for _, r := range rs {
		if r.Field == "" {
			p.AddGeneral(r.Message)
		} else {
			p.Add(r.Field, r.Message)
		}
	}
	return p.Err()
}

// Messages lists the rendered messages in order (for checks shown as a list).
func (rs Refusals) Messages() []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Message
	}
	return out
}

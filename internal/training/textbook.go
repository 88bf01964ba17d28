package training

import (
	"strings"
	"time"
	"unicode/utf8"
)

// TextbookStatus is a textbook's place in the bureau's catalogue (第六条):
// only 指定 (designated) and 核准 (approved) textbooks may be used.
type TextbookStatus string

// Textbook statuses.
const (
	TextbookProposed   TextbookStatus = "proposed"
	TextbookDesignated TextbookStatus = "designated"
	TextbookApproved   TextbookStatus = "approved"
	TextbookWithdrawn  TextbookStatus = "withdrawn"
	TextbookRejected   TextbookStatus = "rejected"
)

// TextbookStatuses lists the statuses in display order.
var TextbookStatuses = []TextbookStatus{TextbookDesignated, TextbookApproved, TextbookProposed, TextbookWithdrawn, TextbookRejected}

// Label is the Chinese name of the status.
func (s TextbookStatus) Label() string {
	switch s {
	case TextbookProposed:
		return "待核准"
	case TextbookDesignated:
		return "指定"
	case TextbookApproved:
		return "核准"
	case TextbookWithdrawn:
		return "已停用"
	case TextbookRejected:
		return "未核准"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s TextbookStatus) Valid() bool {
	switch s {
	case TextbookProposed, TextbookDesignated, TextbookApproved, TextbookWithdrawn, TextbookRejected:
		return true
	}
	return false
}

// Usable is FILE-4: only designated or approved textbooks appear on a filing.
func (s TextbookStatus) Usable() bool { return s == TextbookDesignated || s == TextbookApproved }

// TextbookAction is a step of the catalogue workflow.
type TextbookAction string

// Textbook actions.
const (
	ActTextbookApprove   TextbookAction = "approve"
	ActTextbookDesignate TextbookAction = "designate"
	ActTextbookReject    TextbookAction = "reject"
	ActTextbookWithdraw  TextbookAction = "withdraw"
	ActTextbookRestore   TextbookAction = "restore"
)

// TextbookActions lists the actions in display order.
var TextbookActions = []TextbookAction{ActTextbookApprove, ActTextbookDesignate, ActTextbookReject, ActTextbookWithdraw, ActTextbookRestore}

// Label is the Chinese name of the action.
func (a TextbookAction) Label() string {
	switch a {
	case ActTextbookApprove:
		return "核准"
	case ActTextbookDesignate:
		return "列为指定教材"
	case ActTextbookReject:
		return "不予核准"
	case ActTextbookWithdraw:
		return "停用"
	case ActTextbookRestore:
		return "恢复使用"
	}
	return string(a)
}

// NeedsReason reports whether the action must carry a reason.
func (a TextbookAction) NeedsReason() bool { return a == ActTextbookReject || a == ActTextbookWithdraw }

// NextTextbookStatus applies action to from, or says why it cannot.
func NextTextbookStatus(from TextbookStatus, action TextbookAction) (TextbookStatus, string) {
	switch {
	case action == ActTextbookApprove && from == TextbookProposed:
		return TextbookApproved, ""
	case action == ActTextbookDesignate && (from == TextbookProposed || from == TextbookApproved):
		return TextbookDesignated, ""
	case action == ActTextbookReject && from == TextbookProposed:
		return TextbookRejected, ""
	case action == ActTextbookWithdraw && (from == TextbookDesignated || from == TextbookApproved):
		return TextbookWithdrawn, ""
	case action == ActTextbookRestore && from == TextbookWithdrawn:
		return TextbookApproved, ""
	}
	return from, RuleTextbookState.Msg(from.Label(), action.Label())
}

// CanTextbook reports whether actor may take action on a textbook in from.
func CanTextbook(a Actor, from TextbookStatus, action TextbookAction) bool {
	if !a.IsBureau() {
		return false
	}
	_, msg := NextTextbookStatus(from, action)
	return msg == ""
}

// TextbookUse is one occupation and level a textbook serves. Level
// LevelNone means every level of the occupation (and classes without one).
type TextbookUse struct {
	OccupationID   int64
	OccupationCode string
	OccupationName string
	Level          Level
}

// Label is "中式烹调师 三级" or "中式烹调师 各等级".
func (u TextbookUse) Label() string {
	if u.Level == LevelNone {
		return u.OccupationName + " 各等级"
	}
	return u.OccupationName + " " + u.Level.Short()
}

// Textbook is one entry of the catalogue.
type Textbook struct {
	ID             int64
	Title          string
	ISBN           string // 13 digits, or "" for bureau-compiled material
	InternalCode   string // bureau-compiled material only
	Publisher      string
	Edition        string
	Status         TextbookStatus
	StatusReason   string
	ProposedBy     int64 // institution id, 0 when the bureau entered it
	ProposedByName string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Uses           []TextbookUse
}

// Code is the ISBN, or the internal code for bureau-compiled material.
func (t Textbook) Code() string {
	if t.ISBN != "" {
		return "ISBN " + t.ISBN
	}
	return t.InternalCode
}

// Serves reports whether the textbook serves occupationID at level.
func (t Textbook) Serves(occupationID int64, level Level) bool {
	for _, u := range t.Uses {
		if u.OccupationID == occupationID && (u.Level == LevelNone || u.Level == level) {
			return true
		}
	}
	return false
}

// CheckTextbook is FILE-4 for one textbook on a filing of occupationID at
// level. An empty result means it may be used.
func CheckTextbook(t Textbook, occupationID int64, level Level) []string {
	var out []string
	if !t.Status.Usable() {
		out = append(out, RuleTextbookNotDesignated.Msg(t.Title, t.Status.Label()))
	}
	if !t.Serves(occupationID, level) {
		out = append(out, RuleTextbookNotForClass.Msg(t.Title))
	}
	return out
}

// NormalizeISBN removes hyphens and spaces and upper-cases.
func NormalizeISBN(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "ISBN")
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '　' || r == ':' || r == '：' {
			return -1
		}
		return r
	}, s)
}

// CheckISBN13 validates a normalized ISBN-13: 13 digits, prefix 978 or
// 979, and the check digit (weights 1, 3). It returns a Chinese message or
// "".
func CheckISBN13(s string) string {
	if len(s) != 13 {
		return "ISBN 应为13位数字（例如 978-7-5167-1234-5）"
	}
	sum := 0
	for i := 0; i < 13; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return "ISBN 只能包含数字和连字符"
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	if s[:3] != "978" && s[:3] != "979" {
		return "ISBN-13 应以978或979开头"
	}
	if sum%10 != 0 {
		return "ISBN 校验位不正确"
	}
	return ""
}

// ISBNCheckDigit computes the 13th digit for a 12-digit prefix (tests, demo).
func ISBNCheckDigit(prefix string) byte {
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(prefix[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// TextbookInput is what the bureau or an institution types.
type TextbookInput struct {
	Title        string
	ISBN         string
	InternalCode string
	Publisher    string
	Edition      string
	Status       TextbookStatus // bureau: designated or approved; ignored for institutions
	Uses         []TextbookUse
}

// Normalize trims the fields and normalizes the ISBN.
func (in *TextbookInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.ISBN = NormalizeISBN(in.ISBN)
	in.InternalCode = strings.ToUpper(strings.TrimSpace(in.InternalCode))
	in.Publisher = strings.TrimSpace(in.Publisher)
	in.Edition = strings.TrimSpace(in.Edition)
}

// Validate checks a textbook. occs holds the occupation catalogue by id.
// Only the bureau enters bureau-compiled material (internal code, no ISBN).
func (in TextbookInput) Validate(bureau bool, occs map[int64]Occupation) error {
	var p Problems
	text := func(field, value, label string, max int, required bool) {
		switch {
		case value == "" && required:
			p.Add(field, "请填写"+label)
		case utf8.RuneCountInString(value) > max:
			p.Add(field, label+"过长（最多"+itoa(max)+"字）")
		}
	}
	text("title", in.Title, "教材名称", MaxLen("textbooks.title"), true)
	text("publisher", in.Publisher, "出版单位", MaxLen("textbooks.publisher"), true)
	text("edition", in.Edition, "版次", MaxLen("textbooks.edition"), false)
	switch {
	case in.ISBN != "" && in.InternalCode != "":
		p.Add("isbn", "ISBN 与内部编号只填一项：正式出版教材填 ISBN，区人力社保局自编教材填内部编号")
	case in.ISBN != "":
		if msg := CheckISBN13(in.ISBN); msg != "" {
			p.Add("isbn", msg)
		}
	case in.InternalCode != "":
		if !bureau {
			p.Add("isbn", "培训机构申报的教材须填写 ISBN（内部编号仅用于区人力社保局自编教材）")
		} else if msg := checkInternalCode(in.InternalCode); msg != "" {
			p.Add("internal_code", msg)
		}
	default:
		if bureau {
			p.Add("isbn", "请填写 ISBN，自编教材请填写内部编号")
		} else {
			p.Add("isbn", "请填写 ISBN")
		}
	}
	if bureau && in.Status != TextbookDesignated && in.Status != TextbookApproved {
		p.Add("status", "请选择「指定」或「核准」")
	}
	if len(in.Uses) == 0 {
		p.Add("uses", "请至少填写一个适用工种")
	}
	seen := map[[2]int64]bool{}
	for i, u := range in.Uses {
		field := "use_" + itoa(i)
		o, ok := occs[u.OccupationID]
		key := [2]int64{u.OccupationID, int64(u.Level)}
		switch {
		case !ok:
			p.Add(field, "工种不存在")
		case u.Level != LevelNone && !o.HasLevel(u.Level):
			p.Add(field, o.Name+"没有"+u.Level.Label())
		case seen[key]:
			p.Add(field, "同一工种和等级只能填写一次")
		}
		seen[key] = true
	}
	return p.Err()
}

// checkInternalCode: 3–30 characters, letters, digits and hyphens.
func checkInternalCode(s string) string {
	if len(s) < 3 || len(s) > 30 {
		return "内部编号应为3–30个字符"
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return "内部编号只能包含字母、数字和连字符"
		}
	}
	return ""
}

// Rules of the textbook catalogue (FILE-4).
var (
	RuleTextbookState         = NewRule("", "第六条", "教材当前状态为「%s」，不能%s")
	RuleTextbookNotDesignated = NewRule("FILE-4", "第六条", "教材须使用区人力社保局指定或核准的培训教材（《%s》当前为「%s」）")
	RuleTextbookNotForClass   = NewRule("FILE-4", "第六条", "《%s》未核定用于该工种和等级")
)

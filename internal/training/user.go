package training

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// User is a portal account.
type User struct {
	ID                 int64
	Username           string
	Name               string
	Role               Role
	InstitutionID      int64
	InstitutionName    string
	MustChangePassword bool
	Disabled           bool
	SessionVersion     int
	LastLoginAt        *time.Time
	CreatedAt          time.Time
	// InboxUnread is the number of unread inbox messages, read with the
	// session on every request (the header shows it).
	InboxUnread int
}

// Actor turns the user into the actor of a use case.
func (u User) Actor() Actor {
	return Actor{UserID: u.ID, Username: u.Username, Name: u.Name, Role: u.Role, InstitutionID: u.InstitutionID}
}

// Rules of accounts: the portal's own, not the regulation's.
var (
	RuleUserSelf       = NewRule("ACCT-1", "", "不能停用自己的账号，请由另一名区人力社保局人员办理")
	RuleUserLastBureau = NewRule("ACCT-2", "", "这是最后一个在用的区人力社保局账号，停用后将无人能管理账号和审批")
)

// DecideDisableUser says whether a may disable account target (of role
// role) while otherBureau enabled bureau accounts besides target remain.
func DecideDisableUser(a Actor, target int64, role Role, otherBureau int) Refusals {
	var rs Refusals
	switch {
	case target == a.UserID:
		rs.General(RuleUserSelf)
	case role == RoleBureau && otherBureau == 0:
		rs.General(RuleUserLastBureau)
	}
	return rs
}

// UserInput is what the bureau types to create an account.
type UserInput struct {
	Username      string
	Name          string
	Role          Role
	InstitutionID int64
}

// Normalize trims and lower-cases the username.
func (in *UserInput) Normalize() {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.Name = strings.TrimSpace(in.Name)
}

// Validate checks the account fields.
func (in UserInput) Validate() error {
	var p Problems
	if msg := CheckUsername(in.Username); msg != "" {
		p.Add("username", msg)
	}
	if in.Name == "" {
		p.Add("name", "请填写姓名")
	} else if utf8.RuneCountInString(in.Name) > 50 {
		p.Add("name", "姓名过长（最多50字）")
	}
	if !in.Role.Valid() {
		p.Add("role", "请选择角色")
	} else if in.Role == RoleInstitution && in.InstitutionID == 0 {
		p.Add("institution_id", "培训机构账号须选择所属机构")
	}
	return p.Err()
}

// CheckUsername: 3–32 characters, lower-case letters, digits, '.', '_' or '-'.
func CheckUsername(s string) string {
	if len(s) < 3 || len(s) > 32 {
		return "用户名应为3–32个字符"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return "用户名只能包含小写字母、数字和 . _ -"
		}
	}
	return ""
}

// MinPasswordLength is the shortest password accepted (ASVS 5.0 asks 8+;
// government practice in China is 8+ with mixed classes).
const MinPasswordLength = 10

// CheckPassword returns a Chinese message if the password is too weak.
func CheckPassword(pw, username string) string {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return "密码至少10个字符"
	}
	if utf8.RuneCountInString(pw) > 128 {
		return "密码最多128个字符"
	}
	var letter, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{letter, digit, other} {
		if b {
			classes++
		}
	}
	if classes < 2 {
		return "密码须包含字母、数字、符号中的至少两类"
	}
	if username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)) {
		return "密码不能包含用户名"
	}
	return ""
}

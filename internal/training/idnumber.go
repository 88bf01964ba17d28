package training

import (
	"strings"
	"time"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// ResidentID is a parsed resident identity card number (GB 11643-1999).
type ResidentID struct {
	Number    string
	BirthDate time.Time
	Male      bool
}

// NormalizeIDNumber trims and upper-cases an ID number (lower-case x is
// common in typed input).
func NormalizeIDNumber(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// ParseResidentID checks an 18-character resident ID number: digits, a real
// birth date not in the future, and the ISO 7064 MOD 11-2 check character.
// The message is Chinese and meant for the field.
func ParseResidentID(s string, today time.Time) (ResidentID, string) {
	if len(s) != 18 {
		return ResidentID{}, "身份证号码应为18位"
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return ResidentID{}, "身份证号码前17位应为数字"
		}
		sum += int(c-'0') * idWeights[i]
	}
	if s[17] != idCheckChars[sum%11] {
		return ResidentID{}, "身份证号码校验位不正确（GB 11643）"
	}
	y := atoi(s[6:10])
	m := atoi(s[10:12])
	d := atoi(s[12:14])
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || birth.Year() != y || int(birth.Month()) != m || birth.Day() != d {
		return ResidentID{}, "身份证号码中的出生日期不存在"
	}
	if !today.IsZero() && birth.After(today) {
		return ResidentID{}, "身份证号码中的出生日期晚于今天"
	}
	return ResidentID{Number: s, BirthDate: birth, Male: (s[16]-'0')%2 == 1}, ""
}

// IDCheckChar computes the check character for a 17-digit prefix.
func IDCheckChar(prefix string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(prefix[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// MaskID shows the first six and last four characters of an ID number:
// 330185********1234. Anything too short to mask is hidden entirely.
func MaskID(s string) string {
	r := []rune(s)
	if len(r) < 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// MaskPhone shows the first three and last four digits of a phone number:
// 138****5678.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// CheckMobile validates a mainland mobile number (11 digits starting 1[3-9]).
func CheckMobile(s string) string {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' {
		return "手机号码应为11位，以13–19开头"
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "手机号码只能包含数字"
		}
	}
	return ""
}

// CheckPhone accepts a mobile number or a landline such as 0571-63712345.
func CheckPhone(s string) string {
	if CheckMobile(s) == "" {
		return ""
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
			digits++
		case s[i] == '-' && i > 0:
		default:
			return "联系电话格式不正确（手机号或带区号的固定电话）"
		}
	}
	if s[0] != '0' || digits < 10 || digits > 12 {
		return "联系电话格式不正确（手机号或带区号的固定电话）"
	}
	return ""
}

package training

import (
	"strings"
)

// creditCodeChars is the character set of GB 32100-2015 (no I, O, S, V, Z).
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeCreditCode trims and upper-cases a unified social credit code.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// CheckCreditCode validates a unified social credit code (统一社会信用代码)
// against GB 32100-2015: 18 characters from the standard's alphabet, an
// administrative division code of six digits in positions 3–8, and the check
// character. It returns a Chinese message, or "" when the code is valid.
func CheckCreditCode(code string) string {
	if len(code) != 18 {
		return "统一社会信用代码应为18位"
	}
	sum := 0
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(creditCodeChars, code[i])
		if v < 0 {
			return "统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）"
		}
		if i >= 2 && i < 8 && code[i] > '9' {
			return "统一社会信用代码第3至8位应为行政区划代码（数字）"
		}
		if i < 17 {
			sum += v * creditCodeWeights[i]
		} else {
			want := (31 - sum%31) % 31
			if v != want {
				return "统一社会信用代码校验位不正确（GB 32100）"
			}
		}
	}
	return ""
}

// CreditCodeCheckChar computes the 18th character for a 17-character prefix.
// Used to generate demo data and tests.
func CreditCodeCheckChar(prefix string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditCodeChars, prefix[i]) * creditCodeWeights[i]
	}
	return creditCodeChars[(31-sum%31)%31]
}

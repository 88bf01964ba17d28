package training

// YuanCapitals writes an amount in fen in Chinese financial capitals
// (人民币大写) as forms for signature carry them: 150000 →
// "壹仟伍佰元整", 140950 → "壹仟肆佰零玖元伍角", 10005 → "壹佰元零伍分".
// "整" follows an amount that stops at 元 only.
func YuanCapitals(fen int64) string {
	const digits = "零壹贰叁肆伍陆柒捌玖"
	d := []rune(digits)
	neg := fen < 0
	if neg {
		fen = -fen
	}
	yuan, jiao, f := fen/100, (fen/10)%10, fen%10
	out := ""
	if neg {
		out = "负"
	}
	if yuan > 0 {
		out += capitalsInt(yuan, d) + "元"
	}
	switch {
	case jiao == 0 && f == 0:
		if yuan == 0 {
			out += "零元"
		}
		return out + "整"
	case jiao > 0:
		out += string(d[jiao]) + "角"
	case yuan > 0: // no 角 between 元 and 分
		out += "零"
	}
	if f > 0 {
		out += string(d[f]) + "分"
	}
	return out
}

// capitalsInt writes n > 0 in capitals by groups of four digits (万, 亿).
func capitalsInt(n int64, d []rune) string {
	units := []string{"", "拾", "佰", "仟"}
	sections := []string{"", "万", "亿", "万亿"}
	var groups []int64
	for n > 0 {
		groups = append(groups, n%10000)
		n /= 10000
	}
	out := ""
	zero := false // a zero is owed before the next digit written
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			zero = out != ""
			continue
		}
		if out != "" && g < 1000 {
			zero = true
		}
		started := false
		for p := 3; p >= 0; p-- {
			v := (g / pow10(p)) % 10
			if v == 0 {
				zero = zero || started
				continue
			}
			if zero {
				out += "零"
				zero = false
			}
			out += string(d[v]) + units[p]
			started = true
		}
		out += sections[i]
		zero = false // a group's trailing zeros are read in its unit
	}
	return out
}

func pow10(p int) int64 {
	r := int64(1)
	for range p {
		r *= 10
	}
	return r
}

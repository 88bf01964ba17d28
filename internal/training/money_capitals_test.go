package training

import "testing"

func TestYuanCapitals(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{
		{0, "零元整"},
		{5, "伍分"},
		{50, "伍角"},
		{1000, "壹拾元整"},
		{150000, "壹仟伍佰元整"},
		{75000, "柒佰伍拾元整"},
		{100500, "壹仟零伍元整"},
		{140950, "壹仟肆佰零玖元伍角"},
		{10005, "壹佰元零伍分"},
		{10055, "壹佰元伍角伍分"},
		{1010000, "壹万零壹佰元整"},
		{10000000, "壹拾万元整"},
		{10000100, "壹拾万零壹元整"},
		{1010500000, "壹仟零壹拾万伍仟元整"},
		{100000000000, "壹拾亿元整"},
		{100000100000, "壹拾亿零壹仟元整"},
		{-150000, "负壹仟伍佰元整"},
	} {
		if got := YuanCapitals(c.fen); got != c.want {
			t.Errorf("YuanCapitals(%d) = %s, want %s", c.fen, got, c.want)
		}
	}
}

package training

import "testing"

func TestImportFit(t *testing.T) {
	for _, c := range []struct {
		cap, enrolled, valid, fit int
		all                       bool
	}{
		{50, 24, 26, 26, true},  // exactly the room left
		{50, 24, 27, 26, false}, // one too many
		{50, 24, 30, 26, false},
		{50, 0, 0, 0, true},
		{50, 50, 1, 0, false}, // full
		{30, 35, 1, 0, false}, // over the cap already (an exception withdrawn)
	} {
		fit, all := ImportFit(c.cap, c.enrolled, c.valid)
		if fit != c.fit || all != c.all {
			t.Errorf("ImportFit(%d, %d, %d) = %d, %v; want %d, %v", c.cap, c.enrolled, c.valid, fit, all, c.fit, c.all)
		}
	}
	if got := RuleImportRoom.Msg(50, 24, 26); got != "第七条：本班上限50人，已有24人，还可导入26人" {
		t.Errorf("room message %q", got)
	}
}

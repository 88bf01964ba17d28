package jobs

import (
	"testing"
	"time"

	"tianmu/internal/repository"
)

func TestSchedules(t *testing.T) {
	sh := repository.Shanghai
	d := DailyAt(1, 30)
	at := func(y, m, dd, hh, mm int) time.Time { return time.Date(y, time.Month(m), dd, hh, mm, 0, 0, sh) }
	for _, tc := range []struct {
		now, next, slot time.Time
	}{
		{at(2026, 11, 29, 18, 0), at(2026, 11, 30, 1, 30), at(2026, 11, 29, 1, 30)},
		{at(2026, 11, 30, 1, 30), at(2026, 12, 1, 1, 30), at(2026, 11, 30, 1, 30)},
		{at(2026, 11, 30, 1, 29), at(2026, 11, 30, 1, 30), at(2026, 11, 30, 1, 30)}, // a minute early still names the due run
		{at(2026, 11, 30, 1, 28), at(2026, 11, 30, 1, 30), at(2026, 11, 29, 1, 30)},
		{at(2026, 12, 31, 23, 0), at(2027, 1, 1, 1, 30), at(2026, 12, 31, 1, 30)},
	} {
		if got := d.Next(tc.now); !got.Equal(tc.next) {
			t.Errorf("daily next after %v: %v, want %v", tc.now, got, tc.next)
		}
		if got := d.Slot(tc.now); !got.Equal(tc.slot) {
			t.Errorf("daily slot of %v: %v, want %v", tc.now, got, tc.slot)
		}
	}
	// A run enqueued at its due time, or a little late, names its own slot;
	// consecutive runs name consecutive slots.
	for _, period := range []time.Duration{2 * time.Second, time.Minute, time.Hour} {
		e := Every(period)
		now := time.Date(2026, 11, 29, 10, 17, 3, 0, time.UTC)
		for i := 0; i < 5; i++ {
			next := e.Next(now)
			if !next.After(now) || next.Sub(now) > period || !next.Equal(next.Truncate(period)) {
				t.Fatalf("%v: next after %v = %v", period, now, next)
			}
			late := next.Add(period / 10)
			if got := e.Slot(late); !got.Equal(next) {
				t.Fatalf("%v: slot of %v = %v, want %v", period, late, got, next)
			}
			now = late
		}
	}
	if DailyAt(1, 30).String() != "每天 01:30" || Every(time.Hour).String() != "每 1 小时" || Every(2*time.Second).String() != "每 2 秒" {
		t.Error("schedule labels")
	}
}

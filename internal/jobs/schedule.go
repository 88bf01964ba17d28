package jobs

import (
	"time"

	"tianmu/internal/repository"
)

// Schedule is when a periodic job runs. Next is River's PeriodicSchedule;
// Slot names the run a moment belongs to, so a run enqueued twice for the
// same slot (a new leader node starting up, a retry) is one job: periodic
// jobs are unique by their slot.
type Schedule interface {
	Next(current time.Time) time.Time
	Slot(t time.Time) time.Time
	String() string
}

// slack is how late the leader may enqueue a run and still name the slot
// that was due, not the one before.
const slack = time.Minute

// Every runs at the multiples of d since the Unix epoch (so every node
// computes the same times): Every(time.Hour) runs on the hour.
func Every(d time.Duration) Schedule { return every{d} }

type every struct{ d time.Duration }

func (e every) Next(t time.Time) time.Time { return t.Truncate(e.d).Add(e.d) }

func (e every) Slot(t time.Time) time.Time {
	sl := min(slack, e.d/2)
	return t.Add(sl).Truncate(e.d)
}

func (e every) String() string { return "每" + durationText(e.d) }

// DailyAt runs every day at hh:mm in Asia/Shanghai.
func DailyAt(hh, mm int) Schedule { return daily{hh, mm} }

type daily struct{ hh, mm int }

func (d daily) at(t time.Time) time.Time {
	t = t.In(repository.Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), d.hh, d.mm, 0, 0, repository.Shanghai)
}

func (d daily) Next(t time.Time) time.Time {
	n := d.at(t)
	if !n.After(t) {
		n = d.at(t.AddDate(0, 0, 1))
	}
	return n
}

func (d daily) Slot(t time.Time) time.Time {
	t = t.Add(slack)
	n := d.at(t)
	if n.After(t) {
		n = d.at(t.AddDate(0, 0, -1))
	}
	return n
}

func (d daily) String() string {
	return "每天 " + two(d.hh) + ":" + two(d.mm)
}

func two(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func durationText(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return " " + itoa(int(d/(24*time.Hour))) + " 天"
	case d%time.Hour == 0:
		return " " + itoa(int(d/time.Hour)) + " 小时"
	case d%time.Minute == 0:
		return " " + itoa(int(d/time.Minute)) + " 分钟"
	}
	return " " + itoa(int(d/time.Second)) + " 秒"
}

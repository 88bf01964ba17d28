package demo

import (
	"context"
	"sync"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// story is the demo's timeline. Every date is relative to the day the data
// is loaded and lies on the working-day calendar, and the loader moves the
// clock of its own store along the timeline, so every record (audit rows,
// versions, agreements, attendance) carries the date on which it happened,
// in order:
//
//	origin    the bureau registers the institutions, designates the
//	          school and creates the accounts
//	old...    the school's archived class (archived.go): it runs, its
//	          results are published, the centre archives it (the ledger
//	          is frozen), the school records the follow-ups at 3 and 6
//	          months
//	base      the bureau designates the other institutions; the
//	          institutions propose teachers
//	pool      the bureau approves the teachers and keeps the catalogue
//	filed     the school files and submits the finished class (well before
//	          FILE-2's deadline, the third working day before its start)
//	approved  the bureau approves it (FILE-3: before the start)
//	enrolled  its trainees are enrolled and sign their agreements
//	start,end the class runs on two working days; attendance is recorded
//	          at the end of each day, and the last one finishes the class
//	present   today (or the last working day before it): the other filings
//
// A year the calendar does not hold counts weekends only, as everywhere.
type story struct {
	mu    sync.Mutex
	clock time.Time
	store *repository.Store // the loader's store, on the story's clock
	cal   training.Calendar
	now   time.Time // the caller's clock when loading began
	today time.Time // its date (UTC midnight, like Store.Today)

	base, pool, filed, approved, enrolled, start, end time.Time

	// The archived class (archived.go), before base.
	origin, oldStart, oldEnd, oldCert, oldArchived, threeMonths, sixMonths time.Time
}

func newStory(ctx context.Context, s *repository.Store) (*story, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	st := &story{cal: cal, now: s.Now(), today: s.Today()}
	st.store = repository.New(s.Pool(), st.time)
	st.end = st.onOrBefore(st.today.AddDate(0, 0, -14))
	st.start = st.before(st.end, 1)
	st.enrolled = st.before(st.start, 5)
	st.approved = st.before(st.start, 7)
	st.filed = st.before(st.start, 10)
	st.pool = st.before(st.start, 25)
	st.base = st.before(st.start, 30)
	st.setArchivedDates()
	return st, nil
}

func (st *story) time() time.Time {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.clock
}

// at moves the clock to hh:mm (Asia/Shanghai) on day.
func (st *story) at(day time.Time, hh, mm int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clock = time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, repository.Shanghai)
}

// present moves the clock to the load time, or, when today is not a
// working day, to the afternoon of the last working day before it.
func (st *story) present() {
	if st.working(st.today) {
		st.mu.Lock()
		st.clock = st.now
		st.mu.Unlock()
		return
	}
	st.at(st.onOrBefore(st.today), 16, 0)
}

func (st *story) working(d time.Time) bool {
	ok, _ := st.cal.IsWorkingDay(d)
	return ok
}

// onOrBefore is the last working day on or before d.
func (st *story) onOrBefore(d time.Time) time.Time {
	for !st.working(d) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// before is the n-th working day before d.
func (st *story) before(d time.Time, n int) time.Time {
	for ; n > 0; n-- {
		d = st.onOrBefore(d.AddDate(0, 0, -1))
	}
	return d
}

package training

import "time"

// Activity is an institution's standing under INST-4 (第十六条) as the
// nightly job records it.
type Activity string

// Activity states. An institution that is fine has no record.
const (
	ActivityOK      Activity = ""
	ActivityWarning Activity = "warning" // will be flagged within a month
	ActivityFlagged Activity = "flagged" // no class started in six months
)

// WarnAheadMonths is how far ahead the bureau is warned that an institution
// will be flagged.
const WarnAheadMonths = 1

// ActivityOf is INST-4 with its month-ahead warning: flagged exactly when
// InactiveFlag holds today, warned when it will hold one month from today.
// since is the date the six months run from: the last class start, or the
// designation date when the institution never started one.
func ActivityOf(status InstitutionStatus, designated, lastClassStart *time.Time, today time.Time) (Activity, *time.Time) {
	since := lastClassStart
	if since == nil {
		since = designated
	}
	switch {
	case InactiveFlag(status, designated, lastClassStart, today):
		return ActivityFlagged, since
	case InactiveFlag(status, designated, lastClassStart, today.AddDate(0, WarnAheadMonths, 0)):
		return ActivityWarning, since
	}
	return ActivityOK, since
}

package training

import (
	"testing"
	"time"
)

func TestActivityOf(t *testing.T) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	d := func(y, m, dd int) *time.Time { t := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC); return &t }
	for _, tc := range []struct {
		name       string
		status     InstitutionStatus
		designated *time.Time
		last       *time.Time
		want       Activity
		since      *time.Time
	}{
		{"designated 7 months ago, never trained", InstDesignated, d(2026, 4, 1), nil, ActivityFlagged, d(2026, 4, 1)},
		{"designated 5 months and a day ago: flagged within a month", InstDesignated, d(2026, 6, 25), nil, ActivityWarning, d(2026, 6, 25)},
		{"designated 5 months ago exactly: flagged in a month and a day", InstDesignated, d(2026, 6, 26), nil, ActivityOK, d(2026, 6, 26)},
		{"designated 3 months ago", InstDesignated, d(2026, 8, 26), nil, ActivityOK, d(2026, 8, 26)},
		{"last class 6 months and a day ago", InstDesignated, d(2020, 1, 1), d(2026, 5, 25), ActivityFlagged, d(2026, 5, 25)},
		{"last class exactly six months ago: warned", InstDesignated, d(2020, 1, 1), d(2026, 5, 26), ActivityWarning, d(2026, 5, 26)},
		{"last class 5 months and 2 days ago: warned", InstDesignated, d(2020, 1, 1), d(2026, 6, 24), ActivityWarning, d(2026, 6, 24)},
		{"last class 4 months ago", InstDesignated, d(2020, 1, 1), d(2026, 7, 26), ActivityOK, d(2026, 7, 26)},
		{"class starting next month", InstDesignated, d(2020, 1, 1), d(2026, 12, 20), ActivityOK, d(2026, 12, 20)},
		{"suspended already", InstSuspended, d(2020, 1, 1), nil, ActivityOK, d(2020, 1, 1)},
		{"pending, never designated", InstPending, nil, nil, ActivityOK, nil},
	} {
		got, since := ActivityOf(tc.status, tc.designated, tc.last, today)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if (since == nil) != (tc.since == nil) || since != nil && !since.Equal(*tc.since) {
			t.Errorf("%s: since %v, want %v", tc.name, since, tc.since)
		}
		// The flag is INST-4 itself.
		if (got == ActivityFlagged) != InactiveFlag(tc.status, tc.designated, tc.last, today) {
			t.Errorf("%s: flag disagrees with InactiveFlag", tc.name)
		}
	}
}

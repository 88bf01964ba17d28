package training

import "time"

// LedgerPage is what the ledger page and its workbook show: the frozen
// snapshot for an archived class (with its seal), else the ledger as the
// records stand.
type LedgerPage struct {
	Ledger Ledger
	Frozen bool
	Seal   LedgerSeal
	Today  time.Time
}

// Tampered reports a frozen ledger whose checksum does not hold (or whose
// snapshot no longer reads).
func (p LedgerPage) Tampered() bool { return p.Frozen && !p.Seal.Intact() }

// LedgerRow is one finished class of the year with what its ledger lacks.
type LedgerRow struct {
	ClassID        int64
	ClassNo        string
	OccupationName string
	Level          Level
	Status         ClassStatus
	Start, End     time.Time
	Frozen         bool
	Facts          LedgerFacts
	Gaps           []LedgerGap
}

// LedgerYear is the list of an institution's ledgers of a year.
type LedgerYear struct {
	InstitutionID   int64
	InstitutionName string
	Year            int
	Rows            []LedgerRow         // one page, in order of the end date
	Total           int                 // the year's classes
	Complete        int                 // the year's classes with nothing missing
	Missing         LedgerMissing       // the year's classes missing each part
	Institutions    []LedgerInstitution // bureau: the institutions to choose from
	Exports         []LedgerExport      // bureau: the recent downloads of this institution and year
}

// LedgerMissing counts a year's classes by what their ledgers miss (a
// class missing two parts counts under both), as LedgerGaps finds it.
type LedgerMissing struct {
	Agreements int // trainees without a recorded agreement
	Attendance int // sessions without attendance
	Exam       int // no assessment applied for
	Results    int // results not collected
	FundUse    int // fund-use report not filed
}

// LedgerInstitution is an institution to choose.
type LedgerInstitution struct {
	ID   int64
	Name string
}

// LedgerExport is one download of an institution's ledgers of a year.
type LedgerExport struct {
	ID              int64
	InstitutionID   int64
	InstitutionName string
	Year            int
	Status          string // queued, running, done, failed
	Total, Done     int
	Bytes           int64
	Error           string
	RequestedBy     string
	RequestedAt     time.Time
	FinishedAt      *time.Time
}

// Percent is the progress for the page's bar.
func (x LedgerExport) Percent() int {
	if x.Total == 0 {
		if x.Status == "done" {
			return 100
		}
		return 0
	}
	return x.Done * 100 / x.Total
}

package training

import "time"

// SessionListRow is one exam session on the sessions list (the bureau's and
// the centre's): when and where, whose class, how many sit it, its state.
type SessionListRow struct {
	ID              int64
	No              string
	ExamDate        time.Time
	Venue           string
	Status          ExamSessionStatus
	Retake          bool
	ClassNo         string
	InstitutionName string
	OccupationName  string
	Level           Level
	EvalOrgName     string
	Candidates      int
}

// SessionListStatuses are the states the list filters by, cancelled last.
var SessionListStatuses = append(append([]ExamSessionStatus(nil), ExamSessionStatuses...), SessCancelled)

package training

import "time"

// Page data of issue 12 (complaints, surveys, employment, a trainee's own
// record), read by the repository and shown by the views.

// PublicComplaint is what the complainant reads on the status page.
type PublicComplaint struct {
	TrackingNo      string
	InstitutionName string
	Status          ComplaintStatus
	ReceivedAt      time.Time
	DueDate         time.Time
	Answer          string
	AnsweredAt      *time.Time
}

// ComplaintPage is one complaint with its history, files and the bureau's
// colleagues to assign to.
type ComplaintPage struct {
	Complaint Complaint
	Today     time.Time
	Bureau    []User // assignable colleagues (bureau only)
}

// ComplaintFilter selects the bureau's queue.
type ComplaintFilter struct {
	Status  ComplaintStatus // "" = all
	Overdue bool
	Mine    bool
}

// SurveyPage is a class's survey page: the slips (its institution and the
// bureau) and the figures when the actor may see them.
type SurveyPage struct {
	Class   ClassRef
	Slips   []SurveySlip
	Stats   SurveyStats
	Visible bool
}

// EmploymentPage is a class's follow-up page at one point (3 or 6 months).
type EmploymentPage struct {
	Class    ClassRef
	Months   int
	Today    time.Time
	Due      *time.Time // first day the point may be recorded
	Open     bool       // the point may be recorded now
	Problems []string   // why not, when not
	Rows     []EmploymentRow
}

// SpotCheckRow is one record offered for a phone check, with the
// trainee's phone (the bureau calls it).
type SpotCheckRow struct {
	EmploymentRecord
	Version         int
	ClassNo         string
	InstitutionName string
	Phone           string
}

// OwnClass is one of the trainee's classes.
type OwnClass struct {
	ClassNo         string
	InstitutionID   int64
	InstitutionName string
	OccupationName  string
	Level           Level
	Type            ClassType
	Status          ClassStatus
	Start, End      *time.Time
	Withdrawn       bool
	Sessions        int // sessions recorded
	Attended        int
	SurveyCode      string
	Surveyed        bool
	SubsidyPaid     int64 // fen paid to the institution for this enrolment (a paid claim's live line); 0 none
}

// AttendancePercent is sessions attended over sessions recorded.
func (c OwnClass) AttendancePercent() int { return Percent(c.Attended, c.Sessions) }

// OwnRecord is the trainee's page.
type OwnRecord struct {
	Name         string // masked
	Classes      []OwnClass
	Results      []PublicResult
	Certificates []IssuedCertificate
}

package training

import "time"

// Pages of inspections and sanctions (SUP-4), read by the repository in
// one round trip each.

// InspectionPage is everything the inspection page shows.
type InspectionPage struct {
	Inspection Inspection
	Results    []InspectionResult
	Findings   []Finding
	Orders     map[int64]RectificationOrder // by finding
	Files      []EvidenceFile
}

// InspectionFormData is what the new-inspection form offers: the active
// checklist, the institution and its classes in progress or recent.
type InspectionFormData struct {
	Items       []ChecklistItem
	Institution Institution
	Classes     []ClassChoice
}

// ClassChoice is a class offered in a select.
type ClassChoice struct {
	ID      int64
	ClassNo string
	Label   string
}

// SanctionPage is what the institution's supervision page shows: its
// sanctions with the findings they rest on, its findings and orders, its
// INST-4 state, and (bureau) whether a lift is possible.
type SanctionPage struct {
	Institution   Institution
	Sanctions     []Sanction
	Findings      []Finding
	Orders        []RectificationOrder
	Inspections   []Inspection
	Activity      Activity
	ActivitySince *time.Time
	AcceptedOrder int64
	Today         time.Time
	// RecoveryLines are the institution's subsidy lines marked 追缴 and
	// linked to no sanction yet (the revocation form offers them).
	RecoveryLines []RecoveryLine
	// Stoppable are its approved classes while it is suspended or revoked
	// (INST-3); Stops the classes the bureau stopped.
	Stoppable []StoppableClass
	Stops     []ClassStop
}

// RecoveryLine is a subsidy claim line marked for recovery (追缴), as a
// revocation links it: the claim, the (masked) person, the line's amount
// and what is to be recovered, with the reason.
type RecoveryLine struct {
	ID          int64
	ClaimID     int64
	ClaimNo     string
	Name        string // masked
	AmountFen   int64
	RecoveryFen int64
	Reason      string
}

// SupervisionOverview is the bureau's supervision page: open orders
// (overdue first), INST-4 cases, and the latest inspections and sanctions.
type SupervisionOverview struct {
	Orders      []RectificationOrder
	Cases       []ActivityCase
	Inspections []Inspection
	Sanctions   []Sanction
}

// ActivityCase is an institution under INST-4: warned a month ahead or
// flagged, with the last sanction recorded on that ground.
type ActivityCase struct {
	InstitutionID int64
	Name          string
	Status        InstitutionStatus
	State         Activity
	Since         time.Time
	Decided       string // the last INST-4 sanction, "" when none
}

// SupervisionNotices is what the home pages show of supervision.
type SupervisionNotices struct {
	Overdue, Answered int                  // bureau: open orders past their deadline, answers to check
	Orders            []RectificationOrder // institution: its open and answered orders
	Activity          Activity             // institution: its INST-4 state
}

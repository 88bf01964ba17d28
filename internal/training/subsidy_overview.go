package training

// The bureau's subsidy overview (issue 11): what was paid in a year, by
// month of payment, institution, occupation and level. A line counts when
// it is live on a claim whose payment succeeded in the year; recoveries
// (追缴, SUB-5) are shown beside the amounts, not subtracted.

// SubsidyTotal is one group of paid lines.
type SubsidyTotal struct {
	Key       int64 // month 1–12, institution id, occupation id or level
	Label     string
	Lines     int
	Amount    int64 // fen
	Recovered int64 // fen marked for recovery
}

// SubsidyOverview is a year's paid subsidies in four cuts.
type SubsidyOverview struct {
	Year         int
	Total        SubsidyTotal
	Months       [12]SubsidyTotal
	Institutions []SubsidyTotal // by amount, largest first
	Occupations  []SubsidyTotal // by amount, largest first
	Levels       []SubsidyTotal // by level, 五级 first
}

package training

import "time"

// EarlierClass is a class named in a list: the filing form offers the
// institution's earlier classes to copy a plan from.
type EarlierClass struct {
	ID             int64
	ClassNo        string
	OccupationName string
	Level          Level
	StartDate      time.Time
	Status         ClassStatus
}

// Label is the class as the list shows it.
func (c EarlierClass) Label() string {
	s := c.ClassNo + " " + c.OccupationName
	if c.Level.Valid() {
		s += " " + c.Level.Short()
	}
	if !c.StartDate.IsZero() {
		s += "（" + c.StartDate.Format("2006-01-02") + "开班）"
	}
	return s
}

package training

import "time"

// InboxMessage is a notice as its recipient reads it: what happened to
// their work (a filing approved, results published), and where to see it.
type InboxMessage struct {
	ID     int64
	At     time.Time
	Kind   string
	Title  string
	Body   string
	Href   string
	ReadAt *time.Time
}

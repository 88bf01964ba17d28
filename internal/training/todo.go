package training

import "time"

// TodoKind names one kind of to-do item of a home page (a filing to
// review, a session to score, ...). The repository's todo registry lists
// them with the query that finds them.
type TodoKind string

// TodoLine is one piece of work: what it is, where it is done, and the
// date it is due by or started (zero when none).
type TodoLine struct {
	Title string
	Href  string
	Due   time.Time
	Note  string // a reason, a warning; "" when none
}

// TodoItem is one kind of work waiting for the user: how many, and the
// oldest or most urgent few first.
type TodoItem struct {
	Kind  TodoKind
	Label string // 中文: 待审核的办班备案
	Href  string // the list where all of them are
	Nav   string // the navigation entry whose count it adds to; "" none
	Due   string // what Due means on this item: 开班日期, 截止日期, 考试日期
	Count int
	Lines []TodoLine
}

// TodoList is a home page's to-do list, in the registry's order; kinds
// with nothing waiting are left out.
type TodoList struct {
	Items []TodoItem
}

// Total is the number of pieces of work waiting.
func (l TodoList) Total() int {
	n := 0
	for _, it := range l.Items {
		n += it.Count
	}
	return n
}

// NavCounts adds up the items by navigation entry, and under "home"
// all of them (repository.NavCounts counts the same on other pages).
func (l TodoList) NavCounts() map[string]int {
	m := map[string]int{}
	for _, it := range l.Items {
		if it.Nav != "" {
			m[it.Nav] += it.Count
		}
		if it.Count > 0 {
			m["home"] += it.Count
		}
	}
	return m
}

// Count is how many of kind wait (0 when none).
func (l TodoList) Count(kind TodoKind) int {
	for _, it := range l.Items {
		if it.Kind == kind {
			return it.Count
		}
	}
	return 0
}

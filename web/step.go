package web

import (
	"sort"
	"strings"
)

// MsgStepConflict is said beside a step's button when the record changed
// between showing the page and pressing the button (a stale version): the
// page is shown again as it is now.
const MsgStepConflict = "该记录已被他人修改或状态已变化，您的操作未办理。本页已显示最新情况，请核对后重试。"

// StepForm is a workflow step as typed (reason, numbers) and, after a
// refusal, its messages. Action names the step (a page's forms are matched
// by it: "approve", or "open-12" for one row's button).
type StepForm struct {
	Action   string
	Reason   string
	Size     string
	Approved string
	Errors
}

// For is the form of action on a page whose submitted step is f: f itself
// when it is action's, else a blank one.
func (f StepForm) For(action string) StepForm {
	if f.Action == action {
		return f
	}
	return StepForm{Action: action}
}

// Refused reports whether action is the step just refused: its form stays on
// the page with the message beside its button, even when the record's new
// state no longer offers the step (pressing it again says why).
func (f StepForm) Refused(action string) bool { return f.Action == action && f.Any() }

// Step is one workflow step's form (ConfirmButton): a POST with the CSRF
// token and the record's version, an optional reason, the button, and after
// a refusal the message right beside the button.
type Step struct {
	URL     string
	CSRF    string
	Version int    // the record's version, sent back (0: none)
	Label   string // the button
	Class   string // the button's class: "primary", "danger" or ""
	TestID  string // the button's data-testid
	Aria    string // the button's aria-label, when its text alone is ambiguous (one per row)
	FormID  string // the form's data-testid ("" for none)
	Confirm string // said before the button: what pressing it does for good
	Card    bool   // a form of its own (a card) rather than inline
	Reason  Reason // the reason asked for (Name "" for none)
	Shown   []string
	Form    StepForm // as typed, with the refusal's messages
}

// Reason is a step's free-text field.
type Reason struct {
	Label    string
	Name     string // the form field
	Key      string // the message key, when it is not Name
	Required bool
	Line     bool // a one-line input beside the button (a short note)
}

// NewStep is the form of action posting to url for a record at version,
// carrying what page's refused step f typed when it is action's.
func NewStep(url, csrf string, version int, f StepForm, action string) Step {
	return Step{URL: url, CSRF: csrf, Version: version, Form: f.For(action)}
}

// Button names the button, its class and test id.
func (s Step) Button(label, class, testid string) Step {
	s.Label, s.Class, s.TestID = label, class, testid
	return s
}

// Labelled names the button for screen readers (a row's button whose text
// is the same on every row).
func (s Step) Labelled(label string) Step {
	s.Aria = label
	return s
}

// Asking adds the reason field: label, form field, required.
func (s Step) Asking(label, name string, required bool) Step {
	s.Reason = Reason{Label: label, Name: name, Required: required}
	s.Card = true
	return s
}

// Noting adds a one-line reason beside the button (labelled by label).
func (s Step) Noting(label, name string, required bool) Step {
	s.Reason = Reason{Label: label, Name: name, Required: required, Line: true}
	return s
}

// Keyed names the message key of the reason when it is not its field name.
func (s Step) Keyed(key string) Step {
	s.Reason.Key = key
	return s
}

// Confirming says text before the button.
func (s Step) Confirming(text string) Step {
	s.Confirm = text
	return s
}

// Tested names the form's data-testid.
func (s Step) Tested(formID string) Step {
	s.FormID = formID
	return s
}

// Fields names the message keys the form's own inputs show beside
// themselves (ConfirmButton's children): they are not repeated by the button.
func (s Step) Fields(keys ...string) Step {
	s.Shown = keys
	return s
}

// Carded makes the step a form of its own (stacked) rather than inline.
func (s Step) Carded() Step {
	s.Card = true
	return s
}

func (s Step) formClass() string {
	if s.Card {
		return "stack step"
	}
	return "inline step"
}

func (s Step) reasonKey() string {
	if s.Reason.Key != "" {
		return s.Reason.Key
	}
	return s.Reason.Name
}

// Messages are the refusal's messages said beside the button: the general
// ones and those of fields the form does not show beside an input.
func (s Step) Messages() []string {
	out := append([]string(nil), s.Form.General...)
	keys := make([]string, 0, len(s.Form.Fields))
	for k := range s.Form.Fields {
		if (s.Reason.Name == "" || k != s.reasonKey()) && !contains(s.Shown, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, s.Form.Fields[k])
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ids are the element ids of the step's hint and message, from its URL.
func (s Step) id(kind string) string {
	var b strings.Builder
	b.WriteString(kind)
	for _, r := range s.URL {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// describedBy is the button's aria-describedby: the hint and the message.
// scope keeps the ids of the step's own fields apart from another step's
// on the same page (its URL, as id does).
func (s Step) scope() string { return strings.TrimPrefix(s.id(""), "-") }

func (s Step) describedBy() string {
	var ids []string
	if s.Confirm != "" {
		ids = append(ids, s.id("hint"))
	}
	if len(s.Messages()) > 0 {
		ids = append(ids, s.id("err"))
	}
	return strings.Join(ids, " ")
}

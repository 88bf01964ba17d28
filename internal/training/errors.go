// Package training is the domain of Tianmu: the types, statuses, state
// machines and the rules of 临人社发〔2020〕105号 as pure functions. It depends
// on the standard library only.
package training

import (
	"errors"
	"sort"
	"strings"
)

// Sentinel errors that every layer maps the same way (see server.fail).
var (
	// ErrNotFound: the object does not exist or the actor may not see it.
	// The two cases are deliberately indistinguishable.
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the actor may see the object but not do this to it.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict: someone else changed the object first, or the step is no
	// longer possible from its current state.
	ErrConflict = errors.New("conflict")
	// ErrUnavailable: the database could not be reached in time.
	ErrUnavailable = errors.New("unavailable")
)

// ValidationError carries the messages a user sees beside form fields.
// Field keys are the form's field names; General holds messages that belong
// to the form as a whole (typically a rule with its article).
type ValidationError struct {
	Fields  map[string]string
	General []string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys)+len(e.General))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	parts = append(parts, e.General...)
	return "invalid: " + strings.Join(parts, "; ")
}

// Problems collects validation messages; Err returns nil when there are none.
type Problems struct {
	fields  map[string]string
	general []string
}

// Add records a message for field, keeping the first message per field.
func (p *Problems) Add(field, msg string) {
	if p.fields == nil {
		p.fields = map[string]string{}
	}
	if _, ok := p.fields[field]; !ok {
		p.fields[field] = msg
	}
}

// AddGeneral records a message for the form as a whole.
func (p *Problems) AddGeneral(msg string) { p.general = append(p.general, msg) }

// Has reports whether field already has a message.
func (p *Problems) Has(field string) bool { _, ok := p.fields[field]; return ok }

// Err returns the collected problems as a *ValidationError, or nil.
func (p *Problems) Err() error {
	if len(p.fields) == 0 && len(p.general) == 0 {
		return nil
	}
	return &ValidationError{Fields: p.fields, General: p.general}
}

// Invalid is a shorthand for a single-field validation error.
func Invalid(field, msg string) error {
	return &ValidationError{Fields: map[string]string{field: msg}}
}

// InvalidGeneral is a shorthand for a form-level validation error.
func InvalidGeneral(msg string) error {
	return &ValidationError{General: []string{msg}}
}

// AsValidation unwraps a *ValidationError.
func AsValidation(err error) (*ValidationError, bool) {
	var v *ValidationError
	if errors.As(err, &v) {
		return v, true
	}
	return nil, false
}

package web

import "sort"

// Errors holds the messages of a submitted form: per field and general.
type Errors struct {
	Fields  map[string]string
	General []string
}

// Err is the message for field, or "".
func (e Errors) Err(field string) string { return e.Fields[field] }

// Any reports whether there is any message.
func (e Errors) Any() bool { return len(e.Fields) > 0 || len(e.General) > 0 }

// AsGeneral is every message as a general one (the fields' in field
// order): for a refused step whose form is not on the page, so that no
// message is lost with its field.
func (e Errors) AsGeneral() Errors {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := Errors{General: append([]string(nil), e.General...)}
	for _, k := range keys {
		out.General = append(out.General, e.Fields[k])
	}
	return out
}

// Set records a message for field.
func (e *Errors) Set(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// Option is one choice of a select.
type Option struct {
	Value string
	Label string
}

// fieldID is the element id of a form field's kind ("f" the input, "e" its
// message): kind-name, or kind-scope-name on a page showing the form once
// per scope.
func fieldID(kind, scope, name string) string {
	if scope == "" {
		return kind + "-" + name
	}
	return kind + "-" + scope + "-" + name
}

package web

import (
	"time"

	"tianmu/internal/training"
)

// ComplaintForm is the public complaint form as typed.
type ComplaintForm struct {
	InstitutionID string
	ClassNo       string
	Body          string
	Phone         string
	Name          string
	Anonymous     bool
	Errors
}

// Input is the form as the rules read it.
func (f ComplaintForm) Input() training.ComplaintInput {
	return training.ComplaintInput{InstitutionID: f.InstitutionID, ClassNo: f.ClassNo, Body: f.Body, Phone: f.Phone, Name: f.Name,
		Anonymous: f.Anonymous}
}

// ComplaintStatusForm is the status lookup as typed.
type ComplaintStatusForm struct {
	TrackingNo string
	Phone      string
	Errors
}

// ComplaintForms carries a refused step's text and messages back to the
// complaint page.
type ComplaintForms struct {
	Action training.ComplaintAction
	Text   string
	Errors
}

// For is the text typed for action (kept after a refusal).
func (f ComplaintForms) For(a training.ComplaintAction) string {
	if f.Action == a {
		return f.Text
	}
	return ""
}

// ErrFor is the message of field for action.
func (f ComplaintForms) ErrFor(a training.ComplaintAction, field string) string {
	if f.Action == a {
		return f.Err(field)
	}
	return ""
}

// ComplaintNewPage is the public complaint form.
type ComplaintNewPage struct {
	Layout
	Form         ComplaintForm
	Institutions []training.Institution
}

// InstitutionOptions are the form's institution choices.
func (p ComplaintNewPage) InstitutionOptions() []Option {
	opts := []Option{{Value: "", Label: "请选择培训机构"}}
	for _, in := range p.Institutions {
		opts = append(opts, Option{Value: I64(in.ID), Label: in.Name})
	}
	return opts
}

// ComplaintFiledPage shows the tracking number after filing.
type ComplaintFiledPage struct {
	Layout
	TrackingNo string
}

// ComplaintStatusPage is the public status lookup.
type ComplaintStatusPage struct {
	Layout
	Form  ComplaintStatusForm
	Done  bool
	Found bool
	C     training.PublicComplaint
}

// ComplaintListPage is the bureau's queue or the institution's list.
type ComplaintListPage struct {
	Layout
	Rows   []training.Complaint
	Filter training.ComplaintFilter
	Today  time.Time
	List   List
}

// ComplaintShowPage is one complaint.
type ComplaintShowPage struct {
	Layout
	P        training.ComplaintPage
	Forms    ComplaintForms
	Revealed bool
}

// Actor is the signed-in user as the rules see them.
func (l Layout) Actor() training.Actor {
	if l.User == nil {
		return training.Actor{}
	}
	return l.User.Actor()
}

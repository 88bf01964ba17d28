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
	Forms    StepForm // the refused step (a ComplaintAction), its text as Reason
	Revealed bool
}

// step is the form of action a on the complaint.
func (p ComplaintShowPage) step(a training.ComplaintAction) Step {
	c := p.P.Complaint
	return NewStep("/complaints/"+I64(c.ID)+"/"+string(a), p.CSRF, c.Version, p.Forms, string(a))
}

// offers reports whether the page shows a's form: the viewer may take it,
// or it was just refused.
func (p ComplaintShowPage) offers(a training.ComplaintAction) bool {
	return training.CanComplaintStep(p.Actor(), p.P.Complaint, a) || p.Forms.Refused(string(a))
}

// Actor is the signed-in user as the rules see them.
func (l Layout) Actor() training.Actor {
	if l.User == nil {
		return training.Actor{}
	}
	return l.User.Actor()
}

// SurveyForm is the public survey as typed.
type SurveyForm struct {
	Code                                   string
	Overall, Teaching, Venue, Organisation string
	Comment                                string
	Errors
}

// Input is the form as the rules read it.
func (f SurveyForm) Input() training.SurveyInput {
	return training.SurveyInput{Code: f.Code, Overall: f.Overall, Teaching: f.Teaching, Venue: f.Venue, Organisation: f.Organisation,
		Comment: f.Comment}
}

// Score is the typed score of a question field.
func (f SurveyForm) Score(field string) string {
	switch field {
	case "overall":
		return f.Overall
	case "teaching":
		return f.Teaching
	case "venue":
		return f.Venue
	case "organisation":
		return f.Organisation
	}
	return ""
}

// SurveyPage is the public survey.
type SurveyPage struct {
	Layout
	Form     SurveyForm
	Found    bool
	Answered bool
	Target   training.SurveyTarget
}

// SurveyThanksPage thanks for an answer.
type SurveyThanksPage struct{ Layout }

// ClassSurveyPage is a class's survey page and its printed slips.
type ClassSurveyPage struct {
	Layout
	P       training.SurveyPage
	BaseURL string
	Step    StepForm // the refused "codes" step, with its message
}

// SurveyURL is the address a slip's QR code opens.
func (p ClassSurveyPage) SurveyURL(code string) string { return p.BaseURL + "/survey?code=" + code }

// SurveyReportPage is the bureau's satisfaction report.
type SurveyReportPage struct {
	Layout
	Rows []training.SurveyStats
	By   string
	Year string
	List List
}

// EmploymentForm is one follow-up record as typed.
type EmploymentForm struct {
	EnrolmentID, Employed, SelfEmployed, Employer, StartDate string
	Errors
}

// EmploymentForms are the forms of the follow-up page.
type EmploymentForms struct {
	One    EmploymentForm
	Import Errors
	Report []training.EmploymentImportRow
}

// EmploymentPageView is a class's follow-up page.
type EmploymentPageView struct {
	Layout
	P     training.EmploymentPage
	Forms EmploymentForms
}

// EmploymentReportPage is the bureau's employment report.
type EmploymentReportPage struct {
	Layout
	Rows   []training.EmploymentStats
	By     string
	Months int
	Year   string
	List   List
}

// CheckForm is a phone check as typed.
type CheckForm struct {
	RecordID     int64
	Result, Note string
	Errors
}

// ChecksPage is the bureau's spot-check page.
type ChecksPage struct {
	Layout
	Recent []training.SpotCheckRow
	Sample []training.SpotCheckRow
	Form   CheckForm
}

// OwnRecordForm is the trainee's lookup as typed.
type OwnRecordForm struct {
	Code, IDNumber string
	Errors
}

// OwnRecordPage is a trainee's own record.
type OwnRecordPage struct {
	Layout
	Form    OwnRecordForm
	Done    bool
	Found   bool
	Rec     training.OwnRecord
	BaseURL string
}

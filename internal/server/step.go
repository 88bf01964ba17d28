package server

import (
	"errors"
	"net/http"

	"tianmu/internal/training"
	"tianmu/web"
)

// refusal puts the messages of a refused step on e and says the status the
// page answers with: a rule's refusal (its message cites the article) 422;
// a stale version or a state changed meanwhile 409. ok false: err is not a
// refusal (not found, forbidden, a fault) and the error page answers.
func refusal(err error, e *web.Errors) (status int, ok bool) {
	if errors.Is(err, training.ErrConflict) {
		e.General = append(e.General, web.MsgStepConflict)
		return http.StatusConflict, true
	}
	if mergeErrors(err, e) {
		return http.StatusUnprocessableEntity, true
	}
	return 0, false
}

// stepPage shows a record's page with the step form f as typed, refused.
type stepPage func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm)

// stepDone ends a one-button workflow step. Done (err nil): done is flashed
// and the browser goes to the record's page to. Refused: the page it came
// from again (show, with the record as it is now), the message beside the
// button of f.Action and what was typed kept, 422 or 409. Anything else:
// the error page.
func (s *Server) stepDone(w http.ResponseWriter, r *http.Request, err error, f web.StepForm, done, to string, show stepPage) {
	if err == nil {
		s.flash(r, done)
		redirect(w, r, to)
		return
	}
	status, ok := refusal(err, &f.Errors)
	if !ok {
		s.fail(w, r, err)
		return
	}
	show(w, r, status, f)
}

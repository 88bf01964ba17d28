package server

import (
	"errors"
	"net/http"
	"strings"

	"tianmu/internal/training"
	"tianmu/web"
)

// A trainee's own record (issue 12): code + ID number, no sign-in,
// rate-limited like the result lookup.

func (s *Server) ownRecordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.OwnRecordView(web.OwnRecordPage{Layout: s.layoutNoFlash(r, "我的培训记录"), BaseURL: s.cfg.BaseURL}))
}

func (s *Server) ownRecord(w http.ResponseWriter, r *http.Request) {
	f := web.OwnRecordForm{Code: strings.TrimSpace(r.PostFormValue("code")), IDNumber: training.NormalizeIDNumber(r.PostFormValue("id_number"))}
	if f.Code == "" {
		f.Set("code", "请填写培训协议编号或评价码")
	}
	if f.IDNumber == "" {
		f.Set("id_number", "请填写身份证号码")
	}
	p := web.OwnRecordPage{Layout: s.layoutNoFlash(r, "我的培训记录"), Form: f, BaseURL: s.cfg.BaseURL}
	if f.Any() {
		s.render(w, r, http.StatusUnprocessableEntity, web.OwnRecordView(p))
		return
	}
	if !s.allowLookup(w, r) {
		return
	}
	rec, err := s.store.TraineeOwnRecord(r.Context(), f.Code, f.IDNumber)
	if err != nil && !errors.Is(err, training.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	p.Done, p.Found, p.Rec = true, err == nil, rec
	s.render(w, r, http.StatusOK, web.OwnRecordView(p))
}

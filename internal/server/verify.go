package server

import (
	"errors"
	"net/http"
	"strings"

	"tianmu/internal/training"
	"tianmu/web"
)

// Public pages, no sign-in (第十一条): the result lookup by name and ID
// number and certificate verification. Each lookup is counted against the
// client address, so the pages cannot be used to enumerate people.

// allowLookup counts one lookup; past the limit it answers 429.
func (s *Server) allowLookup(w http.ResponseWriter, r *http.Request) bool {
	ok, err := s.store.ReservePublicLookup(r.Context(), s.clientAddr(r), s.publicLimits)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	if !ok {
		s.errorPage(w, r, http.StatusTooManyRequests, "查询过于频繁", "您的查询次数过多，请15分钟后再试。")
		return false
	}
	return true
}

func (s *Server) resultLookupForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.ResultLookupView(web.ResultLookupPage{Layout: s.layout(r, "成绩查询", "results")}))
}

func (s *Server) resultLookup(w http.ResponseWriter, r *http.Request) {
	f := web.LookupForm{Name: strings.TrimSpace(r.PostFormValue("name")), IDNumber: training.NormalizeIDNumber(r.PostFormValue("id_number"))}
	if f.Name == "" {
		f.Set("name", "请填写姓名")
	}
	if f.IDNumber == "" {
		f.Set("id_number", "请填写身份证号码")
	}
	p := web.ResultLookupPage{Layout: s.layout(r, "成绩查询", "results"), Form: f}
	if f.Any() {
		s.render(w, r, http.StatusUnprocessableEntity, web.ResultLookupView(p))
		return
	}
	if !s.allowLookup(w, r) {
		return
	}
	res, err := s.store.PublicResults(r.Context(), f.Name, f.IDNumber)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Done, p.Results = true, res
	s.render(w, r, http.StatusOK, web.ResultLookupView(p))
}

func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.VerifyView(web.VerifyPage{Layout: s.layout(r, "证书查验", "verify")}))
}

func (s *Server) verifyByNo(w http.ResponseWriter, r *http.Request) {
	f := web.VerifyForm{CertNo: strings.TrimSpace(r.PostFormValue("cert_no")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	if f.CertNo == "" {
		f.Set("cert_no", "请填写证书编号")
	}
	if f.Name == "" {
		f.Set("name", "请填写持证人姓名")
	}
	p := web.VerifyPage{Layout: s.layout(r, "证书查验", "verify"), Form: f}
	if f.Any() {
		s.render(w, r, http.StatusUnprocessableEntity, web.VerifyView(p))
		return
	}
	if !s.allowLookup(w, r) {
		return
	}
	c, err := s.store.CertificateByNo(r.Context(), f.CertNo, f.Name)
	if err != nil && !errors.Is(err, training.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	p.Done, p.Found, p.Cert = true, err == nil, c
	s.render(w, r, http.StatusOK, web.VerifyView(p))
}

// verifyCode is the page the certificate's QR code opens. An unknown code
// answers 404 with the same page.
func (s *Server) verifyCode(w http.ResponseWriter, r *http.Request) {
	if !s.allowLookup(w, r) {
		return
	}
	c, err := s.store.CertificateByCode(r.Context(), r.PathValue("code"))
	if err != nil && !errors.Is(err, training.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusNotFound
	}
	s.render(w, r, status, web.VerifyView(web.VerifyPage{Layout: s.layout(r, "证书查验", "verify"), Done: true, Found: err == nil, Cert: c, ByCode: true}))
}

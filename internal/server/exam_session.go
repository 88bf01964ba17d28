package server

import (
	"bytes"
	"net/http"
	"strconv"

	"tianmu/internal/training"
	"tianmu/web"
)

// Exam sessions: scheduling, admission list, ID check, score entry,
// approval, publication, certificates and amendments (第九条 to 第十一条).

func sessionURL(id int64) string { return "/exam-sessions/" + strconv.FormatInt(id, 10) }

func (s *Server) sessionFormPage(w http.ResponseWriter, r *http.Request, status int, appID int64, form web.SessionForm) {
	ap, choices, pool, err := s.store.SessionFormData(r.Context(), actor(r), appID, form.Retake)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if form.Chosen == nil {
		form.Chosen = map[int64]bool{}
	}
	s.render(w, r, status, web.SessionFormView(web.SessionFormPage{Layout: s.layout(r, "安排考试", "assessments"), App: ap, Choices: choices,
		Pool: pool, Form: form}))
}

func (s *Server) sessionNew(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	s.sessionFormPage(w, r, http.StatusOK, id, web.SessionForm{Retake: r.URL.Query().Get("retake") == "1",
		TheoryTime: "09:00-10:30", PracticalTime: "13:30-16:30"})
}

func (s *Server) sessionCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form, in := parseSessionForm(r)
	if form.Retake {
		in.EnrolmentIDs = formIDs(r, "candidate")
		for _, eid := range in.EnrolmentIDs {
			form.Chosen[eid] = true
		}
	}
	sid, err := s.store.ScheduleSession(r.Context(), actor(r), id, in)
	if err == nil {
		s.flash(r, "考试已安排，考号已生成。")
		redirect(w, r, sessionURL(sid))
		return
	}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.sessionFormPage(w, r, http.StatusUnprocessableEntity, id, form)
}

// loadSession reads {id} and loads the session the actor may see.
func (s *Server) loadSession(w http.ResponseWriter, r *http.Request) (web.SessionShowPage, bool) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return web.SessionShowPage{}, false
	}
	a := actor(r)
	x, err := s.store.SessionByID(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return web.SessionShowPage{}, false
	}
	today := s.store.Today()
	return web.SessionShowPage{S: x, Centre: a.IsCentre(), Visible: training.ResultsVisible(a, x.Status),
		CanChange: training.CanChangeSession(a, x.Status, x.ExamDate, today), DayOpen: training.ExamDayOpen(x.ExamDate, today),
		CheckOpen: training.CanTakeScores(x.Status)}, true
}

func (s *Server) sessionShow(w http.ResponseWriter, r *http.Request) {
	s.renderSession(w, r, http.StatusOK, web.StepForm{})
}

// renderSession is the session's page, with the step f refused.
func (s *Server) renderSession(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return
	}
	ams, err := s.store.Amendments(r.Context(), actor(r), p.S.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, am := range ams {
		p.Amendments = append(p.Amendments, web.AmendmentView{ID: am.ID, CandidateNo: am.CandidateNo, Name: am.Name, Before: am.Before,
			After: am.After, Reason: am.Reason, By: am.By, At: am.At, Status: am.Status, DecidedBy: am.DecidedBy, DecidedAt: am.DecidedAt,
			Facts: am.Facts})
	}
	p.Layout, p.Step = s.layout(r, "考试场次 "+p.S.No, "assessments"), f
	s.render(w, r, status, web.SessionShowView(p))
}

func (s *Server) sessionAdmission(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadSession(w, r); ok {
		p.Layout = s.layout(r, "准考名单 "+p.S.No, "assessments")
		s.render(w, r, http.StatusOK, web.AdmissionView(p))
	}
}

func (s *Server) sessionCheckPage(w http.ResponseWriter, r *http.Request) {
	s.renderCheck(w, r, http.StatusOK, web.StepForm{})
}

// renderCheck is the session's ID check page, with the step f (check-<entry>
// or reveal-<entry>) refused beside its button.
func (s *Server) renderCheck(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
	if p, ok := s.loadSession(w, r); ok {
		p.Layout, p.Step = s.layout(r, "核对身份 "+p.S.No, "assessments"), f
		s.render(w, r, status, web.CheckView(p))
	}
}

func (s *Server) entryCheck(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.pathIDs(w, r, "id", "eid")
	if !ok {
		return
	}
	err := s.store.CheckCandidate(r.Context(), actor(r), id, eid)
	s.stepDone(w, r, err, web.StepForm{Action: "check-" + strconv.FormatInt(eid, 10)}, "已记录身份核对。", sessionURL(id)+"/check", s.renderCheck)
}

func scoreFormOf(x training.ExamSession) web.ScoreForm {
	f := web.ScoreForm{Theory: map[int64]string{}, TheoryAbsent: map[int64]bool{}, Practical: map[int64]string{}, PracticalAbsent: map[int64]bool{},
		Version: strconv.Itoa(x.Version)}
	for _, e := range x.Entries {
		if e.Theory.Score != nil {
			f.Theory[e.ID] = strconv.Itoa(*e.Theory.Score)
		}
		if e.Practical.Score != nil {
			f.Practical[e.ID] = strconv.Itoa(*e.Practical.Score)
		}
		f.TheoryAbsent[e.ID], f.PracticalAbsent[e.ID] = e.Theory.Absent, e.Practical.Absent
	}
	return f
}

func (s *Server) scoresPage(w http.ResponseWriter, r *http.Request, status int, x training.ExamSession, form web.ScoreForm) {
	s.renderScores(w, r, status, x, form, web.ScoreImportView{})
}

func (s *Server) renderScores(w http.ResponseWriter, r *http.Request, status int, x training.ExamSession, form web.ScoreForm, imp web.ScoreImportView) {
	_, msg := training.NextSessionStatus(x.Status, training.ActSessScore, false)
	s.render(w, r, status, web.ScoresView(web.ScoresPage{Layout: s.layout(r, "录入成绩 "+x.No, "assessments"), S: x, Form: form, Editable: msg == "",
		DayOpen: training.ExamDayOpen(x.ExamDate, s.store.Today()), Import: imp}))
}

func (s *Server) scoresForm(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadSession(w, r); ok {
		s.scoresPage(w, r, http.StatusOK, p.S, scoreFormOf(p.S))
	}
}

// scoresSave takes the whole session's scores in one request and saves them
// in one transaction.
func (s *Server) scoresSave(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return
	}
	form := web.ScoreForm{Theory: map[int64]string{}, TheoryAbsent: map[int64]bool{}, Practical: map[int64]string{}, PracticalAbsent: map[int64]bool{},
		Version: r.PostFormValue("version")}
	var rows []training.ScoreRow
	for _, e := range p.S.Entries {
		k := strconv.FormatInt(e.ID, 10)
		form.Theory[e.ID], form.Practical[e.ID] = r.PostFormValue("theory_"+k), r.PostFormValue("practical_"+k)
		form.TheoryAbsent[e.ID], form.PracticalAbsent[e.ID] = r.PostFormValue("theory_absent_"+k) == "1", r.PostFormValue("practical_absent_"+k) == "1"
		row := training.ScoreRow{EntryID: e.ID}
		var msg string
		if row.Theory, msg = training.ParseScore(form.Theory[e.ID], form.TheoryAbsent[e.ID]); msg != "" {
			form.Set("theory_"+k, msg)
		}
		if row.Practical, msg = training.ParseScore(form.Practical[e.ID], form.PracticalAbsent[e.ID]); msg != "" {
			form.Set("practical_"+k, msg)
		}
		rows = append(rows, row)
	}
	if form.Any() {
		form.General = append(form.General, "有成绩格式不正确，全部成绩均未保存")
		s.scoresPage(w, r, http.StatusUnprocessableEntity, p.S, form)
		return
	}
	v, _ := strconv.Atoi(form.Version)
	n, err := s.store.EnterScores(r.Context(), actor(r), p.S.ID, v, rows)
	if err == nil {
		if n == 0 {
			s.flash(r, training.MsgNoScoreChange+"，没有保存。")
		} else {
			s.flash(r, "成绩已保存（"+strconv.Itoa(n)+"名考生的成绩有变化）。")
		}
		redirect(w, r, sessionURL(p.S.ID))
		return
	}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.scoresPage(w, r, http.StatusUnprocessableEntity, p.S, form)
}

// sessionStep is approve (four eyes) or publish.
func (s *Server) sessionStep(publish bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		if publish {
			err := s.store.PublishResults(r.Context(), actor(r), id, formVersion(r))
			s.stepDone(w, r, err, web.StepForm{Action: "publish"}, "成绩已公布，合格考生的证书已生成。", sessionURL(id), s.renderSession)
			return
		}
		err := s.store.ApproveResults(r.Context(), actor(r), id, formVersion(r))
		s.stepDone(w, r, err, web.StepForm{Action: "approve"}, "成绩已核准，可以公布。", sessionURL(id), s.renderSession)
	}
}

// sessionCertificates is the whole session's certificates in one PDF.
func (s *Server) sessionCertificates(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	certs, err := s.store.SessionCertificates(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.certs == nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, "证书打印暂不可用", "服务器缺少打印证书所需的中文字体，请联系管理员。")
		return
	}
	var buf bytes.Buffer
	if ok := s.heavy(r, func() { err = s.certs.Write(&buf, certs) }); !ok {
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="certificates-`+strconv.FormatInt(id, 10)+`.pdf"`)
	_, _ = buf.WriteTo(w)
}

func (s *Server) amendEntryOf(w http.ResponseWriter, r *http.Request) (web.SessionShowPage, training.ExamEntry, bool) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return p, training.ExamEntry{}, false
	}
	eid, _ := idParam(r, "eid")
	for _, e := range p.S.Entries {
		if e.ID == eid {
			return p, e, true
		}
	}
	s.fail(w, r, training.ErrNotFound)
	return p, training.ExamEntry{}, false
}

func (s *Server) amendForm(w http.ResponseWriter, r *http.Request) {
	p, e, ok := s.amendEntryOf(w, r)
	if !ok {
		return
	}
	f := web.AmendForm{TheoryAbsent: e.Theory.Absent, PracticalAbsent: e.Practical.Absent}
	if e.Theory.Score != nil {
		f.Theory = strconv.Itoa(*e.Theory.Score)
	}
	if e.Practical.Score != nil {
		f.Practical = strconv.Itoa(*e.Practical.Score)
	}
	s.render(w, r, http.StatusOK, web.AmendView(web.AmendPage{Layout: s.layout(r, "更正成绩", "assessments"), S: p.S, Entry: e, Form: f}))
}

func (s *Server) amendSave(w http.ResponseWriter, r *http.Request) {
	p, e, ok := s.amendEntryOf(w, r)
	if !ok {
		return
	}
	f := web.AmendForm{Theory: r.PostFormValue("theory"), TheoryAbsent: r.PostFormValue("theory_absent") == "1",
		Practical: r.PostFormValue("practical"), PracticalAbsent: r.PostFormValue("practical_absent") == "1", Reason: r.PostFormValue("reason")}
	th, msg1 := training.ParseScore(f.Theory, f.TheoryAbsent)
	pr, msg2 := training.ParseScore(f.Practical, f.PracticalAbsent)
	var err error
	switch {
	case msg1 != "":
		err = training.Invalid("theory", msg1)
	case msg2 != "":
		err = training.Invalid("practical", msg2)
	default:
		err = s.store.AmendEntry(r.Context(), actor(r), p.S.ID, e.ID, th, pr, f.Reason)
	}
	if err == nil {
		s.flash(r, "成绩更正已登记，须由另一名未录入或修改过本场次成绩的中心人员核准后生效。")
		redirect(w, r, sessionURL(p.S.ID))
		return
	}
	if !mergeErrors(err, &f.Errors) {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.AmendView(web.AmendPage{Layout: s.layout(r, "更正成绩", "assessments"), S: p.S, Entry: e, Form: f}))
}

// amendmentStep confirms (the second pair of eyes, 第十一条) or rejects a
// registered correction.
func (s *Server) amendmentStep(confirm bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, aid, ok := s.pathIDs(w, r, "id", "aid")
		if !ok {
			return
		}
		f := web.StepForm{Action: "amendment-reject-" + strconv.FormatInt(aid, 10)}
		if confirm {
			f.Action = "amendment-confirm-" + strconv.FormatInt(aid, 10)
			err := s.store.ConfirmAmendment(r.Context(), actor(r), id, aid, formVersion(r))
			s.stepDone(w, r, err, f, "成绩更正已核准，考生的成绩和证书已按更正后的结果更新。", sessionURL(id), s.renderSession)
			return
		}
		err := s.store.RejectAmendment(r.Context(), actor(r), id, aid, formVersion(r))
		s.stepDone(w, r, err, f, "成绩更正已驳回，成绩不变。", sessionURL(id), s.renderSession)
	}
}

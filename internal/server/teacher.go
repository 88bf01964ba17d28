package server

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

func teacherURL(id int64) string { return "/teachers/" + strconv.FormatInt(id, 10) }

func (s *Server) teacherList(w http.ResponseWriter, r *http.Request) {
	f, filters := teacherFilter(r)
	p := listParams(r)
	a := actor(r)
	rows, total, err := s.store.Teachers(r.Context(), a, f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	occs, err := s.store.Occupations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	occ := idText(f.OccupationID)
	view := make([]web.TeacherListRow, len(rows))
	for i, t := range rows {
		view[i] = web.TeacherListRow(t)
	}
	s.render(w, r, http.StatusOK, web.TeacherListView(web.TeacherListPage{Layout: s.layout(r, "培训师资库", "teachers"),
		Rows: view, List: listView(r, p, total, filters).WithExport("/teachers.xlsx"), Status: string(f.Status), Name: f.Name, Occupation: occ,
		Occupations: occs, Bureau: a.IsBureau()}))
}

// teacherFilter reads the teacher list's filters, and the query that
// keeps them in links.
func teacherFilter(r *http.Request) (repository.TeacherFilter, url.Values) {
	q := r.URL.Query()
	f := repository.TeacherFilter{Status: training.TeacherStatus(q.Get("status")), Name: strings.TrimSpace(q.Get("name"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	f.OccupationID, _ = strconv.ParseInt(q.Get("occupation"), 10, 64)
	return f, filterEcho("status", string(f.Status), "name", f.Name, "occupation", idText(f.OccupationID))
}

func teacherFormFrom(r *http.Request) web.TeacherForm {
	return web.TeacherForm{Name: r.PostFormValue("name"), IDNumber: r.PostFormValue("id_number"), Phone: r.PostFormValue("phone"),
		Education: r.PostFormValue("education"), Title: r.PostFormValue("title"), Version: r.PostFormValue("version")}
}

func teacherInput(f web.TeacherForm) training.TeacherInput {
	edu, _ := strconv.Atoi(f.Education)
	title, err := strconv.Atoi(f.Title)
	if err != nil {
		title = -1
	}
	return training.TeacherInput{Name: f.Name, IDNumber: f.IDNumber, Phone: f.Phone,
		Education: training.Education(edu), Title: training.Title(title)}
}

func (s *Server) teacherNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.TeacherFormView(web.TeacherFormPage{Layout: s.layout(r, "新增教师", "teachers"),
		Form: web.TeacherForm{Title: "0"}}))
}

func (s *Server) teacherCreate(w http.ResponseWriter, r *http.Request) {
	form := teacherFormFrom(r)
	id, linked, err := s.store.CreateTeacher(r.Context(), actor(r), teacherInput(form))
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, web.TeacherFormView(web.TeacherFormPage{
			Layout: s.layout(r, "新增教师", "teachers"), Form: form}))
		return
	}
	if linked {
		s.flash(r, "该教师已在全区师资库中，已关联到本机构。")
	} else {
		s.flash(r, "教师已登记。请登记职业资格证书、上传扫描件，然后提交审核。")
	}
	redirect(w, r, teacherURL(id))
}

func (s *Server) teacherEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	t, err := s.store.TeacherDetail(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := web.TeacherForm{Name: t.Name, IDNumber: t.IDNumber, Phone: t.Phone, Education: strconv.Itoa(int(t.Education)),
		Title: strconv.Itoa(int(t.Title)), Version: strconv.Itoa(t.Version)}
	s.render(w, r, http.StatusOK, web.TeacherFormView(web.TeacherFormPage{Layout: s.layout(r, "修改教师信息", "teachers"), ID: id, Form: form}))
}

func (s *Server) teacherUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form := teacherFormFrom(r)
	version, _ := strconv.Atoi(form.Version)
	err := s.store.UpdateTeacher(r.Context(), actor(r), id, version, teacherInput(form))
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		if t, err := s.store.TeacherDetail(r.Context(), actor(r), id); err == nil {
			form.IDNumber = t.IDNumber
		}
		s.render(w, r, http.StatusUnprocessableEntity, web.TeacherFormView(web.TeacherFormPage{
			Layout: s.layout(r, "修改教师信息", "teachers"), ID: id, Form: form}))
		return
	}
	s.flash(r, "教师信息已保存。")
	redirect(w, r, teacherURL(id))
}

func (s *Server) teacherShow(w http.ResponseWriter, r *http.Request) {
	s.renderTeacher(w, r, http.StatusOK, web.TeacherShowPage{})
}

// renderTeacher shows the teacher page with the forms in page (which carry
// typed values and errors after a failed POST).
func (s *Server) renderTeacher(w http.ResponseWriter, r *http.Request, status int, page web.TeacherShowPage) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	t, related, err := s.store.TeacherPage(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	occs, err := s.store.Occupations(r.Context()) // kept in memory
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Layout = s.layout(r, t.Name, "teachers")
	page.Teacher, page.Occupations = t, occs
	page.Eligibility = training.EligibilityTable(t, related)
	page.MaxUploadMB = repository.MaxUpload >> 20
	s.render(w, r, status, web.TeacherShowView(page))
}

// teacherStepPage is the teacher page with a refused step.
func (s *Server) teacherStepPage(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
	s.renderTeacher(w, r, status, web.TeacherShowPage{Review: f})
}

// teacherReview handles submit, approve and return.
func (s *Server) teacherReview(action training.TeacherAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		form := web.StepForm{Action: string(action), Reason: r.PostFormValue("note")}
		err := s.store.ReviewTeacher(r.Context(), actor(r), id, formVersion(r), action, form.Reason)
		s.stepDone(w, r, err, form, "已"+action.Label()+"。", teacherURL(id), s.teacherStepPage)
	}
}

func (s *Server) certificateAdd(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form := web.CertificateForm{OccupationID: r.PostFormValue("occupation_id"), Level: r.PostFormValue("level"),
		Number: r.PostFormValue("number"), IssueDate: r.PostFormValue("issue_date"), Issuer: r.PostFormValue("issuer")}
	occ, _ := strconv.ParseInt(form.OccupationID, 10, 64)
	lvl, _ := strconv.Atoi(form.Level)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err := s.store.AddCertificate(r.Context(), actor(r), id, version, training.CertificateInput{OccupationID: occ,
		Level: training.Level(lvl), Number: form.Number, IssueDate: form.IssueDate, Issuer: form.Issuer})
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderTeacher(w, r, http.StatusUnprocessableEntity, web.TeacherShowPage{Cert: form})
		return
	}
	s.flash(r, "证书已登记。")
	redirect(w, r, teacherURL(id))
}

func (s *Server) certificateRemove(w http.ResponseWriter, r *http.Request) {
	id, cid, ok := s.pathIDs(w, r, "id", "cid")
	if !ok {
		return
	}
	err := s.store.RemoveCertificate(r.Context(), actor(r), id, formVersion(r), cid)
	s.stepDone(w, r, err, web.StepForm{Action: "certificate-delete-" + strconv.FormatInt(cid, 10)}, "证书已删除。", teacherURL(id), s.teacherStepPage)
}

func (s *Server) equivalenceAdd(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form := web.EquivalenceForm{Requirement: r.PostFormValue("requirement"), Band: r.PostFormValue("band"),
		Role: r.PostFormValue("role"), OccupationID: r.PostFormValue("occupation_id"), Basis: r.PostFormValue("basis"),
		DecidedBy: r.PostFormValue("decided_by"), DecidedOn: r.PostFormValue("decided_on")}
	occ, _ := strconv.ParseInt(form.OccupationID, 10, 64)
	in := training.EquivalenceInput{Requirement: training.Requirement(form.Requirement), Band: training.Band(form.Band),
		Role: training.TeachingRole(form.Role), OccupationID: occ, Basis: form.Basis, DecidedBy: form.DecidedBy, DecidedOn: form.DecidedOn}
	if err := s.store.AddEquivalence(r.Context(), actor(r), id, in); err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderTeacher(w, r, http.StatusUnprocessableEntity, web.TeacherShowPage{Equiv: form})
		return
	}
	s.flash(r, "等同资质已认定。")
	redirect(w, r, teacherURL(id))
}

func (s *Server) equivalenceRemove(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.pathIDs(w, r, "id", "eid")
	if !ok {
		return
	}
	err := s.store.RemoveEquivalence(r.Context(), actor(r), id, eid)
	s.stepDone(w, r, err, web.StepForm{Action: "equivalence-delete-" + strconv.FormatInt(eid, 10)}, "等同资质已撤销。", teacherURL(id), s.teacherStepPage)
}

// teacherFileUpload stores a certificate scan. The body is already capped
// by the upload group's limit (a bigger body gets 413 in checkCSRF); the
// file itself is checked here against MaxUpload, and its type is sniffed
// from the content, never taken from the browser.
func (s *Server) teacherFileUpload(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form := web.UploadForm{CertificateID: r.FormValue("certificate_id")}
	certID, _ := strconv.ParseInt(form.CertificateID, 10, 64)
	file, hdr, err := r.FormFile("file")
	var data []byte
	var name string
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		// No file (or a plain form): CheckUpload asks for one.
	case err != nil:
		s.fail(w, r, err)
		return
	default:
		defer file.Close()
		name = hdr.Filename
		data, err = io.ReadAll(io.LimitReader(file, repository.MaxUpload+1))
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	sniffed := ""
	if len(data) > 0 {
		sniffed = http.DetectContentType(data)
	}
	if _, err := s.store.AddTeacherFile(r.Context(), actor(r), id, certID, name, sniffed, data); err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderTeacher(w, r, http.StatusUnprocessableEntity, web.TeacherShowPage{Upload: form})
		return
	}
	s.flash(r, "扫描件已上传。")
	redirect(w, r, teacherURL(id))
}

// teacherFile sends a scan as an attachment with its stored type, to the
// bureau and the teacher's linked institutions only.
func (s *Server) teacherFile(w http.ResponseWriter, r *http.Request) {
	id, fid, ok := s.pathIDs(w, r, "id", "fid")
	if !ok {
		return
	}
	f, data, err := s.store.TeacherFileData(r.Context(), actor(r), id, fid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := f.Filename
	if ext := training.UploadTypes[f.ContentType]; !strings.HasSuffix(strings.ToLower(name), ext) {
		name += ext
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, _ = w.Write(data)
}

func (s *Server) teacherFileRemove(w http.ResponseWriter, r *http.Request) {
	id, fid, ok := s.pathIDs(w, r, "id", "fid")
	if !ok {
		return
	}
	err := s.store.RemoveTeacherFile(r.Context(), actor(r), id, fid)
	s.stepDone(w, r, err, web.StepForm{Action: "file-delete-" + strconv.FormatInt(fid, 10)}, "扫描件已删除。", teacherURL(id), s.teacherStepPage)
}

func (s *Server) teacherEligible(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := web.TeacherEligiblePage{Occupation: q.Get("occupation"), Level: q.Get("level"), Role: q.Get("role")}
	occs, err := s.store.Occupations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Layout, page.Occupations = s.layout(r, "按工种查询可授课教师", "teachers"), occs
	status := http.StatusOK
	if page.Occupation != "" || page.Level != "" || page.Role != "" {
		occID, _ := strconv.ParseInt(page.Occupation, 10, 64)
		lvl, lerr := strconv.Atoi(page.Level)
		role := training.TeachingRole(page.Role)
		var occ training.Occupation
		for _, o := range occs {
			if o.ID == occID {
				occ = o
			}
		}
		switch {
		case occ.ID == 0:
			page.Errors.Set("occupation", "请选择工种")
		case lerr != nil || lvl < 0 || lvl > 5 || (lvl != 0 && !occ.HasLevel(training.Level(lvl))):
			page.Errors.Set("level", occ.Name+"没有该等级")
		case !role.Valid():
			page.Errors.Set("role", "请选择授课类型")
		}
		if page.Errors.Any() {
			status = http.StatusUnprocessableEntity
		} else {
			rows, err := s.store.EligibleTeachers(r.Context(), actor(r), occID, training.Level(lvl), role)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			page.Asked = true
			page.Question = "可担任 " + occ.Name + " " + training.Level(lvl).Label() + " " + role.Label() + " 教师的人员（" + strconv.Itoa(len(rows)) + " 人）"
			for _, row := range rows {
				page.Rows = append(page.Rows, web.EligibleRow(row))
			}
		}
	}
	s.render(w, r, status, web.TeacherEligibleView(page))
}

func (s *Server) relatedList(w http.ResponseWriter, r *http.Request) {
	s.renderRelated(w, r, http.StatusOK, web.RelatedForm{})
}

func (s *Server) renderRelated(w http.ResponseWriter, r *http.Request, status int, form web.RelatedForm) {
	s.renderRelatedStep(w, r, status, form, web.StepForm{})
}

// renderRelatedStep is the related-occupations page, with the mark form as
// typed or the removal f (unrelate-<a>-<b>) refused beside its button.
func (s *Server) renderRelatedStep(w http.ResponseWriter, r *http.Request, status int, form web.RelatedForm, f web.StepForm) {
	rels, err := s.store.OccupationRelations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	occs, err := s.store.Occupations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]web.RelatedRow, len(rels))
	for i, x := range rels {
		rows[i] = web.RelatedRow{AID: x.A.ID, BID: x.B.ID, A: x.A.Code + " " + x.A.Name, B: x.B.Code + " " + x.B.Name,
			MarkedBy: x.MarkedBy, MarkedAt: x.MarkedAt}
	}
	s.render(w, r, status, web.RelatedView(web.RelatedPage{Layout: s.layout(r, "相关工种", "teachers"), Rows: rows,
		Occupations: occs, Form: form, Step: f}))
}

func (s *Server) relatedSet(related bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		form := web.RelatedForm{OccupationID: r.PostFormValue("occupation_id"), OtherID: r.PostFormValue("other_id")}
		x, _ := strconv.ParseInt(form.OccupationID, 10, 64)
		y, _ := strconv.ParseInt(form.OtherID, 10, 64)
		err := s.store.SetOccupationsRelated(r.Context(), actor(r), x, y, related)
		if !related {
			s.stepDone(w, r, err, web.StepForm{Action: "unrelate-" + form.OccupationID + "-" + form.OtherID}, "已取消相关工种。", "/occupations/related",
				func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
					s.renderRelatedStep(w, r, status, web.RelatedForm{}, f)
				})
			return
		}
		if err != nil {
			if !mergeErrors(err, &form.Errors) {
				s.fail(w, r, err)
				return
			}
			s.renderRelated(w, r, http.StatusUnprocessableEntity, form)
			return
		}
		s.flash(r, "已标记为相关工种。")
		redirect(w, r, "/occupations/related")
	}
}

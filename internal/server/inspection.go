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

// Inspections and rectification orders (SUP-4, 第十六条).

func inspectionURL(id int64) string { return "/inspections/" + strconv.FormatInt(id, 10) }
func orderURL(id int64) string      { return "/rectifications/" + strconv.FormatInt(id, 10) }
func supervisionURL(id int64) string {
	return "/institutions/" + strconv.FormatInt(id, 10) + "/supervision"
}

func (s *Server) supervisionOverview(w http.ResponseWriter, r *http.Request) {
	o, err := s.store.Supervision(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.SupervisionView(web.SupervisionPage{Layout: s.layout(r, "监督检查", "supervision"), O: o,
		Now: s.store.Now()}))
}

func (s *Server) checklistPage(w http.ResponseWriter, r *http.Request) {
	s.renderChecklist(w, r, http.StatusOK, web.ChecklistForm{})
}

func (s *Server) renderChecklist(w http.ResponseWriter, r *http.Request, status int, form web.ChecklistForm) {
	items, err := s.store.Checklist(r.Context(), actor(r), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.ChecklistView(web.ChecklistPage{Layout: s.layout(r, "检查清单", "supervision"), Items: items, Form: form}))
}

func (s *Server) checklistAdd(w http.ResponseWriter, r *http.Request) {
	form := web.ChecklistForm{Text: r.PostFormValue("text")}
	if _, err := s.store.AddChecklistItem(r.Context(), actor(r), form.Text); err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderChecklist(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	s.flash(r, "检查项已加入清单。")
	redirect(w, r, "/checklist")
}

func (s *Server) checklistActive(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := idParam(r, "id")
		if !ok {
			s.fail(w, r, training.ErrNotFound)
			return
		}
		if err := s.store.SetChecklistItemActive(r.Context(), actor(r), id, active); err != nil {
			s.fail(w, r, err)
			return
		}
		s.flash(r, map[bool]string{true: "检查项已恢复使用。", false: "检查项已停用（已有检查记录不变）。"}[active])
		redirect(w, r, "/checklist")
	}
}

func (s *Server) inspectionNew(w http.ResponseWriter, r *http.Request) {
	form := web.InspectionForm{Mode: string(training.ModeOnSite), Date: s.store.Today().Format("2006-01-02"),
		ClassID: r.URL.Query().Get("class")}
	s.renderInspectionForm(w, r, http.StatusOK, form)
}

func (s *Server) renderInspectionForm(w http.ResponseWriter, r *http.Request, status int, form web.InspectionForm) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	d, err := s.store.InspectionForm(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.InspectionFormView(web.InspectionFormPage{Layout: s.layout(r, "记录监督检查", "supervision"), D: d, Form: form}))
}

func (s *Server) inspectionCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	form := web.InspectionForm{Mode: r.PostFormValue("mode"), Date: r.PostFormValue("date"), Inspectors: r.PostFormValue("inspectors"),
		Summary: r.PostFormValue("summary"), ClassID: r.PostFormValue("class_id"), Results: map[string]string{}, Notes: map[string]string{}}
	in := training.InspectionInput{InstitutionID: id, Mode: training.InspectionMode(form.Mode), Date: form.Date,
		Inspectors: form.Inspectors, Summary: form.Summary, Results: map[int64]training.ItemResult{}, Notes: map[int64]string{}}
	in.ClassID, _ = strconv.ParseInt(form.ClassID, 10, 64)
	for k, v := range r.PostForm {
		if item, ok := strings.CutPrefix(k, "result_"); ok {
			if n, err := strconv.ParseInt(item, 10, 64); err == nil {
				in.Results[n] = training.ItemResult(v[0])
				form.Results[k] = v[0]
			}
		}
		if item, ok := strings.CutPrefix(k, "note_"); ok {
			if n, err := strconv.ParseInt(item, 10, 64); err == nil {
				in.Notes[n] = v[0]
				form.Notes[k] = v[0]
			}
		}
	}
	nid, err := s.store.CreateInspection(r.Context(), actor(r), in)
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderInspectionForm(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	s.flash(r, "检查记录已保存；可上传照片或 PDF，并对发现的问题下达整改通知。")
	redirect(w, r, inspectionURL(nid))
}

func (s *Server) inspectionList(w http.ResponseWriter, r *http.Request) {
	p := listParams(r)
	f := repository.InspectionFilter{}
	f.InstitutionID, _ = strconv.ParseInt(r.URL.Query().Get("institution"), 10, 64)
	list, total, err := s.store.Inspections(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{}
	if f.InstitutionID != 0 {
		filters.Set("institution", strconv.FormatInt(f.InstitutionID, 10))
	}
	s.render(w, r, http.StatusOK, web.InspectionListView(web.InspectionListPage{Layout: s.layout(r, "监督检查记录", "supervision"),
		Rows: list, List: listView(r, p, total, filters)}))
}

func (s *Server) inspectionShow(w http.ResponseWriter, r *http.Request) {
	s.renderInspection(w, r, http.StatusOK, web.InspectionForms{})
}

func (s *Server) renderInspection(w http.ResponseWriter, r *http.Request, status int, forms web.InspectionForms) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	s.renderInspectionOf(w, r, status, id, forms)
}

// renderInspectionOf is inspection id's page with forms as typed, refused.
func (s *Server) renderInspectionOf(w http.ResponseWriter, r *http.Request, status int, id int64, forms web.InspectionForms) {
	p, err := s.store.InspectionByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.InspectionView(web.InspectionPage{Layout: s.layout(r, "监督检查 · "+p.Inspection.InstitutionName, "supervision"),
		P: p, Forms: forms, Now: s.store.Now()}))
}

// readUpload reads the "file" part of a multipart form, at most MaxUpload+1
// bytes, and sniffs its type from the content; no file gives empty values.
func readUpload(r *http.Request) (name, sniffed string, data []byte, err error) {
	file, hdr, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		return "", "", nil, nil
	case err != nil:
		return "", "", nil, err
	}
	defer file.Close()
	data, err = io.ReadAll(io.LimitReader(file, repository.MaxUpload+1))
	if err != nil {
		return "", "", nil, err
	}
	if len(data) > 0 {
		sniffed = http.DetectContentType(data)
	}
	return hdr.Filename, sniffed, data, nil
}

func (s *Server) inspectionFileUpload(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	name, sniffed, data, err := readUpload(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.store.AddInspectionFile(r.Context(), actor(r), id, name, sniffed, data); err != nil {
		var forms web.InspectionForms
		if !mergeErrors(err, &forms.Upload) {
			s.fail(w, r, err)
			return
		}
		s.renderInspection(w, r, http.StatusUnprocessableEntity, forms)
		return
	}
	s.flash(r, "检查佐证材料已上传。")
	redirect(w, r, inspectionURL(id))
}

// sendEvidence sends a stored file as an attachment with its stored type.
func sendEvidence(w http.ResponseWriter, f training.EvidenceFile, data []byte) {
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

func (s *Server) inspectionFile(w http.ResponseWriter, r *http.Request) {
	id, ok1 := idParam(r, "id")
	fid, ok2 := idParam(r, "fid")
	if !ok1 || !ok2 {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	f, data, err := s.store.InspectionFileData(r.Context(), actor(r), id, fid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendEvidence(w, f, data)
}

// orderCreate orders the rectification of a finding (限期整改).
func (s *Server) orderCreate(w http.ResponseWriter, r *http.Request) {
	fid, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	in := training.OrderInput{WorkingDays: r.PostFormValue("working_days"), Requirement: r.PostFormValue("requirement")}
	oid, err := s.store.OrderRectification(r.Context(), actor(r), fid, in)
	if err != nil {
		// Refused: the inspection's page, the message beside the finding.
		form := web.OrderForm{Finding: fid, WorkingDays: in.WorkingDays, Requirement: in.Requirement}
		status, ok := refusal(err, &form.Errors)
		insp, ierr := s.store.FindingInspection(r.Context(), actor(r), fid)
		if !ok || ierr != nil {
			s.fail(w, r, err)
			return
		}
		s.renderInspectionOf(w, r, status, insp, web.InspectionForms{Order: form})
		return
	}
	s.flash(r, "整改通知已下达，机构在首页可见。")
	redirect(w, r, orderURL(oid))
}

func (s *Server) orderShow(w http.ResponseWriter, r *http.Request) {
	s.renderOrder(w, r, http.StatusOK, web.OrderForms{})
}

func (s *Server) renderOrder(w http.ResponseWriter, r *http.Request, status int, forms web.OrderForms) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	o, err := s.store.OrderByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.OrderView(web.OrderPage{Layout: s.layout(r, "整改通知 · "+o.InstitutionName, "supervision"), O: o,
		Forms: forms, Now: s.store.Now()}))
}

// orderAnswer is the institution's answer with its evidence file.
func (s *Server) orderAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	name, sniffed, data, err := readUpload(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	forms := web.OrderForms{Answer: r.FormValue("answer")}
	version, _ := strconv.Atoi(r.FormValue("version"))
	if err := s.store.AnswerOrder(r.Context(), actor(r), id, version, forms.Answer, name, sniffed, data); err != nil {
		status, ok := refusal(err, &forms.Errors)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.renderOrder(w, r, status, forms)
		return
	}
	s.flash(r, "整改情况已报送，等待区人力社保局验收。")
	redirect(w, r, orderURL(id))
}

// orderStepPage is the order's page with a refused decision.
func (s *Server) orderStepPage(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
	s.renderOrder(w, r, status, web.OrderForms{Step: f})
}

// orderDecide is the bureau accepting or escalating an order.
func (s *Server) orderDecide(act training.OrderAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := idParam(r, "id")
		if !ok {
			s.fail(w, r, training.ErrNotFound)
			return
		}
		f := web.StepForm{Action: string(act), Reason: r.PostFormValue("note")}
		if err := s.store.DecideOrder(r.Context(), actor(r), id, formVersion(r), act, f.Reason); err != nil {
			s.stepDone(w, r, err, f, "", "", s.orderStepPage)
			return
		}
		if act == training.ActOrderEscalate {
			o, err := s.store.OrderByID(r.Context(), actor(r), id)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			s.flash(r, "已升级处理：请作出处理决定（如暂停定点资质）。")
			redirect(w, r, supervisionURL(o.InstitutionID)+"?kind=suspension&ground=rectify&finding="+strconv.FormatInt(o.FindingID, 10)+"#sanction")
			return
		}
		s.flash(r, "整改已验收通过。")
		redirect(w, r, orderURL(id))
	}
}

func (s *Server) orderFile(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	f, data, err := s.store.OrderFileData(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendEvidence(w, f, data)
}

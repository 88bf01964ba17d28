package server

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

// Complaints (SUP-2, 第十五条): the public form and status page without
// sign-in; the bureau's queue and steps; the institution's forwarded list
// and reply.

// maxComplaintBody caps a complaint request: three attachments of 5 MB
// are refused above 10 MB in all (413 before anything is read).
const maxComplaintBody = 10<<20 + 256<<10

func complaintURL(id int64) string { return "/complaints/" + strconv.FormatInt(id, 10) }

func (s *Server) complaintNew(w http.ResponseWriter, r *http.Request) {
	s.complaintForm(w, r, http.StatusOK, web.ComplaintForm{InstitutionID: r.URL.Query().Get("institution")})
}

func (s *Server) complaintForm(w http.ResponseWriter, r *http.Request, status int, f web.ComplaintForm) {
	choices, err := s.store.ComplaintChoices(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.ComplaintNewView(web.ComplaintNewPage{Layout: s.layoutNoFlash(r, "投诉"), Form: f, Institutions: choices}))
}

// complaintFile files a complaint. Attachments are optional: at most
// three, each an image or a PDF by its content, at most 5 MB.
func (s *Server) complaintFile(w http.ResponseWriter, r *http.Request) {
	f := web.ComplaintForm{InstitutionID: r.FormValue("institution_id"), ClassNo: r.FormValue("class_no"), Body: r.FormValue("body"),
		Phone: r.FormValue("phone"), Name: r.FormValue("name"), Anonymous: r.FormValue("anonymous") != ""}
	var files []repository.ComplaintUpload
	if r.MultipartForm != nil {
		hdrs := r.MultipartForm.File["files"]
		for _, rf := range training.DecideComplaintTarget(training.ComplaintTarget{Files: len(hdrs), InstitutionOpen: true}) {
			f.Set(rf.Field, rf.Message)
		}
		for _, h := range hdrs {
			if h.Size == 0 && h.Filename == "" {
				continue // an empty file input
			}
			data, err := readComplaintFile(h)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			ct, msg := training.CheckComplaintFile(http.DetectContentType(data), len(data))
			if msg != "" {
				f.Set("files", msg)
				continue
			}
			name := strings.TrimSpace(h.Filename)
			if name == "" || !training.CleanText(name) || len([]rune(name)) > 200 {
				name = "附件"
			}
			files = append(files, repository.ComplaintUpload{Filename: name, ContentType: ct, Data: data})
		}
	}
	if _, err := training.ParseComplaint(f.Input()); err != nil {
		mergeErrors(err, &f.Errors)
	}
	if f.Any() {
		s.complaintForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	ok, err := s.store.ReserveComplaint(r.Context(), s.clientAddr(r), s.complaintLimits)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		s.errorPage(w, r, http.StatusTooManyRequests, "提交过于频繁", "同一网络提交投诉过多，请稍后再试，或拨打12333反映。")
		return
	}
	no, err := s.store.FileComplaint(r.Context(), f.Input(), files)
	if err != nil {
		if !mergeErrors(err, &f.Errors) {
			s.fail(w, r, err)
			return
		}
		s.complaintForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	// No session for a visitor: the number goes in the address of the
	// page that shows it (the page reads nothing else).
	redirect(w, r, "/complaints/filed?no="+url.QueryEscape(no))
}

// readComplaintFile reads one multipart file, at most MaxComplaintFile+1 bytes
// (the check that follows refuses the +1).
func readComplaintFile(h *multipart.FileHeader) ([]byte, error) {
	f, err := h.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, training.MaxComplaintFile+1))
}

func (s *Server) complaintFiled(w http.ResponseWriter, r *http.Request) {
	no, ok := training.NormalizeTrackingNo(r.URL.Query().Get("no"))
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	s.render(w, r, http.StatusOK, web.ComplaintFiledView(web.ComplaintFiledPage{Layout: s.layoutNoFlash(r, "投诉已受理"), TrackingNo: no}))
}

func (s *Server) complaintStatusForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.ComplaintStatusView(web.ComplaintStatusPage{Layout: s.layoutNoFlash(r, "投诉进度查询"),
		Form: web.ComplaintStatusForm{TrackingNo: r.URL.Query().Get("no")}}))
}

func (s *Server) complaintStatus(w http.ResponseWriter, r *http.Request) {
	f := web.ComplaintStatusForm{TrackingNo: strings.TrimSpace(r.PostFormValue("tracking_no")), Phone: strings.TrimSpace(r.PostFormValue("phone"))}
	if f.TrackingNo == "" {
		f.Set("tracking_no", "请填写投诉编号")
	}
	if f.Phone == "" {
		f.Set("phone", "请填写投诉时留的联系电话")
	}
	p := web.ComplaintStatusPage{Layout: s.layoutNoFlash(r, "投诉进度查询"), Form: f}
	if f.Any() {
		s.render(w, r, http.StatusUnprocessableEntity, web.ComplaintStatusView(p))
		return
	}
	if !s.allowLookup(w, r) {
		return
	}
	c, err := s.store.PublicComplaintStatus(r.Context(), f.TrackingNo, f.Phone)
	if err != nil && !errors.Is(err, training.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	p.Done, p.Found, p.C = true, err == nil, c
	s.render(w, r, http.StatusOK, web.ComplaintStatusView(p))
}

// complaintList is the bureau's queue, or the institution's forwarded
// complaints.
func (s *Server) complaintList(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	p := listParams(r)
	q := r.URL.Query()
	f := training.ComplaintFilter{Status: training.ComplaintStatus(q.Get("status")), Overdue: q.Get("overdue") == "1", Mine: q.Get("mine") == "1"}
	var list []training.Complaint
	var total int
	var err error
	if a.IsBureau() {
		list, total, err = s.store.ComplaintQueue(r.Context(), a, f, p)
	} else {
		list, total, err = s.store.InstitutionComplaints(r.Context(), a, p)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{}
	for k, v := range map[string]string{"status": q.Get("status"), "overdue": q.Get("overdue"), "mine": q.Get("mine")} {
		if v != "" {
			filters.Set(k, v)
		}
	}
	s.render(w, r, http.StatusOK, web.ComplaintListView(web.ComplaintListPage{Layout: s.layout(r, "投诉处理", "complaints"), Rows: list,
		Filter: f, Today: s.store.Today(), List: listView(r, p, total, filters)}))
}

func (s *Server) complaintShow(w http.ResponseWriter, r *http.Request) {
	s.complaintPage(w, r, http.StatusOK, web.StepForm{}, "", "")
}

func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request, status int, forms web.StepForm, phone, name string) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	p, err := s.store.ComplaintByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if phone != "" {
		p.Complaint.Phone, p.Complaint.Name = phone, name
	}
	s.render(w, r, status, web.ComplaintShowView(web.ComplaintShowPage{Layout: s.layout(r, "投诉 "+p.Complaint.TrackingNo, "complaints"),
		P: p, Forms: forms, Revealed: phone != ""}))
}

// complaintStep takes one step; a refused one shows the page again with
// the message beside its button and the text typed.
func (s *Server) complaintStep(action training.ComplaintAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := idParam(r, "id")
		if !ok {
			s.fail(w, r, training.ErrNotFound)
			return
		}
		assignee, _ := strconv.ParseInt(r.PostFormValue("assignee_id"), 10, 64)
		in := training.ComplaintStepInput{AssigneeID: assignee, Outcome: training.ComplaintOutcome(r.PostFormValue("outcome")),
			Text: strings.TrimSpace(r.PostFormValue("text"))}
		err := s.store.StepComplaint(r.Context(), actor(r), id, formVersion(r), action, in)
		s.stepDone(w, r, err, web.StepForm{Action: string(action), Reason: in.Text, Approved: string(in.Outcome)}, "已"+action.Label()+"。", complaintURL(id),
			func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
				s.complaintPage(w, r, status, f, "", "")
			})
	}
}

// complaintReveal shows the complainant's contact to the bureau (audited).
func (s *Server) complaintReveal(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	phone, name, err := s.store.RevealComplaintContact(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if name == "" {
		name = "（匿名）"
	}
	s.complaintPage(w, r, http.StatusOK, web.StepForm{}, phone, name)
}

// complaintFileGet sends an attachment (bureau only) as a download, with
// the type checked when it was received.
func (s *Server) complaintFileGet(w http.ResponseWriter, r *http.Request) {
	id, ok1 := idParam(r, "id")
	fid, ok2 := idParam(r, "fid")
	if !ok1 || !ok2 {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	f, data, err := s.store.ComplaintFileData(r.Context(), actor(r), id, fid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, _ = w.Write(data)
}

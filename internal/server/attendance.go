package server

import (
	"net/http"
	"strconv"

	"tianmu/internal/training"
	"tianmu/web"
)

// attendanceForm is one session's attendance page: the institution records
// it, the bureau reads it.
func (s *Server) attendanceForm(w http.ResponseWriter, r *http.Request) {
	s.renderAttendance(w, r, http.StatusOK, nil, web.Errors{})
}

func (s *Server) renderAttendance(w http.ResponseWriter, r *http.Request, status int, typed *training.AttendanceInput, errs web.Errors) {
	id, sid, ok := s.pathIDs(w, r, "id", "sid")
	if !ok {
		return
	}
	a := actor(r)
	sh, err := s.store.AttendanceSheet(r.Context(), a, id, sid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := web.AttendancePage{Layout: s.layout(r, "考勤登记 "+sh.Class.ClassNo, navClass(a)), Class: sh.Class,
		Display: training.DisplayStatus(sh.Class.Status, sh.Class.Plan.StartDate, s.store.Today()),
		Session: sh.Session, No: sh.No, Delivery: sh.Delivery, Problems: sh.Problems, Editable: a.IsInstitution(), Errors: errs,
		Hours: strconv.Itoa(sh.Session.Hours), Teacher: strconv.FormatInt(sh.Session.TeacherID, 10)}
	if sh.Delivery != nil {
		page.Hours, page.Teacher = strconv.Itoa(sh.Delivery.Hours), strconv.FormatInt(sh.Delivery.TeacherID, 10)
	}
	if typed != nil {
		page.Hours, page.Teacher = typed.Hours, typed.TeacherID
	}
	page.Teachers = []web.Option{{Value: "", Label: "请选择"}}
	for _, t := range sh.Teachers {
		label := t.Name + "（非备案师资）"
		if t.OnPlan {
			label = t.Name + "（备案师资）"
		}
		page.Teachers = append(page.Teachers, web.Option{Value: strconv.FormatInt(t.ID, 10), Label: label})
	}
	for _, row := range sh.Rows {
		v := web.AttendanceRowView{EnrolmentID: row.EnrolmentID, Name: row.Name, MaskedID: training.MaskID(row.IDNumber),
			Withdrawn: row.Withdrawn, HasAgreement: row.HasAgreement, Mark: string(row.Mark)}
		if v.Mark == "" && sh.Delivery == nil {
			v.Mark = string(training.AttPresent) // a new sheet starts with everyone present
		}
		if typed != nil {
			v.Mark = typed.Marks[row.EnrolmentID]
		}
		page.Rows = append(page.Rows, v)
	}
	s.render(w, r, status, web.AttendanceView(page))
}

// attendanceSave records one session for the whole class in one
// transaction; the last session of the plan finishes the class.
func (s *Server) attendanceSave(w http.ResponseWriter, r *http.Request) {
	id, sid, ok := s.pathIDs(w, r, "id", "sid")
	if !ok {
		return
	}
	in := training.AttendanceInput{Hours: r.PostFormValue("hours"), TeacherID: r.PostFormValue("teacher_id"), Marks: map[int64]string{}}
	rowsByID(r, func(eid int64, field, value string) {
		if field == "mark" {
			in.Marks[eid] = value
		}
	})
	finished, err := s.store.RecordAttendance(r.Context(), actor(r), id, sid, in)
	if err != nil {
		var errs web.Errors
		if !mergeErrors(err, &errs) {
			s.fail(w, r, err)
			return
		}
		s.renderAttendance(w, r, http.StatusUnprocessableEntity, &in, errs)
		return
	}
	if finished {
		s.flash(r, "考勤已保存。全部课程已登记，培训班已结业。")
	} else {
		s.flash(r, "考勤已保存。")
	}
	redirect(w, r, classURL(id))
}

// deliveryReport is the bureau's view of delivered hours against the plan,
// flagged classes first (第十六条).
func (s *Server) deliveryReport(w http.ResponseWriter, r *http.Request) {
	flagged := r.URL.Query().Get("flagged") == "1"
	p := listParams(r)
	rows, total, err := s.store.DeliveryReport(r.Context(), actor(r), flagged, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := map[string][]string{}
	if flagged {
		filters["flagged"] = []string{"1"}
	}
	s.render(w, r, http.StatusOK, web.DeliveryReportView(web.DeliveryReportPage{Layout: s.layout(r, "培训实施监管", "delivery"),
		Rows: rows, FlaggedOnly: flagged, List: listView(r, p, total, filters)}))
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// baseline answers the same pages with the same repository calls as the
// portal's handlers, but without middleware, sessions, the signed-in user's
// lookup or templ: plain text straight from the rows. It runs on its own
// loopback listener; the production router has no such routes.
//
// The actor is fixed per request from the query: ?inst=ID acts as a user of
// institution ID, anything else as bureau user bureauID.
type baseline struct {
	store    *repository.Store
	bureauID int64
}

func (b *baseline) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", b.home)
	mux.HandleFunc("GET /institutions", b.institutionList)
	mux.HandleFunc("GET /institutions/{id}", b.institutionShow)
	mux.HandleFunc("GET /institutions/{id}/history", b.institutionHistory)
	mux.HandleFunc("GET /users", b.userList)
	mux.HandleFunc("GET /review", b.classList(true))
	mux.HandleFunc("GET /classes", b.classList(false))
	mux.HandleFunc("GET /classes/{id}", b.classShow)
	mux.HandleFunc("GET /classes/{id}/sessions/{sid}/attendance", b.attendanceSheet)
	mux.HandleFunc("GET /classes/{id}/roster", b.roster)
	mux.HandleFunc("GET /classes/{id}/agreements", b.roster)
	return mux
}

func (b *baseline) actor(r *http.Request) training.Actor {
	if id, err := strconv.ParseInt(r.URL.Query().Get("inst"), 10, 64); err == nil && id > 0 {
		return training.Actor{UserID: 1, Username: "inst", Name: "机构", Role: training.RoleInstitution, InstitutionID: id}
	}
	return training.Actor{UserID: b.bureauID, Username: "bureau", Name: "局", Role: training.RoleBureau}
}

func fail(w http.ResponseWriter, err error) {
	http.Error(w, "error", http.StatusInternalServerError)
	if !errors.Is(err, context.Canceled) {
		logf("baseline: %v", err)
	}
}

func pageOf(r *http.Request) repository.Page {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	if n < 1 {
		n = 1
	}
	return repository.Page{Number: n, Size: repository.PageSize, Sort: q.Get("sort"), Desc: q.Get("desc") == "1"}
}

func text(w http.ResponseWriter) *bufio.Writer {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	return bufio.NewWriter(w)
}

func (b *baseline) home(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), b.actor(r)
	if a.IsInstitution() {
		in, err := b.store.InstitutionByID(ctx, a, a.InstitutionID)
		if err != nil {
			fail(w, err)
			return
		}
		out := text(w)
		fmt.Fprintln(out, in.ID, in.Name, in.Status, len(in.Scope))
		out.Flush()
		return
	}
	byStatus, err := b.store.InstitutionStatusCounts(ctx, a)
	if err != nil {
		fail(w, err)
		return
	}
	users, err := b.store.UserCounts(ctx)
	if err != nil {
		fail(w, err)
		return
	}
	inactive, err := b.store.InactiveCount(ctx, a)
	if err != nil {
		fail(w, err)
		return
	}
	occs, err := b.store.Occupations(ctx)
	if err != nil {
		fail(w, err)
		return
	}
	out := text(w)
	fmt.Fprintln(out, byStatus, users, inactive, len(occs))
	out.Flush()
}

func (b *baseline) institutionList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := repository.InstitutionFilter{Status: training.InstitutionStatus(q.Get("status")), Name: strings.TrimSpace(q.Get("name"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	f.OccupationID, _ = strconv.ParseInt(q.Get("occupation"), 10, 64)
	rows, total, err := b.store.Institutions(r.Context(), b.actor(r), f, pageOf(r))
	if err != nil {
		fail(w, err)
		return
	}
	occs, err := b.store.Occupations(r.Context())
	if err != nil {
		fail(w, err)
		return
	}
	out := text(w)
	fmt.Fprintln(out, "total", total, "occupations", len(occs))
	for _, row := range rows {
		fmt.Fprintln(out, row.ID, row.Name, row.CreditCode, row.Status, row.ScopeCount, row.UserCount, row.CreatedAt.Format("2006-01-02"))
	}
	out.Flush()
}

func (b *baseline) institutionShow(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	a := b.actor(r)
	in, err := b.store.InstitutionByID(r.Context(), a, id)
	if err != nil {
		fail(w, err)
		return
	}
	var users []training.User
	if a.IsBureau() {
		users, _, err = b.store.Users(r.Context(), a, repository.UserFilter{InstitutionID: id}, repository.Page{Size: 200})
		if err != nil {
			fail(w, err)
			return
		}
	}
	out := text(w)
	fmt.Fprintln(out, in.ID, in.Name, in.CreditCode, in.Status, in.Address, in.Venue, in.Staff)
	for _, s := range in.Scope {
		fmt.Fprintln(out, s.OccupationCode, s.OccupationName, s.MaxLevel)
	}
	for _, u := range users {
		fmt.Fprintln(out, u.ID, u.Username, u.Name, u.Disabled)
	}
	out.Flush()
}

func (b *baseline) institutionHistory(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	a := b.actor(r)
	in, err := b.store.InstitutionByID(r.Context(), a, id)
	if err != nil {
		fail(w, err)
		return
	}
	entries, total, err := b.store.InstitutionHistory(r.Context(), a, id, pageOf(r))
	if err != nil {
		fail(w, err)
		return
	}
	out := text(w)
	fmt.Fprintln(out, in.ID, in.Name, "total", total)
	for _, e := range entries {
		fmt.Fprintln(out, e.ID, e.At.Format("2006-01-02 15:04"), e.ActorName, e.Action, e.Entity, e.EntityID, e.After)
	}
	out.Flush()
}

func (b *baseline) userList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := repository.UserFilter{Role: training.Role(q.Get("role")), Query: strings.TrimSpace(q.Get("q"))}
	if !f.Role.Valid() {
		f.Role = ""
	}
	users, total, err := b.store.Users(r.Context(), b.actor(r), f, pageOf(r))
	if err != nil {
		fail(w, err)
		return
	}
	out := text(w)
	fmt.Fprintln(out, "total", total)
	for _, u := range users {
		fmt.Fprintln(out, u.ID, u.Username, u.Name, u.Role, u.InstitutionName, u.Disabled)
	}
	out.Flush()
}

// classList is the review queue (/review) and the class list (/classes),
// as server.renderClassList reads them.
func (b *baseline) classList(queue bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, a, q := r.Context(), b.actor(r), r.URL.Query()
		f := repository.ClassFilter{Status: training.ClassStatus(q.Get("status")), Type: training.ClassType(q.Get("type"))}
		if !f.Status.Valid() {
			f.Status = ""
		}
		if !f.Type.Valid() {
			f.Type = ""
		}
		if queue && !q.Has("status") {
			f.Status = training.ClassSubmitted
		}
		f.OccupationID, _ = strconv.ParseInt(q.Get("occupation"), 10, 64)
		if a.IsBureau() {
			f.InstitutionID, _ = strconv.ParseInt(q.Get("institution"), 10, 64)
		}
		rows, total, err := b.store.Classes(ctx, a, f, pageOf(r))
		if err != nil {
			fail(w, err)
			return
		}
		occs, err := b.store.Occupations(ctx)
		if err != nil {
			fail(w, err)
			return
		}
		cal, err := b.store.Calendar(ctx)
		if err != nil {
			fail(w, err)
			return
		}
		today := b.store.Today()
		out := text(w)
		fmt.Fprintln(out, "total", total, "occupations", len(occs))
		for _, row := range rows {
			d, _ := cal.FilingDeadline(row.Plan.StartDate)
			fmt.Fprintln(out, row.ID, row.ClassNo, row.InstitutionName, row.OccupationName, row.Plan.Level, row.Plan.Type,
				training.DisplayStatus(row.Status, row.Plan.StartDate, today), row.Plan.StartDate.Format("2006-01-02"),
				d.Format("2006-01-02"), row.Plan.PlannedSize, row.HasPendingChange, row.CheckWarnings)
		}
		out.Flush()
	}
}

// classShow is the filing page as server.renderClassShow reads it: the
// filing, the live submit check while it is a draft or waits for review,
// the names of the form's choices, the versions and the history.
func (b *baseline) classShow(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx, a := r.Context(), b.actor(r)
	c, err := b.store.ClassByID(ctx, a, id)
	if err != nil {
		fail(w, err)
		return
	}
	cal, err := b.store.Calendar(ctx)
	if err != nil {
		fail(w, err)
		return
	}
	deadline, _ := cal.FilingDeadline(c.Plan.StartDate)
	var chk training.Check
	if c.Status.Editable() || c.Status == training.ClassSubmitted {
		if chk, err = b.store.CheckClass(ctx, a, id); err != nil {
			fail(w, err)
			return
		}
	}
	versions, err := b.store.ClassVersions(ctx, a, id)
	if err != nil {
		fail(w, err)
		return
	}
	history, err := b.store.ClassHistory(ctx, a, id)
	if err != nil {
		fail(w, err)
		return
	}
	plans := []training.Plan{c.Plan}
	if c.PendingChange != nil {
		plans = append(plans, c.PendingChange.Plan)
	}
	for _, v := range versions {
		plans = append(plans, v.Plan)
	}
	var teachers, books []int64
	for _, p := range plans {
		for _, t := range p.Teachers {
			teachers = append(teachers, t.TeacherID)
		}
		for _, s := range p.Sessions {
			teachers = append(teachers, s.TeacherID)
		}
		books = append(books, p.TextbookIDs...)
	}
	slices.Sort(teachers)
	slices.Sort(books)
	choices, err := b.store.FilingNames(ctx, a, c.InstitutionID, slices.Compact(teachers), slices.Compact(books))
	if err != nil {
		fail(w, err)
		return
	}
	out := text(w)
	fmt.Fprintln(out, c.ID, c.ClassNo, c.InstitutionName, c.OccupationName, c.Status, c.Plan.StartDate.Format("2006-01-02"),
		deadline.Format("2006-01-02"), c.Plan.Venue, c.Plan.Content, len(choices.Teachers), len(choices.Textbooks))
	for _, s := range c.Plan.Sessions {
		fmt.Fprintln(out, s.Date.Format("2006-01-02"), s.Start, s.End, s.Kind, s.Hours, s.TeacherName)
	}
	for _, t := range c.Plan.Teachers {
		fmt.Fprintln(out, t.TeacherID, t.Name, t.Role)
	}
	fmt.Fprintln(out, chk.OK(), chk.Fields, chk.Failures, chk.Warnings)
	for _, v := range versions {
		fmt.Fprintln(out, v.No, v.Kind, v.ActorName, v.CreatedAt.Format("2006-01-02 15:04"), len(v.Plan.Sessions))
	}
	for _, e := range history {
		fmt.Fprintln(out, e.ID, e.At.Format("2006-01-02 15:04"), e.ActorName, e.Action, e.After)
	}
	out.Flush()
}

// attendanceSheet is the attendance page's one repository call.
func (b *baseline) attendanceSheet(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	sid, _ := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	sh, err := b.store.AttendanceSheet(r.Context(), b.actor(r), id, sid)
	if err != nil {
		fail(w, err)
		return
	}
	out := text(w)
	fmt.Fprintln(out, sh.Class.ID, sh.Class.ClassNo, sh.Class.InstitutionName, sh.No, sh.Session.Date.Format("2006-01-02"),
		sh.Session.Start, sh.Session.End, sh.Delivery != nil, sh.Problems)
	for _, row := range sh.Rows {
		fmt.Fprintln(out, row.EnrolmentID, row.Name, training.MaskID(row.IDNumber), row.Withdrawn, row.HasAgreement, row.Mark)
	}
	for _, t := range sh.Teachers {
		fmt.Fprintln(out, t.ID, t.Name, t.OnPlan)
	}
	out.Flush()
}

// roster is the roster and agreements pages' one repository call
// (ClassRoster) and Today.
func (b *baseline) roster(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	c, list, err := b.store.ClassRoster(r.Context(), b.actor(r), id)
	if err != nil {
		fail(w, err)
		return
	}
	today := b.store.Today()
	out := text(w)
	fmt.Fprintln(out, c.ID, c.ClassNo, c.InstitutionName, c.Enrolled, c.Status, training.RosterOpen(c.Status, c.Plan.StartDate, today))
	for _, e := range list {
		fmt.Fprintln(out, e.ID, e.Status, e.Trainee.Name, training.MaskID(e.Trainee.IDNumber), e.Trainee.Phone, e.AgreementNo,
			e.AgreementDate, e.PaysFee, e.Trainee.TargetGroup, e.Trainee.Hukou)
	}
	out.Flush()
}

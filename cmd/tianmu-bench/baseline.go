package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
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

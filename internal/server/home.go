package server

import (
	"net/http"

	"tianmu/internal/training"
	"tianmu/web"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	ctx := r.Context()
	switch a.Role {
	case training.RoleBureau:
		f, err := s.store.BureauHome(ctx, a, 5)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cal, err := s.store.Calendar(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sup := f.Supervision
		thisYear := s.store.Today().Year()
		l := s.layout(r, "工作台", "home")
		l.NavCounts = f.Todos.NavCounts()
		s.keepNavCounts(r, l.NavCounts)
		s.render(w, r, http.StatusOK, web.BureauHomeView(web.BureauHome{Layout: l, Todos: f.Todos, Supervision: sup, Now: s.store.Now(),
			ByStatus: f.ByStatus, Users: f.Users, Inactive: f.Inactive, InactiveSoon: f.InactiveSoon, Occupations: f.Occupations,
			CalendarMissing: cal.MissingYears(thisYear, thisYear+1), ThisYear: thisYear, Flagged: f.Flagged, FlaggedTotal: f.FlaggedTotal,
			Complaints: f.Complaints}))
	case training.RoleInstitution:
		p, err := s.store.InstitutionHome(ctx, a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sup := p.Supervision
		l := s.layout(r, "工作台", "home")
		l.NavCounts = p.Todos.NavCounts()
		s.keepNavCounts(r, l.NavCounts)
		s.render(w, r, http.StatusOK, web.InstitutionHomeView(web.InstitutionHome{Layout: l, Institution: p.Institution, Todos: p.Todos,
			Supervision: sup, Now: s.store.Now()}))
	default:
		p, err := s.store.CentreHome(ctx, a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		l := s.layout(r, "工作台", "home")
		l.NavCounts = p.Todos.NavCounts()
		s.keepNavCounts(r, l.NavCounts)
		s.render(w, r, http.StatusOK, web.CentreHomeView(web.CentreHome{Layout: l, Designated: p.Designated, Occupations: p.Occupations, Todos: p.Todos}))
	}
}

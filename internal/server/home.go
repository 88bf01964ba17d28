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
		thisYear := s.store.Today().Year()
		s.render(w, r, http.StatusOK, web.BureauHomeView(web.BureauHome{Layout: s.layout(r, "工作台", "home"),
			ByStatus: f.ByStatus, Users: f.Users, Inactive: f.Inactive, InactiveSoon: f.InactiveSoon, Occupations: f.Occupations,
			CalendarMissing: cal.MissingYears(thisYear, thisYear+1), ThisYear: thisYear, Flagged: f.Flagged, FlaggedTotal: f.FlaggedTotal,
			Complaints: f.Complaints}))
	case training.RoleInstitution:
		in, err := s.store.InstitutionByID(ctx, a, a.InstitutionID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, web.InstitutionHomeView(web.InstitutionHome{Layout: s.layout(r, "工作台", "home"), Institution: in}))
	default:
		n, err := s.store.DesignatedCount(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		occs, err := s.store.Occupations(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, web.CentreHomeView(web.CentreHome{Layout: s.layout(r, "工作台", "home"), Designated: n, Occupations: len(occs)}))
	}
}

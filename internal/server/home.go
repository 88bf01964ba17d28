package server

import (
	"net/http"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	ctx := r.Context()
	switch a.Role {
	case training.RoleBureau:
		byStatus, err := s.store.InstitutionStatusCounts(ctx, a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		users, err := s.store.UserCounts(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		inactive, warned, err := s.store.ActivityCounts(ctx, a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		occs, err := s.store.Occupations(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cal, err := s.store.Calendar(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		flagged, flaggedTotal, err := s.store.DeliveryReport(ctx, a, true, repository.Page{Size: 5})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		thisYear := s.store.Today().Year()
		s.render(w, r, http.StatusOK, web.BureauHomeView(web.BureauHome{Layout: s.layout(r, "工作台", "home"),
			ByStatus: byStatus, Users: users, Inactive: inactive, InactiveSoon: warned, Occupations: len(occs),
			CalendarMissing: cal.MissingYears(thisYear, thisYear+1), ThisYear: thisYear, Flagged: flagged, FlaggedTotal: flaggedTotal}))
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

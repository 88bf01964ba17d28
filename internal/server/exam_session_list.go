package server

import (
	"net/http"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

// The exam sessions list (the bureau's and the centre's daily work): every
// session a page at a time, by state, sorted by exam day or number, and
// exported to Excel with the same filter and sort.

// sessionFilter reads the list's filter; an unknown state is no filter.
func sessionFilter(r *http.Request) repository.SessionFilter {
	st := training.ExamSessionStatus(r.URL.Query().Get("status"))
	for _, v := range training.SessionListStatuses {
		if v == st {
			return repository.SessionFilter{Status: st}
		}
	}
	return repository.SessionFilter{}
}

// sessionParams is the page asked for; without a sort, the newest exam day
// first (the page marks it on its header, the export keeps the same order).
func sessionParams(r *http.Request) repository.Page {
	p := listParams(r)
	if p.Sort == "" {
		p.Sort, p.Desc = "date", true
	}
	return p
}

func (s *Server) sessionList(w http.ResponseWriter, r *http.Request) {
	f, p := sessionFilter(r), sessionParams(r)
	rows, total, err := s.store.Sessions(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.SessionListView(web.SessionListPage{Layout: s.layout(r, "考试场次", "assessments"), Rows: rows,
		List: listView(r, p, total, filterEcho("status", string(f.Status))).WithExport("/exam-sessions.xlsx"), Status: string(f.Status)}))
}

func (s *Server) sessionExport(w http.ResponseWriter, r *http.Request) {
	f := sessionFilter(r)
	s.streamList(w, r, web.SessionExport, func(put func(...string) error) error {
		return s.store.SessionsEach(r.Context(), actor(r), f, sessionParams(r), func(x training.SessionListRow) error {
			return put(web.SessionExportRow(x)...)
		})
	})
}

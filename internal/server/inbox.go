package server

import (
	"net/http"
	"strconv"

	"tianmu/web"
)

// inbox lists the user's messages.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	p := listParams(r)
	list, total, err := s.store.Inbox(r.Context(), actor(r), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.layout(r, "消息", "")
	s.render(w, r, http.StatusOK, web.InboxView(web.InboxPage{Layout: l, Messages: list,
		List: listView(r, p, total, nil), Unread: l.User.InboxUnread}))
}

// inboxOpen marks a message read and goes to the page of the work.
func (s *Server) inboxOpen(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	m, err := s.store.OpenMessage(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to := m.Href
	if to == "" {
		to = "/inbox"
	}
	redirect(w, r, to)
}

// inboxReadAll marks every message read.
func (s *Server) inboxReadAll(w http.ResponseWriter, r *http.Request) {
	if err := s.store.ReadAll(r.Context(), actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "已全部标记为已读")
	redirect(w, r, "/inbox")
}

// atoiOr reads a positive number from a query value, or def.
func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100000 {
		return def
	}
	return n
}

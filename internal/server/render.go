package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

// render writes component into a buffer first so that a failure while
// rendering still produces a clean error page, then sends status and body.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	if plain(r) {
		// The bench's baseline (baseline.go): the page's data was read;
		// the template is what it measures without.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
		return
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		s.fail(w, r, err)
		return
	}
	// With its length the page goes out in one piece, not chunked.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// pageBuffers holds the buffers pages are rendered into, reused: a page
// of 10-200 kB grown from nothing on every request was allocated, zeroed
// and collected each time.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPageBuffer returns a buffer to the pool, unless one page made it
// larger than most (kept, it would hold that memory for good).
func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > 512<<10 {
		return
	}
	b.Reset()
	pageBuffers.Put(b)
}

// fail maps an error to its page. Unknown errors are logged once with the
// request id; the client never sees err.Error().
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, training.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "页面不存在", "您要找的内容不存在，或您无权查看。")
	case errors.Is(err, training.ErrForbidden):
		s.errorPage(w, r, http.StatusForbidden, "无权操作", "您的账号没有进行此操作的权限。")
	case errors.Is(err, training.ErrConflict):
		s.errorPage(w, r, http.StatusConflict, "操作冲突", "该记录已被他人修改或状态已变化，您的操作未保存。请返回刷新后重试。")
	case errors.Is(err, password.ErrBusy):
		// Every password-hashing slot stayed taken (a burst of sign-ins):
		// a polite answer now rather than a queue without end.
		w.Header().Set("Retry-After", "5")
		s.errorPage(w, r, http.StatusServiceUnavailable, "系统繁忙", "系统繁忙，请稍后再试。")
	case repository.Unavailable(err), errors.Is(err, context.DeadlineExceeded):
		s.log.Error("unavailable", "request_id", requestID(r), "err", err)
		s.errorPage(w, r, http.StatusServiceUnavailable, "系统暂时不可用", "数据库暂时无法访问，请稍后重试。您的操作未保存。")
	case errors.Is(err, context.Canceled):
		// The client went away; nothing to send.
	default:
		if v, ok := training.AsValidation(err); ok {
			// A validation error that reached here has no form to show it
			// on (a one-button step): show the messages on a page.
			s.errorPageList(w, r, http.StatusUnprocessableEntity, "无法完成操作", v)
			return
		}
		s.log.Error("internal error", "request_id", requestID(r), "method", r.Method, "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "系统内部错误", "处理您的请求时出错，操作未保存。请稍后重试。")
	}
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	s.renderError(w, r, web.ErrorPage{Layout: s.layoutNoFlash(r, heading), Status: status, Heading: heading, Message: msg})
}

// renderError sends an error page, never cached.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, p web.ErrorPage) {
	status, heading := p.Status, p.Heading
	var buf bytes.Buffer
	if err := web.ErrorView(p).Render(r.Context(), &buf); err != nil {
		http.Error(w, heading, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (s *Server) errorPageList(w http.ResponseWriter, r *http.Request, status int, heading string, v *training.ValidationError) {
	msg := ""
	for _, m := range v.General {
		msg += m + "\n"
	}
	for _, m := range v.Fields {
		msg += m + "\n"
	}
	s.errorPage(w, r, status, heading, msg)
}

// layout builds the frame data for a page and takes the flash message.
func (s *Server) layout(r *http.Request, title, nav string) web.Layout {
	l := s.layoutNoFlash(r, title)
	l.Nav = nav
	// The to-do counts beside the navigation on every page (the home page
	// fills them from its own to-do read).
	if l.User != nil && nav != "home" {
		l.NavCounts = s.navCounts(r)
	}
	if s.sessions != nil && r.Context().Value(sessionLoadedKey{}) != nil {
		l.Flash = s.sessions.PopString(r.Context(), "flash")
		l.FlashKind = s.sessions.PopString(r.Context(), "flash_kind")
		if l.FlashKind == "" {
			l.FlashKind = "ok"
		}
	}
	return l
}

func (s *Server) layoutNoFlash(r *http.Request, title string) web.Layout {
	l := web.Layout{Title: title, RequestID: requestID(r)}
	if u := currentUser(r); u != nil {
		l.User = u
	}
	if r.Context().Value(sessionLoadedKey{}) != nil {
		l.CSRF = s.csrfToken(r)
	}
	return l
}

// flash stores a message for the next page.
func (s *Server) flash(r *http.Request, msg string) {
	s.sessions.Put(r.Context(), "flash", msg)
	s.sessions.Put(r.Context(), "flash_kind", "ok")
}

// redirect answers a successful POST with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// idParam reads a positive integer path parameter; anything else is 404.
func idParam(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// filterEcho is the filters a list page keeps in its paging, sort and
// export links: each pair's value under its name, blank values left out.
// The filter form shows the same values back.
func filterEcho(pairs ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	return q
}

// idText is a filter's id as the form echoes it ("" for none).
func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// pathID reads the positive integer path parameter name; when it is not
// one, it answers 404 and reports false, and the handler returns.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, ok := idParam(r, name)
	if !ok {
		s.fail(w, r, training.ErrNotFound)
	}
	return id, ok
}

// pathIDs is pathID for two parameters (a class and one of its parts).
func (s *Server) pathIDs(w http.ResponseWriter, r *http.Request, name, other string) (int64, int64, bool) {
	a, okA := idParam(r, name)
	b, okB := idParam(r, other)
	if !okA || !okB {
		s.fail(w, r, training.ErrNotFound)
		return 0, 0, false
	}
	return a, b, true
}

// listParams reads page, sort and desc from the query.
func listParams(r *http.Request) repository.Page {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	if n < 1 {
		n = 1
	}
	if n > 100000 {
		n = 100000
	}
	return repository.Page{Number: n, Size: repository.PageSize, Sort: q.Get("sort"), Desc: q.Get("desc") == "1"}
}

// listView turns the page request and total into the table's paging state.
func listView(r *http.Request, p repository.Page, total int, filters url.Values) web.List {
	size := p.Size
	if size == 0 {
		size = repository.PageSize
	}
	return web.List{Path: r.URL.Path, Query: filters, Page: p.Number, Size: size, Total: total, Sort: p.Sort, Desc: p.Desc}
}

// mergeErrors copies a validation error into a form's Errors; it reports
// false for any other error, which the caller passes to fail.
func mergeErrors(err error, e *web.Errors) bool {
	v, ok := training.AsValidation(err)
	if !ok {
		return false
	}
	for k, m := range v.Fields {
		e.Set(k, m)
	}
	e.General = append(e.General, v.General...)
	return true
}

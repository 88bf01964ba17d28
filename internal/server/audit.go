package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// auditFilter reads the audit page's filters from the query; bad values
// are dropped (a search page, not a form to correct). It returns the
// filter and the query to keep in links (paging, export).
func auditFilter(r *http.Request) (repository.AuditFilter, url.Values) {
	q := r.URL.Query()
	keep := url.Values{}
	var f repository.AuditFilter
	text := func(k string, max int) string {
		v := strings.TrimSpace(q.Get(k))
		if v == "" || len([]rune(v)) > max || strings.ContainsRune(v, 0) {
			return ""
		}
		keep.Set(k, v)
		return v
	}
	id := func(k string) int64 {
		n, err := strconv.ParseInt(q.Get(k), 10, 64)
		if err != nil || n <= 0 {
			return 0
		}
		keep.Set(k, q.Get(k))
		return n
	}
	date := func(k string) time.Time {
		d, err := time.Parse("2006-01-02", q.Get(k))
		if err != nil {
			return time.Time{}
		}
		keep.Set(k, q.Get(k))
		return d
	}
	f.Actor = text("actor", 50)
	f.InstitutionID = id("institution")
	if a := text("action", 60); training.AuditActionLabel(a) != a {
		f.Action = a
	} else {
		keep.Del("action")
	}
	f.From, f.To = date("from"), date("to")
	f.Entity = text("entity", 30)
	f.EntityID = id("entity_id")
	if q.Get("pii") == "1" {
		f.PII = true
		keep.Set("pii", "1")
	}
	return f, keep
}

// auditLog is the bureau's search of the whole audit log.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	f, keep := auditFilter(r)
	p := listParams(r)
	list, total, err := s.store.AuditSearch(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.AuditLogView(web.AuditLogPage{Layout: s.layout(r, "审计日志", "audit"),
		Entries: list, List: listView(r, p, total, keep), Query: keep, Export: "/audit.xlsx?" + keep.Encode()}))
}

// auditExport downloads what the audit page shows, with its filters, as
// .xlsx (ID numbers and phones in before/after masked).
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	f, _ := auditFilter(r)
	var buf bytes.Buffer
	err := roster.Stream(&buf, "审计日志", "", web.AuditExportHeader, []float64{8, 18, 20, 12, 24, 12, 10, 10, 60, 60},
		func(put func(...string) error) error {
			return s.store.AuditExport(r.Context(), actor(r), f, func(e training.AuditEntry) error {
				return put(web.AuditExportRow(e)...)
			})
		})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.xlsx"`)
	_, _ = buf.WriteTo(w)
}

// auditVerify recomputes the hash chain and says what it found.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) {
	brk, n, err := s.store.VerifyAuditBy(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if brk != nil {
		s.sessions.Put(r.Context(), "flash", "审计日志哈希链校验未通过：第 "+strconv.FormatInt(brk.Seq, 10)+" 条记录起链条断开（"+web.AuditBreakReason(brk.Reason)+"），已校验 "+strconv.FormatInt(n, 10)+" 条。请立即报告。")
		s.sessions.Put(r.Context(), "flash_kind", "error")
	} else {
		s.flash(r, "审计日志哈希链校验通过：共 "+strconv.FormatInt(n, 10)+" 条记录，未发现修改或删除。")
	}
	redirect(w, r, "/audit")
}

package server

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"tianmu/internal/training"
	"tianmu/web"
)

// checkInput is the form edge: a request whose query, form fields (names
// and values) or uploaded file names hold a NUL byte or invalid UTF-8 is
// refused here with 422 and a message per field, before any handler or the
// database sees it (PostgreSQL refuses both in text, and that used to be a
// 500). A path with either is a page that cannot exist: 404. It runs after
// checkCSRF, which has parsed the body of a POST.
func (s *Server) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanText(r.URL.Path) {
			s.fail(w, r, training.ErrNotFound)
			return
		}
		vals := r.Form
		if vals == nil {
			vals = r.URL.Query()
		}
		bad := badFields(vals)
		if r.MultipartForm != nil {
			for k, fhs := range r.MultipartForm.File {
				for _, fh := range fhs {
					if !cleanText(fh.Filename) {
						bad = appendOnce(bad, fieldKey(k))
					}
				}
			}
		}
		if len(bad) > 0 {
			s.badInput(w, r, bad)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cleanText reports whether s is valid UTF-8 without NUL bytes: what a
// PostgreSQL text column accepts.
func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// badFields lists, sorted, the fields of vals whose name or any value is not
// clean text. A name that is itself unclean is listed as "?".
func badFields(vals url.Values) []string {
	var bad []string
	for k, vs := range vals {
		ok := cleanText(k)
		for _, v := range vs {
			ok = ok && cleanText(v)
		}
		if !ok {
			bad = appendOnce(bad, fieldKey(k))
		}
	}
	sort.Strings(bad)
	return bad
}

func appendOnce(list []string, k string) []string {
	for _, x := range list {
		if x == k {
			return list
		}
	}
	return append(list, k)
}

// fieldKey is the name shown for a field: the name itself when it is clean,
// "?" otherwise.
func fieldKey(k string) string {
	if !cleanText(k) {
		return "?"
	}
	return k
}

// badInput answers 422 with a message per refused field.
func (s *Server) badInput(w http.ResponseWriter, r *http.Request, fields []string) {
	p := web.ErrorPage{Layout: s.layoutNoFlash(r, "提交的内容有误"), Status: http.StatusUnprocessableEntity,
		Heading: "提交的内容有误", Message: "以下内容含有空字符或无效的文字编码（常见于从其他软件粘贴的内容），操作未进行。请返回删除这些字符后重新输入。",
		Back: backPath(r)}
	for _, k := range fields {
		p.Fields = append(p.Fields, web.FieldMessage{Name: k, Label: web.FieldLabel(k), Message: training.MsgBadText})
	}
	s.renderError(w, r, p)
}

// backPath is where "返回上一页" leads: the referring page of this site, or
// nothing.
func backPath(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || !strings.HasPrefix(ref.Path, "/") || strings.HasPrefix(ref.Path, "//") {
		return ""
	}
	if ref.RawQuery != "" && cleanText(ref.RawQuery) {
		return ref.Path + "?" + ref.RawQuery
	}
	return ref.Path
}

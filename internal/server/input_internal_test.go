package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tianmu/web"
)

// FuzzCheckInput fuzzes the form edge with any query and body: it never
// panics, and a request it lets through holds only clean text (valid UTF-8,
// no NUL) in every field name and value; one it refuses answers 422 with a
// message per field. The seed corpus is in testdata/fuzz/FuzzCheckInput.
func FuzzCheckInput(f *testing.F) {
	for _, seed := range [][2]string{
		{"q=%E5%9F%B9%E8%AE%AD", "venue=%E5%8E%82%E6%88%BF&content=x"},
		{"q=%00", "venue=a%00b"},
		{"status=%FF", "name=%C3%28"},
		{"%FF=1", "%00=%00"},
		{"a=%zz&b", "venue=\xff\x00;&&=="},
		{"", "sessions.0.venue=%ED%A0%80"}, // a UTF-16 surrogate: not UTF-8
	} {
		f.Add(seed[0], seed[1])
	}
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.Fuzz(func(t *testing.T, query, body string) {
		var passed bool
		h := s.checkInput(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			passed = true
			for k, vs := range r.Form {
				if !cleanText(k) {
					t.Fatalf("field name %q let through", k)
				}
				for _, v := range vs {
					if !cleanText(v) {
						t.Fatalf("%s=%q let through", k, v)
					}
				}
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		r := httptest.NewRequest(http.MethodPost, "/classes", strings.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_ = r.ParseForm() // as checkCSRF does before
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		switch {
		case passed && rec.Code == http.StatusNoContent:
		case !passed && rec.Code == http.StatusUnprocessableEntity:
			if !strings.Contains(rec.Body.String(), `data-testid="err-`) || !strings.Contains(rec.Body.String(), "无效的文字编码") {
				t.Fatalf("422 without a field message: %s", rec.Body.String())
			}
		default:
			t.Fatalf("passed=%v status %d", passed, rec.Code)
		}
	})
}

func TestFieldLabelOfRows(t *testing.T) {
	for name, want := range map[string]string{"venue": "地点", "sessions.3.teacher_id": "教师", "?": "无法识别的字段", "zzz": "zzz"} {
		if got := web.FieldLabel(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

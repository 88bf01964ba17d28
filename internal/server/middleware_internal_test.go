package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"tianmu/internal/config"
)

func TestPanicGivesChineseErrorPage(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := withRequestID(s.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom: secret internal detail")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || !strings.Contains(body, "系统内部错误") {
		t.Fatalf("panic: %d %s", rec.Code, body)
	}
	if strings.Contains(body, "secret internal detail") || strings.Contains(body, "goroutine") {
		t.Fatal("panic detail leaked to the client")
	}
	// The server lives on.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("second request: %d", rec.Code)
	}
}

func TestClientAddrTrustsOnlyConfiguredProxies(t *testing.T) {
	s := &Server{}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "203.0.113.9:5555"
	r.Header.Set("X-Forwarded-For", "1.2.3.4")
	if got := s.clientAddr(r); got != "203.0.113.9" {
		t.Fatalf("untrusted peer: %s", got)
	}
	s.cfg = config.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	r.RemoteAddr = "10.1.1.1:5555"
	r.Header.Set("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.2.2.2")
	if got := s.clientAddr(r); got != "198.51.100.7" {
		t.Fatalf("trusted proxy: %s, want the right-most untrusted hop", got)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/institutions?page=2": "/institutions?page=2",
		"//evil.example":       "",
		"https://evil.example": "",
		"/\\evil.example":      "",
		"":                     "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

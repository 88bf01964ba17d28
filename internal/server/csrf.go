package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CSRF: http.CrossOriginProtection refuses cross-site requests from
// browsers that say where they come from; older office browsers send
// neither Origin nor Sec-Fetch-Site, so every form also carries a token.
//
//   - Signed in: the token is kept in the user's session.
//   - Not signed in (the sign-in form, the public lookups): a visitor has no
//     session, and gets none, so that an anonymous page view writes nothing.
//     The token is signed instead (double submit): the visitor gets a random
//     cookie, and the form's token is an HMAC of that cookie and an expiry
//     time under a key every portal process shares (migration 00016). A
//     forged form lacks either the cookie (another site cannot read or set
//     it) or a matching signature.

// anonTokenTTL is how long a sign-in or lookup form may stay open.
const anonTokenTTL = 2 * time.Hour

type anonCSRFKey struct{}

// anonCSRF is a visitor's CSRF state for one request.
type anonCSRF struct {
	w   http.ResponseWriter
	key []byte
	id  string // the visitor's cookie value; "" until one is set
}

func (s *Server) anonCookieName() string {
	if s.cfg.SecureCookies {
		return "__Host-tianmu_csrf" // host-only, Secure, Path=/: a sibling domain cannot plant one
	}
	return "tianmu_csrf"
}

// csrfKey is the shared signing key, read once per process.
func (s *Server) csrfKey(ctx context.Context) ([]byte, error) {
	s.csrfKeyMu.Lock()
	defer s.csrfKeyMu.Unlock()
	if s.csrfKeyVal == nil {
		k, err := s.store.Secret(ctx, "csrf")
		if err != nil {
			return nil, err
		}
		if len(k) < 32 {
			return nil, errors.New("server: csrf secret shorter than 32 bytes")
		}
		s.csrfKeyVal = k
	}
	return s.csrfKeyVal, nil
}

// anonMAC signs a visitor id and an expiry (Unix seconds).
func anonMAC(key []byte, id string, exp int64) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("tianmu anonymous csrf\x00" + id + "\x00" + strconv.FormatInt(exp, 10)))
	return m.Sum(nil)
}

// signAnon is the form token for visitor id, valid until exp.
func signAnon(key []byte, id string, exp time.Time) string {
	e := exp.Unix()
	return strconv.FormatInt(e, 10) + "." + base64.RawURLEncoding.EncodeToString(anonMAC(key, id, e))
}

// checkAnon reports whether tok was signed for visitor id and is unexpired.
func checkAnon(key []byte, id, tok string, now time.Time) bool {
	if !validAnonID(id) {
		return false
	}
	es, mac, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	e, err := strconv.ParseInt(es, 10, 64)
	if err != nil || now.Unix() >= e || e > now.Add(anonTokenTTL).Unix() {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	return err == nil && hmac.Equal(got, anonMAC(key, id, e))
}

// validAnonID accepts what newAnonID makes: 32 random bytes, base64url.
func validAnonID(id string) bool {
	b, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil && len(b) == 32
}

func newAnonID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrfToken returns the token for the forms of this page: the session's
// for a signed-in user (made on first use), the signed one for a visitor.
// It never creates a session for a visitor.
func (s *Server) csrfToken(r *http.Request) string {
	if currentUser(r) == nil {
		a, ok := r.Context().Value(anonCSRFKey{}).(*anonCSRF)
		if !ok {
			return "" // a page rendered before checkCSRF ran has no forms
		}
		if a.id == "" {
			a.id = newAnonID()
			http.SetCookie(a.w, &http.Cookie{Name: s.anonCookieName(), Value: a.id, Path: "/",
				HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
		}
		return signAnon(a.key, a.id, time.Now().Add(anonTokenTTL))
	}
	t := s.sessions.GetString(r.Context(), "csrf")
	if t == "" {
		t = newAnonID()
		s.sessions.Put(r.Context(), "csrf", t)
	}
	return t
}

// checkCSRF refuses an unsafe request without the right token, and removes
// the temporary files of a multipart body when the request is done.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var anon *anonCSRF
		if currentUser(r) == nil {
			key, err := s.csrfKey(r.Context())
			if err != nil {
				s.fail(w, r, err)
				return
			}
			anon = &anonCSRF{w: w, key: key}
			if c, err := r.Cookie(s.anonCookieName()); err == nil && validAnonID(c.Value) {
				anon.id = c.Value
			}
			r = r.WithContext(context.WithValue(r.Context(), anonCSRFKey{}, anon))
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		// The form is parsed here, on this request, so that the files of a
		// multipart body (ParseMultipartForm spills them to disk) are
		// removed afterwards: net/http only cleans up its own request, not
		// the copies middleware makes.
		field, err := formValueNoFiles(r, "csrf_token")
		defer func() {
			if r.MultipartForm != nil {
				_ = r.MultipartForm.RemoveAll()
			}
		}()
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			s.tooLarge(w, r)
			return
		}
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = field
		}
		var ok bool
		if anon != nil {
			ok = checkAnon(anon.key, anon.id, got, time.Now())
		} else {
			want := s.sessions.GetString(r.Context(), "csrf")
			ok = want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
		}
		if !ok {
			s.errorPage(w, r, http.StatusForbidden, "页面已过期", "表单已过期或来源无法验证，操作未保存。请返回，刷新页面后重新提交。")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// formValueNoFiles reads one field; multipart bodies are parsed with a
// small memory limit (files spill to disk, and handlers apply their own
// size limits before this runs).
func formValueNoFiles(r *http.Request, key string) (string, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return "", err
		}
		return r.FormValue(key), nil
	}
	if err := r.ParseForm(); err != nil {
		return "", err
	}
	return r.PostForm.Get(key), nil
}

package multinode_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"tianmu/internal/roster"
	"tianmu/internal/training"
)

// browser is a signed-in user's cookie jar and CSRF token; each request
// names the node (or the balancer) it goes to.
type browser struct {
	http *http.Client
	csrf string
}

func newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{http: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

type reply struct {
	status   int
	location string
	body     string
}

func (b *browser) do(req *http.Request) (reply, error) {
	res, err := b.http.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return reply{status: res.StatusCode, location: res.Header.Get("Location"), body: string(body)}, err
}

func (b *browser) get(base, path string) (reply, error) {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	return b.do(req)
}

func (b *browser) post(base, path string, form url.Values) (reply, error) {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func (b *browser) upload(base, path, name string, data []byte) (reply, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	w, _ := mw.CreateFormFile("file", name)
	_, _ = w.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// signIn signs in at base with a demo account.
func signIn(base, username string) (*browser, error) {
	b := newBrowser()
	if _, err := b.get(base, "/login"); err != nil {
		return nil, err
	}
	r, err := b.post(base, "/login", url.Values{"username": {username}, "password": {"tianmu-demo-2026"}})
	if err != nil {
		return nil, err
	}
	if r.status != http.StatusSeeOther {
		return nil, fmt.Errorf("sign-in as %s: status %d", username, r.status)
	}
	_, err = b.get(base, "/")
	return b, err
}

// rosterFile is an .xlsx roster of n made-up trainees, numbered from
// first.
func rosterFile(first, n int) ([]byte, error) {
	var head []string
	for _, c := range training.RosterColumns {
		head = append(head, c.Label)
	}
	rows := [][]string{head}
	for i := first; i < first+n; i++ {
		prefix := fmt.Sprintf("110105%04d%02d%02d%03d", 1960+i%40, i%12+1, i%28+1, (i/1000)%10*100+i%100)[:17]
		rows = append(rows, []string{prefix + string(training.IDCheckChar(prefix)), fmt.Sprintf("学员%d", i),
			fmt.Sprintf("139%08d", i), "失业人员", "未就业", "本地城镇", "临安区"})
	}
	var buf bytes.Buffer
	err := roster.WriteSheet(&buf, rows, false)
	return buf.Bytes(), err
}

// creditCode is a valid unified social credit code for number n.
func creditCode(n int) string {
	p := fmt.Sprintf("52330185%09d", n)
	return p + string(training.CreditCodeCheckChar(p))
}

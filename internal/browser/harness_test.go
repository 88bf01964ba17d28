// Package browser_test drives the whole portal in headless Chromium (the
// Debian package): the real server on a loopback port over a fresh database,
// real sessions, CSRF tokens and form posts, as a user's browser sends them.
package browser_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/config"
	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/jobs"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/server"
)

func TestMain(m *testing.M) { dbtest.MainThen(m, stopBrowser) }

var fastHash = password.Params{Memory: 64, Time: 1, Threads: 1}

// testTimeout bounds one test's pages and its shutdown. It is generous: a
// two-core CI runner that also runs the other packages' tests answers a
// page in seconds where a quiet machine takes milliseconds.
const testTimeout = 150 * time.Second

// demoStart is the portal's clock when a test starts.
var demoStart = time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)

// demoPool is a fresh database with the demo data: demo.Load runs once per
// test process (at demoStart) and each test gets a copy of its database.
func demoPool(t *testing.T) *pgxpool.Pool {
	return dbtest.PoolWith(t, "demo", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, func() time.Time { return demoStart }), fastHash)
	})
}

// One Chromium serves the whole package; each test gets its own tab in its
// own browser context (cookies, storage and cache of its own), so a test
// never sees another's session. Starting the browser once saves seconds
// per test, tens of seconds on a loaded runner.
var browser struct {
	once   sync.Once
	ctx    context.Context // the first tab: its Browser is shared
	cancel func()
	out    syncWriter
	log    strings.Builder
	err    error
	took   time.Duration
}

func startBrowser(exe string) {
	browser.out.w = &browser.log
	profile, err := os.MkdirTemp("", "tianmu-chromium-")
	if err != nil {
		browser.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // root in CI containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.CombinedOutput(&browser.out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	browser.ctx = ctx
	browser.cancel = func() {
		cancelTab()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	}
	start := time.Now()
	// No timeout here: the browser process lives as long as the context
	// of its first Run (the go test timeout bounds a hung start).
	if err := chromedp.Do(ctx); err != nil {
		browser.err = fmt.Errorf("starting %s: %w\n%s", exe, err, browser.log.String())
	}
	browser.took = time.Since(start)
}

// stopBrowser ends the shared Chromium after the package's tests.
func stopBrowser() {
	if browser.cancel != nil {
		browser.cancel()
	}
}

// env is the portal on a fresh database with the demo data, and one
// Chromium with one tab pointed at it.
type env struct {
	t     *testing.T
	store *repository.Store
	ts    *httptest.Server
	ctx   context.Context // the tab
	shots string          // where screenshots go

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
	now     time.Time // the portal's clock (setNow moves it)
}

// chromePath is $CHROME_BIN or Debian's /usr/bin/chromium. A missing browser
// fails the test: CI installs it, and a skipped browser test tests nothing.
func chromePath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("CHROME_BIN")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		t.Fatalf("browser tests need Chromium, and %s is not there (%v): run `apt-get install chromium fonts-noto-cjk`, or set CHROME_BIN", p, err)
	}
	return p
}

func newEnv(t *testing.T) *env {
	t.Helper()
	exe := chromePath(t)
	e := &env{t: t, shots: os.Getenv("TIANMU_SCREENSHOTS")}
	if e.shots == "" {
		e.shots = t.TempDir()
	}
	e.now = demoStart
	e.store = repository.New(demoPool(t), func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now })
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(e.store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{Hash: &fastHash})
	e.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(func() { e.ts.Close(); srv.Close() })
	// The job runner validates uploaded rosters, as on a node.
	runner, err := jobs.New(e.store, e.store.Pool(), slog.New(slog.NewTextHandler(io.Discard, nil)),
		jobs.Config{NodeID: "browser-test", RescueAfter: 2 * time.Minute, NoPeriodic: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = runner.Stop(ctx)
	})

	browser.once.Do(func() { startBrowser(exe) })
	if browser.err != nil {
		t.Fatal(browser.err)
	}
	t.Logf("Chromium (shared by the package's tests) started in %v", browser.took.Round(time.Millisecond))
	// Cleanups run last-in first-out: the tab closes (and its browser
	// context goes) after the checks below.
	tab, cancelTab := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(tab, testTimeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("opening a tab: %v\n%s", err, browser.log.String())
	}
	e.ctx = ctx

	// Keep what the page writes to the console: a script error or a
	// Content-Security-Policy violation fails the test at the end.
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			e.mu.Lock()
			e.console = append(e.console, m)
			e.mu.Unlock()
		}
	}()
	t.Cleanup(e.checkConsole)
	t.Cleanup(func() {
		if t.Failed() && os.Getenv("TIANMU_SCREENSHOTS") != "" {
			e.shot("FAILED")
		}
	})
	return e
}

func (e *env) checkConsole() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, m := range e.console {
		bad := m.IsException() || m.Source == "security" ||
			strings.Contains(m.Text, "Content Security Policy") ||
			(m.Type == chromedp.ConsoleError && m.Source != "network")
		if bad {
			e.t.Errorf("browser console: %s (%s:%d)", m, m.URL, m.Line+1)
		}
	}
}

// syncWriter lets the browser's output goroutine and the test share a buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// tid selects the element with the given data-testid.
func tid(id string) chromedp.CSS {
	return chromedp.CSS(`[data-testid="` + id + `"]`)
}

// field selects a form control by the id the components give it.
func field(name string) chromedp.CSS { return chromedp.CSS("#f-" + name) }

// do runs actions that return nothing; an error ends the test.
func (e *env) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, steps...); err != nil {
		e.t.Fatalf("%s: %v (at %s)", what, err, e.location())
	}
}

func run[T any](e *env, what string, a chromedp.Action[T]) T {
	e.t.Helper()
	v, err := chromedp.Run(e.ctx, a)
	if err != nil {
		e.t.Fatalf("%s: %v (at %s)", what, err, e.location())
	}
	return v
}

func (e *env) location() string {
	ctx, cancel := context.WithTimeout(e.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		// The caller is reporting an error already: say where we are
		// not, rather than hide that error behind this one.
		return fmt.Sprintf("(location unknown: %v)", err)
	}
	return strings.TrimPrefix(loc, e.ts.URL)
}

// visit loads a page of the portal and waits for it.
func (e *env) visit(path string) {
	e.t.Helper()
	e.do("visit "+path, chromedp.Navigate(e.ts.URL+path))
}

// press runs an action that makes the browser load a page (a click on a
// submit button or a link, Enter in a form) and waits for the new page.
func (e *env) press(what string, trigger chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	run(e, what, chromedp.WaitEvent(page.LoadEventFired, nil, trigger))
}

// click clicks a button or link that loads a page, and waits for it.
func (e *env) click(sel chromedp.CSS) {
	e.t.Helper()
	e.press("click "+string(sel), chromedp.Click(sel))
}

// text is the rendered text of the first element that sel matches.
func (e *env) text(sel chromedp.CSS) string {
	e.t.Helper()
	return strings.TrimSpace(run(e, "text of "+string(sel), chromedp.Text(sel)))
}

// value is the current value of a form control.
func (e *env) value(sel chromedp.CSS) string {
	e.t.Helper()
	return run(e, "value of "+string(sel), chromedp.Value(sel))
}

// count is how many elements match a CSS selector now (no waiting).
func (e *env) count(sel chromedp.CSS) int {
	e.t.Helper()
	return run(e, "count "+string(sel), chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", string(sel))))
}

// texts is the text of every element that sel matches now.
func (e *env) texts(sel chromedp.CSS) []string {
	e.t.Helper()
	return run(e, "texts of "+string(sel), chromedp.Evaluate[[]string](fmt.Sprintf(
		"Array.from(document.querySelectorAll(%q), el => el.innerText.trim())", string(sel))))
}

// typeIntoStep types s into the field named name of the step whose button
// is data-testid=button: a step's fields have ids of their own (scoped by the
// step), so the test finds the field as the user does, beside its button.
func (e *env) typeIntoStep(button, name, s string) {
	e.t.Helper()
	sel := chromedp.CSS(fmt.Sprintf(`form:has([data-testid=%q]) [name=%q]`, button, name))
	e.do("type into "+name+" of "+button,
		chromedp.Focus(sel),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.Backspace),
		chromedp.SendKeys(sel, s))
}

// typeInto empties a text field or textarea and types s into it, key by key.
func (e *env) typeInto(name, s string) {
	e.t.Helper()
	e.do("type into "+name,
		chromedp.Focus(field(name)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)), // select all, then
		chromedp.KeyEvent(kb.Backspace),                                      // delete it
		chromedp.SendKeys(field(name), s))
}

// login signs in through the form with the mouse.
func (e *env) login(username string) {
	e.t.Helper()
	e.visit("/login")
	e.typeInto("username", username)
	e.typeInto("password", demo.Password)
	e.click(tid("login-submit"))
	if who := e.text(tid("whoami")); who == "" {
		e.t.Fatalf("not signed in as %s", username)
	}
}

// shot saves a full-page screenshot as TEST-NAME.png in $TIANMU_SCREENSHOTS
// (CI keeps them when a test fails), or else in the test's temporary
// directory.
func (e *env) shot(name string) {
	e.t.Helper()
	dir := e.shots
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		e.t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		e.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(dir, e.t.Name()+"-"+name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		e.t.Logf("screenshot %s: %v", name, err)
		return
	}
	e.t.Logf("screenshot %s", path)
}

// institutionID finds an institution's id by name.
func (e *env) institutionID(name string) int64 {
	e.t.Helper()
	var id int64
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT id FROM institutions WHERE name = $1`, name).Scan(&id); err != nil {
		e.t.Fatalf("institution %s: %v", name, err)
	}
	return id
}

// setNow moves the portal's clock.
func (e *env) setNow(t time.Time) { e.mu.Lock(); e.now = t; e.mu.Unlock() }

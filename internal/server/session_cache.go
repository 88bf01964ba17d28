package server

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// sessionCache keeps the sessions this process has read, with their users,
// so that a page view needs no session query (the bench measured it as much
// as the page's own query on a cheap page). It never outlives what the
// sessions promise:
//
//   - Every change that could end or alter a session (a session rewritten or
//     deleted, a user disabled, reset, signed in, renamed, an institution
//     renamed) is announced by triggers (migration 00037) on a channel every
//     process listens to, when it commits; the process forgets what it
//     announces. A disabled user's sessions end on every node as soon as
//     PostgreSQL delivers the announcement.
//   - A session read while an announcement arrived is not kept (the read may
//     predate the change): puts carry the generation they started in.
//   - The cache is used only while the process listens and its heartbeat (an
//     announcement every process sends every quarter second) came back
//     within the last second: a connection that failed without a word
//     cannot leave stale sessions in use for longer than that. When the
//     connection is lost the cache is emptied and unused until listening
//     again.
//   - This process's own writes (any request but GET and HEAD) empty it at
//     once, before the next request, without waiting for the announcement.
//   - An entry is kept for a minute at most.
type sessionCache struct {
	mu        sync.Mutex
	entries   map[string]*cachedSession
	gen       uint64
	listening bool
	beat      time.Time
	// heard, when set (tests), receives each announcement once applied
	// (kind and key), and "listening" and "lost".
	heard chan string
}

type cachedSession struct {
	data   []byte
	expiry time.Time
	user   *training.User
	at     time.Time
}

const (
	sessionCacheMax = 20000
	sessionCacheTTL = time.Minute
	heartbeatEvery  = 250 * time.Millisecond
	heartbeatWithin = time.Second
)

func newSessionCache() *sessionCache {
	return &sessionCache{entries: map[string]*cachedSession{}}
}

func (c *sessionCache) usable(now time.Time) bool {
	return c.listening && now.Sub(c.beat) < heartbeatWithin
}

// get returns a kept session, if it may be used now.
func (c *sessionCache) get(token string) (*cachedSession, bool) {
	if c == nil {
		return nil, false
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[token]
	if !ok || !c.usable(now) || !now.Before(e.expiry) || now.Sub(e.at) > sessionCacheTTL {
		return nil, false
	}
	return e, true
}

// generation is to be read before the session is read from the database.
func (c *sessionCache) generation() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps a session read in generation gen, unless anything was
// announced or lost since.
func (c *sessionCache) put(token string, e *cachedSession, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || !c.usable(e.at) {
		return
	}
	if len(c.entries) >= sessionCacheMax {
		clear(c.entries)
	}
	c.entries[token] = e
}

// forget drops everything (and makes reads under way not kept).
func (c *sessionCache) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.gen++
	clear(c.entries)
	c.mu.Unlock()
}

func (c *sessionCache) forgetToken(token string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.gen++
	delete(c.entries, token)
	c.mu.Unlock()
}

// announced applies one announcement of repository.SessionChannel.
func (c *sessionCache) announced(kind byte, key string) {
	c.mu.Lock()
	switch kind {
	case 'h':
		c.beat = time.Now()
	case 's':
		c.gen++
		delete(c.entries, key)
	case 'u', 'i':
		c.gen++
		id, err := strconv.ParseInt(key, 10, 64)
		for t, e := range c.entries {
			if err != nil || kind == 'u' && e.user != nil && e.user.ID == id || kind == 'i' && e.user != nil && e.user.InstitutionID == id {
				delete(c.entries, t)
			}
		}
	default:
		c.gen++
		clear(c.entries)
	}
	c.mu.Unlock()
	if c.heard != nil {
		c.heard <- string(kind) + key
	}
}

func (c *sessionCache) setListening(on bool) {
	c.mu.Lock()
	c.gen++
	clear(c.entries)
	c.listening = on
	c.mu.Unlock()
	if c.heard != nil {
		if on {
			c.heard <- "listening"
		} else {
			c.heard <- "lost"
		}
	}
}

// watch listens for announcements and sends heartbeats until ctx ends.
func (c *sessionCache) watch(ctx context.Context, store *repository.Store, wg *sync.WaitGroup) {
	wg.Add(2)
	go func() {
		defer wg.Done()
		store.WatchSessions(ctx, repository.SessionWatch{
			Listening: func() { c.setListening(true) },
			Changed:   c.announced,
			Lost:      func() { c.setListening(false) },
		})
	}()
	go func() {
		defer wg.Done()
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				hctx, cancel := context.WithTimeout(ctx, heartbeatWithin)
				_ = store.SessionHeartbeat(hctx) // a missed beat is the signal
				cancel()
			}
		}
	}()
}

// forgetAfterWrites empties the cache after every request that may have
// written (anything but GET and HEAD), before its answer is sent.
func (c *sessionCache) forgetAfterWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&forgetWriter{ResponseWriter: w, c: c}, r)
		c.forget()
	})
}

// forgetWriter empties the cache when the answer starts, so a client that
// sends its next request on seeing the answer finds it empty.
type forgetWriter struct {
	http.ResponseWriter
	c    *sessionCache
	done bool
}

func (w *forgetWriter) WriteHeader(code int) {
	if !w.done {
		w.done = true
		w.c.forget()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *forgetWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.done = true
		w.c.forget()
	}
	return w.ResponseWriter.Write(b)
}

func (w *forgetWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"tianmu/internal/training"
)

// navCountsTTL is how long a user's navigation counts are served before
// they are counted again (in the background: the page does not wait).
const navCountsTTL = time.Minute

// navCountsKeep is how long an entry nobody read is kept on the node.
const navCountsKeep = 10 * time.Minute

// navCache keeps each signed-in user's to-do counts of the navigation on
// this node (repository.NavCounts, one statement per role). They were kept
// in the session, which cost a session write — an UPDATE and, on a durable
// cluster, a WAL flush of 10–30 ms here — once a minute per user, and the
// page that found them old waited for the count. Now:
//   - the home page stores the counts it has just read (keepNavCounts);
//   - another page serves what is kept; past a minute it serves it once
//     more and counts again in the background, one count per user at a
//     time;
//   - a page with nothing kept counts before it renders;
//   - the user's own change (any POST) starts a new generation in the
//     session (nav_gen, loadUser), so every node counts afresh on the
//     next page: their own change shows at once, as before.
//
// The counts are a hint beside the navigation, never a permission: a node
// may show another user's change up to a minute late, as before.
type navCache struct {
	mu    sync.Mutex
	m     map[navKey]*navEntry
	swept time.Time // the last time entries nobody read were forgotten
}

type navKey struct {
	user int64
	gen  int64
}

type navEntry struct {
	counts     map[string]int
	at, used   time.Time
	refreshing bool
}

func newNavCache() *navCache { return &navCache{m: map[navKey]*navEntry{}} }

// get returns the kept counts and whether they are due a recount (and
// marks them as being recounted, so only one caller does it).
func (c *navCache) get(k navKey, now time.Time) (counts map[string]int, ok, recount bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[k]
	if e == nil {
		return nil, false, false
	}
	e.used = now
	if now.Sub(e.at) >= navCountsTTL && !e.refreshing {
		e.refreshing, recount = true, true
	}
	return e.counts, true, recount
}

// put keeps counts for k, and forgets entries nobody read for a while
// (looked for at most once a minute: not a walk of every user's entry on
// every put).
func (c *navCache) put(k navKey, counts map[string]int, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = &navEntry{counts: counts, at: now, used: now}
	if len(c.m) > 256 && now.Sub(c.swept) >= navCountsTTL {
		c.swept = now
		for key, e := range c.m {
			if now.Sub(e.used) > navCountsKeep {
				delete(c.m, key)
			}
		}
	}
}

// done ends a background recount that failed (the old counts stay).
func (c *navCache) done(k navKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[k]; e != nil {
		e.refreshing = false
	}
}

// navKeyOf is the request's user and navigation generation.
func (s *Server) navKeyOf(r *http.Request) (navKey, bool) {
	u := currentUser(r)
	if u == nil || s.sessions == nil || r.Context().Value(sessionLoadedKey{}) == nil {
		return navKey{}, false
	}
	return navKey{user: u.ID, gen: s.sessions.GetInt64(r.Context(), "nav_gen")}, true
}

// navCounts are the navigation's to-do counts for the request's user (see
// navCache). A failed count leaves the navigation without numbers rather
// than failing the page.
func (s *Server) navCounts(r *http.Request) map[string]int {
	k, ok := s.navKeyOf(r)
	if !ok {
		return nil
	}
	now := time.Now()
	counts, kept, recount := s.nav.get(k, now)
	if recount {
		a := actor(r)
		go s.recountNav(k, a)
	}
	if kept {
		return counts
	}
	counts, err := s.store.NavCounts(r.Context(), actor(r))
	if err != nil {
		s.log.Warn("navigation counts", "err", err)
		return nil
	}
	s.nav.put(k, counts, now)
	return counts
}

// recountNav counts a user's navigation again, in the background.
func (s *Server) recountNav(k navKey, a training.Actor) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	counts, err := s.store.NavCounts(ctx, a)
	if err != nil {
		s.nav.done(k)
		s.log.Warn("navigation counts", "err", err)
		return
	}
	s.nav.put(k, counts, time.Now())
}

// keepNavCounts keeps counts the home page has just read from its own
// to-do lists.
func (s *Server) keepNavCounts(r *http.Request, counts map[string]int) {
	if k, ok := s.navKeyOf(r); ok {
		s.nav.put(k, counts, time.Now())
	}
}

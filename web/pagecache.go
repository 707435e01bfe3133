package web

import (
	"net/http"
	"sync"
	"time"
)

// pageCache keeps rendered pages and feeds for a moment, by URL. A popular list is asked
// for many times a second and the same bytes answer all of those requests, so rendering it
// once per moment instead of once per request takes the template work off the hot path.
// Only the responses every reader gets alike are kept: GET and HEAD without a session or
// credentials. A nil *pageCache keeps nothing.
type pageCache struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]cachedPage
}

type cachedPage struct {
	at   time.Time
	page *rendered
}

// maxPages bounds the cache; when full it starts again empty, which keeps memory flat
// under a crawler walking deep pages (at ~50 KB a page and its gzip form, about 60 MB).
const maxPages = 1000

func newPageCache(ttl time.Duration) *pageCache {
	if ttl <= 0 {
		return nil
	}
	return &pageCache{ttl: ttl, entries: map[string]cachedPage{}}
}

// accepts reports whether r's answer may come from, and go into, the cache.
func (c *pageCache) accepts(r *http.Request) bool {
	if c == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	if r.Header.Get("Authorization") != "" {
		return false
	}
	_, err := r.Cookie(sessionCookie)
	return err != nil // signed-in pages show the reader's name and forms with their token
}

// serve answers r from the cache when it holds a fresh copy, and reports whether it did.
func (c *pageCache) serve(w http.ResponseWriter, r *http.Request) bool {
	if !c.accepts(r) {
		return false
	}
	c.mu.Lock()
	e, ok := c.entries[r.URL.RequestURI()]
	c.mu.Unlock()
	if !ok || time.Since(e.at) >= c.ttl {
		return false
	}
	e.page.serve(w, r)
	return true
}

func (c *pageCache) put(r *http.Request, p *rendered) {
	if !c.accepts(r) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxPages {
		clear(c.entries)
	}
	c.entries[r.URL.RequestURI()] = cachedPage{at: time.Now(), page: p}
}

// clear forgets every page, after a write made through this server.
func (c *pageCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}

// cached wraps a handler so that a fresh cached copy answers first.
func (s *Server) cached(h http.Handler) http.Handler {
	if s.cache == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cache.serve(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	})
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// pageCache keeps rendered pages and feeds for a moment, by path and the query parameters
// the page reads (see cacheable). A popular list is asked for many times a second and the
// same bytes answer all of those requests, so rendering it once per moment instead of once
// per request takes the template work off the hot path. Only the responses every reader
// gets alike are kept: GET and HEAD without a session or credentials, on the routes marked
// cacheable. A nil *pageCache keeps nothing.
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
	if _, ok := r.Context().Value(pageKey{}).(string); !ok {
		return false // not a cacheable route
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
	e, ok := c.entries[keyOf(r)]
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
	c.entries[keyOf(r)] = cachedPage{at: time.Now(), page: p}
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

// size is how many pages the cache holds.
func (c *pageCache) size() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// pageKey is the request context's key for the page cache's key of a cacheable request.
type pageKey struct{}

func keyOf(r *http.Request) string {
	k, _ := r.Context().Value(pageKey{}).(string)
	return k
}

// cacheable lets the page cache answer and keep h's pages. params names every query
// parameter h reads, as its first value (url.Values.Get), including those it reads only to
// refuse: a page is kept under its path and
// those parameters alone, in one order, so that parameters the page ignores (a tracking
// tag, or random ones sent to miss the cache) neither miss the cache nor add entries to it.
func (s *Server) cacheable(h http.Handler, params ...string) http.Handler {
	if s.cache == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, kept := r.URL.Query(), url.Values{}
		for _, p := range params {
			if q.Has(p) { // present though empty may still change the answer
				kept.Set(p, q.Get(p))
			}
		}
		key := r.URL.EscapedPath() + "?" + kept.Encode() // Encode sorts by name
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), pageKey{}, key)))
	})
}

// cached is cacheable, with a fresh cached copy answering before h is asked.
func (s *Server) cached(h http.Handler, params ...string) http.Handler {
	return s.cacheable(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cache.serve(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	}), params...)
}

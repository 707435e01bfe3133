// Package cache keeps a store's recent list reads in memory for a moment. A popular list
// page is read many times a second and changes far less often; serving it from memory for
// up to a second turns most of those reads into map lookups.
package cache

import (
	"context"
	"sync"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
)

// maxEntries bounds the cache; when full it starts again empty, which is cheap and keeps
// memory flat under a crawl of deep pages.
const maxEntries = 20_000

// Store is a parley.Store that caches thread lists and pinned threads for ttl (the store
// keeps tags and the forum's structure in memory itself). It forgets everything when the
// store it wraps announces a change (Notifier), so that a write made on this node, through
// the cache or not, is seen by the next read; writes made elsewhere (another node) show
// within ttl, or as soon as Clear is called for the event that reports them.
type Store struct {
	parley.Store
	ttl time.Duration

	mu      sync.Mutex
	entries map[key]entry
}

type key struct {
	kind   string
	scope  parley.Scope
	sort   parley.Sort
	filter parley.Filter
	after  parley.Cursor
	limit  int
	pinned bool
}

type entry struct {
	at    time.Time
	value any
}

// Notifier is a store that announces each change it commits, before the write returns.
type Notifier interface {
	OnChange(fn func(context.Context, events.Event))
}

// New wraps store, and clears the cache on every change store announces but a member's
// notifications, which no list shows.
func New(store parley.Store, ttl time.Duration) *Store {
	s := &Store{Store: store, ttl: ttl, entries: map[key]entry{}}
	s.OnChange(func(_ context.Context, e events.Event) {
		if e.Kind != events.Notified {
			s.Clear()
		}
	})
	return s
}

// OnChange passes fn to the wrapped store, so that code holding the cache can listen to
// the store's changes as well.
func (s *Store) OnChange(fn func(context.Context, events.Event)) {
	if n, ok := s.Store.(Notifier); ok {
		n.OnChange(fn)
	}
}

// cached returns the value for k, reading it with load when it is missing or too old.
// Errors are not cached. A read that must see the latest writes (parley.ReadsPrimary)
// goes past the cache, which may hold what a replica returned before those writes.
func cached[T any](ctx context.Context, s *Store, k key, load func() (T, error)) (T, error) {
	if parley.ReadsPrimary(ctx) {
		return load()
	}
	now := time.Now()
	s.mu.Lock()
	e, ok := s.entries[k]
	s.mu.Unlock()
	if ok && now.Sub(e.at) < s.ttl {
		return e.value.(T), nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	s.mu.Lock()
	if len(s.entries) >= maxEntries {
		clear(s.entries)
	}
	s.entries[k] = entry{at: now, value: v}
	s.mu.Unlock()
	return v, nil
}

// Clear forgets everything.
func (s *Store) Clear() {
	s.mu.Lock()
	clear(s.entries)
	s.mu.Unlock()
}

// Threads returns a list page, from memory when it was read less than ttl ago. Callers must
// not modify the page.
func (s *Store) Threads(ctx context.Context, q parley.ListQuery) (parley.ThreadPage, error) {
	k := key{kind: "threads", scope: q.Scope, sort: q.Sort, filter: q.Filter, limit: q.Limit, pinned: q.WithPinned}
	if q.After != nil {
		k.after = *q.After
	}
	return cached(ctx, s, k, func() (parley.ThreadPage, error) { return s.Store.Threads(ctx, q) })
}

// PinnedThreads returns a list's pinned threads, from memory when recent.
func (s *Store) PinnedThreads(ctx context.Context, sc parley.Scope) ([]parley.Thread, error) {
	return cached(ctx, s, key{kind: "pinned", scope: sc}, func() ([]parley.Thread, error) { return s.Store.PinnedThreads(ctx, sc) })
}

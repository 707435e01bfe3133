// Package cache keeps a store's recent list reads in memory for a moment. A popular list
// page is read many times a second and changes far less often; serving it from memory for
// up to a second turns most of those reads into map lookups.
package cache

import (
	"context"
	"sync"
	"time"

	parley "github.com/parley-forum/parley"
)

// maxEntries bounds the cache; when full it starts again empty, which is cheap and keeps
// memory flat under a crawl of deep pages.
const maxEntries = 20_000

// Store is a parley.Store that caches thread lists, pinned threads and tags for ttl. Writes
// made through it clear the cache at once; writes made elsewhere (another node) show
// within ttl.
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
	slug   string
}

type entry struct {
	at    time.Time
	value any
}

// New wraps store.
func New(store parley.Store, ttl time.Duration) *Store {
	return &Store{Store: store, ttl: ttl, entries: map[key]entry{}}
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

// Clear forgets everything; every write through the Store calls it.
func (s *Store) Clear() {
	s.mu.Lock()
	clear(s.entries)
	s.mu.Unlock()
}

// Threads returns a list page, from memory when it was read less than ttl ago. Callers must
// not modify the page.
func (s *Store) Threads(ctx context.Context, q parley.ListQuery) (parley.ThreadPage, error) {
	k := key{kind: "threads", scope: q.Scope, sort: q.Sort, filter: q.Filter, limit: q.Limit}
	if q.After != nil {
		k.after = *q.After
	}
	return cached(ctx, s, k, func() (parley.ThreadPage, error) { return s.Store.Threads(ctx, q) })
}

// PinnedThreads returns a list's pinned threads, from memory when recent.
func (s *Store) PinnedThreads(ctx context.Context, sc parley.Scope) ([]parley.Thread, error) {
	return cached(ctx, s, key{kind: "pinned", scope: sc}, func() ([]parley.Thread, error) { return s.Store.PinnedThreads(ctx, sc) })
}

// TagBySlug returns a tag, from memory when recent.
func (s *Store) TagBySlug(ctx context.Context, slug string) (parley.Tag, error) {
	return cached(ctx, s, key{kind: "tag", slug: slug}, func() (parley.Tag, error) { return s.Store.TagBySlug(ctx, slug) })
}

// Every write clears the cache once it is done, whether or not it succeeded: clearing is
// cheap, and a reader must never see a list older than a write it made.

func (s *Store) CreateTopic(ctx context.Context, t parley.NewTopic) (parley.Topic, error) {
	defer s.Clear()
	return s.Store.CreateTopic(ctx, t)
}

func (s *Store) CreateSubtopic(ctx context.Context, n parley.NewSubtopic) (parley.Subtopic, error) {
	defer s.Clear()
	return s.Store.CreateSubtopic(ctx, n)
}

func (s *Store) CreateTag(ctx context.Context, t parley.NewTag) (parley.Tag, error) {
	defer s.Clear()
	return s.Store.CreateTag(ctx, t)
}

func (s *Store) CreateThread(ctx context.Context, t parley.NewThread) (parley.Thread, parley.Post, error) {
	defer s.Clear()
	return s.Store.CreateThread(ctx, t)
}

func (s *Store) CreateReply(ctx context.Context, r parley.NewReply) (parley.Post, error) {
	defer s.Clear()
	return s.Store.CreateReply(ctx, r)
}

func (s *Store) EditPost(ctx context.Context, e parley.PostEdit) (parley.Post, error) {
	defer s.Clear()
	return s.Store.EditPost(ctx, e)
}

func (s *Store) SetBoost(ctx context.Context, userID, postID int64, on bool) (int64, error) {
	defer s.Clear()
	return s.Store.SetBoost(ctx, userID, postID, on)
}

func (s *Store) AcceptAnswer(ctx context.Context, threadID, postID int64) error {
	defer s.Clear()
	return s.Store.AcceptAnswer(ctx, threadID, postID)
}

func (s *Store) SetRecommended(ctx context.Context, postID int64, on bool) error {
	defer s.Clear()
	return s.Store.SetRecommended(ctx, postID, on)
}

func (s *Store) AddViews(ctx context.Context, views map[int64]int64) error {
	defer s.Clear()
	return s.Store.AddViews(ctx, views)
}

func (s *Store) Bulk(ctx context.Context) (parley.BulkWriter, error) {
	defer s.Clear()
	return s.Store.Bulk(ctx)
}

func (s *Store) SetPinned(ctx context.Context, threadID int64, sc *parley.Scope, on bool, a parley.Audit) error {
	defer s.Clear()
	return s.Store.SetPinned(ctx, threadID, sc, on, a)
}

func (s *Store) SetLocked(ctx context.Context, threadID int64, on bool, a parley.Audit) error {
	defer s.Clear()
	return s.Store.SetLocked(ctx, threadID, on, a)
}

func (s *Store) SetPostHidden(ctx context.Context, postID int64, hidden bool, a parley.Audit) error {
	defer s.Clear()
	return s.Store.SetPostHidden(ctx, postID, hidden, a)
}

func (s *Store) SetThreadDeleted(ctx context.Context, threadID int64, deleted bool, a parley.Audit) error {
	defer s.Clear()
	return s.Store.SetThreadDeleted(ctx, threadID, deleted, a)
}

func (s *Store) MoveThread(ctx context.Context, threadID, subtopicID int64, a parley.Audit) error {
	defer s.Clear()
	return s.Store.MoveThread(ctx, threadID, subtopicID, a)
}

func (s *Store) RetagThread(ctx context.Context, threadID int64, tagIDs []int64, a parley.Audit) error {
	defer s.Clear()
	return s.Store.RetagThread(ctx, threadID, tagIDs, a)
}

func (s *Store) UpdateTopic(ctx context.Context, id int64, t parley.NewTopic, a parley.Audit) (parley.Topic, error) {
	defer s.Clear()
	return s.Store.UpdateTopic(ctx, id, t, a)
}

func (s *Store) UpdateSubtopic(ctx context.Context, id int64, n parley.NewSubtopic, a parley.Audit) (parley.Subtopic, error) {
	defer s.Clear()
	return s.Store.UpdateSubtopic(ctx, id, n, a)
}

func (s *Store) UpdateTag(ctx context.Context, id int64, t parley.NewTag, a parley.Audit) (parley.Tag, error) {
	defer s.Clear()
	return s.Store.UpdateTag(ctx, id, t, a)
}

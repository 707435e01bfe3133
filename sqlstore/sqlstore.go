// Package sqlstore is the forum's store written once, in SQL that SQLite and PostgreSQL
// both run: every use case, counter rule and query of parley.Store that the two databases
// share. Packages sqlite and postgres each open their database, translate the few things
// the two say differently (a DB and a Dialect) and add what truly differs: search, bulk
// loading, migrations, file storage, rate limits and events between nodes.
//
// The store keeps nothing in memory that another node's writes could make wrong for long:
// the forum's structure, the tag names and which lists have pinned threads are cached for
// at most a few seconds (topicsTTL, tagsTTL), and changes made through this store forget
// them at once.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/cache"
	"github.com/parley-forum/parley/events"
)

// Store is the part of a parley.Store that both databases share.
type Store struct {
	db  DB
	d   Dialect
	now parley.Clock

	topics cache.Value[[]parley.Topic] // the forum's structure
	tags   cache.Value[tagSet]         // every tag (tagSet)
	// pinnedScopes are the lists (by Scope.Key) that have a pinned thread.
	pinnedScopes cache.Value[map[int64]bool]
	keys         sync.Map // name → the site key SiteKey returned, which never changes

	listenersMu sync.RWMutex
	listeners   []func(context.Context, events.Event)
}

// New returns a store on db, which speaks d; clock nil means time.Now.
func New(db DB, d Dialect, clock parley.Clock) *Store {
	if clock == nil {
		clock = time.Now
	}
	return &Store{db: db, d: d, now: clock, topics: cache.Value[[]parley.Topic]{TTL: topicsTTL},
		tags: cache.Value[tagSet]{TTL: tagsTTL}, pinnedScopes: cache.Value[map[int64]bool]{TTL: topicsTTL}}
}

// Now is the store's clock, which every rule that depends on the time reads.
func (s *Store) Now() time.Time { return s.now() }

// OnChange adds fn to what is told of every change once it is committed: fn runs before
// the write returns, so that a cache it clears can never show the writer an older page.
func (s *Store) OnChange(fn func(context.Context, events.Event)) {
	s.listenersMu.Lock()
	s.listeners = append(s.listeners, fn)
	s.listenersMu.Unlock()
}

// Tx is one write transaction: where its statements run, the time every row it writes
// carries, and the changes it makes, told to OnChange's listeners after it commits.
type Tx struct {
	Querier
	Now     int64
	changes []events.Event
	search  searchChanges // posts and threads to index again before commit
}

// Changed records a change the transaction makes.
func (tx *Tx) Changed(e events.Event) { tx.changes = append(tx.changes, e) }

// ThreadChanged records a change to one thread's page.
func (tx *Tx) ThreadChanged(threadID int64) {
	tx.Changed(events.Event{Kind: events.ThreadChanged, ThreadID: threadID})
}

// ForumChanged records a change that many pages show.
func (tx *Tx) ForumChanged() { tx.Changed(events.Event{Kind: events.ForumChanged}) }

// inTx runs fn in one write transaction and, once it commits, tells the listeners what
// it changed. The clock is read once per attempt, so every row it writes carries the same
// time.
func (s *Store) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	var done *Tx
	err := s.db.InTx(ctx, func(q Querier) error {
		tx := &Tx{Querier: q, Now: parley.Millis(s.now())}
		if err := fn(tx); err != nil {
			return err
		}
		if err := s.syncSearch(ctx, tx); err != nil {
			return err
		}
		done = tx
		return nil
	})
	if err != nil {
		return err
	}
	s.tell(ctx, done.changes)
	return nil
}

// tell forgets what the store keeps in memory when the changes touch it, and passes
// them to the listeners: every cache forgets through this one path.
func (s *Store) tell(ctx context.Context, changes []events.Event) {
	if len(changes) == 0 {
		return
	}
	if slices.ContainsFunc(changes, changesStructure) {
		s.forgetCaches()
	}
	s.listenersMu.RLock()
	defer s.listenersMu.RUnlock()
	for _, e := range changes {
		for _, fn := range s.listeners {
			fn(ctx, e)
		}
	}
}

// read is where a read goes.
func (s *Store) read(ctx context.Context) Querier { return s.db.Reader(ctx) }

// notFound turns sql.ErrNoRows into the domain's not-found error.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return parley.NotFound(format, args...)
	}
	return err
}

// nullID is id, or NULL for 0.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// pick returns yes when cond holds, else no.
func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// changesStructure reports whether e may change what forgetCaches drops: a new thread
// counts in its subtopic, and moves, deletions and renames announce a forum change. A
// reply or a boost changes neither, so that writes on a busy forum do not make every page
// read the structure again.
func changesStructure(e events.Event) bool {
	return e.Kind == events.ForumChanged || e.Kind == events.ThreadAdded
}

// forgetCaches drops the cached structure, tag names and pinned lists.
func (s *Store) forgetCaches() {
	s.topics.Forget()
	s.tags.Forget()
	s.pinnedScopes.Forget()
}

// Package events carries "something changed" between the parts of a Parley node and, on
// PostgreSQL, between nodes: the seam that live pages and cache invalidation hang on.
// Events say what changed, never what it now is: whoever receives one reads the store, so
// an event that is late, doubled or lost costs a stale moment, never wrong data.
package events

import (
	"context"
	"sync"
)

// Kind says what changed.
type Kind string

const (
	// ThreadChanged: a thread's page changed (a reply, an edit, a boost, a moderator's
	// action).
	ThreadChanged Kind = "thread"
	// ThreadAdded: a new thread appeared in the lists that Event.Lists names.
	ThreadAdded Kind = "new-thread"
	// ForumChanged: something many pages show changed (a topic, a tag, a user).
	ForumChanged Kind = "forum"
	// ViewsCounted: counted views were written, so lists sorted or showing views moved a
	// little. Caches of store reads forget; rendered pages may show the counts up to their
	// time to live later, and the change goes to no other node nor live page.
	ViewsCounted Kind = "views"
	// Notified: members were notified or marked notifications read, or an email was
	// written for them. Nobody's pages change but the notified members' unread counts,
	// which each signed-in reader's live stream reads again; the email sender wakes.
	Notified Kind = "notified"
	// Lost: the receiver may have missed events (it fell behind, or a connection between
	// nodes dropped), so anything may have changed. Buses make it; nobody publishes it.
	Lost Kind = "lost"
)

// Event is one change.
type Event struct {
	Kind     Kind    `json:"k"`
	ThreadID int64   `json:"t,omitempty"`
	Lists    []int64 `json:"l,omitempty"` // parley.Scope keys, for ThreadAdded
}

// Bus delivers every published event to every subscriber, on this node or every node.
type Bus interface {
	Publish(ctx context.Context, e Event) error
	// Subscribe returns a channel of the events published from now on, and a function
	// that ends the subscription and closes the channel.
	Subscribe() (<-chan Event, func())
}

// buffered is how many events a subscriber may fall behind by before it is sent Lost
// instead of the events it could not take.
const buffered = 256

// Local is a Bus within one process, for a node on SQLite.
type Local struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	ch   chan Event
	lost bool // events were dropped; Lost goes out before the next one
}

// NewLocal returns an in-process bus.
func NewLocal() *Local { return &Local{subs: map[*subscriber]struct{}{}} }

// Publish hands e to every subscriber without waiting for any: one that is behind gets
// Lost once it has room again, instead of the events it missed.
func (b *Local) Publish(_ context.Context, e Event) error {
	b.Deliver(e)
	return nil
}

// Deliver is Publish without a context, for buses that relay events from elsewhere.
func (b *Local) Deliver(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		s.offer(e)
	}
}

func (s *subscriber) offer(e Event) {
	if s.lost {
		select {
		case s.ch <- Event{Kind: Lost}:
			s.lost = false
		default:
			return
		}
	}
	select {
	case s.ch <- e:
	default:
		s.lost = true
	}
}

// Subscribe starts a subscription.
func (b *Local) Subscribe() (<-chan Event, func()) {
	s := &subscriber{ch: make(chan Event, buffered)}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
			close(s.ch)
		})
	}
}

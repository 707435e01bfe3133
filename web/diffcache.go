package web

import (
	"container/list"
	"sync"

	"github.com/parley-forum/parley/diff"
)

// diffCache keeps the diffs the revision history computed, by post and the two versions
// compared, so that asking again for a pair costs a lookup whatever the URL around it. A
// version never changes once written, so an entry never goes stale. The cache holds at most
// max bytes of diff text, forgetting the pair asked for least recently first; readers who
// ask for a pair while it is being computed wait for that one computation.
type diffCache struct {
	max int

	mu       sync.Mutex
	entries  map[diffKey]*list.Element // of *diffEntry
	order    list.List                 // most recently asked for at the front
	bytes    int
	computed int // diffs computed since the start, for tests
}

type diffKey struct {
	post     int64
	from, to int // version numbers
}

type diffEntry struct {
	key  diffKey
	done chan struct{} // closed once diff is set
	diff diff.Diff
	size int
}

// maxDiffBytes bounds the diff cache: a few thousand ordinary diffs, or about eighty of the
// largest (two whole 50,000-character versions each).
const maxDiffBytes = 16 << 20

func newDiffCache(max int) *diffCache {
	return &diffCache{max: max, entries: map[diffKey]*list.Element{}}
}

// get returns the diff kept for k, computing and keeping it first if need be.
func (c *diffCache) get(k diffKey, compute func() diff.Diff) diff.Diff {
	c.mu.Lock()
	if el, ok := c.entries[k]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		e := el.Value.(*diffEntry)
		<-e.done
		return e.diff
	}
	e := &diffEntry{key: k, done: make(chan struct{})}
	el := c.order.PushFront(e)
	c.entries[k] = el
	c.computed++
	c.mu.Unlock()

	func() {
		defer close(e.done)
		e.diff = compute()
	}()

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[k] != el {
		return e.diff // forgotten while it was computed
	}
	e.size = diffSize(e.diff)
	c.bytes += e.size
	for c.bytes > c.max && c.order.Len() > 1 {
		old := c.order.Back().Value.(*diffEntry)
		c.order.Remove(c.order.Back())
		delete(c.entries, old.key)
		c.bytes -= old.size
	}
	return e.diff
}

// diffSize is about the memory a diff holds: its text and the records around it.
func diffSize(d diff.Diff) int {
	n := 64
	for _, p := range d.Parts {
		n += 32
		for _, c := range p.Changes {
			n += 32 + len(c.Text)
		}
	}
	return n
}

// stats reports how many diffs are kept and how many were computed since the start.
func (c *diffCache) stats() (kept, computed int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.computed
}

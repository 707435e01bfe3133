// Package views counts thread views: once per viewer per time window, in memory, flushed
// to the store in batches so that reading a page never waits on a counter write.
package views

import (
	"context"
	"hash/maphash"
	"log/slog"
	"sync"
	"time"
)

// Adder is the part of the store the counter writes to.
type Adder interface {
	AddViews(ctx context.Context, views map[int64]int64) error
}

// Counter batches views. Its zero value is not usable; call New.
type Counter struct {
	store  Adder
	window time.Duration
	log    *slog.Logger
	seed   maphash.Seed

	mu      sync.Mutex
	pending map[int64]int64
	// seen and before are two generations of (thread, viewer) hashes. A viewer seen in
	// either is not counted again, so a repeat view is ignored for between one and two
	// windows, and memory stays bounded by what two windows see.
	seen, before map[uint64]struct{}
	rotated      time.Time
}

// slowFlush is how long a flush may take before it is logged as a warning: a flush holds
// the database's one writer for its whole duration.
const slowFlush = 100 * time.Millisecond

// maxSeen bounds one generation; a busier window rotates early, trading some deduplication
// for a fixed memory ceiling (about 40 MB for two full generations).
const maxSeen = 500_000

// New returns a counter that deduplicates a viewer's views of a thread within window.
func New(store Adder, window time.Duration, log *slog.Logger) *Counter {
	return &Counter{store: store, window: window, log: log, seed: maphash.MakeSeed(),
		pending: map[int64]int64{}, seen: map[uint64]struct{}{}, rotated: time.Now()}
}

// Count records that viewer (an opaque identity such as a session or an address) read a
// thread. It never blocks on the store.
func (c *Counter) Count(threadID int64, viewer string) {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(viewer)
	key := h.Sum64() ^ uint64(threadID)*0x9E3779B97F4A7C15

	c.mu.Lock()
	defer c.mu.Unlock()
	if now := time.Now(); now.Sub(c.rotated) > c.window || len(c.seen) >= maxSeen {
		c.before, c.seen, c.rotated = c.seen, make(map[uint64]struct{}, len(c.seen)), now
	}
	if _, ok := c.seen[key]; ok {
		return
	}
	if _, ok := c.before[key]; ok {
		return
	}
	c.seen[key] = struct{}{}
	c.pending[threadID]++
}

// Pending returns how many counted views await a flush.
func (c *Counter) Pending() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for _, v := range c.pending {
		n += v
	}
	return n
}

// Flush writes the pending views. If the write fails they are put back, to be tried again.
func (c *Counter) Flush(ctx context.Context) error {
	c.mu.Lock()
	batch := c.pending
	c.pending = map[int64]int64{}
	c.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	start := time.Now()
	err := c.store.AddViews(ctx, batch)
	if took := time.Since(start); took > slowFlush {
		c.log.Warn("slow flush of views", "threads", len(batch), "took", took)
	}
	if err != nil {
		c.mu.Lock()
		for id, n := range batch {
			c.pending[id] += n
		}
		c.mu.Unlock()
		return err
	}
	return nil
}

// Run flushes every interval until ctx ends, then flushes one last time with a fresh
// deadline, so that views counted before a graceful shutdown are kept.
func (c *Counter) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := c.Flush(ctx); err != nil {
				c.log.Error("flush views", "err", err)
			}
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := c.Flush(final); err != nil {
				c.log.Error("final flush of views", "err", err)
			}
			return
		}
	}
}

// Package views counts thread views: once per viewer per time window, in memory, flushed
// to the store in batches so that reading a page never waits on a counter write.
package views

import (
	"context"
	"hash/maphash"
	"log/slog"
	"maps"
	"slices"
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

	flushing sync.Mutex // one flush at a time: it owns writing

	mu      sync.Mutex
	pending map[int64]int64
	// writing holds the views a flush has taken and not yet written, so that Unwritten
	// still counts them while the flush runs.
	writing map[int64]int64
	// seen and before are two generations of (thread, viewer) hashes. A viewer seen in
	// either is not counted again, so a repeat view is ignored for between one and two
	// windows, and memory stays bounded by what two windows see.
	seen, before map[uint64]struct{}
	rotated      time.Time
}

// slowFlush is how long a flush may take before it is logged as a warning: a flush holds
// the database's one writer for its whole duration.
const slowFlush = 100 * time.Millisecond

// flushChunk is how many threads' views one transaction writes: a flush holds the
// database's one writer, and a long interval gathers many threads, so a flush writes them
// in parts for the posts and boosts waiting behind it.
const flushChunk = 4096

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
	for _, v := range c.writing {
		n += v
	}
	return n
}

// Unwritten returns how many of a thread's views this counter holds that the store has not
// been given yet: a page adds them to the stored count, so that it is exact between flushes.
func (c *Counter) Unwritten(threadID int64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pending[threadID] + c.writing[threadID]
}

// Flush writes the pending views, flushChunk threads a transaction. Views a write fails
// to take are put back, to be tried again.
func (c *Counter) Flush(ctx context.Context) error {
	c.flushing.Lock()
	defer c.flushing.Unlock()
	c.mu.Lock()
	batch := c.pending
	c.pending, c.writing = map[int64]int64{}, batch
	c.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	start, threads := time.Now(), len(batch)
	err := c.write(ctx, slices.Sorted(maps.Keys(batch)))
	if took := time.Since(start); took > slowFlush {
		c.log.Warn("slow flush of views", "threads", threads, "took", took)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, n := range c.writing { // what failed, or was never tried
		c.pending[id] += n
	}
	c.writing = nil
	return err
}

// write stores the views in c.writing of the threads ids, a chunk at a time, and forgets
// each chunk once it is stored.
func (c *Counter) write(ctx context.Context, ids []int64) error {
	for chunk := range slices.Chunk(ids, flushChunk) {
		views := make(map[int64]int64, len(chunk))
		c.mu.Lock()
		for _, id := range chunk {
			views[id] = c.writing[id]
		}
		c.mu.Unlock()
		if err := c.store.AddViews(ctx, views); err != nil {
			return err
		}
		c.mu.Lock()
		for _, id := range chunk {
			delete(c.writing, id)
		}
		c.mu.Unlock()
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

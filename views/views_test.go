package views_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/parley-forum/parley/views"
)

// fakeStore records the views written to it. It refuses writes with a cancelled context,
// as a database does, and fails the next write when failNext is set.
type fakeStore struct {
	mu       sync.Mutex
	views    map[int64]int64
	writes   int
	failNext error
	written  chan struct{} // when set, receives after each successful write
}

func newFakeStore() *fakeStore { return &fakeStore{views: map[int64]int64{}} }

func (f *fakeStore) AddViews(ctx context.Context, views map[int64]int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := f.failNext; err != nil {
		f.failNext = nil
		return err
	}
	f.writes++
	for id, n := range views {
		f.views[id] += n
	}
	if f.written != nil {
		select {
		case f.written <- struct{}{}:
		default:
		}
	}
	return nil
}

func (f *fakeStore) snapshot() (map[int64]int64, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.views), f.writes
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func mustFlush(t *testing.T, c *views.Counter) {
	t.Helper()
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func wantViews(t *testing.T, f *fakeStore, want map[int64]int64) {
	t.Helper()
	if got, _ := f.snapshot(); !maps.Equal(got, want) {
		t.Errorf("stored views %v, want %v", got, want)
	}
}

func TestCountOncePerViewerPerWindow(t *testing.T) {
	f := newFakeStore()
	c := views.New(f, time.Hour, quietLog())
	for range 3 {
		c.Count(1, "10.0.0.1|Safari")
	}
	c.Count(1, "10.0.0.2|Safari")  // another reader
	c.Count(1, "10.0.0.1|Firefox") // another browser on the same address
	c.Count(2, "10.0.0.1|Safari")  // the same reader on another thread
	if got := c.Pending(); got != 4 {
		t.Errorf("pending %d, want 4", got)
	}
	mustFlush(t, c)
	wantViews(t, f, map[int64]int64{1: 3, 2: 1})

	// Still within the window after a flush: the reader is remembered.
	c.Count(1, "10.0.0.1|Safari")
	if got := c.Pending(); got != 0 {
		t.Errorf("a repeat view after a flush counted: pending %d", got)
	}
}

func TestFlushWritesAndEmpties(t *testing.T) {
	f := newFakeStore()
	c := views.New(f, time.Hour, quietLog())
	c.Count(7, "a")
	c.Count(7, "b")
	mustFlush(t, c)
	if got := c.Pending(); got != 0 {
		t.Errorf("pending %d after flush, want 0", got)
	}
	mustFlush(t, c)
	if got, writes := f.snapshot(); writes != 1 || !maps.Equal(got, map[int64]int64{7: 2}) {
		t.Errorf("after two flushes: %v in %d writes, want {7:2} in 1 write (nothing to write the second time)", got, writes)
	}
}

func TestFailedFlushKeepsViews(t *testing.T) {
	f := newFakeStore()
	c := views.New(f, time.Hour, quietLog())
	c.Count(1, "a")
	c.Count(2, "a")
	diskFull := errors.New("disk full")
	f.failNext = diskFull
	if err := c.Flush(context.Background()); !errors.Is(err, diskFull) {
		t.Fatalf("Flush: %v, want the store's error", err)
	}
	if got := c.Pending(); got != 2 {
		t.Errorf("pending %d after a failed flush, want 2", got)
	}
	wantViews(t, f, map[int64]int64{})

	c.Count(1, "b") // counted between the failure and the retry
	mustFlush(t, c)
	wantViews(t, f, map[int64]int64{1: 2, 2: 1})
	if got := c.Pending(); got != 0 {
		t.Errorf("pending %d, want 0", got)
	}
}

// run starts c.Run and returns a function that cancels it and waits for it to return.
func run(c *views.Counter, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		c.Run(ctx, interval)
		close(done)
	}()
	return func() {
		cancel()
		<-done
	}
}

func TestRunFlushesOnShutdown(t *testing.T) {
	f := newFakeStore()
	c := views.New(f, time.Hour, quietLog())
	stop := run(c, time.Hour) // no tick comes: only the final flush can write
	c.Count(1, "a")
	c.Count(1, "b")
	c.Count(3, "a")
	stop()
	wantViews(t, f, map[int64]int64{1: 2, 3: 1})
	if got := c.Pending(); got != 0 {
		t.Errorf("pending %d after Run returned, want 0", got)
	}
}

func TestRunFlushesEveryInterval(t *testing.T) {
	f := newFakeStore()
	f.written = make(chan struct{}, 1)
	c := views.New(f, time.Hour, quietLog())
	stop := run(c, time.Millisecond)
	defer stop()
	c.Count(5, "a")
	select {
	case <-f.written:
	case <-time.After(10 * time.Second):
		t.Fatal("no flush within 10s while Run ticks every millisecond")
	}
	wantViews(t, f, map[int64]int64{5: 1})
}

func TestConcurrentCountsAreExact(t *testing.T) {
	f := newFakeStore()
	c := views.New(f, time.Hour, quietLog())
	const readers, reads, threads = 50, 200, 10
	stopFlushing := make(chan struct{})
	var flusher sync.WaitGroup
	flusher.Go(func() { // flushes race with counting, as Run's do
		for {
			select {
			case <-stopFlushing:
				return
			default:
				if err := c.Flush(context.Background()); err != nil {
					t.Error(err)
				}
			}
		}
	})
	var wg sync.WaitGroup
	for r := range readers {
		wg.Go(func() {
			for i := range reads {
				c.Count(int64(i%threads+1), fmt.Sprintf("reader-%d-%d", r, i))
				c.Count(99, "one reader on many tabs")
			}
		})
	}
	wg.Wait()
	close(stopFlushing)
	flusher.Wait()
	mustFlush(t, c)
	want := map[int64]int64{99: 1}
	for id := int64(1); id <= threads; id++ {
		want[id] = readers * reads / threads
	}
	wantViews(t, f, want)
}

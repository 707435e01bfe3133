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
	// during, when set, runs in each write before it takes effect, as long as the write
	// takes: it sees the counter as a page does while a flush is under way.
	during func(views map[int64]int64)
	// failWrite, when set, fails the write of that number (1 for the first), as a full
	// disk fails one transaction among several.
	failWrite int
	tries     int
}

func newFakeStore() *fakeStore { return &fakeStore{views: map[int64]int64{}} }

func (f *fakeStore) AddViews(ctx context.Context, views map[int64]int64) error {
	if f.during != nil {
		f.during(views)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := f.failNext; err != nil {
		f.failNext = nil
		return err
	}
	if f.tries++; f.tries == f.failWrite {
		return errDiskFull
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

var errDiskFull = errors.New("disk full")

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

// A page adds the views the counter holds to the stored count; they must stay counted
// until the store has them, even while a flush is writing them.
func TestUnwrittenViewsCountUntilStored(t *testing.T) {
	f := newFakeStore()
	c := views.New(f, time.Hour, quietLog())
	c.Count(7, "a")
	c.Count(7, "b")
	c.Count(8, "a")
	if got := c.Unwritten(7); got != 2 {
		t.Errorf("Unwritten(7) = %d before a flush, want 2", got)
	}
	f.during = func(map[int64]int64) {
		if got := c.Unwritten(7); got != 2 {
			t.Errorf("Unwritten(7) = %d while the flush writes, want 2", got)
		}
		c.Count(7, "c") // counted while the flush runs: the next flush's
	}
	mustFlush(t, c)
	f.during = nil
	wantViews(t, f, map[int64]int64{7: 2, 8: 1})
	if got := c.Unwritten(7); got != 1 {
		t.Errorf("Unwritten(7) = %d after the flush, want the 1 counted during it", got)
	}
	mustFlush(t, c)
	if got := c.Unwritten(7); got != 0 {
		t.Errorf("Unwritten(7) = %d once all is written, want 0", got)
	}
	wantViews(t, f, map[int64]int64{7: 3, 8: 1})
}

// A flush of many threads writes them in several transactions, so that it never holds
// the database's writer for long; a failed one loses nothing and keeps what went before.
func TestFlushWritesInChunks(t *testing.T) {
	f := newFakeStore()
	c := views.New(f, time.Hour, quietLog())
	const threads = 10_000
	for id := range int64(threads) {
		c.Count(id+1, "a")
	}
	largest := 0
	f.during = func(views map[int64]int64) { largest = max(largest, len(views)) }
	f.failWrite = 2
	if err := c.Flush(context.Background()); !errors.Is(err, errDiskFull) {
		t.Fatalf("Flush: %v, want the store's error", err)
	}
	stored, writes := f.snapshot()
	if writes != 1 || len(stored) == 0 || len(stored) == threads {
		t.Fatalf("after the second write failed: %d threads stored in %d writes, want the first write's alone", len(stored), writes)
	}
	if got := c.Pending(); got != int64(threads-len(stored)) {
		t.Errorf("pending %d after a failed write, want the %d not stored", got, threads-len(stored))
	}
	mustFlush(t, c)
	stored, writes = f.snapshot()
	if len(stored) != threads || c.Pending() != 0 {
		t.Errorf("after a second flush: %d threads stored, %d pending; want %d and 0", len(stored), c.Pending(), threads)
	}
	if writes < 3 || largest >= threads {
		t.Errorf("%d threads written in %d writes of at most %d; want several writes, none of them all", threads, writes, largest)
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

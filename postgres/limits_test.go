package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/storetest"
)

// mustNodes opens a store on one database schema for each clock, as app nodes would, each
// reading time from its clock.
func mustNodes(t *testing.T, clocks ...*storetest.Clock) []*postgres.Store {
	t.Helper()
	url := pgtest.MustURL(t)
	var nodes []*postgres.Store
	for _, c := range clocks {
		s, err := postgres.Open(t.Context(), url, postgres.Options{Clock: c.Now, MaxConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		nodes = append(nodes, s)
	}
	return nodes
}

// expect checks a run of Allow calls, naming the step that went wrong.
func expect(t *testing.T, l auth.Limiter, key string, want ...bool) {
	t.Helper()
	for i, w := range want {
		got, err := l.Allow(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Fatalf("%s: check %d allowed %v, want %v", key, i+1, got, w)
		}
	}
}

func TestLimiterSharedByNodes(t *testing.T) {
	clock := storetest.NewClock()
	nodes := mustNodes(t, clock, clock)
	a := nodes[0].Limiter("login", time.Minute, 3)
	b := nodes[1].Limiter("login", time.Minute, 3)
	expect(t, a, "ana", true, true)
	expect(t, b, "ana", true, false) // the third of the burst, spent through the other node
	expect(t, a, "ana", false)
	// Other keys and other limiters have buckets of their own.
	expect(t, b, "bob", true)
	expect(t, nodes[1].Limiter("signup", time.Minute, 1), "ana", true, false)
}

func TestLimiterRefills(t *testing.T) {
	clock := storetest.NewClock()
	s := mustNodes(t, clock)[0]
	l := s.Limiter("post", time.Minute, 2)
	expect(t, l, "ana", true, true, false)
	clock.Advance(59 * time.Second)
	expect(t, l, "ana", false)
	clock.Advance(time.Second)
	expect(t, l, "ana", true, false) // one token a minute
	clock.Advance(30 * time.Second)
	expect(t, l, "ana", false) // half a token
	clock.Advance(30 * time.Second)
	expect(t, l, "ana", true, false) // the half counted before still counts
	clock.Advance(time.Hour)
	expect(t, l, "ana", true, true, false) // full again, never more than the burst
}

// TestLimiterSweep deletes only buckets that are full again, and a swept key starts with
// its whole burst, as if never seen.
func TestLimiterSweep(t *testing.T) {
	clock := storetest.NewClock()
	s := mustNodes(t, clock)[0]
	l := s.Limiter("post", time.Minute, 2)
	expect(t, l, "ana", true, true) // full again in two minutes
	expect(t, l, "bob", true)       // in one
	sweep := func() int64 {
		n, err := s.DeleteFullRateLimits(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	clock.Advance(time.Minute)
	if n := sweep(); n != 1 {
		t.Errorf("after a minute swept %d buckets, want bob's alone", n)
	}
	expect(t, l, "ana", true, false) // ana's bucket is kept: one token back, not two
	clock.Advance(2 * time.Minute)
	if n := sweep(); n != 1 {
		t.Errorf("after three minutes swept %d buckets, want ana's", n)
	}
	expect(t, l, "ana", true, true, false)
}

// TestLimiterClockBehind: a node whose clock is behind the bucket's counts no refill and
// does not move the bucket's time back.
func TestLimiterClockBehind(t *testing.T) {
	ahead, behind := storetest.NewClock(), storetest.NewClock()
	ahead.Advance(time.Minute)
	nodes := mustNodes(t, ahead, behind)
	ls := []auth.Limiter{nodes[0].Limiter("login", time.Minute, 1), nodes[1].Limiter("login", time.Minute, 1)}
	expect(t, ls[0], "ana", true)
	expect(t, ls[1], "ana", false)
	behind.Advance(time.Minute) // level with the bucket: still nothing refilled
	expect(t, ls[1], "ana", false)
	behind.Advance(time.Minute)
	expect(t, ls[1], "ana", true)
}

// TestLimiterConcurrent checks one key from many goroutines on two nodes at once: exactly
// the burst is allowed.
func TestLimiterConcurrent(t *testing.T) {
	clock := storetest.NewClock()
	nodes := mustNodes(t, clock, clock)
	const burst, keys = 7, 3
	var allowed [keys]atomic.Int64
	var wg sync.WaitGroup
	for g := range 24 {
		l := nodes[g%2].Limiter("post", time.Hour, burst)
		wg.Go(func() {
			for i := range 10 {
				k := (g + i) % keys
				ok, err := l.Allow(context.Background(), fmt.Sprint("key", k))
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					allowed[k].Add(1)
				}
			}
		})
	}
	wg.Wait()
	for k := range allowed {
		if n := allowed[k].Load(); n != burst {
			t.Errorf("key%d: %d events allowed, want exactly the burst, %d", k, n, burst)
		}
	}
}

// TestLimiterOddKeys: keys too long for an index, or not text, still have buckets.
func TestLimiterOddKeys(t *testing.T) {
	l := pgtest.MustOpen(t, nil).Limiter("login", time.Minute, 1)
	for _, key := range []string{strings.Repeat("ana", 5000), "ana\x00", "\xff\xfe"} {
		expect(t, l, key, true, false)
	}
}

// tokens reads a bucket through l, failing the test on an error.
func tokens(t *testing.T, l auth.Limiter, key string) float64 {
	t.Helper()
	n, err := l.Tokens(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLimiterTokens reads a shared bucket without spending from it, through either node.
func TestLimiterTokens(t *testing.T) {
	clock := storetest.NewClock()
	nodes := mustNodes(t, clock, clock)
	a := nodes[0].Limiter("login", time.Minute, 3)
	b := nodes[1].Limiter("login", time.Minute, 3)
	if got := tokens(t, a, "ana"); got != 3 {
		t.Fatalf("a key never seen holds %v tokens, want the burst, 3", got)
	}
	expect(t, a, "ana", true, true)
	for range 3 {
		if got := tokens(t, b, "ana"); got != 1 {
			t.Fatalf("after two events the other node reads %v tokens, want 1", got)
		}
	}
	expect(t, b, "ana", true, false) // reading spent nothing
	clock.Advance(30 * time.Second)
	if got := tokens(t, a, "ana"); got != 0.5 {
		t.Errorf("half a minute later %v tokens, want 0.5", got)
	}
	clock.Advance(time.Hour)
	if got := tokens(t, a, "ana"); got != 3 {
		t.Errorf("an hour later %v tokens, want the burst, 3", got)
	}
	if got := tokens(t, nodes[0].Limiter("signup", time.Minute, 2), "ana"); got != 2 {
		t.Errorf("another limiter's bucket for the same key holds %v, want its own burst, 2", got)
	}
	if got := tokens(t, a, strings.Repeat("ana", 5000)); got != 3 {
		t.Errorf("a long key never seen holds %v, want 3", got)
	}
}

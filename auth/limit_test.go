package auth

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestLimiterBurstThenRefuses(t *testing.T) {
	l := NewMemoryLimiter(time.Minute, 3)
	for i := range 3 {
		if !l.AllowAt("ana", t0) {
			t.Fatalf("event %d of the burst refused", i+1)
		}
	}
	if l.AllowAt("ana", t0) {
		t.Fatal("event beyond the burst allowed")
	}
	if l.AllowAt("ana", t0.Add(59*time.Second)) {
		t.Fatal("allowed before a minute had passed")
	}
}

func TestLimiterRefills(t *testing.T) {
	l := NewMemoryLimiter(time.Minute, 2)
	l.AllowAt("ana", t0)
	l.AllowAt("ana", t0)
	at := t0.Add(time.Minute)
	if !l.AllowAt("ana", at) {
		t.Fatal("one event not allowed after one interval")
	}
	if l.AllowAt("ana", at) {
		t.Fatal("two events allowed after one interval")
	}
	at = at.Add(time.Hour) // long idle: the key may have been forgotten, the bucket is full
	for i := range 2 {
		if !l.AllowAt("ana", at) {
			t.Fatalf("event %d refused after a long idle", i+1)
		}
	}
	if l.AllowAt("ana", at) {
		t.Fatal("more than the burst allowed after a long idle")
	}
}

func TestLimiterKeysIndependent(t *testing.T) {
	l := NewMemoryLimiter(time.Minute, 1)
	if !l.AllowAt("ana", t0) || l.AllowAt("ana", t0) {
		t.Fatal("ana: want one event then a refusal")
	}
	if !l.AllowAt("bob", t0) {
		t.Fatal("bob refused because of ana")
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	l := NewMemoryLimiter(time.Second, 10) // window: 10 s
	for i := range 1000 {
		l.AllowAt(fmt.Sprint("key", i), t0)
	}
	if n := l.Len(); n != 1000 {
		t.Fatalf("%d keys remembered, want 1000", n)
	}
	l.AllowAt("late", t0.Add(10*time.Second))
	if n := l.Len(); n != 1 {
		t.Fatalf("%d keys remembered after every other went idle, want 1", n)
	}
}

func TestLimiterBounded(t *testing.T) {
	l := NewMemoryLimiter(time.Minute, 2)
	l.maxKeys = 100
	for i := range 1000 {
		l.AllowAt(fmt.Sprint("key", i), t0.Add(time.Duration(i)*time.Millisecond))
	}
	if n := l.Len(); n > 100 {
		t.Fatalf("%d keys remembered, want at most 100", n)
	}
	// Known keys keep their own limits while the map is full...
	if !l.AllowAt("key0", t0.Add(time.Second)) {
		t.Error("a known key lost its own bucket")
	}
	// ...and newcomers share one bucket, so being new is no way around the limit.
	at := t0.Add(2 * time.Second)
	allowed := 0
	for i := range 50 {
		if l.AllowAt(fmt.Sprint("new", i), at) {
			allowed++
		}
	}
	if allowed > 2 {
		t.Errorf("%d new keys allowed while full, want at most the burst, 2", allowed)
	}
	// A window later the idle keys are swept and newcomers get their own buckets.
	at = at.Add(3 * time.Minute)
	for i := range 2 {
		if !l.AllowAt("fresh", at) {
			t.Errorf("a new key after the sweep was refused its request %d of a burst of 2", i+1)
		}
	}
	if n := l.Len(); n != 1 {
		t.Errorf("%d keys after the sweep, want 1", n)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewMemoryLimiter(time.Hour, 5)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := map[string]int{}
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				key := fmt.Sprint("key", (g+i)%4)
				if ok, _ := l.Allow(context.Background(), key); ok {
					mu.Lock()
					allowed[key]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for key, n := range allowed {
		if n != 5 {
			t.Errorf("%s: %d events allowed, want exactly the burst, 5", key, n)
		}
	}
}

// TestLimiterTokens reads a bucket without spending from it: a key never seen holds the
// whole burst, and the count follows what Allow spends and time refills.
func TestLimiterTokens(t *testing.T) {
	l := NewMemoryLimiter(time.Minute, 3)
	if got := l.TokensAt("ana", t0); got != 3 {
		t.Fatalf("a key never seen holds %v tokens, want the burst, 3", got)
	}
	for range 5 {
		l.TokensAt("ana", t0) // reading spends nothing
	}
	l.AllowAt("ana", t0)
	l.AllowAt("ana", t0)
	if got := l.TokensAt("ana", t0); got != 1 {
		t.Fatalf("after two events %v tokens, want 1", got)
	}
	if got := l.TokensAt("ana", t0.Add(30*time.Second)); got != 1.5 {
		t.Fatalf("half a minute later %v tokens, want 1.5", got)
	}
	if got := l.TokensAt("ana", t0.Add(time.Hour)); got != 3 {
		t.Fatalf("an hour later %v tokens, want the burst, 3", got)
	}
	if n := l.Len(); n != 1 {
		t.Errorf("%d keys remembered, want 1: reading must not remember keys", n)
	}
	ctx := context.Background()
	if got, err := l.Tokens(ctx, "bob"); got != 3 || err != nil {
		t.Errorf("Tokens(bob) = %v, %v; want 3", got, err)
	}
}

// TestLimiterTokensWhenFull: while newcomers share the overflow bucket, a key the limiter
// does not hold reads as full, even once the overflow bucket is spent: it is forgotten,
// not taken for one that spent it.
func TestLimiterTokensWhenFull(t *testing.T) {
	l := NewMemoryLimiter(time.Minute, 2)
	l.maxKeys = 1
	l.AllowAt("ana", t0)
	l.AllowAt("bob", t0) // the overflow bucket
	l.AllowAt("bob", t0)
	if got := l.TokensAt("carol", t0); got != 2 {
		t.Errorf("a newcomer while full reads %v tokens, want the burst, 2", got)
	}
	if got := l.TokensAt("ana", t0); got != 1 {
		t.Errorf("a known key while full reads %v tokens, want its own 1", got)
	}
}

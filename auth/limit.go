package auth

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a token bucket per key (a client address, a handle): each key may act burst
// times at once, then once per every. Implementations are safe for concurrent use.
type Limiter interface {
	// Allow reports whether key may act now, and counts the event if so. An error means
	// the limit could not be checked (its database did not answer); the caller decides
	// whether to let the event through.
	Allow(ctx context.Context, key string) (bool, error)
	// Tokens returns how many events key may have now, without counting one: less than 1
	// when Allow would refuse, the burst for a key the limiter does not hold (never seen,
	// idle long enough to be full again, or one a MemoryLimiter could not remember). It
	// lets a caller count only some events (failures) yet check before each; an error is
	// as for Allow.
	Tokens(ctx context.Context, key string) (float64, error)
}

// Limits makes the limiters of a node. A name tells limiters apart where they share
// storage, so that each has its own buckets; every and burst are as in NewMemoryLimiter.
type Limits interface {
	Limiter(name string, every time.Duration, burst int) Limiter
}

// InMemory makes limiters held in this process, right for a single node: several nodes
// with limiters of their own would each allow the whole budget.
type InMemory struct{}

// Limiter returns a new MemoryLimiter; the name is not needed, as nothing is shared.
func (InMemory) Limiter(_ string, every time.Duration, burst int) Limiter {
	return NewMemoryLimiter(every, burst)
}

// maxKeys bounds a MemoryLimiter's memory: about 200 bytes a key, so 20 MB at most.
const maxKeys = 100_000

// MemoryLimiter is a Limiter in this process's memory, which stays bounded however many
// keys it sees.
//
// A key idle for burst×every has a full bucket again, exactly as if it had never been seen,
// so the limiter forgets it then; a sweep does so at most once per that window. When
// maxKeys keys are all active, keys not yet known share one overflow bucket until the next
// sweep: limits degrade to one shared limit for newcomers rather than lapsing for anyone.
type MemoryLimiter struct {
	limit   rate.Limit
	burst   int
	window  time.Duration
	maxKeys int

	mu        sync.Mutex
	keys      map[string]*bucket
	overflow  *rate.Limiter
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewMemoryLimiter returns a limiter that allows each key burst events at once and one more
// per every after that. every must be positive; a burst below 1 counts as 1.
func NewMemoryLimiter(every time.Duration, burst int) *MemoryLimiter {
	if every <= 0 {
		panic("auth.NewMemoryLimiter: every must be positive")
	}
	burst = max(burst, 1)
	return &MemoryLimiter{
		limit:    rate.Every(every),
		burst:    burst,
		window:   every * time.Duration(burst),
		maxKeys:  maxKeys,
		keys:     map[string]*bucket{},
		overflow: rate.NewLimiter(rate.Every(every), burst),
	}
}

// Allow reports whether key may act now, and counts the event if so; it never fails.
func (l *MemoryLimiter) Allow(_ context.Context, key string) (bool, error) {
	return l.AllowAt(key, time.Now()), nil
}

// AllowAt is Allow at a given time, for tests that move their own clock. Times must not go
// backwards by more than the limiter's window.
func (l *MemoryLimiter) AllowAt(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= l.window {
		l.sweep(now)
	}
	b, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= l.maxKeys {
			return l.overflow.AllowN(now, 1)
		}
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.keys[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// Tokens returns how many events key may have now, without counting one; it never fails.
func (l *MemoryLimiter) Tokens(_ context.Context, key string) (float64, error) {
	return l.TokensAt(key, time.Now()), nil
}

// TokensAt is Tokens at a given time. It remembers no key, and a key it does not hold
// holds the whole burst, even while newcomers share the overflow bucket: what the limiter
// could not remember it has forgotten. Reading the overflow bucket instead would let a
// flood of failures, once it fills the limiter, make every newcomer look as if it had
// failed too.
func (l *MemoryLimiter) TokensAt(key string, now time.Time) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.keys[key]; ok {
		return b.lim.TokensAt(now)
	}
	return float64(l.burst)
}

// sweep forgets the keys idle for a whole window, whose buckets are full again.
func (l *MemoryLimiter) sweep(now time.Time) {
	for k, b := range l.keys {
		if now.Sub(b.seen) >= l.window {
			delete(l.keys, k)
		}
	}
	l.lastSweep = now
}

// Len returns how many keys the limiter remembers.
func (l *MemoryLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

package cache

import (
	"sync"
	"time"
)

// Value keeps one value read from a database for a while: reads within TTL of the last
// load share it, and one load runs at a time, so a burst of readers after it expires
// costs one query. The stores keep the forum's structure in one.
type Value[T any] struct {
	TTL time.Duration

	mu     sync.Mutex
	value  T
	loaded time.Time // zero when there is nothing to share
}

// Get returns the kept value, or what load returns when it is missing or older than TTL.
// Errors are not kept.
func (v *Value[T]) Get(load func() (T, error)) (T, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.loaded.IsZero() && time.Since(v.loaded) < v.TTL {
		return v.value, nil
	}
	value, err := load()
	if err != nil {
		return value, err
	}
	v.value, v.loaded = value, time.Now()
	return value, nil
}

// Forget drops the kept value, after a change this process made.
func (v *Value[T]) Forget() {
	v.mu.Lock()
	var zero T
	v.value, v.loaded = zero, time.Time{}
	v.mu.Unlock()
}

package seimport

import "iter"

// aheadRows and aheadBatches bound what ahead holds: a few hundred rows of each file, a
// few megabytes of posts at most.
const (
	aheadRows    = 256
	aheadBatches = 4
)

// decoded is one value of an iterator, kept to be handed over.
type decoded[T any] struct {
	v   T
	err error
}

// ahead ranges over rows on a goroutine of its own, handing them over in batches, so that
// on two cores decoding a dump file overlaps writing what was decoded into the scratch
// database. It yields what rows yields, in order; when the loop over it ends early, the
// goroutine stops, and has closed the file, before ahead returns.
func ahead[T any](rows iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		batches := make(chan []decoded[T], aheadBatches)
		done := make(chan struct{})
		go decode(rows, batches, done)
		defer func() {
			close(done)
			for range batches { // wait for the goroutine to stop
			}
		}()
		for batch := range batches {
			for _, d := range batch {
				if !yield(d.v, d.err) {
					return
				}
			}
		}
	}
}

// decode sends rows in batches until they end or done is closed, then closes batches.
func decode[T any](rows iter.Seq2[T, error], batches chan<- []decoded[T], done <-chan struct{}) {
	defer close(batches)
	batch := make([]decoded[T], 0, aheadRows)
	send := func() bool {
		select {
		case batches <- batch:
			batch = make([]decoded[T], 0, aheadRows)
			return true
		case <-done:
			return false
		}
	}
	for v, err := range rows {
		if batch = append(batch, decoded[T]{v, err}); len(batch) == aheadRows && !send() {
			return
		}
	}
	if len(batch) > 0 {
		send()
	}
}

package seimport

import (
	"errors"
	"iter"
	"slices"
	"testing"
)

// numbers yields 1 to n, then err when it is set, and records whether its loop was left.
func numbers(n int, err error, stopped *bool) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		defer func() { *stopped = true }()
		for i := 1; i <= n; i++ {
			if !yield(i, nil) {
				return
			}
		}
		if err != nil {
			yield(0, err)
		}
	}
}

func TestAhead(t *testing.T) {
	broken := errors.New("broken row")
	for _, c := range []struct {
		n   int
		err error
	}{{0, nil}, {1, nil}, {aheadRows, nil}, {aheadRows*aheadBatches*3 + 7, nil}, {aheadRows + 1, broken}} {
		var stopped bool
		var got []int
		var gotErr error
		for v, err := range ahead(numbers(c.n, c.err, &stopped)) {
			if err != nil {
				gotErr = err
				continue
			}
			got = append(got, v)
		}
		var want []int
		for i := 1; i <= c.n; i++ {
			want = append(want, i)
		}
		if !slices.Equal(got, want) || gotErr != c.err || !stopped {
			t.Errorf("ahead over %d rows and %v gave %d rows and %v, the source stopped: %t", c.n, c.err, len(got), gotErr, stopped)
		}
	}
}

// TestAheadStops leaves a loop over ahead early: the source's loop has ended, as a file
// it reads would be closed, once ahead returns.
func TestAheadStops(t *testing.T) {
	var stopped bool
	n := 0
	for range ahead(numbers(aheadRows*aheadBatches*10, nil, &stopped)) {
		if n++; n == aheadRows+3 {
			break
		}
	}
	if !stopped {
		t.Error("the source was still being read after the loop ended")
	}
}

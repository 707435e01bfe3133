package progress_test

import (
	"bytes"
	"testing"

	"github.com/parley-forum/parley/progress"
	"github.com/parley-forum/parley/progress/progresstest"
)

// TestBar counts a batch at once, as the commands do, and reads what the bar drew: nought
// first, no impossible rate, and nothing left once it finished.
func TestBar(t *testing.T) {
	var out bytes.Buffer
	bar := progress.New(&out, 1000, "Counting", "items")
	bar.Add(500)
	bar.Finish()
	progresstest.Check(t, out.String(), "items", 1_000_000)
	if progress.New(nil, 10, "", "items").Add(10) != nil {
		t.Error("a bar without a writer failed to count")
	}
}

package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/progress/progresstest"
	"github.com/parley-forum/parley/sqlite"
)

// TestDemoProgressBar builds a demo forum with the progress bar drawn into a buffer and
// reads what it drew: the bar starts at nought, before the first batch, so that its clock
// and its rate cover the work, and no rate it shows is beyond what a generator can do (the
// first frame once showed tens of millions of threads a second, the first batch's count over
// the instant since the bar was first drawn); at the end it is erased.
func TestDemoProgressBar(t *testing.T) {
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	files, err := blob.NewDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cfg := demo.Config{Threads: 3 * demo.BatchSize, Posts: 6 * demo.BatchSize, Users: 50, Seed: 1}
	if err := buildDemo(t.Context(), store, files, cfg, &out); err != nil {
		t.Fatal(err)
	}
	progresstest.Check(t, out.String(), "threads", 1_000_000)
}

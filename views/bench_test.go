package views_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/views"
)

// BenchmarkFlush writes a batch of counted views to a real SQLite forum: one op is one
// flush of views of batch distinct threads, the work a busy node's flush does every interval
// while it holds the database's one writer.
func BenchmarkFlush(b *testing.B) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	forum := demo.Config{Threads: 20_000, Posts: 40_000, Users: 1_000, Seed: 1, Now: time.Now()}
	w, err := store.Bulk(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Generate(ctx, forum, markdown.New(), w, nil); err != nil {
		b.Fatal(err)
	}
	for _, batch := range []int{100, 1000, 10_000} {
		b.Run("threads="+strconv.Itoa(batch), func(b *testing.B) {
			c := views.New(store, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
			round := 0
			for b.Loop() {
				round++
				for i := range batch {
					c.Count(int64(1+(i*7919)%forum.Threads), "reader "+strconv.Itoa(round))
				}
				if err := c.Flush(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

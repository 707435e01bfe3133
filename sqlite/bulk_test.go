package sqlite_test

import (
	"context"

	"testing"
	"time"

	parley "github.com/parley-forum/parley"

	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
)

// BenchmarkBulkDemo measures loading a generated forum, the work behind parley demo.
func BenchmarkBulkDemo(b *testing.B) {
	ctx := context.Background()
	r := markdown.New()
	for b.Loop() {
		s := MustOpen(b, nil)
		w, err := s.Bulk(ctx)
		if err != nil {
			b.Fatal(err)
		}
		cfg := demo.Config{Threads: 20_000, Posts: 100_000, Users: 3_000, Seed: 1, Now: time.Now()}
		tw := &timedClose{BulkWriter: w}
		if err := demo.Generate(ctx, cfg, r, tw, nil); err != nil {
			b.Fatal(err)
		}
		s.Close()
		b.ReportMetric(float64(cfg.Posts)/b.Elapsed().Seconds(), "posts/s")
		b.ReportMetric(tw.took.Seconds(), "close-s")
	}
}

// timedClose measures the last step of a bulk load: deriving lists and building indexes.
type timedClose struct {
	parley.BulkWriter
	took time.Duration
}

func (w *timedClose) Close(ctx context.Context) error {
	start := time.Now()
	defer func() { w.took = time.Since(start) }()
	return w.BulkWriter.Close(ctx)
}

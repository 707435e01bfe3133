package demo

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/parley-forum/parley/markdown"
)

// BenchmarkGenerate generates 20,000 threads and 100,000 posts with the real renderer
// into a writer that discards them, so it measures the generator alone. Set
// PARLEY_DEMO_THREADS, PARLEY_DEMO_POSTS and PARLEY_DEMO_USERS to try other sizes, e.g.
// the full 1,000,000 / 5,000,000 demo with -benchtime=1x.
func BenchmarkGenerate(b *testing.B) {
	threads := envInt(b, "PARLEY_DEMO_THREADS", 20_000)
	cfg := Config{
		Threads: threads,
		Posts:   envInt(b, "PARLEY_DEMO_POSTS", 5*threads),
		Users:   envInt(b, "PARLEY_DEMO_USERS", max(threads/10, MinUsers)),
		Seed:    1,
		Now:     testNow,
	}
	r := markdown.New()
	var w *discardWriter
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w = &discardWriter{}
		if err := Generate(context.Background(), cfg, r, w, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(w.threads)/secs, "threads/s")
	b.ReportMetric(secs*1e9/float64(w.posts), "ns/post")
	b.ReportMetric(float64(w.mdBytes)/float64(w.posts), "md-B/post")
	b.ReportMetric(float64(w.htmlLen)/float64(w.posts), "html-B/post")
}

func envInt(tb testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatalf("%s=%q: %v", name, s, err)
	}
	return n
}

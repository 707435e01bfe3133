package sqlite

import (
	"context"
	"os"
	"testing"
)

// BenchmarkSimilarThreads measures searches on an existing database, such as a million-thread
// demo: PARLEY_BENCH_DB=/path/to/parley.db go test ./sqlite -run - -bench SimilarThreads.
// The database needs its full-text index (parley reindex).
func BenchmarkSimilarThreads(b *testing.B) {
	path := os.Getenv("PARLEY_BENCH_DB")
	if path == "" {
		b.Skip("PARLEY_BENCH_DB is not set")
	}
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var titles []string
	rows, err := s.read.QueryContext(ctx, `SELECT title FROM threads WHERE id % 9973 = 1 LIMIT 100`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var title string
		if err := rows.Scan(&title); err != nil {
			b.Fatal(err)
		}
		titles = append(titles, title)
	}
	if err := rows.Close(); err != nil || len(titles) == 0 {
		b.Fatalf("no titles to search for (%v)", err)
	}
	texts := map[string][]string{
		"brief":  {"urlsession offline error", "EXC_BAD_ACCESS crash", "NWConnection stuck in preparing state", "crash on ios"},
		"titles": titles,
	}
	for name, texts := range texts {
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := s.SimilarThreads(ctx, texts[i%len(texts)], 10); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

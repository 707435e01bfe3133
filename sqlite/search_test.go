package sqlite

import (
	"context"
	"os"
	"slices"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/storetest"
)

// TestSearchTriggers retitles and deletes threads behind the store's back, as a future
// rename or a moderator's delete would: the title index must follow.
func TestSearchTriggers(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	top, _ := s.CreateTopic(ctx, parley.NewTopic{Slug: "t", Name: "Topic"})
	sub, _ := s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "s", Name: "Sub"})
	tag, _ := s.CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"})
	u, _ := s.CreateUser(ctx, parley.NewUser{Handle: "asker", DisplayName: "Asker"})
	ask := func(title string) int64 {
		th, _, err := s.CreateThread(ctx, parley.NewThread{Title: title, SubtopicID: sub.ID, TagIDs: []int64{tag.ID}, AuthorID: u.ID, Text: storetest.Text("Body")})
		if err != nil {
			t.Fatal(err)
		}
		return th.ID
	}
	renamed, deleted := ask("Bonjour browsing finds nothing"), ask("Keychain item is missing")
	exec := func(query string, args ...any) {
		if _, err := s.write.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	exec(`UPDATE threads SET title = 'Multicast entitlement request denied' WHERE id = ?`, renamed)
	exec(`PRAGMA foreign_keys = OFF`)
	for _, q := range []string{`DELETE FROM posts WHERE thread_id = ?`, `DELETE FROM thread_listings WHERE thread_id = ?`,
		`DELETE FROM thread_tags WHERE thread_id = ?`, `DELETE FROM threads WHERE id = ?`} {
		exec(q, deleted)
	}
	exec(`PRAGMA foreign_keys = ON`)
	exec(`UPDATE threads SET view_count = 7 WHERE id = ?`, renamed) // not a title change

	found := func(text string) []int64 {
		threads, err := s.SimilarThreads(ctx, text, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, th := range threads {
			ids = append(ids, th.ID)
		}
		return ids
	}
	if ids := found("bonjour browsing"); len(ids) != 0 {
		t.Errorf("the old title still finds %v", ids)
	}
	if ids := found("multicast entitlement"); !slices.Equal(ids, []int64{renamed}) {
		t.Errorf("the new title finds %v, want [%d]", ids, renamed)
	}
	if ids := found("keychain"); len(ids) != 0 {
		t.Errorf("a deleted thread is found: %v", ids)
	}
	// With rank 1 the check compares the index with the titles in threads.
	exec(`INSERT INTO threads_fts (threads_fts, rank) VALUES ('integrity-check', 1)`)
}

// BenchmarkSimilarThreads measures searches on an existing database, such as a million-thread
// demo: PARLEY_BENCH_DB=/path/to/parley.db go test ./sqlite -run - -bench SimilarThreads.
// Opening it applies any missing migration, which builds the title index.
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

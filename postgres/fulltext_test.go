package postgres

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/sqlstore"
)

// TestFewMatchesFromThePlannersEstimate: on a forum whose statistics are fresh, a lexeme
// that one post holds is few, and the commonest lexeme, held by more posts than sorting
// pays for, is not.
func TestFewMatchesFromThePlannersEstimate(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t, dialect)
	q := querier{s.pool}
	var common, rare string
	var commonPosts, posts float64
	if err := s.pool.QueryRow(ctx, `SELECT word, ndoc FROM ts_stat('SELECT document FROM post_search') ORDER BY ndoc DESC, word LIMIT 1`).
		Scan(&common, &commonPosts); err != nil {
		t.Fatal(err)
	}
	if err := s.pool.QueryRow(ctx, `SELECT word FROM ts_stat('SELECT document FROM post_search') WHERE ndoc = 1 ORDER BY word LIMIT 1`).
		Scan(&rare); err != nil {
		t.Fatal(err)
	}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM post_search`).Scan(&posts); err != nil {
		t.Fatal(err)
	}
	if commonPosts*commonPosts <= 0.4*500*posts {
		t.Fatalf("the forum's commonest lexeme %q is in %.0f of %.0f posts, too few for this test", common, commonPosts, posts)
	}
	for _, c := range []struct {
		lexeme string
		want   bool
	}{{rare, true}, {common, false}} {
		few, err := fewMatches(ctx, q, tsLexeme(c.lexeme), 500)
		if err != nil || few != c.want {
			t.Errorf("fewMatches(%q) = %v, %v; want %v", c.lexeme, few, err, c.want)
		}
	}
}

// TestNewestOfFewMatchesAsWalked: a search reads the same threads and posts whether its
// matches are read all and sorted (newestOfAll) or walked newest first (newest).
func TestNewestOfFewMatchesAsWalked(t *testing.T) {
	ctx := context.Background()
	always := func(few bool) sqlstore.Dialect {
		d := dialect
		d.Search.Few = func(context.Context, sqlstore.Querier, any, int) (bool, error) { return few, nil }
		return d
	}
	sorted := demoStore(t, always(true))
	walked := &Store{pool: sorted.pool}
	walked.Store = sqlstore.New(&db{primary: sorted.pool}, always(false), time.Now)
	for _, text := range []string{"crash", "network timeout", `"local network"`, "permission is:answered", "certificate tag:tls",
		"keychain boosts:1", "upload has:code", "swiftui -navigation"} {
		query, err := search.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		var pages [2][]string
		for i, s := range []*Store{sorted, walked} {
			page, err := s.Search(ctx, parley.SearchQuery{Query: query, Limit: 20})
			if err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			for _, r := range page.Results {
				pages[i] = append(pages[i], fmt.Sprintf("%d/%d", r.Thread.ID, r.PostID))
			}
		}
		if len(pages[0]) == 0 {
			t.Errorf("%s: nothing found, so nothing compared", text)
		}
		if !slices.Equal(pages[0], pages[1]) {
			t.Errorf("%s: sorted found %v, walked %v", text, pages[0], pages[1])
		}
	}
}

// demoStore opens a store with dialect d in a fresh schema, loads a small demo forum into
// it and refreshes the planner's statistics, as a bulk load does.
func demoStore(t *testing.T, d sqlstore.Dialect) *Store {
	t.Helper()
	ctx := context.Background()
	url, name := newTestSchema(t, "fulltext")
	s, err := Open(ctx, url, Options{Schema: name, Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Store = sqlstore.New(&db{primary: s.pool}, d, time.Now)
	w, err := s.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forum := demo.Config{Threads: 2_000, Posts: 8_000, Users: 200, Seed: 1, Now: time.Now()}
	if err := demo.Generate(ctx, forum, markdown.New(), w, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

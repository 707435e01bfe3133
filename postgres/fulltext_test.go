package postgres

import (
	"context"
	"fmt"
	"html"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/sedump/sedumptest"
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
		few, err := fewMatches(ctx, q, tsMatch{query: tsLexeme(c.lexeme)}, 500)
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

// TestPhrasesFoundByTheirPairs: a phrase finds the same threads and posts from an index
// that holds each post's pairs of words (a forum made at this version), from one that does
// not (made before: no pairs, and the state saying so), and from that index written again
// by Reindex, which leaves it holding them.
func TestPhrasesFoundByTheirPairs(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t, dialect)
	phrases := []string{`"main thread"`, `"local network"`, `"crashes on launch"`, `"app extension"`,
		`"background session" tag:network`, `"works in the Simulator"`, `-"main thread" crash`}
	untitled := 0 // results found by a post, not by their title
	search := func(state string) (found []string) {
		for _, text := range phrases {
			query, err := search.Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			page, err := s.Search(ctx, parley.SearchQuery{Query: query, Limit: parley.ListLimit})
			if err != nil {
				t.Fatalf("%s, %s: %v", state, text, err)
			}
			var ids []string
			for _, r := range page.Results {
				ids = append(ids, fmt.Sprintf("%d/%d", r.Thread.ID, r.PostID))
				if !strings.Contains(strings.ToLower(r.Thread.Title), strings.Trim(strings.Fields(text)[0], `"-`)) {
					untitled++
				}
			}
			found = append(found, text+": "+strings.Join(ids, " "))
		}
		return found
	}
	holdsPairs := func(state string, want bool) {
		t.Helper()
		var complete bool
		var pairs int
		err := s.pool.QueryRow(ctx, `SELECT (SELECT pairs FROM search_state),
			(SELECT count(*) FROM post_pairs WHERE pairs @@ 'main+thread'::tsquery)`).Scan(&complete, &pairs)
		if err != nil || complete != want || (pairs > 0) != want {
			t.Fatalf("%s: state says pairs %v, %d entries hold main+thread (%v); want %v", state, complete, pairs, err, want)
		}
	}
	holdsPairs("made with pairs", true)
	paired := search("made with pairs")
	if untitled < 10 {
		t.Fatalf("%d results found by a post rather than their title, too few to compare:\n%s", untitled, strings.Join(paired, "\n"))
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM post_pairs; UPDATE search_state SET pairs = false`); err != nil {
		t.Fatal(err)
	}
	holdsPairs("made before pairs", false)
	if before := search("made before pairs"); !slices.Equal(before, paired) {
		t.Errorf("found without pairs:\n%s\nwith them:\n%s", strings.Join(before, "\n"), strings.Join(paired, "\n"))
	}
	if err := s.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	holdsPairs("reindexed", true)
	if again := search("reindexed"); !slices.Equal(again, paired) {
		t.Errorf("found after reindexing:\n%s\nbefore:\n%s", strings.Join(again, "\n"), strings.Join(paired, "\n"))
	}
}

// TestStemsAsPostgreSQLStems: every plain word of the three Stack Exchange extracts and of
// the demo forum stems in package search as parley_search stems it, so that a post's pairs
// of words (search.Pairs) are pairs of the lexemes PostgreSQL compares a phrase's by.
func TestStemsAsPostgreSQLStems(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t, dialect)
	words := map[string]bool{}
	add := func(text string) {
		for _, w := range search.Index(text).Words {
			if _, plain := search.Stem(w); plain {
				words[w] = true
			}
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT title || ' ' || body FROM posts JOIN threads ON threads.id = posts.thread_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			t.Fatal(err)
		}
		add(text)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, site := range sedumptest.Sites {
		posts, err := os.ReadFile(filepath.Join(sedumptest.Dump(t, site), "Posts.xml"))
		if err != nil {
			t.Fatal(err)
		}
		add(html.UnescapeString(string(posts)))
	}
	list := slices.Sorted(maps.Keys(words))
	if len(list) < 10_000 {
		t.Fatalf("%d plain words read, too few to tell", len(list))
	}
	var differ []string
	rows, err = s.pool.Query(ctx, `SELECT w, coalesce(array_to_string(tsvector_to_array(to_tsvector('parley_search', w)), ' '), '')
		FROM unnest($1::text[]) w`, list)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var w, lexeme string
		if err := rows.Scan(&w, &lexeme); err != nil {
			t.Fatal(err)
		}
		if stem, _ := search.Stem(w); stem != lexeme {
			differ = append(differ, fmt.Sprintf("%s: %q, PostgreSQL %q", w, stem, lexeme))
		}
	}
	if len(differ) > 0 {
		t.Errorf("%d of %d words stem otherwise than in PostgreSQL: %s", len(differ), len(list), strings.Join(differ[:min(len(differ), 20)], "; "))
	}
}

// TestFewPhrasesByTheirRarestPair: the posts holding a phrase's pairs are reckoned as those
// holding its rarest pair, since its pairs go together: a phrase whose every pair is the
// forum's commonest is not few, although the planner, taking its pairs as independent,
// reckons few posts hold two of them; one with a pair no post holds is.
func TestFewPhrasesByTheirRarestPair(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t, dialect)
	q := querier{s.pool}
	var common string
	var commonPosts, posts float64
	if err := s.pool.QueryRow(ctx, `SELECT word, ndoc, (SELECT count(*) FROM post_search)
		FROM ts_stat('SELECT pairs FROM post_pairs') ORDER BY ndoc DESC, word LIMIT 1`).Scan(&common, &commonPosts, &posts); err != nil {
		t.Fatal(err)
	}
	if commonPosts*commonPosts <= 0.1*500*posts {
		t.Fatalf("the forum's commonest pair %q is in %.0f of %.0f posts, too few for this test", common, commonPosts, posts)
	}
	both := tsLexeme(common) + " & " + tsLexeme(common)
	for _, c := range []struct {
		pairs []string
		want  bool
	}{{[]string{common, common}, false}, {[]string{common, "zzz+zzz"}, true}} {
		few, err := fewMatches(ctx, q, tsMatch{query: "x" + pairsMark + both, pairs: [][]string{c.pairs}}, 500)
		if err != nil || few != c.want {
			t.Errorf("fewMatches of pairs %q = %v, %v; want %v", c.pairs, few, err, c.want)
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

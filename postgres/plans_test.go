package postgres_test

import (
	"context"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/storetest"
)

// A prepared statement is planned again for each run's values unless PostgreSQL judges its
// generic plan no dearer, and for a list's statement it never did: planning it was most of
// what a list page cost the database. The lists and the thread page are planned once a
// connection; a search, whose best plan depends on how common its words are, is planned
// for its words every time.
func TestReadsArePlannedOnceAndSearchesForTheirWords(t *testing.T) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, pgtest.MustURL(t), postgres.Options{MaxConns: 1}) // one session to inspect
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	th, tag := oneThread(t, s)

	const runs = 10
	for range runs {
		if _, err := s.Threads(ctx, parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeTag, ID: tag}, Sort: parley.SortBoosts, Limit: 20, WithPinned: true}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ThreadWithPosts(ctx, th, 0, 20); err != nil {
			t.Fatal(err)
		}
	}
	q, err := search.Parse("reachability")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		page, err := s.Search(ctx, parley.SearchQuery{Query: q, Limit: 20})
		if err != nil || len(page.Results) != 1 {
			t.Fatalf("search found %d threads (%v), want the one", len(page.Results), err)
		}
	}

	rows, err := s.Pool().Query(ctx, `SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	lists, threads := 0, 0
	for rows.Next() {
		var stmt string
		var generic, custom int64
		if err := rows.Scan(&stmt, &generic, &custom); err != nil {
			t.Fatal(err)
		}
		oneLine := strings.Join(strings.Fields(stmt), " ")
		switch {
		case strings.Contains(stmt, "@@"):
			t.Errorf("a search's statement was prepared, and so planned without its words: %.200s", oneLine)
		case strings.Contains(stmt, "FROM thread_listings l"), strings.Contains(stmt, "WHERE t.id = $1"), strings.Contains(stmt, "WHERE p.thread_id = $1"):
			if custom > 1 || generic < runs-1 {
				t.Errorf("planned %d times in %d runs (%d generic plans): %.200s", custom+min(generic, 1), generic+custom, generic, oneLine)
			}
			// Told no LIMIT, a plan guesses a tenth of the rows, and at a million threads
			// started a parallel worker to read a page of 31.
			if strings.Contains(stmt, "LIMIT $") {
				t.Errorf("the page's size is a parameter, which a generic plan does not know: %.200s", oneLine)
			}
			if strings.Contains(stmt, "thread_listings") {
				lists++
			} else {
				threads++
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if lists == 0 || threads < 2 {
		t.Fatalf("found %d list and %d thread statements prepared, want the list's and the thread page's two", lists, threads)
	}
}

// oneThread makes a forum of one thread, tagged, whose question says "reachability".
func oneThread(t *testing.T, s parley.Store) (thread, tag int64) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.CreateUser(ctx, parley.NewUser{Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember})
	must(err)
	top, err := s.CreateTopic(ctx, parley.NewTopic{Slug: "net", Name: "Networking"})
	must(err)
	sub, err := s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "sockets", Name: "Sockets"})
	must(err)
	tg, err := s.CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"})
	must(err)
	th, _, err := s.CreateThread(ctx, parley.NewThread{Title: "Checking reachability", SubtopicID: sub.ID,
		TagIDs: []int64{tg.ID}, AuthorID: u.ID, Text: storetest.Text("How do I check reachability before connecting?")})
	must(err)
	return th.ID, tg.ID
}

package seimport_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/sedump"
	"github.com/parley-forum/parley/sedump/sedumptest"
	"github.com/parley-forum/parley/seimport"
)

// The relevance the search promises on real text: a question's title, typed into the
// search box, finds that question first at least this often, and in the top three at
// least this often.
const (
	wantFirst = 0.75
	wantTop3  = 0.90
)

func TestTitlesFindTheirQuestionsSQLite(t *testing.T) {
	for _, site := range []string{"conlang-meta", "bicycles-meta", "cardano"} {
		t.Run(site, func(t *testing.T) {
			checkRelevance(t, mustOpenSQLite(t), sedumptest.Dump(t, site))
		})
	}
}

func TestTitlesFindTheirQuestionsPostgreSQL(t *testing.T) {
	checkRelevance(t, pgtest.MustOpen(t, nil), sedumptest.Dump(t, "conlang-meta"))
}

// checkRelevance imports the dump in dir into store, searches for each question's title
// and checks where the question ranks.
func checkRelevance(t *testing.T, store parley.Store, dir string) {
	ctx := context.Background()
	if _, err := seimport.Import(ctx, store, dir, seimport.Options{ScratchDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	var searched, first, top3, quoted int
	var misses []string
	for p, err := range sedump.Posts(dir) {
		if err != nil {
			t.Fatal(err)
		}
		if p.PostTypeID != sedump.Question {
			continue
		}
		th, err := store.Thread(ctx, p.ID)
		if err != nil {
			t.Fatalf("question %d: %v", p.ID, err)
		}
		if th.Deleted {
			continue
		}
		q, requoted := titleQuery(t, th.Title)
		if requoted {
			quoted++
		}
		page, err := store.Search(ctx, parley.SearchQuery{Query: q, Limit: 3})
		if err != nil {
			t.Fatalf("search %q: %v", th.Title, err)
		}
		searched++
		rank := 0
		for i, r := range page.Results {
			if r.Thread.ID == th.ID {
				rank = i + 1
			}
		}
		switch {
		case rank == 1:
			first++
			top3++
		case rank > 0:
			top3++
		default:
			misses = append(misses, th.Title)
		}
	}
	if searched == 0 {
		t.Fatal("no question to search for")
	}
	firstShare, top3Share := float64(first)/float64(searched), float64(top3)/float64(searched)
	t.Logf("%d titles searched (%d with words quoted): first %d (%.1f%%), top 3 %d (%.1f%%)",
		searched, quoted, first, 100*firstShare, top3, 100*top3Share)
	for i, title := range misses {
		if i == 10 {
			t.Logf("… and %d more out of the top 3", len(misses)-10)
			break
		}
		t.Logf("not in the top 3: %q", title)
	}
	if firstShare < wantFirst || top3Share < wantTop3 {
		t.Errorf("the question is first for %.1f%% of its titles and in the top 3 for %.1f%%; want %.0f%% and %.0f%%",
			100*firstShare, 100*top3Share, 100*wantFirst, 100*wantTop3)
	}
}

// titleQuery reads a title as the search box would. A word the parser refuses, one that
// reads as an unknown operator such as "note:this", is searched for in quotes, as the
// search page's error advises; requoted reports that some were.
func titleQuery(t *testing.T, title string) (q search.Query, requoted bool) {
	t.Helper()
	q, err := search.Parse(title)
	var errs search.Errors
	if !errors.As(err, &errs) {
		return q, false
	}
	words := strings.Fields(title)
	for _, e := range errs {
		for i, w := range words {
			if e.Term != "" && w == e.Term {
				words[i] = `"` + strings.ReplaceAll(w, `"`, "") + `"`
			}
		}
	}
	q, err = search.Parse(strings.Join(words, " "))
	if err != nil {
		t.Fatalf("title %q, its refused words quoted: %v", title, err)
	}
	return q, true
}

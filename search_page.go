package parley

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-forum/parley/search"
)

// SortRelevance orders search results best match first, the default for a search. A
// search may also be sorted as lists are, by the other SearchSorts.
const SortRelevance Sort = "relevance"

// SearchSorts lists the orders of search results, in the order a sort control offers them.
var SearchSorts = []Sort{SortRelevance, SortNewest, SortActivity, SortBoosts}

// MaxSearchWords bounds the keywords the composer's similar threads look up, the first ones
// written (search.Keywords): a title rarely has more that tell it apart, and text pasted
// into a title box must not cost more than a title.
const MaxSearchWords = 8

// ParseSearchSort reads a search's ?sort= value; empty means relevance.
func ParseSearchSort(s string) (Sort, error) {
	return parseSortOf(s, SearchSorts, "search results sort by relevance, newest, activity or boosts")
}

// SearchQuery asks for one page of search results.
type SearchQuery struct {
	Query search.Query
	// Sort is one of SearchSorts; empty is SortRelevance.
	Sort  Sort
	After *SearchCursor // nil for the first page
	Limit int           // 1 to ListLimit
}

// SearchResult is one thread a search found.
type SearchResult struct {
	// Thread is as Store.Thread gives it.
	Thread Thread
	// PostID is the post that matched best, 0 when the query has no words or phrases.
	PostID int64
	// Snippet is a short passage of that post, or of the question, with the matches marked.
	Snippet []search.Span
}

// SearchPage is one page of search results, best first.
type SearchPage struct {
	Results []SearchResult
	Next    *SearchCursor // nil on the last page
}

// SearchCursor marks where a page of search results ends: the last result's score and
// thread. Scores are whole numbers computed the same way for every page of one query (the
// match's rank, or under another sort the thread's time or boosts), so the next page
// starts exactly after it, as a list's cursor does.
type SearchCursor struct {
	Score    int64
	ThreadID int64
}

// String encodes the cursor for a URL.
func (c SearchCursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("s.%d.%d", c.Score, c.ThreadID)))
}

// ParseSearchCursor reads a ?after= value made by SearchCursor.String; empty is no cursor.
func ParseSearchCursor(s string) (*SearchCursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := Invalid("after", "This page link is damaged or out of date; start again from the first page.")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[0] != "s" {
		return nil, bad
	}
	score, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return nil, bad
	}
	return &SearchCursor{Score: score, ThreadID: id}, nil
}

// Validate checks the page size, so that a store only ever sees a sound query.
func (q *SearchQuery) Validate() error {
	if q.Limit < 1 || q.Limit > ListLimit {
		return Invalid("limit", "A page holds 1 to %d threads.", ListLimit)
	}
	if q.Sort != "" {
		if _, err := ParseSearchSort(string(q.Sort)); err != nil {
			return err
		}
	}
	return nil
}

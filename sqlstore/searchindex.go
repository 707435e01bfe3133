package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/search"
)

// The full-text index holds one entry per visible post of every live thread: the thread's
// title and the post's text, each cut into terms by package search (search.Index), so that
// both databases see the same tokens. Each database stores and ranks them its own way
// (SearchDialect). Writes that change what is searchable mark the posts or threads they
// touch (Tx.indexPost, Tx.indexThread), and the transaction indexes them again from the
// tables before it commits: the index never disagrees with what a reader may see. Moves,
// retags and renames change no entry: the filters read the live tables.

// SearchDialect is how a database keeps and reads the full-text index.
type SearchDialect struct {
	// Add is a statement that indexes one post from $1 its id, $2 its thread's id, $3
	// whether it is the question, $4 and $5 the title's words and code terms, $6 and $7 the
	// body's (each written with spaces between terms), and $8 the pairs of words next to
	// each other in either (search.Pairs), written so when Pairs is set, else "".
	Add string
	// Pairs is set for an index that holds each post's pairs of words (Add's $8) to find
	// a phrase's candidates by: one that keeps no word's positions.
	Pairs bool
	// AddFrom returns the statements that index every row of a table whose columns are
	// Add's arguments, named post_id, thread_id, original, title_words, title_code,
	// body_words, body_code and pairs, and the titles of the questions among them: how a bulk
	// load indexes its posts at its end.
	AddFrom func(table string) []string
	// LoadTables and LoadRows, when set, make a bulk load index each post as its batch is
	// written instead (AddFrom is not used): the index's tables and their columns, and a
	// post's row in each (nil for none), made from SearchRow's values.
	LoadTables []TableRows
	LoadRows   func(search []any) [][]any
	// AddTitle is a statement that indexes a thread's title apart, for the question whose
	// id is $1, of the thread whose id is $2, from $3 and $4 the title's words and code terms.
	AddTitle string
	// Any is a query that returns a row when the index holds any entry.
	Any string
	// Reindexed, when set, is a statement run once Reindex has indexed every post again:
	// entries made before the index held all it holds now are gone.
	Reindexed string
	// Remove are the statements that take the posts whose ids are in $1 (Dialect.IDs), and
	// the titles of the questions among them, out of the index.
	Remove []string
	// Hits returns a subquery of the (post_id, score) of the newest posts that match the
	// query in the placeholder param, as many as the placeholder limit says: the score is a
	// whole number, higher for a better match, title matches counting more than body
	// matches. Only the posts returned are scored.
	Hits func(param, limit string) string
	// Matching returns a subquery of the post_id of the posts that match the query in the
	// placeholder param, unranked: cheap to read newest first or for a few posts.
	Matching func(param string) string
	// Phrases, when set, returns Matching for a query (Query's match, in the placeholder
	// param) whose phrases an index of their pairs of words narrows (Pairs), or "" for one
	// it does not: the posts holding their pairs are read first, few where the phrases'
	// words are common. A search reads them all and sorts them when Few says they are few.
	Phrases func(match any, param string) string
	// Titles is Matching for a query of titles alone (Query's title), read from the titles'
	// index: it returns the post_id of the questions of the threads whose title matches.
	Titles func(param string) string
	// InThread returns a condition that holds when a post of the thread whose id is the
	// expression thread matches the query in the placeholder param. The index is read
	// once, for all the threads the condition is asked of; lowest, when not "", is an
	// expression no greater than the id of any of their posts, below which it need not be.
	InThread func(param, thread, lowest string) string
	// Holds returns a condition that holds when the post whose id is the expression post
	// matches the query in the placeholder param: a lookup of one post in the index.
	Holds func(param, post string) string
	// Few, when set, reports whether so few posts match the query match (Query's) that
	// reading them all from the index and sorting them finds the newest wanted sooner than
	// walking the posts newest first, testing each. Unset, the index reads its matches
	// newest first itself (SQLite's FTS5), and the database orders them as it sees fit.
	// It is asked only of a query of one term, or of phrases that Phrases narrows (of the
	// posts it gives): an estimate takes the words of several as independent, which a
	// search's words seldom are (PostgreSQL's reckoned 4,940 posts held both "tls" and
	// "handshake", which 93,712 of 5,000,000 do). Phrases needs it.
	Few func(ctx context.Context, q Querier, match any, wanted int) (bool, error)
	// Query writes the argument Hits and InThread take: a post matches when it holds every
	// term of one of groups, in its title alone when title. It reports false when nothing
	// can match. It may ask q how the database reads words.
	Query func(ctx context.Context, q Querier, groups [][]search.Term, title bool) (arg any, ok bool, err error)
}

// searchChanges are the posts and threads a transaction indexes again before it commits.
type searchChanges struct{ posts, threads []int64 }

// indexPost marks a post whose text, or whose visibility, the transaction changes.
func (tx *Tx) indexPost(id int64) { tx.search.posts = append(tx.search.posts, id) }

// indexThread marks a thread all of whose posts the transaction shows or hides.
func (tx *Tx) indexThread(id int64) { tx.search.threads = append(tx.search.threads, id) }

// syncSearch indexes the marked posts and threads again from the tables: it takes them out
// of the index, then adds those a reader may see.
func (s *Store) syncSearch(ctx context.Context, tx *Tx) error {
	c := tx.search
	if len(c.posts) == 0 && len(c.threads) == 0 {
		return nil
	}
	tx.search = searchChanges{}
	if len(c.threads) > 0 {
		rows, err := tx.Query(ctx, `SELECT id FROM posts WHERE `+s.d.AnyID("thread_id", "$1"), s.d.IDs(c.threads))
		ids, err := collect(rows, err, scanValue[int64])
		if err != nil {
			return err
		}
		c.posts = append(c.posts, ids...)
	}
	type post struct {
		id, threadID int64
		original     bool
		html, title  string
		files        int
	}
	rows, err := tx.Query(ctx, `SELECT p.id, p.thread_id, p.original, p.html, t.title, p.file_count FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE `+s.d.AnyID("p.id", "$1")+` AND p.hidden_at IS NULL AND t.deleted_at IS NULL`, s.d.IDs(c.posts))
	posts, err := collect(rows, err, func(r Row) (p post, err error) {
		return p, r.Scan(&p.id, &p.threadID, &p.original, &p.html, &p.title, &p.files)
	})
	if err != nil {
		return err
	}
	var withFiles []int64
	for _, p := range posts {
		if p.files > 0 {
			withFiles = append(withFiles, p.id)
		}
	}
	texts, err := s.fileTexts(ctx, tx, withFiles)
	if err != nil {
		return err
	}
	var stmts []Stmt
	for _, remove := range s.d.Search.Remove {
		stmts = append(stmts, stmt(remove, s.d.IDs(c.posts)))
	}
	for _, p := range posts {
		row := s.d.Search.Row(p.id, p.threadID, p.original, p.title, p.html, texts[p.id]...)
		stmts = append(stmts, stmt(s.d.Search.Add, row...))
		if p.original {
			stmts = append(stmts, stmt(s.d.Search.AddTitle, row[0], row[1], row[3], row[4]))
		}
	}
	return ExecAll(ctx, tx, stmts...)
}

// fileTexts reads the text of the files the posts carry, by post, in the order attached.
func (s *Store) fileTexts(ctx context.Context, q Querier, postIDs []int64) (map[int64][]string, error) {
	texts := map[int64][]string{}
	if len(postIDs) == 0 {
		return texts, nil
	}
	rows, err := q.Query(ctx, `SELECT post_id, search_text FROM attachments WHERE `+s.d.AnyID("post_id", "$1")+`
		AND search_text <> '' ORDER BY post_id, id`, s.d.IDs(postIDs))
	_, err = collect(rows, err, func(r Row) (struct{}, error) {
		var id int64
		var text string
		err := r.Scan(&id, &text)
		texts[id] = append(texts[id], text)
		return struct{}{}, err
	})
	return texts, err
}

// BooleanQuery writes groups as one full-text query: each term as term writes it (left out
// when ""), the terms of a group joined by and, each group in parentheses, the groups
// joined by or. It returns "" when no term is written: nothing can match.
func BooleanQuery(groups [][]search.Term, term func(search.Term) string, and, or string) string {
	var ors []string
	for _, g := range groups {
		var ands []string
		for _, t := range g {
			if s := term(t); s != "" {
				ands = append(ands, s)
			}
		}
		if len(ands) > 0 {
			ors = append(ors, "("+strings.Join(ands, and)+")")
		}
	}
	return strings.Join(ors, or)
}

// Row is a post's index entry as Add takes it: its title, and its text with that of the
// files it carries (parley.File.Text).
func (d SearchDialect) Row(postID, threadID int64, original bool, title, html string, files ...string) []any {
	t, b := search.Index(title), search.Post(html)
	for _, text := range files {
		f := search.Index(text)
		b.Words, b.Code = append(b.Words, f.Words...), append(b.Code, f.Code...)
	}
	pairs := ""
	if d.Pairs {
		pairs = pairsText(slices.Concat(t.Words, b.Words))
	}
	return []any{postID, threadID, original, strings.Join(t.Words, " "), strings.Join(t.Code, " "),
		strings.Join(b.Words, " "), strings.Join(b.Code, " "), pairs}
}

// maxPairs bounds the distinct pairs of words an entry holds: a post with a long log
// attached has tens of thousands, and an entry is limited in size (PostgreSQL's to 1 MB).
// An entry with more holds LongPairs as well, which a phrase's query takes for its pairs.
const maxPairs = 8192

// LongPairs is the pair an entry holds when it holds only the first maxPairs of its pairs.
const LongPairs = search.PairJoiner + "long"

// pairsText writes the distinct pairs of words next to each other (search.Pairs) with
// spaces between, the first maxPairs of them, then LongPairs if there were more. The title's
// last word and the body's first make a pair that no phrase may need: harmless.
func pairsText(words []string) string {
	seen := map[string]bool{}
	var b strings.Builder
	for _, p := range search.Pairs(words) {
		if seen[p] {
			continue
		}
		if len(seen) == maxPairs {
			b.WriteString(" " + LongPairs)
			break
		}
		seen[p] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// Search finds one page of threads for a query (parley.Store.Search).
func (s *Store) Search(ctx context.Context, q parley.SearchQuery) (parley.SearchPage, error) {
	if err := q.Validate(); err != nil {
		return parley.SearchPage{}, err
	}
	ctx = PlanByValue(ctx) // a word may be in three posts or in three million
	m := q.Query.Match()
	w := &where{d: s.d}
	if ok, err := s.searchFilters(ctx, w, q.Query, m); err != nil || !ok {
		return parley.SearchPage{}, err
	}
	hits, err := s.searchHits(ctx, w, m, q)
	if err != nil || len(hits) == 0 {
		return parley.SearchPage{}, err
	}
	var page parley.SearchPage
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
		last := hits[q.Limit-1]
		page.Next = &parley.SearchCursor{Score: last.score, ThreadID: last.threadID}
	}
	page.Results, err = s.searchResults(ctx, hits, m)
	return page, err
}

// searchKeys are what the sorts other than relevance order threads by: a column of
// threads and of thread_listings, and the index of the lists by it.
var searchKeys = map[parley.Sort]struct{ column, index string }{
	parley.SortNewest:   {"created_at", "listings_by_created"},
	parley.SortActivity: {"last_activity_at", "listings_by_activity"},
	parley.SortBoosts:   {"boost_count", "listings_by_boosts"},
}

// rankedPosts is how many matching posts a search by relevance ranks (rankedHits): the
// newest that many. Scoring is most of a search's cost, and a word like "crash" is in a
// third of a forum's posts (a million at 1,000,000 threads, where ranking them all took
// seconds); capped, a search costs the same whatever its words. What it gives up: a search
// for common words ranks their newest posts, and the newest whose title holds them, so an
// older thread is found by rarer words or another sort (newest, activity and boosts read
// every match). Each ranked post's thread is read, which made a thousand of them the most
// of a common word's search: half as many halved the median search at a million threads,
// and put one title of the Stack Exchange extracts' 1,549 second rather than first.
const rankedPosts = 500

// reading is how many of the newest matches of one index a search by relevance ranks
// (rankedHits), and how many it reads to find those whose threads pass its filters
// (newestPassing).
type reading struct{ ranked, scanned int }

// The posts' index is read for rankedPosts and filteredScan matches; the titles' for a
// fifth of each: it has one entry a thread where the posts' has one a post, and each
// title ranked costs a thread read as a post does. A fifth, the share of the questions
// among the demo forum's posts, reads as many threads as ranking the posts of titled
// threads did before titles had an index of their own.
var (
	postsRead  = reading{rankedPosts, filteredScan}
	titlesRead = reading{rankedPosts / 5, filteredScan / 5}
)

// hit is a thread a search found, with its best post (0 when the query has no words).
type hit struct{ threadID, postID, score int64 }

// searchHits reads the page's threads, one more than the page holds to tell whether
// another page follows.
func (s *Store) searchHits(ctx context.Context, w *where, m search.Match, q parley.SearchQuery) ([]hit, error) {
	score, id := int64(1<<63-1), int64(1<<63-1)
	if q.After != nil {
		score, id = q.After.Score, q.After.ThreadID
	}
	sortKey, sorted := searchKeys[q.Sort]
	var query string
	dated := w.created != [2]int64{}
	switch {
	case len(m.All) == 0 && !sorted && !dated:
		// Every thread scores 0: the cursor's thread alone says where the page starts.
		query = s.excludingAfter(w, `SELECT t.id, 0 AS post_id, 0 AS score FROM threads t WHERE t.deleted_at IS NULL`+w.sql()+
			` AND t.id < `+w.arg(id)+` ORDER BY t.id DESC`, `t.id DESC`, q.Limit+1)
	case len(m.All) == 0:
		// Every thread scores 0, and the list the filters narrow the search to is read in
		// the sort's order, newest first for relevance: reading threads and sorting them
		// passed most of a million to find a page of old ones.
		if !sorted {
			sortKey = searchKeys[parley.SortNewest]
		}
		hint, err := s.listIndex(ctx, w, sortKey.index)
		if err != nil {
			return nil, err
		}
		key := "l." + sortKey.column
		query = s.excludingAfter(w, `SELECT t.id, 0 AS post_id, `+key+` AS score FROM thread_listings l`+hint+`
			JOIN threads t ON t.id = l.thread_id
			WHERE l.scope = `+w.arg(w.scope.Key())+` AND t.deleted_at IS NULL`+w.sql()+`
			  AND (`+key+`, l.thread_id) < (`+w.arg(score)+`, `+w.arg(id)+`)
			ORDER BY `+key+` DESC, l.thread_id DESC`, `t.score DESC, t.id DESC`, q.Limit+1)
	default:
		return s.wordHits(ctx, w, m, q, score, id)
	}
	rows, err := s.read(ctx).Query(ctx, query, w.args...)
	return collect(rows, err, func(r Row) (h hit, err error) { return h, r.Scan(&h.threadID, &h.postID, &h.score) })
}

// wordHits reads the page of a search with words, from the cursor (score, id) on.
func (s *Store) wordHits(ctx context.Context, w *where, m search.Match, q parley.SearchQuery, score, id int64) ([]hit, error) {
	match, ok, err := s.d.Search.Query(ctx, s.read(ctx), [][]search.Term{m.All}, m.Title)
	if err != nil || !ok {
		return nil, err
	}
	if sortKey, sorted := searchKeys[q.Sort]; sorted {
		hits := s.d.Search.Hits(w.arg(match), w.arg(int64(1<<63-1)))
		return s.readHits(ctx, w, hits, "t."+sortKey.column, "", score, id, q.Limit)
	}
	// The ranked posts' threads are a few hundred, mostly recent: an exclusion need not
	// read the matches of posts older than their first.
	const lowest = `(SELECT min((SELECT min(f.id) FROM posts f WHERE f.thread_id = g.thread_id)) FROM found g)`
	mark := len(w.args) // the filters' arguments, which every try keeps
	hits, truncated, err := s.rankedHits(ctx, w, m, match, false)
	if err != nil {
		return nil, err
	}
	found, err := s.readHits(ctx, w, hits, "h.score", lowest, score, id, q.Limit)
	if err != nil || len(found) > q.Limit || !truncated || len(w.conds) == 0 {
		return found, err
	}
	// Fewer than a page of the newest matches passed the filters: rank the newest that
	// pass them instead, which costs more, and finds more.
	w.args = w.args[:mark]
	if hits, _, err = s.rankedHits(ctx, w, m, match, true); err != nil {
		return nil, err
	}
	return s.readHits(ctx, w, hits, "h.score", lowest, score, id, q.Limit)
}

// readHits reads a page of threads from the cursor (score, id) on, best first, each with
// its best post among hits, a subquery of (post_id, score), or of (post_id) when key
// orders threads by one of their columns. lowest is excluding's.
func (s *Store) readHits(ctx context.Context, w *where, hits, key, lowest string, score, id int64, limit int) ([]hit, error) {
	query := `WITH found AS MATERIALIZED ` + s.bestPosts(hits) + `
		SELECT h.thread_id, h.post_id, ` + key + ` FROM found h
		JOIN threads t ON t.id = h.thread_id
		WHERE t.deleted_at IS NULL` + w.sql() + s.excluding(w, true, lowest) + `
		  AND (` + key + `, t.id) < (` + w.arg(score) + `, ` + w.arg(id) + `)
		ORDER BY ` + key + ` DESC, t.id DESC LIMIT ` + w.arg(limit+1)
	rows, err := s.read(ctx).Query(ctx, query, w.args...)
	return collect(rows, err, func(r Row) (h hit, err error) { return h, r.Scan(&h.threadID, &h.postID, &h.score) })
}

// datedRange is how many threads a search without words may read by time, to sort them,
// when it has before: or after: (listIndex).
const datedRange = 100_000

// listIndex returns the index hint for the lists a search without words reads: the list
// by time when the search has dates and few threads fall between them, else none, to let
// the database weigh the filters. Reading the sort's order passes every thread outside
// the dates before the first inside; reading the dates' range reads all of it. Each is
// slow where the other is fast (the most active of the oldest threads; the most boosted
// of the newest), so the range is counted first, up to datedRange.
func (s *Store) listIndex(ctx context.Context, w *where, sortIndex string) (string, error) {
	const byTime = "listings_by_created"
	if w.created == [2]int64{} {
		return "", nil
	}
	if sortIndex == byTime {
		return s.d.IndexedBy(byTime), nil
	}
	var n int
	err := s.read(ctx).QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM thread_listings`+s.d.IndexedBy(byTime)+`
		WHERE scope = $1 AND created_at >= $2 AND created_at < $3 LIMIT $4) r`,
		w.scope.Key(), w.created[0], cmp.Or(w.created[1], int64(1<<63-1)), datedRange+1).Scan(&n)
	return pick(n <= datedRange, s.d.IndexedBy(byTime), ""), err
}

// rankedHits returns the subquery of (post_id, score) that a search by relevance ranks.
//
// A search of one word, code term or not, that no more than rankedPosts posts hold has
// them all scored by the index (bm25, ts_rank). Otherwise the index's score is not asked
// for: bm25 weighs each term by how many posts hold it, which SQLite counts by reading
// every post that does, for each term; that was nine tenths of a search for "crash" on a
// million threads, and most of one for a few common words that few posts hold together
// ("sandbox file access"), or for a phrase of them, whose words' positions are read in
// every post holding them all. Then the questions of the newest threads whose title
// holds the words (titlesRead.ranked of them) score above the newest
// rankedPosts posts that hold them anywhere, and the newest come first among equals: an
// old thread titled with a common word is still found, and a search for a question's
// title finds it first more often than bm25 did (the relevance tests in seimport). The
// titles are read from their own index (SearchDialect.Titles), a fifth of the size of the
// posts' and holding nothing else, so that few titled threads among many matching posts
// cost few reads.
//
// It reports whether more posts may match than it ranks. Then, when filtered, the posts
// ranked are the newest that pass w's filters (newestPassing), rather than the newest of all.
func (s *Store) rankedHits(ctx context.Context, w *where, m search.Match, match any, filtered bool) (string, bool, error) {
	r := s.read(ctx)
	n := rankedPosts + 1 // more than are ranked: unless counted, a search is ranked by title and time
	oneTerm := len(m.All) == 1 && !isPhrase(m.All[0])
	if oneTerm {
		// Counted in no order, so that PostgreSQL reads a rare word's few matches from its
		// index rather than walking the posts newest first to find them.
		err := r.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM (`+s.d.Search.Matching("$1")+`) m LIMIT $2) c`,
			match, rankedPosts+1).Scan(&n)
		if err != nil {
			return "", false, err
		}
	}
	var titled any
	ok := false
	if n > rankedPosts { // PostgreSQL asks the database how it stems the words: only when needed
		var err error
		if titled, ok, err = s.d.Search.Query(ctx, r, [][]search.Term{m.All}, true); err != nil {
			return "", false, err
		}
	}
	if !ok {
		// All of them, no more than rankedPosts: asked for the newest few, PostgreSQL's
		// planner, overestimating a rare word's matches, walked every post newest first to
		// find them rather than read them from the index.
		return s.d.Search.Hits(w.arg(match), w.arg(int64(1<<63-1))), false, nil
	}
	param := w.arg(match)
	order, matching := newest, s.d.Search.Matching(param)
	wanted := pick(filtered, postsRead.scanned, postsRead.ranked)
	var err error
	if oneTerm {
		order, err = s.newestOrder(ctx, r, match, wanted)
	} else if s.d.Search.Phrases != nil {
		order, matching, err = s.phrasesOrder(ctx, r, match, param, wanted, matching)
	}
	if err != nil {
		return "", false, err
	}
	ranked := func(matching string, r reading) string { return order(matching, w.arg(r.ranked)) }
	if filtered {
		ranked = func(matching string, r reading) string { return s.newestPassing(w, order, matching, r) }
	}
	return `(SELECT post_id, max(score) AS score FROM (
			SELECT post_id, CAST(2000000000 AS BIGINT) AS score FROM ` + ranked(s.d.Search.Titles(w.arg(titled)), titlesRead) + ` x
			UNION ALL
			SELECT post_id, CAST(1000000000 AS BIGINT) FROM ` + ranked(matching, postsRead) + ` y) either
		GROUP BY post_id)`, true, nil
}

// isPhrase reports whether a term is several words, which must come in their order.
func isPhrase(t search.Term) bool { return t.Code == "" && len(t.Words) > 1 }

// filteredScan is how many of the newest matches a search with filters reads to find the
// newest rankedPosts whose threads pass them (newestPassing), when the filters pass fewer
// than a page of the newest rankedPosts matches (wordHits): a common word with a filter
// that few recent threads pass (tag:tvos). Reading every match of the word to find the
// filter's few took seconds at a million threads, where this many cost 5 ms a thousand;
// a filter that only threads older than these pass (crash is:locked) still finds none.
const filteredScan = 20_000

// newestPassing returns a subquery of the post_id of the newest of matching
// (SearchDialect.Matching or Titles) whose threads pass w's filters, r.ranked of them
// among its newest r.scanned, read in order (newest or newestOfAll).
func (s *Store) newestPassing(w *where, order func(matching, limit string) string, matching string, r reading) string {
	return `(SELECT c.post_id FROM ` + order(matching, w.arg(r.scanned)) + ` c
		JOIN posts p` + s.d.IndexedBy(postsSearch) + ` ON p.id = c.post_id JOIN threads t ON t.id = p.thread_id
		WHERE t.deleted_at IS NULL` + w.sql() + ` ORDER BY c.post_id DESC LIMIT ` + w.arg(r.ranked) + `)`
}

// newest returns a subquery of the newest post_id of matching (SearchDialect.Matching or
// Titles), as many as the placeholder limit says.
func newest(matching, limit string) string {
	return `(SELECT post_id FROM (` + matching + `) m ORDER BY post_id DESC LIMIT ` + limit + `)`
}

// newestOfAll is newest for matches that are few (SearchDialect.Few): OFFSET 0 keeps the
// database from reading them newest first, which it does by walking the posts in that
// order and testing each against the query, so it reads them all from the index and sorts
// them. PostgreSQL's planner costs that test at a fraction of what it takes (a post's
// document must be read and often unpacked): it walked 450,000 posts, 0.84 s, for the
// newest 500 of a word that 12,253 of 5,000,000 posts hold, which the index gives in
// 56 ms.
func newestOfAll(matching, limit string) string {
	return `(SELECT post_id FROM (` + matching + ` OFFSET 0) m ORDER BY post_id DESC LIMIT ` + limit + `)`
}

// newestOrder returns how a search reads the newest wanted posts matching the query match:
// newestOfAll when they are few, else newest.
func (s *Store) newestOrder(ctx context.Context, q Querier, match any, wanted int) (func(matching, limit string) string, error) {
	if s.d.Search.Few == nil {
		return newest, nil
	}
	few, err := s.d.Search.Few(ctx, q, match, wanted)
	return pick(few, newestOfAll, newest), err
}

// phrasesOrder returns how a search reads the newest wanted posts matching a query with
// phrases, and which: those holding the phrases' pairs (SearchDialect.Phrases) read all and
// sorted, when they are few, else matching (the query's Matching) walked newest first,
// which soon finds the newest of a common phrase.
func (s *Store) phrasesOrder(ctx context.Context, q Querier, match any, param string, wanted int, matching string) (func(matching, limit string) string, string, error) {
	phrases := s.d.Search.Phrases(match, param)
	if phrases == "" {
		return newest, matching, nil
	}
	few, err := s.d.Search.Few(ctx, q, match, wanted)
	if err != nil || !few {
		return newest, matching, err
	}
	return newestOfAll, phrases, nil
}

// postsSearch is the index of what a search reads of the posts it finds (their thread,
// whether each is the question or hidden): reading it rather than the posts' rows keeps a
// search that maps thousands of matches to their threads in memory.
const postsSearch = "posts_search"

// bestPosts returns a subquery of the (thread_id, post_id, score) of each thread's best
// visible post among hits, a subquery of (post_id, score) from SearchDialect.Hits. A
// question's match counts double, so that it ranks above a reply's like it.
func (s *Store) bestPosts(hits string) string {
	return `(SELECT thread_id, post_id, score FROM (
			SELECT p.thread_id, x.post_id, x.score * CASE WHEN p.original THEN 2 ELSE 1 END AS score,
				row_number() OVER (PARTITION BY p.thread_id
					ORDER BY x.score * CASE WHEN p.original THEN 2 ELSE 1 END DESC, x.post_id) AS n
			FROM ` + hits + ` x JOIN posts p` + s.d.IndexedBy(postsSearch) + ` ON p.id = x.post_id
			WHERE p.hidden_at IS NULL) ranked
		WHERE n = 1)`
}

// searchResults reads the hits' threads and the posts their snippets come from: the best
// post, or the question when the query has no words.
func (s *Store) searchResults(ctx context.Context, hits []hit, m search.Match) ([]parley.SearchResult, error) {
	threadIDs, postIDs := make([]int64, len(hits)), make([]int64, 0, len(hits))
	for i, h := range hits {
		threadIDs[i] = h.threadID
		if h.postID != 0 {
			postIDs = append(postIDs, h.postID)
		}
	}
	byID, err := s.threadsByID(ctx, threadIDs)
	if err != nil {
		return nil, err
	}
	rows, err := s.read(ctx).Query(ctx, `SELECT thread_id, html FROM posts
		WHERE `+s.d.AnyID("id", "$1")+` OR (original AND `+s.d.AnyID("thread_id", "$2")+`)
		ORDER BY original`, s.d.IDs(postIDs), s.d.IDs(pick(len(m.All) == 0, threadIDs, nil)))
	type text struct {
		threadID int64
		html     string
	}
	texts, err := collect(rows, err, func(r Row) (t text, err error) { return t, r.Scan(&t.threadID, &t.html) })
	if err != nil {
		return nil, err
	}
	snippets := map[int64][]search.Span{}
	for _, t := range texts {
		snippets[t.threadID] = search.Snippet(search.PostText(t.html), m)
	}
	results := make([]parley.SearchResult, 0, len(hits))
	for _, h := range hits {
		if t, ok := byID[h.threadID]; ok {
			results = append(results, parley.SearchResult{Thread: t, PostID: h.postID, Snippet: snippets[h.threadID]})
		}
	}
	return results, nil
}

// where collects a search's conditions on threads t and their arguments.
type where struct {
	d     Dialect
	conds []string
	args  []any
	// scope is a list that holds every thread the conditions let through: a tag's or a
	// topic's when the query names one, else the list of all threads.
	scope parley.Scope
	// created are the times, in milliseconds, threads were made from and before; 0 for
	// no bound.
	created [2]int64
	// excluded is the placeholder of the exclusions' query, or "" when there are none.
	excluded string
}

// arg adds an argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " AND " + strings.Join(w.conds, " AND ")
}

// searchFilters adds the query's filters and exclusions to w. It reports false when no
// thread can pass them: a tag, topic, subtopic or user that does not exist.
func (s *Store) searchFilters(ctx context.Context, w *where, q search.Query, m search.Match) (bool, error) {
	r := s.read(ctx)
	for _, slug := range q.Tags {
		id, ok, err := lookupID(ctx, r, `SELECT id FROM tags WHERE slug = $1`, slug)
		if err != nil || !ok {
			return false, err
		}
		w.add(`EXISTS (SELECT 1 FROM thread_tags g WHERE g.thread_id = t.id AND g.tag_id = ` + w.arg(id) + `)`)
		w.scope = parley.Scope{Kind: parley.ScopeTag, ID: id}
	}
	for _, slug := range q.NotTags {
		id, ok, err := lookupID(ctx, r, `SELECT id FROM tags WHERE slug = $1`, slug)
		if err != nil {
			return false, err
		}
		if ok {
			w.add(`NOT EXISTS (SELECT 1 FROM thread_tags g WHERE g.thread_id = t.id AND g.tag_id = ` + w.arg(id) + `)`)
		}
	}
	ids := []struct {
		value, lookup, cond string
		list                parley.ScopeKind // the list of the one named, when it has one
	}{
		{q.Topic, `SELECT id FROM topics WHERE slug = $1`, `t.topic_id = %s`, parley.ScopeTopic},
		// Subtopics are named within their topic: subtopic: finds those of every topic.
		{q.Subtopic, `SELECT min(id) FROM subtopics WHERE slug = $1 HAVING count(*) > 0`,
			`t.subtopic_id IN (SELECT id FROM subtopics WHERE slug = (SELECT slug FROM subtopics WHERE id = %s))`, parley.ScopeAll},
		// A member's posts are found through posts_by_author: a member posts in a few
		// threads of a million, which reading the threads in order would have to pass.
		{q.Asker, `SELECT id FROM users WHERE lower(handle) = lower($1)`,
			`t.id IN (SELECT r.thread_id FROM posts r WHERE r.author_id = %s AND r.original)`, parley.ScopeAll},
		{q.User, `SELECT id FROM users WHERE lower(handle) = lower($1)`,
			`t.id IN (SELECT r.thread_id FROM posts r WHERE r.author_id = %s AND r.hidden_at IS NULL)`, parley.ScopeAll},
	}
	for _, f := range ids {
		if f.value == "" {
			continue
		}
		id, ok, err := lookupID(ctx, r, f.lookup, f.value)
		if err != nil || !ok {
			return false, err
		}
		w.add(strings.ReplaceAll(f.cond, "%s", w.arg(id)))
		if f.list != parley.ScopeAll && w.scope.Kind == parley.ScopeAll {
			w.scope = parley.Scope{Kind: f.list, ID: id}
		}
	}
	// Without words the search reads a list (searchHits), whose index by time answers
	// before: and after: with a range.
	created := pick(len(m.All) == 0, "l.created_at", "t.created_at")
	if !q.After.IsZero() {
		w.created[0] = parley.Millis(q.After)
		w.add(created + ` >= ` + w.arg(w.created[0]))
	}
	if !q.Before.IsZero() {
		w.created[1] = parley.Millis(q.Before)
		w.add(created + ` < ` + w.arg(w.created[1]))
	}
	if q.MinBoosts > 0 {
		w.add(`t.boost_count >= ` + w.arg(q.MinBoosts))
	}
	if q.MinReplies > 0 {
		w.add(`t.reply_count >= ` + w.arg(q.MinReplies))
	}
	flagFilters(w, q.Flags, q.NotFlags)
	if len(m.Not) > 0 {
		not, ok, err := s.d.Search.Query(ctx, r, m.Not, m.Title)
		if err != nil {
			return false, err
		}
		if ok {
			w.excluded = w.arg(not) // searchHits says how it is looked up
		}
	}
	return true, nil
}

// flagConds are the conditions is: and has: ask for, on threads t.
var flagConds = map[search.Flags]string{
	search.Answered: `(t.accepted_post_id IS NOT NULL OR EXISTS (SELECT 1 FROM posts r
		WHERE r.thread_id = t.id AND r.staff_recommended AND r.hidden_at IS NULL))`,
	search.Unanswered: `t.reply_count = 0`,
	search.Accepted:   `t.accepted_post_id IS NOT NULL`,
	search.Staff:      `t.staff_replied`,
	// Pinned threads are few, and the lists' entries that pin them are indexed
	// (listings_pinned): reading threads for the flag passed most of a million.
	search.Pinned: `t.id IN (SELECT l2.thread_id FROM thread_listings l2 WHERE l2.pinned)`,
	search.Locked: `t.locked`,
	// A block of code is the one element the renderer writes as <pre>. Reading a thread's
	// few posts costs less than any index of the code blocks of a third of the forum.
	search.Code: `EXISTS (SELECT 1 FROM posts r WHERE r.thread_id = t.id AND r.hidden_at IS NULL AND r.html LIKE '%<pre%')`,
}

// flagCond is the condition of one is: or has: flag on threads t.
func flagCond(d Dialect, f search.Flags) string {
	if f == search.Attachment {
		// posts_with_files holds exactly the posts this asks for: a look-up per candidate
		// thread reads that small index, not the rows of the thread's posts.
		return `EXISTS (SELECT 1 FROM posts r` + d.IndexedBy("posts_with_files") + `
			WHERE r.thread_id = t.id AND r.hidden_at IS NULL AND r.file_count > 0)`
	}
	return flagConds[f]
}

// flagFilters adds the conditions of flags and the negations of those of notFlags.
func flagFilters(w *where, flags, notFlags search.Flags) {
	for f := search.Flags(1); f != 0 && f <= search.Code; f <<= 1 {
		if flags.Has(f) || notFlags.Has(f) {
			w.add(pick(flags.Has(f), flagCond(w.d, f), `NOT `+flagCond(w.d, f)))
		}
	}
}

// excludingAfter returns a search without words: the first limit threads that query
// yields, as (id, post_id, score) in its order (the order of those columns of t),
// which pass the exclusions. SQLite asks a condition with a subquery before those made
// joins (a tag's), so the exclusions are asked of the threads the query yields, in a
// query around it: for -simulator tag:network at a million threads, of 21 threads rather
// than of hundreds.
func (s *Store) excludingAfter(w *where, query, order string, limit int) string {
	if w.excluded == "" {
		return query + ` LIMIT ` + w.arg(limit)
	}
	return `SELECT t.id, t.post_id, t.score FROM (` + query + ` LIMIT 1000000000) t
		WHERE true` + s.excluding(w, false, "") + ` ORDER BY ` + order + ` LIMIT ` + w.arg(limit)
}

// excluding returns the condition that leaves out the threads t with a post that matches
// the exclusions (where.excluded), when there are any. Without words (lowest "") a search
// reads threads in order and stops after a page, so each thread's posts are looked up in
// the index: a few lookups for each of a few dozen threads, where making the set of every
// thread a common term is in took over half a second. With words a search weighs
// hundreds of threads, and one pass over the term's posts costs less than a lookup per
// post of each; lowest, when not "", is an expression no greater than the id of any post
// of those threads, so that the pass stops there.
func (s *Store) excluding(w *where, words bool, lowest string) string {
	switch {
	case w.excluded == "":
		return ""
	case !words:
		return ` AND NOT EXISTS (SELECT 1 FROM posts r WHERE r.thread_id = t.id AND r.hidden_at IS NULL AND ` +
			s.d.Search.Holds(w.excluded, "r.id") + `)`
	}
	return ` AND NOT ` + s.d.Search.InThread(w.excluded, "t.id", lowest)
}

// lookupID reads the id a filter names; false when there is none.
func lookupID(ctx context.Context, q Querier, query string, arg any) (int64, bool, error) {
	var id int64
	err := q.QueryRow(ctx, query, arg).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

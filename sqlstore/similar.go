package sqlstore

import (
	"cmp"
	"context"
	"math"
	"slices"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/search"
)

// The composer asks for similar threads every few keystrokes, so a search reads a bounded
// part of the full-text index whatever the words. Ranking every title that holds a common
// word costs a read of all its index entries: on 100,000 threads an eight-word title took
// 800 ms. Instead:
//
//  1. For each keyword, the newest titlePostings/len(keywords) threads whose title holds
//     it, newest first, as the titles' index gives them (SearchDialect.Titles).
//  2. A thread scores the BM25 weight of each keyword its title shares,
//     ln(1 + (N − n + ½)/(n + ½)) for a keyword in n of N titles, so that a shared
//     EXC_BAD_ACCESS counts for far more than a shared "crash". When a keyword's list was
//     cut off, n is estimated from how far back its newest threads reach.
//  3. A thread older than where a common keyword's list was cut off may hold that keyword
//     too: up to maxRescored threads, those with the best possible scores first, have
//     their titles read for those keywords (search.Holds), so that an old duplicate found
//     through its rarer words gets the credit of its common words too.
//
// Ties go to the newer thread. When fewer titles than asked for share a keyword, threads
// whose posts alone do follow, the newest bodyPostings matching posts ranked as Search
// ranks them. What this gives up: an old thread sharing only common words with the text is
// not seen; newer ones sharing the same words are shown instead.
const (
	// maxSimilar caps SimilarThreads' limit: the composer shows a short list.
	maxSimilar = 10
	// titlePostings is how many titles a search reads, shared among its keywords.
	titlePostings = 2000
	// maxRescored is how many threads a search may complete the scores of.
	maxRescored = 100
	// bodyPostings is how many matching posts the search of bodies ranks.
	bodyPostings = 500
)

// SimilarThreads returns the threads that share the most, and the rarest, of text's
// keywords (search.Keywords), best first (parley.Store.SimilarThreads): first those whose
// titles share any, then those whose posts alone do. Hidden posts and deleted threads are
// never found.
func (s *Store) SimilarThreads(ctx context.Context, text string, limit int) ([]parley.Thread, error) {
	limit = min(limit, maxSimilar)
	keywords := search.Keywords(text, parley.MaxSearchWords)
	if limit <= 0 || len(keywords) == 0 {
		return nil, nil
	}
	ctx = PlanByValue(ctx)
	ids, err := s.similarTitles(ctx, keywords, limit)
	if err == nil && len(ids) < limit {
		var more []int64
		more, err = s.similarBodies(ctx, keywords, limit-len(ids), ids)
		ids = append(ids, more...)
	}
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	byID, err := s.threadsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	similar := make([]parley.Thread, 0, len(ids))
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			similar = append(similar, t)
		}
	}
	return similar, nil
}

// keyword is one keyword of a search and what reading its newest posts told.
type keyword struct {
	term   search.Term
	weight float64
	// cutoff is the oldest post read when the list was cut off, 0 when every post with
	// the keyword was read: older threads may hold it without being known to.
	cutoff int64
}

// candidate is a thread found in some keyword's list.
type candidate struct {
	id int64
	// has marks the keywords known to be in its title (bit i: keywords[i]).
	has uint64
	// score sums the weights of those; bound adds those of the keywords whose lists were
	// cut off without it.
	score, bound float64
}

// similarTitles returns the ids of the best limit threads whose titles share any keyword.
func (s *Store) similarTitles(ctx context.Context, terms []search.Term, limit int) ([]int64, error) {
	r := s.read(ctx)
	// The newest ids stand for the numbers of posts and of threads, which cost a scan to count.
	var lastPost, threads int64
	if err := r.QueryRow(ctx, `SELECT coalesce(max(id), 0), (SELECT coalesce(max(id), 0) FROM threads) FROM posts`).Scan(&lastPost, &threads); err != nil {
		return nil, err
	}
	perWord := titlePostings / len(terms)
	keywords := make([]keyword, len(terms))
	byThread := map[int64]*candidate{}
	for i, term := range terms {
		match, ok, err := s.d.Search.Query(ctx, r, [][]search.Term{{term}}, true)
		if err != nil {
			return nil, err
		}
		keywords[i].term = term
		if !ok {
			continue
		}
		rows, err := r.Query(ctx, `SELECT p.id, p.thread_id FROM posts p`+s.d.IndexedBy(postsSearch)+` WHERE p.id IN `+newest(s.d.Search.Titles("$1"), "$2")+`
			AND p.hidden_at IS NULL ORDER BY p.id DESC`, match, perWord)
		posts, err := collect(rows, err, scanPair)
		if err != nil {
			return nil, err
		}
		if len(posts) == 0 {
			continue
		}
		keywords[i].weight = keywordWeight(len(posts), perWord, max(lastPost, posts[0][0]), posts[len(posts)-1][0], threads)
		if len(posts) == perWord {
			keywords[i].cutoff = posts[len(posts)-1][0]
		}
		for _, p := range posts {
			c := byThread[p[1]]
			if c == nil {
				c = &candidate{id: p[1]}
				byThread[p[1]] = c
			}
			if c.has&(1<<i) == 0 {
				c.has |= 1 << i
				c.score += keywords[i].weight
			}
		}
	}
	cands := make([]candidate, 0, len(byThread))
	for _, c := range byThread {
		c.bound = c.score
		for i, k := range keywords {
			if k.cutoff != 0 && c.has&(1<<i) == 0 {
				c.bound += k.weight
			}
		}
		cands = append(cands, *c)
	}
	cands = best(cands, maxRescored, func(c candidate) float64 { return c.bound })
	if err := s.rescore(ctx, cands, keywords); err != nil {
		return nil, err
	}
	cands = best(cands, limit, func(c candidate) float64 { return c.score })
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	return ids, nil
}

// keywordWeight is the BM25 weight of a keyword in the titles of found of about threads
// threads, whose questions, when the read titles were cut off, reached from post newest
// down to post oldest: the keyword is taken to be as common in older titles as in those.
func keywordWeight(found, read int, newest, oldest, threads int64) float64 {
	n := float64(found)
	if found == read {
		n *= float64(newest) / float64(newest-oldest+1)
	}
	all := max(float64(threads), n)
	return math.Log(1 + (all-n+0.5)/(n+0.5))
}

// rescore completes the scores of the candidates with the keywords whose lists were cut
// off before reaching them, read from their titles (search.Holds).
func (s *Store) rescore(ctx context.Context, cands []candidate, keywords []keyword) error {
	if !slices.ContainsFunc(keywords, func(k keyword) bool { return k.cutoff != 0 }) || len(cands) == 0 {
		return nil
	}
	ids, at := make([]int64, len(cands)), make(map[int64]int, len(cands)) // thread id → index in cands
	for i, c := range cands {
		ids[i], at[c.id] = c.id, i
	}
	rows, err := s.read(ctx).Query(ctx, `SELECT id, title FROM threads WHERE `+s.d.AnyID("id", "$1"), s.d.IDs(ids))
	type titled struct {
		id    int64
		title string
	}
	titles, err := collect(rows, err, func(r Row) (t titled, err error) { return t, r.Scan(&t.id, &t.title) })
	if err != nil {
		return err
	}
	for _, t := range titles {
		c := &cands[at[t.id]]
		for i, k := range keywords {
			if k.cutoff != 0 && c.has&(1<<i) == 0 && search.Holds(t.title, k.term) {
				c.has |= 1 << i
				c.score += k.weight
			}
		}
	}
	return nil
}

// best returns the n candidates of highest key, best first, the newer first among equals.
func best(cands []candidate, n int, key func(candidate) float64) []candidate {
	slices.SortFunc(cands, func(a, b candidate) int {
		if c := cmp.Compare(key(b), key(a)); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	return cands[:min(n, len(cands))]
}

// similarBodies returns the ids of the best limit threads, other than found, with a post
// that holds any keyword: the newest bodyPostings such posts, ranked as Search ranks them.
func (s *Store) similarBodies(ctx context.Context, terms []search.Term, limit int, found []int64) ([]int64, error) {
	r := s.read(ctx)
	anyOf := make([][]search.Term, len(terms))
	for i, t := range terms {
		anyOf[i] = []search.Term{t}
	}
	match, ok, err := s.d.Search.Query(ctx, r, anyOf, false)
	if err != nil || !ok {
		return nil, err
	}
	args, notFound := []any{match, limit, bodyPostings}, ""
	if len(found) > 0 {
		args, notFound = append(args, s.d.IDs(found)), ` AND NOT `+s.d.AnyID("t.id", "$4")
	}
	rows, err := r.Query(ctx, `SELECT h.thread_id FROM `+s.bestPosts(s.d.Search.Hits("$1", "$3"))+` h
		JOIN threads t ON t.id = h.thread_id
		WHERE t.deleted_at IS NULL`+notFound+`
		ORDER BY h.score DESC, t.id DESC LIMIT $2`, args...)
	return collect(rows, err, scanValue[int64])
}

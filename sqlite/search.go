package sqlite

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// Similar threads are found through the title index threads_fts (migrations/0003_search.sql)
// but not ranked by FTS5's bm25(). Its cost grows with how common the words are: it reads
// every index entry of every word to weigh them, then scores every title that has any of
// them. On a million threads "EXC_BAD_ACCESS crash" matches 90,000 titles and takes 160 ms,
// a seven-word title 350 ms, and the composer asks again every few keystrokes.
//
// A search here reads a bounded amount instead, whatever the words:
//
//  1. For each word, the ids of the newest threads that contain it: searchPostings index
//     entries shared among the words, each word one short range of the index.
//  2. A thread scores the BM25 weight of each word it shares, ln(1 + (N − n + ½)/(n + ½))
//     for a word in n of N threads, so that a shared EXC_BAD_ACCESS counts for far more
//     than a shared "crash". When a word's list was cut off, n is estimated from how far
//     back its newest threads reach. BM25's other factors, how often a title repeats a word
//     and how long it is, are left out: titles are a line long.
//  3. A thread older than where a common word's list was cut off may have that word too.
//     Up to maxRescored threads, those with the best possible scores first, are scored
//     again from their titles, one primary-key read each, until no other could enter the
//     result: so an old duplicate found through its rarer words gets the credit of its
//     common words too.
//
// Ties go to the newer thread. What this gives up: an old thread sharing only common words
// with the text, found in no word's list, is not seen; newer ones sharing the same words
// are shown instead. On the million-thread demo a search takes about 2 ms, and a thread's
// own title finds it or a same-titled thread in three cases out of four (exhaustive
// scoring of every title: always).
const (
	// maxSimilar caps SimilarThreads' limit: the composer shows a short list.
	maxSimilar = 10
	// searchPostings is how many index entries a search reads, shared among its words.
	searchPostings = 2000
	// maxRescored is how many threads a search may score again from their titles, read
	// rescoreBatch at a time.
	maxRescored  = 100
	rescoreBatch = 25
)

// rebuildSearch fills the title search index from the threads table, all at once.
const rebuildSearch = `INSERT INTO threads_fts (threads_fts) VALUES ('rebuild')`

// searchWord is one word of a search and what reading its newest threads told.
type searchWord struct {
	word   string
	weight float64
	// cutoff is the oldest thread read when the word's list was cut off, 0 when every
	// thread with the word was read: older threads may have the word without being known to.
	cutoff int64
}

// candidate is a thread found in some word's list.
type candidate struct {
	id int64
	// score sums the weights of the words whose lists have the thread; bound adds those of
	// the words whose lists were cut off before reaching it.
	score, bound float64
}

// SimilarThreads returns the threads whose titles share the most, and the rarest, words
// with text, best first.
func (s *Store) SimilarThreads(ctx context.Context, text string, limit int) ([]parley.Thread, error) {
	limit = min(limit, maxSimilar)
	found := parley.SearchWords(text)
	if limit <= 0 || len(found) == 0 {
		return nil, nil
	}
	var newest int64 // stands for the number of threads, which costs a scan to count
	if err := s.queryRow(ctx, `SELECT coalesce(max(id), 0) FROM threads`).Scan(&newest); err != nil {
		return nil, err
	}
	perWord := searchPostings / len(found)
	if len(found) == 1 {
		perWord = limit // every thread with the one word scores the same: the newest win
	}
	words := make([]searchWord, len(found))
	scores := make(map[int64]float64, searchPostings)
	for i, w := range found {
		ids, err := s.newestWith(ctx, w, perWord)
		if err != nil {
			return nil, err
		}
		words[i] = searchWord{word: w, weight: wordWeight(ids, perWord, newest)}
		if len(ids) == perWord {
			words[i].cutoff = ids[len(ids)-1]
		}
		for _, id := range ids {
			scores[id] += words[i].weight
		}
	}
	if len(scores) == 0 {
		return nil, nil
	}
	cands := make([]candidate, 0, len(scores))
	for id, score := range scores {
		c := candidate{id: id, score: score, bound: score}
		for _, w := range words {
			if id < w.cutoff {
				c.bound += w.weight
			}
		}
		cands = append(cands, c)
	}
	cands = bestCandidates(cands, maxRescored, func(c candidate) float64 { return c.bound })
	if err := s.rescore(ctx, cands, words, limit); err != nil {
		return nil, err
	}
	cands = bestCandidates(cands, limit, func(c candidate) float64 { return c.score })
	return s.QueryThreads(ctx, `SELECT `+sqlstore.ThreadColumns("t")+`
		FROM json_each(?) j JOIN threads t ON t.id = j.value JOIN users u ON u.id = t.author_id
		WHERE t.deleted_at IS NULL ORDER BY j.key`, candidateIDs(cands))
}

// newestWith returns the ids of the newest n threads whose titles contain word, newest
// first.
func (s *Store) newestWith(ctx context.Context, word string, n int) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT rowid FROM threads_fts WHERE threads_fts MATCH ? ORDER BY rowid DESC LIMIT ?`,
		ftsString(word), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// wordWeight is the BM25 weight of a word found in the threads ids, the newest of those
// that contain it (at most read of them), out of about newest threads.
func wordWeight(ids []int64, read int, newest int64) float64 {
	if len(ids) > 0 {
		newest = max(newest, ids[0]) // a thread asked since newest was read
	}
	n, all := float64(len(ids)), float64(newest)
	if len(ids) == read && read > 0 { // cut off: as common in older threads as in these
		n *= all / float64(newest-ids[len(ids)-1]+1)
	}
	return math.Log(1 + (all-n+0.5)/(n+0.5))
}

// rescore completes the scores of the candidates that may have words whose lists were cut
// off before reaching them. cands are in order of bound, the highest first, and are
// rescored in batches until none left could enter the limit best: a score only grows when
// completed, up to its bound.
func (s *Store) rescore(ctx context.Context, cands []candidate, words []searchWord, limit int) error {
	for start := 0; start < len(cands); start += rescoreBatch {
		floor := 0.0 // the score to beat to enter the limit best
		if top := bestCandidates(cands, limit, func(c candidate) float64 { return c.score }); len(top) == limit {
			floor = top[limit-1].score
		}
		if cands[start].bound <= floor {
			return nil
		}
		var batch []int // indexes in cands
		for i := start; i < min(start+rescoreBatch, len(cands)); i++ {
			if c := cands[i]; c.bound > c.score && c.bound > floor {
				batch = append(batch, i)
			}
		}
		if err := s.completeScores(ctx, cands, batch, words); err != nil {
			return err
		}
	}
	return nil
}

// completeScores adds to the candidates at indexes batch the weights of their cut-off
// words, read from their titles.
func (s *Store) completeScores(ctx context.Context, cands []candidate, batch []int, words []searchWord) error {
	if len(batch) == 0 {
		return nil
	}
	at := make(map[int64]int, len(batch)) // id → index in cands
	list := make([]candidate, len(batch))
	for i, ci := range batch {
		at[cands[ci].id], list[i] = ci, cands[ci]
	}
	rows, err := s.query(ctx, `SELECT t.id, t.title FROM json_each(?) j JOIN threads t ON t.id = j.value`, candidateIDs(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return err
		}
		cands[at[id]].score += cutOffWeight(id, title, words)
	}
	return rows.Err()
}

// cutOffWeight sums the weights of the words in title whose lists were cut off before
// reaching thread id. The other words' lists tell for certain whether the thread has them.
func cutOffWeight(id int64, title string, words []searchWord) float64 {
	var seen uint64 // bit i: words[i] counted
	var sum float64
	for f := range strings.FieldsFuncSeq(title, parley.NotWordRune) {
		for i, w := range words {
			if id < w.cutoff && seen&(1<<i) == 0 && strings.EqualFold(f, w.word) {
				seen |= 1 << i
				sum += w.weight
			}
		}
	}
	return sum
}

// bestCandidates returns the n candidates of highest key, best first, the newer first
// among equals.
func bestCandidates(cands []candidate, n int, key func(candidate) float64) []candidate {
	order := func(a, b candidate) int {
		if c := cmp.Compare(key(b), key(a)); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	}
	top := cands[:0:0]
	for _, c := range cands {
		if len(top) == n && order(c, top[n-1]) > 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, c, order)
		if top = slices.Insert(top, i, c); len(top) > n {
			top = top[:n]
		}
	}
	return top
}

// candidateIDs lists the candidates' ids as a JSON array, for json_each.
func candidateIDs(cands []candidate) string {
	list := []byte{'['}
	for i, c := range cands {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, c.id, 10)
	}
	return string(append(list, ']'))
}

// ftsString quotes a word as an FTS5 string, so that any query syntax in it (AND, NEAR, *,
// ^, a column filter) is taken as text.
func ftsString(word string) string {
	return `"` + strings.ReplaceAll(word, `"`, `""`) + `"`
}

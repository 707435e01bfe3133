package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	parley "github.com/parley-forum/parley"
)

// Similar threads are found through the title index threads_fts (migrations/0003_search.sql)
// but not ranked by FTS5's bm25(), whose cost grows with how common the words are: to weigh
// each word it reads every index entry of every word, then it scores every matching title.
// On a million threads a title made of common words ("The widget timeline never completes
// under memory pressure") matches a quarter of the forum and takes 50 to 300 ms, for every
// few keystrokes of every asker.
//
// Instead a search reads, for each word, the index entries of the newest postingsPerWord
// threads that contain it: one short range of the index, so a search costs at most
// maxSearchWords of them whatever the words. A thread scores the BM25 weight of each word it
// shares, ln(1 + (N − n + ½)/(n + ½)) for a word in n of N threads, so that a shared
// EXC_BAD_ACCESS counts for far more than a shared "crash". BM25's other factors, how often a
// word occurs in a title and how long the title is, are left out: titles are a line long and
// rarely repeat a word. Ties go to the newer thread.
//
// A word in fewer than postingsPerWord threads is credited to all of them. A commoner word
// is credited only to its newest threads: among threads sharing the same common words the
// newer ones win, and older threads are still found through their rarer words.
const (
	// maxSimilar caps SimilarThreads' limit: the composer shows a short list.
	maxSimilar = 10
	// maxSearchWords bounds the words a search looks up, the first ones written: a title
	// rarely has more that tell it apart, and text pasted into the title box must not cost
	// more than a title.
	maxSearchWords = 8
	// postingsPerWord is how many threads, the newest, a search reads for each word.
	postingsPerWord = 500
)

// rebuildSearch fills the title search index from the threads table, all at once.
const rebuildSearch = `INSERT INTO threads_fts (threads_fts) VALUES ('rebuild')`

// stopWords are left out of searches: they occur in most titles and say nothing about the
// subject. The fragments of contractions ("can't" is "can" and "t") are among them.
var stopWords = wordSet(`a about after am an and any are as at be been before but by can could
	d did do does doing don didn doesn for from get got had has have how i if in into is isn it
	its just ll m me my no not of on or our re s should so some t than that the their then there
	these this to too use using ve was wasn we were what when where which while who why will
	with won would wouldn you your`)

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// SimilarThreads returns the threads whose titles share the most, and the rarest, words
// with text, best first.
func (s *Store) SimilarThreads(ctx context.Context, text string, limit int) ([]parley.Thread, error) {
	limit = min(limit, maxSimilar)
	words := searchWords(text)
	if limit <= 0 || len(words) == 0 {
		return nil, nil
	}
	var newest int64 // stands for the number of threads, which costs a scan to count
	if err := s.queryRow(ctx, `SELECT coalesce(max(id), 0) FROM threads`).Scan(&newest); err != nil {
		return nil, err
	}
	scores := map[int64]float64{}
	for _, w := range words {
		ids, err := s.newestWith(ctx, w)
		if err != nil {
			return nil, err
		}
		weight := wordWeight(ids, newest)
		for _, id := range ids {
			scores[id] += weight
		}
	}
	if len(scores) == 0 {
		return nil, nil
	}
	return s.queryThreads(ctx, `SELECT `+fmt.Sprintf(threadColumns, "t")+`
		FROM json_each(?) j JOIN threads t ON t.id = j.value JOIN users u ON u.id = t.author_id
		ORDER BY j.key`, best(scores, limit))
}

// newestWith returns the ids of the newest postingsPerWord threads whose titles contain
// word, newest first.
func (s *Store) newestWith(ctx context.Context, word string) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT rowid FROM threads_fts WHERE threads_fts MATCH ? ORDER BY rowid DESC LIMIT ?`,
		ftsString(word), postingsPerWord)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, postingsPerWord)
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
// that contain it, out of about newest threads. When the word may be in more threads than
// were read, their number is estimated from how far back the newest postingsPerWord reach.
func wordWeight(ids []int64, newest int64) float64 {
	df, all := float64(len(ids)), float64(newest)
	if len(ids) == postingsPerWord {
		df *= all / float64(newest-ids[len(ids)-1]+1)
	}
	return math.Log(1 + (all-df+0.5)/(df+0.5))
}

// best returns the limit best-scored thread ids as a JSON array, the best first.
func best(scores map[int64]float64, limit int) string {
	type scored struct {
		id    int64
		score float64
	}
	all := make([]scored, 0, len(scores))
	for id, score := range scores {
		all = append(all, scored{id, score})
	}
	slices.SortFunc(all, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	list := []byte{'['}
	for i, sc := range all[:min(limit, len(all))] {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, sc.id, 10)
	}
	return string(append(list, ']'))
}

// searchWords splits text into the words a search looks for, as the index's tokenizer cuts
// titles: runs of letters, digits and underscores. They are lower-cased, and stop words,
// repeats and words of underscores alone are left out.
func searchWords(text string) []string {
	var words []string
	for w := range strings.FieldsFuncSeq(text, notWordRune) {
		w = strings.ToLower(w)
		if stopWords[w] || strings.Trim(w, "_") == "" || slices.Contains(words, w) {
			continue
		}
		if words = append(words, w); len(words) == maxSearchWords {
			break
		}
	}
	return words
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r) && r != '_' && !unicode.Is(unicode.Co, r)
}

// ftsString quotes a word as an FTS5 string, so that the query syntax in it (AND, NEAR, *,
// ^, a column filter) is taken as text.
func ftsString(word string) string {
	return `"` + strings.ReplaceAll(word, `"`, `""`) + `"`
}

package demo

import (
	"strings"
	"testing"

	"github.com/parley-forum/parley/search"
)

// threadTerms are the terms the search index holds for one thread.
type threadTerms struct {
	question map[string]bool // of its title and original post
	replies  map[string]bool // of its replies
}

// forumTerms returns the terms of every thread, and for every term the number of
// threads that hold it.
func forumTerms(w *memWriter) ([]threadTerms, map[string]int) {
	out := make([]threadTerms, len(w.threads))
	threads := map[string]int{}
	for i := range w.threads {
		rec := &w.threads[i]
		tt := threadTerms{question: map[string]bool{}, replies: map[string]bool{}}
		add := func(set map[string]bool, t search.Terms) {
			for _, list := range [][]string{t.Words, t.Code} {
				for _, term := range list {
					set[term] = true
				}
			}
		}
		add(tt.question, search.Index(rec.Thread.Title))
		add(tt.question, search.Post(rec.Posts[0].Post.HTML))
		for j := range rec.Posts[1:] {
			add(tt.replies, search.Post(rec.Posts[1+j].Post.HTML))
		}
		for term := range tt.question {
			threads[term]++
		}
		for term := range tt.replies {
			if !tt.question[term] {
				threads[term]++
			}
		}
		out[i] = tt
	}
	return out, threads
}

// TestVocabularyHasFiftyThousandTerms checks the vocabulary itself: at least 50,000
// distinct terms as the search index cuts them, each of its kinds among them, and
// no two entries alike.
func TestVocabularyHasFiftyThousandTerms(t *testing.T) {
	v := theVocab()
	entries := map[string]bool{}
	terms := map[string]bool{}
	var kinds [numTermKinds]int
	for _, tm := range v.terms {
		if entries[tm.text] {
			t.Errorf("%q is in the vocabulary twice", tm.text)
		}
		entries[tm.text] = true
		kinds[tm.kind]++
		cut := search.Index(tm.text)
		for _, list := range [][]string{cut.Words, cut.Code} {
			for _, term := range list {
				terms[term] = true
			}
		}
	}
	if len(terms) < 50_000 {
		t.Errorf("the vocabulary's %d entries make %d distinct index terms, want at least 50,000", len(v.terms), len(terms))
	}
	for k, n := range kinds {
		if n == 0 {
			t.Errorf("the vocabulary has no terms of kind %d", k)
		}
	}
	t.Logf("%d entries, %d distinct index terms, by kind %v", len(v.terms), len(terms), kinds)
}

// TestDemoNamesRareTerms checks what searching a demo forum meets: many distinct
// terms, most of the vocabulary's that it names in a few threads only, a few in many,
// titles that name them, and replies that repeat their question's. Set
// PARLEY_DEMO_THREADS to measure a larger forum (100000 for the figure in the log).
func TestDemoNamesRareTerms(t *testing.T) {
	threads := envInt(t, "PARLEY_DEMO_THREADS", 10_000)
	cfg := Config{Threads: threads, Posts: 5 * threads, Users: max(threads/10, MinUsers), Seed: 1}
	w := mustGenerate(t, cfg, blockRenderer{})
	terms, counts := forumTerms(w)

	rank := map[string]int{} // a vocabulary term's rank, by the term the index holds for it
	for r, tm := range theVocab().terms {
		rank[indexTerm(tm.text)] = r
	}
	named, rare := 0, 0
	for term, n := range counts {
		if _, ok := rank[term]; ok {
			named++
			if n <= 3 {
				rare++
			}
		}
	}
	t.Logf("%d threads: %d distinct terms, %d of the vocabulary's, %d of them in at most 3 threads", threads, len(counts), named, rare)
	// The distinct terms grow more slowly than the forum, as a real forum's do; a forum
	// of 100,000 threads holds some 70,000.
	if want := min(threads, 50_000); len(counts) < want {
		t.Errorf("%d threads hold %d distinct terms, want at least %d", threads, len(counts), want)
	}
	if rare < named/2 {
		t.Errorf("%d of the %d vocabulary terms named are in at most 3 threads, want most of them", rare, named)
	}
	v := theVocab()
	if head := counts[indexTerm(v.terms[0].text)]; head < threads/100 {
		t.Errorf("the most common term, %s, is in %d of %d threads, want at least 1%%", v.terms[0].text, head, threads)
	}
	found, handful := 0, max(12, 12*threads/10_000)
	for _, tm := range v.terms[2000:3000] {
		n := counts[indexTerm(tm.text)]
		if n > 0 {
			found++
		}
		if n > handful {
			t.Errorf("%s, ranked past 2,000, is in %d threads, want a handful", tm.text, n)
		}
	}
	if found < 100 {
		t.Errorf("%d of the vocabulary's terms ranked 2,000 to 3,000 are in the forum, want searches for rare terms to find something", found)
	}

	// Titles that open with a term, and replies that name their question's terms.
	titled, withReplies, repeated := 0, 0, 0
	for i := range w.threads {
		rec := &w.threads[i]
		question := terms[i].question
		if head, _, ok := strings.Cut(rec.Thread.Title, ": "); ok {
			if _, inVocab := rank[indexTerm(head)]; inVocab && !strings.Contains(head, " ") {
				titled++
				if !strings.Contains(rec.Posts[0].Post.Body, head) {
					t.Errorf("thread %d %q: its question does not name %s", rec.Thread.ID, rec.Thread.Title, head)
				}
			}
		}
		if rec.Thread.Pinned || len(rec.Posts) < 2 {
			continue
		}
		withReplies++
		for term := range terms[i].replies {
			if _, inVocab := rank[term]; inVocab && question[term] {
				repeated++
				break
			}
		}
	}
	if titled < threads/10 {
		t.Errorf("%d of %d titles open with a term of the vocabulary, want at least a tenth", titled, threads)
	}
	if repeated < withReplies/5 {
		t.Errorf("in %d of %d threads with replies a reply names a term of the question, want at least a fifth", repeated, withReplies)
	}
	t.Logf("%d titles open with a term; in %d of %d threads with replies a reply repeats one", titled, repeated, withReplies)
}

// indexTerm is the term the index holds for a vocabulary term: the code term of a
// name with '_', '.' or '-', else the word.
func indexTerm(text string) string {
	cut := search.Index(text)
	if len(cut.Code) > 0 {
		return cut.Code[0]
	}
	return cut.Words[0]
}

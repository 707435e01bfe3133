package search

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kljensen/snowball/english"
)

// PairJoiner joins the two stems of a pair (Pairs). Neither a word nor a code term holds it,
// so a pair is never taken for either in an index that holds all three.
const PairJoiner = "+"

// Pairs returns the pairs of words next to each other in words, the words of a text or of
// a phrase as Index and Match cut them: each plain word's English stem (Stem) joined by
// PairJoiner to the next plain word's, other words between them passed over. An index of
// words without their positions (PostgreSQL's GIN) finds a phrase's candidates by its
// pairs, where its words alone are common: every text holding the phrase holds its pairs.
//
// Words other than plain ones pass over rather than break a pair because the database may
// read one as several tokens, or as none, so that the plain words either side of it are
// next to each other there: pairing them as well keeps every phrase it finds among the
// candidates. A phrase's pairs are the same pairs of its own plain words.
func Pairs(words []string) []string {
	var pairs []string
	last := ""
	for _, w := range words {
		stem, plain := Stem(w)
		if !plain {
			continue
		}
		if last != "" {
			pairs = append(pairs, last+PairJoiner+stem)
		}
		last = stem
	}
	return pairs
}

// Stem returns a plain word's English stem (Snowball's Porter2, as PostgreSQL's english
// dictionary stems it) and true, or false for a word that is not plain: a word of
// lower-case ASCII letters alone. Only those are certain to be one token stemmed that way
// in the database too; a word with digits or other letters may be cut or kept whole there.
func Stem(w string) (string, bool) {
	if w == "" || strings.ContainsFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) {
		return "", false
	}
	if s, ok := stems.Load(w); ok {
		return s.(string), true
	}
	s := english.Stem(w, true)
	if stemsHeld.Load() < maxStems {
		if _, loaded := stems.LoadOrStore(w, s); !loaded {
			stemsHeld.Add(1)
		}
	}
	return s, true
}

// maxStems bounds the stems kept: stemming a word costs some 1.7 µs, looking it up 50 ns,
// and a forum's words follow Zipf's law, so the first words met are most of those met again.
const maxStems = 1 << 18

var (
	stems     sync.Map // plain word → its stem
	stemsHeld atomic.Int64
)

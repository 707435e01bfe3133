package parley

import (
	"slices"
	"strings"
	"unicode"
)

// MaxSearchWords bounds the words a search looks up, the first ones written: a title rarely
// has more that tell it apart, and text pasted into a title box must not cost more than a
// title.
const MaxSearchWords = 8

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

// SearchWords splits text into the words a search looks for, as every store's title index
// cuts titles: runs of letters, digits and underscores, so that developer identifiers such
// as EXC_BAD_ACCESS are one word and "-1009" is 1009. They are lower-cased, and stop words,
// repeats and words of underscores alone are left out; at most MaxSearchWords are kept.
func SearchWords(text string) []string {
	var words []string
	for w := range strings.FieldsFuncSeq(text, NotWordRune) {
		w = strings.ToLower(w)
		if stopWords[w] || strings.Trim(w, "_") == "" || slices.Contains(words, w) {
			continue
		}
		if words = append(words, w); len(words) == MaxSearchWords {
			break
		}
	}
	return words
}

// NotWordRune reports whether r separates words in titles and searches: letters, combining
// marks, numbers, private-use characters and '_' do not.
func NotWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r) && r != '_' && !unicode.Is(unicode.Co, r)
}

package search_test

import (
	"reflect"
	"testing"

	"github.com/parley-forum/parley/search"
)

func TestPairsJoinStemsOfWordsNextToEachOther(t *testing.T) {
	cases := []struct {
		text  string
		pairs []string
	}{
		// "on" is a stop word: the index holds crashes and launch next to each other.
		{"The app crashes on launch", []string{"app+crash", "crash+launch"}},
		{"Crashed on launching", []string{"crash+launch"}},
		// Words with digits pass over: the database may cut 21e541a in two, or keep it.
		{"retry after 21e541a seconds", []string{"retri+second"}},
		{"café au lait", []string{"au+lait"}},
		{"URLSession", nil},
		{"", nil},
	}
	for _, c := range cases {
		if got := search.Pairs(search.Index(c.text).Words); !reflect.DeepEqual(got, c.pairs) {
			t.Errorf("Pairs of %q = %q, want %q", c.text, got, c.pairs)
		}
	}
}

// A phrase's pairs are among the pairs of every text that holds it, whatever the words'
// endings: the stems are what the database compares.
func TestAPhrasesPairsAreInTheTextsThatHoldIt(t *testing.T) {
	for _, c := range []struct{ phrase, text string }{
		{"crashes on launch", "My app crashed on launching since iOS 17"},
		{"state restoration", "Restoring state restorations fails"},
		{"tried connecting", "I try connections, then tried connected twice"},
	} {
		have := map[string]bool{}
		for _, p := range search.Pairs(search.Index(c.text).Words) {
			have[p] = true
		}
		terms := search.Query{Phrases: []string{c.phrase}}.Match().All
		for _, term := range terms {
			for _, p := range search.Pairs(term.Words) {
				if !have[p] {
					t.Errorf("%q: pair %q is not among those of %q", c.phrase, p, c.text)
				}
			}
		}
	}
}

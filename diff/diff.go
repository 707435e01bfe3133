// Package diff compares two versions of a post for the revision history.
package diff

import (
	"regexp"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says whether a change keeps, removes or adds text.
type Op string

const (
	Equal  Op = "equal"
	Delete Op = "delete"
	Insert Op = "insert"
)

// Change is one run of text that the two versions share, or that one of them lacks.
type Change struct {
	Op   Op
	Text string
}

// token matches a word, a run of spaces, or one other character: the units a reader sees
// change in prose and code alike. Words are letters, marks, digits and underscores of any
// script (so "café" is one word, not "caf" and "é"), except Chinese and Japanese, which put
// no spaces between words: there each character is a unit.
var token = regexp.MustCompile(`(?:[^\P{L}\p{Han}\p{Hiragana}\p{Katakana}]|[\p{M}\p{N}_])+|\s+|\S`)

// Words returns the word-level changes that turn a into b. Each distinct token is mapped to
// one rune so that diffmatchpatch's character diff works on whole words.
func Words(a, b string) []Change {
	codes := map[string]rune{}
	var vocab []string
	encode := func(s string) []rune {
		var out []rune
		for _, t := range token.FindAllString(s, -1) {
			r, ok := codes[t]
			if !ok {
				r = rune(0x10000 + len(vocab)) // above the BMP, clear of any text's own runes in this mapping
				codes[t] = r
				vocab = append(vocab, t)
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
	changes := make([]Change, 0, len(diffs))
	for _, d := range diffs {
		var text []byte
		for _, r := range d.Text {
			text = append(text, vocab[r-0x10000]...)
		}
		changes = append(changes, Change{Op: ops[d.Type], Text: string(text)})
	}
	return changes
}

var ops = map[diffmatchpatch.Operation]Op{
	diffmatchpatch.DiffEqual:  Equal,
	diffmatchpatch.DiffDelete: Delete,
	diffmatchpatch.DiffInsert: Insert,
}

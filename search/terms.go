package search

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTermBytes bounds an indexed word or code term: longer ones (a base64 blob in a log, a
// line of hex) are left out of the index and out of queries alike. PostgreSQL refuses
// lexemes past 2 KB, and nobody types such a term into a search box.
const MaxTermBytes = 100

// Terms is a text as the index holds it, cut once here so that both databases index, and
// look up, the same tokens.
type Terms struct {
	// Words are the text's words in order, lower-case: runs of letters, digits and marks,
	// stop words left out. The database stems them (English).
	Words []string
	// Code are the text's code terms, lower-case, each one token the database keeps whole:
	// runs of words joined by '_', '.' or '-' (exc_bad_access, info.plist, -1009).
	Code []string
}

// Text writes the terms for an index that cuts at spaces: the words in order, so that
// phrases match, then the code terms.
func (t Terms) Text() string {
	return strings.Join(slices.Concat(t.Words, t.Code), " ")
}

// Index cuts a post's text, or a title, into the terms the index stores. Each code term
// is stored whole, with its words among the words; a dotted name is stored with each run
// of its parts too, so that URLSession.shared finds URLSession.shared.dataTask.
func Index(text string) Terms {
	var t Terms
	for c := range chunks(text) {
		t.Words = appendWords(t.Words, c)
		if isCode(c) {
			t.Code = appendDotted(t.Code, strings.ToLower(c))
		}
	}
	return t
}

// Term is one thing a post must hold to match: a code term, kept whole, or one or more
// words next to each other in this order.
type Term struct {
	Code  string
	Words []string
}

// Match is what a query looks for in the index.
type Match struct {
	// All are the terms one post must hold, with its thread's title.
	All []Term
	// Not are left out: a thread with a post that holds every term of one of them.
	Not [][]Term
	// Title restricts both to titles.
	Title bool
}

// Empty reports whether the match looks for nothing: the query has only filters.
func (m Match) Empty() bool { return len(m.All) == 0 && len(m.Not) == 0 }

// Match returns the terms the query's words and phrases look for. A word cuts as text
// does: its code terms are looked up whole, its other words as a phrase (foo/bar finds
// "foo bar"). A phrase is its words next to each other, and its code terms too.
func (q Query) Match() Match {
	m := Match{Title: q.TitleOnly}
	for _, w := range q.Words {
		m.All = append(m.All, wordTerms(w)...)
	}
	for _, p := range q.Phrases {
		m.All = append(m.All, phraseTerms(p)...)
	}
	for _, w := range q.NotWords {
		if terms := wordTerms(w); len(terms) > 0 {
			m.Not = append(m.Not, terms)
		}
	}
	for _, p := range q.NotPhrases {
		if terms := phraseTerms(p); len(terms) > 0 {
			m.Not = append(m.Not, terms)
		}
	}
	return m
}

func wordTerms(w string) []Term {
	var terms []Term
	var words []string
	flush := func() {
		if len(words) > 0 {
			terms = append(terms, Term{Words: words})
			words = nil
		}
	}
	for c := range chunks(w) {
		if isCode(c) {
			flush()
			if code := strings.ToLower(c); len(code) <= MaxTermBytes {
				terms = append(terms, Term{Code: code})
			}
			continue
		}
		words = appendWords(words, c)
	}
	flush()
	return terms
}

// Keywords returns the distinct terms of a text to be looked up one by one, the first
// limit of them: its code terms whole, its other words each on its own, stop words left
// out. The composer's similar threads are those that share the most, and the rarest, of a
// title's keywords, any of which may match.
func Keywords(text string, limit int) []Term {
	var terms []Term
	if limit <= 0 {
		return nil
	}
	add := func(t Term) bool {
		if !slices.ContainsFunc(terms, func(u Term) bool { return u.Code == t.Code && slices.Equal(u.Words, t.Words) }) {
			terms = append(terms, t)
		}
		return len(terms) < limit
	}
	for c := range chunks(text) {
		for _, t := range wordTerms(c) {
			if t.Code != "" {
				if !add(t) {
					return terms
				}
				continue
			}
			for _, w := range t.Words {
				if !add(Term{Words: []string{w}}) {
					return terms
				}
			}
		}
	}
	return terms
}

func phraseTerms(p string) []Term {
	t := Index(p)
	var terms []Term
	if len(t.Words) > 0 {
		terms = append(terms, Term{Words: t.Words})
	}
	for c := range chunks(p) {
		if code := strings.ToLower(c); isCode(c) && len(code) <= MaxTermBytes {
			terms = append(terms, Term{Code: code})
		}
	}
	return terms
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiKinds[r] == wordByte
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || unicode.Is(unicode.Co, r)
}

// joiners join words into a code term.
const joiners = "_.-"

func isJoiner(r rune) bool { return r == '_' || r == '.' || r == '-' }

// isJoinerByte is isJoiner for a byte of UTF-8, which holds joiners only as themselves.
func isJoinerByte(b byte) bool { return b == '_' || b == '.' || b == '-' }

// The kinds of ASCII bytes, looked up rather than asked of package unicode: text is mostly
// ASCII, and cutting it is the bulk of indexing a post.
const (
	spaceByte = iota
	wordByte
	joinerByte
)

var asciiKinds = func() (kinds [utf8.RuneSelf]uint8) {
	for b := range kinds {
		if unicode.IsLetter(rune(b)) || unicode.IsNumber(rune(b)) {
			kinds[b] = wordByte
		}
	}
	for _, b := range []byte(joiners) {
		kinds[b] = joinerByte
	}
	return kinds
}()

// chunks yields the runs of word runes and joiners in text, with the joiners at either
// end taken off, except a '-' before a digit: -1009 is an error code, "--verbose" and
// "offline." are words.
func chunks(text string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		start := -1 // where the run being read began, or -1 between runs
		for i := 0; i < len(text); {
			in, size := asciiKinds[text[i]&0x7f] != spaceByte, 1
			if text[i] >= utf8.RuneSelf {
				var r rune
				r, size = utf8.DecodeRuneInString(text[i:])
				in = isWordRune(r)
			}
			switch {
			case in && start < 0:
				start = i
			case !in && start >= 0:
				if c := trimJoiners(text[start:i]); c != "" && !yield(c) {
					return
				}
				start = -1
			}
			i += size
		}
		if start >= 0 {
			if c := trimJoiners(text[start:]); c != "" {
				yield(c)
			}
		}
	}
}

func trimJoiners(c string) string {
	for c != "" && isJoinerByte(c[len(c)-1]) {
		c = c[:len(c)-1]
	}
	trimmed := c
	for trimmed != "" && isJoinerByte(trimmed[0]) {
		trimmed = trimmed[1:]
	}
	if len(trimmed) < len(c) && c[len(c)-len(trimmed)-1] == '-' && trimmed != "" && trimmed[0] >= '0' && trimmed[0] <= '9' {
		return "-" + trimmed
	}
	return trimmed
}

// isCode reports whether a chunk is a code term: it joins words, or is a negative number.
func isCode(c string) bool {
	for i := range len(c) {
		if isJoinerByte(c[i]) {
			return true
		}
	}
	return false
}

// appendWords adds the words of a chunk, lower-cased, leaving out stop words and words
// too long to index.
func appendWords(words []string, c string) []string {
	start := 0
	for i := 0; i <= len(c); i++ {
		if i < len(c) && !isJoinerByte(c[i]) {
			continue
		}
		if w := strings.ToLower(c[start:i]); w != "" && len(w) <= MaxTermBytes && !isStopWord(w) {
			words = append(words, w)
		}
		start = i + 1
	}
	return words
}

// maxDotted bounds the parts of a dotted name whose every run is indexed; a longer one is
// indexed whole only.
const maxDotted = 6

// appendDotted adds a code term and, when it is a dotted name, every run of two or more
// of its parts.
func appendDotted(code []string, c string) []string {
	parts := strings.Split(c, ".")
	if len(parts) < 3 || len(parts) > maxDotted {
		return appendTerm(code, c)
	}
	for n := len(parts); n >= 2; n-- {
		for i := 0; i+n <= len(parts); i++ {
			code = appendTerm(code, strings.Join(parts[i:i+n], "."))
		}
	}
	return code
}

func appendTerm(code []string, c string) []string {
	if len(c) > MaxTermBytes || !strings.ContainsFunc(c, isWordRune) {
		return code
	}
	return append(code, c)
}

// isStopWord reports whether a lower-case word is left out of the index and of queries:
// stop words occur in most posts and say nothing of the subject. Fragments of contractions
// ("can't" is "can" and "t") are among them. A switch, which compiles to comparisons by
// length, is looked up faster than a map.
func isStopWord(w string) bool {
	switch w {
	case "a", "about", "after", "am", "an", "and", "any", "are", "as", "at", "be", "been",
		"before", "but", "by", "can", "could", "d", "did", "do", "does", "doing", "don", "didn",
		"doesn", "for", "from", "get", "got", "had", "has", "have", "how", "i", "if", "in", "into",
		"is", "isn", "it", "its", "just", "ll", "m", "me", "my", "no", "not", "of", "on", "or",
		"our", "re", "s", "should", "so", "some", "t", "than", "that", "the", "their", "then",
		"there", "these", "this", "to", "too", "use", "using", "ve", "was", "wasn", "we", "were",
		"what", "when", "where", "which", "while", "who", "why", "will", "with", "won", "would",
		"wouldn", "you", "your":
		return true
	}
	return false
}

// isInlineTag reports whether an HTML element, named in lower case, does not separate
// words: a highlighted identifier is one word across its spans.
func isInlineTag(name string) bool {
	switch name {
	case "a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark", "s", "samp", "small", "span", "strong",
		"sub", "sup", "u", "var":
		return true
	}
	return false
}

// PostText returns the text of a post's rendered HTML, as a reader sees it: tags taken off,
// entities decoded. Block elements separate words; inline ones do not.
func PostText(htmlText string) string {
	var b strings.Builder
	b.Grow(len(htmlText))
	for {
		lt := strings.IndexByte(htmlText, '<')
		if lt < 0 {
			b.WriteString(html.UnescapeString(htmlText))
			break
		}
		b.WriteString(html.UnescapeString(htmlText[:lt]))
		gt := strings.IndexByte(htmlText[lt:], '>')
		if gt < 0 {
			break
		}
		name := strings.TrimPrefix(htmlText[lt+1:lt+gt], "/")
		if i := strings.IndexFunc(name, func(r rune) bool { return r == ' ' || r == '/' || r == '\n' || r == '\t' }); i >= 0 {
			name = name[:i]
		}
		if !isInlineTag(strings.ToLower(name)) {
			b.WriteByte(' ')
		}
		htmlText = htmlText[lt+gt+1:]
	}
	return b.String()
}

// Post returns the terms of a post's rendered HTML.
func Post(htmlText string) Terms { return Index(PostText(htmlText)) }

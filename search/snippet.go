package search

import (
	"strings"
	"unicode/utf8"
)

// SnippetBytes is about how much of a post a snippet shows.
const SnippetBytes = 200

// Span is a piece of a snippet: plain text, marked when a search matched it. A page
// escapes Text as any text and wraps a marked span in <mark>.
type Span struct {
	Text  string
	Match bool
}

// Snippet returns a short passage of text around the first words m looks for, with each
// such word marked. Words are compared as the index compares them, except that stemming
// is approximated by dropping a few English endings (crashes, crashed and crashing are
// crash). Text without a match gives its beginning, unmarked.
func Snippet(text string, m Match) []Span {
	text = strings.Join(strings.Fields(text), " ")
	marks := matches(text, m)
	start := 0
	if len(marks) > 0 && marks[0][0] > SnippetBytes/4 {
		start = wordStart(text, marks[0][0]-SnippetBytes/4)
	}
	end := min(len(text), start+SnippetBytes)
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	if end < len(text) {
		if i := strings.LastIndexByte(text[start:end], ' '); i > 0 {
			end = start + i
		}
	}
	var spans []Span
	at := start
	if start > 0 {
		spans = append(spans, Span{Text: "…"})
	}
	for _, mk := range marks {
		if mk[0] < at || mk[1] > end {
			continue
		}
		spans = append(spans, Span{Text: text[at:mk[0]]}, Span{Text: text[mk[0]:mk[1]], Match: true})
		at = mk[1]
	}
	spans = append(spans, Span{Text: text[at:end]})
	if end < len(text) {
		spans = append(spans, Span{Text: "…"})
	}
	return joinSpans(spans)
}

// wordStart returns the start of the word after i, or i.
func wordStart(text string, i int) int {
	if j := strings.IndexByte(text[i:], ' '); j >= 0 {
		return i + j + 1
	}
	return i
}

// Holds reports whether text holds a term as Snippet marks it: a code term whole, or a
// dotted name by a run of its parts; a word in the forms a stemming index matches, near
// enough. It tells without a database whether a title read from one holds a keyword.
func Holds(text string, t Term) bool { return len(matches(text, Match{All: []Term{t}})) > 0 }

// matches returns the byte ranges of text that m's terms match, in order.
func matches(text string, m Match) [][2]int {
	code, words := map[string]bool{}, map[string]bool{}
	for _, t := range m.All {
		if t.Code != "" {
			code[t.Code] = true
		}
		for _, w := range t.Words {
			words[stem(w)] = true
		}
	}
	var marks [][2]int
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) && !isJoiner(r) {
			i += size
			continue
		}
		end := i + size
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if !isWordRune(r) && !isJoiner(r) {
				break
			}
			end += size
		}
		marks = appendMarks(marks, text, i, end, code, words)
		i = end
	}
	return marks
}

// appendMarks marks the chunk text[from:to] whole when it is a code term looked for, else
// each of its words looked for.
func appendMarks(marks [][2]int, text string, from, to int, code, words map[string]bool) [][2]int {
	chunk := text[from:to]
	trimmed := trimJoiners(chunk)
	if trimmed == "" {
		return marks
	}
	at := from + strings.Index(chunk, trimmed)
	if isCode(trimmed) && dottedMatch(strings.ToLower(trimmed), code) {
		return append(marks, [2]int{at, at + len(trimmed)})
	}
	for i := 0; i < len(trimmed); {
		j := strings.IndexFunc(trimmed[i:], isJoiner)
		if j < 0 {
			j = len(trimmed) - i
		}
		if w := trimmed[i : i+j]; w != "" && words[stem(strings.ToLower(w))] {
			marks = append(marks, [2]int{at + i, at + i + j})
		}
		i += j + 1
	}
	return marks
}

// dottedMatch reports whether code, or a run of its dotted parts, is looked for.
func dottedMatch(c string, code map[string]bool) bool {
	if code[c] {
		return true
	}
	for _, run := range appendDotted(nil, c) {
		if code[run] {
			return true
		}
	}
	return false
}

// stem drops a few English endings, enough to mark the forms of a word a stemming index
// matched.
func stem(w string) string {
	for _, suffix := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suffix)+2 && strings.HasSuffix(w, suffix) {
			return strings.TrimSuffix(w, suffix)
		}
	}
	return w
}

// joinSpans drops empty spans and joins neighbouring unmarked ones.
func joinSpans(spans []Span) []Span {
	var out []Span
	for _, s := range spans {
		switch {
		case s.Text == "":
		case len(out) > 0 && !s.Match && !out[len(out)-1].Match:
			out[len(out)-1].Text += s.Text
		default:
			out = append(out, s)
		}
	}
	return out
}

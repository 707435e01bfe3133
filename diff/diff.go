// Package diff compares two versions of a post for the revision history.
package diff

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	parley "github.com/parley-forum/parley"
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

// Part is a stretch of a post's diff shown one way: prose word by word, or a code block line
// by line.
type Part struct {
	Code bool
	// Changes rebuild the stretch. In prose, runs of the same Op are joined; in code, each
	// Change is one whole line with its line break (only the text's last line may lack one).
	Changes []Change
}

// Diff is the changes between two versions of a post.
type Diff struct {
	Parts []Part
	// ByLines is set when some changed prose is shown as whole lines removed and added,
	// not word by word: the versions differ too much to compare word by word within the
	// bounds that keep one diff's cost small (see Markdown).
	ByLines bool
}

// Bounds on one diff's work, whatever the versions: the revision history is public, so a
// stranger can ask for the diff of any two versions of any post.
const (
	// MaxWordUnits is the most words, spaces and marks a changed stretch of prose may hold,
	// both versions together, to be compared word by word; a larger one is shown line by
	// line. A word diff costs up to the product of the two sides' lengths, and at this
	// size it takes a few milliseconds.
	MaxWordUnits = 4000
	// Budget is the time the line diff and every word diff share. diffmatchpatch stops
	// looking for a short diff at its deadline and returns a correct longer one; what is
	// left to compare after it is shown line by line.
	Budget = 100 * time.Millisecond
)

// Markdown returns the changes that turn the Markdown source a into b: word by word in prose,
// and whole lines inside code blocks, where a changed line reads best removed and added whole
// with its indentation intact.
//
// It diffs lines first, each line keyed by its text and by whether it is code, then refines
// each changed stretch of prose word by word with Words. Lines first keeps the unchanged
// lines around an edit (a code block's fences, the blank lines between paragraphs) as anchors,
// so an edit in prose cannot pull a nearby code line into a mixed run, and a one-word fix
// reads exactly as Words shows it. Cutting each version into blocks and pairing the blocks
// instead would need an alignment of its own, and a block added in the middle of a paragraph
// would leave the two halves of that paragraph with nothing to pair with.
//
// Cost: the line diff is Myers' O((N+M)·D) for N and M lines and D changed lines, then each
// changed prose stretch costs the same in its words: a 2,000-line log with a few edited lines
// takes about a millisecond, and the same log with every line changed (D = N) about 25 ms.
// Worse cases are cut short by MaxWordUnits and Budget, and the result says so (ByLines).
func Markdown(a, b string) Diff {
	la, lb := lines(a), lines(b)
	out := parts{deadline: time.Now().Add(Budget)}
	i, j := 0, 0
	runs, ok := edits(keys(la), keys(lb), false, out.deadline)
	out.byLines = !ok
	for k := 0; k < len(runs); {
		if runs[k].op == Equal {
			for _, l := range la[i : i+runs[k].n] {
				out.add(l.code, Equal, l.text)
			}
			i, j = i+runs[k].n, j+runs[k].n
			k++
			continue
		}
		var old, cur []line
		for ; k < len(runs) && runs[k].op != Equal; k++ {
			if runs[k].op == Delete {
				old = append(old, la[i:i+runs[k].n]...)
				i += runs[k].n
			} else {
				cur = append(cur, lb[j:j+runs[k].n]...)
				j += runs[k].n
			}
		}
		out.replace(old, cur)
	}
	return Diff{Parts: out.done(), ByLines: out.byLines}
}

// Words returns the word-level changes that turn a into b, taking up to Budget to find
// few of them.
func Words(a, b string) []Change {
	changes, _ := words(token.FindAllString(a, -1), token.FindAllString(b, -1), time.Now().Add(Budget))
	return changes
}

// words returns the changes that turn the units ta into tb, and whether they were found
// before the deadline.
func words(ta, tb []string, deadline time.Time) ([]Change, bool) {
	var changes []Change
	i, j := 0, 0
	runs, ok := edits(ta, tb, true, deadline)
	for _, r := range runs {
		var text string
		if r.op == Insert {
			text = strings.Join(tb[j:j+r.n], "")
			j += r.n
		} else {
			text = strings.Join(ta[i:i+r.n], "")
			i += r.n
			if r.op == Equal {
				j += r.n
			}
		}
		changes = append(changes, Change{Op: r.op, Text: text})
	}
	return changes, ok
}

// token matches a word, a run of spaces, or one other character: the units a reader sees
// change in prose. Words are letters, marks, digits and underscores of any script (so "café"
// is one word, not "caf" and "é"), except Chinese and Japanese, which put no spaces between
// words: there each character is a unit.
var token = regexp.MustCompile(`(?:[^\P{L}\p{Han}\p{Hiragana}\p{Katakana}]|[\p{M}\p{N}_])+|\s+|\S`)

// run is n units that both sequences share (Equal), or that only a (Delete) or b (Insert) has.
type run struct {
	op Op
	n  int
}

// edits returns the runs that turn the units of a into those of b, in order: Equal and Delete
// runs consume a, Equal and Insert runs consume b. Each distinct unit is mapped to one rune so
// that diffmatchpatch's character diff (Myers' algorithm) works on whole units. semantic asks
// for its cleanup that folds short coincidental matches into the edits around them, which
// reads better in prose than in code.
//
// diffmatchpatch gives up looking for the shortest diff at the deadline and answers a longer
// one that is still right; ok reports whether the deadline was met. Past the deadline already,
// the answer is all of a removed and all of b added.
func edits(a, b []string, semantic bool, deadline time.Time) (runs []run, ok bool) {
	left := time.Until(deadline)
	if left <= 0 { // diffmatchpatch reads a timeout of 0 as none at all
		return wholesale(len(a), len(b)), false
	}
	codes := map[string]rune{}
	encode := func(units []string) []rune {
		out := make([]rune, len(units))
		for i, u := range units {
			r, ok := codes[u]
			if !ok {
				// Above the BMP, clear of the surrogates; a post's at most 50,000 characters
				// have far fewer distinct units than the million runes above it.
				r = rune(0x10000 + len(codes))
				codes[u] = r
			}
			out[i] = r
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = left
	diffs := dmp.DiffMainRunes(ra, rb, false)
	if semantic {
		diffs = dmp.DiffCleanupSemantic(diffs)
	}
	runs = make([]run, 0, len(diffs))
	for _, d := range diffs {
		runs = append(runs, run{op: ops[d.Type], n: utf8.RuneCountInString(d.Text)})
	}
	return runs, time.Now().Before(deadline)
}

// wholesale is the diff that removes n units and adds m.
func wholesale(n, m int) []run {
	var runs []run
	if n > 0 {
		runs = append(runs, run{Delete, n})
	}
	if m > 0 {
		runs = append(runs, run{Insert, m})
	}
	return runs
}

var ops = map[diffmatchpatch.Operation]Op{
	diffmatchpatch.DiffEqual:  Equal,
	diffmatchpatch.DiffDelete: Delete,
	diffmatchpatch.DiffInsert: Insert,
}

// parts builds Markdown's result, starting a new Part whenever prose turns to code or back.
type parts struct {
	list []Part
	// text gathers the last Change's text, which in prose may grow by many lines: joining
	// them one by one would copy the run again for every line.
	text     strings.Builder
	deadline time.Time // for every word diff
	byLines  bool      // some changed prose was shown line by line
}

func (ps *parts) add(code bool, op Op, text string) {
	if n := len(ps.list); n == 0 || ps.list[n-1].Code != code {
		ps.flush()
		ps.list = append(ps.list, Part{Code: code})
	}
	p := &ps.list[len(ps.list)-1]
	if n := len(p.Changes); !code && n > 0 && p.Changes[n-1].Op == op {
		ps.text.WriteString(text)
		return
	}
	ps.flush()
	p.Changes = append(p.Changes, Change{Op: op})
	ps.text.WriteString(text)
}

// flush gives the last Change the text gathered for it.
func (ps *parts) flush() {
	if len(ps.list) == 0 || len(ps.list[len(ps.list)-1].Changes) == 0 {
		return
	}
	cs := ps.list[len(ps.list)-1].Changes
	cs[len(cs)-1].Text = ps.text.String()
	ps.text.Reset()
}

// done returns the parts built.
func (ps *parts) done() []Part {
	ps.flush()
	return ps.list
}

// replace shows the lines old giving way to the lines cur, between two unchanged lines.
// Each side is cut into stretches of prose and of code; stretches of the same kind are
// paired (prose compared word by word, code removed then added line by line), and a
// stretch with no partner, such as a code block added whole, is shown removed or added.
// Prose too long to compare word by word within the bounds is removed and added whole too.
func (ps *parts) replace(old, cur []line) {
	os, cs := stretches(old), stretches(cur)
	for len(os) > 0 || len(cs) > 0 {
		switch {
		case len(os) > 0 && len(cs) > 0 && os[0][0].code == cs[0][0].code:
			if os[0][0].code {
				ps.lines(Delete, os[0])
				ps.lines(Insert, cs[0])
			} else {
				ps.prose(os[0], cs[0])
			}
			os, cs = os[1:], cs[1:]
		case len(cs) == 0 || len(os) >= len(cs):
			ps.lines(Delete, os[0])
			os = os[1:]
		default:
			ps.lines(Insert, cs[0])
			cs = cs[1:]
		}
	}
}

// prose shows the prose lines old giving way to cur, word by word if the bounds allow.
func (ps *parts) prose(old, cur []line) {
	// Cutting more units than the bound allows would be work for nothing.
	ta, tb := token.FindAllString(join(old), MaxWordUnits+1), token.FindAllString(join(cur), MaxWordUnits+1)
	if len(ta)+len(tb) <= MaxWordUnits {
		changes, ok := words(ta, tb, ps.deadline)
		if ok {
			for _, c := range changes {
				ps.add(false, c.Op, c.Text)
			}
			return
		}
	}
	ps.byLines = true
	ps.lines(Delete, old)
	ps.lines(Insert, cur)
}

func (ps *parts) lines(op Op, ls []line) {
	for _, l := range ls {
		ps.add(l.code, op, l.text)
	}
}

// stretches cuts lines into runs of the same kind, prose or code.
func stretches(ls []line) [][]line {
	var out [][]line
	for i := 0; i < len(ls); {
		j := i + 1
		for j < len(ls) && ls[j].code == ls[i].code {
			j++
		}
		out = append(out, ls[i:j])
		i = j
	}
	return out
}

func join(ls []line) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.text)
	}
	return b.String()
}

// line is one line of a post's source with its line break ("\n" or "\r\n"), and whether it
// belongs to a code block.
type line struct {
	text string
	code bool
}

// keys tells code from prose in the line diff, so that a line moved into or out of a code
// block shows as changed.
func keys(ls []line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		if l.code {
			out[i] = "c" + l.text
		} else {
			out[i] = "p" + l.text
		}
	}
	return out
}

// lines cuts s into lines and finds its code blocks as CommonMark does at the top level:
//   - a fenced block opens with three or more backticks or tildes indented by at most three
//     spaces, and closes with a line of at least as many of the same character, or at the end
//     of the text; both fence lines belong to the block;
//   - an indented block is a run of lines indented by four columns or more, after a blank line
//     (it cannot interrupt a paragraph), with the blank lines inside it but not after it.
//
// Lists are the one container it follows, loosely: after a list item, indented lines continue
// the item rather than open a code block, and fences may be indented to the item's content.
// A fence inside a block quote ("> ```") is not seen; its lines are compared as prose.
func lines(s string) []line {
	var (
		out         []line
		fence       string // the opening fence's backticks or tildes, inside a fenced block
		fenceIndent int
		indented    bool // inside an indented block
		trailing    = -1 // the first of the blank lines ending the indented block so far
		para        bool // a paragraph is open
		inList      bool // a list item came before, and no unindented paragraph since
		prevBlank   = true
	)
	endIndented := func() {
		if indented && trailing >= 0 {
			for k := trailing; k < len(out); k++ {
				out[k].code = false
			}
		}
		indented, trailing = false, -1
	}
	for len(s) > 0 {
		n := strings.IndexByte(s, '\n') + 1
		if n == 0 {
			n = len(s)
		}
		t := s[:n]
		s = s[n:]
		blank := strings.TrimSpace(t) == ""
		ind := indent(t)
		code := true
		switch {
		case fence != "":
			if closes(t, fence, fenceIndent) {
				fence = ""
			}
		case indented && (blank || ind >= 4):
			if !blank {
				trailing = -1
			} else if trailing < 0 {
				trailing = len(out)
			}
		default:
			endIndented()
			if !blank && ind == 0 && prevBlank && !listItem(t) {
				inList = false
			}
			if f := opens(t, ind, inList); f != "" {
				fence, fenceIndent, para = f, ind, false
			} else if !blank && ind >= 4 && !para && !inList {
				indented = true
			} else {
				code = false
				para = !blank
				if listItem(t) {
					inList = true
				}
			}
		}
		prevBlank = blank
		out = append(out, line{text: t, code: code})
	}
	endIndented()
	return out
}

// indent is the width of t's leading spaces and tabs, with tab stops every four columns.
func indent(t string) int {
	w := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w
		}
	}
	return w
}

// opens returns the backticks or tildes of the fence t opens, or "". A backtick fence's info
// string may not hold a backtick, or the line is inline code.
func opens(t string, ind int, inList bool) string {
	if ind > 3 && !inList {
		return ""
	}
	rest := strings.TrimLeft(t, " \t")
	n := run0(rest)
	if n < 3 || (rest[0] == '`' && strings.Contains(rest[n:], "`")) {
		return ""
	}
	return rest[:n]
}

// closes says whether t closes the block fence opened at indentation ind: by at most three
// spaces at the top level, or three past the fence in a list item.
func closes(t, fence string, ind int) bool {
	if n := indent(t); n > 3 && n > ind+3 {
		return false
	}
	rest := strings.TrimLeft(t, " \t")
	n := run0(rest)
	return n >= len(fence) && rest[0] == fence[0] && strings.TrimSpace(rest[n:]) == ""
}

// run0 is the length of the run of backticks or tildes s starts with.
func run0(s string) int {
	if s == "" || (s[0] != '`' && s[0] != '~') {
		return 0
	}
	n := 1
	for n < len(s) && s[n] == s[0] {
		n++
	}
	return n
}

// listItem says whether t starts a list item: a list marker (parley.ListMarker) indented
// at most three spaces.
func listItem(t string) bool {
	if indent(t) > 3 {
		return false
	}
	return parley.ListMarker(strings.TrimRight(strings.TrimLeft(t, " \t"), "\r\n")) > 0
}

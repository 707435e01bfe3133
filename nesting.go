package parley

import "strings"

// Bounds on what a post's Markdown may become. Markdown lets a few characters stand for a
// lot of HTML: a ">" is a whole quote box, so 50,000 of them were 50,000 nested boxes and
// more than a megabyte for every reader's browser to lay out.
const (
	// MaxDepth is how deeply quotes and lists may nest in a post.
	MaxDepth = 32
	// MaxRendered bounds a post's HTML, in bytes: ten times the longest post, which leaves
	// room for highlighted code (Go code renders to about nine times its size) and refuses
	// Markdown written to swell.
	MaxRendered = 10 * MaxBody
)

// ValidateHTML checks a post's rendered, sanitised HTML against MaxRendered and MaxDepth.
// Body validation has refused the deepest Markdown before it was rendered, from its line
// markers; this is the exact check, on what readers would get.
func ValidateHTML(html string) error {
	if len(html) > MaxRendered {
		return Invalid("body", "This post would take %d KB as a web page, more than the %d KB a post may (code is highlighted, which makes it larger). Shorten it, or attach long code or logs as a text file.",
			(len(html)+1023)/1024, MaxRendered/1024)
	}
	if d := htmlDepth(html); d > MaxDepth {
		return tooDeep(d)
	}
	return nil
}

func tooDeep(depth int) error {
	return Invalid("body", "Quotes and lists may be nested at most %d levels deep; this post nests them %d deep. Flatten some of them.", MaxDepth, depth)
}

// htmlDepth is the deepest nesting of block quotes and lists in sanitised HTML, where every
// "<" that is not a tag's was escaped.
func htmlDepth(html string) int {
	depth, deepest := 0, 0
	for i := strings.IndexByte(html, '<'); i >= 0; {
		rest := html[i+1:]
		closing := strings.HasPrefix(rest, "/")
		if closing {
			rest = rest[1:]
		}
		if isTag(rest, "blockquote") || isTag(rest, "ul") || isTag(rest, "ol") {
			if closing {
				depth--
			} else {
				depth++
				deepest = max(deepest, depth)
			}
		}
		j := strings.IndexByte(rest, '<')
		if j < 0 {
			break
		}
		html, i = rest, j
	}
	return deepest
}

// isTag reports whether s starts with the element name followed by the end of its tag or
// an attribute.
func isTag(s, name string) bool {
	return len(s) > len(name) && strings.HasPrefix(s, name) && (s[len(name)] == '>' || s[len(name)] == ' ')
}

// markedDepth is the deepest nesting of quotes and lists that a line of Markdown opens by
// its leading markers alone: "> > - 1. text" opens four. It never counts more than the
// rendered post nests (bar a fence inside a quote or list, whose lines it reads as
// Markdown), and it costs one pass over the text, so the worst posts are refused before
// they are rendered. Nesting by indentation is left to ValidateHTML.
func markedDepth(s string) int {
	deepest, fence := 0, ""
	for line := range strings.Lines(s) {
		t := strings.TrimLeft(line, " ")
		if len(line)-len(t) <= 3 {
			if fence == "" {
				fence = fenceOf(t)
				if fence != "" {
					continue
				}
			} else if f := fenceOf(t); strings.HasPrefix(f, fence) && strings.TrimSpace(t[len(f):]) == "" {
				fence = ""
				continue
			}
		}
		if fence == "" {
			deepest = max(deepest, lineDepth(line))
		}
	}
	return deepest
}

// fenceOf returns the run of three or more backticks or tildes t starts with, or "".
func fenceOf(t string) string {
	if t == "" || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	n := len(t) - len(strings.TrimLeft(t, t[:1]))
	if n < 3 {
		return ""
	}
	return t[:n]
}

// lineDepth counts the quote and list markers a line starts with, each after at most three
// spaces. List markers in a closing run of one of "-*_" and spaces are not counted: that run
// may be a thematic break ("- - -"), which opens no list.
func lineDepth(line string) int {
	line = strings.TrimRight(line, "\r\n")
	brk := breakRun(line)
	depth := 0
	for i := 0; ; depth++ {
		j := i
		for j < len(line) && j-i < 3 && line[j] == ' ' {
			j++
		}
		if j < len(line) && line[j] == '>' {
			i = j + 1
			continue
		}
		n := ListMarker(line[j:])
		if n == 0 || j >= brk {
			return depth
		}
		i = j + n
	}
}

// breakRun is where the closing run of one of "-*_" and spaces or tabs begins in line, or
// len(line) when line does not end with one of those characters.
func breakRun(line string) int {
	t := strings.TrimRight(line, " \t")
	if t == "" || strings.IndexByte("-*_", t[len(t)-1]) < 0 {
		return len(line)
	}
	c := t[len(t)-1]
	i := len(t)
	for i > 0 && (line[i-1] == c || line[i-1] == ' ' || line[i-1] == '\t') {
		i--
	}
	return i
}

// ListMarker is the length of the Markdown list marker s starts with ("-", "*" or "+", or
// one to nine digits and "." or ")"), followed by a space, a tab or the end of the line; 0
// if none. The nesting check and revision diffs both read list items by it.
func ListMarker(s string) int {
	n := 0
	switch {
	case s != "" && strings.IndexByte("-*+", s[0]) >= 0:
		n = 1
	default:
		for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 || n == len(s) || (s[n] != '.' && s[n] != ')') {
			return 0
		}
		n++
	}
	if n < len(s) && s[n] != ' ' && s[n] != '\t' {
		return 0
	}
	return n
}

package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Handle lengths, as parley's handlePattern allows them: 2 to 30 of [A-Za-z0-9_].
const (
	minHandle = 2
	maxHandle = 30
)

// mentions turns "@handle" in a post into a link to the user's profile:
//
//	<a href="/users/handle" class="mention">@handle</a>
//
// It is parsed, not found by a pattern over the output, so code spans, code
// blocks and autolinked addresses never reach it; mentionsInLinks undoes the
// few it finds inside a link. Whether the user exists is not checked: the
// post is rendered once, when written, and a profile that is not there
// answers 404.
var mentions goldmark.Extender = mentionExtension{}

type mentionExtension struct{}

func (mentionExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithInlineParsers(util.Prioritized(mentionParser{}, 500)),
		parser.WithASTTransformers(util.Prioritized(mentionsInLinks{}, 500)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mentionRenderer{}, 500)))
}

var kindMention = ast.NewNodeKind("Mention")

// mention is an inline node for "@handle"; its segment covers the "@" and the
// handle, so it can turn back into the text it came from.
type mention struct {
	ast.BaseInline
	segment text.Segment
}

func (n *mention) Kind() ast.NodeKind { return kindMention }

func (n *mention) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Handle": string(n.handle(source))}, nil)
}

func (n *mention) handle(source []byte) []byte { return n.segment.Value(source)[1:] }

type mentionParser struct{}

func (mentionParser) Trigger() []byte { return []byte{'@'} }

// Parse reads "@handle" where a mention may start (see mayPrecede) and where
// the handle ends at a character that cannot continue it (see mayFollow). A
// run of handle characters longer than a handle may be is no mention at all,
// rather than one cut short.
func (mentionParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	if !mayPrecede(block.PrecendingCharacter()) {
		return nil
	}
	line, seg := block.PeekLine()
	n := 0
	for 1+n < len(line) && isHandleByte(line[1+n]) {
		n++
	}
	if n < minHandle || n > maxHandle {
		return nil
	}
	if next, size := utf8.DecodeRune(line[1+n:]); size > 0 && !mayFollow(next) {
		return nil
	}
	block.Advance(1 + n)
	return &mention{segment: text.NewSegment(seg.Start, seg.Start+1+n)}
}

func isHandleByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// mayPrecede reports whether a mention may follow r: the start of the text
// (goldmark reports '\n'), white space, an opening bracket or quote, or an
// emphasis mark, as in "(@ana)", "«@ana»" or "**@ana**". A letter or digit
// before the "@" makes it part of a word or an address (ana@example.com).
// "_" is left out: it belongs to handles, so "_@ana_" could not close.
func mayPrecede(r rune) bool {
	return unicode.IsSpace(r) || unicode.In(r, unicode.Ps, unicode.Pi) || strings.ContainsRune(`"'*~`, r)
}

// mayFollow reports whether a handle may end before r. A letter, digit or
// mark would continue the word ("@anaé"), and another "@" makes an address
// ("@ana@example.com"); punctuation and space end it ("@ana." mentions ana).
func mayFollow(r rune) bool {
	return r != '@' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
}

// mentionsInLinks turns mentions inside link text and image descriptions
// back into text: a link cannot hold another link, and alt text is plain.
type mentionsInLinks struct{}

func (mentionsInLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var inLinks []*mention
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if m, ok := n.(*mention); ok && entering && insideLink(m) {
			inLinks = append(inLinks, m)
		}
		return ast.WalkContinue, nil
	})
	for _, m := range inLinks {
		m.Parent().ReplaceChild(m.Parent(), m, ast.NewTextSegment(m.segment))
	}
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Kind() {
		case ast.KindLink, ast.KindAutoLink, ast.KindImage:
			return true
		}
	}
	return false
}

type mentionRenderer struct{}

func (mentionRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMention, renderMention)
}

// renderMention writes the link. The handle is only [A-Za-z0-9_], so it needs
// no escaping in the URL path or in the text.
func renderMention(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		h := n.(*mention).handle(source)
		_, _ = w.WriteString(`<a href="/users/`)
		_, _ = w.Write(h)
		_, _ = w.WriteString(`" class="mention">@`)
		_, _ = w.Write(h)
		_, _ = w.WriteString(`</a>`)
	}
	return ast.WalkSkipChildren, nil
}

// Package markdown renders post Markdown to sanitised HTML.
//
// Posts are rendered once, when they are written, and the stored HTML is
// served as-is, so everything that makes it safe happens here: raw HTML in
// the Markdown comes out as escaped text, and a bluemonday allow-list then
// strips anything the Markdown renderer should not have produced, as a
// second wall.
package markdown

import (
	"bytes"
	"html"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
)

// Renderer turns post Markdown into safe HTML. Safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New builds the Markdown pipeline and the sanitising policy. Both are
// immutable afterwards, so one Renderer serves every request.
func New() *Renderer {
	return &Renderer{md: newGoldmark(), policy: newPolicy()}
}

// Render returns sanitised HTML for src. It never fails on any input (bad
// Markdown just renders as text). Invalid UTF-8 is replaced with U+FFFD so
// the stored HTML is always valid UTF-8.
func (r *Renderer) Render(src string) string {
	source := []byte(strings.ToValidUTF8(src, "\uFFFD"))
	var out bytes.Buffer
	out.Grow(2 * len(source))
	if err := r.md.Convert(source, &out); err != nil {
		// goldmark reports only writer errors, which bytes.Buffer never
		// returns; keep the promise of readable output regardless.
		return "<p>" + html.EscapeString(string(source)) + "</p>\n"
	}
	return r.policy.SanitizeReader(&out).String()
}

// Sanitize returns html filtered through the allow-list that Render applies to its own
// output, for HTML written elsewhere (such as posts imported from another forum), so
// that what the forum stores passes one policy whatever its source. Invalid UTF-8 is
// replaced with U+FFFD, as in Render.
func (r *Renderer) Sanitize(html string) string {
	return r.policy.Sanitize(strings.ToValidUTF8(html, "\uFFFD"))
}

// newGoldmark configures CommonMark with the GFM extensions, footnotes and
// class-based highlighting. The typographer is left out on purpose: posts
// are full of code-ish text ("--flag", 'quotes') that must stay as typed.
// Raw HTML is shown as escaped text (see escapedHTML); html.WithUnsafe is
// never set, so goldmark's own renderer would not emit it either.
func newGoldmark() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
			extension.Strikethrough,
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
			extension.TaskList,
			mentions,
			extension.NewFootnote(extension.WithFootnoteIDPrefixFunction(footnoteIDPrefix)),
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
				highlighting.WithCodeBlockOptions(codeBlockOptions),
			),
		),
		goldmark.WithParserOptions(
			// Priority 0 runs after every built-in transformer, including
			// the footnote one that gathers the footnote list.
			parser.WithASTTransformers(util.Prioritized(postTransformer{}, 0)),
		),
		goldmark.WithRendererOptions(
			// goldmark lets the lower priority value win a node kind; the
			// default HTML renderer has 1000.
			renderer.WithNodeRenderers(util.Prioritized(escapedHTML{}, 100)),
		),
	)
}

package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// escapedHTML renders raw HTML in a post as the text the author typed.
// goldmark's safe default drops it instead, which on a developer forum
// silently eats prose such as "a List<String> of names" or an XML snippet
// pasted without a fence. Nothing here is ever emitted as markup.
type escapedHTML struct{}

func (escapedHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

func renderRawHTML(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		writeEscaped(w, source, n.(*ast.RawHTML).Segments)
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock shows a block of HTML preformatted, as it was laid out.
func renderHTMLBlock(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	block := n.(*ast.HTMLBlock)
	if entering {
		_, _ = w.WriteString("<pre><code>")
		writeEscaped(w, source, block.Lines())
		return ast.WalkContinue, nil
	}
	if block.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(block.ClosureLine.Value(source)))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkContinue, nil
}

func writeEscaped(w util.BufWriter, source []byte, segments *text.Segments) {
	for i := range segments.Len() {
		s := segments.At(i)
		_, _ = w.Write(util.EscapeHTML(s.Value(source)))
	}
}

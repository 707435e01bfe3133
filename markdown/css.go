package markdown

import (
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// darkReset is written first inside the dark block. Chroma only writes
// rules for tokens a style sets, so a token coloured by the light theme but
// not by the dark one would keep its light colour on the dark background.
// ".chroma [class]" has the same specificity as ".chroma .k" and comes
// later, so it cancels every light token rule; the dark rules after it win
// again.
const darkReset = ".chroma [class] { color: inherit; background-color: transparent; " +
	"font-weight: inherit; font-style: inherit; text-decoration: inherit }\n"

// HighlightCSS returns the stylesheet for highlighted code: chroma's CSS
// classes, a light theme based on "github" by default and "github-dark"
// inside @media (prefers-color-scheme: dark). In both, every token keeps
// WCAG AA contrast (4.5:1) against the .chroma background, which each
// theme sets explicitly together with the text colour, so the page's own
// colours never show through.
func HighlightCSS() string {
	var b strings.Builder
	writeCSS(&b, lightStyle())
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	b.WriteString(darkReset)
	writeCSS(&b, styles.Get("github-dark"))
	b.WriteString("}\n")
	return b.String()
}

// lightStyle is chroma's "github" with GitHub's own code colours as the
// base: chroma's version sets no text colour, leaving it to the page, and
// its #f7f7f7 background puts pseudo-builtins such as self (#6a737d) at
// 4.49:1, just under AA; on #f6f8fa they reach 4.52:1.
func lightStyle() *chroma.Style {
	style, err := styles.Get("github").Builder().
		Add(chroma.Background, "#1f2328 bg:#f6f8fa").
		Build()
	if err != nil {
		panic("markdown: invalid light style entry: " + err.Error())
	}
	return style
}

func writeCSS(b *strings.Builder, style *chroma.Style) {
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithCSSComments(false))
	// Writing to a strings.Builder cannot fail.
	_ = f.WriteCSS(b, style)
}

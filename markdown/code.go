package markdown

import (
	"regexp"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
)

// languagePattern is what a fence's language may look like to become a
// language-* class ("objective-c", "c++", "c#"); anything else is dropped.
var languagePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_+#.-]{0,31}$`)

// codeBlockOptions is applied after the options goldmark-highlighting reads
// from a fence's {attributes}, so authors cannot turn on line numbers or
// line highlighting. It also names the language on <code>.
func codeBlockOptions(ctx highlighting.CodeBlockContext) []chromahtml.Option {
	lang, _ := ctx.Language()
	return []chromahtml.Option{
		chromahtml.WithLineNumbers(false),
		chromahtml.HighlightLines(nil),
		chromahtml.WithPreWrapper(preWrapper{codeAttr: languageAttr(string(lang))}),
	}
}

// languageAttr returns ` class="language-<lang>"`, or "" when lang does not
// match languagePattern (which also makes escaping unnecessary).
func languageAttr(lang string) string {
	lang = strings.ToLower(lang)
	if !languagePattern.MatchString(lang) {
		return ""
	}
	return ` class="language-` + lang + `"`
}

// preWrapper writes <pre class="chroma"><code class="language-x">. Chroma
// passes the pre's class in styleAttr; it is a class, never a style,
// because the formatter runs WithClasses.
type preWrapper struct {
	codeAttr string
}

func (p preWrapper) Start(code bool, styleAttr string) string {
	if !code {
		return "<pre" + styleAttr + ">"
	}
	return "<pre" + styleAttr + "><code" + p.codeAttr + ">"
}

func (p preWrapper) End(code bool) string {
	if !code {
		return "</pre>"
	}
	return "</code></pre>"
}

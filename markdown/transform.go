package markdown

import (
	"fmt"
	"hash/fnv"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// linkRel marks every link in a post as user content: no ranking credit
// (nofollow, ugc) and no window.opener for the destination (noopener).
const linkRel = "nofollow ugc noopener"

// footnotePrefixKey names the document metadata entry that carries the
// footnote id prefix from postTransformer to footnoteIDPrefix.
const footnotePrefixKey = "parley-footnote-prefix"

// postTransformer adapts the parsed document to how posts are shown: every
// heading moves down one level because the page owns the only <h1>, links
// get linkRel, images load lazily and table alignment becomes a class,
// since style attributes never survive sanitising.
type postTransformer struct{}

func (postTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			adjust(n)
		}
		return ast.WalkContinue, nil
	})
	if _, ok := doc.LastChild().(*east.FootnoteList); ok {
		doc.AddMeta(footnotePrefixKey, footnotePrefix(reader.Source()))
	}
}

func adjust(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading:
		n.Level = min(n.Level+1, 6)
	case *ast.Link, *ast.AutoLink:
		n.SetAttributeString("rel", []byte(linkRel))
	case *ast.Image:
		n.SetAttributeString("loading", []byte("lazy"))
	case *east.TableCell:
		if class := alignClass(n.Alignment); class != "" {
			n.SetAttributeString("class", []byte(class))
		}
	}
}

// alignClass names the class that carries a table column's alignment; the
// site stylesheet maps align-left/center/right to text-align.
func alignClass(a east.Alignment) string {
	switch a {
	case east.AlignLeft, east.AlignCenter, east.AlignRight:
		return "align-" + a.String()
	}
	return ""
}

// footnotePrefix returns the id prefix for a post's footnotes. A question
// and its answers share one page, so bare "fn:1" ids would collide; a hash
// of the source keeps them apart without Render knowing the post's id.
// The result matches footnoteIDPattern.
func footnotePrefix(source []byte) []byte {
	h := fnv.New32a()
	_, _ = h.Write(source)
	return fmt.Appendf(nil, "md-%08x-", h.Sum32())
}

func footnoteIDPrefix(n ast.Node) []byte {
	prefix, _ := n.OwnerDocument().Meta()[footnotePrefixKey].([]byte)
	return prefix
}

package seimport

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/parley-forum/parley/markdown"
	xhtml "golang.org/x/net/html"
)

// comment is a comment as its post shows it.
type comment struct {
	created time.Time
	text    string
	author  string
}

// tailStyle is how a post's tail, its comments and credit, is written: as source HTML for
// the sanitiser, or as the sanitiser would give it back.
type tailStyle struct {
	text func(string) string // escapes text
	url  string              // the site's address, as links give it
	rel  string              // what links carry after their href
}

// sourceTail is the tail as it was first written, the sanitiser's input.
func (s site) sourceTail() tailStyle {
	return tailStyle{text: html.EscapeString, url: s.url}
}

// sanitisedTail is the tail as the sanitiser gives it back, written without it, for a
// site whose links it leaves as they are: text made valid UTF-8 with its line breaks as
// \n, as its tokenizer reads text, and links to the site marked nofollow. ok is false for
// any other site. Sanitising the tails took longer than sanitising the bodies; a test
// compares the two on arbitrary comments, names and licenses.
func (s site) sanitisedTail(md *markdown.Renderer) (style tailStyle, ok bool) {
	style = tailStyle{text: sanitisedText, url: s.url, rel: ` rel="nofollow"`}
	probe := []comment{{created: time.Unix(0, 0), text: "a <b>c</b> & 'd'", author: "Ann"}}
	id := int64(1)
	want := tail(s.sourceTail(), s.host, probe, true, 1, "Bob", &id, "")
	return style, md.Sanitize(want) == tail(style, s.host, probe, true, 1, "Bob", &id, "")
}

// sanitisedText is text as the sanitiser's tokenizer reads it and writes it back.
func sanitisedText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return html.EscapeString(s)
}

// defaultLicense is what a post of an older dump, which does not name its license, is
// credited under: every Stack Exchange post is under one version of CC BY-SA.
const defaultLicense = "CC BY-SA"

// tail is what follows a post's body. First the "Comments" list, when it has comments:
// each comment as plain text (its inline Markdown as typed), then who wrote it and when.
// Then the line that ends every imported post: who wrote it, where, under what license. A
// user still in the dump is linked to their profile on the site.
func tail(st tailStyle, host string, cs []comment, question bool, postID int64, author string, seUserID *int64, license string) string {
	var b strings.Builder
	if len(cs) > 0 {
		b.WriteString("\n<hr>\n<p><strong>Comments</strong></p>\n<ul>\n")
		for _, c := range cs {
			fmt.Fprintf(&b, "<li>%s — %s, %s</li>\n", st.text(c.text), st.text(c.author), c.created.Format("2 Jan 2006"))
		}
		b.WriteString("</ul>\n")
	}
	verb, path := "Answered", "a"
	if question {
		verb, path = "Asked", "q"
	}
	if license == "" {
		license = defaultLicense
	}
	who := st.text(author)
	if seUserID != nil {
		who = fmt.Sprintf(`<a href="%s/users/%d"%s>%s</a>`, st.url, *seUserID, st.rel, who)
	}
	fmt.Fprintf(&b, "\n<p><em>%s by %s on <a href=\"%s/%s/%d\"%s>%s/%s/%d</a>, under %s.</em></p>\n",
		verb, who, st.url, path, postID, st.rel, st.text(host), path, postID, st.text(license))
	return b.String()
}

// plainText is the text of an HTML fragment with its white space run together, for a
// tag's description.
func plainText(fragment string) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// adapt rewrites a dump's HTML for the forum, before it is sanitised: links and images
// relative to the site point to it, since the forum has no such pages, and headings move
// down a level, as the forum's own Markdown headings do (a post has no h1: the page's
// title is its one). Everything else is copied as it was written.
func (s site) adapt(fragment string) string {
	var b strings.Builder
	b.Grow(len(fragment) + len(fragment)/8)
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			if len(tok.Data) == 2 && tok.Data[0] == 'h' && tok.Data[1] >= '1' && tok.Data[1] <= '5' {
				tok.Data = "h" + string(tok.Data[1]+1)
			}
			for i, a := range tok.Attr {
				if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "//") {
					tok.Attr[i].Val = s.url + a.Val
				}
			}
			b.WriteString(tok.String())
		default:
			b.Write(z.Raw())
		}
	}
}

package seimport

import (
	"fmt"
	"html"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"
)

// comment is a comment as its post shows it.
type comment struct {
	created time.Time
	text    string
	author  string
}

// commentsHTML is the "Comments" list appended to a post: each comment as plain text (its
// inline Markdown as typed), then who wrote it and when.
func commentsHTML(cs []comment) string {
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n<hr>\n<p><strong>Comments</strong></p>\n<ul>\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "<li>%s — %s, %s</li>\n", html.EscapeString(c.text), html.EscapeString(c.author), c.created.Format("2 Jan 2006"))
	}
	b.WriteString("</ul>\n")
	return b.String()
}

// defaultLicense is what a post of an older dump, which does not name its license, is
// credited under: every Stack Exchange post is under one version of CC BY-SA.
const defaultLicense = "CC BY-SA"

// credit is the line that ends every imported post: who wrote it, where, under what
// license. A user still in the dump is linked to their profile on the site.
func (s site) credit(question bool, postID int64, author string, seUserID *int64, license string) string {
	verb, path := "Answered", "a"
	if question {
		verb, path = "Asked", "q"
	}
	if license == "" {
		license = defaultLicense
	}
	who := html.EscapeString(author)
	if seUserID != nil {
		who = fmt.Sprintf(`<a href="%s/users/%d">%s</a>`, s.url, *seUserID, who)
	}
	return fmt.Sprintf("\n<p><em>%s by %s on <a href=\"%s/%s/%d\">%s/%s/%d</a>, under %s.</em></p>\n",
		verb, who, s.url, path, postID, html.EscapeString(s.host), path, postID, html.EscapeString(license))
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

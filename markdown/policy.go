package markdown

import (
	"regexp"
	"slices"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/microcosm-cc/bluemonday"
)

// footnoteIDPattern matches the ids goldmark's footnote extension writes
// with footnotePrefix: "md-1a2b3c4d-fn:1" on the note, "md-1a2b3c4d-fnref:1"
// on the first reference and "md-1a2b3c4d-fnref2:1" on later ones.
const footnoteIDPattern = `^md-[0-9a-f]{8}-fn(?:ref\d*)?:\d+$`

// newPolicy builds the allow-list for what newGoldmark can emit and nothing
// more. Elements not listed are removed (their text kept, except for
// script-like elements whose content goes too), attributes not listed are
// dropped, and URLs must be http, https, mailto or relative.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	allowText(p)
	allowLinks(p)
	allowImages(p)
	allowCode(p)
	allowTables(p)
	allowFootnotes(p)
	allowTaskLists(p)
	return p
}

// allowText covers CommonMark's block and inline elements. There is no h1:
// postTransformer shifts headings down a level.
func allowText(p *bluemonday.Policy) {
	p.AllowElements("p", "br", "hr", "blockquote", "ul", "ol", "li",
		"h2", "h3", "h4", "h5", "h6", "em", "strong", "del")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^\d{1,9}$`)).OnElements("ol")
}

func allowLinks(p *bluemonday.Policy) {
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	// postTransformer already sets linkRel; this only backs it up.
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowAttrs("rel").Matching(exactly(linkRel)).OnElements("a")
	p.AllowAttrs("class").Matching(exactly("mention")).OnElements("a") // see mentions
}

// allowImages admits only absolute http(s) images: a post cannot point an
// image at a relative path on this site.
func allowImages(p *bluemonday.Policy) {
	p.AllowAttrs("src").Matching(regexp.MustCompile(`(?i)^https?://`)).OnElements("img")
	p.AllowAttrs("alt", "title").OnElements("img")
	p.AllowAttrs("loading").Matching(exactly("lazy")).OnElements("img")
}

// allowCode admits chroma's markup: class "chroma" on pre, chroma's token
// classes on span (never inline styles) and the fence language on code.
func allowCode(p *bluemonday.Policy) {
	p.AllowElements("pre", "code", "span")
	p.AllowAttrs("class").Matching(exactly("chroma")).OnElements("pre")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9][A-Za-z0-9_+#.-]{0,31}$`)).OnElements("code")
	p.AllowAttrs("class").Matching(chromaClassPattern()).OnElements("span")
}

// chromaClassPattern matches exactly one of chroma's standard class names.
func chromaClassPattern() *regexp.Regexp {
	var names []string
	for _, name := range chroma.StandardTypes {
		if name != "" {
			names = append(names, regexp.QuoteMeta(name))
		}
	}
	slices.Sort(names)
	return regexp.MustCompile(`^(?:` + strings.Join(slices.Compact(names), "|") + `)$`)
}

func allowTables(p *bluemonday.Policy) {
	p.AllowElements("table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^align-(?:left|center|right)$`)).OnElements("th", "td")
}

// allowFootnotes keeps the ids and fragment links that tie a reference to
// its note and back, and the ARIA roles that announce them.
func allowFootnotes(p *bluemonday.Policy) {
	p.AllowElements("sup", "div")
	p.AllowAttrs("id").Matching(regexp.MustCompile(footnoteIDPattern)).OnElements("sup", "li")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnote-(?:ref|backref)$`)).OnElements("a")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(?:noteref|backlink)$`)).OnElements("a")
	p.AllowAttrs("class").Matching(exactly("footnotes")).OnElements("div")
	p.AllowAttrs("role").Matching(exactly("doc-endnotes")).OnElements("div")
}

// allowTaskLists admits GFM's read-only checkbox and no other input: an
// input left with no allowed attribute is removed, and type can only be
// "checkbox".
func allowTaskLists(p *bluemonday.Policy) {
	p.AllowAttrs("type").Matching(exactly("checkbox")).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
}

func exactly(s string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(s) + `$`)
}

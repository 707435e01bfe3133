package markdown

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestRenderMentions(t *testing.T) {
	r := New()
	long := strings.Repeat("a", maxHandle)
	tests := []struct {
		name string
		src  string
		want []string // the handles linked, in order
	}{
		{"start of text", "@ana can you look?", []string{"ana"}},
		{"after a space", "thanks @ana_dev for this", []string{"ana_dev"}},
		{"start of a later line", "first line\n@ana second", []string{"ana"}},
		{"case kept", "@Ana_Dev", []string{"Ana_Dev"}},
		{"digits", "@r2d2 and @42", []string{"r2d2", "42"}},
		{"several", "@ana, @bob_2: hi", []string{"ana", "bob_2"}},
		{"in parentheses", "(@ana)", []string{"ana"}},
		{"in brackets that are no link", "[@ana]", []string{"ana"}},
		{"in quotes", `"@ana" and '@bob'`, []string{"ana", "bob"}},
		{"in emphasis", "**@ana** and *@bob*", []string{"ana", "bob"}},
		{"trailing full stop", "ask @ana.", []string{"ana"}},
		{"trailing punctuation", "@ana! @bob? @cy; @di:", []string{"ana", "bob", "cy", "di"}},
		{"before a hyphen", "@ana-and-bob", []string{"ana"}},
		{"longest handle", "@" + long, []string{long}},
		{"in a blockquote", "> @ana said so\n", []string{"ana"}},
		{"in a list", "- @ana\n- @bob\n", []string{"ana", "bob"}},
		{"in a heading", "## Thanks @ana\n", []string{"ana"}},
		{"in a table", "| who |\n|---|\n| @ana |\n", []string{"ana"}},
		{"in a footnote", "Claim[^1].\n\n[^1]: Told by @ana.\n", []string{"ana"}},
		{"beside escaped HTML", "<b> @ana </b>", []string{"ana"}},

		{"unicode quotes", "«@ana» and “@bob”", []string{"ana", "bob"}},
		{"fullwidth brackets", "（@ana）", []string{"ana"}},
		{"unicode text around", "ça va, @ana ? 谢谢 @bob。", []string{"ana", "bob"}},
		{"apostrophe after", "@ana’s answer", []string{"ana"}},
		{"letter before", "日本語@ana", nil},
		{"accented letter after", "@anaé", nil},
		{"combining mark after", "@ana\u0301", nil},

		{"email address", "write to ana@example.com", nil},
		{"email without a domain dot", "ana@example", nil},
		{"handle then address", "@ana@example.com", nil},
		{"word before", "x@ana", nil},
		{"double at", "@@ana", nil},
		{"escaped", `\@ana`, nil},
		{"too short", "@a is not a handle", nil},
		{"bare at", "@ alone", nil},
		{"too long", "@" + long + "b", nil},
		{"code span", "run `@ana` now", nil},
		{"fenced code", "```\n@ana\n```\n", nil},
		{"fenced code with a language", "```swift\n@MainActor @ana\n```\n", nil},
		{"indented code", "    @ana\n", nil},
		{"link text", "[ask @ana](https://example.com)", nil},
		{"reference link text", "[ask @ana][r]\n\n[r]: https://example.com\n", nil},
		{"image description", "![@ana](https://example.com/a.png)", nil},
		{"autolink", "<https://example.com/@ana>", nil},
		{"linkified URL", "see https://example.com/@ana", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := r.Render(tt.src)
			doc := mustParse(t, out)
			assertSafe(t, doc, true)
			var got []string
			for _, a := range findAll(doc, "a") {
				if attr(a, "class") != "mention" {
					continue
				}
				h := strings.TrimPrefix(attr(a, "href"), "/users/")
				got = append(got, h)
				if attr(a, "href") != "/users/"+h || textOf(a) != "@"+h {
					t.Errorf("mention link %v %q, want href /users/%s and text @%[3]s", a.Attr, textOf(a), h)
				}
				if hasAttr(a, "rel") || hasAttr(a, "target") {
					t.Errorf("a mention is a link within the site and needs no rel or target: %v", a.Attr)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("mentions %q, want %q\ninput:  %q\noutput: %s", got, tt.want, tt.src, out)
			}
			// What is not a mention stays as written, in the text or an image's alt.
			text := textOf(doc)
			for _, img := range findAll(doc, "img") {
				text += attr(img, "alt")
			}
			if tt.want == nil && strings.Contains(tt.src, "@ana") && !strings.Contains(text, "@ana") {
				t.Errorf("the text lost %q: %q\noutput: %s", "@ana", text, out)
			}
		})
	}
}

// TestMentionInLinkKeepsLink checks that undoing a mention inside a link
// leaves the link and its text whole.
func TestMentionInLinkKeepsLink(t *testing.T) {
	doc := mustParse(t, New().Render("[ask @ana first](https://example.com/help)"))
	links := findAll(doc, "a")
	if len(links) != 1 || attr(links[0], "href") != "https://example.com/help" || textOf(links[0]) != "ask @ana first" {
		t.Fatalf("links %d, first %v %q: want one link reading \"ask @ana first\"", len(links), links[0].Attr, textOf(links[0]))
	}
}

// TestPolicyKeepsOnlyTheMentionClass checks the policy change for mentions:
// class="mention" survives on links, other classes and unsafe URLs do not.
func TestPolicyKeepsOnlyTheMentionClass(t *testing.T) {
	p := newPolicy()
	tests := []struct {
		in, class, href string
	}{
		{`<a href="/users/ana" class="mention">@ana</a>`, "mention", "/users/ana"},
		{`<a href="/users/ana" class="mention evil">@ana</a>`, "", "/users/ana"},
		{`<a href="/users/ana" class="button">@ana</a>`, "", "/users/ana"},
		{`<a href="javascript:alert(1)" class="mention" onclick="alert(1)">@ana</a>`, "mention", ""},
		{`<span class="mention">@ana</span>`, "", ""},
	}
	for _, tt := range tests {
		out := p.Sanitize(tt.in)
		doc := mustParse(t, out)
		assertSafe(t, doc, true)
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode || n.Data == "html" || n.Data == "head" || n.Data == "body" {
				return
			}
			if got := attr(n, "class"); got != tt.class && !(n.Data != "a" && got == "") {
				t.Errorf("%s: <%s> class %q, want %q (output %s)", tt.in, n.Data, got, tt.class, out)
			}
			if n.Data == "a" && attr(n, "href") != tt.href {
				t.Errorf("%s: href %q, want %q", tt.in, attr(n, "href"), tt.href)
			}
		})
	}
}

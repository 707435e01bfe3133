package markdown

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

func TestRenderGFM(t *testing.T) {
	r := New()
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, doc *html.Node)
	}{
		{"table", "| a | b |\n|:--|:-:|\n| 1 | 2 |\n", func(t *testing.T, doc *html.Node) {
			mustFind(t, doc, "table")
			cells := findAll(doc, "td")
			if len(cells) != 2 || textOf(cells[1]) != "2" {
				t.Fatalf("cells = %d, want 2 with the second reading 2", len(cells))
			}
			if got := attr(cells[0], "class"); got != "align-left" {
				t.Errorf("first cell class = %q, want align-left", got)
			}
			if got := attr(mustFind(t, doc, "th"), "class"); got != "align-left" {
				t.Errorf("header cell class = %q, want align-left", got)
			}
		}},
		{"strikethrough", "~~gone~~", func(t *testing.T, doc *html.Node) {
			if got := textOf(mustFind(t, doc, "del")); got != "gone" {
				t.Errorf("del text = %q", got)
			}
		}},
		{"bare URL", "see https://example.com/x?y=1 now", func(t *testing.T, doc *html.Node) {
			a := mustFind(t, doc, "a")
			if got := attr(a, "href"); got != "https://example.com/x?y=1" {
				t.Errorf("href = %q", got)
			}
			assertUGCLink(t, a)
		}},
		{"www link", "go to www.example.com", func(t *testing.T, doc *html.Node) {
			if got := attr(mustFind(t, doc, "a"), "href"); got != "http://www.example.com" {
				t.Errorf("href = %q", got)
			}
		}},
		{"email", "mail dev@example.com", func(t *testing.T, doc *html.Node) {
			if got := attr(mustFind(t, doc, "a"), "href"); got != "mailto:dev@example.com" {
				t.Errorf("href = %q", got)
			}
		}},
		{"inline link", "[docs](https://go.dev/doc/)", func(t *testing.T, doc *html.Node) {
			assertUGCLink(t, mustFind(t, doc, "a"))
		}},
		{"task list", "- [ ] todo\n- [x] done\n", func(t *testing.T, doc *html.Node) {
			inputs := findAll(doc, "input")
			if len(inputs) != 2 {
				t.Fatalf("inputs = %d, want 2", len(inputs))
			}
			for i, in := range inputs {
				if attr(in, "type") != "checkbox" || !hasAttr(in, "disabled") {
					t.Errorf("input %d is not a disabled checkbox: %v", i, in.Attr)
				}
				if checked := hasAttr(in, "checked"); checked != (i == 1) {
					t.Errorf("input %d checked = %v", i, checked)
				}
			}
		}},
		{"footnote", "Claim[^1] and again[^1].\n\n[^1]: Source.\n", func(t *testing.T, doc *html.Node) {
			assertFootnotes(t, doc)
		}},
		{"image", "![logo](https://example.com/logo.png)", func(t *testing.T, doc *html.Node) {
			img := mustFind(t, doc, "img")
			if attr(img, "src") != "https://example.com/logo.png" || attr(img, "alt") != "logo" {
				t.Errorf("img attrs = %v", img.Attr)
			}
			if attr(img, "loading") != "lazy" {
				t.Errorf("img loading = %q, want lazy", attr(img, "loading"))
			}
		}},
		{"relative image has no src", "![x](/uploads/x.png)", func(t *testing.T, doc *html.Node) {
			for _, img := range findAll(doc, "img") {
				if hasAttr(img, "src") {
					t.Errorf("relative image kept src %q", attr(img, "src"))
				}
			}
		}},
		{"no typographer", `"quoted" -- 'x' ...`, func(t *testing.T, doc *html.Node) {
			if got := textOf(mustFind(t, doc, "p")); got != `"quoted" -- 'x' ...` {
				t.Errorf("text = %q, want it as typed", got)
			}
		}},
		{"raw HTML shows as text", "a List<String> of <b>names</b>", func(t *testing.T, doc *html.Node) {
			if got := textOf(mustFind(t, doc, "p")); got != "a List<String> of <b>names</b>" {
				t.Errorf("text = %q", got)
			}
			if len(findAll(doc, "b")) != 0 {
				t.Error("raw <b> rendered as an element")
			}
		}},
		{"ordered list start", "3. three\n4. four\n", func(t *testing.T, doc *html.Node) {
			if got := attr(mustFind(t, doc, "ol"), "start"); got != "3" {
				t.Errorf("start = %q", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := r.Render(tt.src)
			tt.check(t, mustParse(t, out))
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

func TestRenderHeadingShift(t *testing.T) {
	r := New()
	tests := []struct {
		src, want string
	}{
		{"# A", "h2"},
		{"## A", "h3"},
		{"##### A", "h6"},
		{"###### A", "h6"},
		{"A\n===", "h2"},
		{"A\n---", "h3"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			doc := mustParse(t, r.Render(tt.src))
			if got := textOf(mustFind(t, doc, tt.want)); got != "A" {
				t.Errorf("%s text = %q", tt.want, got)
			}
			if len(findAll(doc, "h1")) != 0 {
				t.Error("post rendered an h1")
			}
		})
	}
}

func TestRenderHighlighting(t *testing.T) {
	r := New()
	tests := []struct {
		lang, code string
		token      string // text of a token that must be highlighted
		classes    []string
	}{
		{"swift", "func greet() -> String { return \"hi\" }", "func", []string{"kd", "k"}},
		{"objc", "@interface Foo : NSObject\n@end", "@interface", []string{"k"}},
		{"objective-c", "@interface Foo : NSObject\n@end", "@interface", []string{"k"}},
		{"objectivec", "@interface Foo : NSObject\n@end", "@interface", []string{"k"}},
		{"c", "int main(void) { return 0; }", "int", []string{"kt"}},
		{"go", "func main() {}", "func", []string{"kd"}},
		{"sh", "echo hello", "echo", []string{"nb"}},
		{"bash", "echo hello", "echo", []string{"nb"}},
		{"zsh", "echo hello", "echo", []string{"nb"}},
		{"shell", "echo hello", "echo", []string{"nb"}},
		{"console", "$ ls -l\ntotal 0", "$", []string{"gp"}},
		{"json", `{"key": 1}`, `"key"`, []string{"nt"}},
		{"Swift", "func f() {}", "func", []string{"kd"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			out := r.Render("```" + tt.lang + "\n" + tt.code + "\n```\n")
			doc := mustParse(t, out)
			assertCodeBlock(t, doc, "chroma", "language-"+strings.ToLower(tt.lang))
			if !hasTokenClass(doc, tt.token, tt.classes) {
				t.Errorf("no span %q with a class in %v:\n%s", tt.token, tt.classes, out)
			}
			assertNoInlineStyles(t, out, doc)
		})
	}
}

func TestRenderPlainCode(t *testing.T) {
	r := New()
	tests := []struct {
		name, src, codeClass string
	}{
		{"unknown language", "```nosuchlang\nx := <b>\n```\n", "language-nosuchlang"},
		{"no language", "```\nx := <b>\n```\n", ""},
		{"indented", "    x := <b>\n", ""},
		{"language injection", "```x\"><script>alert(1)</script>\nx := <b>\n```\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, r.Render(tt.src))
			code := assertCodeBlock(t, doc, "", tt.codeClass)
			if got := textOf(code); got != "x := <b>\n" {
				t.Errorf("code text = %q", got)
			}
			if len(findAll(code, "span")) != 0 {
				t.Error("plain code block has highlight spans")
			}
			assertSafe(t, doc, true)
		})
	}
}

// TestRenderCodeAttributes checks that fence attributes cannot bring back
// what the renderer turns off: line numbers and line highlighting.
func TestRenderCodeAttributes(t *testing.T) {
	out := New().Render("```go {linenos=table,hl_lines=[1],linenostart=5}\nfunc main() {}\n```\n")
	doc := mustParse(t, out)
	assertCodeBlock(t, doc, "chroma", "language-go")
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if n.Data == "table" {
			t.Error("line numbers rendered as a table")
		}
		if c := attr(n, "class"); c == "ln" || c == "lnt" || strings.Contains(c, "hl") {
			t.Errorf("<%s class=%q> present", n.Data, c)
		}
	})
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// payloads are XSS attempts through every door Markdown opens: raw HTML
// blocks and inline HTML, link and image destinations, titles, autolinks,
// reference definitions, entities, fence info strings and task lists.
var payloads = []string{
	`<script>alert(1)</script>`,
	`text <script>alert(1)</script> text`,
	`<img src=x onerror=alert(1)>`,
	`text <img src=x onerror=alert(1)> text`,
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](java&#x09;script:alert(1))`,
	`[x](&#106;avascript:alert(1))`,
	`[x](javascript&#58;alert(1))`,
	`[x](<javascript:alert(1)>)`,
	`[x](%20javascript:alert(1))`,
	"[x][r]\n\n[r]: javascript:alert(1)\n",
	`![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`,
	`[x](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E)`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`[x](vbscript:msgbox(1))`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<iframe src="https://evil.example/"></iframe>`,
	`<style>body{display:none}</style>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<form action="https://evil.example/"><input name=a></form>`,
	`<object data="x.swf"></object>`,
	`<embed src="x.swf">`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<math href="javascript:alert(1)">x</math>`,
	`<javascript:alert(1)>`,
	`<vbscript:msgbox(1)>`,
	`[x](http://a "onmouseover=alert(1)")`,
	`[x](http://a" onmouseover="alert(1))`,
	`![x](https://a.example/x.png" onerror="alert(1))`,
	`![x](https://a.example/x.png "\" onerror=\"alert(1)")`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`&#60;script&#62;alert(1)&#60;/script&#62;`,
	`<<script>script>alert(1)<</script>/script>`,
	`<input type=text>`,
	`<input type="checkbox" onclick=alert(1)>`,
	`- [ ] <input type=text onfocus=alert(1) autofocus>`,
	"```x\" onmouseover=\"alert(1)\ncode\n```\n",
	"```swift\" style=\"color:red\ncode\n```\n",
	`<details open ontoggle=alert(1)>x</details>`,
	`<a href="#" onclick="alert(1)">x</a>`,
	`<base href="javascript:/">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<link rel=stylesheet href="https://evil.example/x.css">`,
	`<!--<img src=x onerror=alert(1)>-->`,
	`www.example.com/<script>alert(1)</script>`,
	`https://example.com/"onmouseover="alert(1)`,
	"x[^a\"onclick=\"alert(1)]\n\n[^a\"onclick=\"alert(1)]: note\n",
	"# <img src=x onerror=alert(1)>\n",
	"| <script>alert(1)</script> |\n|---|\n| [x](javascript:alert(1)) |\n",
}

func TestRenderSanitises(t *testing.T) {
	r := New()
	for i, p := range payloads {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			out := r.Render(p)
			assertSafe(t, mustParse(t, out), true)
			if t.Failed() {
				t.Logf("input:  %q\noutput: %s", p, out)
			}
		})
	}
}

// TestPolicySanitises feeds the payloads, as HTML, straight to the policy:
// the second wall must hold even if goldmark let markup through. One thing
// only Render promises: bluemonday cannot require an attribute, so from
// HTML alone an input stripped of its type survives as a bare <input> (no
// name, no form, so it submits nothing). Render never produces one because
// goldmark's only input is the task-list checkbox.
func TestPolicySanitises(t *testing.T) {
	p := newPolicy()
	for i, payload := range slices.Concat(payloads, htmlPayloads) {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			out := p.Sanitize(payload)
			assertSafe(t, mustParse(t, out), false)
			if t.Failed() {
				t.Logf("input:  %q\noutput: %s", payload, out)
			}
		})
	}
}

// htmlPayloads abuse the attributes the policy does allow.
var htmlPayloads = []string{
	`<span class="k" style="color:red" onmouseover="alert(1)">x</span>`,
	`<pre class="chroma" style="position:fixed"><code class="language-go onmouseover">x</code></pre>`,
	`<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>`,
	`<a href=" javascript:alert(1)">x</a>`,
	`<a href="jav&#x09;ascript:alert(1)">x</a>`,
	`<a href="data:text/html,x" class="footnote-ref" role="doc-noteref">1</a>`,
	`<img src="https://a.example/x.png" onerror="alert(1)" loading="eager">`,
	`<img src="javascript:alert(1)">`,
	`<img src="//evil.example/x.png">`,
	`<li id="javascript:alert(1)" onclick="alert(1)">x</li>`,
	`<sup id="md-00000000-fn:1" style="x">1</sup>`,
	`<input type="text" disabled>`,
	`<input type="checkbox" disabled onchange="alert(1)" formaction="javascript:alert(1)">`,
	`<td class="align-left" style="x" background="javascript:alert(1)">x</td>`,
	`<div class="footnotes" onmouseover="alert(1)"><button>x</button></div>`,
	`<a href="https://example.com" target="_blank" rel="opener">x</a>`,
}

// FuzzRender checks that Render never panics and never emits unsafe HTML.
// Plain `go test` runs only the seeds; `go test -fuzz FuzzRender` explores.
func FuzzRender(f *testing.F) {
	for _, p := range payloads {
		f.Add(p)
	}
	f.Add("\xff\xfe invalid UTF-8 `\x00`")
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		assertSafe(t, mustParse(t, r.Render(src)), true)
	})
}

// TestRenderConcurrent is meaningful under -race.
func TestRenderConcurrent(t *testing.T) {
	r := New()
	want := r.Render(samplePost)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if got := r.Render(samplePost); got != want {
					t.Error("concurrent Render differs from a sequential one")
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestHighlightCSS(t *testing.T) {
	css := HighlightCSS()
	light, dark, ok := strings.Cut(css, "@media (prefers-color-scheme: dark) {")
	if !ok {
		t.Fatalf("no prefers-color-scheme: dark block:\n%s", css)
	}
	if !strings.HasPrefix(strings.TrimSpace(dark), ".chroma [class] {") {
		t.Error("dark block does not start by resetting the light token colours")
	}
	themes := []struct{ name, css string }{{"light", light}, {"dark", dark}}
	for _, theme := range themes {
		t.Run(theme.name, func(t *testing.T) {
			rules := cssRules(theme.css)
			base := rules[""]
			if base.color == "" || base.background == "" {
				t.Fatalf(".chroma rule lacks an explicit colour or background: %+v", base)
			}
			if len(rules) < 20 {
				t.Fatalf("only %d .chroma rules", len(rules))
			}
			assertContrast(t, rules)
		})
	}
}

// assertContrast checks WCAG AA (4.5:1) for the base text and every token
// class that Render can emit. The dark block's reset means a class the dark
// theme does not style shows in the dark theme's base colours.
func assertContrast(t *testing.T, rules map[string]cssRule) {
	t.Helper()
	// Whitespace has no glyphs; line numbers and line highlights are
	// never rendered (TestRenderCodeAttributes).
	skip := []string{"w", "ln", "lnt", "hl", "lnlinks"}
	base := rules[""]
	for class, rule := range rules {
		if slices.Contains(skip, class) || rule.color == "inherit" {
			continue
		}
		fg, bg := cmp.Or(rule.color, base.color), cmp.Or(rule.background, base.background)
		if ratio := contrast(fg, bg); !(ratio >= 4.5) { // NaN: unparsable colour
			t.Errorf(".%s: %s on %s is %.2f:1, below 4.5:1", class, fg, bg, ratio)
		}
	}
}

const samplePost = "## Why does my closure capture the loop variable?\n\n" +
	"I'm iterating over a slice and starting a goroutine per item, but every goroutine\n" +
	"sees the **last** value. Here is a minimal example (Go 1.21):\n\n" +
	"```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tdone := make(chan bool)\n" +
	"\tvalues := []string{\"a\", \"b\", \"c\"}\n\tfor _, v := range values {\n" +
	"\t\tgo func() {\n\t\t\tfmt.Println(v) // prints c c c\n\t\t\tdone <- true\n\t\t}()\n\t}\n" +
	"\tfor range values {\n\t\t<-done\n\t}\n}\n```\n\n" +
	"What I tried:\n\n- [x] copying `v := v` inside the loop\n- [ ] passing `v` as a parameter\n\n" +
	"| Go version | Behaviour |\n|:--|:--|\n| 1.21 | shared |\n| 1.22 | per-iteration |\n\n" +
	"> Since Go 1.22 each iteration declares a new `v`, so the program prints a, b and c\n" +
	"> in some order. On older versions, `go vet` reports *loop variable v captured by\n" +
	"> func literal*, and ~~a mutex~~ a copy per iteration is the usual fix.\n\n" +
	"See https://go.dev/blog/loopvar-preview and the [FAQ](https://go.dev/doc/faq#closures_and_goroutines)[^1].\n\n" +
	"[^1]: The FAQ entry predates Go 1.22.\n"

// BenchmarkRender renders a typical 1 KB question: prose, a 17-line Go
// block, a quote, a task list, a table, links and a footnote.
func BenchmarkRender(b *testing.B) {
	r := New()
	b.SetBytes(int64(len(samplePost)))
	for b.Loop() {
		r.Render(samplePost)
	}
}

// --- assertions ---

// assertSafe is what a reviewer checks in rendered post HTML: nothing that
// runs script, loads a frame or plugin, takes input or restyles the page.
// With strict set, every input must be a disabled checkbox; without, an
// input may only lack a type (see TestPolicySanitises).
func assertSafe(t testing.TB, doc *html.Node, strict bool) {
	t.Helper()
	forbidden := []string{"script", "style", "iframe", "frame", "object", "embed", "form",
		"svg", "math", "textarea", "button", "select", "link", "meta", "base"}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if slices.Contains(forbidden, n.Data) {
			t.Errorf("<%s> element in output", n.Data)
		}
		for _, a := range n.Attr {
			checkAttr(t, n.Data, a)
		}
		if n.Data == "input" && !safeInput(n, strict) {
			t.Errorf("input is not a disabled checkbox: %v", n.Attr)
		}
	})
}

func safeInput(n *html.Node, strict bool) bool {
	if !strict && !hasAttr(n, "type") {
		return true
	}
	return attr(n, "type") == "checkbox" && (hasAttr(n, "disabled") || !strict)
}

func checkAttr(t testing.TB, element string, a html.Attribute) {
	t.Helper()
	key := strings.ToLower(a.Key)
	switch {
	case strings.HasPrefix(key, "on"):
		t.Errorf("<%s> has event handler %s=%q", element, a.Key, a.Val)
	case key == "style":
		t.Errorf("<%s> has style=%q", element, a.Val)
	case key == "href" || key == "src" || key == "action" || key == "formaction":
		if !safeURL(a.Val) {
			t.Errorf("<%s> has unsafe %s=%q", element, a.Key, a.Val)
		}
	}
}

// safeURL reads a URL the way a browser does (tabs and newlines removed,
// surrounding spaces and control characters trimmed) and accepts http,
// https, mailto and scheme-less (relative or fragment) URLs only.
func safeURL(raw string) bool {
	cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(raw)
	cleaned = strings.TrimFunc(cleaned, func(r rune) bool { return r <= ' ' })
	u, err := url.Parse(cleaned)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}

func assertUGCLink(t *testing.T, a *html.Node) {
	t.Helper()
	if got := attr(a, "rel"); got != "nofollow ugc noopener" {
		t.Errorf("rel = %q, want \"nofollow ugc noopener\"", got)
	}
	if hasAttr(a, "target") {
		t.Errorf("link has target=%q", attr(a, "target"))
	}
}

// assertFootnotes checks the reference → note → back-reference round trip
// for a post that cites note 1 twice.
func assertFootnotes(t *testing.T, doc *html.Node) {
	t.Helper()
	ids := map[string]*html.Node{}
	walk(doc, func(n *html.Node) {
		if id := attr(n, "id"); id != "" {
			ids[id] = n
		}
	})
	sups := findAll(doc, "sup")
	if len(sups) != 2 {
		t.Fatalf("sup elements = %d, want 2", len(sups))
	}
	for _, sup := range sups {
		ref := mustFind(t, sup, "a")
		note := ids[strings.TrimPrefix(attr(ref, "href"), "#")]
		if note == nil || note.Data != "li" || !strings.Contains(textOf(note), "Source.") {
			t.Fatalf("reference %q does not lead to the note", attr(ref, "href"))
		}
		if !hasBacklink(note, attr(sup, "id")) {
			t.Errorf("note has no back link to #%s", attr(sup, "id"))
		}
	}
}

func hasBacklink(note *html.Node, refID string) bool {
	for _, a := range findAll(note, "a") {
		if refID != "" && attr(a, "href") == "#"+refID {
			return true
		}
	}
	return false
}

// assertCodeBlock finds the one <pre><code> and checks their classes ("" =
// no class attribute). It returns the <code> element.
func assertCodeBlock(t *testing.T, doc *html.Node, preClass, codeClass string) *html.Node {
	t.Helper()
	pres := findAll(doc, "pre")
	if len(pres) != 1 {
		t.Fatalf("pre elements = %d, want 1", len(pres))
	}
	code := pres[0].FirstChild
	if code == nil || code.Data != "code" {
		t.Fatal("pre does not start with code")
	}
	if got := attr(pres[0], "class"); got != preClass {
		t.Errorf("pre class = %q, want %q", got, preClass)
	}
	if got := attr(code, "class"); got != codeClass {
		t.Errorf("code class = %q, want %q", got, codeClass)
	}
	return code
}

func hasTokenClass(doc *html.Node, token string, classes []string) bool {
	for _, span := range findAll(doc, "span") {
		if textOf(span) == token && slices.Contains(classes, attr(span, "class")) {
			return true
		}
	}
	return false
}

func assertNoInlineStyles(t *testing.T, out string, doc *html.Node) {
	t.Helper()
	if strings.Contains(out, "style=") {
		t.Error(`output contains "style="`)
	}
	walk(doc, func(n *html.Node) {
		if hasAttr(n, "style") {
			t.Errorf("<%s> has a style attribute", n.Data)
		}
	})
}

// --- HTML helpers ---

func mustParse(t testing.TB, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse rendered HTML: %v", err)
	}
	return doc
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func findAll(root *html.Node, tag string) []*html.Node {
	var found []*html.Node
	walk(root, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			found = append(found, n)
		}
	})
	return found
}

func mustFind(t *testing.T, root *html.Node, tag string) *html.Node {
	t.Helper()
	found := findAll(root, tag)
	if len(found) == 0 {
		t.Fatalf("no <%s> element", tag)
	}
	return found[0]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// --- CSS helpers ---

type cssRule struct{ color, background string }

var (
	cssRulePattern = regexp.MustCompile(`(?m)^\.chroma(?: \.([\w-]+))? \{([^}]*)\}`)
	cssDeclPattern = regexp.MustCompile(`(?:^|;)\s*(color|background-color):\s*([^;]+)`)
)

// cssRules maps each ".chroma .class" rule (and "" for ".chroma") to its
// colours; later rules for the same selector add to earlier ones.
func cssRules(css string) map[string]cssRule {
	rules := map[string]cssRule{}
	for _, m := range cssRulePattern.FindAllStringSubmatch(css, -1) {
		rule := rules[m[1]]
		for _, d := range cssDeclPattern.FindAllStringSubmatch(m[2], -1) {
			value := strings.TrimSpace(d[2])
			if d[1] == "color" {
				rule.color = value
			} else {
				rule.background = value
			}
		}
		rules[m[1]] = rule
	}
	return rules
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var r, g, b uint8
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return math.NaN()
	}
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

package markdown_test

import (
	"os"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/markdown"
	"golang.org/x/net/html"
)

// nestedDepth is the deepest nesting of block quotes and lists in a rendered post, read
// from its parsed HTML.
func nestedDepth(t *testing.T, rendered string) int {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(rendered))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node, depth int) int
	walk = func(n *html.Node, depth int) int {
		if n.Type == html.ElementNode && (n.Data == "blockquote" || n.Data == "ul" || n.Data == "ol") {
			depth++
		}
		deepest := depth
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			deepest = max(deepest, walk(c, depth))
		}
		return deepest
	}
	return walk(doc, 0)
}

// indentedList is a list nested n deep by indentation alone, one item a level.
func indentedList(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "- level\n")
	}
	return b.String()
}

// TestNestingLimit: quotes and lists nest at most parley.MaxDepth deep. Markdown that says so
// by its line markers is refused before it is rendered (body validation); nesting by
// indentation is refused from the rendered HTML. Neither check refuses what the other, or
// the renderer, would accept, and ordinary nesting renders as before.
func TestNestingLimit(t *testing.T) {
	r := markdown.New()
	quotes := func(n int) string { return strings.Repeat("> ", n) + "deep\n" }
	tests := []struct {
		name        string
		src         string
		depth       int  // as rendered
		early, late bool // refused before rendering, refused after
	}{
		{"ordinary quotes and lists", "> a quote\n>\n> > a reply to it\n\n- a\n  - b\n    1. c\n       > d\n", 4, false, false},
		{"quotes at the limit", quotes(parley.MaxDepth), parley.MaxDepth, false, false},
		{"quotes one past the limit", quotes(parley.MaxDepth + 1), parley.MaxDepth + 1, true, true},
		{"quotes without spaces", strings.Repeat(">", 40) + " x\n", 40, true, true},
		{"lists by their markers", strings.Repeat("- 1. ", 20) + "x\n", 40, true, true},
		{"lists by indentation at the limit", indentedList(parley.MaxDepth), parley.MaxDepth, false, false},
		{"lists by indentation past the limit", indentedList(parley.MaxDepth + 3), parley.MaxDepth + 3, false, true},
		{"a thematic break of many dashes", "Above\n\n" + strings.Repeat("- ", 40) + "\n\nBelow\n", 0, false, false},
		{"quote markers inside a code fence", "```\n" + strings.Repeat("> ", 40) + "\n```\n", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parley.ValidateBody(tt.src)
			if (err != nil) != tt.early {
				t.Fatalf("body validation: %v, want refused: %v", err, tt.early)
			}
			if err != nil && !strings.Contains(parley.ErrorMessage(err), "nested at most 32 levels deep") {
				t.Errorf("the refusal says %q, not how deep quotes and lists may go", parley.ErrorMessage(err))
			}
			out := r.Render(tt.src)
			if got := nestedDepth(t, out); got != tt.depth {
				t.Errorf("rendered %d deep, want %d", got, tt.depth)
			}
			if err := parley.ValidateHTML(out); (err != nil) != tt.late {
				t.Errorf("ValidateHTML: %v, want refused: %v", err, tt.late)
			}
		})
	}
}

// TestNestingLimitRefusesBeforeRendering: 50,000 ">" (which would render as 50,000 nested
// quotes) are refused by body validation with the limit's message.
func TestNestingLimitRefusesBeforeRendering(t *testing.T) {
	in := parley.NewThread{Title: "Fifty thousand quotes", SubtopicID: 1, TagIDs: []int64{1}, Text: parley.Draft(strings.Repeat(">", parley.MaxBody))}
	err := in.Validate()
	if parley.ErrorCode(err) != parley.EInvalid || !strings.Contains(parley.ErrorMessage(err), "this post nests them 50000 deep") {
		t.Errorf("validating 50,000 quotes: %v", err)
	}
}

// swelling is the Markdown that swells most when rendered: quotes nested to the limit,
// closed by a blank line and opened again, about 25 bytes of HTML for each byte written.
func swelling(size int) string {
	unit := strings.Repeat(">", parley.MaxDepth) + " a\n\n"
	return strings.Repeat(unit, size/len(unit))
}

// realCode is a post of Go source in a fenced block, as long as a post may be.
func realCode(t testing.TB) string {
	var src strings.Builder
	for _, f := range []string{"markdown.go", "mention.go", "policy.go", "code.go", "transform.go", "rawhtml.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	code := strings.Repeat(src.String(), 1+parley.MaxBody/src.Len())[:parley.MaxBody-20]
	return "```go\n" + code[:strings.LastIndexByte(code, '\n')+1] + "```\n"
}

// TestRenderedSizeLimit: a post whose HTML would pass parley.MaxRendered is refused with a
// message giving both sizes; a post of highlighted code as long as a post may be is not.
func TestRenderedSizeLimit(t *testing.T) {
	r := markdown.New()
	src := swelling(parley.MaxBody)
	if err := parley.ValidateBody(src); err != nil {
		t.Fatalf("the swelling post is refused before rendering: %v", err)
	}
	out := r.Render(src)
	err := parley.ValidateHTML(out)
	if len(out) <= parley.MaxRendered || parley.ErrorCode(err) != parley.EInvalid || !strings.Contains(parley.ErrorMessage(err), "KB as a web page") {
		t.Errorf("%d bytes of Markdown rendered to %d bytes: %v, want refused with the sizes", len(src), len(out), err)
	}
	code := realCode(t)
	if out := r.Render(code); parley.ValidateHTML(out) != nil {
		t.Errorf("%d bytes of Go code rendered to %d bytes, and were refused", len(code), len(out))
	}
}

// denseCode is highlighted code with a token every character or two, the Markdown that
// costs most to render per byte; lines of it fill a post's HTML to just under the limit.
func denseCode(lines int) string {
	return "```go\n" + strings.Repeat("a:=b+c*d-e/f;g(h,i);\n", lines) + "```\n"
}

// BenchmarkRenderWorstAccepted renders the post that costs most among those the limits let
// through: dense Go code whose highlighted HTML comes just under parley.MaxRendered.
func BenchmarkRenderWorstAccepted(b *testing.B) {
	r := markdown.New()
	src := denseCode(960)
	if err := parley.ValidateBody(src); err != nil {
		b.Fatal(err)
	}
	if out := r.Render(src); parley.ValidateHTML(out) != nil || len(out) < parley.MaxRendered*9/10 {
		b.Fatalf("%d bytes of HTML: not the largest accepted", len(out))
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		r.Render(src)
	}
}

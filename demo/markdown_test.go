package demo

import (
	"strings"
	"testing"

	"github.com/parley-forum/parley/markdown"
)

// TestJoinedBodiesMatchRenderer checks the premise of the fragment pool against the
// real renderer: a body joined from pre-rendered fragments has exactly the HTML that
// rendering the whole body gives. It renders every post of a small forum, which covers
// every kind of fragment, footnote bodies, resource posts and signatures.
func TestJoinedBodiesMatchRenderer(t *testing.T) {
	r := markdown.New()
	cfg := Config{Threads: 400, Posts: 2400, Users: 200, Seed: 11}
	w := mustGenerate(t, cfg, r)

	var checked, joined, footnotes, code, crashes, pinned, mismatches int
	for i := range w.threads {
		rec := &w.threads[i]
		for j := range rec.Posts {
			p := &rec.Posts[j].Post
			checked++
			if strings.Count(p.Body, "\n\n") > 0 && !strings.Contains(p.Body, "[^1]") {
				joined++
			}
			if strings.Contains(p.Body, "[^1]") {
				footnotes++
			}
			if strings.Contains(p.Body, "```swift") {
				code++
			}
			if strings.Contains(p.Body, "Exception Type:") {
				crashes++
			}
			if rec.Thread.Pinned && j == 0 {
				pinned++
			}
			if want := r.Render(p.Body); p.HTML != want {
				mismatches++
				if mismatches <= 3 {
					t.Errorf("post %d: joined HTML differs from rendering the body.\nbody:\n%s\n\njoined:\n%s\n\nrendered:\n%s", p.ID, p.Body, p.HTML, want)
				}
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d posts differ", mismatches, checked)
	}
	for _, c := range []struct {
		what string
		n    int
	}{{"joined bodies", joined}, {"footnote bodies", footnotes}, {"Swift code blocks", code}, {"crash logs", crashes}, {"resource posts", pinned}} {
		if c.n == 0 {
			t.Errorf("the sample has no %s, so it does not check them", c.what)
		}
	}
	t.Logf("checked %d posts: %d joined, %d with footnotes, %d with Swift, %d crash logs, %d resource posts", checked, joined, footnotes, code, crashes, pinned)

	for _, u := range w.users {
		if u.Signature != "" && u.SignatureHTML != r.Render(u.Signature) {
			t.Errorf("user %d: signature rendered as %q", u.ID, u.SignatureHTML)
		}
	}
}

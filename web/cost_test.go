package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
)

// storeEdits stores the given versions of thread 1's original post after its first one,
// straight through the store, and returns the post.
func storeEdits(t *testing.T, site *testSite, bodies ...string) parley.Post {
	t.Helper()
	ctx := context.Background()
	posts, err := site.Store.Posts(ctx, 1, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	p := posts[0]
	for _, b := range bodies {
		if _, err := site.Store.EditPost(ctx, parley.PostEdit{PostID: p.ID, EditorID: p.Author.ID, Text: storetest.Text(b)}); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// TestRevisionsIgnoreUnknownParameters: query parameters the history does not read neither
// miss the page cache nor add pages or diffs to the caches; the two versions compared do.
func TestRevisionsIgnoreUnknownParameters(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{PageTTL: time.Hour})
	p := storeEdits(t, site, "The second version.", "The third version.")
	base := "/posts/" + itoa(p.ID) + "/revisions"
	for i := range 50 {
		if res, _ := site.get(t, fmt.Sprintf("%s?x=%d&from=2&utm_source=%d", base, i, i*7)); res.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, res.StatusCode)
		}
	}
	if n := site.Server.CachedPages(); n != 1 {
		t.Errorf("50 requests for one comparison with random parameters left %d cached pages, want 1", n)
	}
	if kept, computed := site.Server.Diffs(); kept != 1 || computed != 1 {
		t.Errorf("50 requests for one comparison: %d diffs kept and %d computed, want 1 and 1", kept, computed)
	}
	site.get(t, base+"?to=3&from=1")
	site.get(t, base+"?from=1&to=3&y=z")
	if n := site.Server.CachedPages(); n != 2 {
		t.Errorf("after another comparison, asked for twice in two orders: %d cached pages, want 2", n)
	}
	if kept, computed := site.Server.Diffs(); kept != 2 || computed != 2 {
		t.Errorf("after another comparison: %d diffs kept and %d computed, want 2 and 2", kept, computed)
	}
}

// TestRevisionsDiffComputedOncePerPair: without a page cache, every request renders the page
// afresh, but the diff of a pair of versions is computed once.
func TestRevisionsDiffComputedOncePerPair(t *testing.T) {
	site := newSite(t, tinyForum)
	p := storeEdits(t, site, "The second version.")
	for i := range 5 {
		site.get(t, fmt.Sprintf("/posts/%d/revisions?n=%d", p.ID, i))
	}
	if _, computed := site.Server.Diffs(); computed != 1 {
		t.Errorf("five requests for one pair computed %d diffs, want 1", computed)
	}
}

// hugeBody is a post of 8,000 short lines, each within the post size limit, that shares
// almost no line with another written from a different seed.
func hugeBody(seed uint32) string {
	words := strings.Fields("go if or do a b c x y n")
	var s strings.Builder
	for range 8000 {
		seed = seed*1664525 + 1013904223
		s.WriteString(words[seed>>16%10] + " " + words[seed>>20%10] + "\n")
	}
	return s.String()
}

// TestHugeRevisionDiff: two versions too different to compare word by word are shown with
// a note saying how they are compared.
func TestHugeRevisionDiff(t *testing.T) {
	site := newSite(t, tinyForum)
	p := storeEdits(t, site, hugeBody(1), hugeBody(2))
	res, body := site.get(t, fmt.Sprintf("/posts/%d/revisions", p.ID)) // the last two versions
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the history of two huge versions: %d", res.StatusCode)
	}
	doc := mustParseHTML(t, body)
	note := find(doc, func(n *html.Node) bool { return attr(n, "class") == "diff-note" })
	if note == nil || !strings.Contains(textOf(note), "too much to compare word by word") {
		t.Error("the history of two huge versions does not say they are shown whole")
	}
}

// TestPageCacheKeysOnParametersRead: a list page is kept once whatever other parameters
// come with the ones it reads, and in whatever order; pages of routes the cache does not
// answer are not kept at all.
func TestPageCacheKeysOnParametersRead(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{PageTTL: time.Hour})
	for _, path := range []string{"/tags/network?sort=newest&filter=answered", "/tags/network?filter=answered&sort=newest",
		"/tags/network?sort=newest&filter=answered&ref=mail", "/tags/network?utm=1&sort=newest&filter=answered&sort=replies"} {
		if res, _ := site.get(t, path); res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
	}
	if n := site.Server.CachedPages(); n != 1 {
		t.Errorf("one list asked for with its parameters in other orders and beside others: %d cached pages, want 1", n)
	}
	site.get(t, "/tags/network?sort=replies")
	// A search is kept under its canonical form: the same search typed five ways is one page.
	for i, q := range []string{"socket tag:network", "tag:network socket", "socket  tag:network", "tag:Network socket", "socket tag:network"} {
		site.get(t, fmt.Sprintf("/search?%s&x=%d", url.Values{"q": {q}}.Encode(), i))
	}
	if n := site.Server.CachedPages(); n != 3 {
		t.Errorf("after another sort and one search typed five ways: %d cached pages, want 3", n)
	}
	// A parameter a page reads only to refuse it is one of its parameters too: the cached
	// first page must not answer for a page number.
	site.get(t, "/tags/network")
	for _, path := range []string{"/tags/network?page=2", "/tags/network?page=", "/tags/network?offset=50"} {
		if res, _ := site.get(t, path); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s with the first page cached: %d, want 400", path, res.StatusCode)
		}
	}
}

// formProblem is the message a form page shows above the form.
func formProblem(doc *html.Node) string {
	if p := find(doc, func(n *html.Node) bool { return attr(n, "class") == "form-problem" }); p != nil {
		return textOf(p)
	}
	return ""
}

// typedBody is what a form page's body field holds.
func typedBody(doc *html.Node) string { return typedIn(doc, "body") }

// typedIn is what the text area with the id holds, exactly.
func typedIn(doc *html.Node, id string) string {
	if ta := byID(doc, id); ta != nil {
		return rawText(ta, nil)
	}
	return ""
}

// TestEditsAreRateLimited: saving edits counts against the posting limits; an edit refused
// for speed answers 429 and keeps what was typed.
func TestEditsAreRateLimited(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{AddressPosts: 2})
	author, _ := signedInWithRole(t, site, "author", parley.RoleMember)
	_, op := askAs(t, site, author, "How do I keep a TLS session alive?")
	edit := "/posts/" + itoa(op.ID) + "/edit"
	if res, _ := author.submit(edit, map[string]string{"body": "The second version.", "action": "save"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("an edit within the limit: %d", res.StatusCode)
	}
	res, doc := author.submit(edit, map[string]string{"body": "The third version.", "summary": "again", "action": "save"})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(formProblem(doc), "faster than the forum allows") {
		t.Errorf("a third write from one address at once: %d %q, want 429 and why", res.StatusCode, formProblem(doc))
	}
	if typedBody(doc) != "The third version." || inputValue(doc, "summary") != "again" {
		t.Error("the refused edit is not kept in the form")
	}
	if revs, err := site.Store.Revisions(context.Background(), op.ID); err != nil || len(revs) != 2 {
		t.Errorf("%d revisions (%v), want 2: the refused edit is not stored", len(revs), err)
	}
}

// TestPreviewsAreRateLimited: previews of a question and of an edit count against limits of
// their own, as large as the posting limits, and answer 429 keeping what was typed; they
// leave the posting limits alone.
func TestPreviewsAreRateLimited(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{AddressPosts: 2})
	b, _ := signedInWithRole(t, site, "drafter", parley.RoleMember)
	draft := map[string]string{"title": "How do I cancel an NWConnection?", "subtopic": itoa(firstSubtopic(t, site).ID),
		"tags": "network", "body": "My draft.", "action": "preview"}
	for i := range 2 {
		if res, _ := b.submit("/ask", draft); res.StatusCode != http.StatusOK {
			t.Fatalf("preview %d within the limit: %d", i+1, res.StatusCode)
		}
	}
	res, doc := b.submit("/ask", draft)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(formProblem(doc), "faster than the forum allows") {
		t.Errorf("a third preview from one address at once: %d %q, want 429 and why", res.StatusCode, formProblem(doc))
	}
	if inputValue(doc, "title") != draft["title"] || typedBody(doc) != draft["body"] {
		t.Error("the refused preview does not keep the question")
	}
	_, op := askAs(t, site, b, "How do I keep a TLS session alive?")
	res, doc = b.submit("/posts/"+itoa(op.ID)+"/edit", map[string]string{"body": "An edited draft.", "action": "preview"})
	if res.StatusCode != http.StatusTooManyRequests || typedBody(doc) != "An edited draft." {
		t.Errorf("an edit's preview past the limit: %d, want 429 keeping the text", res.StatusCode)
	}
}

// TestSwellingMarkdownRefused: a question, a reply or an edit whose quotes and lists nest
// past the limit, or whose HTML would pass the size limit, is refused as invalid with a
// message beside the text, which is kept.
func TestSwellingMarkdownRefused(t *testing.T) {
	site := newSite(t, tinyForum)
	b, _ := signedInWithRole(t, site, "writer", parley.RoleMember)
	_, op := askAs(t, site, b, "How do I keep a TLS session alive?")
	quotes := strings.Repeat(">", parley.MaxBody)
	unit := strings.Repeat(">", parley.MaxDepth) + " a\n\n"
	swelling := strings.Repeat(unit, parley.MaxBody/len(unit)) // within the limits of depth and length
	const deep, large = "nested at most 32 levels deep", "KB as a web page"
	for _, c := range []struct {
		name, body, says string
		send             func(body string) (*http.Response, *html.Node)
		error, kept      func(doc *html.Node) string
	}{
		{"a question of 50,000 quotes", quotes, deep, func(body string) (*http.Response, *html.Node) {
			return b.submit("/ask", map[string]string{"title": "Fifty thousand quotes", "subtopic": itoa(firstSubtopic(t, site).ID), "tags": "network", "body": body, "action": "post"})
		}, func(doc *html.Node) string { return fieldError(doc, "body") }, typedBody},
		{"a reply of 50,000 quotes", quotes, deep, func(body string) (*http.Response, *html.Node) {
			return b.submitTo(threadPath(op.ThreadID), threadPath(op.ThreadID)+"/replies", map[string]string{"body": body})
		}, func(doc *html.Node) string { return textOf(byID(doc, "reply-error")) }, func(doc *html.Node) string { return typedIn(doc, "reply-body") }},
		{"an edit of 50,000 quotes", quotes, deep, func(body string) (*http.Response, *html.Node) {
			return b.submit("/posts/"+itoa(op.ID)+"/edit", map[string]string{"body": body, "action": "save"})
		}, func(doc *html.Node) string { return fieldError(doc, "body") }, typedBody},
		{"a reply that renders too large", swelling, large, func(body string) (*http.Response, *html.Node) {
			return b.submitTo(threadPath(op.ThreadID), threadPath(op.ThreadID)+"/replies", map[string]string{"body": body})
		}, func(doc *html.Node) string { return textOf(byID(doc, "reply-error")) }, func(doc *html.Node) string { return typedIn(doc, "reply-body") }},
		{"an edit's preview that renders too large", swelling, large, func(body string) (*http.Response, *html.Node) {
			return b.submit("/posts/"+itoa(op.ID)+"/edit", map[string]string{"body": body, "action": "preview"})
		}, func(doc *html.Node) string { return fieldError(doc, "body") }, typedBody},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, doc := c.send(c.body)
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("%d, want 400", res.StatusCode)
			}
			if got := c.error(doc); !strings.Contains(got, c.says) {
				t.Errorf("the form says %q, want a message with %q", got, c.says)
			}
			if got := c.kept(doc); got != c.body {
				t.Errorf("the text is not kept in the form: %d bytes %q…, want %d", len(got), got[:min(len(got), 80)], len(c.body))
			}
		})
	}
	if posts, err := site.Store.Posts(context.Background(), op.ThreadID, 0, 10); err != nil || len(posts) != 1 || posts[0].Body != op.Body {
		t.Errorf("after the refusals the thread holds %d posts (%v), want the question as asked", len(posts), err)
	}
}

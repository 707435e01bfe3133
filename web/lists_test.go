package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"golang.org/x/net/html"
)

// redirect is a path and where it must send a reader for good.
type redirect struct{ path, to string }

// checkRedirects asks for each path, which must answer 301 to its target, which must
// answer 200.
func checkRedirects(t *testing.T, site *testSite, redirects []redirect) {
	t.Helper()
	for _, c := range redirects {
		res, _ := site.get(t, c.path)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != c.to {
			t.Errorf("GET %s answered %d to %q, want 301 to %q", c.path, res.StatusCode, res.Header.Get("Location"), c.to)
			continue
		}
		if res, _ := site.get(t, c.to); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s (redirected from %s) answered %d", c.to, c.path, res.StatusCode)
		}
	}
}

// TestSlugsInAnotherCaseRedirect checks that a tag, topic or subtopic address typed in
// capitals is sent, for good, to the address in lower case, with its feed suffix and query.
func TestSlugsInAnotherCaseRedirect(t *testing.T) {
	site := sharedSite(t)
	checkRedirects(t, site, []redirect{
		{"/tags/NETWORK", "/tags/network"},
		{"/tags/Network.rss?sort=newest", "/tags/network.rss?sort=newest"},
		{"/tags/NETWORK.atom?filter=answered&sort=views", "/tags/network.atom?filter=answered&sort=views"},
		{"/topics/App-System-Services", "/topics/app-system-services"},
		{"/topics/APP-SYSTEM-SERVICES.RSS", "/topics/app-system-services.rss"},
		{"/topics/app-system-services/Networking?sort=replies", "/topics/app-system-services/networking?sort=replies"},
		{"/topics/App-System-Services/NETWORKING.atom", "/topics/app-system-services/networking.atom"},
	})
	if res, _ := site.get(t, "/tags/%3CIMG%20SRC=x%3E"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an address no case makes a slug answered %d, want 404", res.StatusCode)
	}
	if res, _ := site.get(t, "/tags/NO-SUCH-TAG"); res.StatusCode != http.StatusMovedPermanently {
		t.Errorf("an unknown tag in capitals answered %d: a redirect, then a 404, as in lower case", res.StatusCode)
	}
}

// emptyNote is the paragraph a list page shows in place of threads, "" when it shows some.
func emptyNote(t *testing.T, site *testSite, path string) (text string, links []string) {
	t.Helper()
	res, body := site.get(t, path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s answered %d", path, res.StatusCode)
	}
	p := find(mustParseHTML(t, body), func(n *html.Node) bool { return n.Data == "p" && hasClass(n, "empty") })
	if p == nil {
		return "", nil
	}
	for _, a := range findAll(p, func(n *html.Node) bool { return n.Data == "a" }) {
		links = append(links, attr(a, "href"))
	}
	return textOf(p), links
}

// TestListPastItsEnd checks that a reader who follows a page link past a list's last thread
// is told the list has ended and led back to its first page, while a list that holds no
// thread at all still says so.
func TestListPastItsEnd(t *testing.T) {
	site := newSite(t, tinyForum)
	if _, err := site.Store.CreateTag(context.Background(), parley.NewTag{Slug: "quiet", Name: "Quiet", Description: "Nothing yet."}); err != nil {
		t.Fatal(err)
	}
	past := parley.Cursor{Sort: parley.SortNewest, Key: 1, ID: 1}.String() // older than every thread
	for _, c := range []struct{ path, want, first string }{
		{"/tags/network?sort=newest&after=" + past, "This list has ended", "/tags/network?sort=newest"},
		{"/threads?sort=newest&filter=answered&after=" + past, "This list has ended", "/threads?filter=answered&sort=newest"},
		{"/tags/quiet?sort=newest&after=" + past, "This list has ended", "/tags/quiet?sort=newest"},
		{"/tags/quiet", "No threads here yet.", ""},
	} {
		text, links := emptyNote(t, site, c.path)
		if !strings.Contains(text, c.want) {
			t.Errorf("GET %s says %q, want %q", c.path, text, c.want)
		}
		if c.first != "" && (len(links) != 1 || links[0] != c.first) {
			t.Errorf("GET %s links to %q, want the first page %q", c.path, links, c.first)
		}
	}
	if text, _ := emptyNote(t, site, "/tags/network"); text != "" {
		t.Errorf("the first page of a tag with threads says %q", text)
	}
}

// TestListPageNumbers checks the answer to ?page=N, which other forums use and which lists
// here do not know, since they page by cursors: the first page for 1, a page saying how to
// page for any other number, and no change for parameters that are none of the list's.
func TestListPageNumbers(t *testing.T) {
	site := sharedSite(t)
	checkRedirects(t, site, []redirect{
		{"/tags/network?page=1", "/tags/network"},
		{"/tags/network?sort=views&page=1", "/tags/network?sort=views"},
		{"/threads.rss?page=1&filter=answered", "/threads.rss?filter=answered"},
	})
	for _, c := range []struct{ path, first string }{
		{"/tags/network?page=2", "/tags/network"},
		{"/topics/app-system-services/networking?sort=views&page=40", "/topics/app-system-services/networking?sort=views"},
		{"/threads?offset=60&filter=answered", "/threads?filter=answered"},
		{"/threads?page=next", "/threads"},
	} {
		res, body := site.get(t, c.path)
		doc := mustParseHTML(t, body)
		msg := ""
		if p := find(doc, func(n *html.Node) bool { return hasClass(n, "error-message") }); p != nil {
			msg = textOf(p)
		}
		first := find(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == c.first })
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(msg, "Next page") || first == nil {
			t.Errorf("GET %s answered %d saying %q, linking to the first page: %v; want 400, how lists page and a link to %s",
				c.path, res.StatusCode, msg, first != nil, c.first)
		}
	}
	if res, _ := site.get(t, "/tags/network?utm_source=feed&ref=x"); res.StatusCode != http.StatusOK {
		t.Errorf("a list with parameters of no meaning to it answered %d", res.StatusCode)
	}
}

package web_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/chromedp/chromedp"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/storetest"
)

// searched is a forum with threads that only searches for made-up words find: one in view,
// one deleted, and a reply hidden by a moderator.
type searched struct {
	site           *testSite
	found, deleted parley.Thread
}

func newSearched(t *testing.T) searched {
	t.Helper()
	site := newSite(t, tinyForum)
	ctx := context.Background()
	tag, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	topics, err := site.Store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := site.Store.CreateUser(ctx, parley.NewUser{Handle: "search_mod", DisplayName: "Mod", Role: parley.RoleModerator})
	if err != nil {
		t.Fatal(err)
	}
	ask := func(title, body string) parley.Thread {
		th, _, err := site.Store.CreateThread(ctx, parley.NewThread{Title: title, SubtopicID: topics[0].Subtopics[0].ID,
			TagIDs: []int64{tag.ID}, AuthorID: 1, Text: storetest.Text(body)})
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	s := searched{site: site,
		found:   ask("URLSession fails with -1009 offline", "The zorblax <b>handler</b> says NSURLErrorDomain -1009."),
		deleted: ask("Zorblax crash in a widget", "It crashes in zorblax_start."),
	}
	reply, err := site.Store.CreateReply(ctx, parley.NewReply{ThreadID: s.found.ID, AuthorID: 2, Text: storetest.Text("Buy quuxwidget now")})
	if err != nil {
		t.Fatal(err)
	}
	by := parley.Audit{ActorID: mod.ID, Reason: "Spam"}
	if err := site.Store.SetPostHidden(ctx, reply.ID, true, by); err != nil {
		t.Fatal(err)
	}
	if err := site.Store.SetThreadDeleted(ctx, s.deleted.ID, true, by); err != nil {
		t.Fatal(err)
	}
	return s
}

// searchPage fetches a search and returns its status and parsed page.
func searchPage(t *testing.T, site *testSite, query string, extra ...string) (int, *html.Node) {
	t.Helper()
	v := url.Values{"q": {query}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	res, body := site.get(t, "/search?"+v.Encode())
	return res.StatusCode, mustParseHTML(t, body)
}

// resultLinks are the links of a search page's results, in order.
func resultLinks(doc *html.Node) []string {
	var links []string
	for _, h := range findAll(doc, func(n *html.Node) bool { return n.Data == "h3" && hasClass(n, "thread-title") }) {
		links = append(links, attr(find(h, sel(atom.A)), "href"))
	}
	return links
}

func TestSearchPage(t *testing.T) {
	s := newSearched(t)
	status, doc := searchPage(t, s.site, "zorblax  tag:network")
	if status != http.StatusOK {
		t.Fatalf("search answered %d", status)
	}
	if got, want := resultLinks(doc), []string{threadPath(s.found.ID)}; !slices.Equal(got, want) {
		t.Errorf("zorblax found %v, want only %v (the other is deleted)", got, want)
	}
	marks := findAll(doc, sel(atom.Mark))
	if len(marks) == 0 || !strings.EqualFold(textOf(marks[0]), "zorblax") {
		t.Errorf("the snippet marks %d words, want zorblax", len(marks))
	}
	if snippet := textOf(find(doc, func(n *html.Node) bool { return hasClass(n, "snippet") })); !strings.Contains(snippet, "handler") {
		t.Errorf("snippet %q, want the post's text", snippet)
	}
	if q := inputValue(doc, "site-search"); q != "zorblax tag:network" {
		t.Errorf("the search box holds %q, want the search in its canonical form", q)
	}
	var sorts []string
	for _, o := range findAll(doc, sel(atom.Option)) {
		sorts = append(sorts, attr(o, "value"))
	}
	if want := []string{"relevance", "newest", "activity", "boosts"}; !slices.Equal(sorts, want) {
		t.Errorf("sort options %v, want %v", sorts, want)
	}
	for _, hidden := range []string{"quuxwidget", "zorblax_start", `"Zorblax crash"`} {
		if _, doc := searchPage(t, s.site, hidden); len(resultLinks(doc)) != 0 {
			t.Errorf("%s, in hidden or deleted content, found %v", hidden, resultLinks(doc))
		}
	}
}

func TestSearchParseError(t *testing.T) {
	site := sharedSite(t)
	typed := `crash colour:red`
	status, doc := searchPage(t, site, typed)
	if status != http.StatusBadRequest {
		t.Errorf("an unknown operator answered %d, want 400", status)
	}
	alert := textOf(find(doc, withAttr(atom.Div, "role", "alert")))
	if !strings.Contains(alert, "colour:") {
		t.Errorf("the page says %q, want the unknown operator named", alert)
	}
	if q := inputValue(doc, "site-search"); q != typed {
		t.Errorf("the search box holds %q, want %q as typed", q, typed)
	}
}

func TestSearchHelpAndHeaderBox(t *testing.T) {
	site := sharedSite(t)
	status, doc := searchPage(t, site, "")
	rows := findAll(find(doc, func(n *html.Node) bool { return n.Data == "section" && hasClass(n, "search-help") }), sel(atom.Tr))
	if status != http.StatusOK || len(rows) != len(search.Help())+1 {
		t.Errorf("an empty search: %d with %d help rows, want 200 and a row per line of search.Help and a heading", status, len(rows))
	}
	for _, path := range []string{"/", "/tags/network", "/threads/1"} {
		_, body := site.get(t, path)
		doc := mustParseHTML(t, body)
		form := find(doc, withAttr(atom.Form, "role", "search"))
		label := find(doc, withAttr(atom.Label, "for", "site-search"))
		if form == nil {
			t.Fatalf("%s has no search form", path)
		}
		input := find(form, withAttr(atom.Input, "id", "site-search"))
		if attr(form, "action") != "/search" || attr(form, "method") != "get" || input == nil || attr(input, "name") != "q" || label == nil {
			t.Errorf("%s has no labelled search box sending q to /search", path)
		}
		link := find(doc, withAttr(atom.Link, "rel", "search"))
		if link == nil || attr(link, "type") != "application/opensearchdescription+xml" || attr(link, "href") != "/opensearch.xml" {
			t.Errorf("%s does not link the OpenSearch description", path)
		}
	}
}

func TestSearchNoResultsSuggestsDroppingOperators(t *testing.T) {
	site := sharedSite(t)
	for _, c := range []struct{ query, link string }{
		{"zorblax tag:network is:locked", "/search?q=zorblax"},
		{"is:locked is:unanswered tag:no-such-tag", ""},
	} {
		text, links := emptyNote(t, site, "/search?"+url.Values{"q": {c.query}}.Encode())
		if !strings.Contains(text, "fewer") {
			t.Errorf("%q found nothing and says %q, want a suggestion to drop operators", c.query, text)
		}
		if c.link != "" && !slices.Equal(links, []string{c.link}) {
			t.Errorf("%q links to %v, want %s", c.query, links, c.link)
		}
	}
}

// TestSearchPaging follows "More results" through a search that lists every thread, in
// each sort, and finds each thread once.
func TestSearchPaging(t *testing.T) {
	site := sharedSite(t)
	for _, sort := range []string{"relevance", "newest", "boosts"} {
		var all []string
		next := "/search?" + url.Values{"q": {"after:2000"}, "sort": {sort}}.Encode()
		for pages := 0; next != ""; pages++ {
			res, body := site.get(t, next)
			if res.StatusCode != http.StatusOK || pages > 100 {
				t.Fatalf("GET %s: %d after %d pages", next, res.StatusCode, pages)
			}
			doc := mustParseHTML(t, body)
			all = append(all, resultLinks(doc)...)
			next = ""
			if a := find(doc, withAttr(atom.A, "rel", "next")); a != nil {
				next = attr(a, "href")
			}
		}
		if len(all) != smallForum.Threads || len(slices.Compact(slices.Sorted(slices.Values(all)))) != len(all) {
			t.Errorf("sorted by %s, pages listed %d threads (repeats included), want each of %d once", sort, len(all), smallForum.Threads)
		}
	}
}

func TestSearchFeed(t *testing.T) {
	s := newSearched(t)
	_, doc := searchPage(t, s.site, "zorblax")
	for _, ft := range feedTypes {
		link := find(doc, func(n *html.Node) bool {
			return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/search"+ft.ext+"?")
		})
		if link == nil {
			t.Fatalf("the search page has no %s link", ft.ext)
		}
		feed := getFeed(t, s.site, attr(link, "href"), ft.contentType)
		if len(feed.Items) != 1 || feed.Items[0].Link != s.site.URL+threadPath(s.found.ID) {
			t.Errorf("%s feed of zorblax has %d items, want the one thread in view", ft.ext, len(feed.Items))
		}
	}
	if res, _ := s.site.get(t, "/search.rss?q=colour:red"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("the feed of an unreadable search answered %d, want 400", res.StatusCode)
	}
}

func TestOpenSearch(t *testing.T) {
	site := sharedSite(t)
	res, body := site.get(t, "/opensearch.xml")
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "application/opensearchdescription+xml") {
		t.Fatalf("GET /opensearch.xml: %d %s", res.StatusCode, ct)
	}
	var d struct {
		ShortName string `xml:"ShortName"`
		URLs      []struct {
			Type     string `xml:"type,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Url"`
	}
	if err := xml.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if d.ShortName != "Parley" || len(d.URLs) == 0 || d.URLs[0].Template != site.URL+"/search?q={searchTerms}" {
		t.Errorf("OpenSearch description %+v", d)
	}
}

// TestSearchInBrowser types a search with an operator into the header's box, submits it,
// sorts the results, follows a result to its thread, and subscribes to the search's feed.
func TestSearchInBrowser(t *testing.T) {
	s := newSearched(t)
	tab := newTab(t)
	loadPage(t, tab, s.site.URL+"/tags/network")
	got := waitForPage(t, tab, "search from the header",
		chromedp.SendKeys(chromedp.CSS("#site-search"), "zorblax tag:network"),
		chromedp.Submit(chromedp.CSS("#site-search")))
	if got.Path != "/search" || got.Query().Get("q") != "zorblax tag:network" {
		t.Fatalf("the search box loaded %s", got)
	}
	// The choice and its change event in one step, as a person's choosing is: the change
	// reloads the page, so a second step could find the next page half loaded.
	got = waitForPage(t, tab, "sort the results",
		chromedp.Evaluate[chromedp.Void](`(s => { s.value = "newest"; s.dispatchEvent(new Event("change", {bubbles: true})) })(document.querySelector("select#sort"))`))
	if got.Query().Get("sort") != "newest" || got.Query().Get("q") != "zorblax tag:network" {
		t.Fatalf("sorting loaded %s, want the same search sorted by newest", got)
	}
	feeds, err := chromedp.Run(tab, chromedp.AttributesAll(chromedp.CSSAll(`link[rel="alternate"][type="application/rss+xml"]`)))
	if err != nil || len(feeds) != 1 {
		t.Fatalf("the results page has %d RSS links: %v", len(feeds), err)
	}
	got = waitForPage(t, tab, "follow the result",
		chromedp.Click(chromedp.CSS("ol.results .thread-title a"), chromedp.NodeVisible))
	if got.Path != threadPath(s.found.ID) {
		t.Errorf("the result led to %s, want %s", got.Path, threadPath(s.found.ID))
	}
	feed := getFeed(t, s.site, feeds[0]["href"], feedTypes[0].contentType)
	if len(feed.Items) != 1 || feed.Items[0].Link != s.site.URL+threadPath(s.found.ID) {
		t.Errorf("the search's feed at %s has %d items, want the thread found", feeds[0]["href"], len(feed.Items))
	}
}

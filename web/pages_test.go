package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/web"
)

// HTML helpers: pages are checked by parsing them, the way a browser or a screen reader
// reads them.

func mustParseHTML(t testing.TB, body []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// sel matches elements by tag (atom 0 for any) and classes, like the CSS selector tag.a.b.
func sel(tag atom.Atom, classes ...string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if n.Type != html.ElementNode || (tag != 0 && n.DataAtom != tag) {
			return false
		}
		for _, c := range classes {
			if !hasClass(n, c) {
				return false
			}
		}
		return true
	}
}

// withAttr matches elements of a tag whose attribute key has value val.
func withAttr(tag atom.Atom, key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		return sel(tag)(n) && attr(n, key) == val
	}
}

// hasAttr matches elements of a tag that carry attribute key.
func hasAttr(tag atom.Atom, key string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if !sel(tag)(n) {
			return false
		}
		for _, a := range n.Attr {
			if a.Key == key {
				return true
			}
		}
		return false
	}
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if match(d) {
			out = append(out, d)
		}
	}
	return out
}

func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	for d := range n.Descendants() {
		if match(d) {
			return d
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, c string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), c)
}

// textOf is the text a reader sees in n, with whitespace runs collapsed.
func textOf(n *html.Node) string {
	return strings.Join(strings.Fields(rawText(n, nil)), " ")
}

// rawText is n's text exactly, leaving out the subtrees skip matches.
func rawText(n *html.Node, skip func(*html.Node) bool) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if skip != nil && skip(n) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// fragmentText is the text of an HTML fragment, as textOf sees it once rendered.
func fragmentText(t testing.TB, fragment string) string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("parse fragment: %v", err)
	}
	var parts []string
	for _, n := range nodes {
		parts = append(parts, rawText(n, nil))
	}
	return strings.Join(strings.Fields(strings.Join(parts, "")), " ")
}

// getPage fetches a page that must answer 200 and parses it.
func getPage(t testing.TB, site *testSite, path string) *html.Node {
	t.Helper()
	res, body := site.get(t, path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, want 200", path, res.StatusCode)
	}
	return mustParseHTML(t, body)
}

// A list page as a reader sees it.

type listRow struct {
	ID                     int64
	Title                  string
	Answered, StaffReplied bool // the row shows the "Answered" / "Staff replied" state
	Replies, Boosts, Views int64
	Activity               time.Time
	ActivityText           string
}

type listPage struct {
	Pinned, Threads []listRow
	Next            string // href of the "Next page" link, "" on the last page
}

var threadHref = regexp.MustCompile(`^/threads/([0-9]+)$`)

func getList(t testing.TB, site *testSite, path string) listPage {
	t.Helper()
	doc := getPage(t, site, path)
	var lp listPage
	if sec := find(doc, withAttr(atom.Section, "aria-labelledby", "pinned-heading")); sec != nil {
		lp.Pinned = parseRows(t, sec)
	}
	sec := find(doc, withAttr(atom.Section, "aria-labelledby", "threads-heading"))
	if sec == nil {
		t.Fatalf("GET %s: no threads section", path)
	}
	lp.Threads = parseRows(t, sec)
	if a := find(doc, withAttr(atom.A, "rel", "next")); a != nil {
		lp.Next = attr(a, "href")
		if textOf(a) != "Next page" {
			t.Errorf("GET %s: next link reads %q", path, textOf(a))
		}
	}
	return lp
}

func parseRows(t testing.TB, n *html.Node) []listRow {
	t.Helper()
	var rows []listRow
	for _, ol := range findAll(n, sel(atom.Ol, "threads")) {
		for _, li := range findAll(ol, sel(atom.Li, "thread")) {
			rows = append(rows, parseRow(t, li))
		}
	}
	return rows
}

func parseRow(t testing.TB, li *html.Node) listRow {
	t.Helper()
	var r listRow
	h := find(li, sel(atom.H3, "thread-title"))
	if h == nil {
		t.Fatal("row without a title")
	}
	for _, a := range findAll(h, sel(atom.A)) {
		if m := threadHref.FindStringSubmatch(attr(a, "href")); m != nil {
			r.ID, _ = strconv.ParseInt(m[1], 10, 64)
			r.Title = textOf(a)
		}
	}
	if r.ID == 0 {
		t.Fatal("row without a link to its thread")
	}
	if s := find(h, sel(atom.Span, "state", "answered")); s != nil && textOf(s) == "Answered" {
		r.Answered = true
	}
	if s := find(h, sel(atom.Span, "state", "staff")); s != nil && textOf(s) == "Staff replied" {
		r.StaffReplied = true
	}
	for _, c := range []struct {
		key string
		dst *int64
	}{{"data-replies", &r.Replies}, {"data-boosts", &r.Boosts}, {"data-views", &r.Views}} {
		dd := find(li, hasAttr(atom.Dd, c.key))
		if dd == nil {
			t.Fatalf("thread %d: no dd[%s]", r.ID, c.key)
		}
		n, err := strconv.ParseInt(attr(dd, c.key), 10, 64)
		if err != nil {
			t.Fatalf("thread %d: %s=%q", r.ID, c.key, attr(dd, c.key))
		}
		*c.dst = n
	}
	tm := find(li, hasAttr(atom.Time, "datetime"))
	if tm == nil {
		t.Fatalf("thread %d: no <time datetime>", r.ID)
	}
	var err error
	if r.Activity, err = time.Parse(time.RFC3339, attr(tm, "datetime")); err != nil {
		t.Fatalf("thread %d: datetime: %v", r.ID, err)
	}
	r.ActivityText = textOf(tm)
	return r
}

func ids(rows []listRow) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// relativeTime is how a list says when something happened, in plain English.
var relativeTime = regexp.MustCompile(`^(just now|1 (minute|hour|day|month|year) ago|([2-9]|[1-9][0-9]+) (minutes|hours|days|months|years) ago)$`)

// checkRows compares each row with the stored thread, checks that the rows are in the
// sort's order (by the stored key, ties broken by id, both descending) and returns the
// stored threads.
func checkRows(t testing.TB, site *testSite, srt parley.Sort, rows []listRow) []parley.Thread {
	t.Helper()
	ctx := context.Background()
	threads := make([]parley.Thread, len(rows))
	for i, r := range rows {
		th, err := site.Store.Thread(ctx, r.ID)
		if err != nil {
			t.Fatalf("thread %d: %v", r.ID, err)
		}
		threads[i] = th
		if r.Title != th.Title || r.Replies != th.ReplyCount || r.Boosts != th.BoostCount || r.Views != th.ViewCount {
			t.Errorf("thread %d shows %q %d/%d/%d, store has %q %d/%d/%d", r.ID, r.Title, r.Replies, r.Boosts, r.Views,
				th.Title, th.ReplyCount, th.BoostCount, th.ViewCount)
		}
		if !r.Activity.Equal(th.LastActivityAt.Truncate(time.Second)) {
			t.Errorf("thread %d shows activity %v, store has %v", r.ID, r.Activity, th.LastActivityAt)
		}
		if r.Answered != th.Answered() || r.StaffReplied != th.StaffReplied {
			t.Errorf("thread %d shows answered=%v staff=%v, store has %v/%v", r.ID, r.Answered, r.StaffReplied, th.Answered(), th.StaffReplied)
		}
		if !relativeTime.MatchString(r.ActivityText) {
			t.Errorf("thread %d: activity reads %q", r.ID, r.ActivityText)
		}
		if i == 0 {
			continue
		}
		prev, cur := threads[i-1], threads[i]
		pk, ck := srt.Key(&prev), srt.Key(&cur)
		if ck > pk || (ck == pk && cur.ID >= prev.ID) {
			t.Errorf("sort %s: thread %d (key %d) follows thread %d (key %d)", srt, cur.ID, ck, prev.ID, pk)
		}
		// What the reader can see must agree: the shown numbers and times never increase.
		switch srt {
		case parley.SortActivity:
			if rows[i].Activity.After(rows[i-1].Activity) {
				t.Errorf("activity %v shown after %v", rows[i].Activity, rows[i-1].Activity)
			}
		case parley.SortReplies:
			if rows[i].Replies > rows[i-1].Replies {
				t.Errorf("%d replies shown after %d", rows[i].Replies, rows[i-1].Replies)
			}
		case parley.SortBoosts:
			if rows[i].Boosts > rows[i-1].Boosts {
				t.Errorf("%d boosts shown after %d", rows[i].Boosts, rows[i-1].Boosts)
			}
		case parley.SortViews:
			if rows[i].Views > rows[i-1].Views {
				t.Errorf("%d views shown after %d", rows[i].Views, rows[i-1].Views)
			}
		}
	}
	return threads
}

// keeps reports whether a filtered list may show th.
func keeps(f parley.Filter, th parley.Thread) bool {
	switch f {
	case parley.FilterAnswered:
		return th.Answered()
	case parley.FilterUnanswered:
		return !th.Answered()
	case parley.FilterStaff:
		return th.StaffReplied
	case parley.FilterAwaiting:
		return !th.StaffReplied
	}
	return true
}

func listQuery(srt parley.Sort, f parley.Filter) string {
	v := url.Values{}
	if srt != parley.SortActivity {
		v.Set("sort", string(srt))
	}
	if f != parley.FilterNone {
		v.Set("filter", string(f))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// list is one thread list of the shared site with the scope it shows.
type list struct {
	name, path string
	scope      parley.Scope
}

func sharedLists(t testing.TB, site *testSite) []list {
	t.Helper()
	ctx := context.Background()
	topic, err := site.Store.TopicBySlug(ctx, "app-system-services")
	if err != nil {
		t.Fatal(err)
	}
	sub := topic.Subtopics[0]
	tag, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	return []list{
		{"all", "/threads", parley.Scope{Kind: parley.ScopeAll}},
		{"topic", "/topics/" + topic.Slug, parley.Scope{Kind: parley.ScopeTopic, ID: topic.ID}},
		{"subtopic", "/topics/" + topic.Slug + "/" + sub.Slug, parley.Scope{Kind: parley.ScopeSubtopic, ID: sub.ID}},
		{"tag", "/tags/" + tag.Slug, parley.Scope{Kind: parley.ScopeTag, ID: tag.ID}},
	}
}

func TestListSortsAndFilters(t *testing.T) {
	site := sharedSite(t)
	ctx := context.Background()
	var pinnedShown int
	for _, l := range sharedLists(t, site) {
		for _, srt := range parley.Sorts {
			for _, f := range parley.Filters {
				t.Run(fmt.Sprintf("%s/%s/%s", l.name, srt, cmp(string(f), "all")), func(t *testing.T) {
					path := l.path + listQuery(srt, f)
					first := getList(t, site, path)
					if len(first.Threads) == 0 {
						t.Fatalf("GET %s: no threads", path)
					}
					rows := first.Threads
					if first.Next != "" {
						second := getList(t, site, first.Next)
						if len(second.Pinned) != 0 {
							t.Errorf("GET %s: pinned threads %v again on page 2", first.Next, ids(second.Pinned))
						}
						rows = append(rows, second.Threads...)
					}
					for _, th := range checkRows(t, site, srt, rows) {
						if !keeps(f, th) {
							t.Errorf("filter %q shows thread %d (answered=%v, staff replied=%v)", f, th.ID, th.Answered(), th.StaffReplied)
						}
					}

					// Pinned threads come first, on page 1, in the store's order, filtered like the list.
					pinned, err := site.Store.PinnedThreads(ctx, l.scope)
					if err != nil {
						t.Fatal(err)
					}
					var want []int64
					for _, p := range pinned {
						if keeps(f, p) {
							want = append(want, p.ID)
						}
					}
					if got := ids(first.Pinned); !slices.Equal(got, want) {
						t.Errorf("pinned threads %v, want %v", got, want)
					}
					pinnedShown += len(first.Pinned)
					for _, p := range checkRows(t, site, parley.SortActivity, first.Pinned) {
						if !keeps(f, p) {
							t.Errorf("filter %q shows pinned thread %d", f, p.ID)
						}
						if slices.Contains(ids(rows), p.ID) {
							t.Errorf("pinned thread %d also appears in the list", p.ID)
						}
					}
				})
			}
		}
	}
	if pinnedShown == 0 {
		t.Error("no list showed a pinned thread: the pinned checks checked nothing")
	}
}

func cmp(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}

// walk follows "Next page" links from path to the end of the list and returns the pinned
// threads of page 1 and every listed thread in page order.
func walk(t testing.TB, site *testSite, path string) (pinned, rows []listRow, pages int) {
	t.Helper()
	for next := path; next != ""; pages++ {
		if pages > 1000 {
			t.Fatalf("GET %s: more than 1000 pages", path)
		}
		lp := getList(t, site, next)
		if pages == 0 {
			pinned = lp.Pinned
		} else if len(lp.Pinned) > 0 {
			t.Errorf("GET %s: pinned threads on a later page", next)
		}
		if len(lp.Threads) == 0 {
			t.Errorf("GET %s: an empty page", next)
		}
		rows = append(rows, lp.Threads...)
		next = lp.Next
	}
	return pinned, rows, pages
}

// TestTagListWalk reads a whole tag page by page, in every order and with every filter:
// pinned threads plus all pages hold each thread of the tag exactly once.
func TestTagListWalk(t *testing.T) {
	site := sharedSite(t)
	ctx := context.Background()
	tag, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	if tag.ThreadCount <= 30 {
		t.Fatalf("tag %s has %d threads: too few for several pages", tag.Slug, tag.ThreadCount)
	}
	every := map[int64]parley.Thread{} // the whole tag, from the unfiltered walks
	for _, f := range parley.Filters {
		for _, srt := range parley.Sorts {
			t.Run(fmt.Sprintf("%s/%s", cmp(string(f), "all"), srt), func(t *testing.T) {
				pinned, rows, pages := walk(t, site, "/tags/"+tag.Slug+listQuery(srt, f))
				all := append(slices.Clone(pinned), rows...)
				seen := map[int64]bool{}
				for _, r := range all {
					if seen[r.ID] {
						t.Errorf("thread %d listed twice", r.ID)
					}
					seen[r.ID] = true
				}
				threads := checkRows(t, site, srt, rows)
				threads = append(threads, checkRows(t, site, parley.SortActivity, pinned)...)
				for _, th := range threads {
					if !slices.Contains(th.Tags, parley.TagRef{Slug: tag.Slug, Name: tag.Name}) {
						t.Errorf("thread %d has tags %v, not %s", th.ID, th.Tags, tag.Slug)
					}
					if !keeps(f, th) {
						t.Errorf("filter %q shows thread %d", f, th.ID)
					}
				}
				if f == parley.FilterNone {
					if int64(len(seen)) != tag.ThreadCount {
						t.Errorf("%d threads over %d pages, the tag has %d", len(seen), pages, tag.ThreadCount)
					}
					for _, th := range threads {
						every[th.ID] = th
					}
					return
				}
				if int64(len(every)) != tag.ThreadCount {
					t.Fatal("the unfiltered walks did not run first")
				}
				for id, th := range every {
					if keeps(f, th) != seen[id] {
						t.Errorf("filter %q: thread %d shown=%v, answered=%v staff replied=%v", f, id, seen[id], th.Answered(), th.StaffReplied)
					}
				}
			})
		}
	}
}

// TestPagingWhileThreadsArrive pages through a tag while new threads are written, as a
// busy forum does: keyset cursors show every thread that was there before exactly once.
func TestPagingWhileThreadsArrive(t *testing.T) {
	site := newSite(t, demo.Config{Threads: 800, Posts: 3200, Users: 60, Seed: 11})
	ctx := context.Background()
	tag, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	topic, err := site.Store.TopicBySlug(ctx, "app-system-services")
	if err != nil {
		t.Fatal(err)
	}
	before := map[int64]bool{} // every thread of the tag before any arrives
	q := parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeTag, ID: tag.ID}, Sort: parley.SortActivity, Limit: parley.ListLimit}
	for {
		pg, err := site.Store.Threads(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range pg.Threads {
			before[th.ID] = true
		}
		if pg.Next == nil {
			break
		}
		q.After = pg.Next
	}
	pinned, err := site.Store.PinnedThreads(ctx, parley.Scope{Kind: parley.ScopeTag, ID: tag.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pinned {
		before[p.ID] = true
	}
	if int64(len(before)) != tag.ThreadCount {
		t.Fatalf("store lists %d threads, tag counts %d", len(before), tag.ThreadCount)
	}

	for _, srt := range []parley.Sort{parley.SortActivity, parley.SortNewest, parley.SortReplies, parley.SortViews} {
		t.Run(string(srt), func(t *testing.T) {
			stop := make(chan struct{})
			wrote := make(chan int64, 1) // signals that at least one more thread exists
			var wg sync.WaitGroup
			var created []int64
			var writeErr error
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					body := fmt.Sprintf("Thread %d written while a reader pages through the tag.", i)
					th, _, err := site.Store.CreateThread(ctx, parley.NewThread{Title: fmt.Sprintf("Arriving thread %s %d", srt, i),
						SubtopicID: topic.Subtopics[0].ID, TagIDs: []int64{tag.ID}, AuthorID: 2, Text: storetest.Text(body)})
					if err != nil {
						writeErr = err
						close(wrote)
						return
					}
					created = append(created, th.ID)
					select {
					case wrote <- th.ID:
					default:
					}
				}
			})
			seen := map[int64]int{}
			next := "/tags/" + tag.Slug + listQuery(srt, parley.FilterNone)
			pages := 0
			for ; next != ""; pages++ {
				// Two signals: the second was sent after the first was taken, so at least one
				// thread arrived since the previous page was read.
				if _, ok := <-wrote; !ok {
					break
				}
				if _, ok := <-wrote; !ok {
					break
				}
				lp := getList(t, site, next)
				for _, r := range append(lp.Pinned, lp.Threads...) {
					seen[r.ID]++
				}
				next = lp.Next
			}
			close(stop)
			wg.Wait()
			if writeErr != nil {
				t.Fatal(writeErr)
			}
			if pages < 4 || len(created) < pages {
				t.Fatalf("%d threads arrived over %d pages: too little to show anything", len(created), pages)
			}
			for id := range before {
				if seen[id] != 1 {
					t.Errorf("thread %d seen %d times", id, seen[id])
				}
			}
			for id, n := range seen {
				if n > 1 {
					t.Errorf("thread %d seen %d times", id, n)
				}
			}
			t.Logf("%d threads arrived while reading %d pages", len(created), pages)
		})
	}
}

func cursorParam(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }

// TestListBadQueries: a damaged query answers 400 with a message a person can act on,
// never a 500.
func TestListBadQueries(t *testing.T) {
	site := sharedSite(t)
	lists := sharedLists(t, site)
	// A real cursor for another sort order.
	other := getList(t, site, lists[0].path+"?sort=replies")
	nextURL, err := url.Parse(other.Next)
	if err != nil || nextURL.Query().Get("after") == "" {
		t.Fatalf("next link %q has no cursor", other.Next)
	}
	repliesCursor := nextURL.Query().Get("after")
	for _, l := range lists {
		for _, c := range []struct{ name, query string }{
			{"unknown sort", "sort=hot"},
			{"sort in capitals", "sort=NEWEST"},
			{"unknown filter", "filter=open"},
			{"cursor not base64", "after=%25%25%25"},
			{"cursor garbage", "after=garbage"},
			{"cursor from another sort", "sort=newest&after=" + repliesCursor},
			{"cursor from another sort, default sort", "after=" + repliesCursor},
			{"cursor with a word for a key", "after=" + cursorParam("activity.soon.5")},
			{"cursor with id 0", "after=" + cursorParam("activity.5.0")},
			{"cursor with too many parts", "after=" + cursorParam("activity.5.5.5")},
			{"feed with unknown sort", "sort=hot"},
		} {
			t.Run(l.name+"/"+c.name, func(t *testing.T) {
				path := l.path + "?" + c.query
				if strings.HasPrefix(c.name, "feed") {
					path = l.path + ".rss?" + c.query
				}
				res, body := site.get(t, path)
				if res.StatusCode != http.StatusBadRequest {
					t.Fatalf("GET %s: %d, want 400", path, res.StatusCode)
				}
				checkErrorPage(t, path, body, "Bad Request")
			})
		}
		// Odd but well-formed cursors are not errors: they point before or after every thread.
		for _, q := range []string{
			"after=" + cursorParam("activity.-1.1"),
			"after=" + cursorParam("activity.9223372036854775807.9223372036854775807"),
			"sort=views&after=" + cursorParam("views.0.1"),
			"filter=answered&filter=staff",
		} {
			res, _ := site.get(t, l.path+"?"+q)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s?%s: %d, want 200", l.path, q, res.StatusCode)
			}
		}
	}
}

// checkErrorPage checks that an error page names the problem in its one h1 and explains it
// in words, without internal detail.
func checkErrorPage(t testing.TB, path string, body []byte, heading string) {
	t.Helper()
	doc := mustParseHTML(t, body)
	h1s := findAll(doc, sel(atom.H1))
	if len(h1s) != 1 || textOf(h1s[0]) != heading {
		t.Errorf("GET %s: h1 %v, want one reading %q", path, texts(h1s), heading)
	}
	msg := find(doc, sel(atom.P, "error-message"))
	if msg == nil {
		t.Fatalf("GET %s: no error message", path)
	}
	m := textOf(msg)
	if len(m) < 10 || !strings.HasSuffix(m, ".") {
		t.Errorf("GET %s: message %q is not a sentence", path, m)
	}
	for _, leak := range []string{"sql", "strconv", "panic", "runtime", "invalid:", "not_found"} {
		if strings.Contains(strings.ToLower(m), leak) {
			t.Errorf("GET %s: message %q shows internal detail", path, m)
		}
	}
}

func texts(ns []*html.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, textOf(n))
	}
	return out
}

func TestNotFound(t *testing.T) {
	site := sharedSite(t)
	for _, path := range []string{
		"/tags/no-such-tag", "/tags/no-such-tag.rss", "/tags/no-such-tag.atom",
		"/threads/999999", "/threads/0", "/threads/-3", "/threads/abc", "/threads/999999.rss",
		"/users/nobody_here", "/topics/no-such-topic", "/topics/no-such-topic.atom",
		"/topics/app-system-services/no-such-subtopic", "/topics/app-system-services/no-such-subtopic.rss",
		"/topics/no-such-topic/networking", "/posts/99999999/revisions", "/posts/abc/revisions",
		"/no/such/page",
	} {
		t.Run(path, func(t *testing.T) {
			res, body := site.get(t, path)
			if res.StatusCode != http.StatusNotFound {
				t.Fatalf("GET %s: %d, want 404", path, res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("GET %s: Content-Type %q", path, ct)
			}
			checkErrorPage(t, path, body, "Not Found")
		})
	}
}

// TestPageStructure checks what assistive technology relies on: one h1, the landmarks,
// and labelled form controls.
func TestPageStructure(t *testing.T) {
	site := sharedSite(t)
	rev := editedPost(t, site, 2)
	for _, c := range []struct {
		path   string
		status int
		list   bool
	}{
		{"/", 200, false},
		{"/threads", 200, true},
		{"/threads?sort=views&filter=answered", 200, true},
		{"/tags", 200, false},
		{"/tags/network", 200, true},
		{"/topics/app-system-services", 200, true},
		{"/topics/app-system-services/networking", 200, true},
		{"/threads/1", 200, false},
		{"/threads/" + strconv.FormatInt(rev.ThreadID, 10), 200, false},
		{"/users/admin", 200, false},
		{"/posts/" + strconv.FormatInt(rev.ID, 10) + "/revisions", 200, false},
		{"/tags/no-such-tag", 404, false},
		{"/threads?sort=hot", 400, false},
	} {
		t.Run(c.path, func(t *testing.T) {
			res, body := site.get(t, c.path)
			if res.StatusCode != c.status {
				t.Fatalf("GET %s: %d, want %d", c.path, res.StatusCode, c.status)
			}
			doc := mustParseHTML(t, body)
			if h1s := findAll(doc, sel(atom.H1)); len(h1s) != 1 || textOf(h1s[0]) == "" {
				t.Errorf("h1: %q, want exactly one with text", texts(h1s))
			}
			if root := find(doc, sel(atom.Html)); attr(root, "lang") == "" {
				t.Error("<html> has no lang")
			}
			if title := find(doc, sel(atom.Title)); title == nil || textOf(title) == "" {
				t.Error("no <title>")
			}
			bodyEl := find(doc, sel(atom.Body))
			for _, tag := range []atom.Atom{atom.Header, atom.Main, atom.Footer} {
				var top []*html.Node
				for c := bodyEl.FirstChild; c != nil; c = c.NextSibling {
					if sel(tag)(c) {
						top = append(top, c)
					}
				}
				if len(top) != 1 {
					t.Errorf("%d top-level <%s>, want 1", len(top), tag)
				}
			}
			if len(findAll(doc, sel(atom.Main))) != 1 {
				t.Error("want exactly one <main>")
			}
			navs := findAll(doc, sel(atom.Nav))
			if len(navs) == 0 {
				t.Error("no <nav>")
			}
			for _, n := range navs {
				if attr(n, "aria-label") == "" {
					t.Errorf("a <nav> without aria-label: %q", textOf(n))
				}
			}
			for _, s := range findAll(doc, sel(atom.Select)) {
				id := attr(s, "id")
				label := find(doc, withAttr(atom.Label, "for", id))
				if id == "" || label == nil || textOf(label) == "" {
					t.Errorf("select %q has no label", attr(s, "name"))
				}
			}
			if !c.list {
				return
			}
			form := find(doc, sel(atom.Form, "list-controls"))
			if form == nil {
				t.Fatal("no sort form")
			}
			u, _ := url.Parse(c.path)
			if attr(form, "method") != "get" || attr(form, "action") != u.Path {
				t.Errorf("form method=%q action=%q, want get %s", attr(form, "method"), attr(form, "action"), u.Path)
			}
			btn := find(form, withAttr(atom.Button, "type", "submit"))
			if btn == nil || textOf(btn) != "Apply" {
				t.Error("the sort form has no Apply button, so it needs JavaScript")
			}
			// The form shows the list it is on.
			for _, name := range []string{"sort", "filter"} {
				s := find(form, withAttr(atom.Select, "name", name))
				if s == nil {
					t.Fatalf("no %s select", name)
				}
				selected := find(s, hasAttr(atom.Option, "selected"))
				want := u.Query().Get(name)
				if name == "sort" && want == "" {
					want = "activity"
				}
				if selected == nil || attr(selected, "value") != want {
					t.Errorf("%s select does not show %q as chosen", name, want)
				}
			}
		})
	}
}

func TestFeedAutodiscovery(t *testing.T) {
	site := sharedSite(t)
	for _, c := range []struct {
		page, rss, atom string
	}{
		{"/tags/network", "/tags/network.rss", "/tags/network.atom"},
		{"/tags/network?sort=boosts&filter=answered", "/tags/network.rss?filter=answered&sort=boosts", "/tags/network.atom?filter=answered&sort=boosts"},
		{"/topics/app-system-services/networking", "/topics/app-system-services/networking.rss", "/topics/app-system-services/networking.atom"},
		{"/threads", "/threads.rss", "/threads.atom"},
		{"/threads/1", "/threads/1.rss", "/threads/1.atom"},
	} {
		t.Run(c.page, func(t *testing.T) {
			doc := getPage(t, site, c.page)
			head := find(doc, sel(atom.Head))
			for _, want := range []struct{ typ, href string }{{"application/rss+xml", c.rss}, {"application/atom+xml", c.atom}} {
				link := find(head, func(n *html.Node) bool {
					return sel(atom.Link)(n) && attr(n, "rel") == "alternate" && attr(n, "type") == want.typ
				})
				if link == nil {
					t.Fatalf("no <link rel=alternate type=%s>", want.typ)
				}
				if got := attr(link, "href"); !sameURL(got, want.href) {
					t.Errorf("%s href %q, want %q", want.typ, got, want.href)
				}
				if attr(link, "title") == "" {
					t.Errorf("%s link has no title", want.typ)
				}
				res, _ := site.get(t, attr(link, "href"))
				if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), want.typ) {
					t.Errorf("GET %s: %d %s", attr(link, "href"), res.StatusCode, res.Header.Get("Content-Type"))
				}
			}
		})
	}
}

// sameURL compares two URLs by path and query values, not by the order of parameters.
func sameURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || ua.Path != ub.Path {
		return false
	}
	return ua.Query().Encode() == ub.Query().Encode()
}

// threadsWhere returns ids of threads of the shared forum that satisfy ok, at most n.
func threadsWhere(t testing.TB, site *testSite, n int, ok func(parley.Thread) bool) []int64 {
	t.Helper()
	var out []int64
	for id := int64(1); len(out) < n; id++ {
		th, err := site.Store.Thread(context.Background(), id)
		if errors.Is(err, parley.ErrNotFound) {
			break // demo thread ids run from 1 without gaps
		}
		if err != nil {
			t.Fatal(err)
		}
		if ok(th) {
			out = append(out, id)
		}
	}
	return out
}

// editedPost returns a post of the shared forum with at least minRevisions versions: the
// pinned resource posts are revised over the years.
func editedPost(t testing.TB, site *testSite, minRevisions int) parley.Post {
	t.Helper()
	for _, id := range threadsWhere(t, site, 100, func(th parley.Thread) bool { return th.Pinned }) {
		posts, err := site.Store.Posts(context.Background(), id, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if posts[0].Revision >= minRevisions {
			return posts[0]
		}
	}
	t.Fatalf("no post with %d revisions", minRevisions)
	return parley.Post{}
}

// discussionLD is the part of a thread's structured data that search engines read.
type discussionLD struct {
	Type       string `json:"@type"`
	Headline   string `json:"headline"`
	URL        string `json:"url"`
	Statistics []struct {
		Type  string `json:"interactionType"`
		Count int64  `json:"userInteractionCount"`
	} `json:"interactionStatistic"`
}

func TestThreadPage(t *testing.T) {
	site := sharedSite(t)
	ctx := context.Background()
	sample := threadsWhere(t, site, 40, func(th parley.Thread) bool { return th.ID%9 == 1 })
	sample = append(sample, threadsWhere(t, site, 8, func(th parley.Thread) bool { return th.Answered() })...)
	sample = append(sample, threadsWhere(t, site, 8, func(th parley.Thread) bool { return th.Pinned })...)
	users := map[string]parley.User{}
	user := func(handle string) parley.User {
		u, ok := users[handle]
		if !ok {
			var err error
			if u, err = site.Store.UserByHandle(ctx, handle); err != nil {
				t.Fatal(err)
			}
			users[handle] = u
		}
		return u
	}
	var accepted, badges, signatures, edited int
	for _, id := range sample {
		t.Run(strconv.FormatInt(id, 10), func(t *testing.T) {
			th, err := site.Store.Thread(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			posts, err := site.Store.Posts(ctx, id, 0, web.PostsPerPage)
			if err != nil {
				t.Fatal(err)
			}
			doc := getPage(t, site, "/threads/"+strconv.FormatInt(id, 10))
			if h1 := find(doc, sel(atom.H1)); textOf(h1) != strings.Join(strings.Fields(th.Title), " ") {
				t.Errorf("h1 %q, want %q", textOf(h1), th.Title)
			}

			items := findAll(doc, sel(atom.Li, "post")) // the question's list, then the replies'
			if len(items) != len(posts) {
				t.Fatalf("%d posts shown, store has %d", len(items), len(posts))
			}
			for i, li := range items {
				p := posts[i]
				if got := attr(li, "id"); got != fmt.Sprintf("post-%d", p.ID) {
					t.Errorf("post %d is %q, want post-%d: posts out of order", i, got, p.ID)
				}
				if i > 0 && p.CreatedAt.Before(posts[i-1].CreatedAt) {
					t.Errorf("post %d written before the post above it", p.ID)
				}
				isAccepted := p.ID == th.AcceptedPostID
				mark := find(li, sel(atom.Span, "state", "answered"))
				if hasClass(li, "accepted") != isAccepted || (mark != nil) != isAccepted {
					t.Errorf("post %d: marked accepted=%v, want %v", p.ID, mark != nil, isAccepted)
				}
				if isAccepted {
					accepted++
					if textOf(mark) != "Accepted answer" {
						t.Errorf("accepted mark reads %q", textOf(mark))
					}
				}

				head := find(li, sel(atom.Header, "post-head"))
				a := find(head, sel(atom.A, "author"))
				if a == nil || attr(a, "href") != "/users/"+p.Author.Handle || textOf(a) != p.Author.DisplayName {
					t.Fatalf("post %d: author link wrong", p.ID)
				}
				u := user(p.Author.Handle)
				badge := nextElement(a)
				if badge != nil && !hasClass(badge, "badge") {
					badge = nil
				}
				switch {
				case u.Role.IsStaff() && u.Badge == "":
					t.Errorf("staff member %s has no badge to show", u.Handle)
				case u.Badge != "" && (badge == nil || textOf(badge) != u.Badge):
					t.Errorf("post %d by %s (%s): badge %q not shown beside the name", p.ID, u.Handle, u.Role, u.Badge)
				case u.Badge == "" && badge != nil:
					t.Errorf("post %d by %s: unexpected badge %q", p.ID, u.Handle, textOf(badge))
				case u.Role.IsStaff():
					badges++
				}

				sig := find(li, sel(atom.Div, "signature"))
				switch {
				case u.SignatureHTML != "" && sig == nil:
					t.Errorf("post %d by %s: signature missing", p.ID, u.Handle)
				case u.SignatureHTML == "" && sig != nil:
					t.Errorf("post %d by %s: unexpected signature", p.ID, u.Handle)
				case sig != nil:
					signatures++
					if got, want := textOf(sig), fragmentText(t, u.SignatureHTML); got != want {
						t.Errorf("post %d: signature %q, want %q", p.ID, got, want)
					}
				}

				link := find(head, sel(atom.A, "edited"))
				switch {
				case p.Edited() && (link == nil || attr(link, "href") != fmt.Sprintf("/posts/%d/revisions", p.ID)):
					t.Errorf("edited post %d has no link to its revisions", p.ID)
				case !p.Edited() && link != nil:
					t.Errorf("post %d was never edited but says so", p.ID)
				case p.Edited():
					edited++
				}

				if got, want := textOf(find(li, sel(atom.Div, "post-body"))), fragmentText(t, p.HTML); got != want {
					t.Errorf("post %d body differs from the stored HTML", p.ID)
				}
			}

			summary := find(doc, sel(atom.Section, "accepted-summary"))
			if th.Answered() != (summary != nil) {
				t.Fatalf("accepted answer %d, summary shown=%v", th.AcceptedPostID, summary != nil)
			}
			if summary != nil {
				ap, err := site.Store.Post(ctx, th.AcceptedPostID)
				if err != nil {
					t.Fatal(err)
				}
				if find(summary, withAttr(atom.A, "href", fmt.Sprintf("#post-%d", ap.ID))) == nil {
					t.Error("the summary does not link to the accepted answer")
				}
				if got, want := textOf(find(summary, sel(atom.Div, "post-body"))), fragmentText(t, ap.HTML); got != want {
					t.Errorf("summary shows %q, want the accepted answer %q", got, want)
				}
			}

			script := find(doc, withAttr(atom.Script, "type", "application/ld+json"))
			if script == nil {
				t.Fatal("no JSON-LD")
			}
			var ld discussionLD
			if err := json.Unmarshal([]byte(rawText(script, nil)), &ld); err != nil {
				t.Fatalf("JSON-LD: %v", err)
			}
			if ld.Type != "DiscussionForumPosting" || ld.Headline != th.Title || ld.URL != site.URL+"/threads/"+strconv.FormatInt(id, 10) {
				t.Errorf("JSON-LD %+v", ld)
			}
			stats := map[string]int64{}
			for _, s := range ld.Statistics {
				stats[s.Type] = s.Count
			}
			// The page adds the views counted and not yet written to the store, this
			// reader's among them.
			want := map[string]int64{"https://schema.org/CommentAction": th.ReplyCount,
				"https://schema.org/LikeAction": th.BoostCount, "https://schema.org/ViewAction": th.ViewCount + site.Views.Unwritten(id)}
			if fmt.Sprint(stats) != fmt.Sprint(want) {
				t.Errorf("interactionStatistic %v, want %v", stats, want)
			}
		})
	}
	// The sample must exercise what it checks.
	if accepted == 0 || badges == 0 || signatures == 0 || edited == 0 {
		t.Errorf("sample too thin: %d accepted, %d staff badges, %d signatures, %d edited", accepted, badges, signatures, edited)
	}
}

// TestThreadPostPages follows "More replies" through a long thread: every post once, in
// the order written.
func TestThreadPostPages(t *testing.T) {
	site := sharedSite(t)
	ctx := context.Background()
	busiest, err := site.Store.Threads(ctx, parley.ListQuery{Sort: parley.SortReplies, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	th := busiest.Threads[0]
	all, err := site.Store.Posts(ctx, th.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= 50 {
		t.Fatalf("the busiest thread has %d posts: one page", len(all))
	}
	var shown []string
	next, pages := "/threads/"+strconv.FormatInt(th.ID, 10), 0
	for ; next != "" && pages < 100; pages++ {
		doc := getPage(t, site, next)
		if h1 := find(doc, sel(atom.H1)); textOf(h1) != strings.Join(strings.Fields(th.Title), " ") {
			t.Errorf("GET %s: h1 %q", next, textOf(h1))
		}
		for _, li := range findAll(doc, sel(atom.Li, "post")) {
			shown = append(shown, attr(li, "id"))
		}
		next = ""
		if a := find(doc, withAttr(atom.A, "rel", "next")); a != nil {
			next = attr(a, "href")
		}
	}
	var want []string
	for _, p := range all {
		want = append(want, fmt.Sprintf("post-%d", p.ID))
	}
	if !slices.Equal(shown, want) {
		t.Errorf("%d pages show %d posts, want all %d in order", pages, len(shown), len(want))
	}
}

func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

func TestThreadSlugRedirects(t *testing.T) {
	site := sharedSite(t)
	for _, c := range []struct{ path, location string }{
		{"/threads/5/why-does-it-crash", "/threads/5"},
		{"/threads/5/anything-at-all?after=12", "/threads/5?after=12"},
	} {
		res, _ := site.get(t, c.path)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != c.location {
			t.Errorf("GET %s: %d to %q, want 301 to %q", c.path, res.StatusCode, res.Header.Get("Location"), c.location)
		}
	}
}

// diffSides reads a rendered diff: the text without insertions is the old version and the
// text without deletions the new one. Labels for screen readers are not part of either.
func diffSides(n *html.Node) (from, to string, dels, inss []string) {
	hidden := sel(0, "visually-hidden")
	from = rawText(n, func(n *html.Node) bool { return sel(atom.Ins)(n) || hidden(n) })
	to = rawText(n, func(n *html.Node) bool { return sel(atom.Del)(n) || hidden(n) })
	return from, to, texts(findAll(n, sel(atom.Del))), texts(findAll(n, sel(atom.Ins)))
}

func TestRevisionDiffs(t *testing.T) {
	site := sharedSite(t)
	post := editedPost(t, site, 3)
	revs, err := site.Store.Revisions(context.Background(), post.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := len(revs)
	if n != post.Revision {
		t.Fatalf("post at revision %d has %d revisions", post.Revision, n)
	}
	base := fmt.Sprintf("/posts/%d/revisions", post.ID)
	for from := 1; from <= n; from++ {
		for to := 1; to <= n; to++ {
			t.Run(fmt.Sprintf("%d-%d", from, to), func(t *testing.T) {
				doc := getPage(t, site, fmt.Sprintf("%s?from=%d&to=%d", base, from, to))
				d := find(doc, sel(atom.Div, "diff"))
				if d == nil {
					t.Fatal("no diff")
				}
				old, cur, dels, inss := diffSides(d)
				if old != revs[from-1].Body {
					t.Errorf("text without insertions is not version %d:\n%q\nwant\n%q", from, old, revs[from-1].Body)
				}
				if cur != revs[to-1].Body {
					t.Errorf("text without deletions is not version %d:\n%q\nwant\n%q", to, cur, revs[to-1].Body)
				}
				changed := revs[from-1].Body != revs[to-1].Body
				if changed != (len(dels)+len(inss) > 0) {
					t.Errorf("versions differ=%v, but %d deletions and %d insertions shown", changed, len(dels), len(inss))
				}
				h := find(doc, withAttr(atom.H2, "id", "diff-heading"))
				if want := fmt.Sprintf("Changes from version %d to version %d", from, to); textOf(h) != want {
					t.Errorf("heading %q, want %q", textOf(h), want)
				}
				for _, pick := range []struct {
					name string
					want int
				}{{"from", from}, {"to", to}} {
					checked := find(doc, func(n *html.Node) bool {
						return withAttr(atom.Input, "name", pick.name)(n) && hasAttr(atom.Input, "checked")(n)
					})
					if checked == nil || attr(checked, "value") != strconv.Itoa(pick.want) {
						t.Errorf("the %s picker does not show version %d", pick.name, pick.want)
					}
				}
			})
		}
	}
	t.Run("default is the last edit", func(t *testing.T) {
		doc := getPage(t, site, base)
		old, cur, _, _ := diffSides(find(doc, sel(atom.Div, "diff")))
		if old != revs[n-2].Body || cur != revs[n-1].Body {
			t.Error("default diff is not between the last two versions")
		}
	})
	for _, q := range []string{"from=0", "to=0", fmt.Sprintf("to=%d", n+1), fmt.Sprintf("from=%d", n+1), "from=one", "to=-1"} {
		t.Run(q, func(t *testing.T) {
			res, body := site.get(t, base+"?"+q)
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("GET %s?%s: %d, want 400", base, q, res.StatusCode)
			}
			checkErrorPage(t, base+"?"+q, body, "Bad Request")
			if msg := textOf(find(mustParseHTML(t, body), sel(atom.P, "error-message"))); !strings.Contains(msg, fmt.Sprintf("between 1 and %d", n)) {
				t.Errorf("message %q does not say which versions exist", msg)
			}
		})
	}
}

// TestRevisionDiffShowsCodeByLine: prose changes word by word, but a changed line of code is
// shown removed and added whole, indentation included, each labelled for screen readers.
func TestRevisionDiffShowsCodeByLine(t *testing.T) {
	site := newSite(t, tinyForum)
	author, _ := signedInWithRole(t, site, "coder", parley.RoleMember)
	_, op := askAs(t, site, author, "Why does my handler return a bare error?")
	versions := []string{
		"My handler fails:\n\n```go\nif err != nil {\n\treturn err\n}\n```\n\nWhat is <b>wrong</b>?",
		"My handler still fails:\n\n```go\nif err != nil {\n\treturn fmt.Errorf(\"load %d: %w\", id, err)\n}\n```\n\nWhat is <b>wrong</b>?",
	}
	for _, body := range versions {
		if res, _ := author.submit("/posts/"+itoa(op.ID)+"/edit", map[string]string{"body": body, "summary": "code", "action": "save"}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", res.StatusCode)
		}
	}
	doc := getPage(t, site, "/posts/"+itoa(op.ID)+"/revisions")
	d := find(doc, sel(atom.Div, "diff"))
	if d == nil {
		t.Fatal("no diff")
	}
	if old, cur, _, _ := diffSides(d); old != versions[0] || cur != versions[1] {
		t.Errorf("the diff's two sides are\n%q\n%q\nwant\n%q\n%q", old, cur, versions[0], versions[1])
	}
	block := find(d, sel(atom.Pre, "diff-code"))
	if block == nil {
		t.Fatal("the code block is not shown as code")
	}
	var lines []string
	for l := block.FirstChild; l != nil; l = l.NextSibling {
		lines = append(lines, l.Data+" "+rawText(l, nil))
	}
	want := []string{
		"span ```go\n",
		"span if err != nil {\n",
		"del Removed line: \treturn err\n",
		"ins Added line: \treturn fmt.Errorf(\"load %d: %w\", id, err)\n",
		"span }\n",
		"span ```\n",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("code lines\n%q\nwant\n%q", lines, want)
	}
	for _, l := range findAll(block, func(n *html.Node) bool { return sel(atom.Del)(n) || sel(atom.Ins)(n) }) {
		if !hasClass(l, "diff-line") || !hasClass(l.FirstChild, "visually-hidden") {
			t.Errorf("changed line %q is not a whole line with a hidden label", rawText(l, nil))
		}
	}
	if inss := texts(findAll(d, func(n *html.Node) bool { return sel(atom.Ins)(n) && n.Parent == d })); !slices.Equal(inss, []string{"still"}) {
		t.Errorf("prose insertions %q, want the one added word", inss)
	}
	if legend := textOf(find(doc, sel(atom.P, "diff-legend"))); !strings.Contains(legend, "+ added") {
		t.Errorf("legend %q does not explain the line markers", legend)
	}
}

func TestUserProfile(t *testing.T) {
	site := sharedSite(t)
	ctx := context.Background()
	for _, handle := range []string{"admin", editedPostAuthor(t, site)} {
		t.Run(handle, func(t *testing.T) {
			u, err := site.Store.UserByHandle(ctx, handle)
			if err != nil {
				t.Fatal(err)
			}
			var shown []string
			var times []time.Time
			next := "/users/" + handle
			for pages := 0; next != "" && pages < 3; pages++ {
				doc := getPage(t, site, next)
				if h1 := find(doc, sel(atom.H1)); textOf(h1) != u.DisplayName {
					t.Errorf("h1 %q, want %q", textOf(h1), u.DisplayName)
				}
				for _, li := range findAll(doc, func(n *html.Node) bool { return sel(atom.Li)(n) && sel(atom.Ol, "user-posts")(n.Parent) }) {
					shown = append(shown, attr(find(li, sel(atom.A)), "href"))
					tm, err := time.Parse(time.RFC3339, attr(find(li, hasAttr(atom.Time, "datetime")), "datetime"))
					if err != nil {
						t.Fatal(err)
					}
					times = append(times, tm)
				}
				next = ""
				if a := find(doc, withAttr(atom.A, "rel", "next")); a != nil {
					next = attr(a, "href")
				}
			}
			var want []string
			for before := int64(0); len(want) < len(shown); {
				posts, err := site.Store.UserPosts(ctx, u.ID, before, 30)
				if err != nil {
					t.Fatal(err)
				}
				if len(posts) == 0 {
					break
				}
				for _, p := range posts {
					want = append(want, fmt.Sprintf("/threads/%d#post-%d", p.ThreadID, p.PostID))
				}
				before = posts[len(posts)-1].PostID
			}
			if len(shown) == 0 || !slices.Equal(shown, want[:min(len(want), len(shown))]) {
				t.Errorf("profile shows %d posts that differ from the store's", len(shown))
			}
			for i := 1; i < len(times); i++ {
				if times[i].After(times[i-1]) {
					t.Errorf("post %s (%v) listed after a post from %v: not newest first", shown[i], times[i], times[i-1])
				}
			}
		})
	}
}

func editedPostAuthor(t testing.TB, site *testSite) string {
	return editedPost(t, site, 2).Author.Handle
}

package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/atom"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/storetest"
)

// plainTransport sends requests exactly as written: unlike http.DefaultTransport it neither
// asks for gzip on its own nor decompresses, so tests see what the server sent.
var plainTransport = &http.Transport{DisableCompression: true}

func (s *testSite) do(t testing.TB, method, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := plainTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

var feedTypes = []struct {
	ext, contentType, gofeedType string
}{
	{".rss", "application/rss+xml; charset=utf-8", "rss"},
	{".atom", "application/atom+xml; charset=utf-8", "atom"},
}

// getFeed fetches and parses a feed that must answer 200 with the format's content type.
func getFeed(t testing.TB, site *testSite, path, contentType string) *gofeed.Feed {
	t.Helper()
	res, body := site.get(t, path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != contentType {
		t.Errorf("GET %s: Content-Type %q, want %q", path, ct, contentType)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("GET %s: parse feed: %v", path, err)
	}
	return feed
}

// listHead returns the first n threads of a list page by page, as a reader of the HTML
// list sees them (pinned threads aside).
func listHead(t testing.TB, site *testSite, path string, n int) []int64 {
	t.Helper()
	var out []int64
	for next := path; next != "" && len(out) < n; {
		lp := getList(t, site, next)
		out = append(out, ids(lp.Threads)...)
		next = lp.Next
	}
	return out[:min(n, len(out))]
}

// checkAbsolute checks that a feed link is an absolute http URL on the site.
func checkAbsolute(t testing.TB, site *testSite, link string) {
	t.Helper()
	u, err := url.Parse(link)
	base, _ := url.Parse(site.URL)
	if err != nil || !u.IsAbs() || u.Scheme != "http" || u.Host != base.Host {
		t.Errorf("link %q is not an absolute URL on %s", link, site.URL)
	}
}

func TestListFeeds(t *testing.T) {
	site := sharedSite(t)
	ctx := context.Background()
	for _, list := range []string{"/threads", "/tags/network", "/topics/app-system-services", "/topics/app-system-services/networking"} {
		for _, q := range []string{"", "?sort=newest", "?sort=replies", "?filter=answered", "?sort=views&filter=unanswered", "?sort=boosts&filter=staff", "?filter=awaiting-staff"} {
			want := listHead(t, site, list+q, 50)
			for _, ft := range feedTypes {
				path := list + ft.ext + q
				t.Run(path, func(t *testing.T) {
					feed := getFeed(t, site, path, ft.contentType)
					if feed.FeedType != ft.gofeedType {
						t.Errorf("feed type %q", feed.FeedType)
					}
					checkAbsolute(t, site, feed.Link)
					if len(feed.Items) != len(want) || len(feed.Items) > 50 {
						t.Fatalf("%d items, the list starts with %d threads (at most 50)", len(feed.Items), len(want))
					}
					if list == "/threads" && len(feed.Items) != 50 {
						t.Errorf("%d items from a list of hundreds, want 50", len(feed.Items))
					}
					for i, item := range feed.Items {
						th, err := site.Store.Thread(ctx, want[i])
						if err != nil {
							t.Fatal(err)
						}
						link := site.URL + "/threads/" + strconv.FormatInt(th.ID, 10)
						if item.Link != link {
							t.Fatalf("item %d links to %q, want %q: not the list's order", i, item.Link, link)
						}
						checkAbsolute(t, site, item.Link)
						if item.GUID != link {
							t.Errorf("item %d: id %q, want the thread's permanent URL %q", i, item.GUID, link)
						}
						if item.Title != th.Title {
							t.Errorf("item %d: title %q, want %q", i, item.Title, th.Title)
						}
						checkItemTimes(t, ft.gofeedType, item, th.CreatedAt, th.LastActivityAt)
					}
					again := getFeed(t, site, path, ft.contentType)
					for i := range again.Items {
						if again.Items[i].GUID != feed.Items[i].GUID {
							t.Errorf("item %d: id %q, then %q", i, feed.Items[i].GUID, again.Items[i].GUID)
						}
					}
				})
			}
		}
	}
}

// checkItemTimes compares an item's dates with the stored ones, to the second: RSS carries
// the publication time, Atom the time of the last change.
func checkItemTimes(t testing.TB, feedType string, item *gofeed.Item, created, updated time.Time) {
	t.Helper()
	switch feedType {
	case "rss":
		if item.PublishedParsed == nil || !item.PublishedParsed.Equal(created.Truncate(time.Second)) {
			t.Errorf("%s: published %v, want %v", item.Link, item.PublishedParsed, created)
		}
	case "atom":
		if item.UpdatedParsed == nil || !item.UpdatedParsed.Equal(updated.Truncate(time.Second)) {
			t.Errorf("%s: updated %v, want %v", item.Link, item.UpdatedParsed, updated)
		}
	}
}

func TestThreadFeeds(t *testing.T) {
	site := sharedSite(t)
	ctx := context.Background()
	busiest, err := site.Store.Threads(ctx, parley.ListQuery{Sort: parley.SortReplies, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if busiest.Threads[0].ReplyCount < 50 {
		t.Fatalf("the busiest thread has %d replies: too few to check the cap", busiest.Threads[0].ReplyCount)
	}
	sample := []int64{1, busiest.Threads[0].ID, editedPost(t, site, 3).ThreadID}
	sample = append(sample, threadsWhere(t, site, 2, func(th parley.Thread) bool { return th.Answered() })...)
	for _, id := range sample {
		th, err := site.Store.Thread(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		posts, err := site.Store.Posts(ctx, id, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, ft := range feedTypes {
			path := fmt.Sprintf("/threads/%d%s", id, ft.ext)
			t.Run(path, func(t *testing.T) {
				feed := getFeed(t, site, path, ft.contentType)
				if feed.Title != th.Title+" · Parley" {
					t.Errorf("feed title %q", feed.Title)
				}
				if len(feed.Items) != len(posts) || len(feed.Items) > 50 {
					t.Fatalf("%d items, want %d posts (at most 50)", len(feed.Items), len(posts))
				}
				for i, item := range feed.Items {
					p := posts[i]
					link := fmt.Sprintf("%s/threads/%d#post-%d", site.URL, id, p.ID)
					if item.Link != link || item.GUID != link {
						t.Fatalf("item %d: link %q id %q, want %q", i, item.Link, item.GUID, link)
					}
					wantTitle := "Reply by " + p.Author.DisplayName
					if p.Original {
						wantTitle = th.Title
					}
					if item.Title != wantTitle {
						t.Errorf("item %d: title %q, want %q", i, item.Title, wantTitle)
					}
					if strings.TrimSpace(item.Content) != strings.TrimSpace(p.HTML) {
						t.Errorf("item %d: content differs from the post's HTML:\n%s\nwant\n%s", i, item.Content, p.HTML)
					}
					updated := p.CreatedAt
					if p.Edited() {
						updated = p.EditedAt
					}
					checkItemTimes(t, ft.gofeedType, item, p.CreatedAt, updated)
				}
			})
		}
	}
}

// oldForum is a private forum whose history ended years ago, so that pages saying
// "4 years ago" read the same on every fetch of a test.
func oldForum(t testing.TB) *testSite {
	t.Helper()
	return newSite(t, demo.Config{Threads: 150, Posts: 600, Users: 30, Seed: 5, Now: time.Now().AddDate(-4, 0, 0)})
}

// TestFeedEscaping writes a thread whose title and body are full of markup characters:
// feeds and pages must carry them as text.
func TestFeedEscaping(t *testing.T) {
	site := oldForum(t)
	ctx := context.Background()
	tag, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	topic, err := site.Store.TopicBySlug(ctx, "app-system-services")
	if err != nil {
		t.Fatal(err)
	}
	title := `Why is a < b && c > "d" false? <script>alert('x')</script> ]]> &amp;`
	body := "Compare `a < b && c` with <b>bold</b> & this:\n\n```go\nif a < b && b > c { fmt.Println(\"]]>\") }\n```\n"
	th, post, err := site.Store.CreateThread(ctx, parley.NewThread{Title: title, SubtopicID: topic.Subtopics[0].ID,
		TagIDs: []int64{tag.ID}, AuthorID: 3, Text: storetest.Text(body)})
	if err != nil {
		t.Fatal(err)
	}
	if th.Title != title {
		t.Fatalf("store keeps the title as %q", th.Title)
	}
	threadPath := "/threads/" + strconv.FormatInt(th.ID, 10)
	for _, ft := range feedTypes {
		t.Run("list"+ft.ext, func(t *testing.T) {
			feed := getFeed(t, site, "/threads"+ft.ext, ft.contentType)
			if len(feed.Items) == 0 || feed.Items[0].Title != title {
				t.Fatalf("first item title %q, want %q", feed.Items[0].Title, title)
			}
		})
		t.Run("thread"+ft.ext, func(t *testing.T) {
			feed := getFeed(t, site, threadPath+ft.ext, ft.contentType)
			if feed.Title != title+" · Parley" {
				t.Errorf("feed title %q", feed.Title)
			}
			if len(feed.Items) != 1 || feed.Items[0].Title != title {
				t.Fatalf("items %d, want one titled %q", len(feed.Items), title)
			}
			if strings.TrimSpace(feed.Items[0].Content) != strings.TrimSpace(post.HTML) {
				t.Errorf("content %q, want %q", feed.Items[0].Content, post.HTML)
			}
		})
	}
	t.Run("page", func(t *testing.T) {
		doc := getPage(t, site, threadPath)
		h1 := find(doc, sel(atom.H1))
		if textOf(h1) != strings.Join(strings.Fields(title), " ") || find(h1, sel(atom.Script)) != nil {
			t.Errorf("h1 %q, want the title as text", textOf(h1))
		}
		if n := len(findAll(doc, sel(atom.Script))); n != 2 {
			t.Errorf("%d script elements, want the page's script and its JSON-LD: the title broke out", n)
		}
		var ld discussionLD
		if err := json.Unmarshal([]byte(rawText(find(doc, withAttr(atom.Script, "type", "application/ld+json")), nil)), &ld); err != nil || ld.Headline != title {
			t.Errorf("JSON-LD headline %q (%v), want %q", ld.Headline, err, title)
		}
		if rows := getList(t, site, "/threads").Threads; len(rows) == 0 || rows[0].Title != title {
			t.Errorf("list shows %q first, want %q", rows[0].Title, title)
		}
	})
}

// TestConditionalGet: pages and feeds carry validators, answer revalidation with 304 and
// compress on request.
func TestConditionalGet(t *testing.T) {
	site := oldForum(t)
	for _, path := range []string{"/", "/threads", "/tags/network", "/tags/network?sort=views", "/topics/app-system-services/networking",
		"/threads/1", "/users/admin", "/threads.rss", "/tags/network.atom", "/topics/app-system-services.rss", "/threads/1.rss", "/threads/1.atom"} {
		t.Run(path, func(t *testing.T) {
			res, plain := site.do(t, "GET", path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET: %d", res.StatusCode)
			}
			if ce := res.Header.Get("Content-Encoding"); ce != "" {
				t.Errorf("Content-Encoding %q without Accept-Encoding", ce)
			}
			etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
			if len(etag) < 3 || etag[0] != '"' || etag[len(etag)-1] != '"' {
				t.Fatalf("ETag %q, want a quoted strong tag", etag)
			}
			lm, err := http.ParseTime(modified)
			if err != nil {
				t.Fatalf("Last-Modified %q: %v", modified, err)
			}

			for _, c := range []struct {
				name   string
				header []string
				status int
			}{
				{"same tag", []string{"If-None-Match", etag}, 304},
				{"one of several tags", []string{"If-None-Match", `"other", ` + etag}, 304},
				{"other tag", []string{"If-None-Match", `"0000"`}, 200},
				{"not modified since", []string{"If-Modified-Since", modified}, 304},
				{"modified since", []string{"If-Modified-Since", lm.Add(-time.Second).Format(http.TimeFormat)}, 200},
				{"tag wins over date", []string{"If-None-Match", `"0000"`, "If-Modified-Since", modified}, 200},
			} {
				res, body := site.do(t, "GET", path, c.header...)
				if res.StatusCode != c.status {
					t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.status)
				}
				if c.status == 304 && (len(body) != 0 || res.Header.Get("ETag") != etag) {
					t.Errorf("%s: 304 with %d bytes and ETag %q", c.name, len(body), res.Header.Get("ETag"))
				}
				if c.status == 200 && !bytes.Equal(body, plain) {
					t.Errorf("%s: a different body", c.name)
				}
			}

			res, body := site.do(t, "HEAD", path)
			if res.StatusCode != 200 || len(body) != 0 || res.Header.Get("ETag") != etag {
				t.Errorf("HEAD: %d, %d bytes, ETag %q", res.StatusCode, len(body), res.Header.Get("ETag"))
			}

			res, zipped := site.do(t, "GET", path, "Accept-Encoding", "gzip")
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q, want gzip", res.Header.Get("Content-Encoding"))
			}
			if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
				t.Error("compressed response does not Vary on Accept-Encoding")
			}
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			unzipped, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(unzipped, plain) {
				t.Error("the gzip body differs from the plain body")
			}
			gzTag := res.Header.Get("ETag")
			if gzTag == etag {
				t.Error("plain and gzip bodies share one ETag")
			}
			if res, _ := site.do(t, "GET", path, "Accept-Encoding", "gzip", "If-None-Match", gzTag); res.StatusCode != 304 {
				t.Errorf("gzip revalidation: %d, want 304", res.StatusCode)
			}
			for accept, want := range map[string]string{
				"gzip;q=0": "", "gzip; q=0.0": "", "identity": "", "br, deflate": "",
				"br, gzip;q=0.8": "gzip", "GZIP": "gzip", "deflate, gzip": "gzip",
			} {
				if res, _ := site.do(t, "GET", path, "Accept-Encoding", accept); res.Header.Get("Content-Encoding") != want {
					t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, res.Header.Get("Content-Encoding"), want)
				}
			}
		})
	}
}

// TestConditionalGetAfterChange: once a thread changes, the validators a client kept from
// before no longer match, so it gets the new page rather than a stale 304.
func TestConditionalGetAfterChange(t *testing.T) {
	site := oldForum(t)
	ctx := context.Background()
	const replier = 2
	for _, c := range []struct {
		name   string
		change func(th parley.Thread, first parley.Post) error
	}{
		{"edit", func(th parley.Thread, first parley.Post) error {
			body := first.Body + "\n\nUpdate: fixed in the next release."
			_, err := site.Store.EditPost(ctx, parley.PostEdit{PostID: first.ID, EditorID: first.Author.ID, Text: storetest.Text(body)})
			return err
		}},
		{"reply", func(th parley.Thread, first parley.Post) error {
			_, err := site.Store.CreateReply(ctx, parley.NewReply{ThreadID: th.ID, AuthorID: replier, Text: storetest.Text("Same here.")})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A thread of its own per change, that is not locked.
			ids := threadsWhere(t, site, 40, func(th parley.Thread) bool { return !th.Locked })
			id := ids[len(ids)-1]
			if c.name == "edit" {
				id = ids[len(ids)-2]
			}
			th, err := site.Store.Thread(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			paths := []string{fmt.Sprintf("/threads/%d", id), fmt.Sprintf("/threads/%d.rss", id), fmt.Sprintf("/threads/%d.atom", id)}
			if c.name == "reply" {
				// The reply also shows on its author's profile.
				u, err := site.Store.UserByID(ctx, replier)
				if err != nil {
					t.Fatal(err)
				}
				paths = append(paths, "/users/"+u.Handle)
			}
			type validators struct{ etag, modified string }
			before := map[string]validators{}
			for _, p := range paths {
				res, _ := site.do(t, "GET", p)
				before[p] = validators{res.Header.Get("ETag"), res.Header.Get("Last-Modified")}
			}
			posts, err := site.Store.Posts(ctx, id, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.change(th, posts[0]); err != nil {
				t.Fatal(err)
			}
			for _, p := range paths {
				v := before[p]
				if res, _ := site.do(t, "GET", p, "If-None-Match", v.etag); res.StatusCode != http.StatusOK {
					t.Errorf("GET %s If-None-Match old tag: %d, want 200", p, res.StatusCode)
				}
				res, _ := site.do(t, "GET", p, "If-Modified-Since", v.modified)
				if res.StatusCode != http.StatusOK {
					t.Errorf("GET %s If-Modified-Since %s: %d, want 200 (Last-Modified now %s)", p, v.modified, res.StatusCode, res.Header.Get("Last-Modified"))
				}
			}
		})
	}
}

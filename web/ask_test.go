package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
)

// signedIn returns a browser signed in as a new member of site.
func signedIn(t *testing.T, site *testSite, handle string) *browser {
	b := newBrowser(t, site)
	res, _ := b.submit("/signup", map[string]string{"handle": handle, "display_name": "Member " + handle,
		"email": handle + "@example.com", "password": "long enough password"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up as %s: %d", handle, res.StatusCode)
	}
	return b
}

// firstSubtopic is a subtopic of the site's forum, as the composer's select offers it.
func firstSubtopic(t *testing.T, site *testSite) parley.Subtopic {
	topics, err := site.Store.Topics(context.Background())
	if err != nil || len(topics) == 0 || len(topics[0].Subtopics) == 0 {
		t.Fatalf("no subtopic: %v", err)
	}
	return topics[0].Subtopics[0]
}

func threadCount(t *testing.T, site *testSite) int {
	page, err := site.Store.Threads(context.Background(), parley.ListQuery{Sort: parley.SortNewest, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Threads)
}

func TestAskAQuestion(t *testing.T) {
	site := newSite(t, tinyForum)
	if res, _ := newBrowser(t, site).get("/ask"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fask" {
		t.Fatalf("a reader without a session got %d to %q, want 303 to sign in", res.StatusCode, res.Header.Get("Location"))
	}
	b := signedIn(t, site, "asker")
	sub := firstSubtopic(t, site)
	fields := map[string]string{"title": "URLSession <script>alert(1)</script> fails offline", "subtopic": itoa(sub.ID),
		"tags": "network, Foundation", "body": "It fails:\n\n```swift\nlet task = session.dataTask(with: url)\n```\n\n<img src=x onerror=alert(1)>"}

	before := threadCount(t, site)
	fields["action"] = "preview"
	res, doc := b.submit("/ask", fields)
	preview := find(doc, func(n *html.Node) bool { return attr(n, "class") == "preview" })
	if res.StatusCode != http.StatusOK || preview == nil || find(preview, func(n *html.Node) bool { return attr(n, "class") == "chroma" }) == nil {
		t.Fatalf("preview answered %d without a highlighted code block", res.StatusCode)
	}
	if inputValue(doc, "title") != fields["title"] || threadCount(t, site) != before {
		t.Fatal("preview lost the title or posted the question")
	}

	fields["action"] = "post"
	res, _ = b.submit("/ask", fields)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/threads/") {
		t.Fatalf("posting answered %d to %q", res.StatusCode, loc)
	}
	_, doc = b.get(loc)
	if h1 := find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "h1" }); textOf(h1) != fields["title"] {
		t.Errorf("the thread's title reads %q", textOf(h1))
	}
	if find(doc, func(n *html.Node) bool {
		return n.Type == html.ElementNode && n.Data == "script" && attr(n, "type") != "application/ld+json" && attr(n, "src") == ""
	}) != nil {
		t.Error("a script element from the question reached the page")
	}
	if find(doc, func(n *html.Node) bool { return attr(n, "onerror") != "" }) != nil {
		t.Error("an event handler from the question reached the page")
	}
	_, tagPage := newBrowser(t, site).get("/tags/foundation?sort=newest")
	if first := find(tagPage, func(n *html.Node) bool { return attr(n, "class") == "thread-title" }); !strings.Contains(textOf(first), "URLSession") {
		t.Errorf("the new question is not first on its tag's newest list: %q", textOf(first))
	}
}

func TestAskShowsEveryProblemAndKeepsWhatWasTyped(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "asker")
	before := threadCount(t, site)
	fields := map[string]string{"title": "Help", "subtopic": "", "tags": "network, no-such-tag", "body": "  ", "action": "post"}
	res, doc := b.submit("/ask", fields)
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", res.StatusCode)
	}
	for _, field := range []string{"title", "subtopic", "tags", "body"} {
		if fieldError(doc, field) == "" {
			t.Errorf("no message beside %s", field)
		}
	}
	if inputValue(doc, "title") != "Help" || inputValue(doc, "tags") != "network, no-such-tag" {
		t.Error("the form did not keep what was typed")
	}
	if threadCount(t, site) != before {
		t.Error("a refused question was written")
	}
	delete(fields, "csrf")
	res, _ = b.post("/ask", urlValues(fields))
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a post without its form token answered %d, want 403", res.StatusCode)
	}
}

func TestReplies(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	th, err := site.Store.Thread(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	path := "/threads/3"
	if res, _ := newBrowser(t, site).post(path+"/replies", urlValues(map[string]string{"body": "drive-by"})); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("a reply without a session answered %d to %q, want a redirect to sign in", res.StatusCode, res.Header.Get("Location"))
	}

	b := signedIn(t, site, "replier")
	res, doc := b.submitTo(path, path+"/replies", map[string]string{"body": "   "})
	if res.StatusCode != http.StatusBadRequest || textOf(find(doc, func(n *html.Node) bool { return attr(n, "id") == "reply-error" })) == "" {
		t.Errorf("an empty reply answered %d without a message", res.StatusCode)
	}
	res, _ = b.submitTo(path, path+"/replies", map[string]string{"body": "Try `URLSessionConfiguration.waitsForConnectivity`."})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "#post-") {
		t.Fatalf("replying answered %d to %q", res.StatusCode, loc)
	}
	after, err := site.Store.Thread(ctx, 3)
	if err != nil || after.ReplyCount != th.ReplyCount+1 {
		t.Fatalf("reply count %d, want %d (%v)", after.ReplyCount, th.ReplyCount+1, err)
	}
	_, doc = b.get(loc[:strings.Index(loc, "#")])
	id := loc[strings.Index(loc, "#")+1:]
	post := find(doc, func(n *html.Node) bool { return attr(n, "id") == id })
	if post == nil || !strings.Contains(textOf(post), "waitsForConnectivity") || !strings.Contains(textOf(post), "Member replier") {
		t.Error("the new reply is not on the page it was sent to")
	}

	if err := site.Store.SetLocked(ctx, 3, true, parley.Audit{ActorID: th.Author.ID}); err != nil {
		t.Fatal(err)
	}
	_, doc = b.get(path)
	if find(doc, func(n *html.Node) bool { return attr(n, "id") == "reply-body" }) != nil {
		t.Error("a locked thread still offers the reply form")
	}
	typed := "One more thing"
	res, doc = b.post(path+"/replies", urlValues(map[string]string{"body": typed, "csrf": csrfOf(t, b)}))
	if res.StatusCode != http.StatusConflict || !strings.Contains(textOf(find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "main" })), "locked") {
		t.Errorf("a reply to a locked thread answered %d without saying it is locked", res.StatusCode)
	}
	if got, _ := site.Store.Thread(ctx, 3); got.ReplyCount != after.ReplyCount {
		t.Error("a locked thread took a reply")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func urlValues(m map[string]string) url.Values {
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return v
}

// csrfOf returns the form token the browser holds.
func csrfOf(t *testing.T, b *browser) string {
	for _, c := range b.c.Jar.Cookies(mustURL(t, b.site.URL)) {
		if c.Name == "parley_csrf" {
			return c.Value
		}
	}
	t.Fatal("the browser holds no form token")
	return ""
}

func TestQuoteStartsAReply(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "quoter")
	posts, err := site.Store.Posts(context.Background(), 2, 0, 2)
	if err != nil || len(posts) == 0 {
		t.Fatalf("posts of thread 2: %v", err)
	}
	_, doc := b.get("/threads/2?quote=" + itoa(posts[0].ID))
	body := textOf(find(doc, func(n *html.Node) bool { return attr(n, "id") == "reply-body" }))
	firstLine := strings.SplitN(posts[0].Body, "\n", 2)[0]
	if !strings.HasPrefix(body, "@"+posts[0].Author.Handle+" wrote:") || !strings.Contains(body, "> "+firstLine) {
		t.Errorf("the reply form starts with %q, want the quoted post", body)
	}
	if res, _ := b.get("/threads/3?quote=" + itoa(posts[0].ID)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("quoting a post of another thread answered %d, want 400", res.StatusCode)
	}
}

func TestFormsRefuseOtherContentTypes(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "typist")
	for _, path := range []string{"/ask", "/signup", "/threads/2/replies"} {
		req, _ := http.NewRequest(http.MethodPost, site.URL+path, strings.NewReader(`{"title":"json"}`))
		req.Header.Set("Content-Type", "application/json")
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("POST %s as JSON answered %d, want 415", path, res.StatusCode)
		}
	}
}

func TestComposerSuggestsSimilarThreads(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	th, err := site.Store.Thread(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	b := signedIn(t, site, "asker")
	// Without JavaScript: Preview lists the threads like the title typed.
	_, doc := b.submit("/ask", map[string]string{"title": th.Title, "action": "preview", "body": "x", "tags": "network", "subtopic": itoa(th.SubtopicID)})
	similar := find(doc, func(n *html.Node) bool { return attr(n, "id") == "similar" })
	if similar == nil || find(similar, func(n *html.Node) bool { return attr(n, "href") == threadPath(th.ID) }) == nil {
		t.Errorf("preview does not suggest thread %d titled %q", th.ID, th.Title)
	}
	// With JavaScript: the fragment the composer fetches as the title is typed.
	res, body := site.get(t, "/ask/similar?title="+url.QueryEscape(th.Title))
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `href="`+threadPath(th.ID)+`"`) {
		t.Errorf("the fragment (%d) does not suggest thread %d: %s", res.StatusCode, th.ID, body)
	}
	if res, body := site.get(t, "/ask/similar?title="); res.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "" {
		t.Errorf("an empty title suggests something: %d %q", res.StatusCode, body)
	}
}

func TestNewAccountsMayPostFewLinks(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{NewAccountPeriod: 24 * time.Hour, NewAccountLinks: 2})
	b := signedIn(t, site, "newbie")
	spam := "Cheap keys: https://a.example https://b.example https://c.example"
	res, doc := b.submitTo(threadPath(2), threadPath(2)+"/replies", map[string]string{"body": spam})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(textOf(find(doc, func(n *html.Node) bool { return attr(n, "id") == "reply-error" })), "links") {
		t.Errorf("three links from a new account answered %d without saying why", res.StatusCode)
	}
	if textOf(find(doc, func(n *html.Node) bool { return attr(n, "id") == "reply-body" })) != spam {
		t.Error("the refused reply was not kept in the form")
	}
	res, _ = b.submitTo(threadPath(2), threadPath(2)+"/replies", map[string]string{"body": "See https://developer.example/doc and @someone"})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("one link from a new account answered %d, want it posted", res.StatusCode)
	}
}

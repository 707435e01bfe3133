package web_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
)

// sseEvent is one Server-Sent Event as a browser's EventSource parses it.
type sseEvent struct{ id, event, data string }

// sseStream reads one event stream.
type sseStream struct {
	t      *testing.T
	lines  *bufio.Scanner
	cancel context.CancelFunc
}

// openStream connects to path, resuming after lastID when it is not empty. The connection
// has a deadline, so a stream that never sends what a test waits for fails the test.
func openStream(t *testing.T, c *http.Client, base, path, lastID string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := c.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("%s answered %d %q", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &sseStream{t: t, lines: bufio.NewScanner(res.Body), cancel: cancel}
	s.lines.Buffer(make([]byte, 1<<20), 1<<20)
	t.Cleanup(s.close)
	return s
}

func (s *sseStream) close() { s.cancel() }

// next returns the next event that carries an id, skipping comments and the retry field.
func (s *sseStream) next() sseEvent {
	s.t.Helper()
	var e sseEvent
	for s.lines.Scan() {
		line := s.lines.Text()
		field, value, _ := strings.Cut(line, ": ")
		switch {
		case line == "":
			if e.id != "" {
				return e
			}
		case field == "id":
			e.id = value
		case field == "event":
			e.event = value
		case field == "data":
			if e.data != "" {
				e.data += "\n"
			}
			e.data += value
		}
	}
	s.t.Fatalf("the stream ended before the next event: %v", s.lines.Err())
	return e
}

func TestThreadPageStreamsNewReplies(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	replier, _ := signedInWithRole(t, site, "replier", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, op := askAs(t, site, asker, "Why is my socket closed after sleep?")
	reader := newBrowser(t, site)
	live := threadPath(th.ID) + "/live?after=" + itoa(op.ID)

	stream := openStream(t, reader.c, site.URL, live, "")
	first := replyIn(t, site, replier, th.ID, "Keep a strong reference to the connection.")
	e := stream.next()
	if e.event != "reply" || e.id != itoa(first.ID) || !strings.Contains(e.data, `id="post-`+itoa(first.ID)+`"`) ||
		!strings.Contains(e.data, "strong reference") {
		t.Fatalf("the stream sent %+v, want the new reply", e)
	}
	stream.close()

	// While the reader is away: a reply, and a reply a moderator hides. Coming back with the
	// last id it had, the reader gets the first and never the hidden one.
	second := replyIn(t, site, replier, th.ID, "Or use URLSession's background configuration.")
	hidden := replyIn(t, site, replier, th.ID, "Buy followers cheap")
	mod.submitTo(threadPath(th.ID), "/posts/"+itoa(hidden.ID)+"/hide", nil)
	stream = openStream(t, reader.c, site.URL, threadPath(th.ID)+"/live", e.id)
	if e := stream.next(); e.id != itoa(second.ID) {
		t.Fatalf("after reconnecting the stream sent %+v, want reply %d", e, second.ID)
	}
	third := replyIn(t, site, replier, th.ID, "Thanks, that was it.")
	if e := stream.next(); e.id != itoa(third.ID) {
		t.Errorf("the stream sent %+v, want reply %d and never the hidden %d", e, third.ID, hidden.ID)
	}
}

func TestListPageStreamsNewThreads(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	network, err := site.Store.TagBySlug(context.Background(), "network")
	if err != nil {
		t.Fatal(err)
	}
	reader := newBrowser(t, site)
	_, doc := reader.get("/tags/network")
	live := attr(find(doc, func(n *html.Node) bool { return attr(n, "data-live-list") != "" }), "data-live-list")
	if live != "/live?list=tag:"+itoa(network.ID) {
		t.Fatalf("the tag page follows %q", live)
	}
	stream := openStream(t, reader.c, site.URL, live, "")
	start := stream.next() // the list's newest thread so far, for reconnecting
	if start.event != "" {
		t.Fatalf("the stream began with %+v, want only where it starts", start)
	}
	th, _ := askAs(t, site, asker, "Does NWPathMonitor see VPN interfaces?")
	if e := stream.next(); e.event != "thread" || e.id != itoa(th.ID) || e.data != th.Title {
		t.Fatalf("the stream sent %+v, want the new thread", e)
	}
	stream.close()
	missed, _ := askAs(t, site, asker, "How do I read the current SSID on macOS?")
	stream = openStream(t, reader.c, site.URL, live, itoa(th.ID))
	if e := stream.next(); e.id != itoa(missed.ID) {
		t.Errorf("after reconnecting the stream sent %+v, want the thread asked meanwhile", e)
	}
	if res, _ := reader.get("/live?list=nonsense"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("following an unknown list answered %d, want 400", res.StatusCode)
	}
}

// clientFrom is an HTTP client whose connections come from ip, one of loopback's many
// addresses, so that a test can be several readers at once.
func clientFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: dialer.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// refusedStream asks for a stream that must be refused with status, and checks that the
// refusal says when to come back and why.
func refusedStream(t *testing.T, c *http.Client, url string, status int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends a stream that was wrongly let open
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body []byte
	if res.StatusCode != http.StatusOK {
		body, _ = io.ReadAll(res.Body)
	}
	if res.StatusCode != status || res.Header.Get("Retry-After") == "" ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") || !strings.Contains(string(body), "try again later") {
		t.Errorf("GET %s answered %d, Retry-After %q, %q: %q; want %d with Retry-After and a reason",
			url, res.StatusCode, res.Header.Get("Retry-After"), res.Header.Get("Content-Type"), body, status)
	}
}

func TestLiveStreamsAreCapped(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{LiveStreamsPerAddress: 3, LiveStreams: 5})
	here, there, elsewhere := clientFrom(t, "127.0.0.1"), clientFrom(t, "127.0.0.2"), clientFrom(t, "127.0.0.3")
	paths := []string{"/live?list=all", threadPath(1) + "/live"}

	var mine []*sseStream
	for i := range 3 {
		mine = append(mine, openStream(t, here, site.URL, paths[i%2], ""))
	}
	refusedStream(t, here, site.URL+paths[0], http.StatusTooManyRequests)
	refusedStream(t, here, site.URL+paths[1], http.StatusTooManyRequests)
	// Another address still gets its streams, up to what the node takes in all.
	openStream(t, there, site.URL, paths[0], "")
	openStream(t, there, site.URL, paths[1], "")
	refusedStream(t, elsewhere, site.URL+paths[0], http.StatusServiceUnavailable)

	// A stream closed gives its slot back, to its own address first of all.
	mine[0].close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := site.Server.WaitForStreams(ctx, 4); err != nil {
		t.Fatalf("the closed stream was still counted: %v", err)
	}
	openStream(t, here, site.URL, paths[0], "")
	refusedStream(t, elsewhere, site.URL+paths[1], http.StatusServiceUnavailable)
}

// TestLiveRepliesInTheBrowser opens a thread in Chromium, posts a reply from elsewhere and
// waits for the page to show it and to announce it to screen readers.
func TestLiveRepliesInTheBrowser(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	replier, _ := signedInWithRole(t, site, "replier", parley.RoleMember)
	th, _ := askAs(t, site, asker, "Why does my tunnel provider stop on wake?")
	tab := newTab(t)
	loadPage(t, tab, site.URL+threadPath(th.ID))
	reply := replyIn(t, site, replier, th.ID, "Check the on-demand rules.")
	if got := text(t, tab, "#post-"+itoa(reply.ID)+" .post-body"); got != "Check the on-demand rules." {
		t.Errorf("the live reply shows %q", got)
	}
	// The announcement is made as the reply is added, so it is there once the reply shows.
	status, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById("live-status").textContent`))
	if err != nil || !strings.Contains(status, "Reply by User replier") {
		t.Errorf("the page announced %q (%v)", status, err)
	}
}

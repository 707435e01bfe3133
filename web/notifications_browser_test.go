package web_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/email"
	"github.com/parley-forum/parley/email/emailtest"
	"github.com/parley-forum/parley/events"
	"github.com/parley-forum/parley/notify"
)

// runWorker fans notifications out behind site as serve does, until the test ends.
func runWorker(t *testing.T, site *testSite) {
	w := notify.New(site.Store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	site.Store.(interface {
		OnChange(func(context.Context, events.Event))
	}).OnChange(w.Changed)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx, time.Minute); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// runSender sends the site's email to a local SMTP server, as serve does with
// --smtp-url, until the test ends.
func runSender(t *testing.T, site *testSite) *emailtest.Server {
	smtp := emailtest.Start(t)
	server, err := email.ParseURL(smtp.URL)
	if err != nil {
		t.Fatal(err)
	}
	s := email.New(site.Store, server, email.Site{Name: "Parley", BaseURL: mustURL(t, site.URL),
		From: &mail.Address{Name: "Parley", Address: "forum@example.com"}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	site.Store.(interface {
		OnChange(func(context.Context, events.Event))
	}).OnChange(s.Changed)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx, time.Minute); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return smtp
}

// TestUnreadCountUpdatesLive: member A watches a tag with the page's button, member B asks
// in it, and A's header shows the new notification without a reload; then A's email of
// it arrives, and its link opens the thread.
func TestUnreadCountUpdatesLive(t *testing.T) {
	site := newSite(t, tinyForum)
	runWorker(t, site)
	smtp := runSender(t, site)
	a, _ := signedInWithRole(t, site, "watcher", parley.RoleMember)
	b, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	tab := newTab(t)
	for _, c := range a.c.Jar.Cookies(mustURL(t, site.URL)) {
		if _, err := chromedp.Call(tab, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: site.URL}); err != nil {
			t.Fatalf("set cookie %s: %v", c.Name, err)
		}
	}
	loadPage(t, tab, site.URL+"/tags/network")
	waitForPage(t, tab, "watch the tag", chromedp.Click(chromedp.CSS(`.watch-control button[value="watch"]`), chromedp.NodeVisible))
	if got := text(t, tab, `.watch-control[data-level="watch"] button`); !strings.Contains(got, "Watching this tag") {
		t.Fatalf("after clicking Watch the page says %q", got)
	}
	// The stream has said 0 once it is open: from then on, what it says is news.
	if err := chromedp.Do(tab, chromedp.WaitReady(chromedp.CSS(`#unread-count[data-count="0"]`))); err != nil {
		t.Fatalf("the unread count never followed its stream: %v", err)
	}
	askAs(t, site, b, "Why does my socket close when the app sleeps?")
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`#unread-count[data-count="1"]`))); err != nil {
		t.Fatalf("the unread count did not show the new thread: %v", err)
	}
	if got := text(t, tab, "#unread-count"); !strings.HasPrefix(got, "1") {
		t.Errorf("the header's count reads %q, want 1", got)
	}

	got := smtp.Wait(t, 1, 30*time.Second)
	if len(got[0].To) != 1 || got[0].To[0] != "watcher@example.com" {
		t.Fatalf("the email went to %v, want the watcher", got[0].To)
	}
	m := emailtest.MustParse(t, got[0])
	link := regexp.MustCompile(`href="([^"]+)"`).FindStringSubmatch(m.HTML)
	if link == nil || !strings.HasPrefix(link[1], site.URL+"/threads/") {
		t.Fatalf("the email's HTML has no link to the thread:\n%s", m.HTML)
	}
	loadPage(t, tab, html.UnescapeString(link[1]))
	if got := text(t, tab, "h1"); got != "Why does my socket close when the app sleeps?" {
		t.Errorf("the email's link opens a page titled %q", got)
	}
}

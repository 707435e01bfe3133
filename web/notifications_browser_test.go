package web_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	parley "github.com/parley-forum/parley"
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

// TestUnreadCountUpdatesLive: member A watches a tag with the page's button, member B asks
// in it, and A's header shows the new notification without a reload.
func TestUnreadCountUpdatesLive(t *testing.T) {
	site := newSite(t, tinyForum)
	runWorker(t, site)
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
}

package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"golang.org/x/net/html"
)

// fanOut does the notification jobs, as serve's worker does after each write.
func fanOut(t *testing.T, site *testSite) {
	t.Helper()
	for {
		n, err := site.Store.FanOut(context.Background(), 50)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// unreadBadge reads the header's unread count on a page: its number, and whether it shows.
func unreadBadge(t *testing.T, doc *html.Node) (string, bool) {
	t.Helper()
	badge := byID(doc, "unread-count")
	if badge == nil {
		t.Fatal("the header has no unread count")
	}
	return strings.TrimSuffix(textOf(badge), " unread"), !hasAttr(0, "hidden")(badge)
}

// watchButton finds the watch form's button that sets level.
func watchButton(doc *html.Node, level parley.WatchLevel) *html.Node {
	form := find(doc, func(n *html.Node) bool {
		return n.Type == html.ElementNode && n.Data == "form" && attr(n, "action") == "/watch"
	})
	if form == nil {
		return nil
	}
	return find(form, func(n *html.Node) bool {
		return n.Type == html.ElementNode && n.Data == "button" && attr(n, "value") == string(level)
	})
}

// TestWatchTagWithoutScript watches a tag with the page's plain form, hears of a thread
// another member asks in it, reads the notification and marks it read.
func TestWatchTagWithoutScript(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	watcher, me := signedInWithRole(t, site, "watcher", parley.RoleMember)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)

	if res, doc := newBrowser(t, site).get("/tags/network"); res.StatusCode != http.StatusOK || watchButton(doc, parley.WatchOn) != nil {
		t.Errorf("a reader without a session sees watch buttons (%d)", res.StatusCode)
	}
	_, doc := watcher.get("/tags/network")
	if watchButton(doc, parley.WatchOn) == nil || watchButton(doc, parley.WatchMuted) == nil {
		t.Fatal("the tag page has no Watch and Mute buttons")
	}
	if n, shown := unreadBadge(t, doc); n != "0" || shown {
		t.Errorf("the badge says %q (shown %v) before anything happened, want 0, hidden", n, shown)
	}
	res, _ := watcher.submitTo("/tags/network", "/watch", map[string]string{"level": "watch"})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tags/network" {
		t.Fatalf("watching: %d to %q, want 303 back to the tag", res.StatusCode, res.Header.Get("Location"))
	}
	_, doc = watcher.get("/tags/network")
	form := find(doc, withAttr(0, "action", "/watch"))
	if b := watchButton(doc, parley.WatchNone); b == nil || attr(form, "data-level") != "watch" || !strings.Contains(textOf(b), "Watching") {
		t.Errorf("after watching, the page does not say so")
	}
	tag, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	if lvl, _ := site.Store.WatchLevel(ctx, me.ID, parley.Watch{Kind: parley.WatchTag, TargetID: tag.ID}); lvl != parley.WatchOn {
		t.Errorf("the store holds level %q, want watch", lvl)
	}

	th, q := askAs(t, site, asker, "Why does my socket close after a minute?")
	fanOut(t, site)
	_, doc = watcher.get("/")
	if n, shown := unreadBadge(t, doc); n != "1" || !shown {
		t.Errorf("the badge says %q (shown %v), want 1", n, shown)
	}
	_, doc = watcher.get("/notifications")
	items := findAll(doc, func(n *html.Node) bool {
		return n.Type == html.ElementNode && n.Data == "li" && hasClass(n, "notification")
	})
	if len(items) != 1 || !hasClass(items[0], "unread") {
		t.Fatalf("the notifications page lists %d, want 1 unread", len(items))
	}
	link := find(items[0], withAttr(0, "href", threadPath(th.ID)+"#post-"+itoa(q.ID)))
	if link == nil || !strings.Contains(textOf(link), "asked “Why does my socket close after a minute?”") {
		t.Errorf("the notification reads %q, want a link to the question saying who asked it", textOf(items[0]))
	}
	id := strings.TrimPrefix(attr(items[0], "id"), "notification-")
	res, _ = watcher.submitTo("/notifications", "/notifications/"+id+"/read", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark read: %d", res.StatusCode)
	}
	_, doc = watcher.get("/notifications")
	if item := byID(doc, "notification-"+id); item == nil || hasClass(item, "unread") {
		t.Errorf("the notification is still unread, or gone")
	}
	if n, shown := unreadBadge(t, doc); n != "0" || shown {
		t.Errorf("after marking read the badge says %q (shown %v)", n, shown)
	}
}

// TestMarkAllRead marks every notification read from the page's button.
func TestMarkAllRead(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, me := signedInWithRole(t, site, "asker", parley.RoleMember)
	answerer, _ := signedInWithRole(t, site, "answerer", parley.RoleMember)
	th, _ := askAs(t, site, asker, "Why does my download stall at 99 percent?")
	replyIn(t, site, answerer, th.ID, "Check the proxy.")
	replyIn(t, site, answerer, th.ID, "Or the cache, @asker.")
	fanOut(t, site)
	_, doc := asker.get("/notifications")
	if n, _ := unreadBadge(t, doc); n != "2" {
		t.Fatalf("the asker has %s unread, want 2 (a reply and a mention)", n)
	}
	if !strings.Contains(textOf(doc), "mentioned you in") {
		t.Errorf("the page does not tell of the mention: %q", textOf(find(doc, withAttr(0, "class", "notifications"))))
	}
	res, _ := asker.submitTo("/notifications", "/notifications/read", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark all read: %d", res.StatusCode)
	}
	_, doc = asker.get("/notifications")
	if n, shown := unreadBadge(t, doc); n != "0" || shown {
		t.Errorf("after marking all read the badge says %q (shown %v)", n, shown)
	}
	if unread := findAll(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && hasClass(n, "unread") }); len(unread) != 0 {
		t.Errorf("%d notifications still marked unread", len(unread))
	}
	// Marking another member's notification read is not found.
	ns, err := site.Store.Notifications(context.Background(), me.ID, 0, 10)
	if err != nil || len(ns) == 0 {
		t.Fatalf("notifications: %v", err)
	}
	_, doc = answerer.get("/account/notifications") // a form, for the token
	token := attr(find(doc, withAttr(0, "name", "csrf")), "value")
	res, _ = answerer.post("/notifications/"+itoa(ns[0].ID)+"/read", urlValues(map[string]string{"csrf": token}))
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("marking another member's notification read: %d, want 404", res.StatusCode)
	}
}

// TestWatchOwnSetting turns off watching what one writes, from the settings page.
func TestWatchOwnSetting(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, me := signedInWithRole(t, site, "asker", parley.RoleMember)
	_, doc := asker.get("/account/notifications")
	box := find(doc, withAttr(0, "name", "watch_own"))
	if box == nil {
		t.Fatal("the settings page has no watch_own box")
	}
	if !hasAttr(0, "checked")(box) {
		t.Errorf("watching what one writes is off by default")
	}
	res, _ := asker.submit("/account/notifications", nil) // the box left unticked
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving settings: %d", res.StatusCode)
	}
	_, doc = asker.get("/account/notifications")
	if hasAttr(0, "checked")(find(doc, withAttr(0, "name", "watch_own"))) {
		t.Errorf("the setting did not stay off")
	}
	th, _ := askAs(t, site, asker, "Why does my timer fire twice?")
	lvl, err := site.Store.WatchLevel(context.Background(), me.ID, parley.Watch{Kind: parley.WatchThread, TargetID: th.ID})
	if err != nil || lvl != parley.WatchNone {
		t.Errorf("asking with the setting off watches the thread: %q, %v", lvl, err)
	}
	_, doc = asker.get(threadPath(th.ID))
	if watchButton(doc, parley.WatchOn) == nil {
		t.Errorf("the thread page offers no Watch button")
	}
}

// TestUnreadCountStream reads the header's stream as a script does: the count at once,
// then again as a watched thread is answered and as the member reads.
func TestUnreadCountStream(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, me := signedInWithRole(t, site, "asker", parley.RoleMember)
	answerer, _ := signedInWithRole(t, site, "answerer", parley.RoleMember)
	th, _ := askAs(t, site, asker, "Why does my widget not refresh?")
	fanOut(t, site)
	st := openStream(t, asker.c, site.URL, "/notifications/live", "")
	if e := st.next(); e.event != "notifications" || e.data != "0" {
		t.Fatalf("the stream starts with %+v, want the count 0", e)
	}
	replyIn(t, site, answerer, th.ID, "Reload the timeline.")
	fanOut(t, site)
	if e := st.next(); e.data != "1" {
		t.Errorf("after a reply the stream says %q, want 1", e.data)
	}
	if err := site.Store.MarkNotificationsRead(context.Background(), me.ID, 0); err != nil {
		t.Fatal(err)
	}
	if e := st.next(); e.data != "0" {
		t.Errorf("after reading the stream says %q, want 0", e.data)
	}
	if res, _ := newBrowser(t, site).get("/notifications/live"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the stream without a session: %d, want 303 to sign in", res.StatusCode)
	}
}

// TestModeratorActionNotified: a reply's author hears that a moderator hid it, and the
// notification stays on their page though the reply is out of view.
func TestModeratorActionNotified(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	replier, _ := signedInWithRole(t, site, "replier", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, _ := askAs(t, site, asker, "Why does my keychain item vanish?")
	p := replyIn(t, site, replier, th.ID, "Buy cheap watches today")
	res, _ := mod.post("/posts/"+itoa(p.ID)+"/hide", urlValues(map[string]string{"csrf": csrfOf(t, mod), "on": "1", "reason": "spam"}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hide: %d", res.StatusCode)
	}
	fanOut(t, site)
	_, doc := replier.get("/notifications")
	if got := textOf(find(doc, sel(0, "notifications"))); !strings.Contains(got, "A moderator hid your reply in “Why does my keychain item vanish?”") {
		t.Errorf("the replier's notifications read %q", got)
	}
	_, doc = asker.get("/notifications")
	if find(doc, sel(0, "notification")) != nil {
		t.Errorf("the asker is told of a reply that was hidden before anyone was told")
	}
}

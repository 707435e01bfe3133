package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
)

// byID finds the element with an id.
func byID(doc *html.Node, id string) *html.Node {
	return find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") == id })
}

// replyIn posts a reply through the thread page's form and returns it.
func replyIn(t *testing.T, site *testSite, b *browser, threadID int64, body string) parley.Post {
	t.Helper()
	res, _ := b.submitTo(threadPath(threadID), threadPath(threadID)+"/replies", map[string]string{"body": body})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", res.StatusCode)
	}
	posts, err := site.Store.Posts(context.Background(), threadID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return posts[len(posts)-1]
}

func TestFlagQueueAndHiding(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	spammer, _ := signedInWithRole(t, site, "spammer", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, _ := askAs(t, site, asker, "Why does my VPN tunnel drop on sleep?")
	spam := replyIn(t, site, spammer, th.ID, "Buy cheap watches today")
	flag := "/posts/" + itoa(spam.ID) + "/flag"

	if res, _ := spammer.get(flag); res.StatusCode != http.StatusForbidden {
		t.Errorf("flagging one's own post: %d, want 403", res.StatusCode)
	}
	res, doc := asker.submit(flag, map[string]string{"reason": "other", "note": ""})
	if res.StatusCode != http.StatusBadRequest || fieldError(doc, "note") == "" {
		t.Errorf("a flag for “something else” without a note: %d, error %q", res.StatusCode, fieldError(doc, "note"))
	}
	res, doc = asker.submit(flag, map[string]string{"reason": "spam", "note": "selling watches"})
	if res.StatusCode != http.StatusOK || !strings.Contains(textOf(doc), "A moderator will look") {
		t.Fatalf("flagging: %d", res.StatusCode)
	}
	res, doc = asker.submit(flag, map[string]string{"reason": "spam"})
	if res.StatusCode != http.StatusConflict || !strings.Contains(textOf(doc), "flagged this post already") {
		t.Errorf("flagging twice: %d", res.StatusCode)
	}

	if res, _ := asker.get("/moderation"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a member opening the queue: %d, want 403", res.StatusCode)
	}
	_, doc = mod.get("/moderation")
	entry := byID(doc, "flagged-"+itoa(spam.ID))
	if entry == nil || !strings.Contains(textOf(entry), "selling watches") || !strings.Contains(textOf(entry), "@asker") {
		t.Fatal("the queue does not show the flagged reply with its reason and reporter")
	}
	res, _ = mod.submitTo("/moderation", "/posts/"+itoa(spam.ID)+"/hide", map[string]string{"reason": "Spam"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hiding from the queue: %d", res.StatusCode)
	}
	if _, doc = mod.get("/moderation"); byID(doc, "flagged-"+itoa(spam.ID)) != nil {
		t.Error("a hidden post's flags stay in the queue")
	}

	_, doc = newBrowser(t, site).get(threadPath(th.ID))
	if byID(doc, "post-"+itoa(spam.ID)) != nil || strings.Contains(textOf(doc), "cheap watches") {
		t.Error("readers still see the hidden reply")
	}
	if got, _ := site.Store.Thread(ctx, th.ID); got.ReplyCount != 0 {
		t.Errorf("reply count %d after hiding the only reply", got.ReplyCount)
	}
	_, doc = mod.get(threadPath(th.ID))
	post := byID(doc, "post-"+itoa(spam.ID))
	if post == nil || !strings.Contains(textOf(post), "Hidden by a moderator") {
		t.Fatal("moderators should see the hidden reply, marked")
	}
	res, _ = mod.submitTo(threadPath(th.ID), "/posts/"+itoa(spam.ID)+"/hide", nil)
	if p, _ := site.Store.Post(ctx, spam.ID); res.StatusCode != http.StatusSeeOther || p.Hidden {
		t.Errorf("restoring: %d, hidden %v", res.StatusCode, p.Hidden)
	}

	_, doc = mod.get("/moderation/log")
	log := textOf(find(doc, func(n *html.Node) bool { return attr(n, "class") == "modlog" }))
	for _, want := range []string{"hide post", "restore post", "@moddy", "Spam"} {
		if !strings.Contains(log, want) {
			t.Errorf("the moderation log lacks %q: %s", want, log)
		}
	}
}

func TestDeletedThreadsLeaveListsAndFeeds(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	title := "A duplicate question about URLSession"
	th, _ := askAs(t, site, asker, title)
	reader := newBrowser(t, site)

	res, _ := mod.submitTo(threadPath(th.ID), threadPath(th.ID)+"/delete", map[string]string{"reason": "Duplicate"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deleting: %d", res.StatusCode)
	}
	for _, path := range []string{threadPath(th.ID), threadPath(th.ID) + ".rss"} {
		if res, _ := reader.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s after deletion: %d, want 404", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/tags/network", "/threads", "/tags/network.atom"} {
		if _, body := site.get(t, path); strings.Contains(string(body), title) {
			t.Errorf("%s still lists the deleted thread", path)
		}
	}
	res, doc := mod.get(threadPath(th.ID))
	if res.StatusCode != http.StatusOK || !strings.Contains(textOf(doc), "A moderator deleted this thread") {
		t.Fatalf("a moderator reading the deleted thread: %d", res.StatusCode)
	}
	mod.submitTo(threadPath(th.ID), threadPath(th.ID)+"/delete", nil)
	if _, body := site.get(t, "/tags/network"); !strings.Contains(string(body), title) {
		t.Error("the restored thread is not back in its tag's list")
	}
}

func TestLockMoveRetagFromThePanel(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, _ := askAs(t, site, asker, "Where do I ask about Xcode signing?")
	page := threadPath(th.ID)

	if _, doc := asker.get(page); find(doc, func(n *html.Node) bool { return attr(n, "class") == "moderate" }) != nil {
		t.Error("members are shown the moderation panel")
	}
	mod.submitTo(page, page+"/lock", map[string]string{"reason": "Answered elsewhere"})
	if _, doc := asker.get(page); byID(doc, "reply-body") != nil {
		t.Error("a thread locked from the panel still offers the reply form")
	}

	topics, err := site.Store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dest := topics[len(topics)-1].Subtopics[0]
	mod.submitTo(page, page+"/move", map[string]string{"subtopic": itoa(dest.ID)})
	tags, err := site.Store.Tags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := tags[len(tags)-1]
	mod.submitTo(page, page+"/retag", map[string]string{"tags": other.Name})
	got, err := site.Store.Thread(ctx, th.ID)
	if err != nil || got.SubtopicID != dest.ID || len(got.Tags) != 1 || got.Tags[0].Slug != other.Slug || !got.Locked {
		t.Errorf("after lock, move and retag: %+v (%v)", got, err)
	}
	res, doc := mod.submitTo(page, page+"/retag", map[string]string{"tags": "no-such-tag"})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(textOf(doc), "There is no tag") {
		t.Errorf("retagging with an unknown tag: %d", res.StatusCode)
	}
}

func TestSuspendedUsersCannotPost(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	troll, _ := signedInWithRole(t, site, "troll", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	signedInWithRole(t, site, "quinn", parley.RoleStaff)
	th, _ := askAs(t, site, asker, "How do I read the Wi-Fi SSID?")

	if res, _ := mod.post("/users/quinn/suspend", urlValues(map[string]string{"csrf": csrfOf(t, mod), "days": "3"})); res.StatusCode != http.StatusForbidden {
		t.Errorf("a moderator suspending staff: %d, want 403", res.StatusCode)
	}
	res, doc := mod.submitTo("/users/troll", "/users/troll/suspend", map[string]string{"days": "-2"})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(textOf(doc), "whole days") {
		t.Errorf("a negative suspension: %d", res.StatusCode)
	}
	if res, _ := mod.submitTo("/users/troll", "/users/troll/suspend", map[string]string{"days": "3", "reason": "Abuse"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("suspending: %d", res.StatusCode)
	}
	res, doc = troll.submitTo(threadPath(th.ID), threadPath(th.ID)+"/replies", map[string]string{"body": "I am back"})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(textOf(doc), "suspended until") {
		t.Errorf("a suspended user replying: %d", res.StatusCode)
	}
	res, _ = mod.post("/users/troll/suspend", urlValues(map[string]string{"csrf": csrfOf(t, mod), "days": "0", "reason": "Appeal"}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("lifting: %d", res.StatusCode)
	}
	if res, _ := troll.submitTo(threadPath(th.ID), threadPath(th.ID)+"/replies", map[string]string{"body": "Sorry about that"}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("replying after the suspension was lifted: %d", res.StatusCode)
	}
}

func TestAdminManagesTagsAndUsers(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	admin, _ := signedInWithRole(t, site, "root", parley.RoleAdmin)
	signedInWithRole(t, site, "eskimo", parley.RoleMember)

	res, doc := admin.submit("/admin/tags/new", map[string]string{"slug": "Not A Slug", "name": "Wi-Fi Aware", "description": "Peer-to-peer Wi-Fi"})
	if res.StatusCode != http.StatusBadRequest || fieldError(doc, "slug") == "" || inputValue(doc, "name") != "Wi-Fi Aware" {
		t.Errorf("a bad tag address: %d, error %q, name kept %q", res.StatusCode, fieldError(doc, "slug"), inputValue(doc, "name"))
	}
	if res, _ := admin.submit("/admin/tags/new", map[string]string{"slug": "wi-fi-aware", "name": "Wi-Fi Aware"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("creating a tag: %d", res.StatusCode)
	}
	if res, _ := site.get(t, "/tags/wi-fi-aware"); res.StatusCode != http.StatusOK {
		t.Errorf("the new tag's page: %d", res.StatusCode)
	}

	res, _ = admin.submit("/admin/users/eskimo", map[string]string{"role": "staff", "badge": "DTS Engineer", "signature": "*Quinn “The Eskimo!”*", "reason": "Joined DTS"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("updating a user: %d", res.StatusCode)
	}
	u, err := site.Store.UserByHandle(ctx, "eskimo")
	if err != nil || u.Role != parley.RoleStaff || u.Badge != "DTS Engineer" || !strings.Contains(u.SignatureHTML, "<em>") {
		t.Errorf("updated user %+v (%v)", u, err)
	}
	res, doc = admin.submit("/admin/users/root", map[string]string{"role": "member"})
	if res.StatusCode != http.StatusBadRequest || fieldError(doc, "role") == "" {
		t.Errorf("an admin demoting themself: %d", res.StatusCode)
	}
	log, err := site.Store.ModerationLog(ctx, 0, 10)
	if err != nil || len(log) != 2 || log[0].Action != parley.LogUserUpdated || log[1].Action != parley.LogTagCreated {
		t.Errorf("log %+v (%v)", log, err)
	}
}

func TestPostingIsLimitedPerAddress(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{AddressPosts: 2})
	a, _ := signedInWithRole(t, site, "first", parley.RoleMember)
	b, _ := signedInWithRole(t, site, "second", parley.RoleMember)
	th, _ := askAs(t, site, a, "How do I cancel an NWConnection cleanly?")
	replyIn(t, site, b, th.ID, "Call cancel() and wait for .cancelled.")
	res, doc := b.submitTo(threadPath(th.ID), threadPath(th.ID)+"/replies", map[string]string{"body": "And one more thing"})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(textOf(doc), "faster than the forum allows") {
		t.Errorf("a third post from one address at once: %d", res.StatusCode)
	}
	if ta := find(doc, func(n *html.Node) bool { return attr(n, "id") == "reply-body" }); ta == nil || !strings.Contains(textOf(ta), "one more thing") {
		t.Error("the refused reply is not kept in the form")
	}
}

func TestHiddenPostsHideTheirFiles(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	b := signedIn(t, site, "replier")
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	path := threadPath(2)
	if res, _ := b.upload(path, path+"/replies", map[string]string{"body": "My log"}, textFile("secret.log", "token=abc\n")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply with a file: %d", res.StatusCode)
	}
	posts, err := site.Store.Posts(ctx, 2, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	reply := posts[len(posts)-1]
	file := "/attachments/" + itoa(reply.Attachments[0].ID)
	if res, _ := site.get(t, file); res.StatusCode != http.StatusOK {
		t.Fatalf("the file's page before hiding: %d", res.StatusCode)
	}
	mod.submitTo(path, "/posts/"+itoa(reply.ID)+"/hide", map[string]string{"reason": "Leaks a token"})
	for _, p := range []string{file, file + "/secret.log", "/posts/" + itoa(reply.ID) + "/revisions"} {
		if res, _ := newBrowser(t, site).get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s of a hidden post: %d, want 404", p, res.StatusCode)
		}
	}
	if res, _ := mod.get(file); res.StatusCode != http.StatusOK {
		t.Errorf("a moderator reading a hidden post's file: %d", res.StatusCode)
	}
}

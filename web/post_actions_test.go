package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"golang.org/x/net/html"
)

// signedInWithRole makes an account with role directly in the store and signs it in.
func signedInWithRole(t *testing.T, site *testSite, handle string, role parley.Role) (*browser, parley.User) {
	hash, err := auth.HashPassword("long enough password")
	if err != nil {
		t.Fatal(err)
	}
	u, err := site.Store.CreateAccount(context.Background(), parley.NewUser{Handle: handle, DisplayName: "User " + handle, Role: role}, handle+"@example.com", hash)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, site)
	if res, _ := b.submit("/login", map[string]string{"handle": handle, "password": "long enough password"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", handle, res.StatusCode)
	}
	return b, u
}

// askAs posts a question through the composer and returns its thread and original post.
func askAs(t *testing.T, site *testSite, b *browser, title string) (parley.Thread, parley.Post) {
	res, _ := b.submit("/ask", map[string]string{"title": title, "subtopic": itoa(firstSubtopic(t, site).ID),
		"tags": "network", "body": "The first version of the question.", "action": "post"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask: %d", res.StatusCode)
	}
	page, err := site.Store.Threads(context.Background(), parley.ListQuery{Sort: parley.SortNewest, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	posts, err := site.Store.Posts(context.Background(), page.Threads[0].ID, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	return page.Threads[0], posts[0]
}

func TestEditKeepsRevisionsAndOnlyAllowedEditorsMayEdit(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	author, _ := signedInWithRole(t, site, "author", parley.RoleMember)
	other, _ := signedInWithRole(t, site, "other", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, op := askAs(t, site, author, "How do I keep a TLS session alive?")
	edit := "/posts/" + itoa(op.ID) + "/edit"

	if res, _ := other.get(edit); res.StatusCode != http.StatusForbidden {
		t.Errorf("another member opening the edit form: %d, want 403", res.StatusCode)
	}
	if res, _ := other.post(edit, urlValues(map[string]string{"csrf": csrfOf(t, other), "body": "vandalised"})); res.StatusCode != http.StatusForbidden {
		t.Errorf("another member saving an edit: %d, want 403", res.StatusCode)
	}
	res, _ := author.submit(edit, map[string]string{"body": "The second version of the question, with details.", "summary": "added details", "action": "save"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the author's edit answered %d", res.StatusCode)
	}
	res, _ = mod.submit(edit, map[string]string{"body": "The third version of the question, with details.", "summary": "tidied", "action": "save"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a moderator's edit answered %d", res.StatusCode)
	}
	res, doc := author.submit(edit, map[string]string{"body": " ", "summary": "oops", "action": "save"})
	if res.StatusCode != http.StatusBadRequest || fieldError(doc, "body") == "" || inputValue(doc, "summary") != "oops" {
		t.Errorf("an empty edit answered %d without its message or without keeping the summary", res.StatusCode)
	}

	revs, err := site.Store.Revisions(ctx, op.ID)
	if err != nil || len(revs) != 3 || revs[1].Summary != "added details" || revs[2].Editor.Handle != "moddy" {
		t.Fatalf("revisions %+v (%v): want 3, the last by the moderator", revs, err)
	}
	_, doc = author.get(threadPath(th.ID))
	if a := find(doc, func(n *html.Node) bool { return attr(n, "class") == "edited" }); a == nil || attr(a, "href") != "/posts/"+itoa(op.ID)+"/revisions" {
		t.Error("the thread does not link the edited post to its history")
	}
	_, doc = author.get("/posts/" + itoa(op.ID) + "/revisions?from=1&to=3")
	ins := find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "ins" })
	if ins == nil || !strings.Contains(textOf(find(doc, func(n *html.Node) bool { return attr(n, "class") == "diff" })), "third") {
		t.Error("the history does not show what changed between the first and third versions")
	}
}

func TestAcceptAndRecommend(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	helper, _ := signedInWithRole(t, site, "helper", parley.RoleMember)
	staff, _ := signedInWithRole(t, site, "quinn", parley.RoleStaff)
	th, op := askAs(t, site, asker, "Why does NWPathMonitor report unsatisfied?")
	helper.submitTo(threadPath(th.ID), threadPath(th.ID)+"/replies", map[string]string{"body": "Check the interface type."})
	posts, err := site.Store.Posts(ctx, th.ID, 0, 10)
	if err != nil || len(posts) != 2 {
		t.Fatalf("posts %v %v", posts, err)
	}
	reply := posts[1]
	accept := threadPath(th.ID) + "/accept"

	for name, b := range map[string]*browser{"the answerer": helper} {
		res, _ := b.post(accept, urlValues(map[string]string{"csrf": csrfOf(t, b), "post": itoa(reply.ID)}))
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s accepting in someone else's thread: %d, want 403", name, res.StatusCode)
		}
	}
	if res, _ := asker.post(accept, urlValues(map[string]string{"csrf": csrfOf(t, asker), "post": itoa(op.ID)})); res.StatusCode != http.StatusBadRequest {
		t.Errorf("accepting the question itself: %d, want 400", res.StatusCode)
	}
	// The asker accepts with the button the page shows them.
	_, doc := asker.get(threadPath(th.ID))
	form := find(doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == accept })
	if form == nil {
		t.Fatal("the asker is not offered an Accept button")
	}
	if res, _ := asker.post(accept, urlValues(map[string]string{"csrf": csrfOf(t, asker), "post": itoa(reply.ID)})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the asker accepting: %d", res.StatusCode)
	}
	if got, _ := site.Store.Thread(ctx, th.ID); got.AcceptedPostID != reply.ID {
		t.Errorf("accepted post %d, want %d", got.AcceptedPostID, reply.ID)
	}

	recommend := "/posts/" + itoa(reply.ID) + "/recommend"
	if res, _ := helper.post(recommend, urlValues(map[string]string{"csrf": csrfOf(t, helper), "on": "1"})); res.StatusCode != http.StatusForbidden {
		t.Errorf("a member recommending: %d, want 403", res.StatusCode)
	}
	if res, _ := staff.post(recommend, urlValues(map[string]string{"csrf": csrfOf(t, staff), "on": "1"})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff recommending: %d", res.StatusCode)
	}
	if p, _ := site.Store.Post(ctx, reply.ID); !p.StaffRecommended {
		t.Error("the reply is not marked recommended")
	}
	_, doc = newBrowser(t, site).get(threadPath(th.ID))
	if find(doc, func(n *html.Node) bool { return attr(n, "class") == "accepted-summary" }) == nil {
		t.Error("the thread page shows no accepted answer in its summary")
	}
}

func threadPath(id int64) string { return "/threads/" + itoa(id) }

func TestBoostToggles(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	fan, _ := signedInWithRole(t, site, "fan", parley.RoleMember)
	th, op := askAs(t, site, asker, "Is there a way to warm up a QUIC connection?")

	_, doc := asker.get(threadPath(th.ID))
	if find(doc, func(n *html.Node) bool { return n.Data == "form" && strings.HasSuffix(attr(n, "action"), "/boost") }) != nil {
		t.Error("the author is offered a Boost button on their own question")
	}
	boost := "/posts/" + itoa(op.ID) + "/boost"
	for i, step := range []struct {
		on      string
		count   int64
		pressed string
	}{{"1", 1, "true"}, {"1", 1, "true"}, {"0", 0, "false"}} {
		if res, _ := fan.post(boost, urlValues(map[string]string{"csrf": csrfOf(t, fan), "on": step.on})); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("step %d: %d", i, res.StatusCode)
		}
		got, err := site.Store.Thread(ctx, th.ID)
		if err != nil || got.BoostCount != step.count {
			t.Errorf("step %d: the thread has %d boosts, want %d (%v)", i, got.BoostCount, step.count, err)
		}
		_, doc := fan.get(threadPath(th.ID))
		button := find(doc, func(n *html.Node) bool { return n.Data == "button" && attr(n, "aria-pressed") != "" })
		if button == nil || attr(button, "aria-pressed") != step.pressed {
			t.Errorf("step %d: the boost button is not shown pressed=%s", i, step.pressed)
		}
	}
}

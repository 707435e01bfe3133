package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
)

// postForm posts values with the browser's form token, as a page's form would.
func (b *browser) postForm(path string, values url.Values) (*http.Response, *html.Node) {
	b.t.Helper()
	values.Set("csrf", csrfOf(b.t, b))
	return b.post(path, values)
}

// postCount is how many posts a thread holds in the store, hidden ones included.
func postCount(t *testing.T, site *testSite, threadID int64) int {
	t.Helper()
	posts, err := site.Store.Posts(context.Background(), threadID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(posts)
}

// TestDeletedThreadIsNotFoundEverywhere asks for a deleted thread through every path that
// loads one for a reader: each answers 404 to its author, shows none of its text and
// writes nothing, while a moderator still reads it.
func TestDeletedThreadIsNotFoundEverywhere(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	answerer, _ := signedInWithRole(t, site, "answerer", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, _ := askAs(t, site, asker, "Deleted question about keychain groups")
	reply := replyIn(t, site, answerer, th.ID, "Deleted answer about entitlements")
	if res, _ := mod.submitTo(threadPath(th.ID), threadPath(th.ID)+"/delete", map[string]string{"reason": "Duplicate"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deleting: %d", res.StatusCode)
	}
	before := postCount(t, site, th.ID)

	secret := []string{"keychain groups", "first version of the question", "entitlements"}
	for _, c := range []struct {
		what   string
		method string
		path   string
		form   url.Values
	}{
		{"an empty reply", http.MethodPost, threadPath(th.ID) + "/replies", url.Values{"body": {""}}},
		{"a reply", http.MethodPost, threadPath(th.ID) + "/replies", url.Values{"body": {"Still broken for me"}}},
		{"accepting", http.MethodPost, threadPath(th.ID) + "/accept", url.Values{"post": {itoa(reply.ID)}}},
		{"boosting", http.MethodPost, "/posts/" + itoa(reply.ID) + "/boost", url.Values{"on": {"1"}}},
		{"flagging", http.MethodPost, "/posts/" + itoa(reply.ID) + "/flag", url.Values{"reason": {"spam"}}},
		{"the flag form", http.MethodGet, "/posts/" + itoa(reply.ID) + "/flag", nil},
		{"a quote", http.MethodGet, threadPath(th.ID) + "?quote=" + itoa(reply.ID), nil},
		{"the page", http.MethodGet, threadPath(th.ID), nil},
		{"the live stream", http.MethodGet, threadPath(th.ID) + "/live", nil},
		{"the feed", http.MethodGet, threadPath(th.ID) + ".rss", nil},
	} {
		var res *http.Response
		var doc *html.Node
		if c.method == http.MethodGet {
			res, doc = asker.get(c.path)
		} else {
			res, doc = asker.postForm(c.path, c.form)
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s in a deleted thread, by its author: %d, want 404", c.what, res.StatusCode)
		}
		for _, s := range secret {
			if strings.Contains(textOf(doc), s) {
				t.Errorf("%s in a deleted thread shows %q to its author", c.what, s)
			}
		}
	}
	if got := postCount(t, site, th.ID); got != before {
		t.Errorf("the deleted thread holds %d posts after refused replies, want %d", got, before)
	}
	if got, _ := site.Store.Thread(ctx, th.ID); got.AcceptedPostID != 0 || got.BoostCount != 0 {
		t.Errorf("refused actions changed the deleted thread: %+v", got)
	}

	res, doc := mod.get(threadPath(th.ID))
	if res.StatusCode != http.StatusOK || !strings.Contains(textOf(doc), "entitlements") {
		t.Errorf("a moderator reading the deleted thread: %d", res.StatusCode)
	}
	if form := find(doc, func(n *html.Node) bool { return attr(n, "action") == threadPath(th.ID)+"/replies" }); form != nil {
		t.Error("a deleted thread offers a moderator the reply form, which it would refuse")
	}
}

// TestLockedThreadRefusesReplies: a reply to a locked thread, empty or not, is refused
// with the reason shown where the form would be, and nothing is written.
func TestLockedThreadRefusesReplies(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, _ := askAs(t, site, asker, "Locked question about push tokens")
	if res, _ := mod.submitTo(threadPath(th.ID), threadPath(th.ID)+"/lock", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("locking: %d", res.StatusCode)
	}
	before := postCount(t, site, th.ID)
	for _, body := range []string{"", "One more thing"} {
		for _, b := range []*browser{asker, mod} {
			res, doc := b.postForm(threadPath(th.ID)+"/replies", url.Values{"body": {body}})
			if res.StatusCode != http.StatusConflict || !strings.Contains(textOf(doc), "This thread is locked") {
				t.Errorf("reply %q to a locked thread: %d, want 409 saying it is locked", body, res.StatusCode)
			}
		}
	}
	if got := postCount(t, site, th.ID); got != before {
		t.Errorf("the locked thread holds %d posts, want %d", got, before)
	}
}

// TestHiddenPostsCannotBeActedOn: a hidden reply can be neither accepted, recommended,
// boosted, quoted nor flagged; readers get 404 and never its text or author, moderators
// and staff a conflict that says why; a moderator still restores it.
func TestHiddenPostsCannotBeActedOn(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	spammer, _ := signedInWithRole(t, site, "spammer", parley.RoleMember)
	reader, _ := signedInWithRole(t, site, "reader", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	staff, _ := signedInWithRole(t, site, "staffer", parley.RoleStaff)
	th, _ := askAs(t, site, asker, "Why is my widget timeline empty?")
	hidden := replyIn(t, site, spammer, th.ID, "Visit my watch shop today")
	if res, _ := mod.submitTo(threadPath(th.ID), "/posts/"+itoa(hidden.ID)+"/hide", map[string]string{"reason": "Spam"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hiding: %d", res.StatusCode)
	}

	post := "/posts/" + itoa(hidden.ID)
	for _, c := range []struct {
		who    string
		b      *browser
		method string
		path   string
		form   url.Values
		want   int
	}{
		{"its thread's author accepting it", asker, http.MethodPost, threadPath(th.ID) + "/accept", url.Values{"post": {itoa(hidden.ID)}}, http.StatusNotFound},
		{"a member boosting it", reader, http.MethodPost, post + "/boost", url.Values{"on": {"1"}}, http.StatusNotFound},
		{"a member opening its flag form", reader, http.MethodGet, post + "/flag", nil, http.StatusNotFound},
		{"a member flagging it", reader, http.MethodPost, post + "/flag", url.Values{"reason": {"spam"}}, http.StatusNotFound},
		{"a member quoting it", reader, http.MethodGet, threadPath(th.ID) + "?quote=" + itoa(hidden.ID), nil, http.StatusNotFound},
		{"staff accepting it", staff, http.MethodPost, threadPath(th.ID) + "/accept", url.Values{"post": {itoa(hidden.ID)}}, http.StatusConflict},
		{"staff recommending it", staff, http.MethodPost, post + "/recommend", url.Values{"on": {"1"}}, http.StatusConflict},
		{"a moderator boosting it", mod, http.MethodPost, post + "/boost", url.Values{"on": {"1"}}, http.StatusConflict},
		{"a moderator opening its flag form", mod, http.MethodGet, post + "/flag", nil, http.StatusConflict},
		{"a moderator flagging it", mod, http.MethodPost, post + "/flag", url.Values{"reason": {"spam"}}, http.StatusConflict},
		{"a moderator quoting it", mod, http.MethodGet, threadPath(th.ID) + "?quote=" + itoa(hidden.ID), nil, http.StatusConflict},
	} {
		var res *http.Response
		var doc *html.Node
		if c.method == http.MethodGet {
			res, doc = c.b.get(c.path)
		} else {
			res, doc = c.b.postForm(c.path, c.form)
		}
		if res.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.who, res.StatusCode, c.want)
		}
		if text := textOf(doc); strings.Contains(text, "watch shop") || strings.Contains(text, "User spammer") {
			t.Errorf("%s: the answer shows the hidden reply's text or author", c.who)
		}
		if c.want == http.StatusConflict && !strings.Contains(textOf(doc), "hidden by a moderator") {
			t.Errorf("%s: the refusal does not say the reply is hidden", c.who)
		}
	}
	got, err := site.Store.Post(ctx, hidden.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.BoostCount != 0 || got.StaffRecommended {
		t.Errorf("refused actions changed the hidden reply: %+v", got)
	}
	if th, _ := site.Store.Thread(ctx, th.ID); th.AcceptedPostID != 0 {
		t.Errorf("the hidden reply became the accepted answer")
	}
	if q, _ := site.Store.FlagQueue(ctx, 10); len(q) != 0 {
		t.Errorf("refused flags reached the queue: %+v", q)
	}

	if res, _ := mod.postForm(post+"/hide", url.Values{"on": {"0"}, "reason": {"Not spam"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a moderator restoring the hidden reply: %d", res.StatusCode)
	}
	if res, _ := asker.postForm(threadPath(th.ID)+"/accept", url.Values{"post": {itoa(hidden.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("accepting the restored reply: %d", res.StatusCode)
	}
}

// acceptedHidden is a store whose thread names a hidden reply as its accepted answer, as
// a store could before accepting and hiding were checked in one transaction.
type acceptedHidden struct {
	siteStore
	threadID, postID int64
}

func (s acceptedHidden) Thread(ctx context.Context, id int64) (parley.Thread, error) {
	t, err := s.siteStore.Thread(ctx, id)
	if id == s.threadID {
		t.AcceptedPostID = s.postID
	}
	return t, err
}

// TestHiddenAcceptedAnswerStaysHidden: when the accepted answer is hidden, the thread page
// shows readers neither its text in the summary box nor its author there.
func TestHiddenAcceptedAnswerStaysHidden(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	spammer, _ := signedInWithRole(t, site, "spammer", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, _ := askAs(t, site, asker, "Why does my background task stop?")
	hidden := replyIn(t, site, spammer, th.ID, "Visit my watch shop today")
	asker0, err := site.Store.UserByHandle(context.Background(), "asker")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 55; i++ { // so that a later page shows the summary without the reply itself
		body := "Still looking, attempt " + itoa(int64(i))
		if _, err := site.Store.CreateReply(context.Background(), parley.NewReply{ThreadID: th.ID, AuthorID: asker0.ID, Text: storetest.Text(body)}); err != nil {
			t.Fatal(err)
		}
	}
	if res, _ := mod.submitTo(threadPath(th.ID), "/posts/"+itoa(hidden.ID)+"/hide", map[string]string{"reason": "Spam"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hiding: %d", res.StatusCode)
	}
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	raced, err := serveStore(acceptedHidden{site.Store, th.ID, hidden.ID}, web.Config{Blobs: blobs}, t.Cleanup)
	if err != nil {
		t.Fatal(err)
	}
	posts, err := site.Store.Posts(context.Background(), th.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{threadPath(th.ID), threadPath(th.ID) + "?after=" + itoa(posts[10].ID)} {
		res, body := raced.get(t, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		if strings.Contains(string(body), "watch shop") || strings.Contains(string(body), "accepted-summary") {
			t.Errorf("%s shows readers the hidden accepted answer", path)
		}
	}
}

package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html/atom"

	parley "github.com/parley-forum/parley"
)

// TestEveryPageHasADescription loads one page of every kind the site answers GET with and
// checks that it carries a non-empty <meta name="description">, the snippet a search engine
// or a link preview shows. A GET route missing from the table fails the test, so that a
// new page kind is checked too.
func TestEveryPageHasADescription(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	admin, _ := signedInWithRole(t, site, "admina", parley.RoleAdmin)
	res, _ := admin.upload("/ask", "", question(t, site, "A question with a log and a revision"), textFile("crash.log", "line one\nline two\n"))
	op := postedThread(t, site, res)
	if res, _ := admin.submit("/posts/"+itoa(op.ID)+"/edit", map[string]string{"body": "It crashes, see the log.", "action": "save"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("editing answered %d", res.StatusCode)
	}
	sub := firstSubtopic(t, site)
	topics, err := site.Store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	anonymous := newBrowser(t, site)
	admina, err := site.Store.UserByHandle(ctx, "admina")
	if err != nil {
		t.Fatal(err)
	}
	if err := site.Store.RequestPasswordReset(ctx, "admina@example.com"); err != nil {
		t.Fatal(err)
	}
	reset, err := site.Store.ClaimEmails(ctx, 10, time.Minute) // as a sender would, making the link
	if err != nil || len(reset) != 1 {
		t.Fatalf("the reset email: %+v, %v", reset, err)
	}
	others, err := site.Store.Posts(ctx, 1, 0, 1) // admina flags another's post
	if err != nil || len(others) != 1 {
		t.Fatalf("thread 1: %v", err)
	}

	// pages maps each GET route to a page of it and who asks; nil marks a route that
	// answers something other than an HTML page.
	type request struct {
		path string
		as   *browser
	}
	pages := map[string]*request{
		"GET /{$}":                             {"/", anonymous},
		"GET /threads":                         {"/threads", anonymous},
		"GET /threads/{id}":                    {threadPath(op.ThreadID), anonymous},
		"GET /posts/{id}/revisions":            {"/posts/" + itoa(op.ID) + "/revisions", anonymous},
		"GET /attachments/{id}":                {"/attachments/" + itoa(op.Attachments[0].ID), anonymous},
		"GET /topics/{topic}":                  {"/topics/" + topics[0].Slug, anonymous},
		"GET /topics/{topic}/{subtopic}":       {"/topics/" + topics[0].Slug + "/" + topics[0].Subtopics[0].Slug, anonymous},
		"GET /tags":                            {"/tags", anonymous},
		"GET /tags/{tag}":                      {"/tags/network", anonymous},
		"GET /users/{handle}":                  {"/users/admina", anonymous},
		"GET /search":                          {"/search?q=socket", anonymous},
		"GET /signup":                          {"/signup", anonymous},
		"GET /login":                           {"/login", anonymous},
		"GET /logout":                          {"/logout", admin},
		"GET /ask":                             {"/ask", admin},
		"GET /posts/{id}/edit":                 {"/posts/" + itoa(op.ID) + "/edit", admin},
		"GET /posts/{id}/flag":                 {"/posts/" + itoa(others[0].ID) + "/flag", admin},
		"GET /moderation":                      {"/moderation", admin},
		"GET /moderation/log":                  {"/moderation/log", admin},
		"GET /admin":                           {"/admin", admin},
		"GET /admin/topics/new":                {"/admin/topics/new", admin},
		"GET /admin/topics/{id}":               {"/admin/topics/" + itoa(sub.TopicID), admin},
		"GET /admin/topics/{id}/subtopics/new": {"/admin/topics/" + itoa(sub.TopicID) + "/subtopics/new", admin},
		"GET /admin/subtopics/{id}":            {"/admin/subtopics/" + itoa(sub.ID), admin},
		"GET /admin/tags/new":                  {"/admin/tags/new", admin},
		"GET /admin/tags/{id}":                 {"/admin/tags/" + itoa(tag.ID), admin},
		"GET /admin/users/{handle}":            {"/admin/users/admina", admin},
		"GET /account/password":                {"/account/password", admin},
		"GET /account/notifications":           {"/account/notifications", admin},
		"GET /notifications":                   {"/notifications", admin},
		"GET /account":                         {"/account", admin},
		"GET /account/verify/{token}":          {"/account/verify/any-token", anonymous}, // asks before it checks
		"GET /password/forgot":                 {"/password/forgot", anonymous},
		"GET /password/reset/{token}":          {"/password/reset/" + reset[0].Token, anonymous},
		"GET /unsubscribe/{token}":             {unsubscribePath(t, site, admina.ID), anonymous},
		"/":                                    {"/no/such/page", anonymous}, // the error page

		"GET /threads.rss": nil, "GET /threads.atom": nil, "GET /threads/{id}/{slug}": nil, // feeds, a redirect
		"GET /threads/{id}/live": nil, "GET /live": nil, "GET /notifications/live": nil, "GET /ask/similar": nil, // streams, a fragment
		"GET /attachments/{id}/{name}": nil, "GET /static/{file}": nil, "GET /favicon.ico": nil,
		"GET /search.rss": nil, "GET /search.atom": nil, "GET /opensearch.xml": nil,
		"GET /healthz": nil, "GET /readyz": nil, "GET /metrics": nil, "GET /account/data": nil, // JSON
	}
	for _, rt := range site.Server.Routes() {
		if !strings.HasPrefix(rt.Pattern, "GET ") && rt.Pattern != "/" {
			continue
		}
		req, listed := pages[rt.Pattern]
		if !listed {
			t.Errorf("%s is not in the test's table of pages", rt.Pattern)
			continue
		}
		if req == nil {
			continue
		}
		res, doc := req.as.get(req.path)
		if res.StatusCode != http.StatusOK && rt.Pattern != "/" {
			t.Errorf("GET %s answered %d", req.path, res.StatusCode)
			continue
		}
		meta := find(doc, withAttr(atom.Meta, "name", "description"))
		if meta == nil || strings.TrimSpace(attr(meta, "content")) == "" {
			t.Errorf("GET %s (%s) has no description", req.path, rt.Pattern)
		}
	}
}

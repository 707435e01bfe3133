package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/web"
)

// outcome is what an authorization check decides for one route and one kind of user.
type outcome string

const (
	allow  outcome = "allow"  // the route did its work (or judged the input), not the user
	login  outcome = "login"  // a reader without a session is sent to sign in
	forbid outcome = "forbid" // 403
)

var actors = []string{"anonymous", "member", "other member", "moderator", "staff", "admin"}

// matrix says, for every route that changes state or needs a session, what each kind of
// user gets. The thread and its original post belong to "member"; the reply to "other
// member". TestAuthorizationMatrix fails when the route table has a route missing here.
var matrix = map[string]map[string]outcome{
	"GET /ask":                   row(login, allow, allow, allow, allow, allow),
	"POST /ask":                  row(login, allow, allow, allow, allow, allow),
	"POST /threads/{id}/replies": row(login, allow, allow, allow, allow, allow),
	"POST /threads/{id}/accept":  row(login, allow, forbid, forbid, allow, allow),
	"GET /posts/{id}/edit":       row(login, allow, forbid, allow, allow, allow),
	"POST /posts/{id}/edit":      row(login, allow, forbid, allow, allow, allow),
	"POST /posts/{id}/recommend": row(login, forbid, forbid, forbid, allow, allow),
	"POST /posts/{id}/boost":     row(login, forbid, allow, allow, allow, allow), // the question is member's own
	"POST /signup":               row(allow, allow, allow, allow, allow, allow),
	"POST /login":                row(allow, allow, allow, allow, allow, allow),
	"POST /logout":               row(allow, allow, allow, allow, allow, allow),
	"GET /account/password":      row(login, allow, allow, allow, allow, allow),
	"GET /posts/{id}/flag":       row(login, forbid, allow, allow, allow, allow), // the question is member's own
	"POST /posts/{id}/flag":      row(login, forbid, allow, allow, allow, allow),

	// Moderation: the reply belongs to "other member".
	"POST /posts/{id}/hide":               row(login, forbid, forbid, allow, allow, allow),
	"POST /threads/{id}/lock":             row(login, forbid, forbid, allow, allow, allow),
	"POST /threads/{id}/pin":              row(login, forbid, forbid, allow, allow, allow),
	"POST /threads/{id}/move":             row(login, forbid, forbid, allow, allow, allow),
	"POST /threads/{id}/retag":            row(login, forbid, forbid, allow, allow, allow),
	"POST /threads/{id}/delete":           row(login, forbid, forbid, allow, allow, allow),
	"POST /users/{handle}/suspend":        row(login, forbid, forbid, allow, allow, allow), // of "other member", who cannot suspend themself
	"GET /moderation":                     row(login, forbid, forbid, allow, allow, allow),
	"POST /moderation/posts/{id}/dismiss": row(login, forbid, forbid, allow, allow, allow),
	"GET /moderation/log":                 row(login, forbid, forbid, allow, allow, allow),

	// Administration: tags are for staff; topics, subtopics and users for admins.
	"GET /admin":                            row(login, forbid, forbid, forbid, allow, allow),
	"GET /admin/tags/new":                   row(login, forbid, forbid, forbid, allow, allow),
	"POST /admin/tags/new":                  row(login, forbid, forbid, forbid, allow, allow),
	"GET /admin/tags/{id}":                  row(login, forbid, forbid, forbid, allow, allow),
	"POST /admin/tags/{id}":                 row(login, forbid, forbid, forbid, allow, allow),
	"GET /admin/topics/new":                 row(login, forbid, forbid, forbid, forbid, allow),
	"POST /admin/topics/new":                row(login, forbid, forbid, forbid, forbid, allow),
	"GET /admin/topics/{id}":                row(login, forbid, forbid, forbid, forbid, allow),
	"POST /admin/topics/{id}":               row(login, forbid, forbid, forbid, forbid, allow),
	"GET /admin/topics/{id}/subtopics/new":  row(login, forbid, forbid, forbid, forbid, allow),
	"POST /admin/topics/{id}/subtopics/new": row(login, forbid, forbid, forbid, forbid, allow),
	"GET /admin/subtopics/{id}":             row(login, forbid, forbid, forbid, forbid, allow),
	"POST /admin/subtopics/{id}":            row(login, forbid, forbid, forbid, forbid, allow),
	"GET /admin/users/{handle}":             row(login, forbid, forbid, forbid, forbid, allow),
	"POST /admin/users/{handle}":            row(login, forbid, forbid, forbid, forbid, allow),
	"POST /account/password":                row(login, allow, allow, allow, allow, allow),
	"/":                                     row(allow, allow, allow, allow, allow, allow), // any other URL: 404 or 405
}

func row(o ...outcome) map[string]outcome {
	m := map[string]outcome{}
	for i, a := range actors {
		m[a] = o[i]
	}
	return m
}

// needsAuthorization reports whether a route changes state or needs a session: every
// method but GET, and the GET pages behind sign-in.
func needsAuthorization(rt web.Route) bool {
	return !strings.HasPrefix(rt.Pattern, "GET ") || rt.SignedIn
}

func TestAuthorizationMatrix(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	users := map[string]parley.User{}
	for _, a := range actors[1:] {
		role := map[string]parley.Role{"moderator": parley.RoleModerator, "staff": parley.RoleStaff, "admin": parley.RoleAdmin}[a]
		hash, err := auth.HashPassword("long enough password")
		if err != nil {
			t.Fatal(err)
		}
		handle := "as_" + strings.ReplaceAll(a, " ", "_")
		u, err := site.Store.CreateAccount(ctx, parley.NewUser{Handle: handle, DisplayName: a, Role: role}, handle+"@example.com", hash)
		if err != nil {
			t.Fatal(err)
		}
		users[a] = u
	}
	sub := firstSubtopic(t, site)
	network, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	th, op, err := site.Store.CreateThread(ctx, parley.NewThread{Title: "A thread whose rights are tested", SubtopicID: sub.ID,
		TagIDs: []int64{network.ID}, AuthorID: users["member"].ID, Body: "Question", HTML: "<p>Question</p>"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := site.Store.CreateReply(ctx, parley.NewReply{ThreadID: th.ID, AuthorID: users["other member"].ID, Body: "Answer", HTML: "<p>Answer</p>"})
	if err != nil {
		t.Fatal(err)
	}

	topics, err := site.Store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var topic parley.Topic
	for _, top := range topics {
		if top.ID == sub.TopicID {
			topic = top
		}
	}

	// requests builds the request for each route; the path variables name the fixtures above.
	requests := map[string]func(actor string) (string, url.Values){
		"GET /ask": func(string) (string, url.Values) { return "/ask", nil },
		"POST /ask": func(string) (string, url.Values) {
			return "/ask", url.Values{"title": {"Another question asked here"}, "subtopic": {itoa(sub.ID)}, "tags": {"network"}, "body": {"Body"}, "action": {"post"}}
		},
		"POST /threads/{id}/replies": func(string) (string, url.Values) {
			return threadPath(th.ID) + "/replies", url.Values{"body": {"Me too"}}
		},
		"POST /threads/{id}/accept": func(string) (string, url.Values) {
			return threadPath(th.ID) + "/accept", url.Values{"post": {itoa(reply.ID)}}
		},
		"GET /posts/{id}/edit": func(string) (string, url.Values) { return "/posts/" + itoa(op.ID) + "/edit", nil },
		"POST /posts/{id}/edit": func(string) (string, url.Values) {
			return "/posts/" + itoa(op.ID) + "/edit", url.Values{"body": {"Edited question"}, "action": {"save"}}
		},
		"POST /posts/{id}/recommend": func(string) (string, url.Values) {
			return "/posts/" + itoa(reply.ID) + "/recommend", url.Values{"on": {"1"}}
		},
		"POST /posts/{id}/boost": func(string) (string, url.Values) { return "/posts/" + itoa(op.ID) + "/boost", url.Values{"on": {"1"}} },
		"POST /signup": func(actor string) (string, url.Values) {
			h := "new_" + strings.ReplaceAll(actor, " ", "_")
			return "/signup", url.Values{"handle": {h}, "display_name": {h}, "email": {h + "@example.com"}, "password": {"long enough password"}}
		},
		"POST /login": func(string) (string, url.Values) {
			return "/login", url.Values{"handle": {"as_member"}, "password": {"long enough password"}}
		},
		"POST /logout":          func(string) (string, url.Values) { return "/logout", nil },
		"GET /account/password": func(string) (string, url.Values) { return "/account/password", nil },
		"POST /account/password": func(string) (string, url.Values) {
			return "/account/password", url.Values{"current": {"not it"}, "password": {"whatever new one"}}
		},
		"/": func(string) (string, url.Values) { return "/no/such/page", url.Values{} },

		"GET /posts/{id}/flag": func(string) (string, url.Values) { return "/posts/" + itoa(op.ID) + "/flag", nil },
		"POST /posts/{id}/flag": func(string) (string, url.Values) {
			return "/posts/" + itoa(op.ID) + "/flag", url.Values{"reason": {"spam"}}
		},
		// The moderators' requests change nothing (unlock an unlocked thread, move it where
		// it is), so that the order the rows run in cannot matter.
		"POST /posts/{id}/hide": func(string) (string, url.Values) {
			return "/posts/" + itoa(reply.ID) + "/hide", url.Values{"on": {"0"}}
		},
		"POST /threads/{id}/lock": func(string) (string, url.Values) { return threadPath(th.ID) + "/lock", url.Values{"on": {"0"}} },
		"POST /threads/{id}/pin":  func(string) (string, url.Values) { return threadPath(th.ID) + "/pin", url.Values{"on": {"0"}} },
		"POST /threads/{id}/move": func(string) (string, url.Values) {
			return threadPath(th.ID) + "/move", url.Values{"subtopic": {itoa(sub.ID)}}
		},
		"POST /threads/{id}/retag": func(string) (string, url.Values) {
			return threadPath(th.ID) + "/retag", url.Values{"tags": {"network"}}
		},
		"POST /threads/{id}/delete": func(string) (string, url.Values) { return threadPath(th.ID) + "/delete", url.Values{"on": {"0"}} },
		"POST /users/{handle}/suspend": func(string) (string, url.Values) {
			return "/users/as_other_member/suspend", url.Values{"days": {"0"}}
		},
		"GET /moderation": func(string) (string, url.Values) { return "/moderation", nil },
		"POST /moderation/posts/{id}/dismiss": func(string) (string, url.Values) {
			return "/moderation/posts/" + itoa(reply.ID) + "/dismiss", url.Values{}
		},
		"GET /moderation/log": func(string) (string, url.Values) { return "/moderation/log", nil },

		"GET /admin":          func(string) (string, url.Values) { return "/admin", nil },
		"GET /admin/tags/new": func(string) (string, url.Values) { return "/admin/tags/new", nil },
		"POST /admin/tags/new": func(actor string) (string, url.Values) {
			slug := "tag-by-" + strings.ReplaceAll(actor, " ", "-")
			return "/admin/tags/new", url.Values{"slug": {slug}, "name": {slug}}
		},
		"GET /admin/tags/{id}": func(string) (string, url.Values) { return "/admin/tags/" + itoa(network.ID), nil },
		"POST /admin/tags/{id}": func(string) (string, url.Values) {
			return "/admin/tags/" + itoa(network.ID), url.Values{"slug": {network.Slug}, "name": {network.Name}, "description": {network.Description}}
		},
		"GET /admin/topics/new": func(string) (string, url.Values) { return "/admin/topics/new", nil },
		"POST /admin/topics/new": func(actor string) (string, url.Values) {
			slug := "topic-by-" + strings.ReplaceAll(actor, " ", "-")
			return "/admin/topics/new", url.Values{"slug": {slug}, "name": {slug}, "position": {"9"}}
		},
		"GET /admin/topics/{id}": func(string) (string, url.Values) { return "/admin/topics/" + itoa(topic.ID), nil },
		"POST /admin/topics/{id}": func(string) (string, url.Values) {
			return "/admin/topics/" + itoa(topic.ID), url.Values{"slug": {topic.Slug}, "name": {topic.Name}, "position": {itoa(int64(topic.Position))}}
		},
		"GET /admin/topics/{id}/subtopics/new": func(string) (string, url.Values) {
			return "/admin/topics/" + itoa(topic.ID) + "/subtopics/new", nil
		},
		"POST /admin/topics/{id}/subtopics/new": func(actor string) (string, url.Values) {
			slug := "sub-by-" + strings.ReplaceAll(actor, " ", "-")
			return "/admin/topics/" + itoa(topic.ID) + "/subtopics/new", url.Values{"slug": {slug}, "name": {slug}, "position": {"9"}}
		},
		"GET /admin/subtopics/{id}": func(string) (string, url.Values) { return "/admin/subtopics/" + itoa(sub.ID), nil },
		"POST /admin/subtopics/{id}": func(string) (string, url.Values) {
			return "/admin/subtopics/" + itoa(sub.ID), url.Values{"slug": {sub.Slug}, "name": {sub.Name}, "position": {itoa(int64(sub.Position))}}
		},
		"GET /admin/users/{handle}": func(string) (string, url.Values) { return "/admin/users/as_other_member", nil },
		"POST /admin/users/{handle}": func(string) (string, url.Values) {
			return "/admin/users/as_other_member", url.Values{"role": {"member"}}
		},
	}

	for _, rt := range site.Server.Routes() {
		if !needsAuthorization(rt) {
			continue
		}
		pattern := rt.Pattern
		expect, ok := matrix[pattern]
		build := requests[pattern]
		if !ok || build == nil {
			t.Errorf("route %q has no row in the authorization matrix: say who may use it", pattern)
			continue
		}
		for _, actor := range actors {
			t.Run(pattern+"/"+actor, func(t *testing.T) {
				c := sessionClient(t, site, users[actor])
				path, form := build(actor)
				method, _, found := strings.Cut(pattern, " ")
				if !found {
					method = http.MethodPost // a pattern for every method: try the one that writes
				}
				got := try(t, c, site.URL, method, path, form)
				if got != expect[actor] {
					t.Errorf("%s as %s: %s, want %s", pattern, actor, got, expect[actor])
				}
			})
		}
	}
}

// sessionClient is a browser holding a form token and, unless u is the zero user, a fresh
// session for u, made in the store directly so the sign-in rate limits are not involved.
func sessionClient(t *testing.T, site *testSite, u parley.User) *http.Client {
	jar, _ := cookiejar.New(nil)
	base := mustURL(t, site.URL)
	jar.SetCookies(base, []*http.Cookie{{Name: "parley_csrf", Value: strings.Repeat("t", 43)}})
	if u.ID != 0 {
		token, hash, err := auth.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := site.Store.CreateSession(context.Background(), parley.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		jar.SetCookies(base, []*http.Cookie{{Name: "parley_session", Value: token}})
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func try(t *testing.T, c *http.Client, base, method, path string, form url.Values) outcome {
	var res *http.Response
	var err error
	if method == http.MethodGet {
		res, err = c.Get(base + path)
	} else {
		if form == nil {
			form = url.Values{}
		}
		form.Set("csrf", strings.Repeat("t", 43))
		res, err = c.PostForm(base+path, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	switch {
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login"):
		return login
	case res.StatusCode == http.StatusForbidden || res.StatusCode == http.StatusUnauthorized:
		return forbid
	case res.StatusCode >= 500:
		t.Fatalf("%s %s answered %d", method, path, res.StatusCode)
	}
	return allow
}

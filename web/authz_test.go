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
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/web"
)

// outcome is what an authorization check decides for one route and one kind of user.
type outcome string

const (
	allow    outcome = "allow"    // the route did its work (or judged the input), not the user
	login    outcome = "login"    // a reader without a session is sent to sign in
	forbid   outcome = "forbid"   // 403
	missing  outcome = "missing"  // 404: what the request names does not exist for this user
	conflict outcome = "conflict" // 409: the user may act, but not on the target in its state
)

// coarse is an outcome as the route matrix counts it: not found and conflict are the route
// judging its input, so the user was let in.
func coarse(o outcome) outcome {
	if o == missing || o == conflict {
		return allow
	}
	return o
}

var actors = []string{"anonymous", "member", "other member", "moderator", "staff", "admin", "suspended"}

// matrix says, for every route that changes state or needs a session, what each kind of
// user gets. The thread and its original post belong to "member"; the reply to "other
// member"; "suspended" is a member whose suspension runs. TestAuthorizationMatrix fails
// when the route table has a route missing here.
var matrix = map[string]map[string]outcome{
	"GET /ask":                   row(login, allow, allow, allow, allow, allow, forbid), // told of the suspension before writing
	"POST /ask":                  row(login, allow, allow, allow, allow, allow, forbid),
	"POST /threads/{id}/replies": row(login, allow, allow, allow, allow, allow, forbid),
	"POST /threads/{id}/accept":  row(login, allow, forbid, forbid, allow, allow, forbid),
	"GET /posts/{id}/edit":       row(login, allow, forbid, allow, allow, allow, forbid),
	"POST /posts/{id}/edit":      row(login, allow, forbid, allow, allow, allow, forbid),
	"POST /posts/{id}/recommend": row(login, forbid, forbid, forbid, allow, allow, forbid),
	"POST /posts/{id}/boost":     row(login, forbid, allow, allow, allow, allow, forbid), // the question is member's own
	"POST /signup":               row(allow, allow, allow, allow, allow, allow, allow),
	"POST /login":                row(allow, allow, allow, allow, allow, allow, allow),
	"POST /logout":               row(allow, allow, allow, allow, allow, allow, allow),
	"GET /account/password":      row(login, allow, allow, allow, allow, allow, allow),
	"GET /account/data":          row(login, allow, allow, allow, allow, allow, allow),   // each their own
	"GET /posts/{id}/flag":       row(login, forbid, allow, allow, allow, allow, forbid), // the question is member's own
	"POST /posts/{id}/flag":      row(login, forbid, allow, allow, allow, allow, forbid),

	// Moderation: the reply belongs to "other member".
	"POST /posts/{id}/hide":               row(login, forbid, forbid, allow, allow, allow, forbid),
	"POST /threads/{id}/lock":             row(login, forbid, forbid, allow, allow, allow, forbid),
	"POST /threads/{id}/pin":              row(login, forbid, forbid, allow, allow, allow, forbid),
	"POST /threads/{id}/move":             row(login, forbid, forbid, allow, allow, allow, forbid),
	"POST /threads/{id}/retag":            row(login, forbid, forbid, allow, allow, allow, forbid),
	"POST /threads/{id}/duplicate":        row(login, forbid, forbid, allow, allow, allow, forbid),
	"POST /threads/{id}/delete":           row(login, forbid, forbid, allow, allow, allow, forbid),
	"POST /users/{handle}/suspend":        row(login, forbid, forbid, allow, allow, allow, forbid), // of "other member", who cannot suspend themself
	"GET /moderation":                     row(login, forbid, forbid, allow, allow, allow, forbid),
	"POST /moderation/posts/{id}/dismiss": row(login, forbid, forbid, allow, allow, allow, forbid),
	"GET /moderation/log":                 row(login, forbid, forbid, allow, allow, allow, forbid),

	// Administration: tags are for staff; topics, subtopics and users for admins.
	"GET /admin":                            row(login, forbid, forbid, forbid, allow, allow, forbid),
	"GET /admin/tags/new":                   row(login, forbid, forbid, forbid, allow, allow, forbid),
	"POST /admin/tags/new":                  row(login, forbid, forbid, forbid, allow, allow, forbid),
	"GET /admin/tags/{id}":                  row(login, forbid, forbid, forbid, allow, allow, forbid),
	"POST /admin/tags/{id}":                 row(login, forbid, forbid, forbid, allow, allow, forbid),
	"GET /admin/topics/new":                 row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"POST /admin/topics/new":                row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"GET /admin/topics/{id}":                row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"POST /admin/topics/{id}":               row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"GET /admin/topics/{id}/subtopics/new":  row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"POST /admin/topics/{id}/subtopics/new": row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"GET /admin/subtopics/{id}":             row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"POST /admin/subtopics/{id}":            row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"GET /admin/users/{handle}":             row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"POST /admin/users/{handle}":            row(login, forbid, forbid, forbid, forbid, allow, forbid),
	"POST /account/password":                row(login, allow, allow, allow, allow, allow, allow),

	// Notifications and watching: each member their own, suspended or not.
	"GET /notifications":            row(login, allow, allow, allow, allow, allow, allow),
	"GET /notifications/live":       row(login, allow, allow, allow, allow, allow, allow),
	"POST /notifications/read":      row(login, allow, allow, allow, allow, allow, allow),
	"POST /notifications/{id}/read": row(login, allow, allow, allow, allow, allow, allow), // another's is not found
	"POST /watch":                   row(login, allow, allow, allow, allow, allow, allow),
	"GET /account/notifications":    row(login, allow, allow, allow, allow, allow, allow),
	"GET /account":                  row(login, allow, allow, allow, allow, allow, allow),
	"POST /account/verify":          row(login, allow, allow, allow, allow, allow, allow),
	// Links from email: the token, not a session, says who may.
	"POST /account/verify/{token}": row(allow, allow, allow, allow, allow, allow, allow),
	"POST /password/forgot":        row(allow, allow, allow, allow, allow, allow, allow),
	"POST /password/reset/{token}": row(allow, allow, allow, allow, allow, allow, allow),
	"POST /unsubscribe/{token}":    row(allow, allow, allow, allow, allow, allow, allow),
	"POST /account/notifications":  row(login, allow, allow, allow, allow, allow, allow),
	"/":                            row(allow, allow, allow, allow, allow, allow, allow), // any other URL: 404 or 405
}

// targetMatrix says, for every route that reads or acts on a thread or a post, what each
// kind of user gets when the target is a hidden reply (by "other member", in a thread
// "member" asked), a reply in a deleted thread, or a reply in a locked thread. Edits, boosts
// and flags name that reply; replies, accepts and the moderators' buttons its thread.
// Columns as in matrix: anonymous, member, other member, moderator, staff, admin, suspended.
// What is out of view is missing for whoever may not read it, and a conflict for those who
// may but cannot act on it in that state; suspension is checked before anything.
var targetMatrix = map[string]map[state]map[string]outcome{
	// Reading: a deleted thread, and a hidden post's history, exist only for moderators.
	"GET /threads/{id}": {
		hiddenReply:   row(allow, allow, allow, allow, allow, allow, allow),
		deletedThread: row(missing, missing, missing, allow, allow, allow, missing),
		lockedThread:  row(allow, allow, allow, allow, allow, allow, allow),
	},
	"GET /threads/{id}/{slug}": { // a redirect to the thread, which then decides
		hiddenReply:   row(allow, allow, allow, allow, allow, allow, allow),
		deletedThread: row(allow, allow, allow, allow, allow, allow, allow),
		lockedThread:  row(allow, allow, allow, allow, allow, allow, allow),
	},
	"GET /threads/{id}/live": {
		hiddenReply:   row(allow, allow, allow, allow, allow, allow, allow),
		deletedThread: row(missing, missing, missing, allow, allow, allow, missing),
		lockedThread:  row(allow, allow, allow, allow, allow, allow, allow),
	},
	"GET /posts/{id}/revisions": {
		hiddenReply:   row(missing, missing, missing, allow, allow, allow, missing),
		deletedThread: row(missing, missing, missing, allow, allow, allow, missing),
		lockedThread:  row(allow, allow, allow, allow, allow, allow, allow),
	},

	// Writing: a locked thread takes no reply from anyone, a deleted one is not there.
	"POST /threads/{id}/replies": {
		hiddenReply:   row(login, allow, allow, allow, allow, allow, forbid),
		deletedThread: row(login, missing, missing, missing, missing, missing, forbid),
		lockedThread:  row(login, conflict, conflict, conflict, conflict, conflict, forbid),
	},
	"POST /threads/{id}/accept": {
		hiddenReply:   row(login, missing, forbid, forbid, conflict, conflict, forbid),
		deletedThread: row(login, missing, forbid, forbid, conflict, conflict, forbid),
		lockedThread:  row(login, allow, forbid, forbid, allow, allow, forbid),
	},
	"GET /posts/{id}/edit": { // the reply's author may mend it only while it is in view
		hiddenReply:   row(login, forbid, missing, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, missing, allow, allow, allow, forbid),
		lockedThread:  row(login, forbid, allow, allow, allow, allow, forbid),
	},
	"POST /posts/{id}/edit": {
		hiddenReply:   row(login, forbid, missing, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, missing, allow, allow, allow, forbid),
		lockedThread:  row(login, forbid, allow, allow, allow, allow, forbid),
	},
	"POST /posts/{id}/recommend": {
		hiddenReply:   row(login, forbid, forbid, forbid, conflict, conflict, forbid),
		deletedThread: row(login, forbid, forbid, forbid, conflict, conflict, forbid),
		lockedThread:  row(login, forbid, forbid, forbid, allow, allow, forbid),
	},
	"POST /posts/{id}/boost": {
		hiddenReply:   row(login, missing, forbid, conflict, conflict, conflict, forbid),
		deletedThread: row(login, missing, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, allow, forbid, allow, allow, allow, forbid),
	},
	"GET /posts/{id}/flag": {
		hiddenReply:   row(login, missing, forbid, conflict, conflict, conflict, forbid),
		deletedThread: row(login, missing, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, allow, forbid, allow, allow, allow, forbid),
	},
	"POST /posts/{id}/flag": {
		hiddenReply:   row(login, missing, forbid, conflict, conflict, conflict, forbid),
		deletedThread: row(login, missing, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, allow, forbid, allow, allow, allow, forbid),
	},

	// Moderating: restoring and unlocking are allowed; a deleted thread must be restored
	// before anything else is done to it.
	"POST /posts/{id}/hide": { // restores the reply (hides it, in the deleted thread)
		hiddenReply:   row(login, forbid, forbid, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, forbid, forbid, allow, allow, allow, forbid),
	},
	"POST /threads/{id}/lock": { // unlocks the thread
		hiddenReply:   row(login, forbid, forbid, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, forbid, forbid, allow, allow, allow, forbid),
	},
	"POST /threads/{id}/pin": {
		hiddenReply:   row(login, forbid, forbid, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, forbid, forbid, allow, allow, allow, forbid),
	},
	"POST /threads/{id}/move": {
		hiddenReply:   row(login, forbid, forbid, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, forbid, forbid, allow, allow, allow, forbid),
	},
	"POST /threads/{id}/retag": {
		hiddenReply:   row(login, forbid, forbid, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, forbid, forbid, allow, allow, allow, forbid),
	},
	"POST /threads/{id}/duplicate": { // takes off a mark it does not have
		hiddenReply:   row(login, forbid, forbid, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, forbid, forbid, allow, allow, allow, forbid),
	},
	"POST /threads/{id}/delete": { // restores the thread
		hiddenReply:   row(login, forbid, forbid, allow, allow, allow, forbid),
		deletedThread: row(login, forbid, forbid, allow, allow, allow, forbid),
		lockedThread:  row(login, forbid, forbid, allow, allow, allow, forbid),
	},
	"POST /moderation/posts/{id}/dismiss": { // hiding and deleting closed the flags already
		hiddenReply:   row(login, forbid, forbid, conflict, conflict, conflict, forbid),
		deletedThread: row(login, forbid, forbid, conflict, conflict, conflict, forbid),
		lockedThread:  row(login, forbid, forbid, allow, allow, allow, forbid),
	},
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

// authzWorld is the forum the matrices run in: an account of each kind, and a target
// thread in each state, every one asked by "member" and answered by "other member".
type authzWorld struct {
	site    *testSite
	users   map[string]parley.User
	sub     parley.Subtopic
	topic   parley.Topic
	network parley.Tag
	targets map[state]target
}

// state is what moderators did to a target thread: nothing, or one thing.
type state string

const (
	asAsked       state = "as asked"
	hiddenReply   state = "hidden reply"
	deletedThread state = "deleted thread"
	lockedThread  state = "locked thread"
)

// target is a thread the requests act on. own is the post the edit, boost and flag
// requests name: member's question as asked, so that member acts on their own post, and in
// the other states the reply that is in that state. restore puts the state back after a
// request that may have undone it (a moderator restoring, unlocking).
type target struct {
	thread  parley.Thread
	own     parley.Post
	reply   parley.Post
	restore func() error
}

func newAuthzWorld(t *testing.T, site *testSite) *authzWorld {
	ctx := context.Background()
	w := &authzWorld{site: site, users: map[string]parley.User{}, targets: map[state]target{}}
	for _, a := range append(actors[1:], "flagger") {
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
		w.users[a] = u
	}
	byAdmin := parley.Audit{ActorID: w.users["admin"].ID}
	must(t, site.Store.SuspendUser(ctx, w.users["suspended"].ID, time.Now().Add(24*time.Hour), byAdmin))
	w.sub = firstSubtopic(t, site)
	var err error
	if w.network, err = site.Store.TagBySlug(ctx, "network"); err != nil {
		t.Fatal(err)
	}
	topics, err := site.Store.Topics(ctx)
	must(t, err)
	for _, top := range topics {
		if top.ID == w.sub.TopicID {
			w.topic = top
		}
	}
	for _, st := range []state{asAsked, hiddenReply, deletedThread, lockedThread} {
		th, op, err := site.Store.CreateThread(ctx, parley.NewThread{Title: "A thread whose rights are tested, " + string(st), SubtopicID: w.sub.ID,
			TagIDs: []int64{w.network.ID}, AuthorID: w.users["member"].ID, Text: storetest.Text("Question")})
		must(t, err)
		reply, err := site.Store.CreateReply(ctx, parley.NewReply{ThreadID: th.ID, AuthorID: w.users["other member"].ID, Text: storetest.Text("Answer")})
		must(t, err)
		tg := target{thread: th, own: reply, reply: reply, restore: func() error { return nil }}
		switch st {
		case asAsked:
			tg.own = op
		case hiddenReply:
			tg.restore = func() error { return site.Store.SetPostHidden(ctx, reply.ID, true, byAdmin) }
		case deletedThread:
			tg.thread.Deleted = true
			tg.restore = func() error { return site.Store.SetThreadDeleted(ctx, th.ID, true, byAdmin) }
		case lockedThread:
			tg.restore = func() error { return site.Store.SetLocked(ctx, th.ID, true, byAdmin) }
		}
		must(t, tg.restore())
		w.targets[st] = tg
	}
	return w
}

// requests builds, for each route, the request an actor sends about target tg; the path
// variables name the world's fixtures. The moderators' requests change nothing on a thread
// as asked (unlock an unlocked thread, move it where it is), so that the order the rows run
// in cannot matter; on a target in another state they undo it, and tg.restore redoes it.
func (w *authzWorld) requests(tg target) map[string]func(actor string) (string, url.Values) {
	th, own, reply, sub, topic, network := tg.thread, tg.own, tg.reply, w.sub, w.topic, w.network
	post := func(p parley.Post) string { return "/posts/" + itoa(p.ID) }
	return map[string]func(actor string) (string, url.Values){
		"GET /ask": func(string) (string, url.Values) { return "/ask", nil },
		"POST /ask": func(string) (string, url.Values) {
			return "/ask", url.Values{"title": {"Another question asked here"}, "subtopic": {itoa(sub.ID)}, "tags": {"network"}, "body": {"Body"}, "action": {"post"}}
		},
		"GET /threads/{id}":        func(string) (string, url.Values) { return threadPath(th.ID), nil },
		"GET /threads/{id}/{slug}": func(string) (string, url.Values) { return threadPath(th.ID) + "/" + th.Slug(), nil },
		"GET /threads/{id}/live":   func(string) (string, url.Values) { return threadPath(th.ID) + "/live", nil },
		"GET /posts/{id}/revisions": func(string) (string, url.Values) {
			return post(reply) + "/revisions", nil
		},
		"POST /threads/{id}/replies": func(string) (string, url.Values) {
			return threadPath(th.ID) + "/replies", url.Values{"body": {"Me too"}}
		},
		"POST /threads/{id}/accept": func(string) (string, url.Values) {
			return threadPath(th.ID) + "/accept", url.Values{"post": {itoa(reply.ID)}}
		},
		"GET /posts/{id}/edit": func(string) (string, url.Values) { return post(own) + "/edit", nil },
		"POST /posts/{id}/edit": func(string) (string, url.Values) {
			return post(own) + "/edit", url.Values{"body": {"Edited text"}, "action": {"save"}}
		},
		"POST /posts/{id}/recommend": func(string) (string, url.Values) { return post(reply) + "/recommend", url.Values{"on": {"1"}} },
		"POST /posts/{id}/boost":     func(string) (string, url.Values) { return post(own) + "/boost", url.Values{"on": {"1"}} },
		"POST /signup": func(actor string) (string, url.Values) {
			h := "new_" + strings.ReplaceAll(actor, " ", "_")
			return "/signup", url.Values{"handle": {h}, "display_name": {h}, "email": {h + "@example.com"}, "password": {"long enough password"}}
		},
		"POST /login": func(string) (string, url.Values) {
			return "/login", url.Values{"handle": {"as_member"}, "password": {"long enough password"}}
		},
		"POST /logout":          func(string) (string, url.Values) { return "/logout", nil },
		"GET /account/password": func(string) (string, url.Values) { return "/account/password", nil },
		"GET /account/data":     func(string) (string, url.Values) { return "/account/data", nil },
		"POST /account/password": func(string) (string, url.Values) {
			return "/account/password", url.Values{"current": {"not it"}, "password": {"whatever new one"}}
		},
		"/": func(string) (string, url.Values) { return "/no/such/page", url.Values{} },

		"GET /notifications":            func(string) (string, url.Values) { return "/notifications", nil },
		"GET /notifications/live":       func(string) (string, url.Values) { return "/notifications/live", nil },
		"POST /notifications/read":      func(string) (string, url.Values) { return "/notifications/read", url.Values{} },
		"POST /notifications/{id}/read": func(string) (string, url.Values) { return "/notifications/999999/read", url.Values{} },
		"POST /watch": func(string) (string, url.Values) {
			return "/watch", url.Values{"kind": {"thread"}, "id": {itoa(th.ID)}, "level": {"watch"}}
		},
		"GET /account/notifications":  func(string) (string, url.Values) { return "/account/notifications", nil },
		"POST /account/notifications": func(string) (string, url.Values) { return "/account/notifications", url.Values{"watch_own": {"1"}} },
		"GET /account":                func(string) (string, url.Values) { return "/account", nil },
		"POST /account/verify":        func(string) (string, url.Values) { return "/account/verify", url.Values{} },
		"POST /account/verify/{token}": func(string) (string, url.Values) {
			return "/account/verify/not-a-token", url.Values{}
		},
		"POST /password/forgot": func(string) (string, url.Values) {
			return "/password/forgot", url.Values{"email": {"as_member@example.com"}}
		},
		"POST /password/reset/{token}": func(string) (string, url.Values) {
			return "/password/reset/not-a-token", url.Values{"password": {"a new long password"}}
		},
		"POST /unsubscribe/{token}": func(string) (string, url.Values) { return "/unsubscribe/1.forged", url.Values{} },

		"GET /posts/{id}/flag":  func(string) (string, url.Values) { return post(own) + "/flag", nil },
		"POST /posts/{id}/flag": func(string) (string, url.Values) { return post(own) + "/flag", url.Values{"reason": {"spam"}} },
		"POST /posts/{id}/hide": func(string) (string, url.Values) {
			// Restore the reply; in a deleted thread, where restoring a visible reply would
			// change nothing, hide it, which a deleted thread refuses.
			return post(reply) + "/hide", url.Values{"on": {pick(th.Deleted, "1", "0")}}
		},
		"POST /threads/{id}/lock": func(string) (string, url.Values) { return threadPath(th.ID) + "/lock", url.Values{"on": {"0"}} },
		"POST /threads/{id}/pin":  func(string) (string, url.Values) { return threadPath(th.ID) + "/pin", url.Values{"on": {"0"}} },
		"POST /threads/{id}/move": func(string) (string, url.Values) {
			return threadPath(th.ID) + "/move", url.Values{"subtopic": {itoa(sub.ID)}}
		},
		"POST /threads/{id}/retag": func(string) (string, url.Values) {
			return threadPath(th.ID) + "/retag", url.Values{"tags": {"network"}}
		},
		"POST /threads/{id}/duplicate": func(string) (string, url.Values) {
			other := w.targets[asAsked].thread
			if other.ID == th.ID {
				other = w.targets[lockedThread].thread
			}
			return threadPath(th.ID) + "/duplicate", url.Values{"on": {"0"}, "target": {itoa(other.ID)}}
		},
		"POST /threads/{id}/delete": func(string) (string, url.Values) { return threadPath(th.ID) + "/delete", url.Values{"on": {"0"}} },
		"POST /users/{handle}/suspend": func(string) (string, url.Values) {
			return "/users/as_other_member/suspend", url.Values{"days": {"0"}}
		},
		"GET /moderation": func(string) (string, url.Values) { return "/moderation", nil },
		"POST /moderation/posts/{id}/dismiss": func(string) (string, url.Values) {
			// A flag to dismiss, where the reply takes one; a second is refused, and fine.
			w.site.Store.FlagPost(context.Background(), parley.NewFlag{PostID: reply.ID, ReporterID: w.users["flagger"].ID, Reason: parley.FlagSpam})
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
}

// send sends an actor's request on a route and reports what came of it.
func (w *authzWorld) send(t *testing.T, pattern, actor string, build func(string) (string, url.Values)) outcome {
	c := sessionClient(t, w.site, w.users[actor])
	path, form := build(actor)
	method, _, found := strings.Cut(pattern, " ")
	if !found {
		method = http.MethodPost // a pattern for every method: try the one that writes
	}
	return try(t, c, w.site.URL, method, path, form)
}

func TestAuthorizationMatrix(t *testing.T) {
	w := newAuthzWorld(t, newSite(t, tinyForum))
	requests := w.requests(w.targets[asAsked])
	for _, rt := range w.site.Server.Routes() {
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
				// Here a route either lets the user in or not: a 404 or 409 is the route
				// judging its input, which the target matrix below states.
				if got := coarse(w.send(t, pattern, actor, build)); got != expect[actor] {
					t.Errorf("%s as %s: %s, want %s", pattern, actor, got, expect[actor])
				}
			})
		}
	}
}

// actsOnTarget reports whether a route reads or acts on one thread or post.
func actsOnTarget(rt web.Route) bool {
	return strings.Contains(rt.Pattern, "/threads/{id}") || strings.Contains(rt.Pattern, "/posts/{id}")
}

// TestAuthorizationOnTargets runs every route that reads or acts on a thread or a post
// against a hidden reply, a deleted thread and a locked thread, as each kind of user, and
// checks the outcome targetMatrix states. It fails when such a route has no row there.
func TestAuthorizationOnTargets(t *testing.T) {
	w := newAuthzWorld(t, newSiteWith(t, tinyForum, web.Config{AddressPosts: 1000})) // every reply comes from one address
	for _, rt := range w.site.Server.Routes() {
		if !actsOnTarget(rt) {
			continue
		}
		pattern := rt.Pattern
		rows, ok := targetMatrix[pattern]
		if !ok {
			t.Errorf("route %q has no rows in the target matrix: say what each user gets on a hidden reply, a deleted thread and a locked thread", pattern)
			continue
		}
		for _, st := range []state{hiddenReply, deletedThread, lockedThread} {
			expect, ok := rows[st]
			if !ok {
				t.Errorf("route %q has no row for a %s", pattern, st)
				continue
			}
			tg := w.targets[st]
			build := w.requests(tg)[pattern]
			for _, actor := range actors {
				t.Run(pattern+"/"+string(st)+"/"+actor, func(t *testing.T) {
					got := w.send(t, pattern, actor, build)
					must(t, tg.restore())
					if got != expect[actor] {
						t.Errorf("%s on a %s as %s: %s, want %s", pattern, st, actor, got, expect[actor])
					}
				})
			}
		}
	}
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
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
	case res.StatusCode == http.StatusNotFound:
		return missing
	case res.StatusCode == http.StatusConflict:
		return conflict
	case res.StatusCode >= 500:
		t.Fatalf("%s %s answered %d", method, path, res.StatusCode)
	}
	return allow
}

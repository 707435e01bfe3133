package storetest

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
)

// Notifier is a store that tells listeners of each change it commits, before the write
// returns: the one signal every cache and live page hangs on.
type Notifier interface {
	OnChange(fn func(context.Context, events.Event))
}

// unannounced lists the Store methods that change nothing a page shows, with why. Every
// other method must appear in changeCases, so that a write added to the Store without
// announcing its change fails this suite rather than leaving caches stale.
var unannounced = map[string]string{
	"Topics": "read", "TopicBySlug": "read", "Tags": "read", "TagBySlug": "read",
	"UserByID": "read", "UserByHandle": "read", "UserPosts": "read", "Threads": "read",
	"PinnedThreads": "read", "Thread": "read", "SimilarThreads": "read", "Search": "read", "Posts": "read", "ThreadWithPosts": "read",
	"Post": "read", "Attachment": "read", "Revisions": "read", "BoostedPosts": "read", "UserBoosts": "read", "UserBadges": "read", "ThreadLinks": "read",
	"FlagQueue": "read", "ModerationLog": "read", "CredentialsByHandle": "read",
	"SessionUser": "read", "Close": "not a change",

	"CreateUser":            "a new user shows on no page until they post",
	"CreateAccount":         "a new user shows on no page until they post",
	"SetPasswordHash":       "no page shows a password",
	"CreateSession":         "no shared page shows a session",
	"DeleteSession":         "no shared page shows a session",
	"DeleteExpiredSessions": "no shared page shows a session",
	"RecordUpload":          "no page shows a file until a post carries it",
	"CollectUploads":        "removes only files no post carries",
	"FlagPost":              "flags show only in the moderators' queue, which no cache keeps",
	"DismissFlags":          "flags show only in the moderators' queue, which no cache keeps",
	"Bulk":                  "loads an empty store before it serves",
	"WatchLevel":            "read", "NotificationSettings": "read", "Notifications": "read", "UnreadNotifications": "read",
	"SetWatch":                "shows only on its member's pages, which no cache keeps",
	"SetNotificationSettings": "shows only on its member's pages, which no cache keeps",
	"ClaimEmails":             "the outbox shows on no page",
	"EmailSent":               "the outbox and emailed_at show on no page",
	"EmailFailed":             "the outbox shows on no page",
	"Outbox":                  "read",
	"SweepOutbox":             "the outbox shows on no page",
	"SetEmailChoice":          "shows only on its member's pages, which no cache keeps",
	"SiteKey":                 "no page shows a key",
	"EmailStatus":             "read", "CheckResetToken": "read",
	"RequestEmailVerification": "writes an email, which no page shows",
	"RequestPasswordReset":     "writes an email, which no page shows",
	"VerifyEmail":              "shows only on its member's account page, which no cache keeps",
	"ResetPassword":            "no page shows a password",
}

// changeCase makes one write and returns the change it must announce.
type changeCase func(e *env, f forum) events.Event

var changeCases = map[string]changeCase{
	"AddViews": func(e *env, f forum) events.Event {
		th := e.thread(f, f.asker, f.tagA)
		must(e.t, e.s.AddViews(e.ctx, map[int64]int64{th.ID: 3}))
		return events.Event{Kind: events.ViewsCounted}
	},
	"CreateTopic": func(e *env, f forum) events.Event {
		e.topic()
		return events.Event{Kind: events.ForumChanged}
	},
	"CreateSubtopic": func(e *env, f forum) events.Event {
		e.subtopic(f.topic.ID)
		return events.Event{Kind: events.ForumChanged}
	},
	"CreateTag": func(e *env, f forum) events.Event {
		e.tag()
		return events.Event{Kind: events.ForumChanged}
	},
	"UpdateTopic": func(e *env, f forum) events.Event {
		_, err := e.s.UpdateTopic(e.ctx, f.topic.ID, parley.NewTopic{Slug: f.topic.Slug, Name: "Renamed"}, f.by(""))
		must(e.t, err)
		return events.Event{Kind: events.ForumChanged}
	},
	"UpdateSubtopic": func(e *env, f forum) events.Event {
		_, err := e.s.UpdateSubtopic(e.ctx, f.sub.ID, parley.NewSubtopic{Slug: f.sub.Slug, Name: "Renamed"}, f.by(""))
		must(e.t, err)
		return events.Event{Kind: events.ForumChanged}
	},
	"UpdateTag": func(e *env, f forum) events.Event {
		_, err := e.s.UpdateTag(e.ctx, f.tagA.ID, parley.NewTag{Slug: f.tagA.Slug, Name: "Renamed"}, f.by(""))
		must(e.t, err)
		return events.Event{Kind: events.ForumChanged}
	},
	"UpdateUser": func(e *env, f forum) events.Event {
		_, err := e.s.UpdateUser(e.ctx, parley.UserUpdate{UserID: f.answerer.ID, Role: parley.RoleStaff, Badge: "DTS Engineer"}, f.by(""))
		must(e.t, err)
		return events.Event{Kind: events.ForumChanged}
	},
	"SuspendUser": func(e *env, f forum) events.Event {
		must(e.t, e.s.SuspendUser(e.ctx, f.answerer.ID, e.clock.Now().Add(time.Hour), f.by("")))
		return events.Event{Kind: events.ForumChanged}
	},
	"CreateThread": func(e *env, f forum) events.Event {
		th := e.thread(f, f.asker, f.tagA)
		lists := []int64{}
		for _, sc := range parley.Scopes(f.topic.ID, f.sub.ID, []int64{f.tagA.ID}) {
			lists = append(lists, sc.Key())
		}
		return events.Event{Kind: events.ThreadAdded, ThreadID: th.ID, Lists: lists}
	},
	"CreateReply": func(e *env, f forum) events.Event {
		th := e.thread(f, f.asker, f.tagA)
		e.reply(th.ID, f.answerer)
		return threadChanged(th.ID)
	},
	"EditPost": func(e *env, f forum) events.Event {
		p := e.reply(e.thread(f, f.asker, f.tagA).ID, f.answerer)
		_, err := e.s.EditPost(e.ctx, parley.PostEdit{PostID: p.ID, EditorID: f.answerer.ID, Text: text("Better.")})
		must(e.t, err)
		return threadChanged(p.ThreadID)
	},
	"SetBoost": func(e *env, f forum) events.Event {
		p := e.reply(e.thread(f, f.asker, f.tagA).ID, f.answerer)
		_, err := e.s.SetBoost(e.ctx, f.asker.ID, p.ID, true)
		must(e.t, err)
		return threadChanged(p.ThreadID)
	},
	"AcceptAnswer": func(e *env, f forum) events.Event {
		p := e.reply(e.thread(f, f.asker, f.tagA).ID, f.answerer)
		must(e.t, e.s.AcceptAnswer(e.ctx, p.ThreadID, p.ID))
		return threadChanged(p.ThreadID)
	},
	"SetRecommended": func(e *env, f forum) events.Event {
		p := e.reply(e.thread(f, f.asker, f.tagA).ID, f.answerer)
		must(e.t, e.s.SetRecommended(e.ctx, p.ID, true))
		return threadChanged(p.ThreadID)
	},
	"SetPinned": func(e *env, f forum) events.Event {
		th := e.thread(f, f.asker, f.tagA)
		must(e.t, e.s.SetPinned(e.ctx, th.ID, nil, true, f.by("")))
		return threadChanged(th.ID)
	},
	"SetLocked": func(e *env, f forum) events.Event {
		th := e.thread(f, f.asker, f.tagA)
		must(e.t, e.s.SetLocked(e.ctx, th.ID, true, f.by("")))
		return threadChanged(th.ID)
	},
	"SetPostHidden": func(e *env, f forum) events.Event {
		p := e.reply(e.thread(f, f.asker, f.tagA).ID, f.answerer)
		must(e.t, e.s.SetPostHidden(e.ctx, p.ID, true, f.by("")))
		return threadChanged(p.ThreadID)
	},
	"SetThreadDeleted": func(e *env, f forum) events.Event {
		th := e.thread(f, f.asker, f.tagA)
		must(e.t, e.s.SetThreadDeleted(e.ctx, th.ID, true, f.by("")))
		return threadChanged(th.ID)
	},
	"MoveThread": func(e *env, f forum) events.Event {
		th := e.thread(f, f.asker, f.tagA)
		must(e.t, e.s.MoveThread(e.ctx, th.ID, e.subtopic(f.topic.ID).ID, f.by("")))
		return threadChanged(th.ID)
	},
	"FanOut": func(e *env, f forum) events.Event {
		e.reply(e.thread(f, f.asker, f.tagA).ID, f.answerer)
		e.fanOut()
		return events.Event{Kind: events.Notified}
	},
	"MarkNotificationsRead": func(e *env, f forum) events.Event {
		must(e.t, e.s.MarkNotificationsRead(e.ctx, f.asker.ID, 0))
		return events.Event{Kind: events.Notified}
	},
	"SetDuplicate": func(e *env, f forum) events.Event {
		th, target := e.thread(f, f.asker, f.tagA), e.thread(f, f.asker, f.tagA)
		must(e.t, e.s.SetDuplicate(e.ctx, th.ID, target.ID, true, f.by("")))
		return threadChanged(target.ID)
	},
	"RetagThread": func(e *env, f forum) events.Event {
		th := e.thread(f, f.asker, f.tagA)
		must(e.t, e.s.RetagThread(e.ctx, th.ID, []int64{f.tagB.ID}, f.by("")))
		return threadChanged(th.ID)
	},
}

func threadChanged(id int64) events.Event {
	return events.Event{Kind: events.ThreadChanged, ThreadID: id}
}

// testChanges makes every kind of write and checks that the store announced what it
// changed once the write returned, and that no Store method is left unaccounted for.
func testChanges(t *testing.T, e *env) {
	n, ok := e.s.(Notifier)
	if !ok {
		t.Fatalf("%T does not announce its changes (Notifier)", e.s)
	}
	var mu sync.Mutex
	var heard []events.Event
	n.OnChange(func(_ context.Context, ev events.Event) {
		mu.Lock()
		heard = append(heard, ev)
		mu.Unlock()
	})
	methods := reflect.TypeFor[parley.Store]()
	for i := range methods.NumMethod() {
		name := methods.Method(i).Name
		_, quiet := unannounced[name]
		write, isCase := changeCases[name]
		switch {
		case quiet && isCase:
			t.Errorf("%s is both a change and unannounced", name)
		case quiet:
		case !isCase:
			t.Errorf("Store.%s is neither a change this suite checks nor listed as unannounced: add it to one", name)
		default:
			t.Run(name, func(t *testing.T) {
				outer := e.t
				e.t = t
				defer func() { e.t = outer }()
				f := e.forum()
				mu.Lock()
				heard = nil
				mu.Unlock()
				want := write(e, f)
				mu.Lock()
				got := slices.Clone(heard)
				mu.Unlock()
				if !slices.ContainsFunc(got, func(ev events.Event) bool { return sameEvent(ev, want) }) {
					t.Errorf("after %s the store announced %+v, want %+v among them", name, got, want)
				}
			})
		}
	}
}

func sameEvent(a, b events.Event) bool {
	return a.Kind == b.Kind && a.ThreadID == b.ThreadID &&
		slices.Equal(slices.Sorted(slices.Values(a.Lists)), slices.Sorted(slices.Values(b.Lists)))
}

// testQuietWrites checks that a write that changes nothing, or is refused, announces
// nothing: caches would otherwise be cleared, and live pages woken, for no change.
func testQuietWrites(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	p := e.reply(th.ID, f.answerer)
	_, err := e.s.SetBoost(e.ctx, f.asker.ID, p.ID, true)
	must(t, err)
	must(t, e.s.SetLocked(e.ctx, th.ID, true, f.by("")))
	must(t, e.s.SetPostHidden(e.ctx, p.ID, true, f.by("")))
	var mu sync.Mutex
	var heard []events.Event
	e.s.(Notifier).OnChange(func(_ context.Context, ev events.Event) {
		mu.Lock()
		heard = append(heard, ev)
		mu.Unlock()
	})
	for name, write := range map[string]func() error{
		"a boost set again": func() error { _, err := e.s.SetBoost(e.ctx, f.asker.ID, p.ID, true); return err },
		"a lock set again":  func() error { return e.s.SetLocked(e.ctx, th.ID, true, f.by("")) },
		"a hidden post hidden again": func() error {
			return e.s.SetPostHidden(e.ctx, p.ID, true, f.by(""))
		},
		"a reply to a locked thread (refused)": func() error {
			_, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.answerer.ID, Text: text("Late.")})
			return err
		},
		"a move to a subtopic that does not exist (refused)": func() error {
			return e.s.MoveThread(e.ctx, th.ID, 99999, f.by(""))
		},
	} {
		write()
		mu.Lock()
		if len(heard) > 0 {
			t.Errorf("%s announced %+v", name, heard)
		}
		heard = nil
		mu.Unlock()
	}
}

package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// fanOut does every pending notification job.
func (e *env) fanOut() {
	e.t.Helper()
	for range 1000 {
		n, err := e.s.FanOut(e.ctx, 50)
		must(e.t, err)
		if n == 0 {
			return
		}
	}
	e.t.Fatal("fan-out does not end")
}

func (e *env) watch(u parley.User, kind parley.WatchKind, id int64, level parley.WatchLevel) {
	e.t.Helper()
	must(e.t, e.s.SetWatch(e.ctx, u.ID, parley.Watch{Kind: kind, TargetID: id}, level))
}

// notes returns every notification u sees, newest first.
func (e *env) notes(u parley.User) []parley.Notification {
	e.t.Helper()
	ns, err := e.s.Notifications(e.ctx, u.ID, 0, 1000)
	must(e.t, err)
	return ns
}

func (e *env) unread(u parley.User) int {
	e.t.Helper()
	n, err := e.s.UnreadNotifications(e.ctx, u.ID)
	must(e.t, err)
	return n
}

// kinds describes notifications as "kind:post" each, for comparing at a glance.
func kinds(ns []parley.Notification) string {
	out := ""
	for _, n := range ns {
		out += fmt.Sprintf("%s:%d ", n.Kind, n.PostID)
	}
	return out
}

func wantNotes(t *testing.T, who string, got []parley.Notification, want string) {
	t.Helper()
	if kinds(got) != want {
		t.Errorf("%s was told %q, want %q", who, kinds(got), want)
	}
}

func (e *env) replyText(threadID int64, author parley.User, body string) parley.Post {
	e.t.Helper()
	p, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: threadID, AuthorID: author.ID, Text: text(body)})
	must(e.t, err)
	return p
}

func testNotifyReply(t *testing.T, e *env) {
	f := e.forum()
	watcher, muter := e.user(parley.RoleMember), e.user(parley.RoleMember)
	th := e.thread(f, f.asker, f.tagA)
	e.watch(watcher, parley.WatchThread, th.ID, parley.WatchOn)
	e.watch(muter, parley.WatchTag, f.tagA.ID, parley.WatchOn)
	e.watch(muter, parley.WatchThread, th.ID, parley.WatchMuted)
	e.fanOut() // the question itself tells the tag's watchers, but the muter muted it
	wantNotes(t, "the muter, of the question", e.notes(muter), "")

	p := e.reply(th.ID, f.answerer)
	if n := e.unread(f.asker); n != 0 {
		t.Errorf("the asker has %d unread before the fan-out, want 0: it runs after the reply", n)
	}
	e.fanOut()
	e.fanOut() // a job is done once
	want := fmt.Sprintf("reply:%d ", p.ID)
	wantNotes(t, "the asker (watching by asking)", e.notes(f.asker), want)
	wantNotes(t, "a watcher", e.notes(watcher), want)
	wantNotes(t, "the reply's author", e.notes(f.answerer), "")
	wantNotes(t, "a member who muted the thread", e.notes(muter), "")
	if n := e.unread(f.asker); n != 1 {
		t.Errorf("the asker has %d unread, want 1", n)
	}
	got := e.notes(watcher)[0]
	if got.Actor.ID != f.answerer.ID || got.ThreadID != th.ID || got.ThreadTitle != th.Title || !got.Unread() || !got.EmailedAt.IsZero() {
		t.Errorf("the watcher's notification is %+v, want the answerer's reply in %q, unread, not emailed", got, th.Title)
	}

	// The answerer now watches by replying: the asker's answer tells them.
	back := e.reply(th.ID, f.asker)
	e.fanOut()
	wantNotes(t, "the answerer, after replying", e.notes(f.answerer), fmt.Sprintf("reply:%d ", back.ID))
	if lvl, err := e.s.WatchLevel(e.ctx, muter.ID, parley.Watch{Kind: parley.WatchThread, TargetID: th.ID}); err != nil || lvl != parley.WatchMuted {
		t.Errorf("the muter's level is %q, %v; want mute", lvl, err)
	}
}

func testNotifyMention(t *testing.T, e *env) {
	f := e.forum()
	named, watching := e.user(parley.RoleMember), e.user(parley.RoleMember)
	th := e.thread(f, f.asker, f.tagA)
	e.watch(watching, parley.WatchThread, th.ID, parley.WatchOn)
	p := e.replyText(th.ID, f.answerer, fmt.Sprintf("Ask @%s and @%s, not `@%s`. Signed @%s, @nobody_here",
		named.Handle, watching.Handle, f.mod.Handle, f.answerer.Handle))
	e.fanOut()
	wantNotes(t, "the member named", e.notes(named), fmt.Sprintf("mention:%d ", p.ID))
	wantNotes(t, "a watcher named", e.notes(watching), fmt.Sprintf("mention:%d ", p.ID))
	wantNotes(t, "a member named in code", e.notes(f.mod), "")
	wantNotes(t, "the writer naming themself", e.notes(f.answerer), "")

	// An edit tells only those it newly names.
	_, err := e.s.EditPost(e.ctx, parley.PostEdit{PostID: p.ID, EditorID: f.answerer.ID,
		Text: text(fmt.Sprintf("Ask @%s and @%s", named.Handle, f.mod.Handle))})
	must(t, err)
	e.fanOut()
	wantNotes(t, "the member named twice", e.notes(named), fmt.Sprintf("mention:%d ", p.ID))
	wantNotes(t, "the member named by the edit", e.notes(f.mod), fmt.Sprintf("mention:%d ", p.ID))
}

func testNotifyAnswers(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	p := e.reply(th.ID, f.answerer)
	e.fanOut()
	must(t, e.s.AcceptAnswer(e.ctx, th.ID, p.ID))
	must(t, e.s.SetRecommended(e.ctx, p.ID, true))
	e.fanOut()
	// Taken back and given again, each is news once.
	must(t, e.s.AcceptAnswer(e.ctx, th.ID, 0))
	must(t, e.s.AcceptAnswer(e.ctx, th.ID, p.ID))
	must(t, e.s.SetRecommended(e.ctx, p.ID, false))
	must(t, e.s.SetRecommended(e.ctx, p.ID, true))
	e.fanOut()
	ns := e.notes(f.answerer)
	wantNotes(t, "the answerer", ns, fmt.Sprintf("recommended:%d accepted:%d ", p.ID, p.ID))
	if len(ns) == 2 && ns[1].Actor.ID != f.asker.ID {
		t.Errorf("the acceptance's actor is %+v, want the asker", ns[1].Actor)
	}
	// An asker accepting their own reply tells nobody.
	own := e.reply(th.ID, f.asker)
	e.fanOut()
	before := len(e.notes(f.asker))
	must(t, e.s.AcceptAnswer(e.ctx, th.ID, own.ID))
	e.fanOut()
	if got := len(e.notes(f.asker)); got != before {
		t.Errorf("accepting their own reply told the asker: %d notifications, had %d", got, before)
	}
}

func testNotifyBoosts(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	p := e.reply(th.ID, f.answerer)
	e.fanOut()
	boosters := []parley.User{f.asker, e.user(parley.RoleMember), e.user(parley.RoleMember)}
	for _, u := range boosters {
		_, err := e.s.SetBoost(e.ctx, u.ID, p.ID, true)
		must(t, err)
		e.fanOut()
	}
	// Taking a boost back and giving it again is one booster still, not two.
	for _, on := range []bool{false, true, false, true} {
		e.clock.Advance(time.Minute)
		_, err := e.s.SetBoost(e.ctx, boosters[1].ID, p.ID, on)
		must(t, err)
		e.fanOut()
	}
	ns := e.notes(f.answerer)
	wantNotes(t, "the boosted author", ns, fmt.Sprintf("boost:%d ", p.ID))
	if len(ns) == 1 && (ns[0].Actors != 3 || ns[0].Actor.ID != boosters[1].ID) {
		t.Errorf("the grouped boost counts %d, last by %d; want 3, last by %d", ns[0].Actors, ns[0].Actor.ID, boosters[1].ID)
	}
	if n := e.unread(f.answerer); n != 1 {
		t.Errorf("unread %d, want 1", n)
	}
	must(t, e.s.MarkNotificationsRead(e.ctx, f.answerer.ID, 0))
	_, err := e.s.SetBoost(e.ctx, e.user(parley.RoleMember).ID, p.ID, true)
	must(t, err)
	e.fanOut()
	ns = e.notes(f.answerer)
	wantNotes(t, "the author after reading", ns, fmt.Sprintf("boost:%d boost:%d ", p.ID, p.ID))
	if len(ns) == 2 && (ns[0].Actors != 1 || !ns[0].Unread() || ns[1].Unread()) {
		t.Errorf("a boost after reading counts %d (unread %v), want a new unread notification of 1", ns[0].Actors, ns[0].Unread())
	}
}

func testNotifyNewThread(t *testing.T, e *env) {
	f := e.forum()
	tagWatcher, subWatcher, fan, muter := e.user(parley.RoleMember), e.user(parley.RoleMember), e.user(parley.RoleMember), e.user(parley.RoleMember)
	e.watch(tagWatcher, parley.WatchTag, f.tagA.ID, parley.WatchOn)
	e.watch(tagWatcher, parley.WatchTag, f.tagB.ID, parley.WatchOn)
	e.watch(subWatcher, parley.WatchSubtopic, f.sub.ID, parley.WatchOn)
	e.watch(fan, parley.WatchUser, f.asker.ID, parley.WatchOn)
	e.watch(muter, parley.WatchSubtopic, f.sub.ID, parley.WatchOn)
	e.watch(muter, parley.WatchTag, f.tagB.ID, parley.WatchMuted)
	e.watch(f.asker, parley.WatchTag, f.tagA.ID, parley.WatchOn)
	th := e.thread(f, f.asker, f.tagA, f.tagB)
	e.fanOut()
	q, err := e.s.Posts(e.ctx, th.ID, 0, 1)
	must(t, err)
	want := fmt.Sprintf("thread:%d ", q[0].ID)
	wantNotes(t, "a watcher of both tags", e.notes(tagWatcher), want)
	wantNotes(t, "a watcher of the subtopic", e.notes(subWatcher), want)
	wantNotes(t, "a watcher of the asker", e.notes(fan), want)
	wantNotes(t, "a member who muted one of its tags", e.notes(muter), "")
	wantNotes(t, "the asker", e.notes(f.asker), "")
	e.thread(f, f.asker, e.tag()) // another tag: still in the subtopic
	e.fanOut()
	if got := len(e.notes(tagWatcher)); got != 1 {
		t.Errorf("the tags' watcher has %d notifications after a thread in another tag, want 1", got)
	}
	if got := len(e.notes(subWatcher)); got != 2 {
		t.Errorf("the subtopic's watcher has %d notifications after a second thread, want 2", got)
	}
}

func testNotifyHidden(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	early := e.reply(th.ID, f.answerer)
	must(t, e.s.SetPostHidden(e.ctx, early.ID, true, f.by("spam")))
	e.fanOut()
	wantNotes(t, "the asker, of a reply hidden before the fan-out", e.notes(f.asker), "")

	late := e.reply(th.ID, f.answerer)
	e.fanOut()
	wantNotes(t, "the asker", e.notes(f.asker), fmt.Sprintf("reply:%d ", late.ID))
	must(t, e.s.SetPostHidden(e.ctx, late.ID, true, f.by("spam")))
	wantNotes(t, "the asker, of a reply hidden since", e.notes(f.asker), "")
	if n := e.unread(f.asker); n != 0 {
		t.Errorf("unread %d after the reply was hidden, want 0", n)
	}
	must(t, e.s.SetPostHidden(e.ctx, late.ID, false, f.by("")))
	wantNotes(t, "the asker, of a reply restored", e.notes(f.asker), fmt.Sprintf("reply:%d ", late.ID))

	other := e.thread(f, f.answerer, f.tagA)
	p := e.reply(other.ID, f.asker)
	must(t, e.s.SetThreadDeleted(e.ctx, other.ID, true, f.by("")))
	e.fanOut()
	for _, n := range e.notes(f.answerer) {
		if n.ThreadID == other.ID && n.Kind != parley.NotifyModeration {
			t.Errorf("the answerer was told %s of post %d in a deleted thread", n.Kind, p.ID)
		}
	}
}

func testNotifyModeration(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	p := e.reply(th.ID, f.answerer)
	e.fanOut()
	must(t, e.s.SetPostHidden(e.ctx, p.ID, true, f.by("spam")))
	must(t, e.s.SetLocked(e.ctx, th.ID, true, f.by("")))
	must(t, e.s.SetPinned(e.ctx, th.ID, nil, true, f.by(""))) // not an action on their content to hear of
	e.fanOut()
	got := e.notes(f.answerer)
	if len(got) != 1 || got[0].Kind != parley.NotifyModeration || got[0].Detail != parley.LogPostHidden || got[0].Actor.ID != f.mod.ID {
		t.Errorf("the hidden reply's author was told %+v, want the moderator hid it", got)
	}
	asked := e.notes(f.asker)
	if len(asked) == 0 || asked[0].Kind != parley.NotifyModeration || asked[0].Detail != parley.LogThreadLocked {
		t.Errorf("the asker was told %q, want the lock first", kinds(asked))
	}
	for _, n := range asked {
		if n.Detail == parley.LogThreadPinned {
			t.Errorf("the asker was told of a pin")
		}
	}
	wantNotes(t, "the moderator", e.notes(f.mod), "")
}

func testNotifyMarkRead(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	e.reply(th.ID, f.answerer)
	e.reply(th.ID, f.answerer)
	e.fanOut()
	ns := e.notes(f.asker)
	if len(ns) != 2 {
		t.Fatalf("the asker has %d notifications, want 2", len(ns))
	}
	isNotFound(t, e.s.MarkNotificationsRead(e.ctx, f.answerer.ID, ns[0].ID))
	must(t, e.s.MarkNotificationsRead(e.ctx, f.asker.ID, ns[0].ID))
	if n := e.unread(f.asker); n != 1 {
		t.Errorf("unread %d after marking one, want 1", n)
	}
	ns = e.notes(f.asker)
	if ns[0].Unread() || !ns[1].Unread() {
		t.Errorf("marked read: %v, %v; want the first only", !ns[0].Unread(), !ns[1].Unread())
	}
	page, err := e.s.Notifications(e.ctx, f.asker.ID, ns[0].ID, 10)
	must(t, err)
	if len(page) != 1 || page[0].ID != ns[1].ID {
		t.Errorf("the page before %d holds %q, want the older one", ns[0].ID, kinds(page))
	}
	must(t, e.s.MarkNotificationsRead(e.ctx, f.asker.ID, 0))
	if n := e.unread(f.asker); n != 0 {
		t.Errorf("unread %d after marking all, want 0", n)
	}
}

func testNotifyWatchOwnOff(t *testing.T, e *env) {
	f := e.forum()
	st, err := e.s.NotificationSettings(e.ctx, f.answerer.ID)
	must(t, err)
	if !st.WatchOwn {
		t.Errorf("a new member does not watch what they write")
	}
	must(t, e.s.SetNotificationSettings(e.ctx, f.answerer.ID, parley.NotificationSettings{WatchOwn: false}))
	th := e.thread(f, f.asker, f.tagA)
	e.reply(th.ID, f.answerer)
	e.reply(th.ID, f.asker)
	e.fanOut()
	wantNotes(t, "a replier who turned watching off", e.notes(f.answerer), "")
	lvl, err := e.s.WatchLevel(e.ctx, f.answerer.ID, parley.Watch{Kind: parley.WatchThread, TargetID: th.ID})
	must(t, err)
	if lvl != parley.WatchNone {
		t.Errorf("the replier's level is %q, want none", lvl)
	}
	wantCode(t, e.s.SetWatch(e.ctx, f.asker.ID, parley.Watch{Kind: "planet", TargetID: 1}, parley.WatchOn), parley.EInvalid)
	isNotFound(t, e.s.SetWatch(e.ctx, f.asker.ID, parley.Watch{Kind: parley.WatchTag, TargetID: 99999}, parley.WatchOn))
}

// testNotifyUnreadLimit checks that the unread count stops at its limit while the list
// holds every notification.
func testNotifyUnreadLimit(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	for range parley.UnreadCountLimit + 1 {
		e.reply(th.ID, f.answerer)
	}
	e.fanOut()
	if n := e.unread(f.asker); n != parley.UnreadCountLimit {
		t.Errorf("unread %d, want the limit %d", n, parley.UnreadCountLimit)
	}
	if n := len(e.notes(f.asker)); n != parley.UnreadCountLimit+1 {
		t.Errorf("the list holds %d, want %d", n, parley.UnreadCountLimit+1)
	}
}

// testFanOutConcurrent runs two workers on the same jobs at once: on a database shared by
// several nodes each job must still be fanned out exactly once. The thread has more
// watchers than one transaction tells, so each job is done in batches, which either worker
// may continue.
func testFanOutConcurrent(t *testing.T, e *env) {
	const watchers, replies = 1100, 4
	bulk, err := e.s.Bulk(e.ctx)
	must(t, err)
	members := make([]parley.User, watchers)
	for i := range members {
		members[i] = parley.User{ID: int64(1000 + i), Handle: fmt.Sprintf("watcher%d", i), DisplayName: "Watcher", Role: parley.RoleMember, CreatedAt: e.clock.Now()}
	}
	must(t, bulk.Users(e.ctx, members))
	must(t, bulk.Close(e.ctx))
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	for _, u := range members {
		e.watch(u, parley.WatchThread, th.ID, parley.WatchOn)
	}
	for range replies {
		e.reply(th.ID, f.answerer)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() {
			for {
				n, err := e.s.FanOut(e.ctx, 2)
				if err != nil || n == 0 {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	for range 2 {
		must(t, <-errs)
	}
	for _, w := range []parley.User{members[0], members[watchers/2], members[watchers-1], f.asker} {
		if n := len(e.notes(w)); n != replies {
			t.Errorf("%s has %d notifications, want %d", w.Handle, n, replies)
		}
	}
	var total int
	for _, w := range members {
		total += e.unread(w)
	}
	if total != watchers*replies {
		t.Errorf("%d notifications in all, want %d: one per watcher per reply", total, watchers*replies)
	}
}

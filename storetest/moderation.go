package storetest

import (
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// lastLog returns the newest moderation log entry.
func (e *env) lastLog() parley.LogEntry {
	e.t.Helper()
	log, err := e.s.ModerationLog(e.ctx, 0, 1)
	must(e.t, err)
	if len(log) == 0 {
		e.t.Fatal("the moderation log is empty")
	}
	return log[0]
}

func (e *env) logLength() int {
	e.t.Helper()
	log, err := e.s.ModerationLog(e.ctx, 0, 1000)
	must(e.t, err)
	return len(log)
}

func testFlags(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	first := e.reply(th.ID, f.answerer)
	second := e.reply(th.ID, f.answerer)

	_, err := e.s.FlagPost(e.ctx, parley.NewFlag{PostID: first.ID, ReporterID: f.asker.ID, Reason: "rude"})
	wantCode(t, err, parley.EInvalid)
	_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: first.ID, ReporterID: f.asker.ID, Reason: parley.FlagOther})
	wantCode(t, err, parley.EInvalid) // "other" needs a note
	_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: 99999, ReporterID: f.asker.ID, Reason: parley.FlagSpam})
	isNotFound(t, err)

	_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: second.ID, ReporterID: f.asker.ID, Reason: parley.FlagSpam})
	must(t, err)
	e.clock.Advance(time.Minute)
	_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: first.ID, ReporterID: f.asker.ID, Reason: parley.FlagOffTopic, Note: "  not about networking "})
	must(t, err)
	_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: first.ID, ReporterID: f.mod.ID, Reason: parley.FlagAbusive})
	must(t, err)
	_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: first.ID, ReporterID: f.asker.ID, Reason: parley.FlagSpam})
	wantCode(t, err, parley.EConflict) // one open flag per reader and post

	queue, err := e.s.FlagQueue(e.ctx, 10)
	must(t, err)
	if len(queue) != 2 || queue[0].Post.ID != second.ID || queue[1].Post.ID != first.ID {
		t.Fatalf("queue should hold the longest-waiting post first: %+v", queue)
	}
	if got := queue[1]; len(got.Flags) != 2 || got.Flags[0].Note != "not about networking" || got.ThreadTitle != th.Title ||
		got.Flags[0].Reporter.ID != f.asker.ID {
		t.Errorf("queue entry for the post flagged twice: %+v", got)
	}

	must(t, e.s.DismissFlags(e.ctx, first.ID, f.by("Fair answer")))
	if l := e.lastLog(); l.Action != parley.LogFlagsDismissed || l.TargetID != first.ID || l.Reason != "Fair answer" ||
		l.Actor.ID != f.mod.ID || l.Detail != "2 flags" {
		t.Errorf("log after dismissing: %+v", l)
	}
	wantCode(t, e.s.DismissFlags(e.ctx, first.ID, f.by("")), parley.EConflict)
	_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: first.ID, ReporterID: f.asker.ID, Reason: parley.FlagSpam})
	must(t, err) // a decided flag may be raised again

	must(t, e.s.SetPostHidden(e.ctx, second.ID, true, f.by("Spam")))
	queue, err = e.s.FlagQueue(e.ctx, 10)
	must(t, err)
	if len(queue) != 1 || queue[0].Post.ID != first.ID {
		t.Errorf("hiding a post should close its flags: %+v", queue)
	}
}

func testHidePost(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	kept := e.reply(th.ID, f.answerer)
	spam := e.reply(th.ID, f.answerer)
	must(t, e.s.AcceptAnswer(e.ctx, th.ID, spam.ID))
	before, err := e.s.UserByID(e.ctx, f.answerer.ID)
	must(t, err)

	must(t, e.s.SetPostHidden(e.ctx, spam.ID, true, f.by("Link spam")))
	got := e.get(th.ID)
	if got.ReplyCount != 1 || !got.LastActivityAt.Equal(kept.CreatedAt) || got.AcceptedPostID != 0 {
		t.Errorf("thread after hiding its last reply, the accepted one: %+v", got)
	}
	tagA := parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}
	page, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: tagA, Sort: parley.SortReplies, Limit: 10})
	must(t, err)
	if len(page.Threads) != 1 || page.Threads[0].ReplyCount != 1 {
		t.Errorf("the list should count visible replies only: %+v", page.Threads)
	}
	equalIDs(t, "answered list after hiding the answer", e.list(tagA, parley.SortActivity, parley.FilterAnswered, 10), nil)
	posts, err := e.s.Posts(e.ctx, th.ID, 0, 10)
	must(t, err)
	if len(posts) != 3 || !posts[2].Hidden || posts[1].Hidden {
		t.Errorf("Posts should keep a hidden post, marked: %+v", posts)
	}
	if u, _ := e.s.UserByID(e.ctx, f.answerer.ID); u.PostCount != before.PostCount-1 {
		t.Errorf("author's post count %d, want %d", u.PostCount, before.PostCount-1)
	}
	mine, err := e.s.UserPosts(e.ctx, f.answerer.ID, 0, 10)
	must(t, err)
	if len(mine) != 1 || mine[0].PostID != kept.ID {
		t.Errorf("a hidden post stays off its author's profile: %+v", mine)
	}
	if l := e.lastLog(); l.Action != parley.LogPostHidden || l.TargetID != spam.ID || !strings.Contains(l.Detail, "accepted") {
		t.Errorf("log: %+v", l)
	}

	n := e.logLength()
	must(t, e.s.SetPostHidden(e.ctx, spam.ID, true, f.by("again")))
	if e.logLength() != n {
		t.Error("hiding a hidden post changes nothing and logs nothing")
	}
	must(t, e.s.SetPostHidden(e.ctx, spam.ID, false, f.by("Not spam after all")))
	if got := e.get(th.ID); got.ReplyCount != 2 || !got.LastActivityAt.Equal(spam.CreatedAt) {
		t.Errorf("thread after restoring: %+v", got)
	}
	if u, _ := e.s.UserByID(e.ctx, f.answerer.ID); u.PostCount != before.PostCount {
		t.Errorf("restoring gives the post count back: %d, want %d", u.PostCount, before.PostCount)
	}
	op, err := e.s.Posts(e.ctx, th.ID, 0, 1)
	must(t, err)
	wantCode(t, e.s.SetPostHidden(e.ctx, op[0].ID, true, f.by("")), parley.EInvalid)
	isNotFound(t, e.s.SetPostHidden(e.ctx, 99999, true, f.by("")))
}

func testDeleteThread(t *testing.T, e *env) {
	f := e.forum()
	kept := e.thread(f, f.asker, f.tagA)
	gone := e.thread(f, f.asker, f.tagA, f.tagB)
	e.reply(gone.ID, f.answerer)
	all := parley.Scope{Kind: parley.ScopeAll}
	tagB := parley.Scope{Kind: parley.ScopeTag, ID: f.tagB.ID}
	must(t, e.s.SetPinned(e.ctx, gone.ID, &tagB, true, f.by("")))
	counts := func() (sub, tag, threads, posts int64) {
		top, err := e.s.TopicBySlug(e.ctx, f.topic.Slug)
		must(t, err)
		tg, err := e.s.TagBySlug(e.ctx, f.tagB.Slug)
		must(t, err)
		asker, _ := e.s.UserByID(e.ctx, f.asker.ID)
		answerer, _ := e.s.UserByID(e.ctx, f.answerer.ID)
		return top.Subtopics[0].ThreadCount, tg.ThreadCount, asker.ThreadCount, answerer.PostCount
	}
	sub0, tag0, threads0, posts0 := counts()

	must(t, e.s.SetThreadDeleted(e.ctx, gone.ID, true, f.by("Duplicate")))
	equalIDs(t, "all threads after a deletion", e.list(all, parley.SortActivity, "", 10), []int64{kept.ID})
	equalIDs(t, "tag B after a deletion", e.list(tagB, parley.SortActivity, "", 10), nil)
	if p, _ := e.s.PinnedThreads(e.ctx, tagB); len(p) != 0 {
		t.Errorf("a deleted thread is pinned nowhere: %+v", p)
	}
	if sub, tag, threads, posts := counts(); sub != sub0-1 || tag != tag0-1 || threads != threads0-1 || posts != posts0-1 {
		t.Errorf("counts after deleting: subtopic %d→%d, tag %d→%d, author threads %d→%d, replier posts %d→%d",
			sub0, sub, tag0, tag, threads0, threads, posts0, posts)
	}
	if got := e.get(gone.ID); !got.Deleted {
		t.Error("a deleted thread stays readable, marked deleted")
	}
	wantCode(t, e.s.SetLocked(e.ctx, gone.ID, true, f.by("")), parley.EConflict)
	_, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: gone.ID, AuthorID: f.answerer.ID, Text: text("Late")})
	if err == nil {
		t.Error("a deleted thread takes no replies")
	}

	must(t, e.s.SetThreadDeleted(e.ctx, gone.ID, false, f.by("Not a duplicate")))
	equalIDs(t, "all threads after restoring", e.list(all, parley.SortActivity, "", 10), []int64{gone.ID, kept.ID})
	if p, _ := e.s.PinnedThreads(e.ctx, tagB); len(p) != 1 || p[0].ID != gone.ID {
		t.Errorf("restoring puts the pin back: %+v", p)
	}
	if sub, tag, threads, posts := counts(); sub != sub0 || tag != tag0 || threads != threads0 || posts != posts0 {
		t.Error("restoring should give every count back")
	}
	if l := e.lastLog(); l.Action != parley.LogThreadRestored || l.Target != gone.Title || l.Reason != "Not a duplicate" {
		t.Errorf("log: %+v", l)
	}
}

func testMoveAndRetag(t *testing.T, e *env) {
	f := e.forum()
	other := e.topic()
	dest := e.subtopic(other.ID)
	th := e.thread(f, f.asker, f.tagA)
	e.reply(th.ID, f.answerer)
	subScope := func(s parley.Subtopic) parley.Scope { return parley.Scope{Kind: parley.ScopeSubtopic, ID: s.ID} }

	must(t, e.s.MoveThread(e.ctx, th.ID, dest.ID, f.by("Belongs there")))
	equalIDs(t, "old subtopic", e.list(subScope(f.sub), parley.SortActivity, "", 10), nil)
	equalIDs(t, "old topic", e.list(parley.Scope{Kind: parley.ScopeTopic, ID: f.topic.ID}, parley.SortActivity, "", 10), nil)
	equalIDs(t, "new subtopic", e.list(subScope(dest), parley.SortReplies, "", 10), []int64{th.ID})
	equalIDs(t, "new topic", e.list(parley.Scope{Kind: parley.ScopeTopic, ID: other.ID}, parley.SortActivity, "", 10), []int64{th.ID})
	if got := e.get(th.ID); got.SubtopicID != dest.ID || got.TopicID != other.ID {
		t.Errorf("moved thread: %+v", got)
	}
	if l := e.lastLog(); l.Action != parley.LogThreadMoved || !strings.Contains(l.Detail, dest.Name) {
		t.Errorf("log: %+v", l)
	}
	wantCode(t, e.s.MoveThread(e.ctx, th.ID, 99999, f.by("")), parley.EInvalid)

	tagA := parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}
	tagB := parley.Scope{Kind: parley.ScopeTag, ID: f.tagB.ID}
	must(t, e.s.RetagThread(e.ctx, th.ID, []int64{f.tagB.ID}, f.by("")))
	equalIDs(t, "tag A after retagging", e.list(tagA, parley.SortActivity, "", 10), nil)
	page, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: tagB, Sort: parley.SortReplies, Limit: 10})
	must(t, err)
	if len(page.Threads) != 1 || page.Threads[0].ReplyCount != 1 || len(page.Threads[0].Tags) != 1 || page.Threads[0].Tags[0].Slug != f.tagB.Slug {
		t.Errorf("tag B after retagging should list the thread with its counts and new tag: %+v", page.Threads)
	}
	tb, _ := e.s.TagBySlug(e.ctx, f.tagB.Slug)
	ta, _ := e.s.TagBySlug(e.ctx, f.tagA.Slug)
	if ta.ThreadCount != 0 || tb.ThreadCount != 1 {
		t.Errorf("tag counts after retagging: A %d, B %d", ta.ThreadCount, tb.ThreadCount)
	}
	wantCode(t, e.s.RetagThread(e.ctx, th.ID, nil, f.by("")), parley.EInvalid)
	wantCode(t, e.s.RetagThread(e.ctx, th.ID, []int64{99999}, f.by("")), parley.EInvalid)
}

func testSuspend(t *testing.T, e *env) {
	f := e.forum()
	until := e.clock.Now().Add(72 * time.Hour)
	must(t, e.s.SuspendUser(e.ctx, f.answerer.ID, until, f.by("Abuse")))
	u, err := e.s.UserByID(e.ctx, f.answerer.ID)
	must(t, err)
	if !u.Suspended(e.clock.Now()) || u.Suspended(until) || !u.SuspendedUntil.Equal(until) {
		t.Errorf("suspended until %v, read back %v", until, u.SuspendedUntil)
	}
	now := e.clock.Now()
	must(t, e.s.CreateSession(e.ctx, parley.Session{TokenHash: "suspended-session", UserID: f.answerer.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	if _, su, err := e.s.SessionUser(e.ctx, "suspended-session"); err != nil || !su.SuspendedUntil.Equal(until) {
		t.Errorf("a session's user should carry the suspension: %v (%v)", su.SuspendedUntil, err)
	}
	if l := e.lastLog(); l.Action != parley.LogUserSuspended || l.Target != "@"+f.answerer.Handle {
		t.Errorf("log: %+v", l)
	}
	wantCode(t, e.s.SuspendUser(e.ctx, f.answerer.ID, e.clock.Now().Add(-time.Hour), f.by("")), parley.EInvalid)
	must(t, e.s.SuspendUser(e.ctx, f.answerer.ID, time.Time{}, f.by("Appeal")))
	if u, _ := e.s.UserByID(e.ctx, f.answerer.ID); !u.SuspendedUntil.IsZero() {
		t.Errorf("lifted suspension still set: %v", u.SuspendedUntil)
	}
	isNotFound(t, e.s.SuspendUser(e.ctx, 99999, until, f.by("")))
}

func testAdminUpdates(t *testing.T, e *env) {
	f := e.forum()
	u, err := e.s.UpdateUser(e.ctx, parley.UserUpdate{UserID: f.answerer.ID, Role: parley.RoleStaff, Badge: " DTS Engineer ",
		Signature: "Quinn", SignatureHTML: "<p>Quinn</p>"}, f.by("Joined DTS"))
	must(t, err)
	if u.Role != parley.RoleStaff || u.Badge != "DTS Engineer" || u.SignatureHTML != "<p>Quinn</p>" {
		t.Errorf("updated user: %+v", u)
	}
	if l := e.lastLog(); l.Action != parley.LogUserUpdated || !strings.Contains(l.Detail, "member → staff") {
		t.Errorf("log: %+v", l)
	}
	_, err = e.s.UpdateUser(e.ctx, parley.UserUpdate{UserID: f.answerer.ID, Role: "boss"}, f.by(""))
	wantCode(t, err, parley.EInvalid)

	tag, err := e.s.UpdateTag(e.ctx, f.tagA.ID, parley.NewTag{Slug: "network", Name: "Network", Description: "Sockets"}, f.by(""))
	must(t, err)
	if got, err := e.s.TagBySlug(e.ctx, "network"); err != nil || got.ID != f.tagA.ID || got.Description != "Sockets" || tag.Name != "Network" {
		t.Errorf("renamed tag: %+v, %v", got, err)
	}
	_, err = e.s.UpdateTag(e.ctx, f.tagB.ID, parley.NewTag{Slug: "network", Name: "Twice"}, f.by(""))
	wantCode(t, err, parley.EInvalid)

	_, err = e.s.UpdateTopic(e.ctx, f.topic.ID, parley.NewTopic{Slug: "app-services", Name: "App & System Services", Position: 3}, f.by(""))
	must(t, err)
	top, err := e.s.TopicBySlug(e.ctx, "app-services")
	must(t, err)
	if top.Name != "App & System Services" || top.Position != 3 {
		t.Errorf("updated topic: %+v", top)
	}
	_, err = e.s.UpdateSubtopic(e.ctx, f.sub.ID, parley.NewSubtopic{TopicID: f.topic.ID, Slug: "networking", Name: "Networking"}, f.by(""))
	must(t, err)
	if top, _ := e.s.TopicBySlug(e.ctx, "app-services"); top.Subtopics[0].Name != "Networking" {
		t.Errorf("renamed subtopic: %+v", top.Subtopics)
	}
	other := e.topic()
	_, err = e.s.UpdateSubtopic(e.ctx, f.sub.ID, parley.NewSubtopic{TopicID: other.ID, Slug: "networking", Name: "Networking"}, f.by(""))
	wantCode(t, err, parley.EInvalid)
}

// testLogNeedsActor checks that a moderation action without an actor changes nothing.
func testLogNeedsActor(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	wantCode(t, e.s.SetLocked(e.ctx, th.ID, true, parley.Audit{}), parley.EInvalid)
	wantCode(t, e.s.SetLocked(e.ctx, th.ID, true, parley.Audit{ActorID: 99999}), parley.EInvalid)
	if e.get(th.ID).Locked {
		t.Error("an action whose log entry failed must not happen")
	}
	if n := e.logLength(); n != 0 {
		t.Errorf("log has %d entries", n)
	}
}

// testLoggedCreation checks that structure made by a person is logged, and setup is not.
func testLoggedCreation(t *testing.T, e *env) {
	f := e.forum()
	n := e.logLength()
	tag, err := e.s.CreateTag(e.ctx, parley.NewTag{Slug: "tls", Name: "TLS", By: f.by("Asked for often")})
	must(t, err)
	if l := e.lastLog(); e.logLength() != n+1 || l.Action != parley.LogTagCreated || l.TargetID != tag.ID || l.Reason != "Asked for often" {
		t.Errorf("log after creating a tag: %+v", l)
	}
	_, err = e.s.CreateTopic(e.ctx, parley.NewTopic{Slug: "ghost", Name: "Ghost", By: parley.Audit{ActorID: 99999}})
	wantCode(t, err, parley.EInvalid)
	if _, err := e.s.TopicBySlug(e.ctx, "ghost"); err == nil {
		t.Error("a topic whose log entry failed was created")
	}
}

// testHiddenOutOfReach checks that what a moderator took out of view cannot be brought
// back by acting on it: a hidden post, or any post of a deleted thread, can be neither
// accepted, recommended, boosted nor flagged (EConflict), and nothing is written; once
// restored, it can again.
func testHiddenOutOfReach(t *testing.T, e *env) {
	f := e.forum()
	staff := e.user(parley.RoleStaff)
	th := e.thread(f, f.asker, f.tagA)
	hidden := e.reply(th.ID, f.answerer)
	must(t, e.s.SetPostHidden(e.ctx, hidden.ID, true, f.by("Spam")))
	gone := e.thread(f, f.asker, f.tagA)
	inGone := e.reply(gone.ID, f.answerer)
	goneOP, err := e.s.Posts(e.ctx, gone.ID, 0, 1)
	must(t, err)
	must(t, e.s.SetThreadDeleted(e.ctx, gone.ID, true, f.by("Duplicate")))
	logged := e.logLength()

	for _, c := range []struct {
		what   string
		thread int64
		post   parley.Post
	}{{"a hidden reply", th.ID, hidden}, {"a reply in a deleted thread", gone.ID, inGone}} {
		wantCode(t, e.s.AcceptAnswer(e.ctx, c.thread, c.post.ID), parley.EConflict)
		wantCode(t, e.s.SetRecommended(e.ctx, c.post.ID, true), parley.EConflict)
		_, err := e.s.SetBoost(e.ctx, staff.ID, c.post.ID, true)
		wantCode(t, err, parley.EConflict)
		_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: c.post.ID, ReporterID: staff.ID, Reason: parley.FlagSpam})
		wantCode(t, err, parley.EConflict)
		if got := e.get(c.thread); got.AcceptedPostID != 0 {
			t.Errorf("%s became the accepted answer: %+v", c.what, got)
		}
		p, err := e.s.Post(e.ctx, c.post.ID)
		must(t, err)
		if p.StaffRecommended || p.BoostCount != 0 {
			t.Errorf("%s was recommended or boosted: %+v", c.what, p)
		}
	}
	_, err = e.s.SetBoost(e.ctx, staff.ID, goneOP[0].ID, true)
	wantCode(t, err, parley.EConflict)
	// Hiding or restoring a reply of a deleted thread waits for the thread's restoring,
	// whatever the reply's state: the answer must not depend on whether it changes anything.
	for _, hide := range []bool{true, false} {
		wantCode(t, e.s.SetPostHidden(e.ctx, inGone.ID, hide, f.by("")), parley.EConflict)
	}
	if got := e.get(gone.ID); got.BoostCount != 0 {
		t.Errorf("a deleted thread's question was boosted: %+v", got)
	}
	if queue, err := e.s.FlagQueue(e.ctx, 10); err != nil || len(queue) != 0 {
		t.Errorf("refused flags reached the queue: %+v, %v", queue, err)
	}
	if e.logLength() != logged {
		t.Error("refused actions wrote to the moderation log")
	}

	must(t, e.s.SetPostHidden(e.ctx, hidden.ID, false, f.by("Not spam")))
	must(t, e.s.AcceptAnswer(e.ctx, th.ID, hidden.ID))
	must(t, e.s.SetRecommended(e.ctx, hidden.ID, true))
	if n, err := e.s.SetBoost(e.ctx, staff.ID, hidden.ID, true); err != nil || n != 1 {
		t.Errorf("boosting a restored reply: %d, %v", n, err)
	}
	must(t, e.s.SetThreadDeleted(e.ctx, gone.ID, false, f.by("Not a duplicate")))
	_, err = e.s.FlagPost(e.ctx, parley.NewFlag{PostID: inGone.ID, ReporterID: staff.ID, Reason: parley.FlagSpam})
	must(t, err)
}

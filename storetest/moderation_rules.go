package storetest

import (
	"sync"
	"testing"

	parley "github.com/parley-forum/parley"
)

// subtopicCount reads a subtopic's thread count from the forum's structure.
func (e *env) subtopicCount(topicSlug string, subtopicID int64) int64 {
	e.t.Helper()
	top, err := e.s.TopicBySlug(e.ctx, topicSlug)
	must(e.t, err)
	for _, sub := range top.Subtopics {
		if sub.ID == subtopicID {
			return sub.ThreadCount
		}
	}
	e.t.Fatalf("topic %s has no subtopic %d", topicSlug, subtopicID)
	return 0
}

// testMoveWithinTopic moves a pinned thread between two subtopics of one topic: the pin
// follows it, its entry in the topic's list stays, and each subtopic's count follows it.
func testMoveWithinTopic(t *testing.T, e *env) {
	f := e.forum()
	dest := e.subtopic(f.topic.ID)
	th := e.thread(f, f.asker, f.tagA)
	from := parley.Scope{Kind: parley.ScopeSubtopic, ID: f.sub.ID}
	to := parley.Scope{Kind: parley.ScopeSubtopic, ID: dest.ID}
	must(t, e.s.SetPinned(e.ctx, th.ID, &from, true, f.by("")))

	must(t, e.s.MoveThread(e.ctx, th.ID, dest.ID, f.by("")))
	if p, _ := e.s.PinnedThreads(e.ctx, to); len(p) != 1 || p[0].ID != th.ID {
		t.Errorf("the pin should follow the thread to its new subtopic: %+v", p)
	}
	if p, _ := e.s.PinnedThreads(e.ctx, from); len(p) != 0 {
		t.Errorf("the old subtopic keeps no pin: %+v", p)
	}
	equalIDs(t, "the topic's list", e.list(parley.Scope{Kind: parley.ScopeTopic, ID: f.topic.ID}, parley.SortActivity, "", 10), []int64{th.ID})
	if old, moved := e.subtopicCount(f.topic.Slug, f.sub.ID), e.subtopicCount(f.topic.Slug, dest.ID); old != 0 || moved != 1 {
		t.Errorf("subtopic counts after the move: old %d, new %d", old, moved)
	}
	n := e.logLength()
	must(t, e.s.MoveThread(e.ctx, th.ID, dest.ID, f.by("")))
	if e.logLength() != n {
		t.Error("moving a thread where it is changes nothing and logs nothing")
	}
}

// testRetagLog retags a thread with tags in a chosen order: the log names the tags in the
// order given, and each tag's count follows the thread.
func testRetagLog(t *testing.T, e *env) {
	f := e.forum()
	tagC := e.tag()
	th := e.thread(f, f.asker, f.tagB, f.tagA)
	must(t, e.s.RetagThread(e.ctx, th.ID, []int64{tagC.ID, f.tagA.ID}, f.by("")))
	want := parley.RetaggedDetail(f.tagB.Name+", "+f.tagA.Name, tagC.Name+", "+f.tagA.Name)
	if l := e.lastLog(); l.Action != parley.LogThreadRetagged || l.Detail != want {
		t.Errorf("log: %+v, want detail %q", l, want)
	}
	for _, c := range []struct {
		tag  parley.Tag
		want int64
	}{{f.tagA, 1}, {f.tagB, 0}, {tagC, 1}} {
		if got, _ := e.s.TagBySlug(e.ctx, c.tag.Slug); got.ThreadCount != c.want {
			t.Errorf("tag %s counts %d threads, want %d", c.tag.Slug, got.ThreadCount, c.want)
		}
	}
	equalIDs(t, "tag C", e.list(parley.Scope{Kind: parley.ScopeTag, ID: tagC.ID}, parley.SortActivity, "", 10), []int64{th.ID})

	must(t, e.s.RetagThread(e.ctx, th.ID, []int64{f.tagA.ID}, f.by("")))
	if got, _ := e.s.TagBySlug(e.ctx, tagC.Slug); got.ThreadCount != 0 {
		t.Errorf("a tag only taken off counts %d threads, want 0", got.ThreadCount)
	}
	if got, _ := e.s.TagBySlug(e.ctx, f.tagA.Slug); got.ThreadCount != 1 {
		t.Errorf("a tag kept counts %d threads, want 1", got.ThreadCount)
	}
}

// testModerateDeleted: a deleted thread refuses every change but restoring, and deleting
// it again changes nothing.
func testModerateDeleted(t *testing.T, e *env) {
	f := e.forum()
	dest := e.subtopic(f.topic.ID)
	th := e.thread(f, f.asker, f.tagA)
	must(t, e.s.SetThreadDeleted(e.ctx, th.ID, true, f.by("")))
	n := e.logLength()
	must(t, e.s.SetThreadDeleted(e.ctx, th.ID, true, f.by("")))
	if e.logLength() != n {
		t.Error("deleting a deleted thread logs nothing")
	}
	wantCode(t, e.s.SetPinned(e.ctx, th.ID, nil, true, f.by("")), parley.EConflict)
	wantCode(t, e.s.MoveThread(e.ctx, th.ID, dest.ID, f.by("")), parley.EConflict)
	wantCode(t, e.s.RetagThread(e.ctx, th.ID, []int64{f.tagB.ID}, f.by("")), parley.EConflict)
	if e.logLength() != n {
		t.Error("refused changes log nothing")
	}
}

// testHideConcurrent: moderators hiding (or restoring) one reply at the same time change it
// once: one log entry, and its author's post count moves by one. Rounds after the first
// find the store's connections open, so the moderators truly overlap.
func testHideConcurrent(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	spam := e.reply(th.ID, f.answerer)
	before, err := e.s.UserByID(e.ctx, f.answerer.ID)
	must(t, err)
	for round := range 6 {
		hidden := round%2 == 0
		n := e.logLength()
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if err := e.s.SetPostHidden(e.ctx, spam.ID, hidden, f.by("Spam")); err != nil {
					t.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if got := e.logLength(); got != n+1 {
			t.Fatalf("round %d: %d log entries for one change", round, got-n)
		}
		posts, replies := before.PostCount, int64(1)
		if hidden {
			posts, replies = posts-1, 0
		}
		if u, _ := e.s.UserByID(e.ctx, f.answerer.ID); u.PostCount != posts {
			t.Fatalf("round %d: author's post count %d, want %d", round, u.PostCount, posts)
		}
		if got := e.get(th.ID); got.ReplyCount != replies {
			t.Fatalf("round %d: reply count %d, want %d", round, got.ReplyCount, replies)
		}
	}
}

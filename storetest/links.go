package storetest

import (
	"fmt"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// links reads a thread's links as "id kind out|in" strings, in the order given.
func (e *env) links(threadID int64) []string {
	e.t.Helper()
	ls, err := e.s.ThreadLinks(e.ctx, threadID)
	must(e.t, err)
	out := []string{}
	for _, l := range ls {
		out = append(out, fmt.Sprintf("%d %s %s", l.ID, l.Kind, map[bool]string{true: "out", false: "in"}[l.Outgoing]))
	}
	return out
}

// wantLinkCount checks the count a thread carries of its links in both directions, which
// tells a page whether it need read them.
func (e *env) wantLinkCount(what string, threadID int64, want int) {
	e.t.Helper()
	th, err := e.s.Thread(e.ctx, threadID)
	must(e.t, err)
	if th.LinkCount != want {
		e.t.Errorf("%s: thread %d counts %d links, want %d", what, threadID, th.LinkCount, want)
	}
}

func equalLinks(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: links %q, want %q", what, got, want)
	}
}

// testBulkLinks loads threads whose links point both ways, one to a thread of a later
// batch, and reads them from each end.
func testBulkLinks(t *testing.T, e *env) {
	now := e.clock.Now()
	asker := parley.Author{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember}
	record := func(id int64, links ...parley.ThreadLink) parley.ThreadRecord {
		at := now.Add(time.Duration(id) * time.Minute)
		return parley.ThreadRecord{
			Thread: parley.Thread{ID: id, Title: fmt.Sprintf("Question %d", id), SubtopicID: 1, TopicID: 1, Author: asker,
				CreatedAt: at, LastActivityAt: at},
			Posts: []parley.PostRecord{{Post: parley.Post{ID: id, ThreadID: id, Author: asker, Original: true, Body: "Q",
				HTML: "<p>Q</p>", CreatedAt: at, Revision: 1}}},
			Links: links,
		}
	}
	w, err := e.s.Bulk(e.ctx)
	must(t, err)
	must(t, w.Topics(e.ctx, []parley.Topic{{ID: 1, Slug: "t", Name: "T",
		Subtopics: []parley.Subtopic{{ID: 1, TopicID: 1, Slug: "s", Name: "S", ThreadCount: 4}}}}))
	must(t, w.Users(e.ctx, []parley.User{{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember, CreatedAt: now}}))
	must(t, w.Threads(e.ctx, []parley.ThreadRecord{
		record(1),
		record(2, parley.ThreadLink{TargetID: 1, Kind: parley.LinkDuplicate}, parley.ThreadLink{TargetID: 4, Kind: parley.LinkRelated}),
	}))
	must(t, w.Threads(e.ctx, []parley.ThreadRecord{record(3, parley.ThreadLink{TargetID: 1, Kind: parley.LinkRelated}), record(4)}))
	must(t, w.Close(e.ctx))

	equalLinks(t, "the duplicate", e.links(2), "1 duplicate out", "4 related out")
	equalLinks(t, "the thread duplicated, newest first", e.links(1), "3 related in", "2 duplicate in")
	equalLinks(t, "a thread linked from an earlier batch", e.links(4), "2 related in")
	equalLinks(t, "a thread that does not exist", e.links(99))
	for id, n := range map[int64]int{1: 2, 2: 2, 3: 1, 4: 1} {
		e.wantLinkCount("loaded", id, n)
	}
}

// testDuplicates marks and unmarks duplicates as a moderator does, and checks that a
// deleted thread leaves the links of the others.
func testDuplicates(t *testing.T, e *env) {
	f := e.forum()
	canon, dup, other := e.thread(f, f.asker, f.tagA), e.thread(f, f.asker, f.tagA), e.thread(f, f.answerer, f.tagB)
	equalLinks(t, "a new thread", e.links(dup.ID))
	e.wantLinkCount("a new thread", dup.ID, 0)

	must(t, e.s.SetDuplicate(e.ctx, dup.ID, canon.ID, true, f.by("asked last week")))
	equalLinks(t, "marked duplicate", e.links(dup.ID), fmt.Sprintf("%d duplicate out", canon.ID))
	equalLinks(t, "its target", e.links(canon.ID), fmt.Sprintf("%d duplicate in", dup.ID))
	e.wantLinkCount("marked duplicate", dup.ID, 1)
	e.wantLinkCount("its target", canon.ID, 1)
	l := e.lastLog()
	if l.Action != parley.LogThreadDuplicate || l.TargetID != dup.ID || l.Reason != "asked last week" ||
		l.Detail != parley.DuplicateDetail(canon.ID, canon.Title) {
		t.Errorf("marking a duplicate logged %+v", l)
	}
	n := e.logLength()
	must(t, e.s.SetDuplicate(e.ctx, dup.ID, canon.ID, true, f.by("")))
	if e.logLength() != n {
		t.Errorf("marking a duplicate again wrote to the log")
	}
	ls, err := e.s.ThreadLinks(e.ctx, dup.ID)
	must(t, err)
	if len(ls) != 1 || !ls[0].DuplicateOf() || ls[0].Title != canon.Title {
		t.Errorf("the duplicate's link reads %+v", ls)
	}

	wantCode(t, e.s.SetDuplicate(e.ctx, dup.ID, dup.ID, true, f.by("")), parley.EInvalid)
	isNotFound(t, e.s.SetDuplicate(e.ctx, dup.ID, 99999, true, f.by("")))
	isNotFound(t, e.s.SetDuplicate(e.ctx, 99999, canon.ID, true, f.by("")))
	wantCode(t, e.s.SetDuplicate(e.ctx, dup.ID, other.ID, true, parley.Audit{}), parley.EInvalid)

	// A deleted thread is in no one's links, and nothing is marked a duplicate of it.
	must(t, e.s.SetThreadDeleted(e.ctx, other.ID, true, f.by("spam")))
	wantCode(t, e.s.SetDuplicate(e.ctx, dup.ID, other.ID, true, f.by("")), parley.EConflict)
	wantCode(t, e.s.SetDuplicate(e.ctx, other.ID, canon.ID, true, f.by("")), parley.EConflict)
	must(t, e.s.SetThreadDeleted(e.ctx, other.ID, false, f.by("not spam")))
	must(t, e.s.SetDuplicate(e.ctx, other.ID, canon.ID, true, f.by("")))
	must(t, e.s.SetThreadDeleted(e.ctx, dup.ID, true, f.by("spam")))
	equalLinks(t, "a target whose duplicate is deleted", e.links(canon.ID), fmt.Sprintf("%d duplicate in", other.ID))
	must(t, e.s.SetThreadDeleted(e.ctx, dup.ID, false, f.by("")))

	must(t, e.s.SetDuplicate(e.ctx, dup.ID, canon.ID, false, f.by("different question")))
	equalLinks(t, "unmarked", e.links(dup.ID))
	e.wantLinkCount("unmarked", dup.ID, 0)
	e.wantLinkCount("a target of another duplicate still", canon.ID, 1)
	e.wantLinkCount("the other duplicate", other.ID, 1)
	if l := e.lastLog(); l.Action != parley.LogThreadNotDuplicate || l.Reason != "different question" {
		t.Errorf("unmarking a duplicate logged %+v", l)
	}
	n = e.logLength()
	must(t, e.s.SetDuplicate(e.ctx, dup.ID, canon.ID, false, f.by("")))
	if e.logLength() != n {
		t.Errorf("unmarking a thread that is no duplicate wrote to the log")
	}
}

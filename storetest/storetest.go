// Package storetest is the conformance suite every parley.Store implementation passes,
// run unchanged against each real database.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/markdown"
)

// Opener returns a new, empty, migrated store that reads time from clock. The store is
// closed by the suite.
type Opener func(t *testing.T, clock parley.Clock) parley.Store

// Clock is a test clock that moves only when told to.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at a fixed, round time.
func NewClock() *Clock { return &Clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := map[string]func(*testing.T, *env){
		"Structure":            testStructure,
		"Users":                testUsers,
		"CreateThread":         testCreateThread,
		"CreateThreadInvalid":  testCreateThreadInvalid,
		"Replies":              testReplies,
		"Sorts":                testSorts,
		"Filters":              testFilters,
		"Paging":               testPaging,
		"PagingWhileInserts":   testPagingWhileInserts,
		"Pinned":               testPinned,
		"PinnedWithPage":       testPinnedWithPage,
		"Revisions":            testRevisions,
		"Boosts":               testBoosts,
		"BoostsConcurrent":     testBoostsConcurrent,
		"RepliesConcurrent":    testRepliesConcurrent,
		"Answers":              testAnswers,
		"Views":                testViews,
		"UserPosts":            testUserPosts,
		"Bulk":                 testBulk,
		"BulkLinks":            testBulkLinks,
		"BulkNeedsEmpty":       testBulkNeedsEmpty,
		"Duplicates":           testDuplicates,
		"SimilarThreads":       testSimilarThreads,
		"SimilarAfterBulk":     testSimilarAfterBulk,
		"SearchCodeTerms":      testSearchCodeTerms,
		"SearchStemming":       testSearchStemming,
		"SearchOperators":      testSearchOperators,
		"SearchAttachment":     testSearchAttachment,
		"SearchRanking":        testSearchRanking,
		"SearchPaging":         testSearchPaging,
		"SearchSorts":          testSearchSorts,
		"SearchKeepsUp":        testSearchKeepsUp,
		"SearchAfterBulk":      testSearchAfterBulk,
		"SearchCommonWord":     testSearchCommonWord,
		"Account":              testCreateAccount,
		"AccountInvalid":       testCreateAccountInvalid,
		"Credentials":          testCredentials,
		"Sessions":             testSessions,
		"SetPassword":          testSetPassword,
		"Flags":                testFlags,
		"HidePost":             testHidePost,
		"HiddenOutOfReach":     testHiddenOutOfReach,
		"DeleteThread":         testDeleteThread,
		"MoveAndRetag":         testMoveAndRetag,
		"MoveWithinTopic":      testMoveWithinTopic,
		"RetagLog":             testRetagLog,
		"ModerateDeleted":      testModerateDeleted,
		"HideConcurrent":       testHideConcurrent,
		"Suspend":              testSuspend,
		"AdminUpdates":         testAdminUpdates,
		"LogNeedsActor":        testLogNeedsActor,
		"LoggedCreation":       testLoggedCreation,
		"Attachments":          testAttachments,
		"ThreadWithPosts":      testThreadWithPosts,
		"AttachmentsInvalid":   testAttachmentsInvalid,
		"UploadBudget":         testUploadBudget,
		"UploadQuota":          testUploadQuota,
		"UploadQuotaRace":      testUploadQuotaRace,
		"CollectUploads":       testCollectUploads,
		"CollectUploadsRace":   testCollectUploadsRace,
		"Changes":              testChanges,
		"QuietWrites":          testQuietWrites,
		"DraftRefused":         testDraftRefused,
		"NotifyReply":          testNotifyReply,
		"NotifyMention":        testNotifyMention,
		"NotifyAnswers":        testNotifyAnswers,
		"NotifyBoosts":         testNotifyBoosts,
		"NotifyNewThread":      testNotifyNewThread,
		"NotifyHidden":         testNotifyHidden,
		"NotifyModeration":     testNotifyModeration,
		"NotifyMarkRead":       testNotifyMarkRead,
		"NotifyWatchOwnOff":    testNotifyWatchOwnOff,
		"NotifyUnreadLimit":    testNotifyUnreadLimit,
		"FanOutConcurrent":     testFanOutConcurrent,
		"EmailImmediate":       testEmailImmediate,
		"EmailLeaseEnds":       testEmailLeaseEnds,
		"EmailRetry":           testEmailRetry,
		"EmailBoostGrouped":    testEmailBoostGrouped,
		"EmailDigest":          testEmailDigest,
		"EmailChoiceChanged":   testEmailChoiceChanged,
		"EmailClaimConcurrent": testEmailClaimConcurrent,
		"SiteKey":              testSiteKey,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			clock := NewClock()
			s := open(t, clock.Now)
			t.Cleanup(func() { s.Close() })
			fn(t, &env{t: t, s: s, clock: clock, ctx: context.Background()})
		})
	}
}

// env is one test's store with a small forum builder around it.
type env struct {
	t     *testing.T
	s     parley.Store
	clock *Clock
	ctx   context.Context
	seq   int
}

func (e *env) name(prefix string) string {
	e.seq++
	return fmt.Sprintf("%s%d", prefix, e.seq)
}

func (e *env) topic() parley.Topic {
	e.t.Helper()
	slug := e.name("topic-")
	t, err := e.s.CreateTopic(e.ctx, parley.NewTopic{Slug: slug, Name: "Topic " + slug})
	must(e.t, err)
	return t
}

func (e *env) subtopic(topicID int64) parley.Subtopic {
	e.t.Helper()
	slug := e.name("sub-")
	s, err := e.s.CreateSubtopic(e.ctx, parley.NewSubtopic{TopicID: topicID, Slug: slug, Name: "Sub " + slug})
	must(e.t, err)
	return s
}

func (e *env) tag() parley.Tag {
	e.t.Helper()
	slug := e.name("tag-")
	tag, err := e.s.CreateTag(e.ctx, parley.NewTag{Slug: slug, Name: "Tag " + slug, Description: "About " + slug})
	must(e.t, err)
	return tag
}

func (e *env) user(role parley.Role) parley.User {
	e.t.Helper()
	handle := e.name("user")
	u, err := e.s.CreateUser(e.ctx, parley.NewUser{Handle: handle, DisplayName: "User " + handle, Role: role})
	must(e.t, err)
	return u
}

// forum is a subtopic with two tags and two members, the setting most tests need.
type forum struct {
	topic    parley.Topic
	sub      parley.Subtopic
	tagA     parley.Tag
	tagB     parley.Tag
	asker    parley.User
	answerer parley.User
	mod      parley.User
}

// by is an audit for an action f's moderator takes.
func (f forum) by(reason string) parley.Audit { return parley.Audit{ActorID: f.mod.ID, Reason: reason} }

func (e *env) forum() forum {
	e.t.Helper()
	top := e.topic()
	return forum{topic: top, sub: e.subtopic(top.ID), tagA: e.tag(), tagB: e.tag(),
		asker: e.user(parley.RoleMember), answerer: e.user(parley.RoleMember), mod: e.user(parley.RoleModerator)}
}

// thread asks a question in f's subtopic with the given tags, one minute after the last write.
func (e *env) thread(f forum, author parley.User, tags ...parley.Tag) parley.Thread {
	e.t.Helper()
	e.clock.Advance(time.Minute)
	ids := make([]int64, len(tags))
	for i, tag := range tags {
		ids[i] = tag.ID
	}
	th, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: e.name("How do I fix problem "), SubtopicID: f.sub.ID,
		TagIDs: ids, AuthorID: author.ID, Text: text("The question.")})
	must(e.t, err)
	return th
}

func (e *env) reply(threadID int64, author parley.User) parley.Post {
	e.t.Helper()
	e.clock.Advance(time.Minute)
	p, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: threadID, AuthorID: author.ID, Text: text("An answer.")})
	must(e.t, err)
	return p
}

func (e *env) get(id int64) parley.Thread {
	e.t.Helper()
	th, err := e.s.Thread(e.ctx, id)
	must(e.t, err)
	return th
}

// list reads a whole list, following cursors page by page.
func (e *env) list(sc parley.Scope, sort parley.Sort, filter parley.Filter, pageSize int) []int64 {
	e.t.Helper()
	var ids []int64
	q := parley.ListQuery{Scope: sc, Sort: sort, Filter: filter, Limit: pageSize}
	for pages := 0; ; pages++ {
		page, err := e.s.Threads(e.ctx, q)
		must(e.t, err)
		for _, th := range page.Threads {
			ids = append(ids, th.ID)
		}
		if page.Next == nil {
			return ids
		}
		if pages > 10_000 {
			e.t.Fatal("list does not end")
		}
		q.After = page.Next
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode checks that err is a domain error with the given code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := parley.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %s), want code %s", err, got, code)
	}
}

func equalIDs(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func isNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, parley.ErrNotFound) {
		t.Fatalf("got %v, want a not-found error", err)
	}
}

var renderer = sync.OnceValue(markdown.New)

// Text renders body as posting does, for a store's input.
func Text(body string) parley.Text {
	t, err := parley.Draft(body).Render(renderer())
	if err != nil {
		panic(err)
	}
	return t
}

func text(body string) parley.Text { return Text(body) }

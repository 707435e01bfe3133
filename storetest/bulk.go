package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// testBulkNeedsEmpty: a store with a member but no thread refuses a bulk load, which
// could only collide with them, and if it stopped would take them away with its own.
func testBulkNeedsEmpty(t *testing.T, e *env) {
	e.user(parley.RoleAdmin)
	_, err := e.s.Bulk(e.ctx)
	wantCode(t, err, parley.EConflict)
	if !strings.Contains(parley.ErrorMessage(err), "users") {
		t.Errorf("a bulk load into a store with a user: %v; want it refused, naming users", err)
	}
}

// testBulk loads a small forum in bulk and reads it back through the ordinary methods.
func testBulk(t *testing.T, e *env) {
	now := e.clock.Now()
	topics := []parley.Topic{{ID: 1, Slug: "app-services", Name: "App & System Services",
		Subtopics: []parley.Subtopic{{ID: 1, TopicID: 1, Slug: "networking", Name: "Networking", ThreadCount: 2}}}}
	tags := []parley.Tag{{ID: 1, Slug: "network", Name: "Network", ThreadCount: 2}, {ID: 2, Slug: "tls", Name: "TLS", ThreadCount: 1}}
	asker := parley.Author{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember}
	staff := parley.Author{ID: 2, Handle: "eskimo", DisplayName: "Quinn", Role: parley.RoleStaff, Badge: "DTS Engineer"}
	users := []parley.User{
		{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember, CreatedAt: now.Add(-48 * time.Hour), ThreadCount: 2, PostCount: 2},
		{ID: 2, Handle: "eskimo", DisplayName: "Quinn", Role: parley.RoleStaff, Badge: "DTS Engineer", CreatedAt: now.Add(-48 * time.Hour), PostCount: 1},
	}
	crash, shot := file("App.crash", "Exception Type:  EXC_BAD_ACCESS (SIGSEGV)"), image("dialog.png", 480, 300)
	t1 := now.Add(-10 * time.Hour)
	first := parley.ThreadRecord{
		Thread: parley.Thread{ID: 1, Title: "TLS handshake fails", SubtopicID: 1, TopicID: 1, Author: asker,
			CreatedAt: t1, LastActivityAt: t1.Add(time.Hour), ReplyCount: 1, BoostCount: 1, ViewCount: 40,
			AcceptedPostID: 2, StaffReplied: true},
		TagIDs: []int64{1, 2},
		Posts: []parley.PostRecord{
			{Post: parley.Post{ID: 1, ThreadID: 1, Author: asker, Original: true, Body: "v2", HTML: "<p>v2</p>", CreatedAt: t1,
				EditedAt: t1.Add(time.Minute), Revision: 2, BoostCount: 1},
				Revisions: []parley.Revision{{Number: 1, Body: "v1", Editor: asker, CreatedAt: t1}},
				Boosters:  []int64{2}, EditorID: 1, EditorSummary: "typo"},
			{Post: parley.Post{ID: 2, ThreadID: 1, Author: staff, Body: "Answer", HTML: "<p>Answer</p>",
				CreatedAt: t1.Add(time.Hour), Revision: 1, StaffRecommended: true},
				Attachments: []parley.Attachment{{File: crash}, {ID: 40, File: shot}}},
		},
	}
	t2 := now.Add(-5 * time.Hour)
	second := parley.ThreadRecord{
		Thread: parley.Thread{ID: 2, Title: "Pinned: networking resources", SubtopicID: 1, TopicID: 1, Author: asker,
			CreatedAt: t2, LastActivityAt: t2, Pinned: true},
		TagIDs:   []int64{1},
		PinnedIn: []parley.Scope{{Kind: parley.ScopeTag, ID: 1}},
		Posts: []parley.PostRecord{{Post: parley.Post{ID: 3, ThreadID: 2, Author: asker, Original: true, Body: "Links",
			HTML: "<p>Links</p>", CreatedAt: t2, Revision: 1}}},
	}

	w, err := e.s.Bulk(e.ctx)
	must(t, err)
	must(t, w.Topics(e.ctx, topics))
	must(t, w.Tags(e.ctx, tags))
	must(t, w.Users(e.ctx, users))
	must(t, w.Badges(e.ctx, []parley.EarnedBadge{
		{ID: 7, UserID: 1, Name: "Student", Class: parley.BadgeBronze, AwardedAt: t1},
		{ID: 8, UserID: 1, Name: "Nice Question", Class: parley.BadgeBronze, AwardedAt: t1.Add(time.Hour)},
		{ID: 9, UserID: 1, Name: "Nice Question", Class: parley.BadgeBronze, AwardedAt: t1},
		{ID: 10, UserID: 1, Name: "Famous Question", Class: parley.BadgeGold, AwardedAt: t2},
	}))
	must(t, w.Threads(e.ctx, []parley.ThreadRecord{first, second}))
	must(t, w.Close(e.ctx))

	badges, err := e.s.UserBadges(e.ctx, 1)
	must(t, err)
	wantBadges := []parley.BadgeCount{{Name: "Famous Question", Class: parley.BadgeGold, Count: 1, First: t2, Last: t2},
		{Name: "Nice Question", Class: parley.BadgeBronze, Count: 2, First: t1, Last: t1.Add(time.Hour)},
		{Name: "Student", Class: parley.BadgeBronze, Count: 1, First: t1, Last: t1}}
	if !reflect.DeepEqual(badges, wantBadges) {
		t.Errorf("the asker's badges after the load: %+v; want %+v", badges, wantBadges)
	}
	if none, err := e.s.UserBadges(e.ctx, 2); err != nil || len(none) != 0 {
		t.Errorf("the badges of a member who earned none: %+v, %v", none, err)
	}

	th := e.get(1)
	if th.Title != "TLS handshake fails" || th.AcceptedPostID != 2 || !th.StaffReplied || th.ViewCount != 40 ||
		len(th.Tags) != 2 || th.Tags[1].Name != "TLS" || !th.CreatedAt.Equal(t1) {
		t.Errorf("bulk thread 1 reads back as %+v", th)
	}
	answer, err := e.s.Post(e.ctx, 2)
	must(t, err)
	checkFiles(t, "bulk-loaded post 2", answer, crash, shot)
	if got := []int64{answer.Attachments[0].ID, answer.Attachments[1].ID}; got[0] != 1 || got[1] != 40 {
		t.Errorf("bulk-loaded files have ids %v; want 1 (the first without one) and 40 (its own)", got)
	}
	question, err := e.s.Post(e.ctx, 1)
	must(t, err)
	checkFiles(t, "bulk-loaded post 1", question)
	tagScope := parley.Scope{Kind: parley.ScopeTag, ID: 1}
	equalIDs(t, "tag list without the pinned thread", e.list(tagScope, parley.SortActivity, "", 10), []int64{1})
	equalIDs(t, "subtopic list", e.list(parley.Scope{Kind: parley.ScopeSubtopic, ID: 1}, parley.SortNewest, "", 10), []int64{2, 1})
	equalIDs(t, "answered in topic", e.list(parley.Scope{Kind: parley.ScopeTopic, ID: 1}, parley.SortNewest, parley.FilterAnswered, 10), []int64{1})
	pinned, err := e.s.PinnedThreads(e.ctx, tagScope)
	must(t, err)
	if len(pinned) != 1 || pinned[0].ID != 2 {
		t.Errorf("pinned in tag: %+v", pinned)
	}
	revs, err := e.s.Revisions(e.ctx, 1)
	must(t, err)
	if len(revs) != 2 || revs[0].Body != "v1" || revs[1].Body != "v2" || revs[1].Summary != "typo" {
		t.Errorf("bulk revisions %+v", revs)
	}
	// The boost rows arrived too: clearing the one boost brings the count to zero.
	if n, err := e.s.SetBoost(e.ctx, 2, 1, false); err != nil || n != 0 {
		t.Errorf("clearing the bulk-loaded boost: count %d, err %v", n, err)
	}
	next := e.thread(forum{topic: topics[0], sub: topics[0].Subtopics[0], tagA: tags[0]}, users[1], tags[0])
	if next.ID != 3 {
		t.Errorf("the thread after a bulk load got id %d, want 3", next.ID)
	}
	// Files attached after a bulk load get ids of their own.
	log := file("console.log", "started")
	e.uploaded(users[0], log)
	reply, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: 1, AuthorID: 1, Text: text("Log"), Attachments: []parley.File{log}})
	must(t, err)
	checkFiles(t, "a reply after the bulk load", reply, log)
	if reply.Attachments[0].ID <= answer.Attachments[1].ID {
		t.Errorf("a file attached after the bulk load got id %d, not after the loaded %d", reply.Attachments[0].ID, answer.Attachments[1].ID)
	}
	// The files of bulk-loaded posts count for their authors' quotas.
	err = e.s.RecordUpload(e.ctx, parley.NewUpload{UserID: staff.ID, SHA256: log.SHA256, Size: log.Size},
		parley.UploadLimits{Quota: crash.Size + shot.Size})
	if wantCode(t, err, parley.EForbidden); !strings.Contains(parley.ErrorMessage(err), parley.SpellSize(crash.Size+shot.Size)+" of the") {
		t.Errorf("a file past the quota of a bulk-loaded author's files: %v", err)
	}
	_, err = e.s.Bulk(e.ctx)
	wantCode(t, err, parley.EConflict)
}

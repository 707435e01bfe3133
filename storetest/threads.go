package storetest

import (
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

func scopes(f forum) map[string]parley.Scope {
	return map[string]parley.Scope{
		"all":      {Kind: parley.ScopeAll},
		"topic":    {Kind: parley.ScopeTopic, ID: f.topic.ID},
		"subtopic": {Kind: parley.ScopeSubtopic, ID: f.sub.ID},
		"tag":      {Kind: parley.ScopeTag, ID: f.tagA.ID},
	}
}

func testCreateThread(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA, f.tagB)
	if th.Title == "" || th.SubtopicID != f.sub.ID || th.TopicID != f.topic.ID || th.Author.Handle != f.asker.Handle {
		t.Errorf("thread %+v", th)
	}
	if len(th.Tags) != 2 || th.Tags[0].Slug != f.tagA.Slug || th.Tags[1].Name != f.tagB.Name {
		t.Errorf("tags %+v", th.Tags)
	}
	if !th.CreatedAt.Equal(e.clock.Now()) || !th.LastActivityAt.Equal(th.CreatedAt) || th.ReplyCount != 0 {
		t.Errorf("times and counters %+v", th)
	}
	for name, sc := range scopes(f) {
		if ids := e.list(sc, parley.SortActivity, parley.FilterNone, 10); len(ids) != 1 || ids[0] != th.ID {
			t.Errorf("list %s = %v, want the new thread", name, ids)
		}
	}
	if ids := e.list(parley.Scope{Kind: parley.ScopeTag, ID: e.tag().ID}, parley.SortActivity, "", 10); len(ids) != 0 {
		t.Errorf("an unused tag lists %v", ids)
	}
	posts, err := e.s.Posts(e.ctx, th.ID, 0, 10)
	must(t, err)
	if len(posts) != 1 || !posts[0].Original || posts[0].HTML != text("The question.").HTML() || posts[0].Revision != 1 || posts[0].Edited() {
		t.Errorf("original post %+v", posts)
	}
	sub, err := e.s.TopicBySlug(e.ctx, f.topic.Slug)
	must(t, err)
	tag, err := e.s.TagBySlug(e.ctx, f.tagA.Slug)
	must(t, err)
	user, err := e.s.UserByID(e.ctx, f.asker.ID)
	must(t, err)
	if sub.Subtopics[0].ThreadCount != 1 || tag.ThreadCount != 1 || user.ThreadCount != 1 || user.PostCount != 1 {
		t.Errorf("counts: subtopic %d, tag %d, user threads %d posts %d", sub.Subtopics[0].ThreadCount, tag.ThreadCount, user.ThreadCount, user.PostCount)
	}
	_, err = e.s.Thread(e.ctx, th.ID+1000)
	isNotFound(t, err)
}

func testCreateThreadInvalid(t *testing.T, e *env) {
	f := e.forum()
	ok := parley.NewThread{Title: "A perfectly fine title", SubtopicID: f.sub.ID, TagIDs: []int64{f.tagA.ID},
		AuthorID: f.asker.ID, Text: text("Body")}
	cases := map[string]struct {
		change func(*parley.NewThread)
		field  string
	}{
		"short title":      {func(n *parley.NewThread) { n.Title = "Help" }, "title"},
		"long title":       {func(n *parley.NewThread) { n.Title = string(make([]byte, 151)) }, "title"},
		"empty body":       {func(n *parley.NewThread) { n.Text = text("  \n") }, "body"},
		"no tags":          {func(n *parley.NewThread) { n.TagIDs = nil }, "tags"},
		"six tags":         {func(n *parley.NewThread) { n.TagIDs = []int64{1, 2, 3, 4, 5, 6} }, "tags"},
		"repeated tag":     {func(n *parley.NewThread) { n.TagIDs = []int64{f.tagA.ID, f.tagA.ID} }, "tags"},
		"unknown tag":      {func(n *parley.NewThread) { n.TagIDs = []int64{f.tagA.ID, 99999} }, "tags"},
		"unknown subtopic": {func(n *parley.NewThread) { n.SubtopicID = 99999 }, "subtopic"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in := ok
			c.change(&in)
			_, _, err := e.s.CreateThread(e.ctx, in)
			wantCode(t, err, parley.EInvalid)
			var de *parley.Error
			if !errors.As(err, &de) || de.Field != c.field {
				t.Errorf("error %v does not name field %q", err, c.field)
			}
		})
	}
	if ids := e.list(parley.Scope{Kind: parley.ScopeAll}, parley.SortActivity, "", 10); len(ids) != 0 {
		t.Errorf("failed creations left threads behind: %v", ids)
	}
	tag, err := e.s.TagBySlug(e.ctx, f.tagA.Slug)
	must(t, err)
	if tag.ThreadCount != 0 {
		t.Errorf("failed creations counted %d threads on the tag", tag.ThreadCount)
	}
	_, _, err = e.s.CreateThread(e.ctx, parley.NewThread{Title: ok.Title, SubtopicID: f.sub.ID, TagIDs: ok.TagIDs, AuthorID: 99999, Text: text("x")})
	isNotFound(t, err)
}

func testReplies(t *testing.T, e *env) {
	f := e.forum()
	staff := e.user(parley.RoleStaff)
	th := e.thread(f, f.asker, f.tagA)
	e.reply(th.ID, f.answerer)
	if got := e.get(th.ID); got.ReplyCount != 1 || got.StaffReplied || !got.LastActivityAt.Equal(e.clock.Now()) {
		t.Errorf("after a member's reply: %+v", got)
	}
	p := e.reply(th.ID, staff)
	if p.Original || p.Author.Role != parley.RoleStaff || p.ThreadID != th.ID {
		t.Errorf("reply %+v", p)
	}
	if got := e.get(th.ID); got.ReplyCount != 2 || !got.StaffReplied {
		t.Errorf("after a staff reply: %+v", got)
	}
	posts, err := e.s.Posts(e.ctx, th.ID, 0, 10)
	must(t, err)
	if len(posts) != 3 || !posts[0].Original || posts[2].ID != p.ID {
		t.Errorf("posts out of order: %+v", posts)
	}
	after, err := e.s.Posts(e.ctx, th.ID, posts[0].ID, 1)
	must(t, err)
	if len(after) != 1 || after[0].ID != posts[1].ID {
		t.Errorf("posts after the first, limit 1: %+v", after)
	}

	must(t, e.s.SetLocked(e.ctx, th.ID, true, f.by("")))
	_, err = e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.answerer.ID, Text: text("Too late")})
	wantCode(t, err, parley.EConflict)
	if got := e.get(th.ID); !got.Locked || got.ReplyCount != 2 {
		t.Errorf("locked thread %+v", got)
	}
	must(t, e.s.SetLocked(e.ctx, th.ID, false, f.by("")))
	e.reply(th.ID, f.answerer)

	_, err = e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: 99999, AuthorID: f.answerer.ID, Text: text("x")})
	isNotFound(t, err)
	_, err = e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.answerer.ID, Text: text("")})
	wantCode(t, err, parley.EInvalid)
	isNotFound(t, e.s.SetLocked(e.ctx, 99999, true, f.by("")))
}

// testSorts builds threads whose sort keys disagree with each other and checks each sort
// against an order computed here from the threads' own counters.
func testSorts(t *testing.T, e *env) {
	f := e.forum()
	var ids []int64
	for i := 0; i < 7; i++ {
		ids = append(ids, e.thread(f, f.asker, f.tagA).ID)
	}
	boosters := []parley.User{e.user(parley.RoleMember), e.user(parley.RoleMember), e.user(parley.RoleMember)}
	for i, id := range ids {
		for r := 0; r < (i*3)%5; r++ {
			e.reply(id, f.answerer)
		}
		op, err := e.s.Posts(e.ctx, id, 0, 1)
		must(t, err)
		for b := 0; b < (i*2)%4 && b < len(boosters); b++ {
			_, err := e.s.SetBoost(e.ctx, boosters[b].ID, op[0].ID, true)
			must(t, err)
		}
	}
	views := map[int64]int64{}
	for i, id := range ids {
		views[id] = int64((i * 5) % 7)
	}
	must(t, e.s.AddViews(e.ctx, views))

	var threads []parley.Thread
	for _, id := range ids {
		threads = append(threads, e.get(id))
	}
	for _, srt := range parley.Sorts {
		want := append([]parley.Thread(nil), threads...)
		sort.SliceStable(want, func(i, j int) bool {
			ki, kj := srt.Key(&want[i]), srt.Key(&want[j])
			if ki != kj {
				return ki > kj
			}
			return want[i].ID > want[j].ID
		})
		var wantIDs []int64
		for _, th := range want {
			wantIDs = append(wantIDs, th.ID)
		}
		for name, sc := range scopes(f) {
			for _, size := range []int{1, 3, 100} {
				equalIDs(t, string(srt)+" "+name, e.list(sc, srt, "", size), wantIDs)
			}
		}
	}
	page, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: parley.Scope{}, Sort: parley.SortReplies, Limit: 1})
	must(t, err)
	if got := page.Threads[0]; got.ReplyCount != 4 || got.Author.Handle != f.asker.Handle || len(got.Tags) != 1 {
		t.Errorf("list row %+v", got)
	}
	_, err = e.s.Threads(e.ctx, parley.ListQuery{Sort: "hot", Limit: 10})
	wantCode(t, err, parley.EInvalid)
	_, err = e.s.Threads(e.ctx, parley.ListQuery{Sort: parley.SortViews, Limit: 10, After: &parley.Cursor{Sort: parley.SortNewest, ID: 1}})
	wantCode(t, err, parley.EInvalid)
}

func testFilters(t *testing.T, e *env) {
	f := e.forum()
	staff := e.user(parley.RoleStaff)
	plain := e.thread(f, f.asker, f.tagA)
	answered := e.thread(f, f.asker, f.tagA)
	r := e.reply(answered.ID, f.answerer)
	must(t, e.s.AcceptAnswer(e.ctx, answered.ID, r.ID))
	staffed := e.thread(f, f.asker, f.tagA)
	e.reply(staffed.ID, staff)
	both := e.thread(f, f.asker, f.tagA)
	r = e.reply(both.ID, staff)
	must(t, e.s.AcceptAnswer(e.ctx, both.ID, r.ID))

	want := map[parley.Filter][]int64{
		parley.FilterNone:       {both.ID, staffed.ID, answered.ID, plain.ID},
		parley.FilterAnswered:   {both.ID, answered.ID},
		parley.FilterUnanswered: {staffed.ID, plain.ID},
		parley.FilterStaff:      {both.ID, staffed.ID},
		parley.FilterAwaiting:   {answered.ID, plain.ID},
	}
	for filter, ids := range want {
		for name, sc := range scopes(f) {
			equalIDs(t, string(filter)+" "+name, e.list(sc, parley.SortNewest, filter, 1), ids)
		}
	}
}

func testPaging(t *testing.T, e *env) {
	f := e.forum()
	var want []int64
	for i := 0; i < 23; i++ {
		want = append([]int64{e.thread(f, f.asker, f.tagA).ID}, want...)
	}
	sc := parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}
	page, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: sc, Sort: parley.SortNewest, Limit: 10})
	must(t, err)
	if len(page.Threads) != 10 || page.Next == nil {
		t.Fatalf("first page: %d threads, next %v", len(page.Threads), page.Next)
	}
	cursor, err := parley.ParseCursor(page.Next.String(), parley.SortNewest)
	must(t, err)
	if *cursor != *page.Next {
		t.Errorf("cursor round trip: %+v != %+v", cursor, page.Next)
	}
	equalIDs(t, "all pages", e.list(sc, parley.SortNewest, "", 10), want)
	last, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: sc, Sort: parley.SortNewest, Limit: 23})
	must(t, err)
	if last.Next != nil {
		t.Errorf("a page holding the whole list has a next cursor %+v", last.Next)
	}
}

// testPagingWhileInserts reads a list page by page while other goroutines ask new
// questions: every thread that existed when reading began must be read exactly once.
func testPagingWhileInserts(t *testing.T, e *env) {
	f := e.forum()
	existing := map[int64]bool{}
	for i := 0; i < 40; i++ {
		existing[e.thread(f, f.asker, f.tagA).ID] = true
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				e.clock.Advance(time.Second)
				_, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "A question asked meanwhile", SubtopicID: f.sub.ID,
					TagIDs: []int64{f.tagA.ID}, AuthorID: f.answerer.ID, Text: text("x")})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for _, srt := range []parley.Sort{parley.SortNewest, parley.SortActivity} {
		seen := map[int64]int{}
		for _, id := range e.list(parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}, srt, "", 7) {
			seen[id]++
		}
		for id := range existing {
			if seen[id] != 1 {
				t.Errorf("%s: thread %d read %d times", srt, id, seen[id])
			}
		}
		for id, n := range seen {
			if n > 1 {
				t.Errorf("%s: thread %d read %d times", srt, id, n)
			}
		}
	}
	close(stop)
	wg.Wait()
}

func testPinned(t *testing.T, e *env) {
	f := e.forum()
	a := e.thread(f, f.asker, f.tagA)
	b := e.thread(f, f.asker, f.tagA, f.tagB)
	c := e.thread(f, f.asker, f.tagA)
	tagA := parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}
	tagB := parley.Scope{Kind: parley.ScopeTag, ID: f.tagB.ID}
	must(t, e.s.SetPinned(e.ctx, a.ID, &tagA, true, f.by("")))
	pinned, err := e.s.PinnedThreads(e.ctx, tagA)
	must(t, err)
	if len(pinned) != 1 || pinned[0].ID != a.ID || !pinned[0].Pinned {
		t.Errorf("pinned in tag A: %+v", pinned)
	}
	equalIDs(t, "tag A without its pinned thread", e.list(tagA, parley.SortActivity, "", 10), []int64{c.ID, b.ID})
	equalIDs(t, "subtopic, where nothing is pinned", e.list(parley.Scope{Kind: parley.ScopeSubtopic, ID: f.sub.ID}, parley.SortActivity, "", 10), []int64{c.ID, b.ID, a.ID})
	if !e.get(a.ID).Pinned || e.get(b.ID).Pinned {
		t.Error("Thread.Pinned should say whether a thread is pinned anywhere")
	}

	if p, err := e.s.PinnedThreads(e.ctx, tagB); err != nil || len(p) != 0 {
		t.Errorf("pinned in tag B before anything is: %+v, %v", p, err)
	}
	// Pinning b everywhere must show it at once, though tag B was just read without a pin.
	must(t, e.s.SetPinned(e.ctx, b.ID, nil, true, f.by("")))
	for _, sc := range []parley.Scope{tagA, tagB, {Kind: parley.ScopeAll}} {
		p, err := e.s.PinnedThreads(e.ctx, sc)
		must(t, err)
		found := false
		for _, th := range p {
			found = found || th.ID == b.ID
		}
		if !found {
			t.Errorf("a globally pinned thread is not pinned in %+v", sc)
		}
	}
	must(t, e.s.SetPinned(e.ctx, a.ID, &tagA, false, f.by("")))
	must(t, e.s.SetPinned(e.ctx, b.ID, nil, false, f.by("")))
	equalIDs(t, "tag A after unpinning", e.list(tagA, parley.SortActivity, "", 10), []int64{c.ID, b.ID, a.ID})
	if e.get(a.ID).Pinned {
		t.Error("unpinned thread still pinned")
	}
	isNotFound(t, e.s.SetPinned(e.ctx, c.ID, &tagB, true, f.by("")))
}

// testPinnedWithPage checks the pinned threads a first page carries (ListQuery.WithPinned):
// those PinnedThreads returns, most recently active first, less those the list's filter
// leaves out; none on later pages, and never among the page's own threads.
func testPinnedWithPage(t *testing.T, e *env) {
	f := e.forum()
	old := e.thread(f, f.asker, f.tagA)
	answered := e.thread(f, f.asker, f.tagA)
	plain := e.thread(f, f.asker, f.tagA)
	others := []parley.Thread{e.thread(f, f.asker, f.tagA), e.thread(f, f.asker, f.tagA), e.thread(f, f.asker, f.tagA)}
	tagA := parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}
	for _, th := range []parley.Thread{old, answered} {
		must(t, e.s.SetPinned(e.ctx, th.ID, &tagA, true, f.by("")))
	}
	must(t, e.s.AcceptAnswer(e.ctx, answered.ID, e.reply(answered.ID, f.answerer).ID))
	e.reply(old.ID, f.answerer) // the oldest thread is now the most recently active pinned one

	ids := func(threads []parley.Thread) []int64 {
		var out []int64
		for _, th := range threads {
			out = append(out, th.ID)
		}
		return out
	}
	first := func(filter parley.Filter, sort parley.Sort) parley.ThreadPage {
		page, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: tagA, Sort: sort, Filter: filter, Limit: 2, WithPinned: true})
		must(t, err)
		return page
	}
	page := first(parley.FilterNone, parley.SortNewest)
	equalIDs(t, "pinned on the first page", ids(page.Pinned), []int64{old.ID, answered.ID})
	equalIDs(t, "the first page itself", ids(page.Threads), []int64{others[2].ID, others[1].ID})
	for _, th := range page.Pinned {
		if !th.Pinned || th.Title == "" || th.Author.Handle == "" {
			t.Errorf("a pinned thread read with the page is not whole: %+v", th)
		}
	}
	alone, err := e.s.PinnedThreads(e.ctx, tagA)
	must(t, err)
	equalIDs(t, "PinnedThreads", ids(alone), ids(page.Pinned))
	equalIDs(t, "pinned, unanswered only", ids(first(parley.FilterUnanswered, parley.SortActivity).Pinned), []int64{old.ID})
	equalIDs(t, "pinned, answered only", ids(first(parley.FilterAnswered, parley.SortReplies).Pinned), []int64{answered.ID})

	next, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: tagA, Sort: parley.SortNewest, Limit: 2, After: page.Next, WithPinned: true})
	must(t, err)
	if len(next.Pinned) != 0 {
		t.Errorf("a later page carries pinned threads: %v", ids(next.Pinned))
	}
	equalIDs(t, "the second page", ids(next.Threads), []int64{others[0].ID, plain.ID})
	without, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: tagA, Sort: parley.SortNewest, Limit: 2})
	must(t, err)
	if len(without.Pinned) != 0 {
		t.Errorf("a page not asked for its pinned threads carries them: %v", ids(without.Pinned))
	}
	sub, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeSubtopic, ID: f.sub.ID}, Sort: parley.SortNewest, Limit: 2, WithPinned: true})
	must(t, err)
	if len(sub.Pinned) != 0 || len(sub.Threads) != 2 {
		t.Errorf("a list with nothing pinned: pinned %v, threads %v", ids(sub.Pinned), ids(sub.Threads))
	}
}

// testDraftRefused checks that a store takes no post whose text was not rendered: the HTML
// it holds is always the rendering of the body beside it.
func testDraftRefused(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	draft := parley.Draft("Written, never rendered.")
	if _, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "A question never rendered", SubtopicID: f.sub.ID,
		TagIDs: []int64{f.tagA.ID}, AuthorID: f.asker.ID, Text: draft}); err == nil {
		t.Error("a thread with a draft text was stored")
	}
	if _, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.answerer.ID, Text: draft}); err == nil {
		t.Error("a reply with a draft text was stored")
	}
	op, err := e.s.Posts(e.ctx, th.ID, 0, 10)
	must(t, err)
	if _, err := e.s.EditPost(e.ctx, parley.PostEdit{PostID: op[0].ID, EditorID: f.asker.ID, Text: draft}); err == nil {
		t.Error("an edit with a draft text was stored")
	}
	if got := e.get(th.ID); got.ReplyCount != 0 {
		t.Errorf("refused drafts counted %d replies", got.ReplyCount)
	}
	if posts, _ := e.s.Posts(e.ctx, th.ID, 0, 10); len(posts) != 1 || posts[0].Revision != 1 {
		t.Errorf("refused drafts changed the thread's posts: %+v", posts)
	}
}

package storetest

import (
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

func testRevisions(t *testing.T, e *env) {
	f := e.forum()
	mod := e.user(parley.RoleModerator)
	th := e.thread(f, f.asker, f.tagA)
	posts, err := e.s.Posts(e.ctx, th.ID, 0, 1)
	must(t, err)
	op := posts[0]
	created := e.clock.Now()

	e.clock.Advance(time.Hour)
	p, err := e.s.EditPost(e.ctx, parley.PostEdit{PostID: op.ID, EditorID: f.asker.ID, Text: text("Second"), Summary: "clearer"})
	must(t, err)
	firstEdit := e.clock.Now()
	if p.Revision != 2 || !p.Edited() || !p.EditedAt.Equal(firstEdit) || p.HTML != text("Second").HTML() || !p.CreatedAt.Equal(created) {
		t.Errorf("after one edit: %+v", p)
	}
	e.clock.Advance(time.Hour)
	_, err = e.s.EditPost(e.ctx, parley.PostEdit{PostID: op.ID, EditorID: mod.ID, Text: text("Third"), Summary: "tidied"})
	must(t, err)

	revs, err := e.s.Revisions(e.ctx, op.ID)
	must(t, err)
	want := []struct {
		body, editor, summary string
		at                    time.Time
	}{
		{"The question.", f.asker.Handle, "", created},
		{"Second", f.asker.Handle, "clearer", firstEdit},
		{"Third", mod.Handle, "tidied", e.clock.Now()},
	}
	if len(revs) != len(want) {
		t.Fatalf("got %d revisions, want %d", len(revs), len(want))
	}
	for i, w := range want {
		r := revs[i]
		if r.Number != i+1 || r.Body != w.body || r.Editor.Handle != w.editor || r.Summary != w.summary || !r.CreatedAt.Equal(w.at) {
			t.Errorf("revision %d = %+v, want %+v", i+1, r, w)
		}
	}
	_, err = e.s.EditPost(e.ctx, parley.PostEdit{PostID: op.ID, EditorID: mod.ID, Text: text("")})
	wantCode(t, err, parley.EInvalid)
	_, err = e.s.EditPost(e.ctx, parley.PostEdit{PostID: 99999, EditorID: mod.ID, Text: text("x")})
	isNotFound(t, err)
	if revs, _ := e.s.Revisions(e.ctx, op.ID); len(revs) != 3 {
		t.Errorf("failed edits changed the history: %d revisions", len(revs))
	}
	_, err = e.s.Revisions(e.ctx, 99999)
	isNotFound(t, err)
}

func testBoosts(t *testing.T, e *env) {
	f := e.forum()
	other := e.user(parley.RoleMember)
	th := e.thread(f, f.asker, f.tagA)
	reply := e.reply(th.ID, f.answerer)
	posts, err := e.s.Posts(e.ctx, th.ID, 0, 1)
	must(t, err)
	op := posts[0]

	steps := []struct {
		user     parley.User
		post     int64
		on       bool
		want     int64
		thread   int64
		wantCode string
	}{
		{f.answerer, op.ID, true, 1, 1, ""},
		{f.answerer, op.ID, true, 1, 1, ""}, // boosting twice counts once
		{other, op.ID, true, 2, 2, ""},
		{f.answerer, op.ID, false, 1, 1, ""},
		{f.answerer, op.ID, false, 1, 1, ""}, // clearing twice changes nothing
		{f.asker, reply.ID, true, 1, 1, ""},  // a reply's boost is not the thread's
		{f.asker, op.ID, true, 0, 1, parley.EInvalid},
	}
	for i, s := range steps {
		n, err := e.s.SetBoost(e.ctx, s.user.ID, s.post, s.on)
		if s.wantCode != "" {
			wantCode(t, err, s.wantCode)
			continue
		}
		must(t, err)
		if n != s.want {
			t.Errorf("step %d: boost count %d, want %d", i, n, s.want)
		}
		if got := e.get(th.ID).BoostCount; got != s.thread {
			t.Errorf("step %d: thread boost count %d, want %d", i, got, s.thread)
		}
	}
	_, err = e.s.SetBoost(e.ctx, other.ID, 99999, true)
	isNotFound(t, err)

	boosted, err := e.s.BoostedPosts(e.ctx, other.ID, []int64{op.ID, reply.ID, 99999})
	must(t, err)
	if !boosted[op.ID] || boosted[reply.ID] || len(boosted) != 1 {
		t.Errorf("other boosted %v, want only the question %d", boosted, op.ID)
	}
	if none, err := e.s.BoostedPosts(e.ctx, other.ID, nil); err != nil || len(none) != 0 {
		t.Errorf("no posts asked about: %v, %v", none, err)
	}

	// A member's boosts, by post, a page at a time: the other's of the question, then of
	// the reply boosted later; the answerer cleared theirs.
	boostedAt := e.clock.Now()
	e.clock.Advance(time.Minute)
	_, err = e.s.SetBoost(e.ctx, other.ID, reply.ID, true)
	must(t, err)
	first, err := e.s.UserBoosts(e.ctx, other.ID, 0, 1)
	must(t, err)
	second, err := e.s.UserBoosts(e.ctx, other.ID, op.ID, 1)
	must(t, err)
	rest, err := e.s.UserBoosts(e.ctx, other.ID, reply.ID, 1)
	must(t, err)
	want := []parley.GivenBoost{{PostID: op.ID, ThreadID: th.ID, CreatedAt: boostedAt},
		{PostID: reply.ID, ThreadID: th.ID, CreatedAt: boostedAt.Add(time.Minute)}}
	if got := slices.Concat(first, second, rest); !reflect.DeepEqual(got, want) {
		t.Errorf("the boosts a member gave, a page of one at a time: %+v; want %+v", got, want)
	}
	if none, err := e.s.UserBoosts(e.ctx, f.answerer.ID, 0, 10); err != nil || len(none) != 0 {
		t.Errorf("the boosts of a member who cleared theirs: %+v, %v; want none", none, err)
	}
}

// testBoostsConcurrent toggles boosts from many goroutines: the count must end equal to the
// boosts left standing, with no update lost.
func testBoostsConcurrent(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	posts, err := e.s.Posts(e.ctx, th.ID, 0, 1)
	must(t, err)
	const users = 12
	var boosters []parley.User
	for i := 0; i < users; i++ {
		boosters = append(boosters, e.user(parley.RoleMember))
	}
	var wg sync.WaitGroup
	for i, u := range boosters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 5; k++ {
				if _, err := e.s.SetBoost(e.ctx, u.ID, posts[0].ID, k%2 == 0); err != nil {
					t.Error(err)
				}
			}
			if i%3 == 0 { // every third user ends with the boost cleared
				if _, err := e.s.SetBoost(e.ctx, u.ID, posts[0].ID, false); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	want := int64(users - users/3)
	p, err := e.s.Post(e.ctx, posts[0].ID)
	must(t, err)
	if p.BoostCount != want || e.get(th.ID).BoostCount != want {
		t.Errorf("boost counts post %d thread %d, want %d", p.BoostCount, e.get(th.ID).BoostCount, want)
	}
	page, err := e.s.Threads(e.ctx, parley.ListQuery{Sort: parley.SortBoosts, Limit: 1})
	must(t, err)
	if page.Threads[0].BoostCount != want {
		t.Errorf("the list says %d boosts, want %d", page.Threads[0].BoostCount, want)
	}
}

func testAnswers(t *testing.T, e *env) {
	f := e.forum()
	staff := e.user(parley.RoleStaff)
	th := e.thread(f, f.asker, f.tagA)
	other := e.thread(f, f.asker, f.tagA)
	a := e.reply(th.ID, f.answerer)
	b := e.reply(th.ID, staff)
	foreign := e.reply(other.ID, f.answerer)
	ops, err := e.s.Posts(e.ctx, th.ID, 0, 1)
	must(t, err)

	must(t, e.s.AcceptAnswer(e.ctx, th.ID, a.ID))
	if got := e.get(th.ID); got.AcceptedPostID != a.ID || !got.Answered() {
		t.Errorf("accepted %d, want %d", got.AcceptedPostID, a.ID)
	}
	must(t, e.s.AcceptAnswer(e.ctx, th.ID, b.ID))
	if got := e.get(th.ID).AcceptedPostID; got != b.ID {
		t.Errorf("changed accepted answer is %d, want %d", got, b.ID)
	}
	wantCode(t, e.s.AcceptAnswer(e.ctx, th.ID, ops[0].ID), parley.EInvalid)
	wantCode(t, e.s.AcceptAnswer(e.ctx, th.ID, foreign.ID), parley.EInvalid)
	isNotFound(t, e.s.AcceptAnswer(e.ctx, th.ID, 99999))
	if got := e.get(th.ID).AcceptedPostID; got != b.ID {
		t.Errorf("refused changes moved the accepted answer to %d", got)
	}
	must(t, e.s.AcceptAnswer(e.ctx, th.ID, 0))
	if e.get(th.ID).Answered() {
		t.Error("cleared answer still accepted")
	}
	equalIDs(t, "unanswered after clearing", e.list(parley.Scope{}, parley.SortNewest, parley.FilterUnanswered, 10), []int64{other.ID, th.ID})

	must(t, e.s.SetRecommended(e.ctx, b.ID, true))
	if p, _ := e.s.Post(e.ctx, b.ID); !p.StaffRecommended {
		t.Error("recommended reply not marked")
	}
	must(t, e.s.SetRecommended(e.ctx, b.ID, false))
	if p, _ := e.s.Post(e.ctx, b.ID); p.StaffRecommended {
		t.Error("unrecommended reply still marked")
	}
	wantCode(t, e.s.SetRecommended(e.ctx, ops[0].ID, true), parley.EInvalid)
	isNotFound(t, e.s.SetRecommended(e.ctx, 99999, true))
}

func testViews(t *testing.T, e *env) {
	f := e.forum()
	a := e.thread(f, f.asker, f.tagA)
	b := e.thread(f, f.asker, f.tagA)
	must(t, e.s.AddViews(e.ctx, map[int64]int64{a.ID: 5, b.ID: 2, 99999: 7}))
	must(t, e.s.AddViews(e.ctx, map[int64]int64{b.ID: 4}))
	must(t, e.s.AddViews(e.ctx, nil))
	if e.get(a.ID).ViewCount != 5 || e.get(b.ID).ViewCount != 6 {
		t.Errorf("views a=%d b=%d, want 5 and 6", e.get(a.ID).ViewCount, e.get(b.ID).ViewCount)
	}
	equalIDs(t, "by views in the tag", e.list(parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}, parley.SortViews, "", 10), []int64{b.ID, a.ID})

	// Lists take a new count once it has grown by an eighth: 100 is listed at once, 105 is
	// not (the list keeps 100), 115 is. The thread itself always has the exact count.
	listed := func() int64 {
		page, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}, Sort: parley.SortViews, Limit: 1})
		must(t, err)
		return page.Threads[0].ViewCount
	}
	for _, step := range []struct{ add, exact, listed int64 }{{95, 100, 100}, {5, 105, 100}, {10, 115, 115}} {
		must(t, e.s.AddViews(e.ctx, map[int64]int64{a.ID: step.add}))
		if got := e.get(a.ID).ViewCount; got != step.exact {
			t.Errorf("thread views %d, want %d", got, step.exact)
		}
		if got := listed(); got != step.listed {
			t.Errorf("listed views %d, want %d", got, step.listed)
		}
	}
}

func testUserPosts(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	other := e.thread(f, f.answerer, f.tagA)
	r1 := e.reply(th.ID, f.answerer)
	r2 := e.reply(other.ID, f.answerer)
	posts, err := e.s.UserPosts(e.ctx, f.answerer.ID, 0, 10)
	must(t, err)
	if len(posts) != 3 || posts[0].PostID != r2.ID || posts[1].PostID != r1.ID || !posts[2].Original || posts[1].ThreadTitle != th.Title {
		t.Fatalf("user posts %+v", posts)
	}
	older, err := e.s.UserPosts(e.ctx, f.answerer.ID, r1.ID, 10)
	must(t, err)
	if len(older) != 1 || older[0].ThreadID != other.ID {
		t.Errorf("posts before %d: %+v", r1.ID, older)
	}
	u, err := e.s.UserByID(e.ctx, f.answerer.ID)
	must(t, err)
	if u.PostCount != 3 || u.ThreadCount != 1 {
		t.Errorf("answerer counts: %d posts, %d threads", u.PostCount, u.ThreadCount)
	}
}

// testRepliesConcurrent replies to one thread from many goroutines at once and checks that
// every counter the replies move (the thread's, its list entries', the authors') counts
// each reply exactly once.
func testRepliesConcurrent(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	const writers, each = 8, 6
	authors := make([]parley.User, writers)
	for i := range authors {
		authors[i] = e.user(parley.RoleMember)
	}
	var wg sync.WaitGroup
	for _, u := range authors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: u.ID, Text: text("Same here.")}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	const want = writers * each
	posts, err := e.s.Posts(e.ctx, th.ID, 0, want+10)
	must(t, err)
	if got := e.get(th.ID).ReplyCount; got != want || len(posts) != want+1 {
		t.Errorf("thread counts %d replies and holds %d posts, want %d replies", got, len(posts), want)
	}
	page, err := e.s.Threads(e.ctx, parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeTag, ID: f.tagA.ID}, Sort: parley.SortReplies, Limit: 1})
	must(t, err)
	if page.Threads[0].ReplyCount != want {
		t.Errorf("the tag's list says %d replies, want %d", page.Threads[0].ReplyCount, want)
	}
	for _, u := range authors {
		if got, err := e.s.UserByID(e.ctx, u.ID); err != nil || got.PostCount != each {
			t.Errorf("%s has %d posts (%v), want %d", u.Handle, got.PostCount, err, each)
		}
	}
}

package demo

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parley-forum/parley"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{Threads: 100, Posts: 500, Users: 50, Now: testNow}
	tests := []struct {
		name  string
		edit  func(c *Config)
		field string // "" for a valid config
	}{
		{"valid", func(c *Config) {}, ""},
		{"posts equal threads", func(c *Config) { c.Posts = c.Threads }, ""},
		{"zero threads", func(c *Config) { c.Threads, c.Posts = 0, 0 }, "threads"},
		{"negative threads", func(c *Config) { c.Threads = -1 }, "threads"},
		{"too many threads", func(c *Config) { c.Threads, c.Posts = MaxThreads+1, MaxThreads+1 }, "threads"},
		{"fewer posts than threads", func(c *Config) { c.Posts = c.Threads - 1 }, "posts"},
		{"too many posts per thread", func(c *Config) { c.Posts = c.Threads * (MaxPostsPerThread + 1) }, "posts"},
		{"too few users", func(c *Config) { c.Users = MinUsers - 1 }, "users"},
		{"no users", func(c *Config) { c.Users = 0 }, "users"},
		{"too many users", func(c *Config) { c.Users = MaxUsers + 1 }, "users"},
		{"no time", func(c *Config) { c.Now = time.Time{} }, "now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var e *parley.Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate() = %v, want a *parley.Error", err)
			}
			if e.Code != parley.EInvalid || e.Field != tt.field || e.Message == "" {
				t.Errorf("Validate() = %+v, want code %q, field %q and a message", e, parley.EInvalid, tt.field)
			}
			if err := Generate(context.Background(), c, blockRenderer{}, &memWriter{}, nil); !errors.As(err, &e) || e.Field != tt.field {
				t.Errorf("Generate() = %v, want the same validation error", err)
			}
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	cfg := Config{Threads: 600, Posts: 3000, Users: 200, Seed: 42}
	a := mustGenerate(t, cfg, blockRenderer{})
	b := mustGenerate(t, cfg, blockRenderer{})
	for _, part := range []struct {
		name string
		a, b any
	}{
		{"topics", a.topics, b.topics},
		{"tags", a.tags, b.tags},
		{"users", a.users, b.users},
		{"threads", a.threads, b.threads},
	} {
		if !reflect.DeepEqual(part.a, part.b) {
			t.Errorf("two runs with seed %d wrote different %s", cfg.Seed, part.name)
		}
	}

	cfg.Seed = 43
	c := mustGenerate(t, cfg, blockRenderer{})
	same := 0
	for i := range a.threads {
		if a.threads[i].Thread.Title == c.threads[i].Thread.Title && a.threads[i].Posts[0].Post.Body == c.threads[i].Posts[0].Post.Body {
			same++
		}
	}
	if same > len(a.threads)/20 {
		t.Errorf("seeds 42 and 43 share %d of %d threads' titles and bodies", same, len(a.threads))
	}
	if reflect.DeepEqual(a.users, c.users) {
		t.Error("seeds 42 and 43 made the same users")
	}
}

func TestGenerateKeepsInvariants(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"typical", Config{Threads: 2500, Posts: 12500, Users: 800, Seed: 1}},
		{"no replies", Config{Threads: 150, Posts: 150, Users: 10, Seed: 2}},
		{"busy threads", Config{Threads: 40, Posts: 4000, Users: 10, Seed: 3}},
		{"one thread", Config{Threads: 1, Posts: 1, Users: 10, Seed: 4}},
		{"few replies", Config{Threads: 300, Posts: 320, Users: 1000, Seed: 5}},
		{"several batches", Config{Threads: 4500, Posts: 9000, Users: 100, Seed: 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mustGenerate(t, tt.cfg, blockRenderer{})
			checkForum(t, tt.cfg, w)
		})
	}
}

// checkForum checks every rule the records must keep for a store to write them as given.
func checkForum(t *testing.T, cfg Config, w *memWriter) {
	t.Helper()
	now := testNow
	if !cfg.Now.IsZero() {
		now = cfg.Now
	}
	oldest := now.AddDate(-5, 0, 0)

	// Batches.
	for i, n := range w.batches {
		if n > BatchSize || n == 0 || (i < len(w.batches)-1 && n != BatchSize) {
			t.Errorf("batch %d has %d threads, want %d (the last at most)", i, n, BatchSize)
		}
	}

	// Users.
	if len(w.users) != cfg.Users {
		t.Fatalf("%d users, want %d", len(w.users), cfg.Users)
	}
	handles := map[string]bool{}
	staff := 0
	for i, u := range w.users {
		if u.ID != int64(i+1) {
			t.Fatalf("user %d has id %d", i+1, u.ID)
		}
		if handles[u.Handle] {
			t.Errorf("handle %q used twice", u.Handle)
		}
		handles[u.Handle] = true
		if u.Handle == "" || strings.TrimFunc(u.Handle, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }) != "" {
			t.Errorf("user %d: handle %q is not lower-case ASCII letters and digits", u.ID, u.Handle)
		}
		if !u.Role.Valid() || u.DisplayName == "" {
			t.Errorf("user %d: role %q, display name %q", u.ID, u.Role, u.DisplayName)
		}
		if (u.Signature == "") != (u.SignatureHTML == "") {
			t.Errorf("user %d: signature %q rendered as %q", u.ID, u.Signature, u.SignatureHTML)
		}
		if u.Role.IsStaff() {
			staff++
			if u.Badge == "" || u.Signature == "" {
				t.Errorf("staff user %d has badge %q and signature %q", u.ID, u.Badge, u.Signature)
			}
		}
		if u.Role == parley.RoleMember && u.Badge != "" {
			t.Errorf("member %d has badge %q", u.ID, u.Badge)
		}
		if i > 0 && u.CreatedAt.Before(w.users[i-1].CreatedAt) {
			t.Errorf("user %d signed up before user %d", u.ID, u.ID-1)
		}
	}
	if u := w.users[0]; u.Handle != "admin" || u.Role != parley.RoleAdmin {
		t.Errorf("user 1 is %q (%s), want the admin", u.Handle, u.Role)
	}
	if want := max(1, cfg.Users/100) + 1; staff != want {
		t.Errorf("%d staff, want %d", staff, want)
	}

	// Structure.
	subTopic := map[int64]int64{}
	for _, tp := range w.topics {
		if tp.Slug != parley.Slugify(tp.Name) || tp.Description == "" {
			t.Errorf("topic %+v", tp)
		}
		if n := len(tp.Subtopics); n < 3 || n > 7 {
			t.Errorf("topic %q has %d subtopics, want 3 to 7", tp.Name, n)
		}
		for _, s := range tp.Subtopics {
			if s.TopicID != tp.ID || s.Slug != parley.Slugify(s.Name) || s.Description == "" {
				t.Errorf("subtopic %+v of topic %d", s, tp.ID)
			}
			subTopic[s.ID] = tp.ID
		}
	}
	tagByID := map[int64]parley.Tag{}
	for _, tg := range w.tags {
		if tg.Slug != parley.Slugify(tg.Name) || tg.Description == "" {
			t.Errorf("tag %+v", tg)
		}
		tagByID[tg.ID] = tg
	}
	if _, ok := tagByID[2]; !ok || tagByID[2].Slug != "network" {
		t.Errorf("tag 2 is %+v, want network", tagByID[2])
	}

	// Threads and posts.
	if len(w.threads) != cfg.Threads {
		t.Fatalf("%d threads, want %d", len(w.threads), cfg.Threads)
	}
	var (
		posts       int
		nextPost    = int64(1)
		subThreads  = map[int64]int64{}
		tagThreads  = map[int64]int64{}
		userThreads = make([]int64, cfg.Users+1)
		userPosts   = make([]int64, cfg.Users+1)
		firstPost   = make([]time.Time, cfg.Users+1)
		pinnedTopic = map[int64]bool{}
		prevCreated time.Time
	)
	author := func(a parley.Author) {
		t.Helper()
		if a.ID < 1 || a.ID > int64(cfg.Users) {
			t.Fatalf("author id %d out of range", a.ID)
		}
		u := w.users[a.ID-1]
		if a.Handle != u.Handle || a.DisplayName != u.DisplayName || a.Role != u.Role || a.Badge != u.Badge {
			t.Errorf("author %+v does not match user %+v", a, u)
		}
	}
	for i := range w.threads {
		rec := &w.threads[i]
		th := &rec.Thread
		if th.ID != int64(i+1) {
			t.Fatalf("thread %d has id %d", i+1, th.ID)
		}
		if th.Title == "" || strings.Contains(th.Title, "{") {
			t.Errorf("thread %d title %q", th.ID, th.Title)
		}
		if !th.CreatedAt.After(prevCreated) || th.CreatedAt.Before(oldest) || th.CreatedAt.After(now) {
			t.Errorf("thread %d created at %v, after %v, want in order within the last years", th.ID, th.CreatedAt, prevCreated)
		}
		prevCreated = th.CreatedAt
		if subTopic[th.SubtopicID] == 0 || subTopic[th.SubtopicID] != th.TopicID {
			t.Errorf("thread %d in subtopic %d of topic %d", th.ID, th.SubtopicID, th.TopicID)
		}
		subThreads[th.SubtopicID]++

		if n := len(rec.TagIDs); n < 1 || n > 5 || len(th.Tags) != n {
			t.Errorf("thread %d has tag ids %v and tags %v", th.ID, rec.TagIDs, th.Tags)
		}
		for j, id := range rec.TagIDs {
			tg, ok := tagByID[id]
			if !ok || j >= len(th.Tags) || th.Tags[j] != (parley.TagRef{Slug: tg.Slug, Name: tg.Name}) {
				t.Errorf("thread %d tag %d: id %d, ref %v", th.ID, j, id, th.Tags)
			}
			if slices.Contains(rec.TagIDs[:j], id) {
				t.Errorf("thread %d has tag %d twice", th.ID, id)
			}
			tagThreads[id]++
		}

		ps := rec.Posts
		if len(ps) == 0 {
			t.Fatalf("thread %d has no posts", th.ID)
		}
		posts += len(ps)
		if th.ReplyCount != int64(len(ps)-1) {
			t.Errorf("thread %d: reply count %d, %d posts", th.ID, th.ReplyCount, len(ps))
		}
		op := &ps[0].Post
		if th.Author != op.Author {
			t.Errorf("thread %d author %+v, original post by %+v", th.ID, th.Author, op.Author)
		}
		if th.BoostCount != op.BoostCount || !op.CreatedAt.Equal(th.CreatedAt) {
			t.Errorf("thread %d: boosts %d, created %v; original post %d, %v", th.ID, th.BoostCount, th.CreatedAt, op.BoostCount, op.CreatedAt)
		}
		if !th.LastActivityAt.Equal(ps[len(ps)-1].Post.CreatedAt) {
			t.Errorf("thread %d: last activity %v, last post %v", th.ID, th.LastActivityAt, ps[len(ps)-1].Post.CreatedAt)
		}
		if th.ViewCount < 1 {
			t.Errorf("thread %d has %d views", th.ID, th.ViewCount)
		}
		userThreads[op.Author.ID]++

		staffReplied, accepted := false, false
		for j := range ps {
			pr := &ps[j]
			p := &pr.Post
			if p.ID != nextPost {
				t.Fatalf("post %d of thread %d has id %d, want %d", j, th.ID, p.ID, nextPost)
			}
			nextPost++
			if p.ThreadID != th.ID || p.Original != (j == 0) || p.Body == "" || p.HTML == "" {
				t.Errorf("post %d: thread %d, original %v, body %d bytes, html %d bytes", p.ID, p.ThreadID, p.Original, len(p.Body), len(p.HTML))
			}
			author(p.Author)
			if j > 0 && !p.CreatedAt.After(ps[j-1].Post.CreatedAt) {
				t.Errorf("post %d at %v is not after the post before it at %v", p.ID, p.CreatedAt, ps[j-1].Post.CreatedAt)
			}
			if p.CreatedAt.After(now) {
				t.Errorf("post %d is in the future: %v", p.ID, p.CreatedAt)
			}
			userPosts[p.Author.ID]++
			if f := firstPost[p.Author.ID]; f.IsZero() || p.CreatedAt.Before(f) {
				firstPost[p.Author.ID] = p.CreatedAt
			}
			if p.BoostCount != int64(len(pr.Boosters)) {
				t.Errorf("post %d: boost count %d, %d boosters", p.ID, p.BoostCount, len(pr.Boosters))
			}
			seen := map[int64]bool{}
			for _, b := range pr.Boosters {
				if b == p.Author.ID || seen[b] || b < 1 || b > int64(cfg.Users) {
					t.Errorf("post %d by %d boosted by %v", p.ID, p.Author.ID, pr.Boosters)
					break
				}
				seen[b] = true
			}
			if j > 0 && p.Author.Role.IsStaff() {
				staffReplied = true
			}
			if p.StaffRecommended && (j == 0 || !p.Author.Role.IsStaff()) {
				t.Errorf("post %d by a %s is staff-recommended", p.ID, p.Author.Role)
			}
			if th.AcceptedPostID == p.ID {
				accepted = true
				if j == 0 {
					t.Errorf("thread %d accepts its own original post", th.ID)
				}
			}
			checkRevisions(t, pr, now)
		}
		if staffReplied != th.StaffReplied {
			t.Errorf("thread %d: StaffReplied %v, staff reply found %v", th.ID, th.StaffReplied, staffReplied)
		}
		if th.AcceptedPostID != 0 && !accepted {
			t.Errorf("thread %d accepts post %d, which is not one of its replies", th.ID, th.AcceptedPostID)
		}

		if th.Pinned {
			pinnedTopic[th.TopicID] = true
			want := []parley.Scope{{Kind: parley.ScopeSubtopic, ID: th.SubtopicID}}
			for _, id := range rec.TagIDs {
				want = append(want, parley.Scope{Kind: parley.ScopeTag, ID: id})
			}
			if !reflect.DeepEqual(rec.PinnedIn, want) {
				t.Errorf("pinned thread %d is pinned in %v, want %v", th.ID, rec.PinnedIn, want)
			}
			if !op.Author.Role.IsStaff() {
				t.Errorf("pinned thread %d is by a %s", th.ID, op.Author.Role)
			}
			if n := len(ps[0].Revisions); n < 2 || n > 6 {
				t.Errorf("pinned thread %d has %d earlier versions, want 2 to 6", th.ID, n)
			}
		} else if rec.PinnedIn != nil {
			t.Errorf("thread %d is not pinned but lists scopes %v", th.ID, rec.PinnedIn)
		}
	}
	if posts != cfg.Posts {
		t.Errorf("%d posts, want %d", posts, cfg.Posts)
	}
	if cfg.Threads >= 100 && len(pinnedTopic) != len(w.topics) {
		t.Errorf("pinned threads in %d topics, want all %d", len(pinnedTopic), len(w.topics))
	}

	// Counters.
	for _, tp := range w.topics {
		for _, s := range tp.Subtopics {
			if s.ThreadCount != subThreads[s.ID] {
				t.Errorf("subtopic %q: thread count %d, has %d threads", s.Name, s.ThreadCount, subThreads[s.ID])
			}
		}
	}
	for _, tg := range w.tags {
		if tg.ThreadCount != tagThreads[tg.ID] {
			t.Errorf("tag %q: thread count %d, on %d threads", tg.Name, tg.ThreadCount, tagThreads[tg.ID])
		}
	}
	for _, u := range w.users {
		if u.ThreadCount != userThreads[u.ID] || u.PostCount != userPosts[u.ID] {
			t.Errorf("user %d: %d threads and %d posts, wrote %d and %d", u.ID, u.ThreadCount, u.PostCount, userThreads[u.ID], userPosts[u.ID])
		}
		if f := firstPost[u.ID]; !f.IsZero() && !u.CreatedAt.Before(f) {
			t.Errorf("user %d signed up at %v, not before their first post at %v", u.ID, u.CreatedAt, f)
		}
	}
}

// checkRevisions checks a post's edit history.
func checkRevisions(t *testing.T, pr *parley.PostRecord, now time.Time) {
	t.Helper()
	p := &pr.Post
	if p.Revision != len(pr.Revisions)+1 {
		t.Errorf("post %d is revision %d with %d earlier versions", p.ID, p.Revision, len(pr.Revisions))
	}
	if len(pr.Revisions) == 0 {
		if !p.EditedAt.IsZero() || pr.EditorID != 0 || pr.EditorSummary != "" {
			t.Errorf("unedited post %d: edited at %v by %d (%q)", p.ID, p.EditedAt, pr.EditorID, pr.EditorSummary)
		}
		return
	}
	if !p.EditedAt.After(p.CreatedAt) || p.EditedAt.After(now) || pr.EditorID == 0 || pr.EditorSummary == "" {
		t.Errorf("edited post %d: created %v, edited %v by %d (%q)", p.ID, p.CreatedAt, p.EditedAt, pr.EditorID, pr.EditorSummary)
	}
	bodies := map[string]bool{p.Body: true}
	for i, rev := range pr.Revisions {
		if rev.PostID != p.ID || rev.Number != i+1 || rev.Editor.ID == 0 {
			t.Errorf("post %d revision %d: %+v", p.ID, i+1, rev)
		}
		if bodies[rev.Body] {
			t.Errorf("post %d revision %d repeats an earlier body", p.ID, rev.Number)
		}
		bodies[rev.Body] = true
		if (i == 0) != (rev.Summary == "") {
			t.Errorf("post %d revision %d has summary %q", p.ID, rev.Number, rev.Summary)
		}
		if i == 0 && (!rev.CreatedAt.Equal(p.CreatedAt) || rev.Editor != p.Author) {
			t.Errorf("post %d: first version at %v by %d, post at %v by %d", p.ID, rev.CreatedAt, rev.Editor.ID, p.CreatedAt, p.Author.ID)
		}
		next := p.EditedAt
		if i+1 < len(pr.Revisions) {
			next = pr.Revisions[i+1].CreatedAt
		}
		if !rev.CreatedAt.Before(next) {
			t.Errorf("post %d revision %d at %v is not before the next version at %v", p.ID, rev.Number, rev.CreatedAt, next)
		}
	}
}

// TestGenerateShape checks that the forum looks like a real one in aggregate.
func TestGenerateShape(t *testing.T) {
	cfg := Config{Threads: 20000, Posts: 100000, Users: 5000, Seed: 7}
	w := mustGenerate(t, cfg, blockRenderer{})

	var unanswered, small, big, staffReplied, answerable, accepted, edited, replies, upToThree int
	maxReplies := 0
	firstYear, lastYear := 0, 0
	for i := range w.threads {
		rec := &w.threads[i]
		n := len(rec.Posts) - 1
		maxReplies = max(maxReplies, n)
		switch {
		case n == 0:
			unanswered++
		case n <= 5:
			small++
		case n >= 24:
			big++
		}
		if rec.Thread.StaffReplied {
			staffReplied++
		}
		for _, pr := range rec.Posts[1:] {
			if pr.Post.Author.ID != rec.Thread.Author.ID {
				answerable++
				if rec.Thread.AcceptedPostID != 0 {
					accepted++
				}
				break
			}
		}
		for _, pr := range rec.Posts {
			if len(pr.Revisions) > 0 && !rec.Thread.Pinned {
				edited++
			}
		}
		replies += n
		if len(rec.TagIDs) <= 3 {
			upToThree++
		}
		switch age := testNow.Sub(rec.Thread.CreatedAt); {
		case age > 3*365*24*time.Hour:
			firstYear++
		case age < 365*24*time.Hour:
			lastYear++
		}
	}
	threads := float64(cfg.Threads)
	within := func(name string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %.3f, want between %.2f and %.2f", name, got, lo, hi)
		}
	}
	within("share of threads without replies", float64(unanswered)/threads, 0.25, 0.35)
	within("share of threads with 1–5 replies", float64(small)/threads, 0.45, 0.7)
	within("share of threads with 24 or more replies", float64(big)/threads, 0.005, 0.06)
	within("share of threads with a staff reply", float64(staffReplied)/threads, 0.12, 0.18)
	within("share of answerable threads with an accepted answer", float64(accepted)/float64(answerable), 0.35, 0.45)
	within("share of posts edited once", float64(edited)/float64(cfg.Posts), 0.01, 0.03)
	// Tags come from what a question names, and few questions name four subjects.
	within("share of threads with at most 3 tags", float64(upToThree)/threads, 0.85, 0.999)
	within("threads in the last year over the first", float64(lastYear)/float64(firstYear), 3, 10)
	if maxReplies < 100 || maxReplies > 400 {
		t.Errorf("the busiest thread has %d replies, want a long tail to about 200", maxReplies)
	}

	counts := make([]int, len(w.tags))
	for i, tg := range w.tags {
		counts[i] = int(tg.ThreadCount)
	}
	sorted := slices.Clone(counts)
	sort.Sort(sort.Reverse(sort.IntSlice(sorted)))
	median := sorted[len(sorted)/2]
	if sorted[0] < 20*median {
		t.Errorf("the most popular tag is on %d threads, the median tag on %d: want a Zipf-like spread", sorted[0], median)
	}
	if network := counts[1]; network < sorted[4] {
		t.Errorf("tag network is on %d threads, fewer than the fifth most popular (%d)", network, sorted[4])
	}

	staff := 0
	for _, u := range w.users {
		if u.Role == parley.RoleStaff {
			staff++
		}
	}
	within("share of users who are staff", float64(staff)/float64(cfg.Users), 0.008, 0.012)
}

func TestGenerateReportsProgress(t *testing.T) {
	cfg := Config{Threads: 5001, Posts: 6000, Users: 20, Now: testNow}
	var got []int
	if err := Generate(context.Background(), cfg, blockRenderer{}, &memWriter{}, func(n int) { got = append(got, n) }); err != nil {
		t.Fatal(err)
	}
	if want := []int{2000, 4000, 5001}; !slices.Equal(got, want) {
		t.Errorf("progress reported %v, want %v", got, want)
	}
}

func TestGenerateStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cfg := Config{Threads: 10000, Posts: 20000, Users: 20, Now: testNow}
	w := &memWriter{}
	err := Generate(ctx, cfg, blockRenderer{}, w, func(int) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Generate() = %v, want context.Canceled", err)
	}
	if len(w.threads) != BatchSize || w.closed {
		t.Errorf("wrote %d threads and closed=%v after cancelling in the first batch", len(w.threads), w.closed)
	}
}

type failingWriter struct{ memWriter }

func (failingWriter) Threads(context.Context, []parley.ThreadRecord) error {
	return errors.New("disk full")
}

func TestGenerateReturnsWriterErrors(t *testing.T) {
	cfg := Config{Threads: 10, Posts: 20, Users: 10, Now: testNow}
	err := Generate(context.Background(), cfg, blockRenderer{}, &failingWriter{}, nil)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Generate() = %v, want the writer's error", err)
	}
}

// flatRenderer renders the whole input as one paragraph, so joined fragments would
// not match it.
type flatRenderer struct{}

func (flatRenderer) Render(md string) string { return "<p>" + md + "</p>" }

func TestGenerateRejectsRendererThatJoinsBlocks(t *testing.T) {
	cfg := Config{Threads: 10, Posts: 20, Users: 10, Now: testNow}
	if err := Generate(context.Background(), cfg, flatRenderer{}, &memWriter{}, nil); err == nil {
		t.Fatal("Generate accepted a renderer whose output cannot be joined")
	}
}

package sqlstore_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/sqlite"
)

// store is a parley.Store that tells what its writes change.
type store interface {
	parley.Store
	OnChange(func(context.Context, events.Event))
}

// eachDatabase runs test on a new store on each database.
func eachDatabase(t *testing.T, test func(t *testing.T, s store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		test(t, s)
	})
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.MustOpen(t, nil)) })
}

// recorder keeps what a store tells its listeners. Listeners are told before the write
// returns, so what it took after a call is what that call changed.
type recorder struct {
	mu  sync.Mutex
	got []events.Event
}

func (r *recorder) listen(_ context.Context, e events.Event) {
	r.mu.Lock()
	r.got = append(r.got, e)
	r.mu.Unlock()
}

// take returns what was told since the last take.
func (r *recorder) take() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestContentWritesTell checks that each write of threads and posts tells what it changed
// once committed, and that writes which change no page, or fail, tell nothing.
func TestContentWritesTell(t *testing.T) {
	eachDatabase(t, func(t *testing.T, s store) {
		ctx := context.Background()
		top, err := s.CreateTopic(ctx, parley.NewTopic{Slug: "apps", Name: "Apps"})
		must(t, err)
		sub, err := s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "net", Name: "Networking"})
		must(t, err)
		tag, err := s.CreateTag(ctx, parley.NewTag{Slug: "wifi", Name: "Wi-Fi"})
		must(t, err)
		asker, err := s.CreateUser(ctx, parley.NewUser{Handle: "asker", DisplayName: "Asker"})
		must(t, err)
		answerer, err := s.CreateUser(ctx, parley.NewUser{Handle: "answerer", DisplayName: "Answerer"})
		must(t, err)
		var r recorder
		s.OnChange(r.listen)

		th, _, err := s.CreateThread(ctx, parley.NewThread{Title: "Wi-Fi drops after sleep", SubtopicID: sub.ID,
			TagIDs: []int64{tag.ID}, AuthorID: asker.ID, Body: "It drops."})
		must(t, err)
		var lists []int64
		for _, sc := range parley.Scopes(top.ID, sub.ID, []int64{tag.ID}) {
			lists = append(lists, sc.Key())
		}
		expect(t, "CreateThread", r.take(), events.Event{Kind: events.ThreadAdded, ThreadID: th.ID, Lists: lists})

		changed := events.Event{Kind: events.ThreadChanged, ThreadID: th.ID}
		reply, err := s.CreateReply(ctx, parley.NewReply{ThreadID: th.ID, AuthorID: answerer.ID, Body: "Turn it off."})
		must(t, err)
		expect(t, "CreateReply", r.take(), changed)
		_, err = s.EditPost(ctx, parley.PostEdit{PostID: reply.ID, EditorID: answerer.ID, Body: "Turn it off and on."})
		must(t, err)
		expect(t, "EditPost", r.take(), changed)
		_, err = s.SetBoost(ctx, asker.ID, reply.ID, true)
		must(t, err)
		expect(t, "SetBoost", r.take(), changed)
		_, err = s.SetBoost(ctx, asker.ID, reply.ID, true)
		must(t, err)
		expect(t, "SetBoost again", r.take())
		must(t, s.AcceptAnswer(ctx, th.ID, reply.ID))
		expect(t, "AcceptAnswer", r.take(), changed)
		must(t, s.SetRecommended(ctx, reply.ID, true))
		expect(t, "SetRecommended", r.take(), changed)

		must(t, s.AddViews(ctx, map[int64]int64{th.ID: 3}))
		expect(t, "AddViews", r.take(), events.Event{Kind: events.ViewsCounted})
		must(t, s.RecordUpload(ctx, parley.NewUpload{UserID: asker.ID, SHA256: sha, Size: 10}, 0))
		expect(t, "RecordUpload", r.take())
		if _, err := s.CreateReply(ctx, parley.NewReply{ThreadID: th.ID, AuthorID: answerer.ID, Body: "With a file.",
			Attachments: []parley.File{{Name: "gone.log", ContentType: "text/plain", Size: 10, SHA256: sha2}}}); err == nil {
			t.Fatal("a reply carrying a content never uploaded was written")
		}
		expect(t, "a refused CreateReply", r.take())
	})
}

// Two contents' digests.
const (
	sha  = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	sha2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
)

func expect(t *testing.T, what string, got []events.Event, want ...events.Event) {
	t.Helper()
	if !slices.EqualFunc(got, want, func(a, b events.Event) bool {
		return a.Kind == b.Kind && a.ThreadID == b.ThreadID && slices.Equal(a.Lists, b.Lists)
	}) {
		t.Errorf("%s told %+v, want %+v", what, got, want)
	}
}

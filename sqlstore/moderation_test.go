package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
	"github.com/parley-forum/parley/sqlite"
)

// recorder keeps the events a store tells of.
type recorder struct {
	mu     sync.Mutex
	events []events.Event
}

func (r *recorder) record(_ context.Context, e events.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// take returns what was told since the last take, as "kind:thread" strings.
func (r *recorder) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var told []string
	for _, e := range r.events {
		told = append(told, fmt.Sprintf("%s:%d", e.Kind, e.ThreadID))
	}
	r.events = nil
	return fmt.Sprint(told)
}

// must returns v, after failing the test if err is not nil.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestModerationTellsChanges checks what each moderation action tells the listeners: the
// thread it changes, and a forum change where lists' or users' pages change too. An
// action that changes nothing tells nothing.
func TestModerationTellsChanges(t *testing.T) {
	ctx := context.Background()
	s := must(sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"), sqlite.Options{}))(t)
	t.Cleanup(func() { s.Close() })
	top := must(s.CreateTopic(ctx, parley.NewTopic{Slug: "apps", Name: "Apps"}))(t)
	sub := must(s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "net", Name: "Networking"}))(t)
	dest := must(s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "ui", Name: "Interface"}))(t)
	tagA := must(s.CreateTag(ctx, parley.NewTag{Slug: "tls", Name: "TLS"}))(t)
	tagB := must(s.CreateTag(ctx, parley.NewTag{Slug: "dns", Name: "DNS"}))(t)
	asker := must(s.CreateUser(ctx, parley.NewUser{Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember}))(t)
	mod := must(s.CreateUser(ctx, parley.NewUser{Handle: "mod", DisplayName: "Mod", Role: parley.RoleModerator}))(t)
	th, _, err := s.CreateThread(ctx, parley.NewThread{Title: "Why does TLS fail?", SubtopicID: sub.ID, TagIDs: []int64{tagA.ID},
		AuthorID: asker.ID, Body: "It fails.", HTML: "<p>It fails.</p>"})
	if err != nil {
		t.Fatal(err)
	}
	reply := must(s.CreateReply(ctx, parley.NewReply{ThreadID: th.ID, AuthorID: asker.ID, Body: "Still.", HTML: "<p>Still.</p>"}))(t)
	var r recorder
	s.OnChange(r.record)
	r.take()

	by := parley.Audit{ActorID: mod.ID}
	thread, forum := fmt.Sprintf("thread:%d", th.ID), "forum:0"
	for _, c := range []struct {
		name   string
		action func() error
		want   []string
	}{
		{"lock", func() error { return s.SetLocked(ctx, th.ID, true, by) }, []string{thread}},
		{"lock again", func() error { return s.SetLocked(ctx, th.ID, true, by) }, nil},
		{"pin", func() error { return s.SetPinned(ctx, th.ID, nil, true, by) }, []string{thread}},
		{"move", func() error { return s.MoveThread(ctx, th.ID, dest.ID, by) }, []string{thread, forum}},
		{"retag", func() error { return s.RetagThread(ctx, th.ID, []int64{tagB.ID}, by) }, []string{thread, forum}},
		{"hide", func() error { return s.SetPostHidden(ctx, reply.ID, true, by) }, []string{thread}},
		{"delete", func() error { return s.SetThreadDeleted(ctx, th.ID, true, by) }, []string{thread, forum}},
		{"restore", func() error { return s.SetThreadDeleted(ctx, th.ID, false, by) }, []string{thread, forum}},
		{"suspend", func() error { return s.SuspendUser(ctx, asker.ID, time.Now().Add(time.Hour), by) }, []string{forum}},
	} {
		if err := c.action(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, want := r.take(), fmt.Sprint(c.want); got != want {
			t.Errorf("%s told %s, want %s", c.name, got, want)
		}
	}
}

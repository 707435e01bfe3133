package notify_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
	"github.com/parley-forum/parley/notify"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
)

// TestWorkerFansOutAReply runs a worker as serve does and waits, through the store's
// change announcements, for the asker to be told of a reply.
func TestWorkerFansOutAReply(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	notified := make(chan struct{}, 10)
	w := notify.New(s, slog.Default())
	s.OnChange(w.Changed)
	s.OnChange(func(_ context.Context, e events.Event) {
		if e.Kind == events.Notified {
			notified <- struct{}{}
		}
	})
	done := make(chan struct{})
	go func() { w.Run(ctx, time.Hour); close(done) }()

	top, err := s.CreateTopic(ctx, parley.NewTopic{Slug: "t", Name: "T"})
	must(t, err)
	sub, err := s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "s", Name: "S"})
	must(t, err)
	tag, err := s.CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"})
	must(t, err)
	asker, err := s.CreateUser(ctx, parley.NewUser{Handle: "asker", DisplayName: "Asker"})
	must(t, err)
	answerer, err := s.CreateUser(ctx, parley.NewUser{Handle: "answerer", DisplayName: "Answerer"})
	must(t, err)
	th, _, err := s.CreateThread(ctx, parley.NewThread{Title: "Why does my socket close?", SubtopicID: sub.ID, TagIDs: []int64{tag.ID},
		AuthorID: asker.ID, Text: storetest.Text("It closes.")})
	must(t, err)
	_, err = s.CreateReply(ctx, parley.NewReply{ThreadID: th.ID, AuthorID: answerer.ID, Text: storetest.Text("Keep it alive.")})
	must(t, err)
	select {
	case <-notified:
	case <-time.After(10 * time.Second):
		t.Fatal("the worker told nobody within 10 s")
	}
	n, err := s.UnreadNotifications(ctx, asker.ID)
	must(t, err)
	if n != 1 {
		t.Errorf("the asker has %d unread, want 1", n)
	}
	cancel()
	<-done
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package postgres_test

import (
	"context"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/storetest"
)

// TestReadReplica stands a second, empty schema in for a replica that has not caught up:
// list and thread reads go to it, a context that asks for the primary reads the primary,
// and what a write returns is read back from the primary.
func TestReadReplica(t *testing.T) {
	ctx := context.Background()
	primaryURL, replicaURL := pgtest.MustURL(t), pgtest.MustURL(t)
	replica, err := postgres.Open(ctx, replicaURL, postgres.Options{}) // its tables, empty
	if err != nil {
		t.Fatal(err)
	}
	replica.Close()
	s, err := postgres.Open(ctx, primaryURL, postgres.Options{ReadURL: replicaURL})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	top, err := s.CreateTopic(ctx, parley.NewTopic{Slug: "t", Name: "Topic"})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "s", Name: "Sub"})
	if err != nil {
		t.Fatal(err)
	}
	tag, err := s.CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, parley.NewUser{Handle: "ana", DisplayName: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	th, op, err := s.CreateThread(ctx, parley.NewThread{Title: "Read after write", SubtopicID: sub.ID, TagIDs: []int64{tag.ID},
		AuthorID: u.ID, Text: storetest.Text("Body")})
	if err != nil || th.ID == 0 || op.ThreadID != th.ID {
		t.Fatalf("a write returns what it wrote, read from the primary: %+v %+v %v", th, op, err)
	}

	page, err := s.Threads(ctx, parley.ListQuery{Sort: parley.SortActivity, Limit: 10})
	if err != nil || len(page.Threads) != 0 {
		t.Errorf("a list read should go to the replica, which has nothing yet: %+v %v", page.Threads, err)
	}
	if _, err := s.Thread(ctx, th.ID); parley.ErrorCode(err) != parley.ENotFound {
		t.Errorf("a thread read should go to the replica: %v", err)
	}
	fresh := parley.ReadPrimary(ctx)
	page, err = s.Threads(fresh, parley.ListQuery{Sort: parley.SortActivity, Limit: 10})
	if err != nil || len(page.Threads) != 1 {
		t.Errorf("a reader who asks for the primary sees the thread: %+v %v", page.Threads, err)
	}
	if posts, err := s.Posts(fresh, th.ID, 0, 10); err != nil || len(posts) != 1 {
		t.Errorf("posts from the primary: %v %v", posts, err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("ping with a replica: %v", err)
	}
}

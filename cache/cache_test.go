package cache_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/cache"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
)

func openSQLite(t *testing.T, clock parley.Clock) *sqlite.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"), sqlite.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConformance runs the store suite through the cache: every write made through it must
// be visible to the next read, however long the cache keeps entries.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock parley.Clock) parley.Store {
		return cache.New(openSQLite(t, clock), time.Hour)
	})
}

// TestServesFromMemoryUntilCleared shows what the cache is for: a write this node makes,
// through the cache or straight to the store, is seen at once, since the store announces it;
// a write made by another process on the same database (as another node would) is not seen
// until the entry expires or the cache is cleared.
func TestServesFromMemoryUntilCleared(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parley.db")
	inner, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	elsewhere, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer elsewhere.Close()
	c := cache.New(inner, time.Hour)
	top, _ := inner.CreateTopic(ctx, parley.NewTopic{Slug: "t", Name: "Topic"})
	sub, _ := inner.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "s", Name: "Sub"})
	tag, _ := inner.CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"})
	u, _ := inner.CreateUser(ctx, parley.NewUser{Handle: "asker", DisplayName: "Asker"})
	q := parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeTag, ID: tag.ID}, Sort: parley.SortActivity, Limit: 10}
	count := func() int {
		page, err := c.Threads(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Threads)
	}
	ask := func(s parley.Store, title string) {
		if _, _, err := s.CreateThread(ctx, parley.NewThread{Title: title, SubtopicID: sub.ID,
			TagIDs: []int64{tag.ID}, AuthorID: u.ID, Text: storetest.Text("Body")}); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("%d threads before any was asked", n)
	}
	ask(inner, "A question asked on this node")
	if n := count(); n != 1 {
		t.Fatalf("after a write on this node, bypassing the cache: %d threads, want 1", n)
	}
	ask(elsewhere, "A question asked on another node")
	if n := count(); n != 1 {
		t.Fatalf("the cached list changed without a change announced here: %d threads", n)
	}
	// Reading one's notifications changes no list: it must not cost every list its cache.
	if err := inner.MarkNotificationsRead(ctx, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("a member's reading their notifications cleared the list cache: %d threads", n)
	}
	c.Clear()
	if n := count(); n != 2 {
		t.Fatalf("after clearing: %d threads, want 2", n)
	}
	short := cache.New(inner, time.Nanosecond)
	page, err := short.Threads(ctx, q)
	if err != nil || len(page.Threads) != 2 {
		t.Fatalf("an expired entry must be read again: %+v %v", page, err)
	}
}

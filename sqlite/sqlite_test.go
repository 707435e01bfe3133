package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock parley.Clock) parley.Store {
		return MustOpen(t, clock)
	})
}

// MustOpen opens a new store in a fresh file under the test's temporary folder.
func MustOpen(tb testing.TB, clock parley.Clock) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "parley.db"), sqlite.Options{Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestReopenKeepsSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer s.Close()
	if _, err := s.TagBySlug(ctx, "network"); err != nil {
		t.Errorf("tag lost on reopening: %v", err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v < 1 {
		t.Errorf("schema version %d, %v", v, err)
	}
}

// TestOneReadConnectionSuffices guards against a query made while another's rows are open:
// with enough concurrent readers that holds every pooled connection and waits forever.
// With a pool of one it would hang at once, so this test would time out.
func TestOneReadConnectionSuffices(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	top, _ := s.CreateTopic(ctx, parley.NewTopic{Slug: "t", Name: "Topic"})
	sub, _ := s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "s", Name: "Sub"})
	tag, _ := s.CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"})
	u, _ := s.CreateUser(ctx, parley.NewUser{Handle: "asker", DisplayName: "Asker"})
	if _, _, err := s.CreateThread(ctx, parley.NewThread{Title: "A question worth asking", SubtopicID: sub.ID,
		TagIDs: []int64{tag.ID}, AuthorID: u.ID, Text: storetest.Text("Body")}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = sqlite.Open(ctx, path, sqlite.Options{ReadConns: 1}) // a cold tag cache
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page, err := s.Threads(ctx, parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeTag, ID: tag.ID}, Sort: parley.SortActivity, Limit: 10})
	if err != nil || len(page.Threads) != 1 || page.Threads[0].Tags[0].Name != "Network" {
		t.Fatalf("page %+v, err %v", page, err)
	}
}

func TestReindex(t *testing.T) {
	storetest.RunReindex(t, func(t *testing.T, clock parley.Clock) storetest.Reindexer {
		return MustOpen(t, clock)
	}, func(t *testing.T, s storetest.Reindexer) {
		db, err := sql.Open("sqlite", s.(*sqlite.Store).Path())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`DELETE FROM post_fts; DELETE FROM title_fts`); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTagBySlugFindsTagsMadeElsewhere: a store keeps every tag in memory, yet a tag that
// another node (here a second store on the same file) made since is found by its slug at
// once, and a slug no tag has is not found.
func TestTagBySlugFindsTagsMadeElsewhere(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parley.db")
	nodes := make([]*sqlite.Store, 2)
	for i := range nodes {
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		nodes[i] = s
	}
	if _, err := nodes[0].CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"}); err != nil {
		t.Fatal(err)
	}
	if got, err := nodes[0].TagBySlug(ctx, "network"); err != nil || got.Name != "Network" {
		t.Fatalf("TagBySlug(network) = %+v, %v", got, err)
	}
	if _, err := nodes[1].CreateTag(ctx, parley.NewTag{Slug: "vpn", Name: "VPN", Description: "Tunnels and the Network Extension."}); err != nil {
		t.Fatal(err)
	}
	if got, err := nodes[0].TagBySlug(ctx, "vpn"); err != nil || got.Name != "VPN" || got.Description != "Tunnels and the Network Extension." {
		t.Errorf("TagBySlug(vpn) on the other node = %+v, %v; want the tag just made", got, err)
	}
	if _, err := nodes[0].TagBySlug(ctx, "missing"); parley.ErrorCode(err) != parley.ENotFound {
		t.Errorf("TagBySlug(missing) = %v, want not found", err)
	}
}

package sqlite_test

import (
	"context"
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

package storetest

import (
	"context"
	"slices"
	"testing"

	parley "github.com/parley-forum/parley"
)

// Reindexer is a store whose full-text index can be built again from its tables, as
// parley reindex does.
type Reindexer interface {
	parley.Store
	Reindex(ctx context.Context, progress func(done, total int)) error
	SearchIndexMissing(ctx context.Context) (bool, error)
}

// RunReindex checks that a forum whose full-text index emptyIndex empties, as a database
// made before the index has it, is told apart by SearchIndexMissing and found again after
// Reindex, hidden and deleted content still left out; and that a second Reindex changes
// nothing.
func RunReindex(t *testing.T, open func(t *testing.T, clock parley.Clock) Reindexer, emptyIndex func(t *testing.T, s Reindexer)) {
	clock := NewClock()
	s := open(t, clock.Now)
	t.Cleanup(func() { s.Close() })
	e := &env{t: t, s: s, clock: clock, ctx: context.Background()}
	f := e.searchForum()
	hidden := e.answer(f.keychain.ID, f.answerer, "Try the zebrafish entitlement.")
	must(t, s.SetPostHidden(e.ctx, hidden.ID, true, f.by("spam")))
	must(t, s.SetThreadDeleted(e.ctx, f.crash.ID, true, f.by("")))
	found := map[string][]parley.Thread{
		"URLSession":     these(f.offline),
		"keychain":       these(f.keychain),
		"has:code":       these(f.offline),
		"zebrafish":      none(),
		"EXC_BAD_ACCESS": none(),
	}

	if missing, err := s.SearchIndexMissing(e.ctx); err != nil || missing {
		t.Fatalf("SearchIndexMissing of a kept index = %v, %v; want false", missing, err)
	}
	emptyIndex(t, s)
	if got := e.found("URLSession"); len(got) != 0 {
		t.Fatalf("the emptied index still finds %v", got)
	}
	if missing, err := s.SearchIndexMissing(e.ctx); err != nil || !missing {
		t.Fatalf("SearchIndexMissing of an emptied index = %v, %v; want true", missing, err)
	}

	for run := 1; run <= 2; run++ {
		var calls [][2]int
		must(t, s.Reindex(e.ctx, func(done, total int) { calls = append(calls, [2]int{done, total}) }))
		if want := [][2]int{{0, 3}, {3, 3}}; !slices.Equal(calls, want) {
			t.Errorf("run %d told progress %v, want %v", run, calls, want)
		}
		e.expect(t, found)
		if got := e.searchAll("keychain", 10); len(got) != 1 {
			t.Errorf("run %d: keychain found %d results, want 1", run, len(got))
		}
	}
	if missing, err := s.SearchIndexMissing(e.ctx); err != nil || missing {
		t.Errorf("SearchIndexMissing after Reindex = %v, %v; want false", missing, err)
	}
}

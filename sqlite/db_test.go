package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// openTemp opens a store on a fresh database file that the test removes.
func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestFailedBulkLoadLeavesNoRelaxedConnection fails a load and checks that the store's
// next write connection checks foreign keys again: the load's connection, which did not,
// is not handed back to the pool.
func TestFailedBulkLoadLeavesNoRelaxedConnection(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	w, err := s.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	twice := []parley.ThreadRecord{{Thread: parley.Thread{ID: 1}}, {Thread: parley.Thread{ID: 1}}}
	err = w.Threads(ctx, twice)
	if err == nil {
		err = w.Close(ctx)
	}
	if err == nil {
		t.Fatal("a load writing thread 1 twice succeeded")
	}
	var on bool
	if err := s.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil || !on {
		t.Errorf("foreign keys on the write connection after a failed load: %v, %v; want on", on, err)
	}
}

// TestReadersMapTheFile: read connections map the database file, the setting the thread
// page's speed rests on, so that a change to the connection string cannot drop it unseen.
func TestReadersMapTheFile(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	for name, pool := range map[string]*sql.DB{"read": s.read, "write": s.write} {
		var size int64
		if err := pool.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&size); err != nil || size < 1<<30 {
			t.Errorf("PRAGMA mmap_size on the %s pool: %d, %v; want at least 1 GB", name, size, err)
		}
	}
}

// TestFailedBulkLoadIsTakenBack fails a load in the database, at its second batch of
// threads: every table it filled is empty again, its indexes are back, the store opens
// as usual, and a load then succeeds.
func TestFailedBulkLoadIsTakenBack(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	indexesBefore := indexes(t, s)
	w, err := s.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = loadSmallForum(ctx, w, 1) // thread 1 again: the database refuses the second batch
	if err == nil {
		t.Fatal("a load writing thread 1 twice succeeded")
	}
	if err := w.Abandon(ctx); err != nil {
		t.Fatalf("abandoning the failed load: %v", err)
	}
	for _, table := range append(sqlstore.LoadedTables, "bulk_loads") {
		var n int64
		if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s holds %d rows after the failed load (%v); want none", table, n, err)
		}
	}
	if got := indexes(t, s); !slices.Equal(got, indexesBefore) {
		t.Errorf("after the failed load, the indexes are\n%q\nwant\n%q", got, indexesBefore)
	}
	s.Close()
	s, err = Open(ctx, s.path, Options{})
	if err != nil {
		t.Fatalf("opening the store after a failed load: %v", err)
	}
	defer s.Close()
	if w, err = s.Bulk(ctx); err == nil {
		err = loadSmallForum(ctx, w, 2)
	}
	if err != nil {
		t.Fatalf("a load after a failed one: %v", err)
	}
	if th, err := s.Thread(ctx, 2); err != nil || th.Title != "Second" {
		t.Errorf("thread 2 after the load: %+v, %v", th, err)
	}
}

// loadSmallForum loads a topic, a user and two batches of a thread each, the second
// with the id second, then closes the load.
func loadSmallForum(ctx context.Context, w parley.BulkWriter, second int64) error {
	now := time.Now()
	topic := parley.Topic{ID: 1, Slug: "general", Name: "General",
		Subtopics: []parley.Subtopic{{ID: 1, TopicID: 1, Slug: "questions", Name: "Questions", ThreadCount: 2}}}
	thread := func(id int64, title string) []parley.ThreadRecord {
		return []parley.ThreadRecord{{
			Thread: parley.Thread{ID: id, Title: title, SubtopicID: 1, TopicID: 1, Author: parley.Author{ID: 1},
				CreatedAt: now, LastActivityAt: now},
			Posts: []parley.PostRecord{{Post: parley.Post{ID: id, ThreadID: id, Author: parley.Author{ID: 1}, Original: true,
				Body: title, HTML: "<p>" + title + "</p>", CreatedAt: now, Revision: 1}}},
		}}
	}
	steps := []func() error{
		func() error { return w.Topics(ctx, []parley.Topic{topic}) },
		func() error {
			return w.Users(ctx, []parley.User{{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember, CreatedAt: now}})
		},
		func() error { return w.Threads(ctx, thread(1, "First")) },
		func() error { return w.Threads(ctx, thread(second, "Second")) },
		func() error { return w.Close(ctx) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// indexes lists the database's indexes with their definitions.
func indexes(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.write.QueryContext(context.Background(), `SELECT name || ': ' || sql FROM sqlite_master
		WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ix string
		if err := rows.Scan(&ix); err != nil {
			t.Fatal(err)
		}
		out = append(out, ix)
	}
	return out
}

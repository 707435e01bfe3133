package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	parley "github.com/parley-forum/parley"
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

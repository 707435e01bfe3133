// Package sqlite stores the forum in an embedded SQLite database, through the pure-Go
// modernc.org/sqlite driver, so that Parley builds without a C toolchain.
//
// # Bulk loads
//
// A bulk load (an import, a demo forum) writes in many transactions with syncs off, for
// speed, yet is complete or taken back whole, as PostgreSQL's one transaction is: it is
// marked in the table bulk_loads from before its first row until the step that makes the
// forum usable; one that fails or is abandoned empties the tables it filled, which it
// found empty; and one whose process was killed leaves its mark, so that Open refuses the
// database, saying how to go on, until a load opens it to clear it
// (Options.ClearInterruptedLoad). bulkSink, in bulk.go, says how.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is a parley.Store on one SQLite file. It keeps two pools: one connection for
// writes, since SQLite allows one writer at a time and queueing in Go is cheaper than
// retrying on SQLITE_BUSY, and several for reads, which WAL mode runs alongside the writer.
type Store struct {
	*sqlstore.Store
	path  string
	db    *db
	write *sql.DB
	read  *sql.DB
}

var _ parley.Store = (*Store)(nil)

// Options tune a Store; the zero value is right for serving.
type Options struct {
	// Clock replaces time.Now, for tests.
	Clock parley.Clock
	// ReadConns sizes the read pool; 0 means 2 per CPU, enough to keep the CPUs busy
	// while some readers wait on the disk.
	ReadConns int
	// ClearInterruptedLoad takes back the part of a bulk load that a database holds when
	// the load never finished (see bulkSink), for a command about to load it again.
	// Without it, Open refuses such a database with an error matching
	// parley.ErrInterruptedLoad.
	ClearInterruptedLoad bool
}

// Open opens (creating if needed) the database file at path and brings its schema up to
// date. It refuses a database that holds part of a bulk load (Options.ClearInterruptedLoad).
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	s := &Store{path: path}
	var err error
	if s.write, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		return nil, err
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetConnMaxIdleTime(0)
	if s.read, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		s.write.Close()
		return nil, err
	}
	n := opts.ReadConns
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	s.read.SetMaxOpenConns(n)
	s.read.SetMaxIdleConns(n)
	all, err := Migrations()
	if err == nil {
		err = migrateTo(ctx, s.write, all)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := checkLoad(ctx, s.write, path, opts.ClearInterruptedLoad); err != nil {
		s.Close()
		return nil, err
	}
	s.db = &db{write: s.write, read: s.read}
	s.Store = sqlstore.New(s.db, dialect, opts.Clock)
	return s, nil
}

// connPragmas are every connection's settings, in the form PRAGMA name(value); a bulk
// load changes some for its connection and puts these back when it finishes.
var connPragmas = []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(ON)",
	"cache_size(-16000)", "temp_store(MEMORY)", "mmap_size(2147418112)"}

// dsn builds the connection string. The pragmas (connPragmas), and why:
//   - journal_mode=WAL: readers never block the writer nor the writer readers.
//   - synchronous=NORMAL: in WAL mode a commit survives a crash of the process (SIGKILL);
//     only a power loss may drop the last commits, in exchange for not syncing every commit.
//   - busy_timeout: a second process (parley migrate, a backup) waits instead of failing.
//   - foreign_keys: the schema's references are checked.
//   - cache_size: 16 MB of pages per connection keeps the hot index pages in memory while the
//     whole process stays well under its memory budget.
//   - mmap_size: connections read pages straight from the mapped file (up to 2 GB, SQLite's
//     ceiling) instead of copying each into their own cache with a read call: a random
//     thread page cost a quarter less CPU with it (BenchmarkThreadPage in web). Pages are
//     shared with the operating system's cache, so memory is not spent twice.
//   - _txlock=immediate on the writer: a write transaction takes the lock at BEGIN, so it
//     cannot fail half-way on a lock upgrade.
//   - query_only on readers: a read connection can never write by mistake.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range connPragmas {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes both pools.
func (s *Store) Close() error {
	if s.db != nil {
		s.db.close()
	}
	return errors.Join(s.read.Close(), s.write.Close())
}

// Ping checks that the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.PingContext(ctx)
}

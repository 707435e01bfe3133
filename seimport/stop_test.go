package seimport_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/sedump/sedumptest"
	"github.com/parley-forum/parley/seimport"
	"github.com/parley-forum/parley/sqlite"
)

// stoppingStore is a store whose bulk load runs stop in place of writing the batch of
// threads after the first n, as an import meets a failure half-way.
type stoppingStore struct {
	parley.Store
	n    int
	stop func() error
}

func (s stoppingStore) Bulk(ctx context.Context) (parley.BulkWriter, error) {
	w, err := s.Store.Bulk(ctx)
	return &stoppingWriter{BulkWriter: w, left: s.n, stop: s.stop}, err
}

type stoppingWriter struct {
	parley.BulkWriter
	left int
	stop func() error
}

func (w *stoppingWriter) Threads(ctx context.Context, threads []parley.ThreadRecord) error {
	if w.left == 0 {
		return w.stop()
	}
	w.left--
	return w.BulkWriter.Threads(ctx, threads)
}

// checkEmpty checks that store holds no topic, tag, user, thread or post, as a reader
// would find them.
func checkEmpty(t *testing.T, store parley.Store, when string) {
	t.Helper()
	ctx := context.Background()
	topics, err := store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := store.Tags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page, err := store.Threads(ctx, parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeAll}, Sort: parley.SortNewest, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	q, err := search.Parse("cardano")
	if err != nil {
		t.Fatal(err)
	}
	found, err := store.Search(ctx, parley.SearchQuery{Query: q, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	_, userErr := store.UserByID(ctx, 1)
	if len(topics)+len(tags)+len(page.Threads)+len(found.Results) > 0 || !errors.Is(userErr, parley.ErrNotFound) {
		t.Errorf("%s the forum holds %d topics, %d tags, %d threads listed, %d found by search, user 1: %v; want none",
			when, len(topics), len(tags), len(page.Threads), len(found.Results), userErr)
	}
}

// TestImportFailingHalfWayKeepsNothing fails an import after its first batches of threads
// are written, with an error or an interrupt (its context cancelled): the forum is left
// empty, and the same import then succeeds.
func TestImportFailingHalfWayKeepsNothing(t *testing.T) {
	for _, c := range []struct {
		name      string
		store     parley.Store
		interrupt bool
	}{{"sqlite", mustOpenSQLite(t), false}, {"sqlite-interrupted", mustOpenSQLite(t), true}, {"postgres", pgtest.MustOpen(t, nil), false}} {
		t.Run(c.name, func(t *testing.T) {
			dump := sedumptest.Dump(t, "cardano")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			broken := errors.New("the disk is full")
			failing := stoppingStore{Store: c.store, n: 2, stop: func() error {
				if c.interrupt {
					cancel()
					return ctx.Err()
				}
				return broken
			}}
			_, err := seimport.Import(ctx, failing, dump, seimport.Options{ScratchDir: t.TempDir()})
			if c.interrupt {
				broken = context.Canceled
			}
			if !errors.Is(err, seimport.ErrLoadStopped) || !errors.Is(err, broken) || errors.Is(err, parley.ErrInterruptedLoad) {
				t.Fatalf("an import failing at its third batch: %v; want it stopped, with nothing left behind", err)
			}
			ctx = context.Background()
			checkEmpty(t, c.store, "after an import failed half-way,")
			want := expect(t, dump)
			sum, err := seimport.Import(ctx, c.store, dump, seimport.Options{ScratchDir: t.TempDir()})
			if err != nil {
				t.Fatalf("the import after a failed one: %v", err)
			}
			if sum.Threads != int64(len(want.questions)) {
				t.Errorf("the import after a failed one wrote %d threads; the dump has %d questions", sum.Threads, len(want.questions))
			}
			checkTagsAndOwners(t, c.store, want)
		})
	}
}

// killedImportEnv names the database that TestImportKilledHalfWay's child process imports
// into, and that is killed in.
const killedImportEnv = "PARLEY_TEST_KILLED_IMPORT"

// TestImportKilledHalfWay kills an import's process (SIGKILL) once it has written its first
// batches of threads. The database then refuses to open, saying how to go on; opened to
// load again, it is cleared, and the same import succeeds.
func TestImportKilledHalfWay(t *testing.T) {
	if path := os.Getenv(killedImportEnv); path != "" {
		importUntilKilled(t, path)
		return
	}
	dump := sedumptest.Dump(t, "cardano")
	path := filepath.Join(t.TempDir(), "parley.db")
	child := exec.Command(os.Args[0], "-test.run=^TestImportKilledHalfWay$")
	// The killed process cannot remove its temporary folders: they go in this test's.
	child.Env = append(os.Environ(), killedImportEnv+"="+path, "TMPDIR="+t.TempDir())
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	child.Process.Kill()
	child.Wait()
	if err != nil || line != "writing\n" {
		t.Fatalf("the importing process said %q, %v; want it to say it is writing threads", line, err)
	}
	// The topic, tags and users are written before the threads, whose first batches are
	// being written when the kill comes.
	if n := countRows(t, path, "users"); n == 0 {
		t.Fatal("the killed import left no user: it was not killed half-way")
	}
	t.Logf("the killed import left %d threads", countRows(t, path, "threads"))

	_, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, parley.ErrInterruptedLoad) || !strings.Contains(err.Error(), "run the same import or demo again") {
		t.Fatalf("opening the database of a killed import: %v; want it refused, saying how to go on", err)
	}
	store, err := sqlite.Open(context.Background(), path, sqlite.Options{ClearInterruptedLoad: true})
	if err != nil {
		t.Fatalf("opening the database of a killed import to load it again: %v", err)
	}
	defer store.Close()
	checkEmpty(t, store, "after a killed import is cleared,")
	want := expect(t, dump)
	sum, err := seimport.Import(context.Background(), store, dump, seimport.Options{ScratchDir: t.TempDir()})
	if err != nil {
		t.Fatalf("the import after a killed one: %v", err)
	}
	if sum.Threads != int64(len(want.questions)) {
		t.Errorf("the import after a killed one wrote %d threads; the dump has %d questions", sum.Threads, len(want.questions))
	}
	checkTagsAndOwners(t, store, want)
	checkSample(t, store, want, dump)
	store.Close()
	if _, err := sqlite.Open(context.Background(), path, sqlite.Options{}); err != nil {
		t.Errorf("opening the database after the import finished: %v", err)
	}
}

// importUntilKilled imports into the database at path, says "writing" once its users are
// written and two batches of threads handed to the store, and waits there, while they
// are written, to be killed.
func importUntilKilled(t *testing.T, path string) {
	store, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	said := false
	wait := stoppingStore{Store: store, n: 2, stop: func() error {
		if !said {
			fmt.Println("writing")
			said = true
		}
		select {}
	}}
	seimport.Import(context.Background(), wait, sedumptest.Dump(t, "cardano"), seimport.Options{ScratchDir: t.TempDir()})
	t.Fatal("the import ended before its process was killed")
}

// countRows counts a table's rows in the SQLite database at path, read as any program
// would, without the store.
func countRows(t *testing.T, path, table string) int64 {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

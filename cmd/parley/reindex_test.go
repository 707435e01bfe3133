package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/sqlite"
)

// TestReindexCommand empties the search index of a demo forum, as a database made before
// search has it: serve warns of it, parley reindex fills it, and serve is quiet again.
func TestReindexCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, _, err := runCmd(t, env(), "demo", "--threads", "30", "--posts", "90", "--users", "10", "--data", dir); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "parley.db")
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`DELETE FROM post_fts`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	const warning = "run parley reindex"
	if logs := serveLogs(t, dir); !strings.Contains(logs, warning) {
		t.Errorf("serve on an empty index logged %q, want a warning saying to %s", logs, warning)
	}
	for range 2 { // a second run is harmless
		out, _, err := runCmd(t, env(), "reindex", "--data", dir)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "Indexed 30 threads of "+dbPath) {
			t.Errorf("reindex printed %q, want the 30 threads it indexed", out)
		}
	}
	if logs := serveLogs(t, dir); strings.Contains(logs, warning) {
		t.Errorf("serve after reindex still warns: %q", logs)
	}

	store, err := sqlite.Open(t.Context(), dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	first, err := store.Thread(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	q, err := search.Parse(`"` + first.Title + `" in:title`)
	if err != nil {
		t.Fatal(err)
	}
	page, err := store.Search(t.Context(), parley.SearchQuery{Query: q, Limit: 10})
	if err != nil || len(page.Results) == 0 {
		t.Fatalf("searching the title %q after reindex: %v results, %v", first.Title, len(page.Results), err)
	}
}

// serveLogs starts serve on the data folder, stops it, and returns what it logged.
func serveLogs(t *testing.T, dir string) string {
	t.Helper()
	srv := startServer(t, env(), "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if err := srv.shutdown(t); err != nil {
		t.Fatal(err)
	}
	return srv.stderr.String()
}

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

// TestReindexCommand empties the search index of a demo forum, and the text of its attached
// logs, as a database made before search (or before search read files) has them: serve
// warns of it, parley reindex fills both, and serve is quiet again.
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
	var logs int
	err = db.QueryRow(`SELECT count(*) FROM attachments WHERE content_type LIKE 'text/%'`).Scan(&logs)
	if err == nil && logs == 0 {
		t.Fatal("the demo forum attaches no text file to fill again")
	}
	if err == nil {
		_, err = db.Exec(`DELETE FROM post_fts; DELETE FROM title_fts; UPDATE attachments SET search_text = ''`)
	}
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
		if !strings.Contains(out, "Indexed 30 threads of "+dbPath) {
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
	checkFileTextFound(t, dbPath, store)
}

// checkFileTextFound searches for a code term of an attached log's text, read from the
// database, and wants the thread carrying it among the results.
func checkFileTextFound(t *testing.T, dbPath string, store *sqlite.Store) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var threadID int64
	var text string
	err = db.QueryRow(`SELECT p.thread_id, a.search_text FROM attachments a JOIN posts p ON p.id = a.post_id
		WHERE a.content_type LIKE 'text/%' ORDER BY a.id LIMIT 1`).Scan(&threadID, &text)
	if err != nil || text == "" {
		t.Fatalf("the first log's text after reindex is %q, %v", text, err)
	}
	code := search.Index(text).Code
	if len(code) == 0 {
		t.Fatalf("the log %q holds no code term to search for", text)
	}
	q, err := search.Parse(code[len(code)-1])
	if err != nil {
		t.Fatal(err)
	}
	page, err := store.Search(t.Context(), parley.SearchQuery{Query: q, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Results {
		if r.Thread.ID == threadID {
			return
		}
	}
	t.Errorf("searching %q, from thread %d's log, found %d threads, not it", code[len(code)-1], threadID, len(page.Results))
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

package main

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sedump/sedumptest"
)

// TestImportCommand imports a dump through the command line, flags after the folder too,
// and runs it again, which is refused with a message saying why.
func TestImportCommand(t *testing.T) {
	datasets := os.Getenv("PARLEY_DATASETS")
	if datasets == "" {
		datasets = "/work/shared/datasets"
	}
	dir := filepath.Join(datasets, "stackexchange-conlang-meta")
	if _, err := os.Stat(filepath.Join(dir, "Posts.xml")); err != nil {
		t.Fatalf("the Stack Exchange extracts are needed (set PARLEY_DATASETS to their folder): %v", err)
	}
	data := t.TempDir()
	noEnv := func(string) string { return "" }
	args := []string{"import", "stackexchange", "--data", data, dir, "--topic", "Conlang Meta"}
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), args, noEnv, nil, &stdout, &stderr); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "Imported 54 threads, 115 replies") {
		t.Errorf("import printed %q; want the summary of 54 threads and 115 replies", stdout.String())
	}
	err := run(t.Context(), args, noEnv, nil, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "needs an empty forum") {
		t.Errorf("a second import: %v; want it refused for a forum that is not empty", err)
	}
}

// TestImportClearsInterruptedLoad: a database holding part of a load whose process was
// killed (its mark, and a topic written before the kill) is refused by the other commands,
// with what to do, and cleared by the import, which then succeeds.
func TestImportClearsInterruptedLoad(t *testing.T) {
	dump := sedumptest.Dump(t, "conlang-meta")
	data := t.TempDir()
	openData(t, data).Close()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`INSERT INTO bulk_loads (id, started_at, indexes) VALUES (1, 1733500000000, '[]')`,
		`INSERT INTO topics (id, slug, name, description, position) VALUES (1, 'conlang-meta', 'Conlang Meta', '', 1)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	noEnv := func(string) string { return "" }
	_, _, err = runCmd(t, noEnv, "migrate", "--data", data)
	if !errors.Is(err, parley.ErrInterruptedLoad) || !strings.Contains(err.Error(), "run the same import or demo again") {
		t.Errorf("migrate on a database holding part of a load: %v; want it refused, saying how to go on", err)
	}
	stdout, _, err := runCmd(t, noEnv, "import", "stackexchange", "--data", data, dump)
	if err != nil || !strings.HasPrefix(stdout, "Imported 54 threads") {
		t.Fatalf("import into a database holding part of a load: %v, %q; want it cleared and the dump imported", err, stdout)
	}
}

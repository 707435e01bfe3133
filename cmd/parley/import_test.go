package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

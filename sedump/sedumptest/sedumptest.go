// Package sedumptest finds the Stack Exchange extracts that tests of reading and importing
// dumps run on.
package sedumptest

import (
	"os"
	"path/filepath"
	"testing"
)

// Sites are the extracts there are, by the name their folders end in.
var Sites = []string{"conlang-meta", "bicycles-meta", "cardano"}

// Dump returns the folder of one extract ("cardano" for stackexchange-cardano), found in
// the folder PARLEY_DATASETS names, or /work/shared/datasets. A test fails without it
// rather than pass having read nothing.
func Dump(tb testing.TB, site string) string {
	tb.Helper()
	dir := os.Getenv("PARLEY_DATASETS")
	if dir == "" {
		dir = "/work/shared/datasets"
	}
	folder := filepath.Join(dir, "stackexchange-"+site)
	if _, err := os.Stat(filepath.Join(folder, "Posts.xml")); err != nil {
		tb.Fatalf("the Stack Exchange extracts are needed (set PARLEY_DATASETS to their folder): %v", err)
	}
	return folder
}

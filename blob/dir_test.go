package blob_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/blob/blobtest"
)

func TestDirConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) (blob.Store, func() int) {
		path := filepath.Join(t.TempDir(), "blobs")
		d, err := blob.NewDir(path)
		if err != nil {
			t.Fatal(err)
		}
		return d, func() int { return len(filesUnder(t, path)) }
	})
}

// filesUnder lists the regular files in a folder and its subfolders.
func filesUnder(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

package blob_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
)

func mustDir(t *testing.T) (*blob.Dir, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "blobs")
	d, err := blob.NewDir(path)
	if err != nil {
		t.Fatal(err)
	}
	return d, path
}

func keyOf(t *testing.T, s string) string {
	t.Helper()
	k, err := blob.Key(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func read(t *testing.T, d blob.Store, key string) string {
	t.Helper()
	f, err := d.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDirPutOpenDelete(t *testing.T) {
	ctx := context.Background()
	d, _ := mustDir(t)
	const content = "panic: runtime error\n"
	key := keyOf(t, content)
	if err := d.Put(ctx, key, strings.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, d, key); got != content {
		t.Errorf("read back %q, want %q", got, content)
	}
	// The same content again is one file, and an existing key is not rewritten.
	if err := d.Put(ctx, key, strings.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, key); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("open after delete: %v, want not found", err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestDirRefusesWrongContentAndBadKeys(t *testing.T) {
	ctx := context.Background()
	d, path := mustDir(t)
	key := keyOf(t, "the real content")
	err := d.Put(ctx, key, strings.NewReader("other content"))
	if parley.ErrorCode(err) != parley.EInvalid {
		t.Fatalf("content not matching its key: %v, want invalid", err)
	}
	if _, err := d.Open(ctx, key); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("a refused content was stored: %v", err)
	}
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63),
		"../" + strings.Repeat("a", 61), strings.Repeat("a", 62) + "/.", strings.ToUpper(key)} {
		if err := d.Put(ctx, bad, strings.NewReader("x")); parley.ErrorCode(err) != parley.EInvalid {
			t.Errorf("Put(%q): %v, want invalid", bad, err)
		}
		if _, err := d.Open(ctx, bad); parley.ErrorCode(err) != parley.EInvalid {
			t.Errorf("Open(%q): %v, want invalid", bad, err)
		}
		if err := d.Delete(ctx, bad); parley.ErrorCode(err) != parley.EInvalid {
			t.Errorf("Delete(%q): %v, want invalid", bad, err)
		}
	}
	if left := filesUnder(t, path); len(left) != 0 {
		t.Errorf("refused writes left files behind: %v", left)
	}
}

// TestDirConcurrentPuts writes the same content from many goroutines: each Put succeeds and
// the store ends with one whole copy, nothing half-written beside it.
func TestDirConcurrentPuts(t *testing.T) {
	ctx := context.Background()
	d, path := mustDir(t)
	content := strings.Repeat("log line\n", 100_000)
	key := keyOf(t, content)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := d.Put(ctx, key, strings.NewReader(content)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := read(t, d, key); got != content {
		t.Errorf("read back %d bytes, want %d", len(got), len(content))
	}
	if files := filesUnder(t, path); len(files) != 1 {
		t.Errorf("files in the store: %v, want one", files)
	}
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

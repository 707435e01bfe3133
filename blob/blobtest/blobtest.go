// Package blobtest is the conformance suite every blob.Store passes, run unchanged
// against each implementation (the folder, PostgreSQL).
package blobtest

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
)

// Opener returns a new, empty store for one test, and with it a function that counts
// what the store holds in its medium (files, rows), temporary leftovers included, so that
// the suite sees what refused or concurrent writes left behind.
type Opener func(t *testing.T) (s blob.Store, held func() int)

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := map[string]func(*testing.T, Opener){
		"PutOpenDelete":           testPutOpenDelete,
		"RefusesWrongContentKeys": testRefusesWrongContentAndBadKeys,
		"ConcurrentPuts":          testConcurrentPuts,
		"Seek":                    testSeek,
	}
	for name, test := range tests {
		t.Run(name, func(t *testing.T) { test(t, open) })
	}
}

// keyOf is the key of s.
func keyOf(t testing.TB, s string) string {
	t.Helper()
	k, err := blob.Key(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// read reads back the whole content under key.
func read(t testing.TB, s blob.Store, key string) string {
	t.Helper()
	f, err := s.Open(context.Background(), key)
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

func testPutOpenDelete(t *testing.T, open Opener) {
	ctx := context.Background()
	s, held := open(t)
	const content = "panic: runtime error\n"
	key := keyOf(t, content)
	if err := s.Put(ctx, key, strings.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, s, key); got != content {
		t.Errorf("read back %q, want %q", got, content)
	}
	// The same content again is one copy, and an existing key is not rewritten.
	if err := s.Put(ctx, key, strings.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if n := held(); n != 1 {
		t.Errorf("the store holds %d contents after the same one twice, want 1", n)
	}
	empty := keyOf(t, "")
	if err := s.Put(ctx, empty, strings.NewReader("")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, s, empty); got != "" {
		t.Errorf("the empty content read back as %q", got)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("open after delete: %v, want not found", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
}

func testRefusesWrongContentAndBadKeys(t *testing.T, open Opener) {
	ctx := context.Background()
	s, held := open(t)
	key := keyOf(t, "the real content")
	err := s.Put(ctx, key, strings.NewReader("other content"))
	if parley.ErrorCode(err) != parley.EInvalid {
		t.Fatalf("content not matching its key: %v, want invalid", err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("a refused content was stored: %v", err)
	}
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63),
		"../" + strings.Repeat("a", 61), strings.Repeat("a", 62) + "/.", strings.ToUpper(key)} {
		if err := s.Put(ctx, bad, strings.NewReader("x")); parley.ErrorCode(err) != parley.EInvalid {
			t.Errorf("Put(%q): %v, want invalid", bad, err)
		}
		if _, err := s.Open(ctx, bad); parley.ErrorCode(err) != parley.EInvalid {
			t.Errorf("Open(%q): %v, want invalid", bad, err)
		}
		if err := s.Delete(ctx, bad); parley.ErrorCode(err) != parley.EInvalid {
			t.Errorf("Delete(%q): %v, want invalid", bad, err)
		}
	}
	if n := held(); n != 0 {
		t.Errorf("refused writes left %d contents behind", n)
	}
}

// bigContent spans several of any store's read buffers.
var bigContent = strings.Repeat("log line\n", 100_000)

// testConcurrentPuts writes the same content from many goroutines: each Put succeeds and
// the store ends with one whole copy, nothing half-written beside it.
func testConcurrentPuts(t *testing.T, open Opener) {
	ctx := context.Background()
	s, held := open(t)
	key := keyOf(t, bigContent)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := s.Put(ctx, key, strings.NewReader(bigContent)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := read(t, s, key); got != bigContent {
		t.Errorf("read back %d bytes, want %d", len(got), len(bigContent))
	}
	if n := held(); n != 1 {
		t.Errorf("the store holds %d contents, want one", n)
	}
}

// testSeek reads a large content the way a file server answers a range request: its size
// from a seek to the end, then a part from the middle.
func testSeek(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	content := bigContent + "the end"
	key := keyOf(t, content)
	if err := s.Put(ctx, key, strings.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	f, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil || size != int64(len(content)) {
		t.Fatalf("seek to the end: %d, %v; want %d", size, err, len(content))
	}
	if n, err := f.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("read at the end: %d bytes, %v; want 0, EOF", n, err)
	}
	for _, at := range []int64{int64(len(bigContent)) - 5, 3, 600_001, 0} {
		if _, err := f.Seek(at, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		part := make([]byte, 12)
		if _, err := io.ReadFull(f, part); err != nil {
			t.Fatalf("read 12 bytes at %d: %v", at, err)
		}
		if want := content[at : at+12]; string(part) != want {
			t.Errorf("at %d read %q, want %q", at, part, want)
		}
	}
	if _, err := f.Seek(-1, io.SeekStart); err == nil {
		t.Error("seek before the start: no error")
	}
}

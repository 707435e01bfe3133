package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/sqlite"
)

// TestServeCollectsUnpostedFiles starts serve on a forum holding a file sent for a form a
// day ago and never posted, and one sent an hour ago: serve's sweep deletes the first from
// the blob folder, keeps the second, and says so in its log.
func TestServeCollectsUnpostedFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	sent := func(ago time.Duration, content string) string {
		store, err := sqlite.Open(ctx, filepath.Join(dir, "parley.db"), sqlite.Options{Clock: func() time.Time { return time.Now().Add(-ago) }})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		u, err := store.UserByHandle(ctx, "sender")
		if errors.Is(err, parley.ErrNotFound) {
			u, err = store.CreateUser(ctx, parley.NewUser{Handle: "sender", DisplayName: "Sender"})
		}
		if err != nil {
			t.Fatal(err)
		}
		key, _ := blob.Key(strings.NewReader(content))
		if err := store.RecordUpload(ctx, parley.NewUpload{UserID: u.ID, SHA256: key, Size: int64(len(content))}, parley.UploadLimits{}); err != nil {
			t.Fatal(err)
		}
		if err := blobs.Put(ctx, key, strings.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		return key
	}
	old, recent := sent(parley.UploadGrace+time.Minute, "left in a form a day ago\n"), sent(time.Hour, "left in a form an hour ago\n")

	srv := startServer(t, env(), "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if err := srv.shutdown(t); err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Open(ctx, old); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("the file sent a day ago is still stored: %v", err)
	}
	if f, err := blobs.Open(ctx, recent); err != nil {
		t.Errorf("the file sent an hour ago was removed: %v", err)
	} else {
		f.Close()
	}
	if !strings.Contains(srv.stderr.String(), `"msg":"swept unposted files","count":1`) {
		t.Errorf("serve's log does not report the sweep:\n%s", srv.stderr)
	}
}
